//! `/api/v1/timesheets/{person_id}/{week}`: a person's ISO week (`2026-W48`) of time —
//! read it, submit or withdraw it (its owner), approve or reject one project's entries
//! (that project's PM; internal time: the person's manager; ops and admin any), reopen
//! approved entries (their approver), and `/api/v1/locked-periods`, which finance closes.
//! The state machine and the locks are the store's; here the caller is authorized and
//! described to it.

use axum::Json as JsonOut;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use psops_core::dates::DateRange;
use psops_core::error::Thing;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Grant, Resource, Subject, list_scope};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::reporting::{LockRecord, Rejection, TimesheetActor};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::time_entries::{EntryStatus, TimeEntry, TimeEntryFilter, TimeEntryId};
use psops_core::timesheet::{IsoWeek, due_date_for};
use psops_core::{Error, Id, Minutes, Result};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Json, Writer};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};

const LOCKS: Fixed = Fixed(Resource::LockedPeriods, Thing::Entity(Entity::LockedPeriod));

/// The person and week of a timesheet path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct WeekPath {
    #[param(value_type = i64)]
    person_id: String,
    /// An ISO week such as `2026-W48`.
    #[param(value_type = String)]
    week: String,
}

impl WeekPath {
    fn parse(self) -> Result<(PersonId, IsoWeek)> {
        let person = self
            .person_id
            .parse::<i64>()
            .map_err(|_| Error::not_found(Entity::Person, &self.person_id))?;
        Ok((Id::new(person), self.week.parse()?))
    }
}

fn week_resource(p: &Person) -> Resource {
    Resource::Timesheet {
        person_id: p.id,
        person_partner_id: p.fields.partner_id,
        manager_id: p.fields.manager_id,
    }
}

/// The person, once the subject may see their timesheet and do `action` to it.
async fn guarded(st: &AppState, s: &Subject, person: PersonId, action: Action) -> Result<(Person, Grant)> {
    let p = st.store.get(person).await?;
    let grant = allow(st, s, action, &Fixed(week_resource(&p), Thing::Timesheet)).await?;
    Ok((p, grant))
}

fn actor(s: &Subject) -> TimesheetActor {
    psops_core::policy::timesheet_actor(s)
}

/// One day of a week.
#[derive(Debug, Serialize, ToSchema)]
struct Day {
    #[schema(value_type = String, format = Date)]
    date: Date,
    minutes: Minutes,
    entries: Vec<TimeEntry>,
}

/// A person's week as the caller may see it: entries by day, totals, and its history.
#[derive(Debug, Serialize, ToSchema)]
struct TimesheetWeek {
    #[schema(value_type = i64)]
    person_id: PersonId,
    week: IsoWeek,
    range: DateRange,
    /// When it is due, by the `timesheet_due_weekday` setting.
    #[schema(value_type = String, format = Date)]
    due: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    submitted_at: Option<OffsetDateTime>,
    /// Monday to Sunday.
    days: Vec<Day>,
    total_minutes: Minutes,
    billable_minutes: Minutes,
    draft_minutes: Minutes,
    submitted_minutes: Minutes,
    approved_minutes: Minutes,
    rejections: Vec<Rejection>,
}

async fn week_view(st: &AppState, s: &Subject, person: PersonId, week: IsoWeek) -> Result<TimesheetWeek> {
    let range = week.range();
    let filter = TimeEntryFilter {
        person_id: Some(person),
        from: Some(range.start),
        to: Some(range.end),
        scope: list_scope(s, ListKind::TimeEntries),
        ..Default::default()
    };
    let entries = psops_core::page::every(|page| st.store.list_time_entries(&filter, page)).await?;
    let sum =
        |keep: &dyn Fn(&TimeEntry) -> bool| Minutes(entries.iter().filter(|e| keep(e)).map(|e| e.minutes.get()).sum());
    let by_status = |s: EntryStatus| sum(&|e: &TimeEntry| e.status == s);
    let mut view = TimesheetWeek {
        person_id: person,
        week,
        range,
        due: due_date_for(week, &st.store.settings().await?)?,
        submitted_at: st.store.week_submitted_at(person, week).await?,
        days: Vec::new(),
        total_minutes: sum(&|_| true),
        billable_minutes: sum(&|e| e.billable),
        draft_minutes: by_status(EntryStatus::Draft),
        submitted_minutes: by_status(EntryStatus::Submitted),
        approved_minutes: by_status(EntryStatus::Approved),
        rejections: st.store.list_rejections(person, week).await?,
    };
    for date in range.iter() {
        let of_day: Vec<TimeEntry> = entries.iter().filter(|e| e.date == date).cloned().collect();
        let minutes = Minutes(of_day.iter().map(|e| e.minutes.get()).sum());
        view.days.push(Day {
            date,
            minutes,
            entries: of_day,
        });
    }
    Ok(view)
}

