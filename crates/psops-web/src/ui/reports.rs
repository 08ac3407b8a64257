//! `/reports/utilization`: utilization by person, function or region for a fiscal
//! quarter or a date range, as SVG charts that suit the report's size (`report_charts`)
//! and the table of every figure with its total; `/reports/utilization.csv` answers
//! the same query with exactly the rows of that table. Rows are cut to the people the
//! subject may see figures of (`ListKind::Figures`).

use psops_core::rule::Rule;
use psops_core::store::Records as _;
use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::fiscal::{FiscalCalendar, FiscalQuarter};
use psops_core::people::{Function, PersonId};
use psops_core::policy::{Subject, list_scope};
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::ListKind;
use psops_core::sort::Numbered;
use psops_core::utilization::{GroupBy, UtilizationRow, UtilizationSort};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::filters::{Pairs, day, hours, is_htmx, label, options, pct, person_names, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::report_charts::{self, ChartRow};
use super::session::SignedIn;
use super::table::{self, Col, Column, Pager};
use crate::AppState;
use crate::params::Params;

/// The columns of the table and of the CSV, in order.
pub const COLUMNS: [&str; 12] = [
    "group",
    "available_policy_hours",
    "available_calendar_hours",
    "worked_hours",
    "billable_hours",
    "utilization",
    "billable_utilization",
    "billable_mix",
    "target",
    "attainment",
    "target_hours",
    "hours_to_target",
];

/// The table's headers, one for each of [`COLUMNS`], with their units.
const LABELS: [&str; 12] = [
    "Group",
    "Available (policy) h",
    "Available (calendar) h",
    "Worked h",
    "Billable h",
    "Utilization",
    "Billable utilization",
    "Billable mix",
    "Target",
    "Attainment",
    "Target h",
    "Hours to target",
];

/// A row as shown. Its cells are written only for the rows a page shows (or a CSV
/// writes): formatting every figure of 5,000 people took longer than the rest of the page.
#[derive(Clone, Serialize)]
struct Line {
    key: String,
    label: String,
    cells: Vec<String>,
}

impl Line {
    fn with_cells(&self, r: &UtilizationRow) -> Line {
        Line {
            cells: cells(r),
            ..self.clone()
        }
    }
}

/// A report as shown: the resolved query and its rows.
struct Built {
    errors: Vec<FieldError>,
    group: GroupBy,
    /// The days the figures cover: a quarter under way ends today.
    range: DateRange,
    /// The whole period asked for, which the weekly chart draws.
    whole: DateRange,
    quarter: Option<FiscalQuarter>,
    lines: Vec<Line>,
    total: Line,
    rows: Vec<UtilizationRow>,
    /// Whom the report covers, for the weekly series the charts may read.
    filter: UtilizationFilter,
    /// Function and region reports' figures week by week; set by the page, not the CSV.
    weekly: Option<report_charts::Weekly>,
}

fn cells(r: &UtilizationRow) -> Vec<String> {
    vec![
        hours(r.available_policy_minutes),
        hours(r.available_calendar_minutes),
        hours(r.worked_minutes),
        hours(r.billable_minutes),
        pct(r.utilization_bp),
        pct(r.billable_utilization_bp),
        pct(r.billable_mix_bp),
        pct(r.target_bp),
        pct(r.attainment_bp),
        hours(r.target_minutes),
        hours(r.to_target_minutes),
    ]
}

/// `2026-Q2` or `FY2026-Q2` → fiscal year 2026, quarter 2.
fn parse_quarter(text: &str) -> Option<FiscalQuarter> {
    text.parse().ok()
}

/// A quarter under way is measured up to today, as home measures it: its weeks still
/// to come would count as available hours nobody could have worked yet. A range given
/// by its days is taken as given.
fn so_far(whole: DateRange, quarter: bool, today: Date) -> DateRange {
    if quarter && whole.contains(today) && today < whole.end {
        DateRange {
            start: whole.start,
            end: today,
        }
    } else {
        whole
    }
}

fn quarter_code(q: FiscalQuarter) -> String {
    format!("{}-Q{}", q.year, q.quarter)
}

/// The range asked for: `from`/`to` when given, else the quarter (the current one by default).
fn resolve_range(p: &Pairs, e: &mut Params, fiscal: FiscalCalendar) -> (DateRange, Option<FiscalQuarter>) {
    let today = OffsetDateTime::now_utc().date();
    let current = fiscal.quarter_of(today);
    let (from, to) = (e.date("from", p.get("from")), e.date("to", p.get("to")));
    match (p.get("from"), p.get("to"), from, to) {
        (None, None, _, _) => {}
        (_, _, Some(start), Some(end)) if start <= end => return (DateRange { start, end }, None),
        (_, _, Some(_), Some(_)) => e.add("to", Rule::AfterStart, "to must be on or after from"),
        (Some(_), None, _, _) => e.add("to", Rule::Required, "to is required with from"),
        (None, Some(_), _, _) => e.add("from", Rule::Required, "from is required with to"),
        _ => {}
    }
    let q = match p.get("quarter") {
        None => current,
        Some(text) => parse_quarter(text).unwrap_or_else(|| {
            e.add(
                "quarter",
                Rule::Quarter,
                format!("quarter must be written like 2026-Q2, got '{text}'"),
            );
            current
        }),
    };
    match fiscal.quarter_range_checked(q, "quarter") {
        Ok(range) => (range, Some(q)),
        Err(_) => {
            e.add(
                "quarter",
                Rule::DateBounds,
                "quarter must lie between 1900-01-01 and 2200-12-31",
            );
            (fiscal.quarter_range(current), Some(current))
        }
    }
}

async fn build(st: &AppState, s: &Subject, p: &Pairs) -> Result<Built, UiError> {
    let mut e = Params::new();
    let group = match e.code::<GroupBy>("group", p.get("group")) {
        Some(g @ (GroupBy::Person | GroupBy::Function | GroupBy::Region)) => g,
        Some(_) => {
            e.add("group", Rule::OneOf, "group must be one of: person, function, region");
            GroupBy::Person
        }
        None => GroupBy::Person,
    };
    let policy = st.store.capacity_rules().await?;
    let (whole, quarter) = resolve_range(p, &mut e, policy.fiscal_calendar());
    let range = so_far(whole, quarter.is_some(), OffsetDateTime::now_utc().date());
    let filter = UtilizationFilter {
        function: e.code::<Function>("function", p.get("function")),
        region: p.get("region").map(str::to_string),
        partner_id: e.id("partner", p.get("partner")),
        scope: list_scope(s, ListKind::Figures),
        ..Default::default()
    };
    let report = st.store.utilization(range, group, &filter).await?;
    let names = if group == GroupBy::Person {
        let ids = report
            .rows
            .iter()
            .filter_map(|r| r.key.parse().ok().map(PersonId::new))
            .collect();
        person_names(st, ids).await?
    } else {
        Default::default()
    };
    let total = Line {
        key: String::new(),
        label: "Total".into(),
        cells: cells(&report.total),
    };
    // The report's keys move into the lines: 5,000 people are 5,000 strings not copied.
    let (lines, rows) = report
        .rows
        .into_iter()
        .map(|g| {
            let label = match group {
                GroupBy::Person => g
                    .key
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| g.key.clone()),
                GroupBy::Function => label(&g.key),
                _ => g.key.clone(),
            };
            let line = Line {
                key: g.key,
                label,
                cells: Vec::new(),
            };
            (line, g.row)
        })
        .unzip();
    Ok(Built {
        errors: e.into_errors(),
        group,
        range,
        whole,
        quarter,
        lines,
        total,
        rows,
        filter,
        weekly: None,
    })
}

