//! Taking a backup: every table read in ONE read transaction, so the file is one
//! consistent moment of the database while `psops serve` goes on writing — on SQLite a
//! read transaction on one connection (in WAL mode it sees one snapshot, as the online
//! backup API would), on PostgreSQL `REPEATABLE READ READ ONLY`, its rows fetched from a
//! cursor a few thousand at a time so memory stays flat whatever the size.

use std::collections::BTreeMap;
use std::io::Write;

use psops_core::rule::Rule;
use psops_core::{Error, Result};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use sqlx::{AssertSqlSafe, Row as _};
use time::format_description::well_known::Rfc3339;

use super::catalog::{self, Table};
use super::format::{ColumnHeader, FORMAT, FORMAT_VERSION, Hashing, Header, Kind, TableHeader, push_str};
use super::{Summary, Tick};
use crate::db::column::ts_text;
use crate::db::{DbError, Pools, Tx, sql};

/// Rows fetched from PostgreSQL's cursor at a time.
const FETCH: usize = 2000;
/// Rows between progress reports.
const TICK_EVERY: u64 = 5000;

pub(crate) async fn take<W: Write + Send + 'static>(pools: &Pools, out: W, tick: Tick) -> Result<(W, Summary)> {
    match pools {
        Pools::Sqlite(db) => {
            let reader = db.reader().await?;
            let work = move || -> Result<(W, Summary)> {
                let conn = reader.conn()?;
                conn.execute_batch("BEGIN").map_err(DbError::from)?;
                let taken = sqlite(conn, out, &tick);
                // Ends the read transaction whatever happened; it wrote nothing.
                let _ = conn.execute_batch("ROLLBACK");
                taken
            };
            tokio::task::spawn_blocking(work).await.map_err(Error::internal)?
        }
        Pools::Pg(_) => {
            let mut tx = pools.begin().await?;
            tx.execute(sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
                .await?;
            let taken = postgres(&mut tx, out, &tick).await;
            tx.commit().await?;
            taken
        }
    }
}

fn no_schema(e: impl std::fmt::Display) -> Error {
    Error::invalid(
        "database",
        Rule::Exists,
        format!("the database holds no psops schema to back up ({e})"),
    )
}

fn header(backend: &str, migration: i64, tables: &[Table], counts: &[u64], highs: &BTreeMap<String, i64>) -> Header {
    let taken_at = crate::db::now().format(&Rfc3339).unwrap_or_default();
    Header {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        psops_version: env!("CARGO_PKG_VERSION").into(),
        migration,
        taken_at,
        backend: backend.into(),
        tables: tables
            .iter()
            .zip(counts)
            .map(|(t, &rows)| TableHeader {
                name: t.name.clone(),
                columns: t
                    .columns
                    .iter()
                    .map(|c| ColumnHeader {
                        name: c.name.clone(),
                        kind: c.kind,
                    })
                    .collect(),
                rows,
                id_high: highs.get(&t.name).copied(),
            })
            .collect(),
    }
}

fn header_line<W: Write>(out: &mut Hashing<W>, header: &Header) -> Result<()> {
    out.line(&serde_json::to_string(header).map_err(Error::internal)?)
}

fn section_line<W: Write>(out: &mut Hashing<W>, table: &str) -> Result<()> {
    let mut line = String::from("{\"table\":");
    push_str(&mut line, table);
    line.push('}');
    out.line(&line)
}

fn short(table: &Table, expected: u64, read: u64) -> Error {
    Error::internal(format!(
        "{}: counted {expected} rows but read {read} in the same snapshot",
        table.name
    ))
}

