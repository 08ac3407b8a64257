//! `psops backup` and `psops restore`: a consistent online backup of a whole database in
//! psops's portable format (see [`format`]), which restores into an empty database of
//! either backend — the way an organisation moves from SQLite to PostgreSQL.

mod catalog;
pub mod format;
mod restore;
mod snapshot;

use std::io::{BufRead, Write};
use std::sync::Arc;

use psops_core::Result;

pub use format::{ColumnHeader, Header, Kind, TableHeader};

use crate::Db;

/// Told the rows done and the rows in all, every few thousand rows and at the end.
pub type Tick = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// What a backup wrote or a restore read.
#[derive(Debug, Clone)]
pub struct Summary {
    pub header: Header,
    /// The file's size.
    pub bytes: u64,
    /// The SHA-256 of everything before the end line, as the end line carries it.
    pub sha256: String,
}

impl Db {
    /// Writes a backup of the whole database to `out`, read in one transaction so it is
    /// one consistent moment while other connections go on writing; hands `out` back.
    pub async fn backup<W: Write + Send + 'static>(&self, out: W, tick: Tick) -> Result<(W, Summary)> {
        snapshot::take(&self.pools, out, tick).await
    }

    /// Restores a backup into this database, which must be empty (it is migrated
    /// first): everything in one transaction, checked against the backup's row counts
    /// and checksum before it commits.
    pub async fn restore(&self, input: &mut (dyn BufRead + Send), tick: Tick) -> Result<Summary> {
        restore::restore(&self.pools, input, tick).await
    }

    /// The schema migration backups of this psops are taken at and restored from.
    pub fn backup_migration() -> i64 {
        restore::latest_migration()
    }
}

/// Reads a backup's header alone, checking it is a psops backup this psops can read.
pub fn read_header(input: &mut dyn BufRead) -> Result<Header> {
    restore::header(input, &mut format::Digester::new())
}
