//! Escalations on the pages: `/escalations` lists those the reader may see (paged,
//! sortable, filtered by severity, status and overdue updates); `/escalations/{id}` shows
//! one with its timeline and, to who keeps it, the update form, the status moves, its
//! settings and the close form; `/projects/{id}/escalations` is a project's tab with its
//! escalations and a form to raise one. A refusal is told on the page and nothing is
//! written then.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::accounts::Account;
use psops_core::code::Code;
use psops_core::delivery::escalations::{
    Escalation, EscalationClose, EscalationFields, EscalationFilter, EscalationMove, EscalationNote, EscalationPatch,
    EscalationSort, EscalationStatus, NewEscalation, Sentiment, Severity,
};
use psops_core::people::Person;
use psops_core::policy::{Action, Subject, escalation_scope};
use psops_core::projects::Project;
use psops_core::store::{RecordStore, Records as _};
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, names_of, path_id, subject};
use super::layout::{Frame, frame};
use super::listing::{Cell, Filter, view};
use super::project_tabs::project_tabs;
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

/// A moment as the pages show it, in UTC to the minute.
fn when(t: OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", day(Some(t.date())), t.hour(), t.minute())
}

/// Whether the subject may see some escalation, for the nav's link and the list: the
/// company's staff read every account's escalations; a partner's people those of their
/// organisation's projects (and those they are DRI of).
pub fn sees_escalations(s: &Subject) -> bool {
    !s.is_partner() || s.partner_id.is_some()
}

fn options<T: Copy + Code>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (v.code().to_string(), name(*v).to_string()))
        .collect()
}

/// `GET /escalations`.
pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    if !sees_escalations(&s) {
        return Err(super::not_found());
    }
    let mut e = Params::new();
    let severity = e.code::<Severity>("severity", p.get("severity"));
    let status = e.code::<EscalationStatus>("status", p.get("status"));
    let overdue = p.get("overdue") == Some("yes");
    let now = OffsetDateTime::now_utc();
    let filter = EscalationFilter {
        severity,
        status,
        open_only: status.is_none() && p.get("closed") != Some("yes"),
        overdue_at: overdue.then_some(now),
        scope: escalation_scope(&s),
        archived: Some(false),
        ..Default::default()
    };
    let at = table::read::<EscalationSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let accounts = names_of::<Account>(&st, found.items.iter().filter_map(|x| x.fields.account_id)).await?;
    let projects = names_of::<Project>(&st, found.items.iter().filter_map(|x| x.fields.project_id)).await?;
    let people = names_of::<Person>(&st, found.items.iter().filter_map(|x| x.fields.dri_id)).await?;
    let path = "/escalations";
    let mut v = view(
        frame(&me, &s),
        "Escalations",
        path,
        table::pager(path, &p, &at, found.total),
    );
    v.table_id = "escalations-table";
    v.intro = Some(
        "Open escalations unless a status is chosen. Critical ones are updated daily, high several times a week, \
         medium weekly and low with standard communication."
            .into(),
    );
    v.filters = vec![
        Filter::select(
            "severity",
            "Severity",
            p.text("severity"),
            options(&Severity::ALL, Severity::label),
        ),
        Filter::select(
            "status",
            "Status",
            p.text("status"),
            options(&EscalationStatus::ALL, EscalationStatus::label),
        ),
        Filter::select(
            "overdue",
            "Update",
            p.text("overdue"),
            vec![("yes".into(), "Overdue".into())],
        ),
    ];
    v.columns = table::head(
        path,
        &p,
        &at,
        vec![
            col("Escalation", EscalationSort::Title),
            col("Severity", EscalationSort::Severity),
            col("Status", EscalationSort::Status),
            Col {
                label: "Account · project",
                key: None,
                num: false,
                extra: false,
            },
            Col {
                label: "DRI",
                key: None,
                num: false,
                extra: false,
            },
            col("Next update due", EscalationSort::Due),
            col("Opened", EscalationSort::Opened),
        ],
    );
    let name = |m: &std::collections::HashMap<i64, String>, id: Option<i64>| {
        id.and_then(|i| m.get(&i).cloned()).unwrap_or_else(|| "—".into())
    };
    v.rows = found
        .items
        .iter()
        .map(|x| {
            let f = &x.fields;
            let mut due = if x.status.is_open() {
                when(x.next_update_due)
            } else {
                "—".into()
            };
            if x.is_overdue(now) {
                due = format!("{due} · overdue");
            }
            let mut place = name(&accounts, f.account_id.map(|a| a.get()));
            if f.project_id.is_some() {
                place = format!("{place} · {}", name(&projects, f.project_id.map(|p| p.get())));
            }
            vec![
                Cell::link(f.title.clone(), format!("/escalations/{}", x.id)),
                Cell::pill(f.severity.label(), f.severity.code()),
                Cell::pill(x.status.label(), x.status.code()),
                Cell::text(place),
                Cell::text(name(&people, f.dri_id.map(|d| d.get()))),
                if x.is_overdue(now) {
                    Cell::pill(due, "overdue")
                } else {
                    Cell::text(due)
                },
                Cell::text(day(Some(x.opened_at.date()))),
            ]
        })
        .collect();
    v.errors = e.into_errors();
    v.empty = "No escalation matches.".into();
    v.respond(&headers)
}

