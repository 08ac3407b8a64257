//! One thin layer over the two databases, so each query is written once: statements
//! use `$n` placeholders, both backends bind the same Rust types, and rows are read by
//! column name. Only the executor differs, and that is dispatched here.
//!
//! SQLite runs through rusqlite, in-process (`sqlite`): sqlx's SQLite driver hands every
//! statement and every row to a worker thread and back, about 125 µs a statement, which
//! was the main cost of every request and import. rusqlite steps the statement on the
//! calling thread from a per-connection cache of prepared statements. PostgreSQL stays on
//! sqlx, whose driver is async over the network, as a client for a server should be.

pub(crate) mod column;
mod packed;
pub(crate) mod sqlite;
pub(crate) mod statement;

use std::borrow::Cow;

use psops_core::Error;
use psops_core::rule::Rule;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{AssertSqlSafe, Postgres, Row as _};
use time::{Date, OffsetDateTime};

pub(crate) use column::Column;
pub(crate) use packed::Packed;
pub(crate) use sqlite::{Sqlite, SqliteTx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A value bound to a `$n` placeholder; `None`s are typed so both drivers bind NULL right.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Date(Option<Date>),
    Ts(Option<OffsetDateTime>),
}

macro_rules! value_from {
    ($t:ty, $variant:ident, $conv:expr) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(Some($conv(v)))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                Value::$variant(v.map($conv))
            }
        }
    };
}
value_from!(i64, I64, |v| v);
value_from!(bool, Bool, |v| v);
value_from!(Date, Date, |v| v);
value_from!(OffsetDateTime, Ts, |v| v);
value_from!(String, Text, |v| v);
value_from!(&str, Text, |v: &str| v.to_string());

/// A list or object as the JSON text a column keeps.
pub(crate) fn json_text<T: serde::Serialize>(v: &T) -> Value {
    Value::Text(Some(serde_json::to_string(v).unwrap_or_else(|_| "null".into())))
}

impl<T> From<psops_core::Id<T>> for Value {
    fn from(v: psops_core::Id<T>) -> Self {
        Value::I64(Some(v.get()))
    }
}
impl<T> From<Option<psops_core::Id<T>>> for Value {
    fn from(v: Option<psops_core::Id<T>>) -> Self {
        Value::I64(v.map(|id| id.get()))
    }
}

/// A statement and its arguments. Dynamic text is only ever built from our own
/// fragments; user input always travels as a bound argument.
#[derive(Debug, Clone)]
pub(crate) struct Sql {
    text: Cow<'static, str>,
    args: Vec<Value>,
}

pub(crate) fn sql(text: impl Into<Cow<'static, str>>) -> Sql {
    Sql {
        text: text.into(),
        args: Vec::new(),
    }
}

impl Sql {
    /// Binds the next `$n` placeholder already written in the text.
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.to_mut().push_str(text);
        self
    }

    /// Puts text around the statement, keeping its placeholders and arguments.
    pub fn wrap(mut self, before: &str, after: &str) -> Self {
        self.text = Cow::Owned(format!("{before}{}{after}", self.text));
        self
    }

    /// Appends a fresh placeholder bound to `v`.
    pub fn push_bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.args.push(v.into());
        let n = self.args.len();
        self.text.to_mut().push_str(&format!("${n}"));
        self
    }
}

/// A row from either backend, read by column name.
pub(crate) enum Row {
    Sqlite(statement::SqliteRow),
    Pg(PgRow),
}

impl Row {
    pub fn get<T: Column>(&self, col: &str) -> Result<T, Error> {
        match self {
            Row::Sqlite(r) => match r.value(col) {
                Some(v) => T::from_sqlite(v),
                None => Err("no such column".to_string()),
            },
            Row::Pg(r) => r.try_get(col).map_err(|e| e.to_string()),
        }
        .map_err(|e| Error::internal(format!("reading column {col}: {e}")))
    }

    pub fn id<T>(&self, col: &str) -> Result<psops_core::Id<T>, Error> {
        self.get::<i64>(col).map(psops_core::Id::new)
    }

    pub fn opt_id<T>(&self, col: &str) -> Result<Option<psops_core::Id<T>>, Error> {
        Ok(self.get::<Option<i64>>(col)?.map(psops_core::Id::new))
    }

