//! `/api/v1/reports/*`: utilization by person, function, region, manager's team or
//! partner; the capacity handbook table for the base policy or any person's; and weekly
//! timesheet compliance. Each is JSON, or CSV with `format=csv` or `Accept: text/csv`.
//! Reports cover only the people the caller may see (`ListKind::Figures`).

use psops_core::error::Thing;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use std::collections::HashMap;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::capacity::{CapacityRules, HandbookRow};
use psops_core::dates::DateRange;
use psops_core::people::{Function, Person, PersonId};
use psops_core::policy::{Action, Resource, list_scope};
use psops_core::ratio::percent_text;
use psops_core::report_text::{
    COMPLIANCE_HEADERS, HANDBOOK_HEADERS, UTILIZATION_HEADERS, compliance_cells, handbook_cells, utilization_cells,
};
use psops_core::reporting::{ComplianceReport, UtilizationFilter};
use psops_core::scope::ListKind;
use psops_core::store::RecordStore;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::{GroupBy, UtilizationReport, UtilizationRow};
use psops_core::{Error, Result};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::capacity::figures_of;
use super::period::{self, answer, csv};
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::Caller;
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ListProblems, ReadProblems};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UtilizationQuery {
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A fiscal quarter such as `FY2027-Q1`, instead of from/to.
    quarter: Option<String>,
    /// person (default), function, region, manager or partner.
    #[param(value_type = Option<GroupBy>)]
    group_by: Option<String>,
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<Function>)]
    function: Option<String>,
    region: Option<String>,
    #[param(value_type = Option<i64>)]
    manager_id: Option<String>,
    #[param(value_type = Option<i64>)]
    partner_id: Option<String>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// Ratios of a line as percentages with one decimal, e.g. `70.0%`.
#[derive(Debug, Serialize, ToSchema)]
struct Percents {
    utilization: Option<String>,
    billable_utilization: Option<String>,
    calendar_utilization: Option<String>,
    calendar_billable_utilization: Option<String>,
    billable_mix: Option<String>,
    target: Option<String>,
    attainment: Option<String>,
}

/// One line of the report: its group's key, a readable name, minutes and basis points.
#[derive(Debug, Serialize, ToSchema)]
struct Line {
    key: String,
    name: String,
    #[serde(flatten)]
    row: UtilizationRow,
    percent: Percents,
}

fn line(key: String, name: String, row: UtilizationRow) -> Line {
    let pct = |bp: Option<i64>| bp.map(percent_text);
    let percent = Percents {
        utilization: pct(row.utilization_bp),
        billable_utilization: pct(row.billable_utilization_bp),
        calendar_utilization: pct(row.calendar_utilization_bp),
        calendar_billable_utilization: pct(row.calendar_billable_utilization_bp),
        billable_mix: pct(row.billable_mix_bp),
        target: pct(row.target_bp),
        attainment: pct(row.attainment_bp),
    };
    Line {
        key,
        name,
        row,
        percent,
    }
}

#[derive(Debug, Serialize, ToSchema)]
struct UtilizationView {
    group_by: GroupBy,
    range: DateRange,
    rows: Vec<Line>,
    /// The sum of the rows, ratios recomputed from the sums.
    total: Line,
}

/// Names of the people (or partners) the rows are keyed by.
async fn names(st: &AppState, by: GroupBy, report: &UtilizationReport) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    match by {
        GroupBy::Person | GroupBy::Manager => {
            // One kept read of the names the rows need, not every person's record.
            let ids: Vec<PersonId> = report
                .rows
                .iter()
                .filter_map(|r| r.key.parse::<i64>().ok().map(psops_core::Id::new))
                .collect();
            let names = RecordStore::<Person>::names(st.store.as_ref(), &ids).await?;
            out.extend(names.iter().map(|(id, name)| (id.to_string(), name.clone())));
        }
        GroupBy::Partner => {
            for r in &report.rows {
                if let Ok(id) = r.key.parse::<i64>() {
                    let p: psops_core::partners::Partner = st.store.get(psops_core::Id::new(id)).await?;
                    out.insert(r.key.clone(), p.fields.name);
                }
            }
        }
        GroupBy::Function | GroupBy::Region => {}
    }
    Ok(out)
}

/// Utilization over a range: available hours in both views, worked, billable,
/// utilization (worked ÷ available), billable utilization (billable ÷ available, what
/// targets apply to), billable mix (billable ÷ worked), target, attainment, to target.
#[utoipa::path(get, path = "/api/v1/reports/utilization", tag = "reports",
    params(UtilizationQuery),
    responses((status = 200, description = "The report",
        content((UtilizationView = "application/json"), (String = "text/csv"))), ListProblems))]