#[derive(Serialize)]
struct Entry {
    at: String,
    by: String,
    text: String,
    change: Option<String>,
}

#[derive(Serialize)]
struct EscalationPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    title: String,
    severity: &'static str,
    status: &'static str,
    facts: Vec<(&'static str, String, Option<String>)>,
    closure: Vec<(&'static str, String)>,
    timeline: Vec<Entry>,
    overdue: bool,
    due: String,
    standup_late: bool,
    keep: bool,
    open: bool,
    moves: Vec<(&'static str, &'static str)>,
    closable: bool,
    product_at_fault: bool,
    standup: String,
    severities: Vec<(String, String)>,
    sentiments: Vec<(String, String)>,
    back: (String, String),
    errors: Vec<FieldError>,
    form: std::collections::HashMap<String, String>,
    done: Option<String>,
    conflict: bool,
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Escalation, UiError> {
    let x: Escalation = RecordStore::<Escalation>::get(&*st.store, Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &x).await?;
    Ok(x)
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    x: &Escalation,
    said: (Vec<FieldError>, Pairs, Option<String>, bool),
) -> Result<Response, UiError> {
    let (errors, form, done, conflict) = said;
    let f = &x.fields;
    let now = OffsetDateTime::now_utc();
    let keep = allow(st, s, Action::Update, x).await.is_ok();
    let account = names_of::<Account>(st, f.account_id).await?;
    let project = names_of::<Project>(st, f.project_id).await?;
    let dri = names_of::<Person>(st, f.dri_id).await?;
    let of = |m: &std::collections::HashMap<i64, String>, id: Option<i64>| {
        id.and_then(|i| m.get(&i).cloned()).unwrap_or_else(|| "—".into())
    };
    let mut facts = vec![(
        "Account",
        of(&account, f.account_id.map(|a| a.get())),
        f.account_id.map(|a| format!("/accounts/{a}")),
    )];
    if let Some(p) = f.project_id {
        facts.push((
            "Project",
            of(&project, Some(p.get())),
            Some(format!("/projects/{p}/escalations")),
        ));
    }
    facts.extend([
        ("DRI", of(&dri, f.dri_id.map(|d| d.get())), None),
        ("Description", f.description.clone().unwrap_or_else(|| "—".into()), None),
        ("Exit criteria", f.exit_criteria.clone(), None),
        (
            "Stand-up cadence",
            match (&f.standup_cadence, x.standup_set_at) {
                (Some(c), Some(at)) => format!("{c} (set {})", when(at)),
                (Some(c), None) => c.clone(),
                _ => "not set yet".into(),
            },
            None,
        ),
        (
            "Product at fault",
            if f.product_at_fault {
                "yes: closing needs an RCA"
            } else {
                "no"
            }
            .into(),
            None,
        ),
        ("Opened", when(x.opened_at), None),
        ("Last update", when(x.last_update_at), None),
    ]);
    if x.status.is_open() {
        facts.push(("Next update due", when(x.next_update_due), None));
    }
    for (what, at) in [
        ("Investigating since", x.dates.investigating_at),
        ("Mitigated", x.dates.mitigated_at),
        ("Resolved", x.dates.resolved_at),
        ("Closed", x.dates.closed_at),
    ] {
        if let Some(at) = at {
            facts.push((what, when(at), None));
        }
    }
    let closure = match &x.closure {
        None => Vec::new(),
        Some(c) => vec![
            ("Agreed by", c.agreed_by.clone()),
            ("Agreed on", day(Some(c.agreed_on))),
            ("How", c.agreement.clone()),
            ("Root-cause analysis", c.rca.clone().unwrap_or_else(|| "—".into())),
            ("Outcome", c.outcome.clone()),
            ("Sentiment", c.sentiment.label().into()),
        ],
    };
    let timeline = st
        .store
        .escalation_timeline(x.id)
        .await?
        .into_iter()
        .map(|u| Entry {
            at: when(u.at),
            by: u.by,
            text: u.text,
            change: u.to_status.map(|to| format!("→ {}", to.label())),
        })
        .collect();
    let back = match f.project_id {
        Some(p) => (
            format!("/projects/{p}/escalations"),
            "The project's escalations".to_string(),
        ),
        None => ("/escalations".into(), "Escalations".into()),
    };
    let ctx = EscalationPage {
        frame: frame(me, s),
        id: x.id.get(),
        version: x.meta.version,
        title: f.title.clone(),
        severity: f.severity.code(),
        status: x.status.code(),
        facts,
        closure,
        timeline,
        overdue: x.is_overdue(now),
        due: when(x.next_update_due),
        standup_late: x.standup_late(now),
        keep,
        open: x.status.is_open(),
        moves: x.status.moves().iter().map(|m| (m.code(), m.label())).collect(),
        closable: x.status == EscalationStatus::Resolved,
        product_at_fault: f.product_at_fault,
        standup: f.standup_cadence.clone().unwrap_or_default(),
        severities: options(&Severity::ALL, Severity::label),
        sentiments: options(&Sentiment::ALL, Sentiment::label),
        back,
        errors,
        form: form.0.into_iter().collect(),
        done,
        conflict,
    };
    let status = super::admin::status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("escalation.html", ctx)?).into_response())
}