fn sqlite<W: Write>(conn: &Connection, out: W, tick: &Tick) -> Result<(W, Summary)> {
    let migration: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0))
        .map_err(no_schema)?;
    let tables = catalog::ordered(catalog::sqlite(conn)?)?;
    let highs = catalog::sqlite_id_highs(conn)?;
    let mut counts = Vec::with_capacity(tables.len());
    for t in &tables {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {}", t.name), [], |r| r.get(0))
            .map_err(DbError::from)?;
        counts.push(n as u64);
    }
    let header = header("sqlite", migration, &tables, &counts, &highs);
    let total = header.rows();
    let mut out = Hashing::new(out);
    header_line(&mut out, &header)?;
    let mut done = 0u64;
    let mut line = String::with_capacity(512);
    for (t, &count) in tables.iter().zip(&counts) {
        section_line(&mut out, &t.name)?;
        let q = format!(
            "SELECT {} FROM {} ORDER BY {}",
            t.column_list(),
            t.name,
            t.order_by(false)
        );
        let mut stmt = conn.prepare(&q).map_err(DbError::from)?;
        let mut rows = stmt.raw_query();
        let mut read = 0u64;
        while let Some(row) = rows.next().map_err(DbError::from)? {
            line.clear();
            line.push('[');
            for (i, c) in t.columns.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                let v = row.get_ref(i).map_err(DbError::from)?;
                sqlite_value(&mut line, c.kind, v)
                    .map_err(|e| Error::internal(format!("{}.{}: {e}", t.name, c.name)))?;
            }
            line.push(']');
            out.line(&line)?;
            read += 1;
            done += 1;
            if done.is_multiple_of(TICK_EVERY) {
                tick(done, total);
            }
        }
        if read != count {
            return Err(short(t, count, read));
        }
    }
    tick(done, total);
    let (out, sha256, bytes) = out.finish(done)?;
    Ok((out, Summary { header, bytes, sha256 }))
}

/// One SQLite value as JSON, by its column's type.
fn sqlite_value(line: &mut String, kind: Kind, v: ValueRef<'_>) -> std::result::Result<(), String> {
    use std::fmt::Write as _;
    match (kind, v) {
        (_, ValueRef::Null) => line.push_str("null"),
        (Kind::Boolean, ValueRef::Integer(n)) => line.push_str(if n != 0 { "true" } else { "false" }),
        (Kind::Integer, ValueRef::Integer(n)) => {
            let _ = write!(line, "{n}");
        }
        (Kind::Integer | Kind::Boolean, ValueRef::Text(t)) => {
            let text = std::str::from_utf8(t).map_err(|e| e.to_string())?;
            let n: i64 = text
                .trim()
                .parse()
                .map_err(|_| format!("{text:?} is not a whole number"))?;
            if kind == Kind::Boolean {
                line.push_str(if n != 0 { "true" } else { "false" });
            } else {
                let _ = write!(line, "{n}");
            }
        }
        (_, ValueRef::Text(t)) => push_str(line, std::str::from_utf8(t).map_err(|e| e.to_string())?),
        (_, ValueRef::Integer(n)) => push_str(line, &n.to_string()),
        (_, ValueRef::Real(f)) => return Err(format!("holds the number {f}, which backups do not keep")),
        (_, ValueRef::Blob(_)) => return Err("holds bytes, which backups do not keep".into()),
    }
    Ok(())
}

