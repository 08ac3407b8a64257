//! The inputs of a record's form, and the one conversion between a posted form and the
//! JSON body the API takes — so a form goes through the same parsing, rules and errors
//! as `POST`/`PATCH` on the API, field by field.

use psops_core::money::{Currency, Money};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{FieldError, Minutes};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::ui::filters::Pairs;

/// What an input holds, and so how it is drawn and read.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    /// Several lines of text.
    Notes,
    Email,
    Date,
    /// A decimal such as an FTE of 0.8.
    Decimal,
    /// Hours as a person writes them (`37:30`, `37.5`), stored as minutes.
    Hours,
    /// An amount, with its currency in the `<name>.currency` input.
    Money,
    /// A three-letter currency code.
    Currency,
    /// A checkbox.
    Flag,
    /// One code of a vocabulary: `(code, label)` pairs.
    Choice(fn() -> Vec<(&'static str, String)>),
    /// A whole number, such as a term in months.
    Whole,
    /// Another record, chosen by name (see `pick`).
    Ref(Entity),
    /// A list field, one item per line, each read and written by its [`Lines`].
    Lines(&'static Lines),
    /// A list of other records, one per line, each chosen as a [`Kind::Ref`] is.
    Refs(Entity),
}

/// How one line of a [`Kind::Lines`] input becomes an item of the API's list, and back.
pub struct Lines {
    /// A line as a person writes one, for the hint and the errors.
    pub example: &'static str,
    /// One line (trimmed, never blank) to its item, or what is wrong with it.
    pub read: fn(&str) -> Result<Value, String>,
    /// One stored item as its line.
    pub write: fn(&Value) -> String,
}

/// The items of a list input: its non-blank lines, trimmed.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// One input of a form: the JSON field it fills, its label and what it holds.
#[derive(Clone, Copy)]
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    /// Required inputs may not be left empty; optional ones clear their field.
    pub required: bool,
    pub hint: &'static str,
    /// Set when the record is made and never changed after (the API's patch has no such
    /// field): shown, not sent, on an edit form.
    pub fixed: bool,
}

impl Input {
    pub const fn new(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Input {
            name,
            label,
            kind,
            required: true,
            hint: "",
            fixed: false,
        }
    }

    pub const fn fixed(mut self) -> Self {
        self.fixed = true;
        self
    }

    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
}

/// An input as the template draws it.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `notes`, `email`, `date`, `decimal`, `hours`, `money`, `flag`, `choice`,
    /// `ref` or `currency`.
    pub kind: &'static str,
    pub required: bool,
    pub hint: &'static str,
    pub value: String,
    /// The currency beside a money input.
    pub currency: String,
    pub checked: bool,
    pub choices: Vec<(&'static str, String)>,
    /// For a reference: the kind the suggestions come from.
    pub pick: &'static str,
    pub errors: Vec<String>,
    /// What is stored now, when someone else changed it and it differs from the form.
    pub stored: Option<String>,
    /// Shown but not changed: a fixed input on an edit form.
    pub locked: bool,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Notes => "notes",
            Kind::Email => "email",
            Kind::Date => "date",
            Kind::Decimal => "decimal",
            Kind::Hours => "hours",
            Kind::Money => "money",
            Kind::Currency => "currency",
            Kind::Flag => "flag",
            Kind::Choice(_) => "choice",
            Kind::Whole => "whole",
            Kind::Ref(_) => "ref",
            Kind::Lines(_) | Kind::Refs(_) => "lines",
        }
    }
}

/// The text an input shows for a field's JSON value (as the API answers it); references
/// are named by the caller, which knows the names.
pub fn text_of(kind: Kind, value: &Value) -> (String, String) {
    match (kind, value) {
        (_, Value::Null) => (String::new(), String::new()),
        (Kind::Hours, Value::Number(n)) => (Minutes(n.as_i64().unwrap_or(0)).hours_text(), String::new()),
        (Kind::Money, Value::Object(m)) => {
            let currency = m.get("currency").and_then(Value::as_str).unwrap_or("USD").to_string();
            let minor = m.get("amount_minor").and_then(Value::as_i64).unwrap_or(0);
            let amount = match currency.parse::<Currency>() {
                Ok(c) => {
                    let shown = Money::new(minor, c).to_string();
                    shown.split(' ').next().unwrap_or("").to_string()
                }
                Err(_) => minor.to_string(),
            };
            (amount, currency)
        }
        (Kind::Lines(l), Value::Array(items)) => (
            items.iter().map(|i| (l.write)(i)).collect::<Vec<_>>().join("\n"),
            String::new(),
        ),
        (_, Value::String(s)) => (s.clone(), String::new()),
        (_, Value::Bool(b)) => (b.to_string(), String::new()),
        (_, other) => (other.to_string(), String::new()),
    }
}

