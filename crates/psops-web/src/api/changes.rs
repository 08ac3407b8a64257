//! `/api/v1/changes`: change control — change orders, descriptions of work, new SOWs,
//! work at risk and work exceptions. Raised by ops, the project's manager or the
//! opportunity's engagement manager; decided by PS leadership, never by whoever raised
//! it; an approval applies the change at once. `/api/v1/changes/exceptions` reports
//! approved work exceptions by cause.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use psops_core::page::Page;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use psops_core::scoping::changes::{
    Change, ChangeFields, ChangeFilter, ChangeKind, ChangePatch, ChangeStatus, ExceptionTotal, NewChange,
};
use psops_core::store::{RecordStore, Records as _};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::decision::StepDecision;
use super::record;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Change as Changing, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

/// Read one change
#[utoipa::path(get, path = "/api/v1/changes/{id}", tag = "scoping",
    params(IdPath<Change>), responses(Versioned<Change>, ReadProblems))]
async fn get_change(State(st): State<AppState>, Caller(s): Caller, IdPath(id): IdPath<Change>) -> ApiResult<Response> {
    record::read(&st, &s, id).await
}

/// Change a draft: fields left out keep their value, null clears
#[utoipa::path(patch, path = "/api/v1/changes/{id}", tag = "scoping",
    request_body = ChangePatch, params(Changing<Change>), responses(Versioned<Change>, ChangeProblems))]
async fn update_change(
    State(st): State<AppState>,
    c: Changing<Change>,
    body: Body<ChangePatch>,
) -> ApiResult<Response> {
    record::update(&st, c, body).await
}

/// Raise a change as a draft; the caller is who raised it. Each kind names what it
/// needs (422): a change order its project and what it changes, a description of work
/// its text and no change of terms, work at risk its opportunity and start, a work
/// exception its cause and the hours or money it adds
#[utoipa::path(post, path = "/api/v1/changes", tag = "scoping",
    request_body = ChangeFields, params(CreateHeaders), responses(NewRecord<Change>, CreateProblems))]
async fn create_change(State(st): State<AppState>, w: Writer, body: Body<ChangeFields>) -> ApiResult<Response> {
    let new = NewChange {
        raised_by: Some(w.subject.user_id),
        fields: body.value.clone(),
    };
    let grant = allow(&st, &w.subject, Action::Create, &new).await?;
    let ctx = w.for_create(&body, grant);
    respond::created("/api/v1/changes", st.store.create(&ctx, new).await?)
}

/// Archive one change: kept for history
#[utoipa::path(post, path = "/api/v1/changes/{id}/archive", tag = "scoping",
    params(Changing<Change>), responses(Versioned<Change>, ChangeProblems))]
async fn archive_change(State(st): State<AppState>, c: Changing<Change>) -> ApiResult<Response> {
    record::archive(&st, c, true).await
}

/// Unarchive one change
#[utoipa::path(post, path = "/api/v1/changes/{id}/unarchive", tag = "scoping",
    params(Changing<Change>), responses(Versioned<Change>, ChangeProblems))]
async fn unarchive_change(State(st): State<AppState>, c: Changing<Change>) -> ApiResult<Response> {
    record::archive(&st, c, false).await
}

/// Submit a draft for PS leadership's decision
#[utoipa::path(post, path = "/api/v1/changes/{id}/submit", tag = "scoping",
    params(Changing<Change>), responses(Versioned<Change>, ChangeProblems))]
async fn submit_change(State(st): State<AppState>, c: Changing<Change>) -> ApiResult<Response> {
    let current = RecordStore::<Change>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    respond::record(&st.store.submit_change(&c.ctx(grant), c.id, c.if_version).await?)
}

/// Decide a submitted change (PS leadership; never whoever raised it). Approving applies
/// it: dates, billing, budget and milestones amended, or the opportunity or project it
/// calls for made; what it did is kept in `applied`
#[utoipa::path(post, path = "/api/v1/changes/{id}/decide", tag = "scoping",
    request_body = StepDecision, params(Changing<Change>), responses(Versioned<Change>, ChangeProblems))]
async fn decide_change(
    State(st): State<AppState>,
    c: Changing<Change>,
    body: Body<StepDecision>,
) -> ApiResult<Response> {
    let current = RecordStore::<Change>::get(&*st.store, c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &current).await?;
    let b = body.value;
    respond::record(
        &st.store
            .decide_change(&c.ctx(grant), c.id, c.if_version, b.decision, b.reason)
            .await?,
    )
}

/// Filters of the changes.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ChangesQuery {
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    #[param(value_type = Option<i64>)]
    opportunity_id: Option<String>,
    #[param(value_type = Option<ChangeKind>)]
    kind: Option<String>,
    #[param(value_type = Option<ChangeStatus>)]
    status: Option<String>,
    /// `true` for archived changes only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

fn oversight() -> Fixed {
    let any = Resource::Change {
        project: None,
        engagement_manager: None,
        raised_by: None,
    };
    Fixed(any, psops_core::error::Thing::Entity(Entity::Change))
}

/// List changes: every one for those who oversee scoping; a project's manager lists
/// their project's by `project_id`
#[utoipa::path(get, path = "/api/v1/changes", tag = "scoping",
    params(ChangesQuery, PageParams),
    responses((status = 200, body = Page<Change>, description = "A page of changes"), ListProblems))]
async fn list_changes(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<ChangesQuery>,
) -> ApiResult<Json<Page<Change>>> {
    let (q, mut p, page) = query.split();
    let filter = ChangeFilter {
        project_id: p.id("project_id", q.project_id),
        opportunity_id: p.id("opportunity_id", q.opportunity_id),
        kind: p.code("kind", q.kind),
        status: p.code("status", q.status),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    match filter.project_id {
        // Whoever reads the project's changes reads this list.
        Some(project) if !s.reads_all_opportunities() => {
            let facts = crate::authorize::project(&st, &s, project).await?;
            let r = Resource::Change {
                project: facts,
                engagement_manager: None,
                raised_by: None,
            };
            super::readable(&st, &s, r, Entity::Change).await?;
        }
        _ => {
            allow(&st, &s, Action::Read, &oversight()).await?;
        }
    }
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Approved work exceptions by cause (product, PS, scoping, time): how many, the hours and
/// the money they added
#[utoipa::path(get, path = "/api/v1/changes/exceptions", tag = "scoping",
    responses((status = 200, body = Vec<ExceptionTotal>, description = "Totals by cause"), ListProblems))]
async fn exceptions(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<Json<Vec<ExceptionTotal>>> {
    allow(&st, &s, Action::Read, &oversight()).await?;
    Ok(Json(st.store.exception_totals().await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_changes, create_change))
        .routes(routes!(exceptions))
        .routes(routes!(get_change, update_change))
        .routes(routes!(archive_change))
        .routes(routes!(unarchive_change))
        .routes(routes!(submit_change))
        .routes(routes!(decide_change))
}
