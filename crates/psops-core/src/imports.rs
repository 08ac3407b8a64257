//! Imports and exports as the store runs them: the options of a time import, the report
//! every import answers with (counts and row errors), the streaming source of parsed rows,
//! and the psops CSV shapes for people, accounts and projects ([`records`]).
//!
//! A time import is all or nothing: every row is resolved, checked by
//! `time_entries::check_entry` and counted against the day limit across the file and the
//! database; one bad row means nothing is written and the report lists every bad row.
//! A dry run does the same work and writes nothing.

use serde::Serialize;
use utoipa::ToSchema;

use crate::interchange::mapping::Mapping;
use crate::interchange::{Format, RowError, RowResult, Rows};

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
    /// What was imported (the file's name), for the import's audit record.
    pub source: Option<String>,
}

/// The audit record of one time import: which file, how many rows, which entries. Who
/// and when are the audit record's own columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportAudit {
    pub source: Option<String>,
    pub format: Option<Format>,
    pub rows: u64,
    pub imported: u64,
    pub skipped: u64,
    /// The ids of the entries created, as inclusive runs `[first, last]`.
    pub entries: Vec<[i64; 2]>,
}

impl ImportAudit {
    /// Runs of consecutive ids, from ids in any order.
    pub fn runs(mut ids: Vec<i64>) -> Vec<[i64; 2]> {
        ids.sort_unstable();
        let mut runs: Vec<[i64; 2]> = Vec::new();
        for id in ids {
            match runs.last_mut() {
                Some(run) if id == run[1] + 1 => run[1] = id,
                Some(run) if id == run[1] => {}
                _ => runs.push([id, id]),
            }
        }
        runs
    }
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

/// Parsed rows on their way into an import. The parser runs lazily: the store drives it
/// on a thread of its own and pulls `chunk` rows at a time inside the import's one
/// transaction, so no import holds the whole file and no async worker parses.
pub struct RowStream {
    pub rows: Rows<'static>,
    /// Rows per chunk.
    pub chunk: usize,
    /// Called after each chunk with the rows handled so far (a progress bar listens).
    pub progress: Option<Box<dyn FnMut(u64) + Send>>,
}

impl RowStream {
    /// Rows per chunk unless a caller says otherwise.
    pub const CHUNK: usize = 1000;

    pub fn new(rows: Rows<'static>) -> RowStream {
        RowStream {
            rows,
            chunk: Self::CHUNK,
            progress: None,
        }
    }

    /// Rows already in memory (tests, small inputs), `chunk` at a time.
    pub fn from_vec(rows: Vec<RowResult>, chunk: usize) -> RowStream {
        RowStream {
            chunk: chunk.max(1),
            ..RowStream::new(Box::new(rows.into_iter()))
        }
    }

    /// Calls `f` with the number of rows handled after each chunk.
    pub fn with_progress(mut self, f: impl FnMut(u64) + Send + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn entry_ids_are_kept_as_runs() {
        assert_eq!(
            ImportAudit::runs(vec![7, 3, 4, 5, 9, 8, 12]),
            vec![[3, 5], [7, 9], [12, 12]]
        );
        assert!(ImportAudit::runs(Vec::new()).is_empty());
    }

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