fn chart(b: &Built) -> String {
    let rows: Vec<ChartRow<'_>> = b
        .lines
        .iter()
        .zip(&b.rows)
        .map(|(l, row)| ChartRow {
            key: &l.key,
            label: &l.label,
            row,
        })
        .collect();
    report_charts::draw(b.group, &rows, b.weekly.as_ref())
}

#[derive(Serialize)]
struct ReportPage {
    #[serde(flatten)]
    frame: Frame,
    errors: Vec<FieldError>,
    f: BTreeMap<&'static str, String>,
    groups: Vec<(&'static str, String)>,
    /// (code for the link, the quarter as pages write it).
    quarters: Vec<(String, String)>,
    functions: Vec<(&'static str, String)>,
    partners: Vec<(String, String)>,
    period: String,
    columns: Vec<Column>,
    lines: Vec<Line>,
    pager: Pager,
    total: Line,
    chart: String,
    csv: String,
}

fn group_label(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Function => "Function",
        GroupBy::Region => "Region",
        _ => "Person",
    }
}

/// The quarters offered: the current fiscal year, the one before and the one after.
fn quarter_choices(fiscal: FiscalCalendar) -> Vec<(String, String)> {
    let year = fiscal.year_of(OffsetDateTime::now_utc().date());
    (year - 1..=year + 1)
        .flat_map(|y| (1..=4).map(move |q| FiscalQuarter { year: y, quarter: q }))
        .map(|q| (quarter_code(q), q.label()))
        .collect()
}

pub async fn utilization(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut b = build(&st, &s, &p).await?;
    let today = OffsetDateTime::now_utc().date();
    b.weekly = report_charts::weekly(&st, b.group, b.whole, &b.filter, today).await?;
    let policy = st.store.capacity_rules().await?;
    let partners = st
        .store
        .list(
            &psops_core::partners::PartnerFilter {
                scope: list_scope(&s, ListKind::Partners),
                ..Default::default()
            },
            psops_core::page::PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await?;
    let mut f: BTreeMap<&'static str, String> = ["function", "region", "partner", "from", "to"]
        .into_iter()
        .map(|k| (k, p.text(k)))
        .collect();
    f.insert("group", b.group.code().to_string());
    f.insert("quarter", b.quarter.map(quarter_code).unwrap_or_default());
    let period = match b.quarter {
        Some(q) if b.range != b.whole => format!(
            "{} so far ({} – {}; the quarter ends {})",
            q.label(),
            day(Some(b.range.start)),
            day(Some(b.range.end)),
            day(Some(b.whole.end))
        ),
        Some(q) => format!(
            "{} ({} – {})",
            q.label(),
            day(Some(b.range.start)),
            day(Some(b.range.end))
        ),
        None => format!("{} – {}", day(Some(b.range.start)), day(Some(b.range.end))),
    };
    let query = p.encoded_without(&["sort", "dir", "page"]);
    let mut e = Params::new();
    let at = table::read::<UtilizationSort>(&mut e, &p);
    let mut errors = b.errors.clone();
    errors.extend(e.into_errors());
    let sorted = table::order(b.lines.iter().zip(&b.rows).collect(), at.direction, |(l, r)| {
        (r.figure(at.key), l.label.as_str())
    });
    let total_rows = sorted.len() as u64;
    let lines = Numbered::cut(sorted, &at).map(|(l, r)| l.with_cells(r)).items;
    f.insert("sort", p.text("sort"));
    f.insert("dir", p.text("dir"));
    let ctx = ReportPage {
        frame: frame(&me, &s),
        chart: chart(&b),
        errors,
        f,
        groups: [GroupBy::Person, GroupBy::Function, GroupBy::Region]
            .iter()
            .map(|g| (g.code(), label(g.code())))
            .collect(),
        quarters: quarter_choices(policy.fiscal_calendar()),
        functions: options::<Function>(),
        partners: partners
            .items
            .into_iter()
            .map(|p| (p.id.to_string(), p.fields.name))
            .collect(),
        period,
        columns: table::head(
            "/reports/utilization",
            &p,
            &at,
            LABELS
                .iter()
                .zip(UtilizationSort::ALL)
                .enumerate()
                .map(|(i, (name, key))| Col {
                    label: if i == 0 { group_label(b.group) } else { name },
                    key: Some(*key),
                    num: i > 0,
                    // The calendar view and target hours: at 1280 px the table fits
                    // without them; the CSV and wider screens keep them.
                    extra: matches!(*name, "Available (calendar) h" | "Target h"),
                })
                .collect(),
        ),
        pager: table::pager("/reports/utilization", &p, &at, total_rows),
        lines,
        total: b.total,
        csv: if query.is_empty() {
            "/reports/utilization.csv".into()
        } else {
            format!("/reports/utilization.csv?{query}")
        },
    };
    let template = if is_htmx(&headers) {
        "utilization_results.html"
    } else {
        "utilization.html"
    };
    Ok(render(template, ctx)?.into_response())
}

pub async fn utilization_csv(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let b = build(&st, &s, &p).await?;
    if !b.errors.is_empty() {
        return Err(UiError {
            errors: b.errors,
            ..UiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "Please check your input",
                "The report's filters break a rule.",
            )
        });
    }
    let lines = b.lines.iter().zip(&b.rows).map(|(l, r)| l.with_cells(r));
    let rows = lines.chain(std::iter::once(b.total.clone())).map(|line| {
        let mut cells = vec![line.label];
        cells.extend(line.cells);
        cells
    });
    let out = psops_core::csv_writer::document(psops_core::csv_writer::LineEnd::CrLf, &COLUMNS, rows)
        .map_err(UiError::internal)?;
    let name = format!(
        "attachment; filename=\"utilization-{}-{}-{}.csv\"",
        b.group.code(),
        day(Some(b.range.start)),
        day(Some(b.range.end))
    );
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_read_like_2026_q2() {
        assert_eq!(parse_quarter("2026-Q2"), Some(FiscalQuarter { year: 2026, quarter: 2 }));
        assert_eq!(parse_quarter("FY2026-Q2"), parse_quarter("2026-Q2"));
        assert_eq!(parse_quarter("2026-Q5"), None);
        assert_eq!(parse_quarter("Q2"), None);
    }

    #[test]
    fn a_quarter_under_way_ends_today() {
        let q4 = DateRange::new(time::macros::date!(2026 - 10 - 01), time::macros::date!(2026 - 12 - 31)).unwrap();
        let cut = so_far(q4, true, time::macros::date!(2026 - 12 - 05));
        assert_eq!((cut.start, cut.end), (q4.start, time::macros::date!(2026 - 12 - 05)));
        assert_eq!(
            so_far(q4, true, time::macros::date!(2027 - 01 - 02)),
            q4,
            "a past quarter is whole"
        );
        assert_eq!(
            so_far(q4, true, time::macros::date!(2026 - 09 - 30)),
            q4,
            "so is one to come"
        );
        assert_eq!(
            so_far(q4, false, time::macros::date!(2026 - 12 - 05)),
            q4,
            "days given stay"
        );
    }

    #[test]
    fn a_range_needs_both_ends_in_order() {
        let fiscal = FiscalCalendar::default();
        let p = Pairs(vec![("from".into(), "2026-02-01".into())]);
        let mut e = Params::new();
        let (_, q) = resolve_range(&p, &mut e, fiscal);
        assert!(q.is_some(), "falls back to the quarter");
        assert_eq!(e.into_errors()[0].field, "to");
        let p = Pairs(vec![
            ("from".into(), "2026-02-01".into()),
            ("to".into(), "2026-01-01".into()),
        ]);
        let mut e = Params::new();
        resolve_range(&p, &mut e, fiscal);
        let errors = e.into_errors();
        assert_eq!((errors[0].field.as_str(), errors[0].rule), ("to", Rule::AfterStart));
        let p = Pairs(vec![
            ("from".into(), "2026-01-05".into()),
            ("to".into(), "2026-01-09".into()),
        ]);
        let mut e = Params::new();
        let (r, q) = resolve_range(&p, &mut e, fiscal);
        assert!(e.into_errors().is_empty() && q.is_none());
        assert_eq!(r.days(), 5);
    }
}