/// `GET /escalations/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let x = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "raised" => "Raised. Set the internal stand-up cadence within 24 hours.".to_string(),
        "update" => "Update added.".to_string(),
        "move" => "Status moved.".to_string(),
        "closed" => "Closed with the customer's agreement.".to_string(),
        _ => "Saved.".to_string(),
    });
    page(&st, &me, &s, &x, (Vec::new(), Pairs(Vec::new()), done, false)).await
}

/// The parameters' errors as a refusal, if any.
fn checked(e: Params) -> Result<(), Error> {
    let errors = e.into_errors();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

fn blank(v: String) -> Option<String> {
    Some(v).filter(|t| !t.trim().is_empty())
}

/// `POST /escalations/{id}/{action}`: `update` (`text`), `move` (`to`, `text`), `change`
/// (`severity`, `standup_cadence`, `product_at_fault`) or `close` (the agreement).
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let x = readable(&st, &s, &id).await?;
    if !["update", "move", "change", "close"].contains(&action.as_str()) {
        return Err(super::not_found());
    }
    let grant = allow(&st, &s, Action::Update, &x).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let now = OffsetDateTime::now_utc();
    let mut e = Params::new();
    let outcome: Result<(), Error> = match action.as_str() {
        "update" => st
            .store
            .add_escalation_update(&ctx, x.id, v, EscalationNote { text: p.text("text") }, now)
            .await
            .map(drop),
        "move" => match e.code::<EscalationStatus>("to", p.get("to")) {
            Some(to) => st
                .store
                .move_escalation(
                    &ctx,
                    x.id,
                    v,
                    EscalationMove {
                        to,
                        text: p.text("text"),
                    },
                    now,
                )
                .await
                .map(drop),
            None => checked(e).and(Err(Error::invalid(
                "to",
                psops_core::rule::Rule::Required,
                "to is required: the status to move to",
            ))),
        },
        "change" => {
            let patch = EscalationPatch {
                severity: e.code::<Severity>("severity", p.get("severity")),
                standup_cadence: Some(blank(p.text("standup_cadence"))),
                product_at_fault: Some(p.get("product_at_fault") == Some("yes")),
                ..Default::default()
            };
            match checked(e) {
                Ok(()) => st.store.change_escalation(&ctx, x.id, v, patch, now).await.map(drop),
                Err(err) => Err(err),
            }
        }
        _ => {
            let close = EscalationClose {
                agreed_by: p.text("agreed_by"),
                agreed_on: e.date("agreed_on", p.get("agreed_on")),
                agreement: p.text("agreement"),
                rca: blank(p.text("rca")),
                outcome: p.text("outcome"),
                sentiment: e.code::<Sentiment>("sentiment", p.get("sentiment")),
            };
            match checked(e) {
                Ok(()) => st.store.close_escalation(&ctx, x.id, v, close, now).await.map(drop),
                Err(err) => Err(err),
            }
        }
    };
    let (errors, conflict) = match outcome {
        Ok(()) => {
            st.changed(psops_core::record::Entity::Escalation);
            let done = if action == "close" { "closed" } else { action.as_str() };
            return Ok(Redirect::to(&format!("/escalations/{}?done={done}", x.id)).into_response());
        }
        Err(err) => super::admin::refused(err)?,
    };
    let now = readable(&st, &s, &id).await?;
    page(&st, &me, &s, &now, (errors, p, None, conflict)).await
}

#[derive(Serialize)]
struct Row {
    id: i64,
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    status: &'static str,
    status_label: &'static str,
    dri: String,
    due: String,
    overdue: bool,
}

#[derive(Serialize)]
struct ProjectEscalations {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    project: String,
    tabs: Vec<super::listing::Tab>,
    rows: Vec<Row>,
    raise: bool,
    manager: Option<String>,
    team: Vec<(String, String)>,
    severities: Vec<(String, String)>,
    errors: Vec<FieldError>,
    form: std::collections::HashMap<String, String>,
}

