//! Closed vocabularies (functions, statuses, types) stored and sent as snake_case codes.
//!
//! The codes come from `strum`'s derives on each enum — `IntoStaticStr`, `EnumString`
//! and `VariantArray` with `serialize_all = "snake_case"`, next to serde's
//! `rename_all = "snake_case"` — so a variant's code, its JSON and its database value
//! are one spelling that nobody writes by hand. The trait adds the field an unknown code
//! is reported under.

use std::str::FromStr;

use crate::rule::Rule;

/// A closed set of values, each with a stable code used in the API and the database.
pub trait Code: Sized + Copy + 'static + strum::VariantArray + Into<&'static str> + FromStr {
    /// Every value, in declaration order (the order forms and messages list them in).
    const ALL: &'static [Self] = Self::VARIANTS;
    /// The field name used in error messages when a code is not recognised.
    const FIELD: &'static str;

    fn code(&self) -> &'static str {
        (*self).into()
    }

    fn from_code(s: &str) -> crate::Result<Self> {
        s.parse().map_err(|_| {
            let all: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
            crate::Error::invalid(
                Self::FIELD,
                Rule::OneOf,
                format!("{} must be one of: {}", Self::FIELD, all.join(", ")),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{audit, auth, calendars, capacity, partners, people, projects, time_entries, timesheet, utilization};

    /// The code is the serde spelling, reads back, and an unknown one names the field.
    fn agrees<T: Code + serde::Serialize + std::fmt::Debug + PartialEq>() {
        assert!(!T::ALL.is_empty());
        for v in T::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), v.code(), "{v:?}");
            assert_eq!(T::from_code(v.code()).unwrap(), *v);
        }
        let err = T::from_code("no_such_code").unwrap_err().to_string();
        assert!(
            err.contains(&format!("{} must be one of: {}", T::FIELD, T::ALL[0].code())),
            "{err}"
        );
    }

    #[test]
    fn every_vocabulary_has_one_spelling() {
        agrees::<auth::Role>();
        agrees::<auth::TokenScope>();
        agrees::<timesheet::Compliance>();
        agrees::<audit::AuditAction>();
        agrees::<utilization::GroupBy>();
        agrees::<partners::PartnerType>();
        agrees::<projects::ProjectType>();
        agrees::<projects::BillingType>();
        agrees::<projects::ProjectStatus>();
        agrees::<time_entries::InternalCategory>();
        agrees::<time_entries::EntryStatus>();
        agrees::<calendars::TimeOffStatus>();
        agrees::<people::Function>();
        agrees::<capacity::TimeOffKind>();
    }

    #[test]
    fn codes_are_exact_and_case_sensitive() {
        assert_eq!(projects::ProjectStatus::InSetUp.code(), "in_set_up");
        assert_eq!(
            people::Function::from_code("technical_architect").unwrap(),
            people::Function::TechnicalArchitect
        );
        assert!(people::Function::from_code("Engineer").is_err());
        assert!(people::Function::from_code(" engineer").is_err());
    }
}