/// Read a week: entries by day, totals by status, when it was submitted, rejections.
#[utoipa::path(get, path = "/api/v1/timesheets/{person_id}/{week}", tag = "timesheets",
    params(WeekPath),
    responses((status = 200, body = TimesheetWeek, description = "The week"), ReadProblems))]
async fn get_week(
    State(st): State<AppState>,
    Caller(s): Caller,
    Path(path): Path<WeekPath>,
) -> ApiResult<JsonOut<TimesheetWeek>> {
    let (person, week) = path.parse()?;
    guarded(&st, &s, person, Action::Read).await?;
    Ok(JsonOut(week_view(&st, &s, person, week).await?))
}

/// Submit your week: its draft entries go to their approvers.
#[utoipa::path(post, path = "/api/v1/timesheets/{person_id}/{week}/submit", tag = "timesheets",
    params(WeekPath),
    responses((status = 200, body = TimesheetWeek, description = "The week after the step"), ChangeProblems))]
async fn submit_week(
    State(st): State<AppState>,
    writer: Writer,
    Path(path): Path<WeekPath>,
) -> ApiResult<JsonOut<TimesheetWeek>> {
    let (person, week) = path.parse()?;
    let s = &writer.subject;
    let (_, grant) = guarded(&st, s, person, Action::Update).await?;
    st.store.submit_week(&writer.ctx(grant), actor(s), person, week).await?;
    Ok(JsonOut(week_view(&st, s, person, week).await?))
}

/// Withdraw your submitted week back to draft, while nobody has decided on it.
#[utoipa::path(post, path = "/api/v1/timesheets/{person_id}/{week}/withdraw", tag = "timesheets",
    params(WeekPath),
    responses((status = 200, body = TimesheetWeek, description = "The week after the step"), ChangeProblems))]
async fn withdraw_week(
    State(st): State<AppState>,
    writer: Writer,
    Path(path): Path<WeekPath>,
) -> ApiResult<JsonOut<TimesheetWeek>> {
    let (person, week) = path.parse()?;
    let s = &writer.subject;
    let (_, grant) = guarded(&st, s, person, Action::Update).await?;
    st.store
        .withdraw_week(&writer.ctx(grant), actor(s), person, week)
        .await?;
    Ok(JsonOut(week_view(&st, s, person, week).await?))
}

/// Which entries of the week a decision is about.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    /// The project whose entries are decided; `null` or absent for internal time.
    #[schema(value_type = Option<i64>)]
    project_id: Option<ProjectId>,
    /// Why the entries go back to draft; required to reject.
    #[serde(default)]
    reason: Option<String>,
}

/// Authorizes a decision on one project's (or the internal) entries of a person's week.
async fn may_decide(st: &AppState, s: &Subject, person: PersonId, project: Option<ProjectId>) -> Result<Grant> {
    let (p, grant) = guarded(st, s, person, Action::Approve).await?;
    let Some(project) = project else {
        return Ok(grant);
    };
    let facts = match st.store.project_facts(project, s.person_id).await {
        Ok(f) => f,
        Err(Error::NotFound { .. }) => return Err(Error::invalid("project_id", Rule::Exists, "no such project")),
        Err(e) => return Err(e),
    };
    let entry = Resource::TimeEntry {
        person_id: p.id,
        person_partner_id: p.fields.partner_id,
        project: Some(facts),
    };
    allow(st, s, Action::Approve, &Fixed(entry, Thing::Entity(Entity::Project))).await
}

/// Approve one project's submitted entries in the week (`project_id` null: internal time).
#[utoipa::path(post, path = "/api/v1/timesheets/{person_id}/{week}/approve", tag = "timesheets",
    params(WeekPath),
    request_body = DecisionBody,
    responses((status = 200, body = TimesheetWeek, description = "The week after the step"), ChangeProblems))]
