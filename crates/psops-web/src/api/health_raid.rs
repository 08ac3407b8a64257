//! Weekly health reports (`/api/v1/health-reports`) and the RAID log
//! (`/api/v1/raid-items`), each guarded as its project: read with the project, kept by its
//! manager, ops and administrators. A project has one report per ISO week: filing a
//! second for the week is a 409 (`one_report_per_week`), and the week's report is changed
//! instead (PATCH, audited). The overdue list, the latest RAG per project and the
//! escalated RAID items answer for the projects the caller may see.

use axum::Json as JsonOut;
use axum::extract::State;
use psops_core::delivery::health::{
    HealthReport, HealthReportFields, HealthReportFilter, HealthReportPatch, LatestHealth, OverdueReport,
};
use psops_core::delivery::raid::{EscalatedItem, RaidItemFilter};
use psops_core::page::Page;
use psops_core::policy::{Action, list_scope};
use psops_core::projects::{Project, ProjectId};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::Caller;
use crate::params::{ListQuery, Params, Query};
use crate::problem::{ApiResult, ListProblems};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_health_reports, file_health_report))
        .routes(routes!(get_health_report, change_health_report))
        .routes(routes!(overdue_health_reports))
        .routes(routes!(latest_health))
        .merge(raid::router())
}

fn required_project(project: Option<ProjectId>) -> ApiResult<ProjectId> {
    project.ok_or_else(|| {
        psops_core::Error::invalid(
            "project_id",
            Rule::Required,
            "project_id is required: reports and RAID items are listed by project",
        )
        .into()
    })
}

/// Which project's reports.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct HealthQuery {
    /// The project (required).
    #[param(value_type = i64, required = true)]
    project_id: Option<String>,
    /// The first week, e.g. `2026-W01`.
    #[param(value_type = Option<String>, pattern = r"^\d{4}-W\d{2}$")]
    from: Option<String>,
    /// The last week.
    #[param(value_type = Option<String>, pattern = r"^\d{4}-W\d{2}$")]
    to: Option<String>,
}

fn week(p: &mut Params, name: &str, v: Option<String>) -> Option<IsoWeek> {
    let v = p.text(v)?;
    p.keep(name, v.parse::<IsoWeek>())
}

/// List a project's weekly health reports
#[utoipa::path(get, path = "/api/v1/health-reports", tag = "delivery",
    params(HealthQuery, crate::params::PageParams),
    responses((status = 200, body = Page<HealthReport>, description = "the project's reports"), ListProblems))]
async fn list_health_reports(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<HealthQuery>,
) -> ApiResult<JsonOut<Page<HealthReport>>> {
    let (q, mut p, page) = query.split();
    let project = p.id("project_id", q.project_id);
    let from = week(&mut p, "from", q.from);
    let to = week(&mut p, "to", q.to);
    p.finish()?;
    let project = required_project(project)?;
    let found: Project = st.store.get(project).await?;
    allow(&st, &s, Action::Read, &found).await?;
    let filter = HealthReportFilter {
        project_id: Some(project),
        from,
        to,
        archived: None,
    };
    Ok(JsonOut(st.store.list(&filter, page).await?))
}

/// File a project's weekly health report (a second one for the same week is a 409: change that report instead)
#[utoipa::path(post, path = "/api/v1/health-reports", tag = "delivery",
    request_body = HealthReportFields, params(crate::extract::CreateHeaders),
    responses(crate::respond::NewRecord<HealthReport>, crate::problem::CreateProblems))]
async fn file_health_report(
    State(st): State<AppState>,
    w: crate::extract::Writer,
    body: crate::extract::Json<HealthReportFields>,
) -> ApiResult<axum::response::Response> {
    crate::api::record::create(&st, "/api/v1/health-reports", w, body).await
}

/// Read one weekly health report
#[utoipa::path(get, path = "/api/v1/health-reports/{id}", tag = "delivery",
    params(crate::extract::IdPath<HealthReport>),
    responses(crate::respond::Versioned<HealthReport>, crate::problem::ReadProblems))]
async fn get_health_report(
    State(st): State<AppState>,
    Caller(s): Caller,
    crate::extract::IdPath(id): crate::extract::IdPath<HealthReport>,
) -> ApiResult<axum::response::Response> {
    crate::api::record::read(&st, &s, id).await
}

/// Change (revise) a weekly health report: fields left out keep their value, null clears; audited
#[utoipa::path(patch, path = "/api/v1/health-reports/{id}", tag = "delivery",
    request_body = HealthReportPatch, params(crate::extract::Change<HealthReport>),
    responses(crate::respond::Versioned<HealthReport>, crate::problem::ChangeProblems))]
async fn change_health_report(
    State(st): State<AppState>,
    c: crate::extract::Change<HealthReport>,
    body: crate::extract::Json<HealthReportPatch>,
) -> ApiResult<axum::response::Response> {
    crate::api::record::update(&st, c, body).await
}