/// An input ready to draw, holding `value` (and for money, `currency`).
pub fn shown(input: &Input, value: String, currency: String) -> Shown {
    Shown {
        name: input.name,
        label: input.label,
        kind: input.kind.code(),
        required: input.required,
        hint: input.hint,
        checked: value == "true" || value == "on",
        choices: match input.kind {
            Kind::Choice(all) => all(),
            _ => Vec::new(),
        },
        pick: match input.kind {
            Kind::Ref(e) => e.name(),
            _ => "",
        },
        value,
        currency,
        errors: Vec::new(),
        stored: None,
        locked: false,
    }
}

/// What a posted form says for one input: the text typed (and the currency of money).
pub fn posted(input: &Input, p: &Pairs) -> (String, String) {
    let value = match input.kind {
        Kind::Flag => p.get(input.name).is_some().to_string(),
        _ => p.text(input.name).trim().to_string(),
    };
    let currency = match input.kind {
        Kind::Money => p.text(&format!("{}.currency", input.name)).trim().to_string(),
        _ => String::new(),
    };
    (value, currency)
}

/// The JSON body a posted form stands for. A left-out optional input is absent from a
/// create and `null` in a change (which clears it); a left-out required one is an error
/// naming it. References come already resolved to ids in `refs`.
///
/// An input in error still gets a stand-in value of its type in the body, so the
/// record's own rules can be checked on the rest and every broken rule is told at once;
/// the caller drops what those rules say about the stand-ins.
pub fn body(
    inputs: &[Input],
    p: &Pairs,
    refs: &[(&'static str, Vec<i64>)],
    change: bool,
) -> (Map<String, Value>, Vec<FieldError>) {
    let mut out = Map::new();
    let mut errors = Vec::new();
    for input in inputs {
        if change && input.fixed {
            continue;
        }
        let (text, currency) = posted(input, p);
        // An empty list is an empty list, on a change too (not a cleared field).
        if text.is_empty() && matches!(input.kind, Kind::Lines(_) | Kind::Refs(_)) && !input.required {
            out.insert(input.name.into(), Value::Array(Vec::new()));
            continue;
        }
        if text.is_empty() && !matches!(input.kind, Kind::Flag) {
            if input.required {
                errors.push(FieldError::new(
                    input.name,
                    Rule::Required,
                    format!("{} is required", input.label),
                ));
                out.insert(input.name.into(), stand_in(input.kind));
            } else if change {
                out.insert(input.name.into(), Value::Null);
            }
            continue;
        }
        match value_of(input, &text, &currency, refs) {
            Ok(v) => {
                out.insert(input.name.into(), v);
            }
            Err(e) => {
                errors.push(e);
                out.insert(input.name.into(), stand_in(input.kind));
            }
        }
    }
    (out, errors)
}

/// A value of the input's type that its own checks pass (see [`body`]).
pub fn stand_in(kind: Kind) -> Value {
    match kind {
        Kind::Text | Kind::Notes => Value::from("x"),
        Kind::Email => Value::from("x@example.com"),
        Kind::Date => Value::from("2000-01-03"),
        Kind::Decimal => Value::from(1),
        Kind::Hours => Value::from(60),
        Kind::Money => serde_json::json!({"amount_minor": 0, "currency": "USD"}),
        Kind::Currency => Value::from("USD"),
        Kind::Flag => Value::Bool(false),
        Kind::Choice(all) => Value::from(all().first().map(|c| c.0).unwrap_or("")),
        Kind::Whole => Value::from(1),
        Kind::Ref(_) => Value::from(1),
        Kind::Lines(_) | Kind::Refs(_) => Value::Array(Vec::new()),
    }
}

fn value_of(input: &Input, text: &str, currency: &str, refs: &[(&'static str, Vec<i64>)]) -> Result<Value, FieldError> {
    let bad = |rule, message: String| FieldError::new(input.name, rule, message);
    Ok(match input.kind {
        Kind::Text | Kind::Notes | Kind::Email | Kind::Date | Kind::Choice(_) | Kind::Currency => {
            Value::String(text.to_string())
        }
        Kind::Flag => Value::Bool(text == "true"),
        Kind::Decimal => match text.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => serde_json::json!(n),
            _ => {
                return Err(bad(
                    Rule::Type,
                    format!("{} must be a number such as 0.8, got '{text}'", input.label),
                ));
            }
        },
        Kind::Hours => match Minutes::parse(text) {
            Ok(m) => Value::from(m.get()),
            Err(_) => {
                return Err(bad(
                    Rule::Duration,
                    format!("{} must be hours such as 40, 37.5 or 37:30, got '{text}'", input.label),
                ));
            }
        },
        Kind::Money => {
            let currency = currency.parse::<Currency>().map_err(|_| {
                bad(
                    Rule::Currency,
                    format!(
                        "the currency of {} must be three capital letters such as USD",
                        input.label
                    ),
                )
            })?;
            let money = Money::parse(text, currency).map_err(|_| {
                bad(
                    Rule::Decimal,
                    format!(
                        "{} must be an amount such as 12500.00, with at most {} decimals",
                        input.label,
                        currency.exponent()
                    ),
                )
            })?;
            serde_json::to_value(money).unwrap_or(Value::Null)
        }
        Kind::Whole => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => {
                return Err(bad(
                    Rule::Type,
                    format!("{} must be a whole number such as 12, got '{text}'", input.label),
                ));
            }
        },
        Kind::Ref(_) => match refs.iter().find(|(n, _)| *n == input.name) {
            Some((_, ids)) if ids.len() == 1 => Value::from(ids[0]),
            // Resolving it already named what was wrong.
            _ => Value::Null,
        },
        Kind::Refs(_) => match refs.iter().find(|(n, _)| *n == input.name) {
            Some((_, ids)) => Value::from(ids.clone()),
            None => Value::Array(Vec::new()),
        },
        Kind::Lines(l) => {
            let mut items = Vec::new();
            for (i, line) in lines(text).enumerate() {
                match (l.read)(line) {
                    Ok(v) => items.push(v),
                    Err(why) => {
                        return Err(bad(
                            Rule::InvalidValue,
                            format!("{}, line {}: {why} (e.g. {})", input.label, i + 1, l.example),
                        ));
                    }
                }
            }
            Value::Array(items)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Pairs {
        Pairs(v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
    }

    const INPUTS: &[Input] = &[
        Input::new("name", "Name", Kind::Text),
        Input::new("region", "Region", Kind::Text).optional(),
        Input::new("hours", "Hours a week", Kind::Hours),
        Input::new("budget", "Budget", Kind::Money).optional(),
        Input::new("billable", "Billable", Kind::Flag),
    ];

    #[test]
    fn a_form_becomes_the_apis_body() {
        let p = pairs(&[
            ("name", " Ada "),
            ("hours", "37:30"),
            ("budget", "1,250.5"),
            ("budget.currency", "EUR"),
            ("billable", "on"),
        ]);
        let (made, errors) = body(INPUTS, &p, &[], false);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(made["name"], "Ada");
        assert!(
            !made.contains_key("region"),
            "an empty optional input is left out of a create"
        );
        assert_eq!(made["hours"], 2250);
        assert_eq!(made["budget"]["amount_minor"], 125050);
        assert_eq!(made["budget"]["currency"], "EUR");
        assert_eq!(made["billable"], true);
        let (change, _) = body(INPUTS, &p, &[], true);
        assert_eq!(
            change["region"],
            Value::Null,
            "an empty optional input clears it on a change"
        );
    }

    #[test]
    fn bad_inputs_name_their_field() {
        let p = pairs(&[("hours", "lots"), ("budget", "1.234"), ("budget.currency", "USD")]);
        let (_, errors) = body(INPUTS, &p, &[], false);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "hours", "budget"]);
        assert_eq!(errors[0].message, "Name is required");
        assert!(errors[1].message.contains("37:30"), "{}", errors[1].message);
        let unchecked = body(INPUTS, &pairs(&[("name", "A"), ("hours", "1")]), &[], true).0;
        assert_eq!(unchecked["billable"], false, "an unticked box is false");
    }

    #[test]
    fn stored_values_show_as_typed() {
        assert_eq!(text_of(Kind::Hours, &Value::from(2250)).0, "37.50");
        let money = serde_json::json!({"amount_minor": 125050, "currency": "EUR"});
        assert_eq!(text_of(Kind::Money, &money), ("1250.50".into(), "EUR".into()));
        assert_eq!(text_of(Kind::Text, &Value::Null).0, "");
    }
}
