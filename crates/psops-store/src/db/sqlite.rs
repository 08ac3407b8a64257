//! SQLite through rusqlite, in-process: one writer connection behind an async mutex (a
//! transaction holds it for its whole unit of work) and a small pool of read-only
//! connections made as they are needed. Statements are prepared once per connection and
//! taken from its cache; arguments are bound by position, so no parameter name is looked
//! up more than once per statement.
//!
//! Values keep the text formats sqlx wrote, so databases made before stay readable and
//! sort the same: dates as `YYYY-MM-DD`, timestamps as RFC 3339 (`2026-03-04T17:30:00.5Z`),
//! booleans as 0 and 1.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleResult};
use psops_core::Error;
use rusqlite::types::{Null, Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags, Statement, ffi};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{DbError, Sql, Value};

/// How long a statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Prepared statements kept per connection. The store has a few hundred distinct texts,
/// most of them rare; the hot ones stay.
const STATEMENT_CACHE: usize = 256;

/// One SQLite database: the writer, and readers unless the database lives in memory,
/// where every connection would be a database of its own and the writer reads too.
pub(crate) struct Sqlite {
    writer: Arc<Mutex<Option<Connection>>>,
    readers: Option<managed::Pool<Readers>>,
}

impl fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sqlite")
            .field("in_memory", &self.readers.is_none())
            .finish_non_exhaustive()
    }
}

/// Where a URL points: `sqlite::memory:` (or `mode=memory`), or a file as a SQLite URI.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Memory,
    File(String),
}

/// Reads `sqlite://path?params` as sqlx did: the scheme is dropped, what follows is the
/// path, and the query string (`mode`, `cache`, `immutable`, `vfs`) is handed to SQLite.
fn target(url: &str) -> Target {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || params.split('&').any(|p| p == "mode=memory") {
        return Target::Memory;
    }
    let params = params.replace("immutable=true", "immutable=1");
    let mut uri = format!("file:{}", path.replace('#', "%23"));
    if !params.is_empty() {
        uri.push('?');
        uri.push_str(&params);
    }
    Target::File(uri)
}

fn open_error(e: rusqlite::Error) -> Error {
    Error::Internal(format!("cannot open the database: {e}"))
}

impl Sqlite {
    /// Opens the writer (creating the file if missing, in WAL mode) and a reader pool of
    /// at most `readers` connections.
    pub fn open(url: &str, readers: usize) -> Result<Sqlite, Error> {
        let (writer, readers) = match target(url) {
            Target::Memory => (Connection::open_in_memory().map_err(open_error)?, None),
            Target::File(uri) => {
                let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(&uri, flags).map_err(open_error)?;
                // WAL before anything else: readers then never wait for the writer.
                conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                    .map_err(open_error)?;
                let pool = managed::Pool::builder(Readers { uri })
                    .max_size(readers.max(1))
                    .queue_mode(managed::QueueMode::Lifo)
                    .build()
                    .map_err(|e| Error::Internal(format!("cannot make the reader pool: {e}")))?;
                (conn, Some(pool))
            }
        };
        writer
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(open_error)?;
        tune(&writer).map_err(open_error)?;
        Ok(Sqlite {
            writer: Arc::new(Mutex::new(Some(writer))),
            readers,
        })
    }

    /// Takes the writer and opens a transaction that holds it until commit or drop.
    pub async fn begin(&self) -> Result<SqliteTx, DbError> {
        let guard = self.writer.clone().lock_owned().await;
        let tx = SqliteTx { conn: guard };
        tx.conn()?.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(tx)
    }

    /// A connection to read with: a pooled reader, or the writer of an in-memory database.
    pub async fn reader(&self) -> Result<Reader, DbError> {
        match &self.readers {
            Some(pool) => match pool.get().await {
                Ok(conn) => Ok(Reader::Pooled(conn)),
                Err(managed::PoolError::Backend(e)) => Err(e),
                Err(e) => Err(DbError::Other(format!("no reader connection: {e:?}"))),
            },
            None => {
                let guard = self.writer.clone().lock_owned().await;
                if guard.is_none() {
                    return Err(closed());
                }
                Ok(Reader::Writer(guard))
            }
        }
    }

