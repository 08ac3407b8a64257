//! The ledger over HTTP: `POST /api/v1/ledger/recognise`, its lines and their sources
//! (finance's: those who see the organisation's money read them, finance and
//! administrators recognise), a project's revenue method at `/api/v1/projects/{id}/finance`,
//! trainings, and the months at `/api/v1/periods` with close and reopen (the period
//! lock's rights).

use axum::Json as JsonOut;
use axum::extract::{Path, State};
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::ledger::{
    LedgerLine, LedgerLineId, LedgerSource, LineFilter, LineKind, PeriodStatus, ProjectFinance, ProjectFinanceInput,
    RecognitionSummary, ReopenInput,
};
use psops_core::page::Page;
use psops_core::policy::{Action, Decision, Resource, decide};
use psops_core::projects::Project;
use psops_core::record::Entity;

use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, MoneyOf, allow};
use crate::extract::{Caller, Change, IdPath, Json, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};

const FINANCE: Fixed = Fixed(Resource::Finance, Thing::Finance);
const PERIODS: Fixed = Fixed(Resource::LockedPeriods, Thing::Entity(Entity::PeriodClose));

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecogniseInput {
    /// The last day recognised; today (UTC) when absent.
    #[serde(default)]
    pub through: Option<Date>,
}

/// Recognise revenue and cost into the open months (finance, admin): closed months stay as
/// they are; what could not be priced is listed in `problems`.
#[utoipa::path(post, path = "/api/v1/ledger/recognise", tag = "finance",
    request_body = RecogniseInput,
    responses((status = 200, body = RecognitionSummary, description = "What the run wrote"), CreateProblems))]
async fn recognise(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<RecogniseInput>,
) -> ApiResult<JsonOut<RecognitionSummary>> {
    let grant = allow(&st, &writer.subject, Action::Create, &FINANCE).await?;
    let through = body.value.through.unwrap_or_else(|| OffsetDateTime::now_utc().date());
    Ok(JsonOut(st.store.recognise(&writer.ctx(grant), through).await?))
}

/// Which lines.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LinesQuery {
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    /// A month, YYYY-MM.
    #[param(value_type = Option<String>)]
    month: Option<String>,
    /// revenue or cost.
    #[param(value_type = Option<LineKind>)]
    kind: Option<String>,
}

/// Ledger lines, by id.
#[utoipa::path(get, path = "/api/v1/ledger/lines", tag = "finance",
    params(LinesQuery, PageParams),
    responses((status = 200, body = Page<LedgerLine>, description = "A page of lines"), ListProblems))]
async fn lines(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<LinesQuery>,
) -> ApiResult<JsonOut<Page<LedgerLine>>> {
    allow(&st, &s, Action::Read, &FINANCE).await?;
    let (q, mut p, page) = query.split();
    let project_id = p.id("project_id", q.project_id);
    let month = q
        .month
        .filter(|m| !m.trim().is_empty())
        .and_then(|m| p.keep("month", Month::parse(&m, "month")));
    let kind = p.code("kind", q.kind);
    p.finish()?;
    let f = LineFilter {
        project_id,
        month,
        kind,
    };
    Ok(JsonOut(st.store.ledger_lines(&f, page).await?))
}

/// The rows a line was computed from: time entries, milestones, trainings.
#[utoipa::path(get, path = "/api/v1/ledger/lines/{id}/sources", tag = "finance",
    params(IdPath<LedgerLine>),
    responses((status = 200, body = Vec<LedgerSource>, description = "The line's sources"), ReadProblems))]
async fn sources(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<LedgerLine>,
) -> ApiResult<JsonOut<Vec<LedgerSource>>> {
    allow(&st, &s, Action::Read, &FINANCE).await?;
    let id: LedgerLineId = id;
    Ok(JsonOut(st.store.ledger_sources(id).await?))
}

/// How a project's fixed fee is recognised (milestones unless finance set it).
#[utoipa::path(get, path = "/api/v1/projects/{id}/finance", tag = "finance",
    params(IdPath<Project>),
    responses((status = 200, body = ProjectFinance, description = "The project's revenue method"), ReadProblems))]
async fn get_finance(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Project>,
) -> ApiResult<JsonOut<ProjectFinance>> {
    allow(
        &st,
        &s,
        Action::Read,
        &MoneyOf {
            project: id,
            cost: false,
        },
    )
    .await?;
    Ok(JsonOut(st.store.project_finance(id).await?))
}

/// Set how a project's fixed fee is recognised (finance, admin); `If-Match` is the
/// `version` read (0 while the project keeps the default).
#[utoipa::path(put, path = "/api/v1/projects/{id}/finance", tag = "finance",
    request_body = ProjectFinanceInput, params(Change<Project>),
    responses((status = 200, body = ProjectFinance, description = "The project's revenue method"), ChangeProblems))]