async fn utilization(
    State(st): State<AppState>,
    Caller(s): Caller,
    headers: HeaderMap,
    Query(q): Query<UtilizationQuery>,
) -> ApiResult<Response> {
    let fiscal = st.store.settings().await?.fiscal_calendar();
    let mut p = Params::new();
    let range = period::range(&mut p, q.from, q.to, q.quarter, fiscal);
    let by: GroupBy = p.code("group_by", q.group_by).unwrap_or(GroupBy::Person);
    let filter = UtilizationFilter {
        person_id: p.id("person_id", q.person_id),
        function: p.code("function", q.function),
        region: p.text(q.region),
        manager_id: p.id("manager_id", q.manager_id),
        partner_id: p.id("partner_id", q.partner_id),
        scope: list_scope(&s, ListKind::Figures),
    };
    let as_csv = period::wants_csv(&mut p, &headers, q.format);
    p.finish()?;
    let range = range.ok_or_else(|| Error::invalid("from", Rule::DependsOn, "give from and to, or quarter"))?;
    let report = st.store.utilization(range, by, &filter).await?;
    let names = names(&st, by, &report).await?;
    let name = |key: &str| match by {
        GroupBy::Function | GroupBy::Region => key.to_string(),
        _ => names.get(key).cloned().unwrap_or_default(),
    };
    let view = UtilizationView {
        group_by: by,
        range,
        rows: report
            .rows
            .iter()
            .map(|g| line(g.key.clone(), name(&g.key), g.row))
            .collect(),
        total: line("total".into(), "Total".into(), report.total),
    };
    answer(as_csv, view, |v| {
        let rows = v.rows.iter().chain(std::iter::once(&v.total));
        csv(
            &UTILIZATION_HEADERS,
            rows.map(|l| utilization_cells(&l.key, &l.name, &l.row)),
        )
    })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CapacityQuery {
    /// The person whose resolved policy (base plus overrides) to show; the base when absent.
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    /// The day the policy holds on (YYYY-MM-DD); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// The handbook table of one policy.
#[derive(Debug, Serialize, ToSchema)]
struct CapacityReport {
    #[schema(value_type = Option<i64>)]
    person_id: Option<PersonId>,
    #[schema(value_type = String, format = Date)]
    on: Date,
    policy: CapacityRules,
    rows: Vec<HandbookRow>,
}

/// The handbook's capacity table — holidays, PTO, summit, available, quarterly, targets — for
/// the base policy or the policy that holds for one person on a day.
#[utoipa::path(get, path = "/api/v1/reports/capacity", tag = "reports",
    params(CapacityQuery),
    responses((status = 200, description = "The table",
        content((CapacityReport = "application/json"), (String = "text/csv"))), ReadProblems, ListProblems))]
async fn capacity(
    State(st): State<AppState>,
    Caller(s): Caller,
    headers: HeaderMap,
    Query(q): Query<CapacityQuery>,
) -> ApiResult<Response> {
    let mut p = Params::new();
    let person_id = p.id("person_id", q.person_id);
    let on = p.date("on", q.on).unwrap_or_else(|| OffsetDateTime::now_utc().date());
    let as_csv = period::wants_csv(&mut p, &headers, q.format);
    p.finish()?;
    allow(
        &st,
        &s,
        Action::Read,
        &Fixed(Resource::CapacityRules, Thing::Entity(Entity::CapacityRules)),
    )
    .await?;
    let policy = match person_id {
        Some(id) => {
            figures_of(&st, &s, id).await?;
            st.store.resolved_rules(id, on).await?
        }
        None => st.store.capacity_rules().await?,
    };
    let rows = policy.handbook_table();
    let report = CapacityReport {
        person_id,
        on,
        policy,
        rows,
    };
    answer(as_csv, report, |r| {
        csv(&HANDBOOK_HEADERS, r.rows.iter().map(handbook_cells))
    })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ComplianceQuery {
    /// An ISO week such as `2026-W48`; the current one when absent.
    #[param(value_type = Option<String>)]
    week: Option<String>,
    /// The day to judge lateness on (YYYY-MM-DD); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
    /// `json` (default) or `csv`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// Who has not submitted, or not been approved, by the week's due day (admin, ops,
/// finance: everyone; project managers: themselves and their reports).
#[utoipa::path(get, path = "/api/v1/reports/compliance", tag = "reports",
    params(ComplianceQuery),
    responses((status = 200, description = "The report",
        content((ComplianceReport = "application/json"), (String = "text/csv"))), ReadProblems, ListProblems))]
async fn compliance(
    State(st): State<AppState>,
    Caller(s): Caller,
    headers: HeaderMap,
    Query(q): Query<ComplianceQuery>,
) -> ApiResult<Response> {
    allow(
        &st,
        &s,
        Action::Read,
        &Fixed(Resource::Compliance, Thing::ComplianceReport),
    )
    .await?;
    let today = OffsetDateTime::now_utc().date();
    let mut p = Params::new();
    let week = match p.text(q.week) {
        Some(w) => p.keep("week", w.parse::<IsoWeek>()),
        None => Some(IsoWeek::of(today)),
    };
    let as_of = p.date("as_of", q.as_of).unwrap_or(today);
    let as_csv = period::wants_csv(&mut p, &headers, q.format);
    p.finish()?;
    let week = week.ok_or_else(|| Error::invalid("week", Rule::IsoWeek, "week is not an ISO week"))?;
    let report = st
        .store
        .compliance(week, as_of)
        .await?
        .within(&list_scope(&s, ListKind::Figures));
    answer(as_csv, report, |r| {
        csv(&COMPLIANCE_HEADERS, r.rows.iter().map(compliance_cells))
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(utilization))
        .routes(routes!(capacity))
        .routes(routes!(compliance))
}
