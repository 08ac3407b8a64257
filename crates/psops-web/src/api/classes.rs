//! Classes (`/api/v1/classes`): a production course on dates with a certified trainer,
//! seats (12 plus add-on seats) and its workflow steps; registrations
//! (`/api/v1/enrolments`); the roster with attendance per class day; and the roster
//! submitted at close, which completes the class, writes a private class's training
//! record so its fee is recognised, and sends each attending learner the training survey.
//! Ops and administrators keep classes and registrations; a class's trainer sees their
//! classes, marks attendance and workflow steps and submits the roster; a partner's
//! people see their organisation's trainers' classes, nobody at a partner another's.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::education::class_surveys::ClassFeedback;
use psops_core::education::classes::{
    ClassAudience, ClassStatus, TrainingClass, TrainingClassFields, TrainingClassFilter, TrainingClassPatch,
};
use psops_core::education::enrolments::{Attendance, RosterLine, RosterOutcome, RosterSubmission, StepDone};
use psops_core::education::workflow::StepView;
use psops_core::page::Page;
use psops_core::policy::{Action, class_scope};
use psops_core::record::Entity;
use psops_core::store::prelude::*;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::authorize::education::RosterOf;
use crate::extract::{Caller, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ChangeProblems, ListProblems, ReadProblems};
use crate::respond;

record_routes! {
    record: TrainingClass, fields: TrainingClassFields, patch: TrainingClassPatch, tag: "education",
    noun: "class", collection: "/api/v1/classes", item: "/api/v1/classes/{id}",
    archive: "/api/v1/classes/{id}/archive", unarchive: "/api/v1/classes/{id}/unarchive",
}

pub fn router() -> OpenApiRouter<AppState> {
    record_router()
        .routes(routes!(list_classes))
        .routes(routes!(class_workflow))
        .routes(routes!(mark_step))
        .routes(routes!(class_roster))
        .routes(routes!(class_surveys))
        .routes(routes!(mark_attendance))
        .routes(routes!(submit_roster))
        .merge(enrolments::router())
}

/// Filters of the classes.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ClassesQuery {
    #[param(value_type = Option<i64>)]
    course_id: Option<String>,
    #[param(value_type = Option<i64>)]
    trainer_id: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    #[param(value_type = Option<ClassStatus>)]
    status: Option<String>,
    #[param(value_type = Option<ClassAudience>)]
    audience: Option<String>,
    /// Classes running on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Classes running on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// `true` for archived classes only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List classes: all to those who oversee delivery, a trainer's own, a partner's trainers'
#[utoipa::path(get, path = "/api/v1/classes", tag = "education",
    params(ClassesQuery, PageParams),
    responses((status = 200, body = Page<TrainingClass>, description = "A page of classes"), ListProblems))]
async fn list_classes(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<ClassesQuery>,
) -> ApiResult<Json<Page<TrainingClass>>> {
    let (q, mut p, page) = query.split();
    let filter = TrainingClassFilter {
        course_id: p.id("course_id", q.course_id),
        trainer_id: p.id("trainer_id", q.trainer_id),
        project_id: p.id("project_id", q.project_id),
        status: p.code("status", q.status),
        audience: p.code("audience", q.audience),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        archived: p.flag("archived", q.archived),
        scope: class_scope(&s),
    };
    p.finish()?;
    Ok(Json(st.store.list(&filter, page).await?))
}

/// A class's workflow: each step with its due day (counted from the class's dates), the
/// day it was done and whether it is overdue
#[utoipa::path(get, path = "/api/v1/classes/{id}/workflow", tag = "education",
    params(IdPath<TrainingClass>),
    responses((status = 200, body = Vec<StepView>, description = "The class's workflow steps"), ReadProblems))]
async fn class_workflow(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TrainingClass>,
) -> ApiResult<Json<Vec<StepView>>> {
    let c: TrainingClass = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &c).await?;
    let today = OffsetDateTime::now_utc().date();
    Ok(Json(st.store.class_workflow(id, today).await?))
}

/// Mark a workflow step of a scheduled class done on a day, or undone with no day (the
/// close-out is done by submitting the roster). Ops, administrators and its trainer
#[utoipa::path(post, path = "/api/v1/classes/{id}/steps", tag = "education",
    request_body = StepDone, params(IdPath<TrainingClass>),
    responses(crate::respond::Versioned<TrainingClass>, ChangeProblems))]
async fn mark_step(
    State(st): State<AppState>,
    w: Writer,
    IdPath(id): IdPath<TrainingClass>,
    body: Body<StepDone>,
) -> ApiResult<Response> {
    let c: TrainingClass = st.store.get(id).await?;
    let grant = allow(&st, &w.subject, Action::Update, &RosterOf(&c)).await?;
    let done = st.store.mark_step(&w.ctx(grant), id, body.value).await?;
    st.changed(Entity::TrainingClass);
    respond::record(&done)
}

/// A class's roster: every registration with its learner and the days attended
#[utoipa::path(get, path = "/api/v1/classes/{id}/roster", tag = "education",
    params(IdPath<TrainingClass>),
    responses((status = 200, body = Vec<RosterLine>, description = "The class's roster"), ReadProblems))]
