//! What the capacity and report routes share: the range a request asks about — `from` and
//! `to`, or a fiscal `quarter` such as `FY2027-Q1` — and answering JSON or CSV, as the
//! `format` parameter or the `Accept` header asks.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use psops_core::csv_writer::LineEnd;
use psops_core::dates::DateRange;
use psops_core::fiscal::{FiscalCalendar, FiscalQuarter};
use psops_core::rule::Rule;
use psops_core::{Error, FieldError};
use serde::Serialize;

use crate::params::Params;
use crate::problem::ApiResult;

/// The range of `from`/`to` or of `quarter` (exactly one of the two ways); every
/// mistake is recorded in `p` under the parameter's name.
pub fn range(
    p: &mut Params,
    from: Option<String>,
    to: Option<String>,
    quarter: Option<String>,
    fiscal: FiscalCalendar,
) -> Option<DateRange> {
    // A value given but refused (malformed, out of bounds) is already an error of its
    // own; it is not also reported as missing.
    let (gave_from, gave_to) = (from.is_some(), to.is_some());
    let from = p.date("from", from);
    let to = p.date("to", to);
    let quarter = p.text(quarter);
    if (from.is_none() && gave_from) || (to.is_none() && gave_to) {
        return None;
    }
    let invalid = |field: &str, rule: Rule, message: &str| Err::<(), _>(Error::invalid(field, rule, message));
    match (quarter, from, to) {
        (Some(q), None, None) => {
            let q = p.keep("quarter", q.parse::<FiscalQuarter>())?;
            // The quarter is one psops reads (1900 to 2201); whether all its days lie
            // within 1900-01-01 to 2200-12-31 depends on the month the organisation's
            // fiscal year starts in, not on the parameter alone.
            let within = fiscal.quarter_range_checked(q, "quarter").map_err(|_| {
                Error::invalid(
                    "quarter",
                    Rule::Span,
                    format!(
                        "quarter {} reaches outside 1900-01-01 to 2200-12-31 with the fiscal year starting in month {}",
                        q, fiscal.start_month
                    ),
                )
            });
            p.keep("quarter", within)
        }
        (Some(_), _, _) => {
            p.keep(
                "quarter",
                invalid(
                    "quarter",
                    Rule::Exclusive,
                    "give either quarter or from and to, not both",
                ),
            );
            None
        }
        (None, Some(start), Some(end)) => {
            let r = DateRange::new(start, end)
                .map_err(|_| Error::invalid("to", Rule::AfterStart, "to must be on or after from"));
            p.keep("to", r)
        }
        (None, None, None) => {
            p.keep(
                "from",
                invalid(
                    "from",
                    Rule::DependsOn,
                    "give from and to (YYYY-MM-DD), or quarter (FY2027-Q1)",
                ),
            );
            None
        }
        (None, None, Some(_)) => {
            p.keep("from", invalid("from", Rule::DependsOn, "from is required with to"));
            None
        }
        (None, Some(_), None) => {
            p.keep("to", invalid("to", Rule::DependsOn, "to is required with from"));
            None
        }
    }
}

/// Whether the client wants CSV: `format=csv`, or `Accept: text/csv` without `format`.
pub fn wants_csv(p: &mut Params, headers: &HeaderMap, format: Option<String>) -> bool {
    match p.text(format).as_deref() {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            let message = format!("format must be json or csv, got '{other}'");
            p.keep::<()>(
                "format",
                Err(Error::Invalid(vec![FieldError::new("format", Rule::OneOf, message)])),
            );
            false
        }
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| {
                a.split(',')
                    .any(|t| t.trim().to_ascii_lowercase().starts_with("text/csv"))
            }),
    }
}

/// A CSV document (CRLF line ends) from a header row and rows, written by the one CSV
/// writer, which neutralises spreadsheet formulas.
pub fn csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> ApiResult<Response> {
    let body = psops_core::csv_writer::document(LineEnd::CrLf, headers, rows).map_err(psops_core::Error::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// JSON, or the CSV `to_csv` makes of the same value.
pub fn answer<T: Serialize>(
    csv: bool,
    value: T,
    to_csv: impl FnOnce(&T) -> ApiResult<Response>,
) -> ApiResult<Response> {
    if csv {
        to_csv(&value)
    } else {
        Ok(Json(value).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn a_range_is_dates_or_a_quarter_never_both() {
        let fiscal = FiscalCalendar::new(2).unwrap_or_default();
        let mut p = Params::new();
        let q = range(&mut p, None, None, s("FY2027-Q1"), fiscal).unwrap();
        assert_eq!((q.start, q.end), (date!(2026 - 02 - 01), date!(2026 - 04 - 30)));
        let bare = range(&mut p, None, None, s("2027-Q1"), fiscal).unwrap();
        assert_eq!(bare, q, "the FY prefix may be left out");
        let d = range(&mut p, s("2026-01-01"), s("2026-01-31"), None, fiscal).unwrap();
        assert_eq!(d.days(), 31);
        assert!(p.finish().is_ok());
        for (from, to, quarter) in [
            (None, None, None),
            (s("2026-01-01"), None, None),
            (s("2026-02-01"), s("2026-01-01"), None),
            (s("2026-01-01"), s("2026-01-31"), s("FY2027-Q1")),
            (None, None, s("Q1")),
        ] {
            let mut p = Params::new();
            assert!(range(&mut p, from, to, quarter, fiscal).is_none());
            assert!(p.finish().is_err());
        }
        // A date refused for its own reason is one error, not also "missing".
        let mut p = Params::new();
        assert!(range(&mut p, s("9999-12-31"), s("9999-12-31"), None, fiscal).is_none());
        let rules: Vec<(&str, Rule)> = p.errors().iter().map(|e| (e.field.as_str(), e.rule)).collect();
        assert_eq!(rules, [("from", Rule::DateBounds), ("to", Rule::DateBounds)]);
    }

    #[test]
    fn csv_is_asked_for_by_format_or_accept() {
        let mut h = HeaderMap::new();
        let mut p = Params::new();
        assert!(!wants_csv(&mut p, &h, None));
        h.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        assert!(wants_csv(&mut p, &h, None));
        assert!(!wants_csv(&mut p, &h, s("json")));
        assert!(p.finish().is_ok());
        let mut p = Params::new();
        wants_csv(&mut p, &h, s("xml"));
        assert!(p.finish().is_err());
    }
}
