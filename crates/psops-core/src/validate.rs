//! A small collector of broken rules, so one request reports every bad field at once.

use crate::error::{Error, FieldError, Result};
use crate::rule::Rule;

/// The blanks Rust's `trim` and `char::is_whitespace` know (Unicode's White_Space), as the
/// inside of a regular expression's character class: for the API document's patterns of
/// values the validators read trimmed. Listed rather than `\s`, whose meaning differs
/// between regex dialects.
pub const BLANKS: &str = r"\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a broken rule unless `ok` holds.
    pub fn check(&mut self, ok: bool, field: &str, rule: Rule, message: impl Into<String>) -> &mut Self {
        if !ok {
            self.errors.push(FieldError::new(field, rule, message));
        }
        self
    }

    /// Like [`Checks::check`], with the field and message made only when the rule is
    /// broken: validators that run per person or per row do not format text that
    /// passes.
    pub fn check_with(&mut self, ok: bool, error: impl FnOnce() -> (String, Rule, String)) -> &mut Self {
        if !ok {
            let (field, rule, message) = error();
            self.errors.push(FieldError::new(&field, rule, message));
        }
        self
    }

    pub fn push(&mut self, error: FieldError) -> &mut Self {
        self.errors.push(error);
        self
    }

    /// A required text: non-blank and at most `max` characters.
    pub fn text(&mut self, value: &str, field: &str, max: usize) -> &mut Self {
        self.check_with(!value.trim().is_empty(), || {
            (field.into(), Rule::Required, format!("{field} must not be blank"))
        });
        self.optional_text(Some(value), field, max)
    }

    /// A code: a required text of at most `max` characters made of letters, digits, '-',
    /// '_' and '.' only, surrounding blanks aside.
    pub fn code(&mut self, value: &str, field: &str, max: usize) -> &mut Self {
        self.text(value, field, max);
        self.check_with(
            value
                .trim()
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch)),
            || {
                (
                    field.into(),
                    Rule::InvalidValue,
                    format!("{field} may hold letters, digits, '-', '_' and '.' only"),
                )
            },
        )
    }

    /// An optional text: when present, at most `max` characters.
    pub fn optional_text(&mut self, value: Option<&str>, field: &str, max: usize) -> &mut Self {
        if let Some(v) = value {
            // Bytes bound characters from above: only a long text is counted.
            self.check_with(v.len() <= max || v.chars().count() <= max, || {
                (
                    field.into(),
                    Rule::TooLong,
                    format!("{field} must be at most {max} characters"),
                )
            });
        }
        self
    }

    /// A plausible e-mail address: one `@`, something on both sides, a dot in the domain.
    pub fn email(&mut self, value: &str, field: &str) -> &mut Self {
        let ok = match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.chars().any(char::is_whitespace)
                    && !domain.contains('@')
            }
            None => false,
        };
        self.check_with(ok, || {
            (
                field.into(),
                Rule::Email,
                format!("{field} must be an e-mail address like name@example.com"),
            )
        })
    }

    pub fn into_result(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.errors))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_broken_rule() {
        let mut c = Checks::new();
        c.text("", "name", 10).email("nope", "email");
        let Err(Error::Invalid(errors)) = c.into_result() else {
            panic!("expected invalid")
        };
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "name");
        assert_eq!(errors[1].rule, Rule::Email);
    }

    #[test]
    fn accepts_plain_addresses_and_rejects_odd_ones() {
        for ok in ["a@b.co", "first.last@example.org"] {
            assert!(Checks::new().email(ok, "email").is_empty(), "{ok}");
        }
        for bad in ["a@b", "@b.co", "a b@c.de", "a@.de", "a@b@c.de"] {
            assert!(!Checks::new().email(bad, "email").is_empty(), "{bad}");
        }
    }
}