async fn project_page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    project: &Project,
    said: (Vec<FieldError>, Pairs),
) -> Result<Response, UiError> {
    let (errors, form) = said;
    let now = OffsetDateTime::now_utc();
    let filter = EscalationFilter {
        project_id: Some(project.id),
        scope: escalation_scope(s),
        archived: Some(false),
        ..Default::default()
    };
    let found = st.store.every(&filter).await?;
    let assignments = st
        .store
        .every(&psops_core::assignments::AssignmentFilter {
            project_id: Some(project.id),
            ..Default::default()
        })
        .await
        .unwrap_or_default();
    let mut team: Vec<Id<Person>> = assignments.iter().map(|a| a.fields.person_id).collect();
    team.extend(project.fields.project_manager_id);
    let people = names_of::<Person>(st, found.iter().filter_map(|x| x.fields.dri_id).chain(team.clone())).await?;
    let name = |id: Option<Id<Person>>| {
        id.and_then(|i| people.get(&i.get()).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let mut rows: Vec<&Escalation> = found.iter().collect();
    rows.sort_by_key(|x| (!x.status.is_open(), x.fields.severity, x.next_update_due));
    let raise = NewEscalation {
        raised_by: Some(s.user_id),
        fields: EscalationFields {
            account_id: project.fields.account_id,
            project_id: Some(project.id),
            severity: Severity::High,
            title: String::new(),
            description: None,
            dri_id: None,
            exit_criteria: String::new(),
            standup_cadence: None,
            product_at_fault: false,
        },
    };
    let may_raise = allow(st, s, Action::Create, &raise).await.is_ok();
    team.sort();
    team.dedup();
    let ctx = ProjectEscalations {
        frame: frame(me, s),
        id: project.id.get(),
        project: project.fields.name.clone(),
        tabs: project_tabs(project.id, "/escalations"),
        rows: rows
            .into_iter()
            .map(|x| Row {
                id: x.id.get(),
                title: x.fields.title.clone(),
                severity: x.fields.severity.code(),
                severity_label: x.fields.severity.label(),
                status: x.status.code(),
                status_label: x.status.label(),
                dri: name(x.fields.dri_id),
                due: if x.status.is_open() {
                    when(x.next_update_due)
                } else {
                    "—".into()
                },
                overdue: x.is_overdue(now),
            })
            .collect(),
        raise: may_raise,
        manager: project.fields.project_manager_id.map(|m| name(Some(m))),
        team: team.into_iter().map(|p| (p.get().to_string(), name(Some(p)))).collect(),
        severities: options(&Severity::ALL, Severity::label),
        errors,
        form: form.0.into_iter().collect(),
    };
    let status = super::admin::status_of(&ctx.errors, false);
    let status = if ctx.errors.is_empty() {
        status
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render("project_escalations.html", ctx)?).into_response())
}

async fn project_of(st: &AppState, s: &Subject, id: &str) -> Result<Project, UiError> {
    let project: Project = st.store.get(Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &project).await?;
    Ok(project)
}

/// `GET /projects/{id}/escalations`.
pub async fn for_project(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = project_of(&st, &s, &id).await?;
    project_page(&st, &me, &s, &project, (Vec::new(), Pairs(Vec::new()))).await
}

/// `POST /projects/{id}/escalations`: raises one on the project.
pub async fn raise(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project = project_of(&st, &s, &id).await?;
    let mut e = Params::new();
    let fields = EscalationFields {
        account_id: None,
        project_id: Some(project.id),
        severity: e
            .code::<Severity>("severity", p.get("severity"))
            .unwrap_or(Severity::High),
        title: p.text("title"),
        description: blank(p.text("description")),
        dri_id: e.id::<Person>("dri_id", p.get("dri_id").filter(|d| !d.is_empty())),
        exit_criteria: p.text("exit_criteria"),
        standup_cadence: blank(p.text("standup_cadence")),
        product_at_fault: p.get("product_at_fault") == Some("yes"),
    };
    let new = NewEscalation {
        raised_by: Some(s.user_id),
        fields,
    };
    let grant = allow(&st, &s, Action::Create, &new).await?;
    let ctx = write_ctx(&me, &request, grant);
    let outcome = match checked(e) {
        Ok(()) => st.store.raise_escalation(&ctx, new, OffsetDateTime::now_utc()).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(made) => {
            st.changed(psops_core::record::Entity::Escalation);
            let id = made.to_json()["id"].as_i64().unwrap_or_default();
            Ok(Redirect::to(&format!("/escalations/{id}?done=raised")).into_response())
        }
        Err(err) => {
            let errors = super::admin::inline(err)?;
            project_page(&st, &me, &s, &project, (errors, p)).await
        }
    }
}
