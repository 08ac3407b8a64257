//! Imports and exports as the store runs them: the options of a time import, the report
//! every import answers with (counts and row errors), the streaming source of parsed rows,
//! and the psops CSV shapes for people, accounts and projects ([`records`]).
//!
//! A time import is all or nothing: every row is resolved, checked by
//! `time_entries::check_entry` and counted against the day limit across the file and the
//! database; one bad row means nothing is written and the report lists every bad row.
//! A dry run does the same work and writes nothing.

use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::interchange::mapping::Mapping;
use crate::interchange::{Format, RowError, RowResult};

pub mod records;

/// At most this many row errors are listed in a report; `errors` counts them all.
pub const MAX_LISTED_ERRORS: usize = 1000;

/// Choices of a time import that the file cannot tell.
#[derive(Debug, Clone, Default)]
pub struct TimeImportOptions {
    /// Explicit matches for names the directory does not know.
    pub mapping: Mapping,
    /// Create people, accounts and projects the file names but psops lacks, and the
    /// assignments its rows need (time goes only on projects a person is assigned to).
    pub create_missing: bool,
    /// Validate everything, write nothing.
    pub dry_run: bool,
}

/// Something an import created along the way (`--create-missing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CreatedRecord {
    /// `person`, `account`, `project` or `assignment`.
    pub kind: String,
    pub id: i64,
    pub name: String,
}

/// What an import did, or — for a dry run or a file with bad rows — would have done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ImportReport {
    /// `time`, `people`, `accounts` or `projects`.
    pub kind: String,
    /// The export format, for time imports.
    #[schema(value_type = Option<String>)]
    pub format: Option<Format>,
    pub dry_run: bool,
    /// Whether anything was committed: false for a dry run and whenever a row failed.
    pub written: bool,
    /// Records read from the file, good and bad.
    pub rows_read: u64,
    /// Rows that became new entries or records.
    pub imported: u64,
    /// Existing records an import changed (people, accounts, projects).
    pub updated: u64,
    /// Rows already in psops: time imported before (same source key) or records unchanged.
    pub skipped: u64,
    pub created_people: u64,
    pub created_accounts: u64,
    pub created_projects: u64,
    /// Assignments of a person to a project that rows needed (with `create_missing`).
    pub created_assignments: u64,
    /// Every record created because of `create_missing`.
    pub created: Vec<CreatedRecord>,
    /// Rows with at least one error.
    pub rows_failed: u64,
    /// Row errors in all (the list holds at most [`MAX_LISTED_ERRORS`]).
    pub errors: u64,
    #[schema(value_type = Vec<Object>)]
    pub row_errors: Vec<RowError>,
}

impl ImportReport {
    pub fn new(kind: &str, format: Option<Format>, dry_run: bool) -> ImportReport {
        ImportReport {
            kind: kind.to_string(),
            format,
            dry_run,
            ..ImportReport::default()
        }
    }

    /// Records the errors of one failed row.
    pub fn fail(&mut self, errors: Vec<RowError>) {
        self.rows_failed += 1;
        self.errors += errors.len() as u64;
        let room = MAX_LISTED_ERRORS.saturating_sub(self.row_errors.len());
        self.row_errors.extend(errors.into_iter().take(room));
    }

    pub fn ok(&self) -> bool {
        self.rows_failed == 0
    }

    pub fn created(&mut self, kind: &str, id: i64, name: &str) {
        match kind {
            "person" => self.created_people += 1,
            "account" => self.created_accounts += 1,
            "assignment" => self.created_assignments += 1,
            _ => self.created_projects += 1,
        }
        self.created.push(CreatedRecord {
            kind: kind.to_string(),
            id,
            name: name.to_string(),
        });
    }
}

/// Parsed rows arriving in chunks, so an import never holds the whole file: the parser
/// runs on its own thread and the store pulls chunk after chunk inside one transaction.
#[async_trait]
pub trait RowSource: Send {
    /// The next rows; `None` when the input is done.
    async fn next_chunk(&mut self) -> Option<Vec<RowResult>>;
    /// Called after each chunk with the rows handled so far (a progress bar listens).
    fn progress(&mut self, _rows: u64) {}
}

/// A source over rows already in memory, `chunk` at a time (tests, small inputs).
pub struct VecSource {
    rows: std::vec::IntoIter<RowResult>,
    chunk: usize,
}

impl VecSource {
    pub fn new(rows: Vec<RowResult>, chunk: usize) -> VecSource {
        VecSource {
            rows: rows.into_iter(),
            chunk: chunk.max(1),
        }
    }
}

#[async_trait]
impl RowSource for VecSource {
    async fn next_chunk(&mut self) -> Option<Vec<RowResult>> {
        let chunk: Vec<RowResult> = self.rows.by_ref().take(self.chunk).collect();
        (!chunk.is_empty()).then_some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn a_report_lists_a_bounded_number_of_errors_but_counts_all() {
        let mut r = ImportReport::new("time", Some(Format::Harvest), false);
        for line in 0..(MAX_LISTED_ERRORS as u64 + 5) {
            r.fail(vec![RowError::new(line, "Hours", "x", Rule::Duration, "bad")]);
        }
        assert_eq!(r.rows_failed, MAX_LISTED_ERRORS as u64 + 5);
        assert_eq!(r.errors, r.rows_failed);
        assert_eq!(r.row_errors.len(), MAX_LISTED_ERRORS);
        assert!(!r.ok());
        r.created("account", 3, "Acme");
        r.created("person", 4, "Zoë");
        assert_eq!((r.created_accounts, r.created_people, r.created_projects), (1, 1, 0));
    }
}