async fn put_finance(
    State(st): State<AppState>,
    c: Change<Project>,
    body: Json<ProjectFinanceInput>,
) -> ApiResult<JsonOut<ProjectFinance>> {
    let grant = allow(
        &st,
        &c.subject,
        Action::Update,
        &MoneyOf {
            project: c.id,
            cost: false,
        },
    )
    .await?;
    let f = st
        .store
        .set_project_finance(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    Ok(JsonOut(f))
}

/// Totals are the organisation's money: left out for those who may not read it.
fn for_caller(s: &psops_core::policy::Subject, mut list: Vec<PeriodStatus>) -> Vec<PeriodStatus> {
    if decide(s, Action::Read, &Resource::Finance) != Decision::Allow {
        for p in &mut list {
            p.revenue = None;
            p.cost = None;
        }
    }
    list
}

/// The months, newest first, with their status (open, closed, reopened), who closed or
/// reopened them and why, and their recognised totals (for those who see them).
#[utoipa::path(get, path = "/api/v1/periods", tag = "finance",
    responses((status = 200, body = Vec<PeriodStatus>, description = "The months"), ListProblems, ReadProblems))]
async fn periods(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<PeriodStatus>>> {
    allow(&st, &s, Action::Read, &PERIODS).await?;
    let list = st.store.periods(OffsetDateTime::now_utc().date()).await?;
    Ok(JsonOut(for_caller(&s, list)))
}

fn month_of(text: &str) -> psops_core::Result<Month> {
    Month::parse(text, "month")
}

/// Close a month that has ended (finance, admin): recognises, freezes its lines and locks
/// its time, all at once.
#[utoipa::path(post, path = "/api/v1/periods/{month}/close", tag = "finance",
    params(("month" = String, Path, description = "The month, YYYY-MM")),
    responses((status = 200, body = PeriodStatus, description = "The month, closed"), CreateProblems))]
async fn close(
    State(st): State<AppState>,
    writer: Writer,
    Path(month): Path<String>,
) -> ApiResult<JsonOut<PeriodStatus>> {
    let grant = allow(&st, &writer.subject, Action::Create, &PERIODS).await?;
    let month = month_of(&month)?;
    let today = OffsetDateTime::now_utc().date();
    Ok(JsonOut(st.store.close_period(&writer.ctx(grant), month, today).await?))
}

/// Reopen a closed month with the reason (finance, admin): its time unlocks and its lines
/// are recognised again on the next run.
#[utoipa::path(post, path = "/api/v1/periods/{month}/reopen", tag = "finance",
    request_body = ReopenInput,
    params(("month" = String, Path, description = "The month, YYYY-MM")),
    responses((status = 200, body = PeriodStatus, description = "The month, reopened"), ChangeProblems))]
async fn reopen(
    State(st): State<AppState>,
    writer: Writer,
    Path(month): Path<String>,
    body: Json<ReopenInput>,
) -> ApiResult<JsonOut<PeriodStatus>> {
    let grant = allow(&st, &writer.subject, Action::Update, &PERIODS).await?;
    let month = month_of(&month)?;
    let p = st
        .store
        .reopen_period(&writer.ctx(grant), month, &body.value.reason)
        .await?;
    Ok(JsonOut(p))
}

mod trainings {
    use psops_core::finance::training::{Training, TrainingFields, TrainingFilter, TrainingPatch};
    use psops_core::page::Page;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;

    record_routes! {
        record: Training, fields: TrainingFields, patch: TrainingPatch, tag: "finance",
        noun: "training", collection: "/api/v1/trainings", item: "/api/v1/trainings/{id}",
        archive: "/api/v1/trainings/{id}/archive", unarchive: "/api/v1/trainings/{id}/unarchive",
    }

    /// Which trainings.
    #[derive(serde::Deserialize, utoipa::IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct TrainingQuery {
        #[param(value_type = Option<i64>)]
        project_id: Option<String>,
        /// `true` for archived trainings only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List trainings (those who see the organisation's money).
    #[utoipa::path(get, path = "/api/v1/trainings", tag = "finance",
        params(TrainingQuery, crate::params::PageParams),
        responses((status = 200, body = Page<Training>, description = "trainings"), crate::problem::ListProblems))]
    async fn list_trainings(
        axum::extract::State(st): axum::extract::State<AppState>,
        crate::extract::Caller(s): crate::extract::Caller,
        query: crate::params::ListQuery<TrainingQuery>,
    ) -> crate::problem::ApiResult<axum::Json<Page<Training>>> {
        use psops_core::store::Records as _;
        crate::authorize::allow(&st, &s, psops_core::policy::Action::Read, &super::FINANCE).await?;
        let (q, mut p, page) = query.split();
        let filter = TrainingFilter {
            project_id: p.id("project_id", q.project_id),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        Ok(axum::Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_trainings))
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(recognise))
        .routes(routes!(lines))
        .routes(routes!(sources))
        .routes(routes!(get_finance, put_finance))
        .routes(routes!(periods))
        .routes(routes!(close))
        .routes(routes!(reopen))
        .merge(trainings::router())
}
