//! SQLite through rusqlite, in-process: one writer connection behind an async mutex (a
//! transaction holds it for its whole unit of work) and a small pool of read-only
//! connections made as they are needed, each with a large prepared-statement cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use deadpool::managed::{self, Metrics, RecycleResult};
use psops_core::Error;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, ffi};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::DbError;

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
    /// A reader that never reads data: its `PRAGMA data_version` moves whenever any
    /// other connection — the writer, another process — commits.
    watch: Option<std::sync::Mutex<Option<Connection>>>,
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
                let watch =
                    Readers::open(&uri).map_err(|e| Error::Internal(format!("cannot open the database: {e:?}")))?;
                let pool = managed::Pool::builder(Readers { uri })
                    .max_size(readers.max(1))
                    .queue_mode(managed::QueueMode::Lifo)
                    .build()
                    .map_err(|e| Error::Internal(format!("cannot make the reader pool: {e}")))?;
                (conn, Some((pool, watch)))
            }
        };
        let (readers, watch) = match readers {
            Some((pool, watch)) => (Some(pool), Some(std::sync::Mutex::new(Some(watch)))),
            None => (None, None),
        };
        writer
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(open_error)?;
        tune(&writer).map_err(open_error)?;
        Ok(Sqlite {
            writer: Arc::new(Mutex::new(Some(writer))),
            readers,
            watch,
        })
    }

    /// The connections open now and those idle: the writer and the readers.
    pub fn pool_status(&self) -> super::PoolStatus {
        let writer_idle = usize::from(self.writer.try_lock().is_ok());
        match &self.readers {
            Some(pool) => {
                let s = pool.status();
                super::PoolStatus {
                    size: s.size + 1,
                    idle: s.available + writer_idle,
                    max: s.max_size + 1,
                }
            }
            None => super::PoolStatus {
                size: 1,
                idle: writer_idle,
                max: 1,
            },
        }
    }

    /// A value that differs whenever a commit has happened since it was last read: the
    /// watch connection's data version for a file (which every other connection's commit
    /// moves), the writer's count of changed rows for an in-memory database, whose one
    /// connection does everything.
    pub async fn stamp(&self) -> Result<String, DbError> {
        if let Some(watch) = &self.watch {
            let guard = watch
                .lock()
                .map_err(|_| DbError::Other("the watch connection is poisoned".into()))?;
            let conn = guard.as_ref().ok_or_else(closed)?;
            let version: i64 = conn
                .prepare_cached("PRAGMA data_version")?
                .query_row([], |r| r.get(0))?;
            return Ok(format!("v{version}"));
        }
        let guard = self.writer.lock().await;
        let conn = guard.as_ref().ok_or_else(closed)?;
        Ok(format!("c{}", conn.total_changes()))
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
        if let Some(watch) = &self.watch
            && let Ok(mut conn) = watch.lock()
        {
            conn.take();
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

/// A larger statement cache, the lock wait and stable plans, on every connection.
///
/// Without the query planner stability guarantee, SQLite marks statements whose plan
/// might change with their bound values (range bounds on indexed columns, such as a
/// person's week of entries) and prepares them again after every new binding: a parse
/// and a plan per run, which is what the statement cache is there to avoid. psops's
/// statements are written for one plan whatever the values.
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.busy_timeout(BUSY_TIMEOUT)
}

/// Makes read-only connections to one database file for the pool.
pub(crate) struct Readers {
    uri: String,
}

impl Readers {
    fn open(uri: &str) -> Result<Connection, DbError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(uri, flags)?;
        tune(&conn)?;
        Ok(conn)
    }
}

impl managed::Manager for Readers {
    type Type = Connection;
    type Error = DbError;

    async fn create(&self) -> Result<Connection, DbError> {
        Readers::open(&self.uri)
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

#[cfg(test)]
mod tests {
    use super::super::statement;
    use super::super::{Value, sql};
    use super::*;

    #[test]
    fn cached_statements_are_not_prepared_again_for_new_values() {
        let conn = Connection::open_in_memory().unwrap();
        tune(&conn).unwrap();
        for m in crate::migrate::MIGRATIONS {
            conn.execute_batch(m.sqlite).unwrap();
        }
        // A person's week: range bounds on an indexed column.
        let text = "SELECT id FROM time_entries WHERE 1=1 AND person_id = $1 AND entry_date >= $2 \
                    AND entry_date <= $3 ORDER BY id LIMIT 501";
        for (p, from, to) in [(1, "2026-01-05", "2026-01-11"), (2, "2026-02-02", "2026-02-08")] {
            let q = sql(text).bind(Value::from(p as i64)).bind(from).bind(to);
            statement::all(&conn, &q).unwrap();
        }
        let stmt = conn.prepare_cached(&statement::numbered(text)).unwrap();
        assert_eq!(
            stmt.get_status(rusqlite::StatementStatus::Run),
            2,
            "the cached statement ran twice"
        );
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }

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
}
