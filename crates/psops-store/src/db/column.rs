//! The Rust types a column can be read as, on both backends, and SQLite's text formats.
//! PostgreSQL decodes through sqlx. SQLite's values come from rusqlite and are read here
//! leniently, the way sqlx's SQLite driver read them (an integer where text is wanted
//! becomes text, a number stored as text is parsed); dates and timestamps are written
//! and read in the text sqlx used, so databases made before stay readable and sort the
//! same: dates as `YYYY-MM-DD`, timestamps as RFC 3339 (`2026-03-04T17:30:00.5Z`),
//! booleans as 0 and 1.

use rusqlite::types::Value as SqlValue;
use sqlx::{Decode, Postgres, Type};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::DbError;

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
}
