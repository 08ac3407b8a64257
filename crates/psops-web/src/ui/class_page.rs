//! `/classes/{id}`: one class — its facts, its workflow steps with their due days and
//! overdue flags, and its roster as an attendance grid (a checkbox per learner and class
//! day) — with the trainer's and operations' actions: mark a step done, save the
//! attendance, submit the roster at close.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::education::class_surveys::ClassFeedback;
use psops_core::education::classes::{ClassStatus, TrainingClass};
use psops_core::education::courses::Course;
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, EnrolmentId, EnrolmentStatus, RosterSubmission, StepDone,
};
use psops_core::education::workflow::ClassStep;
use psops_core::people::Person;
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::store::RecordStore;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, label, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::authorize::education::RosterOf;
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Step {
    code: &'static str,
    label: String,
    due: String,
    done: String,
    done_on: Option<Date>,
    overdue: bool,
    lab: Option<String>,
}

#[derive(Serialize)]
struct DayHead {
    label: String,
}

#[derive(Serialize)]
struct DayCell {
    day: String,
    label: String,
    present: bool,
}

#[derive(Serialize)]
struct Line {
    enrolment: i64,
    name: String,
    email: String,
    organisation: String,
    status: String,
    registered: bool,
    cells: Vec<DayCell>,
}

#[derive(Serialize)]
struct ClassPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    course: String,
    dates: String,
    time_zone: String,
    trainer: String,
    delivery: String,
    location: Option<String>,
    audience: String,
    project: Option<String>,
    project_id: Option<i64>,
    fee: Option<String>,
    seat_price: Option<String>,
    seats: i32,
    addon: i32,
    taken: usize,
    status: &'static str,
    status_label: String,
    roster_on: Option<String>,
    open: bool,
    keep: bool,
    roster: bool,
    steps: Vec<Step>,
    days: Vec<DayHead>,
    lines: Vec<Line>,
    today: String,
    /// The training survey's answers, once the roster sent it.
    feedback: Option<Feedback>,
    errors: Vec<FieldError>,
    done: Option<String>,
}

#[derive(Serialize)]
struct Feedback {
    sent: i64,
    answered: i64,
    csat: String,
    answers: Vec<Answer>,
}

#[derive(Serialize)]
struct Answer {
    learner: String,
    on: String,
    score: i64,
    comment: String,
}

fn feedback(f: ClassFeedback) -> Option<Feedback> {
    (f.sent > 0).then(|| Feedback {
        sent: f.sent,
        answered: f.answered,
        csat: match f.csat_percent {
            Some(p) => format!("{p} % ({} of {} scored 4 or 5)", f.satisfied, f.answered),
            None => "no answer yet".into(),
        },
        answers: f
            .surveys
            .into_iter()
            .filter_map(|s| {
                Some(Answer {
                    learner: s.to_name,
                    on: day(s.answered_at.map(time::OffsetDateTime::date)),
                    score: s.score?,
                    comment: s.comment.unwrap_or_default(),
                })
            })
            .collect(),
    })
}

fn may(s: &Subject, action: Action, r: Option<Resource>) -> bool {
    r.is_some_and(|r| decide(s, action, &r) == Decision::Allow)
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<TrainingClass, UiError> {
    let id: Id<TrainingClass> = Id::new(path_id(id)?);
    let c: TrainingClass = RecordStore::<TrainingClass>::get(&*st.store, id).await?;
    allow(st, s, Action::Read, &c).await?;
    Ok(c)
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    c: &TrainingClass,
    errors: Vec<FieldError>,
    done: Option<String>,
) -> Result<Response, UiError> {
    use crate::authorize::Guarded;
    let course: Course = RecordStore::<Course>::get(&*st.store, c.fields.course_id).await?;
    let trainer: Person = RecordStore::<Person>::get(&*st.store, c.fields.trainer_id).await?;
    let project = match c.fields.project_id {
        Some(p) => RecordStore::<Project>::get(&*st.store, p).await.ok(),
        None => None,
    };
    let today = OffsetDateTime::now_utc().date();
    let steps = st.store.class_workflow(c.id, today).await?;
    let roster = st.store.roster(c.id).await?;
    let keep = may(s, Action::Update, c.resource(st, s).await?);
    let roster_keeper = may(s, Action::Update, RosterOf(c).resource(st, s).await?);
    let days = c.fields.days();
    // The policy's decisions, not a role list here: the fee and the seat price are the
    // company's prices, shown to those who read its bill rates; the project links only
    // for those who may read it.
    let prices = s.sees_bill_rates();
    let project_link = match &project {
        Some(p) => allow(st, s, Action::Read, p).await.is_ok(),
        None => false,
    };
    let status = super::admin::status_of(&errors, false);
    let view = ClassPage {
        frame: frame(me, s),
        id: c.id.get(),
        course: course.fields.name.clone(),
        dates: format!("{} – {}", day(Some(c.fields.start_date)), day(Some(c.fields.end_date))),
        time_zone: c.fields.time_zone.clone(),
        trainer: trainer.fields.name.clone(),
        delivery: label(c.fields.delivery.code()),
        location: c.fields.location.clone(),
        audience: label(c.fields.audience.code()),
        project: project.as_ref().map(|p| p.fields.name.clone()),
        project_id: project.as_ref().filter(|_| project_link).map(|p| p.id.get()),
        fee: c.fields.fee.filter(|_| prices).map(|m| m.written()),
        seat_price: c.fields.seat_price.filter(|_| prices).map(|m| m.written()),
        seats: c.fields.seats(),
        addon: c.fields.addon_seats,
        taken: roster
            .iter()
            .filter(|l| l.status == EnrolmentStatus::Registered)
            .count(),
        status: c.status.code(),
        status_label: label(c.status.code()),
        roster_on: c.roster_submitted_on.map(|d| day(Some(d))),
        open: c.status == ClassStatus::Scheduled && !c.meta.is_archived(),
        keep,
        roster: roster_keeper,
        steps: steps
            .iter()
            .map(|w| Step {
                code: w.step.code(),
                label: label(w.step.code()),
                due: day(Some(w.due_on)),
                done: day(w.done_on),
                done_on: w.done_on,
                overdue: w.overdue,
                lab: w.lab_access_until.map(|d| day(Some(d))),
            })
            .collect(),
        days: days.iter().map(|d| DayHead { label: day(Some(*d)) }).collect(),
        lines: roster
            .iter()
            .map(|l| Line {
                enrolment: l.enrolment_id.get(),
                name: l.name.clone(),
                email: l.email.clone().unwrap_or_default(),
                organisation: label(l.organisation.code()),
                status: label(l.status.code()),
                registered: l.status == EnrolmentStatus::Registered,
                cells: days
                    .iter()
                    .map(|d| DayCell {
                        day: d.to_string(),
                        label: day(Some(*d)),
                        present: l.attended.contains(d),
                    })
                    .collect(),
            })
            .collect(),
        today: today.to_string(),
        feedback: feedback(ClassFeedback::of(st.store.class_surveys(c.id).await?)),
        errors,
        done,
    };
    Ok((status, render("class.html", view)?).into_response())
}

/// `GET /classes/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let c = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "attendance" => "Attendance saved.".to_string(),
        "roster" => "Roster submitted: the class is complete.".to_string(),
        _ => "Step marked done.".to_string(),
    });
    page(&st, &me, &s, &c, Vec::new(), done).await
}

