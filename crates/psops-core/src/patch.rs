//! Partial updates: a field left out keeps its value, `null` clears a nullable field.

use serde::{Deserialize, Deserializer};

/// Deserialises a present field into `Some(value)` — including `Some(None)` for an
/// explicit `null` — so that, with `#[serde(default)]`, absence stays `None`.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Applies an optional new value.
pub fn set<T>(target: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *target = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct P {
        #[serde(default, deserialize_with = "double_option")]
        end: Option<Option<String>>,
    }

    #[test]
    fn tells_absent_from_null() {
        let absent: P = serde_json::from_str("{}").unwrap();
        let null: P = serde_json::from_str(r#"{"end":null}"#).unwrap();
        let value: P = serde_json::from_str(r#"{"end":"x"}"#).unwrap();
        assert_eq!(absent.end, None);
        assert_eq!(null.end, Some(None));
        assert_eq!(value.end, Some(Some("x".into())));
    }
}