async fn approve_week(
    State(st): State<AppState>,
    writer: Writer,
    Path(path): Path<WeekPath>,
    body: Json<DecisionBody>,
) -> ApiResult<JsonOut<TimesheetWeek>> {
    let (person, week) = path.parse()?;
    let s = &writer.subject;
    let grant = may_decide(&st, s, person, body.value.project_id).await?;
    st.store
        .approve_week(&writer.ctx(grant), actor(s), person, week, body.value.project_id)
        .await?;
    Ok(JsonOut(week_view(&st, s, person, week).await?))
}

/// Reject one project's submitted entries back to draft; a reason is required.
#[utoipa::path(post, path = "/api/v1/timesheets/{person_id}/{week}/reject", tag = "timesheets",
    params(WeekPath),
    request_body = DecisionBody,
    responses((status = 200, body = TimesheetWeek, description = "The week after the step"), ChangeProblems))]
async fn reject_week(
    State(st): State<AppState>,
    writer: Writer,
    Path(path): Path<WeekPath>,
    body: Json<DecisionBody>,
) -> ApiResult<JsonOut<TimesheetWeek>> {
    let (person, week) = path.parse()?;
    let s = &writer.subject;
    let grant = may_decide(&st, s, person, body.value.project_id).await?;
    let reason = body.value.reason.unwrap_or_default();
    st.store
        .reject_week(
            &writer.ctx(grant),
            actor(s),
            person,
            week,
            body.value.project_id,
            &reason,
        )
        .await?;
    Ok(JsonOut(week_view(&st, s, person, week).await?))
}

/// Approved entries to reopen.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReopenBody {
    #[schema(value_type = Vec<i64>, min_items = 1, max_items = 1000)]
    entry_ids: Vec<TimeEntryId>,
}

/// Reopen approved entries to draft so their owner can correct them (their approver).
#[utoipa::path(post, path = "/api/v1/time-entries/reopen", tag = "timesheets",
    request_body = ReopenBody,
    responses((status = 200, body = Vec<TimeEntry>, description = "The entries, now drafts"), ChangeProblems))]
async fn reopen(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<ReopenBody>,
) -> ApiResult<JsonOut<Vec<TimeEntry>>> {
    let ids = body.value.entry_ids;
    if ids.is_empty() || ids.len() > 1000 {
        return Err(Error::invalid("entry_ids", Rule::Range, "give 1 to 1000 entry ids").into());
    }
    let s = &writer.subject;
    let mut grant = None;
    for id in &ids {
        let e = st.store.time_entry(*id).await?;
        allow(&st, s, Action::Read, &e).await?;
        grant = Some(match e.project_id {
            Some(_) => allow(&st, s, Action::Approve, &e).await?,
            None => guarded(&st, s, e.person_id, Action::Approve).await?.1,
        });
    }
    let Some(grant) = grant else {
        return Err(Error::internal("reopen checked no entry").into());
    };
    Ok(JsonOut(
        st.store.reopen_entries(&writer.ctx(grant), actor(s), &ids).await?,
    ))
}

/// Locked periods, oldest first.
#[utoipa::path(get, path = "/api/v1/locked-periods", tag = "timesheets",
    responses((status = 200, body = Vec<LockRecord>, description = "The locked periods"), ListProblems, ReadProblems))]
async fn list_locks(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<LockRecord>>> {
    allow(&st, &s, Action::Read, &LOCKS).await?;
    Ok(JsonOut(st.store.list_locked_periods().await?))
}

/// Lock a period (finance, admin): from now on no entry dated in it changes for anyone.
#[utoipa::path(post, path = "/api/v1/locked-periods", tag = "timesheets",
    request_body = DateRange,
    responses((status = 201, body = LockRecord, description = "The lock"), CreateProblems))]
async fn lock_period(State(st): State<AppState>, writer: Writer, body: Json<DateRange>) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Create, &LOCKS).await?;
    let range = DateRange::new(body.value.start, body.value.end)?;
    let lock = st.store.lock_period(&writer.ctx(grant), range).await?;
    Ok((StatusCode::CREATED, JsonOut(lock)).into_response())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_week))
        .routes(routes!(submit_week))
        .routes(routes!(withdraw_week))
        .routes(routes!(approve_week))
        .routes(routes!(reject_week))
        .routes(routes!(reopen))
        .routes(routes!(list_locks, lock_period))
}
