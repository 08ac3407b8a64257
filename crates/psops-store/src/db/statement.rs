//! Running statements on a rusqlite connection: each is taken from the connection's
//! cache of prepared statements, its arguments bound by index (never looked up by
//! name), its rows read into owned values.

use std::borrow::Cow;
use std::sync::Arc;

use rusqlite::types::{Null, Value as SqlValue, ValueRef};
use rusqlite::{Connection, Statement};

use super::column::{date_text, ts_text};
use super::{DbError, Sql, Value};

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

/// The statement with each `$n` placeholder written as `?n`. SQLite takes `$n` as a
/// *name*, and finding a name's index scans every parameter (`sqlite3_bind_parameter_name`
/// is linear), so binding a statement of thousands of arguments by name costs time
/// quadratic in their number; `?n` IS its index. String literals, quoted identifiers
/// and comments are copied untouched.
pub(super) fn numbered(text: &str) -> Cow<'_, str> {
    if !text.contains('$') {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let after = |from: usize, end: &[u8]| -> usize {
        b.get(from..)
            .and_then(|rest| rest.windows(end.len()).position(|w| w == end))
            .map_or(b.len(), |p| from + p + end.len())
    };
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        i = match (b[i], b.get(i + 1)) {
            (q @ (b'\'' | b'"'), _) => after(i + 1, &[q]),
            (b'-', Some(b'-')) => after(i + 2, b"\n"),
            (b'/', Some(b'*')) => after(i + 2, b"*/"),
            (b'$', Some(d)) if d.is_ascii_digit() => {
                out.push_str(&text[copied..i]);
                out.push('?');
                copied = i + 1;
                i + 1
            }
            _ => i + 1,
        };
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Binds parameter `i` to argument `i` (placeholders are `?n` or bare `?`, see [`numbered`]).
fn bind(stmt: &mut Statement<'_>, args: &[Value]) -> Result<(), DbError> {
    let count = stmt.parameter_count();
    if count > args.len() {
        return Err(DbError::Other(format!(
            "the statement has {count} parameters and {} arguments",
            args.len()
        )));
    }
    for (i, v) in args.iter().enumerate().take(count) {
        bind_one(stmt, i + 1, v)?;
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
    let mut stmt = conn.prepare_cached(&numbered(&s.text))?;
    bind(&mut stmt, &s.args)?;
    read_rows(&mut stmt)
}

/// Runs a select whose columns are all whole numbers, each row as an array: no value
/// or name is allocated, which for tens of thousands of rollup rows is most of the cost.
pub(crate) fn integers<const N: usize>(conn: &Connection, s: &Sql) -> Result<Vec<[i64; N]>, DbError> {
    let mut stmt = conn.prepare_cached(&numbered(&s.text))?;
    bind(&mut stmt, &s.args)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = [0; N];
        for (i, v) in values.iter_mut().enumerate() {
            *v = row.get(i)?;
        }
        out.push(values);
    }
    Ok(out)
}

/// Runs a statement and returns the rows it changed. A statement that also returns rows
/// (`RETURNING`, or a plain `SELECT`) is stepped to its end.
pub(crate) fn execute(conn: &Connection, s: &Sql) -> Result<u64, DbError> {
    let mut stmt = conn.prepare_cached(&numbered(&s.text))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_placeholders_become_indexes_outside_quotes_and_comments() {
        assert_eq!(
            numbered("SELECT '$1 it''s', \"$2\", $3 -- $4\n/* $5 */ $10, json_extract(x, '$.a')"),
            "SELECT '$1 it''s', \"$2\", ?3 -- $4\n/* $5 */ ?10, json_extract(x, '$.a')"
        );
        assert!(matches!(numbered("SELECT ?"), Cow::Borrowed(_)));
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