/// The day the overdue list is computed on.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OverdueQuery {
    /// The day (YYYY-MM-DD); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// Overdue weekly health reports: active projects the caller may see with weeks whose due day has passed without a report, by project manager
#[utoipa::path(get, path = "/api/v1/health-reports/overdue", tag = "delivery",
    params(OverdueQuery),
    responses((status = 200, body = Vec<OverdueReport>, description = "projects with missing weeks"), ListProblems))]
async fn overdue_health_reports(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<OverdueQuery>,
) -> ApiResult<JsonOut<Vec<OverdueReport>>> {
    let mut p = Params::new();
    let on = p.date("on", q.on);
    p.finish()?;
    let today = on.unwrap_or_else(|| OffsetDateTime::now_utc().date());
    let scope = list_scope(&s, ListKind::Projects);
    Ok(JsonOut(st.store.overdue_health(&scope, today).await?))
}

/// The latest health report's RAG and its trend (better, same or worse than the report before) of each active project the caller may see
#[utoipa::path(get, path = "/api/v1/health-reports/latest", tag = "delivery",
    responses((status = 200, body = Vec<LatestHealth>, description = "latest RAG per project"), ListProblems))]
async fn latest_health(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<LatestHealth>>> {
    let scope = list_scope(&s, ListKind::Projects);
    Ok(JsonOut(st.store.latest_health(&scope).await?))
}

mod raid {
    use super::*;
    use psops_core::delivery::raid::{RaidItem, RaidItemFields, RaidItemPatch};

    record_routes! {
        record: RaidItem, fields: RaidItemFields, patch: RaidItemPatch, tag: "delivery",
        noun: "raid_item", collection: "/api/v1/raid-items", item: "/api/v1/raid-items/{id}",
        archive: "/api/v1/raid-items/{id}/archive", unarchive: "/api/v1/raid-items/{id}/unarchive",
    }

    /// Which project's RAID items.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct RaidQuery {
        /// The project (required).
        #[param(value_type = i64, required = true)]
        project_id: Option<String>,
        /// risk, action, issue or decision.
        #[param(value_type = Option<String>, pattern = "^(risk|action|issue|decision)$")]
        kind: Option<String>,
        /// open or closed.
        #[param(value_type = Option<String>, pattern = "^(open|closed)$")]
        status: Option<String>,
        /// `true` for escalated items only, `false` for the others.
        #[param(value_type = Option<bool>)]
        escalated: Option<String>,
        /// `true` for archived items only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List a project's RAID items
    #[utoipa::path(get, path = "/api/v1/raid-items", tag = "delivery",
        params(RaidQuery, crate::params::PageParams),
        responses((status = 200, body = Page<RaidItem>, description = "the project's RAID items"), ListProblems))]
    async fn list_raid_items(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<RaidQuery>,
    ) -> ApiResult<JsonOut<Page<RaidItem>>> {
        let (q, mut p, page) = query.split();
        let project = p.id("project_id", q.project_id);
        let kind = p.code("kind", q.kind);
        let status = p.code("status", q.status);
        let escalated = p.flag("escalated", q.escalated);
        let archived = p.flag("archived", q.archived);
        p.finish()?;
        let project = required_project(project)?;
        let found: Project = st.store.get(project).await?;
        allow(&st, &s, Action::Read, &found).await?;
        let filter = RaidItemFilter {
            project_id: Some(project),
            kind,
            status,
            escalated,
            archived,
        };
        Ok(JsonOut(st.store.list(&filter, page).await?))
    }

    /// How many escalated items.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct EscalatedQuery {
        /// 1 to 500, 100 when absent.
        #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
        limit: Option<String>,
    }

    /// Open escalated RAID items across the projects the caller may see, high priority first, for the portfolio
    #[utoipa::path(get, path = "/api/v1/raid-items/escalated", tag = "delivery",
        params(EscalatedQuery),
        responses((status = 200, body = Vec<EscalatedItem>, description = "escalated items"), ListProblems))]
    async fn escalated_raid_items(
        State(st): State<AppState>,
        Caller(s): Caller,
        Query(q): Query<EscalatedQuery>,
    ) -> ApiResult<JsonOut<Vec<EscalatedItem>>> {
        let mut p = Params::new();
        let limit = match p.text(q.limit) {
            Some(l) => match l.parse::<u32>() {
                Ok(n) if (1..=500).contains(&n) => n,
                _ => {
                    p.add("limit", Rule::Range, "limit must be a number from 1 to 500");
                    100
                }
            },
            None => 100,
        };
        p.finish()?;
        let scope = list_scope(&s, ListKind::Projects);
        Ok(JsonOut(st.store.escalated_raid(&scope, limit).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router()
            .routes(routes!(list_raid_items))
            .routes(routes!(escalated_raid_items))
    }
}