    /// Runs `statements` on the writer outside any transaction (PRAGMAs).
    pub async fn on_writer(&self, statements: &str) -> Result<(), DbError> {
        let guard = self.writer.lock().await;
        let conn = guard.as_ref().ok_or_else(closed)?;
        conn.execute_batch(statements)?;
        Ok(())
    }

    /// Closes the readers, then the writer once running transactions end; closing the
    /// last connection checkpoints the WAL into the database file.
    pub async fn close(&self) {
        if let Some(pool) = &self.readers {
            pool.close();
        }
        let mut guard = self.writer.lock().await;
        if let Some(conn) = guard.take()
            && let Err((_, e)) = conn.close()
        {
            tracing::warn!(error = %e, "closing the SQLite writer");
        }
    }
}

fn closed() -> DbError {
    DbError::Other("the database is closed".into())
}

/// A larger statement cache and the lock wait, on every connection.
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.busy_timeout(BUSY_TIMEOUT)
}

/// Makes read-only connections to one database file for the pool.
pub(crate) struct Readers {
    uri: String,
}

impl managed::Manager for Readers {
    type Type = Connection;
    type Error = DbError;

    async fn create(&self) -> Result<Connection, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.uri, flags)?;
        tune(&conn)?;
        Ok(conn)
    }

    async fn recycle(&self, _conn: &mut Connection, _: &Metrics) -> RecycleResult<DbError> {
        Ok(())
    }
}

/// A connection borrowed for reading; it goes back when dropped.
pub(crate) enum Reader {
    Pooled(managed::Object<Readers>),
    Writer(OwnedMutexGuard<Option<Connection>>),
}

impl Reader {
    pub fn conn(&self) -> Result<&Connection, DbError> {
        match self {
            Reader::Pooled(c) => Ok(c),
            Reader::Writer(g) => g.as_ref().ok_or_else(closed),
        }
    }
}

/// A write transaction on the writer connection. Dropped without `commit`, it rolls
/// back there and then, so the next writer starts clean.
pub(crate) struct SqliteTx {
    conn: OwnedMutexGuard<Option<Connection>>,
}

impl SqliteTx {
    pub fn conn(&self) -> Result<&Connection, DbError> {
        self.conn.as_ref().ok_or_else(closed)
    }

    pub fn commit(self) -> Result<(), DbError> {
        // On failure the transaction is still open, and drop rolls it back.
        self.conn()?.prepare_cached("COMMIT")?.execute([])?;
        Ok(())
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_ref()
            && !conn.is_autocommit()
            && let Err(e) = conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %e, "rolling back a dropped SQLite transaction");
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => return DbError::Unique,
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return DbError::ForeignKey,
                _ => {}
            }
        }
        DbError::Other(e.to_string())
    }
}

/// A row read back: its values, owned, and the statement's column names, shared.
pub(crate) struct SqliteRow {
    columns: Arc<[String]>,
    values: Vec<SqlValue>,
}

impl SqliteRow {
    pub fn value(&self, col: &str) -> Option<&SqlValue> {
        let i = self.columns.iter().position(|c| c == col)?;
        self.values.get(i)
    }

    pub fn into_values(self) -> Vec<SqlValue> {
        self.values
    }
}

/// Binds every parameter of `stmt` from `args`. `$n` and `?n` name their argument; a
/// bare `?` takes the argument at its own position.
fn bind(stmt: &mut Statement<'_>, args: &[Value]) -> Result<(), DbError> {
    for i in 1..=stmt.parameter_count() {
        let n = match stmt.parameter_name(i) {
            None => i,
            Some(name) => name
                .get(1..)
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| DbError::Other(format!("unsupported parameter {name}")))?,
        };
        let v = args
            .get(n.wrapping_sub(1))
            .ok_or_else(|| DbError::Other(format!("parameter {n} has no argument")))?;
        bind_one(stmt, i, v)?;
    }
    Ok(())
}

