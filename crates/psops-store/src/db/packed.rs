//! Reading packed rows (see `Pools::packed`): each row a JSON array of its columns.

use psops_core::Error;
use time::Date;

/// A SQLite value as `json_array` would have written it.
pub(super) fn json_value(v: rusqlite::types::Value) -> serde_json::Value {
    use rusqlite::types::Value as V;
    match v {
        V::Null | V::Blob(_) => serde_json::Value::Null,
        V::Integer(n) => n.into(),
        V::Real(f) => serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into),
        V::Text(t) => t.into(),
    }
}

/// Reads the fields of a packed row (see [`super::Pools::packed`]).
pub(crate) struct Packed<'a>(pub &'a [serde_json::Value]);

impl Packed<'_> {
    fn at(&self, i: usize) -> &serde_json::Value {
        self.0.get(i).unwrap_or(&serde_json::Value::Null)
    }

    pub fn i64(&self, i: usize) -> Result<i64, Error> {
        self.opt_i64(i)?
            .ok_or_else(|| Error::internal(format!("packed column {i} is not a number")))
    }

    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.at(i) {
            serde_json::Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Error::internal(format!("packed column {i} is not an integer"))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, Error> {
        self.at(i)
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::internal(format!("packed column {i} is not text")))
    }

    pub fn is_null(&self, i: usize) -> bool {
        self.at(i).is_null()
    }

    pub fn date(&self, i: usize) -> Result<Date, Error> {
        let text = self.text(i)?;
        psops_core::dates::read_date("date", text.get(..10).unwrap_or(&text)).map_err(Error::internal)
    }

    pub fn opt_date(&self, i: usize) -> Result<Option<Date>, Error> {
        if self.is_null(i) {
            Ok(None)
        } else {
            self.date(i).map(Some)
        }
    }
}
