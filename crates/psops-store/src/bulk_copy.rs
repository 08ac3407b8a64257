//! The fastest way each backend takes many rows: on SQLite, multi-row INSERTs of up to
//! a thousand rows with `?` placeholders (the full-size statement is prepared once and
//! reused); on PostgreSQL, `COPY … FROM STDIN` in text format. Values travel as
//! arguments or as escaped COPY text, never spliced into SQL.

use psops_core::{Error, Result};
use sqlx::AssertSqlSafe;
use time::format_description::well_known::Rfc3339;

use crate::db::{DbError, Tx, Value};

/// Rows per SQLite statement: measured as the sweet spot of sqlx's driver (STYLE.md).
const SQLITE_ROWS: usize = 1000;
/// Bytes of COPY text sent at a time.
const COPY_CHUNK: usize = 4 << 20;

/// Writes `rows` (each with one value per column) into `table`.
pub(crate) async fn copy_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let n = rows.len() as u64;
    match tx {
        Tx::Sqlite(t) => {
            let per = (30_000 / columns.len()).clamp(1, SQLITE_ROWS);
            let mut rows = rows.into_iter().peekable();
            while rows.peek().is_some() {
                let chunk: Vec<Vec<Value>> = rows.by_ref().take(per).collect();
                let text = insert_text(table, columns, chunk.len());
                let mut q = sqlx::query(AssertSqlSafe(text));
                for v in chunk.into_iter().flatten() {
                    q = match v {
                        Value::I64(v) => q.bind(v),
                        Value::Text(v) => q.bind(v),
                        Value::Bool(v) => q.bind(v),
                        Value::Date(v) => q.bind(v),
                        Value::Ts(v) => q.bind(v),
                    };
                }
                q.execute(&mut **t).await.map_err(DbError::from)?;
            }
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

fn insert_text(table: &str, columns: &[&str], rows: usize) -> String {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut text = String::with_capacity(64 + rows * (one.len() + 2));
    text.push_str(&format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")));
    for i in 0..rows {
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&one);
    }
    text
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

    #[test]
    fn insert_text_has_one_group_per_row() {
        assert_eq!(
            insert_text("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }
}