fn bind_one(stmt: &mut Statement<'_>, i: usize, v: &Value) -> Result<(), DbError> {
    match v {
        Value::I64(Some(n)) => stmt.raw_bind_parameter(i, n)?,
        Value::Text(Some(s)) => stmt.raw_bind_parameter(i, s.as_str())?,
        Value::Bool(Some(b)) => stmt.raw_bind_parameter(i, i64::from(*b))?,
        Value::Date(Some(d)) => stmt.raw_bind_parameter(i, date_text(*d))?,
        Value::Ts(Some(t)) => stmt.raw_bind_parameter(i, ts_text(*t)?)?,
        Value::I64(None) | Value::Text(None) | Value::Bool(None) | Value::Date(None) | Value::Ts(None) => {
            stmt.raw_bind_parameter(i, Null)?
        }
    }
    Ok(())
}

/// Reads every row of `stmt`, already bound.
fn read_rows(stmt: &mut Statement<'_>) -> Result<Vec<SqliteRow>, DbError> {
    let width = stmt.column_count();
    let columns: Arc<[String]> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(owned(r.get_ref(i)?)?);
        }
        out.push(SqliteRow {
            columns: columns.clone(),
            values,
        });
    }
    Ok(out)
}

fn owned(v: ValueRef<'_>) -> Result<SqlValue, DbError> {
    SqlValue::try_from(v).map_err(|e| DbError::Other(format!("reading a value: {e}")))
}

/// Runs a statement and returns its rows.
pub(crate) fn all(conn: &Connection, s: &Sql) -> Result<Vec<SqliteRow>, DbError> {
    let mut stmt = conn.prepare_cached(&s.text)?;
    bind(&mut stmt, &s.args)?;
    read_rows(&mut stmt)
}

/// Runs a statement and returns the rows it changed. A statement that also returns rows
/// (`RETURNING`, or a plain `SELECT`) is stepped to its end.
pub(crate) fn execute(conn: &Connection, s: &Sql) -> Result<u64, DbError> {
    let mut stmt = conn.prepare_cached(&s.text)?;
    bind(&mut stmt, &s.args)?;
    if stmt.column_count() == 0 {
        return Ok(stmt.raw_execute()? as u64);
    }
    let mut rows = stmt.raw_query();
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(if stmt.readonly() { 0 } else { conn.changes() })
}

