//! `/api/v1/reminders`: the outbox of timesheet reminders. Whoever reads compliance
//! (admin, ops, finance; a project manager for themselves and their reports) reminds the
//! people missing a week; everyone reads the reminders of the people whose figures they
//! may read, their own included. Each reminder is mailed through the notification outbox;
//! `mailed` turns true once it is sent.

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use psops_core::error::Thing;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Resource, list_scope};
use psops_core::reporting::Reminder;
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Id};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Json, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, CreateProblems, ListProblems};

/// Filters of the outbox.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ReminderQuery {
    /// One person's reminders.
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    /// How many, newest first: 1 to 500, 50 when absent.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// The newest reminders, of the people whose figures you may read.
#[utoipa::path(get, path = "/api/v1/reminders", tag = "reports",
    params(ReminderQuery),
    responses((status = 200, body = Vec<Reminder>, description = "Reminders, newest first"), ListProblems))]
async fn list_reminders(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ReminderQuery>,
) -> ApiResult<JsonOut<Vec<Reminder>>> {
    let mut p = Params::new();
    let person: Option<PersonId> = p.id("person_id", q.person_id);
    let limit = p.page(None, q.limit).limit;
    p.finish()?;
    let scope = list_scope(&s, ListKind::Figures);
    Ok(JsonOut(st.store.reminders(person, &scope, limit).await?))
}

/// Whom to remind about a week.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RemindRequest {
    week: IsoWeek,
    /// These people, of those missing the week; everyone missing it you may read when
    /// absent.
    #[serde(default)]
    person_ids: Option<Vec<i64>>,
}

/// Remind the people missing a week's timesheet (nothing submitted, or sent back and not
/// submitted again): one reminder each, all of them or none.
#[utoipa::path(post, path = "/api/v1/reminders", tag = "reports",
    request_body = RemindRequest,
    responses((status = 201, body = Vec<Reminder>, description = "The reminders put in the outbox"), CreateProblems))]
async fn remind(State(st): State<AppState>, writer: Writer, body: Json<RemindRequest>) -> ApiResult<Response> {
    let s = &writer.subject;
    let grant = allow(
        &st,
        s,
        Action::Read,
        &Fixed(Resource::Compliance, Thing::ComplianceReport),
    )
    .await?;
    if s.read_only {
        return Err(Error::Forbidden("a read-only token cannot send reminders".into()).into());
    }
    let week = body.value.week;
    let today = OffsetDateTime::now_utc().date();
    let report = st
        .store
        .compliance(week, today)
        .await?
        .within(&list_scope(s, ListKind::Figures));
    let only: Option<Vec<PersonId>> = body.value.person_ids.map(|ids| ids.into_iter().map(Id::new).collect());
    let chosen = report.to_remind(only.as_deref());
    if chosen.is_empty() {
        return Err(Error::invalid(
            "person_ids",
            Rule::Empty,
            format!("nobody chosen is missing a timesheet for {week}; reminders go to people with nothing submitted"),
        )
        .into());
    }
    let message = Reminder::message_for(week, report.due);
    let sent = st.store.remind(&writer.ctx(grant), &chosen, week, &message).await?;
    Ok((StatusCode::CREATED, JsonOut(sent)).into_response())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_reminders, remind))
}
