//! The fastest way each backend takes many rows: on SQLite, one cached single-row INSERT
//! stepped once per row (in-process, a row costs a bind and a step; nothing is parsed
//! again); on PostgreSQL, `COPY … FROM STDIN` in text format, or multi-row INSERTs where
//! the new rows' ids must come back. Values travel as arguments or as escaped COPY text,
//! never spliced into SQL.

use psops_core::{Error, Result};
use time::format_description::well_known::Rfc3339;

use crate::db::{DbError, Row, Sql, Tx, Value, sql, statement};

/// Bytes of COPY text sent at a time.
const COPY_CHUNK: usize = 4 << 20;
/// Arguments per multi-row INSERT on PostgreSQL: few enough to stay far below its limit
/// of 65,535, many enough that a round trip carries hundreds of rows.
const PG_ARGUMENTS: usize = 4400;

/// Writes `rows` (each with one value per column) into `table`.
pub(crate) async fn copy_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let n = rows.len() as u64;
    match tx {
        Tx::Sqlite(t) => {
            statement::insert_rows(t.conn()?, table, columns, &[], rows)?;
        }
        Tx::Pg(t) => {
            let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
            let mut copy = t.copy_in_raw(&statement).await.map_err(DbError::from)?;
            let mut buf = String::with_capacity(COPY_CHUNK + 4096);
            let mut failed = None;
            for row in rows {
                if let Err(e) = copy_line(&mut buf, row) {
                    failed = Some(e);
                    break;
                }
                if buf.len() >= COPY_CHUNK {
                    if let Err(e) = copy.send(std::mem::take(&mut buf).into_bytes()).await {
                        failed = Some(DbError::from(e).into());
                        break;
                    }
                    buf.reserve(COPY_CHUNK + 4096);
                }
            }
            if let Some(e) = failed {
                // Ends the COPY so the connection stays usable; the transaction rolls back.
                let _ = copy.abort("bulk load failed").await;
                return Err(e);
            }
            if !buf.is_empty() {
                copy.send(buf.into_bytes()).await.map_err(DbError::from)?;
            }
            copy.finish().await.map_err(DbError::from)?;
        }
    }
    Ok(n)
}

/// Inserts `rows` into `table` and returns the `returning` columns of each new row. On
/// SQLite they come back in the order of `rows`; PostgreSQL does not promise an order
/// for `RETURNING` of a multi-row INSERT, so callers match rows by a key they inserted.
pub(crate) async fn insert_returning(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    returning: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<Vec<Row>> {
    if let Tx::Sqlite(t) = tx {
        let rows = statement::insert_rows(t.conn()?, table, columns, returning, rows)?;
        return Ok(rows.into_iter().map(Row::Sqlite).collect());
    }
    let per = (PG_ARGUMENTS / columns.len().max(1)).max(1);
    let mut out = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut q = sql(format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")));
        for (i, row) in rows.by_ref().take(per).enumerate() {
            push_row(&mut q, i, row);
        }
        if !returning.is_empty() {
            q.push(" RETURNING ").push(&returning.join(", "));
        }
        out.extend(tx.all(q).await?);
    }
    Ok(out)
}

fn push_row(q: &mut Sql, i: usize, row: Vec<Value>) {
    q.push(if i == 0 { "(" } else { ", (" });
    for (j, v) in row.into_iter().enumerate() {
        if j > 0 {
            q.push(", ");
        }
        q.push_bind(v);
    }
    q.push(")");
}

/// One row of COPY text: tab-separated, `\N` for NULL, backslash escapes.
fn copy_line(buf: &mut String, row: Vec<Value>) -> Result<()> {
    use std::fmt::Write as _;
    for (i, v) in row.into_iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        match v {
            Value::I64(None) | Value::Text(None) | Value::Bool(None) | Value::Date(None) | Value::Ts(None) => {
                buf.push_str("\\N");
            }
            Value::I64(Some(n)) => {
                let _ = write!(buf, "{n}");
            }
            Value::Bool(Some(b)) => buf.push(if b { 't' } else { 'f' }),
            Value::Date(Some(d)) => {
                let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
            }
            Value::Ts(Some(t)) => {
                let text = t.format(&Rfc3339).map_err(Error::internal)?;
                buf.push_str(&text);
            }
            Value::Text(Some(s)) => {
                for c in s.chars() {
                    match c {
                        '\\' => buf.push_str("\\\\"),
                        '\t' => buf.push_str("\\t"),
                        '\n' => buf.push_str("\\n"),
                        '\r' => buf.push_str("\\r"),
                        c => buf.push(c),
                    }
                }
            }
        }
    }
    buf.push('\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn copy_text_escapes_and_marks_nulls() {
        let mut buf = String::new();
        let row = vec![
            Value::I64(Some(7)),
            Value::Text(Some("a\tb\\c\nd".into())),
            Value::Text(None),
            Value::Bool(Some(true)),
            Value::Date(Some(date!(2026 - 03 - 04))),
            Value::Ts(Some(datetime!(2026-03-04 17:30 UTC))),
        ];
        copy_line(&mut buf, row).unwrap();
        assert_eq!(buf, "7\ta\\tb\\\\c\\nd\t\\N\tt\t2026-03-04\t2026-03-04T17:30:00Z\n");
    }
}