    /// A closed-vocabulary code column.
    pub fn code<T: psops_core::code::Code>(&self, col: &str) -> Result<T, Error> {
        let text: String = self.get(col)?;
        T::from_code(&text).map_err(|_| Error::internal(format!("column {col} holds unknown code {text}")))
    }

    /// A list or object kept as JSON text.
    pub fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> Result<T, Error> {
        let text: String = self.get(col)?;
        serde_json::from_str(&text).map_err(|e| Error::internal(format!("column {col} holds bad JSON: {e}")))
    }

    /// An amount and the currency column beside it.
    pub fn money(&self, amount: &str, currency: &str) -> Result<psops_core::Money, Error> {
        let minor: i64 = self.get(amount)?;
        Ok(psops_core::Money::new(minor, self.currency(currency)?))
    }

    /// An amount and its currency when both columns hold one; none when either is empty.
    pub fn opt_money(&self, amount: &str, currency: &str) -> Result<Option<psops_core::Money>, Error> {
        match (self.get::<Option<i64>>(amount)?, self.get::<Option<String>>(currency)?) {
            (Some(_), Some(_)) => self.money(amount, currency).map(Some),
            _ => Ok(None),
        }
    }

    pub fn currency(&self, col: &str) -> Result<psops_core::Currency, Error> {
        let text: String = self.get(col)?;
        text.parse()
            .map_err(|_| Error::internal(format!("column {col} holds unknown currency {text}")))
    }

    pub fn opt_code<T: psops_core::code::Code>(&self, col: &str) -> Result<Option<T>, Error> {
        match self.get::<Option<String>>(col)? {
            None => Ok(None),
            Some(text) => T::from_code(&text)
                .map(Some)
                .map_err(|_| Error::internal(format!("column {col} holds unknown code {text}"))),
        }
    }
}

/// A driver failure, sorted into what callers may want to turn into a user's error.
#[derive(Debug)]
pub(crate) enum DbError {
    Unique,
    ForeignKey,
    Other(String),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Unique,
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => DbError::ForeignKey,
            _ => DbError::Other(e.to_string()),
        }
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unique => Error::conflict("", Rule::Unique, "a record with these values already exists"),
            DbError::ForeignKey => Error::invalid("", Rule::Exists, "a referenced record does not exist"),
            DbError::Other(msg) => Error::Internal(msg),
        }
    }
}

/// Turns a unique violation into a conflict on `field`; other errors pass through.
pub(crate) fn on_unique(field: &'static str, message: &'static str) -> impl FnOnce(DbError) -> Error {
    move |e| match e {
        DbError::Unique => Error::conflict(field, Rule::Unique, message),
        other => other.into(),
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Value::I64(v) => q.bind(v),
                Value::Text(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Date(v) => q.bind(v),
                Value::Ts(v) => q.bind(v),
            };
        }
        q
    }};
}

async fn pg_all<'e, E: sqlx::Executor<'e, Database = Postgres>>(e: E, s: Sql) -> Result<Vec<Row>, DbError> {
    let q = bind_all!(sqlx::query(AssertSqlSafe(s.text.into_owned())), s.args);
    Ok(q.fetch_all(e).await?.into_iter().map(Row::Pg).collect())
}

async fn pg_exec<'e, E: sqlx::Executor<'e, Database = Postgres>>(e: E, s: Sql) -> Result<u64, DbError> {
    let q = bind_all!(sqlx::query(AssertSqlSafe(s.text.into_owned())), s.args);
    Ok(q.execute(e).await?.rows_affected())
}

fn sqlite_rows(rows: Vec<statement::SqliteRow>) -> Vec<Row> {
    rows.into_iter().map(Row::Sqlite).collect()
}

/// A database's connections at one moment (SQLite's writer counts as one of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub size: usize,
    /// Of those, the ones not in use.
    pub idle: usize,
    /// The most that may be open.
    pub max: usize,
}

/// The connections of one database. SQLite has a single writer (writes are serialised
/// in-process and begin IMMEDIATE, so they never fail to upgrade a read lock) and a few
/// read-only readers; PostgreSQL one pool for both.
#[derive(Clone, Debug)]
pub(crate) enum Pools {
    Sqlite(std::sync::Arc<Sqlite>),
    Pg(PgPool),
}