async fn class_roster(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TrainingClass>,
) -> ApiResult<Json<Vec<RosterLine>>> {
    let c: TrainingClass = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &c).await?;
    Ok(Json(st.store.roster(id).await?))
}

/// A class's training surveys — one per learner who attended with an e-mail, sent when
/// its roster was submitted — with their scores and comments, and the class's CSAT (the
/// share of answers scoring 4 or 5). Read with the class
#[utoipa::path(get, path = "/api/v1/classes/{id}/surveys", tag = "education",
    params(IdPath<TrainingClass>),
    responses((status = 200, body = ClassFeedback, description = "The class's training surveys"), ReadProblems))]
async fn class_surveys(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<TrainingClass>,
) -> ApiResult<Json<ClassFeedback>> {
    let c: TrainingClass = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &c).await?;
    Ok(Json(ClassFeedback::of(st.store.class_surveys(id).await?)))
}

/// Mark attendance per class day: each row sets one registration's attended days (days
/// of the class only). Ops, administrators and its trainer
#[utoipa::path(put, path = "/api/v1/classes/{id}/attendance", tag = "education",
    request_body = Attendance, params(IdPath<TrainingClass>),
    responses((status = 200, body = Vec<RosterLine>, description = "The roster as marked"), ChangeProblems))]
async fn mark_attendance(
    State(st): State<AppState>,
    w: Writer,
    IdPath(id): IdPath<TrainingClass>,
    body: Body<Attendance>,
) -> ApiResult<Json<Vec<RosterLine>>> {
    let c: TrainingClass = st.store.get(id).await?;
    let grant = allow(&st, &w.subject, Action::Update, &RosterOf(&c)).await?;
    let lines = st.store.mark_attendance(&w.ctx(grant), id, body.value).await?;
    st.changed(Entity::Enrolment);
    Ok(Json(lines))
}

/// Submit the roster at close (on or after the class's last day): completes the class,
/// writes a private class's training record so its fee is recognised, and sends each
/// attending learner with an e-mail the training survey. Ops, administrators and its
/// trainer
#[utoipa::path(post, path = "/api/v1/classes/{id}/roster", tag = "education",
    request_body = RosterSubmission, params(IdPath<TrainingClass>),
    responses((status = 200, body = RosterOutcome, description = "The completed class, its training record and the surveys sent"), ChangeProblems))]
async fn submit_roster(
    State(st): State<AppState>,
    headers: HeaderMap,
    w: Writer,
    IdPath(id): IdPath<TrainingClass>,
    body: Body<RosterSubmission>,
) -> ApiResult<Json<RosterOutcome>> {
    let c: TrainingClass = st.store.get(id).await?;
    let grant = allow(&st, &w.subject, Action::Update, &RosterOf(&c)).await?;
    let base = st.base_url(&headers);
    let done = st
        .store
        .submit_roster(&w.ctx(grant), id, body.value, &base, OffsetDateTime::now_utc())
        .await?;
    st.changed(Entity::TrainingClass);
    Ok(Json(done))
}

mod enrolments {
    use axum::Json;
    use axum::extract::State;
    use psops_core::education::classes::TrainingClass;
    use psops_core::education::enrolments::{
        Enrolment, EnrolmentFields, EnrolmentFilter, EnrolmentPatch, EnrolmentStatus,
    };
    use psops_core::page::Page;
    use psops_core::policy::Action;
    use psops_core::rule::Rule;
    use psops_core::store::Records as _;
    use serde::Deserialize;
    use utoipa::IntoParams;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::authorize::allow;
    use crate::extract::Caller;
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, ListProblems};

    record_routes! {
        record: Enrolment, fields: EnrolmentFields, patch: EnrolmentPatch, tag: "education",
        noun: "enrolment", collection: "/api/v1/enrolments", item: "/api/v1/enrolments/{id}",
        archive: "/api/v1/enrolments/{id}/archive", unarchive: "/api/v1/enrolments/{id}/unarchive",
    }

    /// Which class's registrations.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct EnrolmentsQuery {
        /// The class (required).
        #[param(value_type = i64, required = true)]
        class_id: Option<String>,
        #[param(value_type = Option<EnrolmentStatus>)]
        status: Option<String>,
        /// `true` for archived registrations only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List a class's registrations
    #[utoipa::path(get, path = "/api/v1/enrolments", tag = "education",
        params(EnrolmentsQuery, PageParams),
        responses((status = 200, body = Page<Enrolment>, description = "The class's registrations"), ListProblems))]
    async fn list_enrolments(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<EnrolmentsQuery>,
    ) -> ApiResult<Json<Page<Enrolment>>> {
        let (q, mut p, page) = query.split();
        let class = p.id::<TrainingClass>("class_id", q.class_id);
        let status = p.code("status", q.status);
        let archived = p.flag("archived", q.archived);
        p.finish()?;
        let Some(class) = class else {
            return Err(psops_core::Error::invalid("class_id", Rule::Required, "class_id is required").into());
        };
        let c: TrainingClass = st.store.get(class).await?;
        allow(&st, &s, Action::Read, &c).await?;
        let filter = EnrolmentFilter {
            class_id: Some(class),
            learner_id: None,
            status,
            archived,
        };
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_enrolments))
    }
}