async fn postgres<W: Write>(tx: &mut Tx, out: W, tick: &Tick) -> Result<(W, Summary)> {
    let migration: i64 = tx
        .one(sql("SELECT MAX(version) AS v FROM schema_migrations"))
        .await
        .map_err(|e| no_schema(format!("{e:?}")))?
        .get::<Option<i64>>("v")?
        .ok_or_else(|| no_schema("no migration applied"))?;
    let tables = catalog::ordered(catalog::postgres(tx).await?)?;
    let highs = catalog::postgres_id_highs(tx, &tables).await?;
    let mut counts = Vec::with_capacity(tables.len());
    for t in &tables {
        let n: i64 = tx
            .one(sql(format!("SELECT COUNT(*) AS n FROM {}", t.name)))
            .await?
            .get("n")?;
        counts.push(n as u64);
    }
    let header = header("postgres", migration, &tables, &counts, &highs);
    let total = header.rows();
    let mut out = Hashing::new(out);
    header_line(&mut out, &header)?;
    let Tx::Pg(pg) = tx else {
        return Err(Error::internal("a PostgreSQL backup on another backend"));
    };
    let mut done = 0u64;
    let mut line = String::with_capacity(512);
    for (t, &count) in tables.iter().zip(&counts) {
        section_line(&mut out, &t.name)?;
        // Every value comes back as text, timestamps as microseconds since 1970 (exact),
        // so one decoding serves every table.
        let list: Vec<String> = t
            .columns
            .iter()
            .map(|c| match c.kind {
                Kind::Text => c.name.clone(),
                Kind::Date => format!("to_char({}, 'YYYY-MM-DD')", c.name),
                Kind::Timestamp => format!("CAST(CAST(EXTRACT(EPOCH FROM {}) * 1000000 AS BIGINT) AS TEXT)", c.name),
                Kind::Integer => format!("CAST(CAST({} AS BIGINT) AS TEXT)", c.name),
                Kind::Boolean => format!("CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END", c.name),
            })
            .collect();
        let declare = format!(
            "DECLARE psops_backup NO SCROLL CURSOR FOR SELECT {} FROM {} ORDER BY {}",
            list.join(", "),
            t.name,
            t.order_by(true)
        );
        sqlx::query(AssertSqlSafe(declare))
            .persistent(false)
            .execute(&mut **pg)
            .await
            .map_err(DbError::from)?;
        let mut read = 0u64;
        loop {
            // Not kept prepared: the same text fetches rows of another shape per table.
            let rows = sqlx::query(AssertSqlSafe(format!("FETCH FORWARD {FETCH} FROM psops_backup")))
                .persistent(false)
                .fetch_all(&mut **pg)
                .await
                .map_err(DbError::from)?;
            let fetched = rows.len();
            for row in rows {
                line.clear();
                line.push('[');
                for (i, c) in t.columns.iter().enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    pg_value(&mut line, c.kind, &row, i)
                        .map_err(|e| Error::internal(format!("{}.{}: {e}", t.name, c.name)))?;
                }
                line.push(']');
                out.line(&line)?;
                read += 1;
                done += 1;
                if done.is_multiple_of(TICK_EVERY) {
                    tick(done, total);
                }
            }
            if fetched < FETCH {
                break;
            }
        }
        sqlx::query("CLOSE psops_backup")
            .execute(&mut **pg)
            .await
            .map_err(DbError::from)?;
        if read != count {
            return Err(short(t, count, read));
        }
    }
    tick(done, total);
    let (out, sha256, bytes) = out.finish(done)?;
    Ok((out, Summary { header, bytes, sha256 }))
}

/// One PostgreSQL value (as text, see above) as JSON, by its column's type: dates and
/// timestamps in the text psops keeps them as on SQLite.
fn pg_value(line: &mut String, kind: Kind, row: &sqlx::postgres::PgRow, i: usize) -> std::result::Result<(), String> {
    let Some(text) = row.try_get::<Option<String>, _>(i).map_err(|e| e.to_string())? else {
        line.push_str("null");
        return Ok(());
    };
    let number =
        || -> std::result::Result<i64, String> { text.parse().map_err(|_| format!("{text:?} is not a number")) };
    match kind {
        Kind::Integer => line.push_str(&number()?.to_string()),
        Kind::Boolean => line.push_str(if text == "true" { "true" } else { "false" }),
        Kind::Text | Kind::Date => push_str(line, &text),
        Kind::Timestamp => {
            let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(number()?) * 1000)
                .map_err(|e| e.to_string())?;
            push_str(line, &ts_text(t).map_err(|e| format!("{e:?}"))?);
        }
    }
    Ok(())
}