/// Runs one INSERT per row through a single cached statement with `?` placeholders, one
/// per column: the cheapest way SQLite takes many rows. With `returning`, each insert's
/// returned row comes back, in the order of `rows`.
pub(crate) fn insert_rows(
    conn: &Connection,
    table: &str,
    columns: &[&str],
    returning: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<Vec<SqliteRow>, DbError> {
    let mut text = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        vec!["?"; columns.len()].join(", ")
    );
    if !returning.is_empty() {
        text.push_str(" RETURNING ");
        text.push_str(&returning.join(", "));
    }
    let mut stmt = conn.prepare_cached(&text)?;
    let mut out = Vec::with_capacity(if returning.is_empty() { 0 } else { rows.len() });
    for row in rows {
        if row.len() != columns.len() {
            return Err(DbError::Other(format!(
                "{table}: a row of {} values for {} columns",
                row.len(),
                columns.len()
            )));
        }
        for (i, v) in row.iter().enumerate() {
            bind_one(&mut stmt, i + 1, v)?;
        }
        if returning.is_empty() {
            stmt.raw_execute()?;
        } else {
            out.extend(read_rows(&mut stmt)?);
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD`, as sqlx's `[year]-[month]-[day]` wrote it.
pub(crate) fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// RFC 3339, as sqlx wrote `OffsetDateTime`.
pub(crate) fn ts_text(t: OffsetDateTime) -> Result<String, DbError> {
    t.format(&Rfc3339)
        .map_err(|e| DbError::Other(format!("formatting a timestamp: {e}")))
}

/// Reads a `YYYY-MM-DD` text date.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> { text.get(r)?.parse().ok() };
    let month = time::Month::try_from(num(5..7)? as u8).ok()?;
    Date::from_calendar_date(num(0..4)? as i32, month, num(8..10)? as u8).ok()
}

/// Reads a timestamp as sqlx accepted it: RFC 3339, or `YYYY-MM-DD HH:MM:SS[.f]` with or
/// without an offset (no offset means UTC), or seconds since 1970.
pub(crate) fn parse_ts(v: &SqlValue) -> Option<OffsetDateTime> {
    match v {
        SqlValue::Integer(n) => OffsetDateTime::from_unix_timestamp(*n).ok(),
        SqlValue::Text(text) => OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
            let mut fixed = text.clone();
            if fixed.get(10..11) == Some(" ") {
                fixed.replace_range(10..11, "T");
            }
            let time_part = fixed.get(11..).unwrap_or("");
            if !time_part.contains(['Z', 'z', '+', '-']) {
                fixed.push('Z');
            }
            OffsetDateTime::parse(&fixed, &Rfc3339).ok()
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn urls_read_as_sqlx_read_them() {
        assert_eq!(target("sqlite::memory:"), Target::Memory);
        assert_eq!(target("sqlite://:memory:"), Target::Memory);
        assert_eq!(target("sqlite://?mode=memory"), Target::Memory);
        assert_eq!(target("sqlite://psops.db"), Target::File("file:psops.db".into()));
        assert_eq!(target("sqlite:///tmp/a b.db"), Target::File("file:/tmp/a b.db".into()));
        assert_eq!(
            target("sqlite://a.db?mode=ro&immutable=true"),
            Target::File("file:a.db?mode=ro&immutable=1".into())
        );
    }

    #[test]
    fn dates_and_timestamps_keep_sqlx_text() {
        assert_eq!(date_text(date!(2026 - 03 - 04)), "2026-03-04");
        assert_eq!(parse_date("2026-03-04"), Some(date!(2026 - 03 - 04)));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-3-4"), None);
        let t = datetime!(2026-03-04 17:30:00.123456 UTC);
        assert_eq!(ts_text(t).unwrap(), "2026-03-04T17:30:00.123456Z");
        assert_eq!(
            ts_text(datetime!(2026-03-04 17:30 UTC)).unwrap(),
            "2026-03-04T17:30:00Z"
        );
        for text in [
            "2026-03-04T17:30:00.123456Z",
            "2026-03-04 17:30:00.123456",
            "2026-03-04T17:30:00.123456+00:00",
            "2026-03-04 18:30:00.123456+01:00",
        ] {
            assert_eq!(parse_ts(&SqlValue::Text(text.into())), Some(t), "{text}");
        }
        assert_eq!(parse_ts(&SqlValue::Integer(0)), Some(OffsetDateTime::UNIX_EPOCH));
    }

    #[test]
    fn parameters_bind_by_number_or_position() {
        let conn = Connection::open_in_memory().unwrap();
        let s = Sql {
            text: "SELECT $2 AS b, $1 AS a, $2 AS again".into(),
            args: vec![Value::I64(Some(1)), Value::Text(Some("two".into()))],
        };
        let row = &all(&conn, &s).unwrap()[0];
        assert_eq!(row.value("a"), Some(&SqlValue::Integer(1)));
        assert_eq!(row.value("b"), Some(&SqlValue::Text("two".into())));
        assert_eq!(row.value("again"), Some(&SqlValue::Text("two".into())));
        let s = Sql {
            text: "SELECT ? AS a, ? AS b".into(),
            args: vec![Value::Bool(Some(true)), Value::Date(None)],
        };
        let row = &all(&conn, &s).unwrap()[0];
        assert_eq!(row.value("a"), Some(&SqlValue::Integer(1)));
        assert_eq!(row.value("b"), Some(&SqlValue::Null));
        let short = Sql {
            text: "SELECT $3 AS c".into(),
            args: vec![],
        };
        assert!(all(&conn, &short).is_err());
    }
}
