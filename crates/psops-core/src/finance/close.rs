//! Period close: when finance may close a month (it has ended and is not closed yet) and
//! reopen one (it is closed, and the reason is given).

use time::Date;

use crate::finance::Month;
use crate::rule::Rule;
use crate::{Error, Result};

/// The longest reopen reason kept.
pub const REASON_MAX: usize = 500;

/// A month may be closed once its last day is past and while it is not closed.
pub fn check_close(month: Month, today: Date, closed: bool) -> Result<()> {
    if month.last() >= today {
        return Err(Error::invalid(
            "month",
            Rule::Future,
            format!("{month} has not ended yet: a month can be closed from the day after its last day"),
        ));
    }
    if closed {
        return Err(Error::conflict(
            "month",
            Rule::InvalidTransition,
            format!("{month} is already closed"),
        ));
    }
    Ok(())
}

/// A closed month may be reopened with a reason (not blank, at most 500 characters);
/// gives the reason as it is kept.
pub fn check_reopen(month: Month, closed: bool, reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            Rule::Required,
            "reason is required: say why the closed month is reopened",
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(Error::invalid(
            "reason",
            Rule::TooLong,
            format!("reason must be at most {REASON_MAX} characters"),
        ));
    }
    if !closed {
        return Err(Error::conflict(
            "month",
            Rule::InvalidTransition,
            format!("{month} is not closed: only a closed month can be reopened"),
        ));
    }
    Ok(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn field(e: Error) -> (String, Rule) {
        match e {
            Error::Invalid(mut v) => {
                let f = v.remove(0);
                (f.field.to_string(), f.rule)
            }
            Error::Conflict(f) => (f.field.to_string(), f.rule),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_month_closes_after_it_ends_and_only_once() {
        let july: Month = "2026-07".parse().unwrap();
        assert_eq!(
            field(check_close(july, date!(2026 - 07 - 31), false).unwrap_err()),
            ("month".into(), Rule::Future)
        );
        assert!(check_close(july, date!(2026 - 08 - 01), false).is_ok());
        assert_eq!(
            field(check_close(july, date!(2026 - 08 - 01), true).unwrap_err()),
            ("month".into(), Rule::InvalidTransition)
        );
    }

    #[test]
    fn reopening_needs_a_reason_of_at_most_500_characters() {
        let july: Month = "2026-07".parse().unwrap();
        assert_eq!(field(check_reopen(july, true, "  ").unwrap_err()).0, "reason");
        assert_eq!(
            field(check_reopen(july, true, &"x".repeat(501)).unwrap_err()).1,
            Rule::TooLong
        );
        assert_eq!(check_reopen(july, true, " late invoice ").unwrap(), "late invoice");
        assert_eq!(field(check_reopen(july, false, "why").unwrap_err()).0, "month");
    }
}
