//! Imports, the time export and feed tokens in SQL (`ImportStore`). Rows arrive through a
//! `RowStream` chunk by chunk (`reader::spawn` parses on a thread of its own),
//! so no import holds a whole file of parsed rows.
//!
//! A time import runs in one transaction: the directory of people, accounts and projects
//! is read once, then each chunk of rows is resolved, checked by
//! `psops_core::time_entries::check_entry` with batched lookups (the people, projects,
//! already-imported keys and day totals a chunk needs, one statement each) and inserted
//! with multi-row statements; rollups and audit rows are written as a single create
//! writes them. Any bad row rolls everything back; a dry run always does.

mod create;
mod directory;
mod export;
mod opportunities;
mod reader;
mod records;
mod time;

use async_trait::async_trait;
use psops_core::Result;
use psops_core::imports::records::RecordBatch;
use psops_core::imports::{ImportReport, RowStream, TimeImportOptions};
use psops_core::interchange::{ExportRow, Format};
use psops_core::people::{Person, PersonId};
use psops_core::store::{ImportStore, WriteCtx};
use psops_core::time_entries::{TimeEntryFilter, TimeEntryId};

use crate::Db;

#[async_trait]
impl ImportStore for Db {
    async fn import_time(
        &self,
        ctx: &WriteCtx,
        format: Format,
        rows: RowStream,
        options: &TimeImportOptions,
    ) -> Result<ImportReport> {
        time::run(&self.pools, ctx, format, rows, options).await
    }

    async fn import_records(&self, ctx: &WriteCtx, batch: RecordBatch, dry_run: bool) -> Result<ImportReport> {
        records::run(&self.pools, ctx, batch, dry_run).await
    }

    async fn export_time_page(
        &self,
        filter: &TimeEntryFilter,
        after: Option<TimeEntryId>,
        limit: u32,
    ) -> Result<Vec<(TimeEntryId, ExportRow)>> {
        export::page(&self.pools, filter, after, limit).await
    }

    async fn set_feed_token(&self, ctx: &WriteCtx, person: PersonId, token_hash: &str) -> Result<()> {
        export::set_feed_token(&self.pools, ctx, person, token_hash).await
    }

    async fn person_by_feed_token(&self, token_hash: &str) -> Result<Option<Person>> {
        export::person_by_feed_token(&self.pools, token_hash).await
    }
}