fn bad(field: &str, message: impl Into<String>) -> Error {
    Error::invalid(field, Rule::InvalidValue, message)
}

/// `POST /classes/{id}/{action}`: `steps` (`step`, `done_on`), `attendance` (`attended`
/// = `enrolment:day`, one per ticked box) or `roster` (`submitted_on`).
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    headers: axum::http::HeaderMap,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let c = readable(&st, &s, &id).await?;
    let grant = allow(&st, &s, Action::Update, &RosterOf(&c)).await?;
    let ctx = write_ctx(&me, &request, grant);
    let date = |field: &str| -> Result<Date, Error> {
        p.get(field)
            .and_then(|t| Date::parse(t, &time::format_description::well_known::Iso8601::DATE).ok())
            .ok_or_else(|| Error::invalid(field, Rule::Date, format!("{field} must be a date like 2026-03-05")))
    };
    let outcome: Result<(), Error> = match action.as_str() {
        "steps" => match p.get("step").map(ClassStep::from_code) {
            Some(Ok(step)) => match date("done_on") {
                Ok(on) => st
                    .store
                    .mark_step(
                        &ctx,
                        c.id,
                        StepDone {
                            step,
                            done_on: Some(on),
                        },
                    )
                    .await
                    .map(drop),
                Err(e) => Err(e),
            },
            _ => Err(bad("step", "choose a step of the workflow")),
        },
        "attendance" => {
            let mut rows: Vec<AttendanceRow> = st
                .store
                .roster(c.id)
                .await?
                .iter()
                .filter(|l| l.status == EnrolmentStatus::Registered)
                .map(|l| AttendanceRow {
                    enrolment_id: l.enrolment_id,
                    days: Vec::new(),
                })
                .collect();
            let mut broken = None;
            for (k, v) in &p.0 {
                if k != "attended" {
                    continue;
                }
                let parsed = v.split_once(':').and_then(|(e, d)| {
                    let e: i64 = e.parse().ok()?;
                    let d = Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok()?;
                    Some((EnrolmentId::new(e), d))
                });
                match parsed.and_then(|(e, d)| rows.iter_mut().find(|r| r.enrolment_id == e).map(|r| (r, d))) {
                    Some((row, d)) => row.days.push(d),
                    None => broken = Some(bad("attended", format!("'{v}' is not a learner's day of this class"))),
                }
            }
            match broken {
                Some(e) => Err(e),
                None => st
                    .store
                    .mark_attendance(&ctx, c.id, Attendance { rows })
                    .await
                    .map(drop),
            }
        }
        "roster" => match date("submitted_on") {
            Ok(on) => {
                // The survey links lead back to this server as the trainer reached it
                // (or to its public URL), not to a host guessed without the request.
                let base = st.base_url(&headers);
                st.store
                    .submit_roster(
                        &ctx,
                        c.id,
                        RosterSubmission { submitted_on: on },
                        &base,
                        OffsetDateTime::now_utc(),
                    )
                    .await
                    .map(drop)
            }
            Err(e) => Err(e),
        },
        _ => return Err(super::not_found()),
    };
    match outcome {
        Ok(()) => {
            st.changed(psops_core::record::Entity::TrainingClass);
            Ok(Redirect::to(&format!("/classes/{}?done={action}", c.id)).into_response())
        }
        Err(e) => {
            let (errors, _) = super::admin::refused(e)?;
            let c: TrainingClass = RecordStore::<TrainingClass>::get(&*st.store, c.id).await?;
            page(&st, &me, &s, &c, errors, None).await
        }
    }
}
