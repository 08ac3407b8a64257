//! The Rust types a column can be read as, on both backends: PostgreSQL decodes through
//! sqlx as before; SQLite's values come from rusqlite and are read here, leniently the
//! way sqlx's SQLite driver read them (an integer where text is wanted becomes text, a
//! number stored as text is parsed).

use rusqlite::types::Value as SqlValue;
use sqlx::{Decode, Postgres, Type};
use time::{Date, OffsetDateTime};

use super::sqlite::{parse_date, parse_ts};

/// A type both drivers can read a column as.
pub(crate) trait Column: for<'r> Decode<'r, Postgres> + Type<Postgres> + Sized {
    /// Reads a SQLite value; the error says what was found instead.
    fn from_sqlite(v: &SqlValue) -> Result<Self, String>;
}

fn unexpected(v: &SqlValue, wanted: &str) -> String {
    match v {
        SqlValue::Null => format!("unexpected NULL where {wanted} was expected"),
        other => format!("{other:?} is not {wanted}"),
    }
}

fn integer(v: &SqlValue) -> Result<i64, String> {
    match v {
        SqlValue::Integer(n) => Ok(*n),
        SqlValue::Real(f) => Ok(*f as i64),
        SqlValue::Text(t) => t.trim().parse().map_err(|_| unexpected(v, "an integer")),
        _ => Err(unexpected(v, "an integer")),
    }
}

impl Column for i64 {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        integer(v)
    }
}

impl Column for i32 {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        integer(v)?.try_into().map_err(|_| unexpected(v, "a 32-bit integer"))
    }
}

impl Column for f64 {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        match v {
            SqlValue::Real(f) => Ok(*f),
            SqlValue::Integer(n) => Ok(*n as f64),
            SqlValue::Text(t) => t.trim().parse().map_err(|_| unexpected(v, "a number")),
            _ => Err(unexpected(v, "a number")),
        }
    }
}

impl Column for bool {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        integer(v).map(|n| n != 0)
    }
}

impl Column for String {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        match v {
            SqlValue::Text(t) => Ok(t.clone()),
            SqlValue::Integer(n) => Ok(n.to_string()),
            SqlValue::Real(f) => Ok(f.to_string()),
            _ => Err(unexpected(v, "text")),
        }
    }
}

impl Column for Date {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        match v {
            SqlValue::Text(t) => parse_date(t).ok_or_else(|| unexpected(v, "a YYYY-MM-DD date")),
            _ => Err(unexpected(v, "a date")),
        }
    }
}

impl Column for OffsetDateTime {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        parse_ts(v).ok_or_else(|| unexpected(v, "a timestamp"))
    }
}

impl<T: Column> Column for Option<T> {
    fn from_sqlite(v: &SqlValue) -> Result<Self, String> {
        match v {
            SqlValue::Null => Ok(None),
            v => T::from_sqlite(v).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sqlite_values_read_as_sqlx_read_them() {
        assert_eq!(i64::from_sqlite(&SqlValue::Integer(7)), Ok(7));
        assert_eq!(i64::from_sqlite(&SqlValue::Text("7".into())), Ok(7));
        assert!(i64::from_sqlite(&SqlValue::Null).is_err());
        assert_eq!(Option::<i64>::from_sqlite(&SqlValue::Null), Ok(None));
        assert_eq!(bool::from_sqlite(&SqlValue::Integer(1)), Ok(true));
        assert_eq!(bool::from_sqlite(&SqlValue::Integer(0)), Ok(false));
        assert_eq!(String::from_sqlite(&SqlValue::Integer(3)), Ok("3".into()));
        assert_eq!(
            Date::from_sqlite(&SqlValue::Text("2026-01-31".into())),
            Ok(date!(2026 - 01 - 31))
        );
        assert!(Date::from_sqlite(&SqlValue::Text("31/01/2026".into())).is_err());
    }
}
