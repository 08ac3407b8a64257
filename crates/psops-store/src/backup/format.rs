//! psops's portable backup format, the same whichever backend wrote it and whichever
//! reads it: JSON lines.
//!
//! 1. A header: `{"format":"psops-backup","format_version":1,…}` with the psops version,
//!    the schema's migration number, when the backup was taken, the backend it was taken
//!    from, and every table in the order the body holds them (an order in which each
//!    table follows those it refers to) with its columns and their types, its row count
//!    and the highest id its sequence handed out.
//! 2. For each table, a line `{"table":"people"}` and then one line per row: a JSON array
//!    of its values in the header's column order, in primary-key order — integers,
//!    text, `true`/`false`, `null`; dates as `YYYY-MM-DD` and timestamps as RFC 3339 in
//!    UTC, which is how psops keeps them on SQLite (a SQLite backup's header calls those
//!    columns text; a restore reads each value by the target's own column type).
//! 3. An end line, `{"end":{"rows":N,"sha256":"…"}}`: the rows in all and the SHA-256 of
//!    every byte before the end line. A file without it was cut short.

use std::io::Write;

use psops_core::rule::Rule;
use psops_core::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the header's `format` says.
pub const FORMAT: &str = "psops-backup";
/// The version of the format this psops writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A column's type in a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Integer,
    Boolean,
    Text,
    Date,
    Timestamp,
}

impl Kind {
    /// Whether values of a column of this type in a backup fit a column of type `target`:
    /// the same type, or text for a date or timestamp and back (SQLite keeps those as text).
    pub fn fits(self, target: Kind) -> bool {
        let texty = |k: Kind| matches!(k, Kind::Text | Kind::Date | Kind::Timestamp);
        self == target || (texty(self) && texty(target))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnHeader {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHeader {
    pub name: String,
    pub columns: Vec<ColumnHeader>,
    pub rows: u64,
    /// The highest id the table's sequence had handed out, so that a restored database
    /// never hands out an id a deleted record had (the audit log still names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_high: Option<i64>,
}

/// The first line of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    /// The psops that took the backup.
    pub psops_version: String,
    /// The schema's latest migration: only a psops at the same one restores it.
    pub migration: i64,
    /// When the snapshot was taken, RFC 3339 in UTC.
    pub taken_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    pub tables: Vec<TableHeader>,
}

impl Header {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// The line before a table's rows.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Section {
    pub table: String,
}

/// The last line.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct End {
    pub end: EndFigures,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct EndFigures {
    pub rows: u64,
    pub sha256: String,
}

/// A writer that hashes and counts what goes through it.
pub(crate) struct Hashing<W> {
    pub inner: W,
    hash: Sha256,
    pub bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn line(&mut self, text: &str) -> Result<()> {
        self.write_all(text.as_bytes()).map_err(io)?;
        self.write_all(b"\n").map_err(io)
    }

    /// Writes the end line (not hashed) and hands the writer back with the hash.
    pub fn finish(mut self, rows: u64) -> Result<(W, String, u64)> {
        let sha256 = hex(&self.hash.finalize_reset());
        let end = End {
            end: EndFigures {
                rows,
                sha256: sha256.clone(),
            },
        };
        let text = serde_json::to_string(&end).map_err(Error::internal)?;
        self.inner.write_all(text.as_bytes()).map_err(io)?;
        self.inner.write_all(b"\n").map_err(io)?;
        self.inner.flush().map_err(io)?;
        let bytes = self.bytes + text.len() as u64 + 1;
        Ok((self.inner, sha256, bytes))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// SHA-256 of lines read, in the reader's hands.
pub(crate) struct Digester {
    hash: Sha256,
    /// Bytes hashed.
    pub bytes: u64,
}

impl Digester {
    pub fn new() -> Self {
        Digester {
            hash: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.hash.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    pub fn hex(self) -> String {
        hex(&self.hash.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

pub(crate) fn io(e: std::io::Error) -> Error {
    Error::invalid("file", Rule::Io, format!("cannot write the backup: {e}"))
}

/// Appends `text` as a JSON string.
pub(crate) fn push_str(line: &mut String, text: &str) {
    // A string always serialises.
    line.push_str(&serde_json::to_string(text).unwrap_or_default());
}