/// A write transaction. Dropping it without `commit` rolls everything back.
pub(crate) enum Tx {
    Sqlite(SqliteTx),
    Pg(sqlx::Transaction<'static, Postgres>),
}

impl Pools {
    pub fn backend(&self) -> Backend {
        match self {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, Error> {
        crate::follow::forget();
        Ok(match self {
            Pools::Sqlite(db) => Tx::Sqlite(db.begin().await?),
            Pools::Pg(p) => Tx::Pg(p.begin().await.map_err(DbError::from)?),
        })
    }

    /// Runs a read. On SQLite it steps on the calling thread: the reads behind requests
    /// are index lookups of microseconds, cheaper run than handed to another thread.
    /// Reads that scan (reports) go through [`Pools::packed`], which does hand over.
    pub async fn all(&self, s: Sql) -> Result<Vec<Row>, DbError> {
        match self {
            Pools::Sqlite(db) => {
                let reader = db.reader().await?;
                Ok(sqlite_rows(statement::all(reader.conn()?, &s)?))
            }
            Pools::Pg(p) => pg_all(p, s).await,
        }
    }

    pub async fn optional(&self, s: Sql) -> Result<Option<Row>, DbError> {
        Ok(self.all(s).await?.into_iter().next())
    }

    pub async fn one(&self, s: Sql) -> Result<Row, Error> {
        self.optional(s)
            .await?
            .ok_or_else(|| Error::internal("query returned no row"))
    }

    /// Runs a select of many rows and returns each as its `columns`' values, in order.
    ///
    /// On SQLite the read runs on tokio's blocking pool, so a report that scans for tens
    /// of milliseconds leaves the runtime's few workers to other requests; rows are read
    /// straight into JSON values. On PostgreSQL the rows come back as ONE row holding
    /// them all as a JSON array of arrays: one row to decode instead of tens of thousands.
    pub async fn packed(&self, inner: Sql, columns: &[&str]) -> Result<Vec<Vec<serde_json::Value>>, Error> {
        let list = columns.iter().map(|c| format!("t.{c}")).collect::<Vec<_>>().join(", ");
        match self {
            Pools::Sqlite(db) => {
                let reader = db.reader().await?;
                let q = inner.wrap(&format!("SELECT {list} FROM ("), ") t");
                let read = move || -> Result<Vec<Vec<serde_json::Value>>, DbError> {
                    let rows = statement::all(reader.conn()?, &q)?;
                    Ok(rows
                        .into_iter()
                        .map(|r| r.into_values().into_iter().map(packed::json_value).collect())
                        .collect())
                };
                Ok(tokio::task::spawn_blocking(read).await.map_err(Error::internal)??)
            }
            Pools::Pg(_) => {
                let before =
                    format!("SELECT COALESCE(CAST(json_agg(json_build_array({list})) AS TEXT), '[]') AS packed FROM (");
                let text: String = self.one(inner.wrap(&before, ") t")).await?.get("packed")?;
                serde_json::from_str(&text).map_err(Error::internal)
            }
        }
    }

    /// A value that is the same on two reads only when nothing was committed between
    /// them, anywhere in the database: what kept results are checked against.
    ///
    /// On PostgreSQL it is the current snapshot (`xmin:xmax:in-progress ids`): two equal
    /// snapshots see the same committed transactions, and any transaction that writes
    /// takes an id that moves `xmax` or, on commit, leaves the in-progress list.
    pub async fn stamp(&self) -> Result<String, DbError> {
        match self {
            Pools::Sqlite(db) => db.stamp().await,
            Pools::Pg(p) => {
                let row: (String,) = sqlx::query_as("SELECT CAST(pg_current_snapshot() AS TEXT)")
                    .fetch_one(p)
                    .await?;
                Ok(row.0)
            }
        }
    }

    /// Runs a select of many rows whose `columns` are all whole numbers, each row as an
    /// array in the columns' order: the rollup reads of reports, without a value
    /// allocated per cell. On SQLite the rows are stepped on a blocking thread; on
    /// PostgreSQL they come back as one row of one `BIGINT[]` per column, which the
    /// binary protocol decodes without text or JSON in between.
    pub async fn integers<const N: usize>(&self, inner: Sql, columns: [&str; N]) -> Result<Vec<[i64; N]>, Error> {
        match self {
            Pools::Sqlite(db) => {
                let list = columns.iter().map(|c| format!("t.{c}")).collect::<Vec<_>>().join(", ");
                let reader = db.reader().await?;
                let q = inner.wrap(&format!("SELECT {list} FROM ("), ") t");
                let read = move || statement::integers::<N>(reader.conn()?, &q);
                Ok(tokio::task::spawn_blocking(read).await.map_err(Error::internal)??)
            }
            Pools::Pg(p) => {
                let arrays = columns
                    .iter()
                    .map(|c| format!("array_agg(CAST(t.{c} AS BIGINT))"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let s = inner.wrap(&format!("SELECT {arrays} FROM ("), ") t");
                let q = bind_all!(sqlx::query(AssertSqlSafe(s.text.into_owned())), s.args);
                let row = q.fetch_one(p).await.map_err(DbError::from)?;
                let mut cols: Vec<Vec<i64>> = Vec::with_capacity(N);
                for i in 0..N {
                    // No rows: array_agg gives NULL.
                    let col: Option<Vec<i64>> = row.try_get(i).map_err(DbError::from)?;
                    cols.push(col.unwrap_or_default());
                }
                let rows = cols.first().map_or(0, Vec::len);
                Ok((0..rows).map(|r| std::array::from_fn(|c| cols[c][r])).collect())
            }
        }
    }

    /// After a bulk load on PostgreSQL: `VACUUM (ANALYZE)`, outside any transaction as it
    /// must be. Nothing on SQLite, whose plans are written not to need statistics.
    pub async fn vacuum(&self) -> Result<(), DbError> {
        if let Pools::Pg(p) = self {
            sqlx::raw_sql("VACUUM (ANALYZE)").execute(p).await?;
        }
        Ok(())
    }

    /// Runs PRAGMAs on SQLite's writer, outside any transaction; nothing on PostgreSQL.
    pub async fn sqlite_pragmas(&self, statements: &str) -> Result<(), DbError> {
        match self {
            Pools::Sqlite(db) => db.on_writer(statements).await,
            Pools::Pg(_) => Ok(()),
        }
    }

    /// How many connections are open, idle and allowed at most, for monitoring.
    pub fn pool_status(&self) -> PoolStatus {
        match self {
            Pools::Sqlite(db) => db.pool_status(),
            Pools::Pg(p) => PoolStatus {
                size: p.size() as usize,
                idle: p.num_idle(),
                max: p.options().get_max_connections() as usize,
            },
        }
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        match self {
            Pools::Sqlite(db) => db.close().await,
            Pools::Pg(p) => p.close().await,
        }
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Postgres,
        }
    }

    pub async fn all(&mut self, s: Sql) -> Result<Vec<Row>, DbError> {
        match self {
            Tx::Sqlite(t) => Ok(sqlite_rows(statement::all(t.conn()?, &s)?)),
            Tx::Pg(t) => pg_all(&mut **t, s).await,
        }
    }

    pub async fn optional(&mut self, s: Sql) -> Result<Option<Row>, DbError> {
        Ok(self.all(s).await?.into_iter().next())
    }

    pub async fn one(&mut self, s: Sql) -> Result<Row, DbError> {
        self.optional(s)
            .await?
            .ok_or_else(|| DbError::Other("query returned no row".into()))
    }

    pub async fn execute(&mut self, s: Sql) -> Result<u64, DbError> {
        match self {
            Tx::Sqlite(t) => statement::execute(t.conn()?, &s),
            Tx::Pg(t) => pg_exec(&mut **t, s).await,
        }
    }

    /// Runs several statements separated by semicolons (used by migrations).
    pub async fn execute_script(&mut self, script: &str) -> Result<(), DbError> {
        match self {
            Tx::Sqlite(t) => t.conn()?.execute_batch(script)?,
            Tx::Pg(t) => sqlx::raw_sql(AssertSqlSafe(script.to_string()))
                .execute(&mut **t)
                .await
                .map(drop)?,
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), Error> {
        let done = match self {
            Tx::Sqlite(t) => t.commit(),
            Tx::Pg(t) => t.commit().await.map_err(DbError::from),
        };
        crate::follow::forget();
        done.map_err(Error::from)
    }

    /// ` FOR UPDATE` on PostgreSQL, where concurrent writers must queue on a row;
    /// nothing on SQLite, where the one writer already holds the database.
    pub fn for_update(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// ` FOR KEY SHARE` on PostgreSQL: the rows read are not deleted until this
    /// transaction ends (rows inserted beside them may refer to them), while other
    /// updates of them go on; nothing on SQLite, where the one writer holds the database.
    pub fn for_key_share(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR KEY SHARE",
        }
    }
}

/// The current time at the precision both databases keep (microseconds, UTC).
pub(crate) fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}
