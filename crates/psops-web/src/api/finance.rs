//! `/api/v1/finance/*` and a project's money: the margin report (by project, offering,
//! offering type, category, account, manager, region, quarter, month or basis), the
//! finance dashboard, and one project's burn, estimate at completion and margin. All in
//! the reporting currency except a project's own figures, which are in its currency too.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::margin::{MARGIN_HEADERS, MarginBy, MarginReport, margin_cells};
use psops_core::finance::reports::{Dashboard, ProjectMoney};
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::projects::Project;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::period::{self, answer, csv};
use crate::AppState;
use crate::authorize::{Fixed, MoneyOf, allow};
use crate::extract::{Caller, IdPath};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ListProblems, ReadProblems};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct Span {
    /// The first month, `YYYY-MM`; by default the first month of this fiscal year.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub from: Option<String>,
    /// The last month, `YYYY-MM`, at most 120 months after `from`; by default this month.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub to: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MarginQuery {
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    from: Option<String>,
    #[param(value_type = Option<String>, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    to: Option<String>,
    /// What the rows are; `project` by default.
    #[param(value_type = Option<MarginBy>)]
    by: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// The months of a span as asked, or this fiscal year to date.
pub(crate) async fn span(
    st: &AppState,
    p: &mut Params,
    from: Option<String>,
    to: Option<String>,
) -> psops_core::Result<(Month, Month)> {
    let today = OffsetDateTime::now_utc().date();
    let fiscal = st.store.settings().await?.fiscal_calendar();
    let year_start = fiscal.year_range(fiscal.year_of(today)).start;
    let from = match p.text(from) {
        Some(t) => p.keep("from", Month::parse(&t, "from")),
        None => Some(Month::of(year_start)),
    };
    let to = match p.text(to) {
        Some(t) => p.keep("to", Month::parse(&t, "to")),
        None => Some(Month::of(today)),
    };
    Ok((from.unwrap_or(Month::of(today)), to.unwrap_or(Month::of(today))))
}

async fn finance_readable(st: &AppState, s: &Subject) -> ApiResult<()> {
    allow(st, s, Action::Read, &Fixed(Resource::Finance, Thing::Finance)).await?;
    Ok(())
}

/// Revenue, cost and margin of recognised months grouped by `by`, against the margin
/// target; which of the months are closed. Read by those who see cost
#[utoipa::path(get, path = "/api/v1/finance/margin", tag = "finance",
    params(MarginQuery),
    responses((status = 200, description = "The report",
        content((MarginReport = "application/json"), (String = "text/csv"))), ListProblems))]
async fn margin(
    State(st): State<AppState>,
    Caller(s): Caller,
    headers: HeaderMap,
    Query(q): Query<MarginQuery>,
) -> ApiResult<Response> {
    finance_readable(&st, &s).await?;
    let mut p = Params::new();
    let (from, to) = span(&st, &mut p, q.from, q.to).await?;
    let by: MarginBy = p.code("by", q.by).unwrap_or(MarginBy::Project);
    let as_csv = period::wants_csv(&mut p, &headers, q.format);
    p.finish()?;
    let report = st.store.margin_report(from, to, by).await?;
    answer(as_csv, report, |r| {
        let total = margin_cells(
            "total",
            "Total",
            &r.total,
            r.total.margin_bp.map(|m| m - r.target_bp),
            r.currency,
        );
        csv(
            &MARGIN_HEADERS,
            r.rows
                .iter()
                .map(|row| margin_cells(&row.key, &row.label, &row.figures, row.vs_target_bp, r.currency))
                .chain(std::iter::once(total)),
        )
    })
}

/// The finance dashboard: revenue by month and basis, margin by quarter, category and
/// offering type against the target, the loss-making projects, the closed months
#[utoipa::path(get, path = "/api/v1/finance/dashboard", tag = "finance",
    params(Span),
    responses((status = 200, body = Dashboard, description = "The dashboard"), ListProblems))]
async fn dashboard(State(st): State<AppState>, Caller(s): Caller, Query(q): Query<Span>) -> ApiResult<Json<Dashboard>> {
    finance_readable(&st, &s).await?;
    let mut p = Params::new();
    let (from, to) = span(&st, &mut p, q.from, q.to).await?;
    p.finish()?;
    Ok(Json(st.store.dashboard(from, to).await?))
}

/// Whether the subject sees a project's cost and margin.
pub(crate) fn sees_cost(s: &Subject, facts: Option<psops_core::policy::ProjectFacts>) -> bool {
    facts.is_some_and(|project| {
        decide(s, Action::Read, &Resource::ProjectMoney { project, cost: true }) == Decision::Allow
    })
}

/// One project's money as the caller may read it.
pub(crate) async fn read_project(
    st: &AppState,
    s: &Subject,
    id: psops_core::projects::ProjectId,
) -> psops_core::Result<ProjectMoney> {
    allow(
        st,
        s,
        Action::Read,
        &MoneyOf {
            project: id,
            cost: false,
        },
    )
    .await?;
    let facts = crate::authorize::project(st, s, id).await?;
    st.store
        .project_money(id, OffsetDateTime::now_utc().date(), sees_cost(s, facts))
        .await
}

/// A project's money: budget burn in hours and money, estimate at completion and its
/// variance, revenue by month, work exceptions — and its cost and margin for those who
/// see cost
#[utoipa::path(get, path = "/api/v1/projects/{id}/money", tag = "finance",
    params(IdPath<Project>),
    responses((status = 200, body = ProjectMoney, description = "The project's money"), ReadProblems))]
async fn project_money(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Project>,
) -> ApiResult<Json<ProjectMoney>> {
    Ok(Json(read_project(&st, &s, id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(margin))
        .routes(routes!(dashboard))
        .routes(routes!(project_money))
}
