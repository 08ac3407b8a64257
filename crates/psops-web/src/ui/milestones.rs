//! `/projects/{id}/milestones`: a project's milestones and their acceptance — due date,
//! amount, acceptance state, to whom and when the request went, the passive-acceptance
//! date while one awaits acceptance, who accepted and how (or that passive acceptance
//! was used), and the evidence kept. The project's manager, ops and administrators send
//! the request (to a contact of the account), record a sign-off and keep evidence (a
//! link, or a file the browser reads into the form); a refusal is told on the page and
//! nothing is written then. A project has a handful of milestones: they are shown whole,
//! by due date.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::accounts::{ContactFilter, ContactId};
use psops_core::code::Code;
use psops_core::delivery::acceptance::{
    AcceptanceMethod, AcceptanceRequest, AcceptanceState, MilestoneAcceptance, NewEvidence, SignOff, base64,
};
use psops_core::plan::{Milestone, MilestoneId};
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::projects::{Project, ProjectId};
use psops_core::rule::Rule;
use psops_core::store::{RecordStore, Records as _};
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, path_id, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// The largest form the page takes: a file of the evidence limit read as base64 (4
/// characters for every 3 bytes), with room for the other fields.
pub const FORM_LIMIT: usize = psops_core::delivery::acceptance::EVIDENCE_MAX_BYTES / 3 * 4 + 64 * 1024;

#[derive(Serialize)]
struct EvidenceLine {
    /// Where it opens: the link itself, or the file's download.
    href: String,
    label: String,
    detail: String,
    file: bool,
}

#[derive(Serialize)]
struct Line {
    id: i64,
    version: i64,
    name: String,
    due: String,
    amount: String,
    state: &'static str,
    state_label: &'static str,
    sent_to: String,
    sent_on: String,
    passive_on: String,
    accepted: String,
    evidence: Vec<EvidenceLine>,
    /// The forms this reader gets on it.
    can_request: bool,
    can_accept: bool,
    can_add: bool,
    requested: bool,
}

#[derive(Serialize)]
struct MilestonesPage {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<super::listing::Tab>,
    project_id: i64,
    project: String,
    lines: Vec<Line>,
    /// Contacts of the account with an address: (id, "name <email>").
    contacts: Vec<(i64, String)>,
    internal: bool,
    keep: bool,
    /// The milestone a refusal is about, its errors, and whether it was stale.
    failed: Option<i64>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<String>,
    today: String,
    max_bytes: usize,
}

fn line(m: &MilestoneAcceptance, keep: bool, project: i64) -> Line {
    let a = &m.acceptance;
    let f = &m.milestone.fields;
    let accepted = match (a.state, a.method) {
        (AcceptanceState::Accepted, Some(AcceptanceMethod::Passive)) => {
            format!("Passive acceptance used on {}", day(a.accepted_on))
        }
        (AcceptanceState::Accepted, Some(method)) => {
            let note = a.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!(
                "{} by {} on {}{note}",
                method.label(),
                a.accepted_by.as_deref().unwrap_or("—"),
                day(a.accepted_on)
            )
        }
        _ => String::new(),
    };
    let id = m.milestone.id.get();
    let evidence = m
        .evidence
        .iter()
        .map(|e| match (&e.url, &e.file_name) {
            (Some(url), _) => EvidenceLine {
                href: url.clone(),
                label: url.clone(),
                detail: e.note.clone().unwrap_or_default(),
                file: false,
            },
            (None, name) => EvidenceLine {
                href: format!("/projects/{project}/milestones/{id}/evidence/{}", e.id),
                label: name.clone().unwrap_or_else(|| "file".into()),
                detail: format!(
                    "{}, {} KB{}",
                    e.content_type.as_deref().unwrap_or(""),
                    (e.size_bytes.unwrap_or(0) + 1023) / 1024,
                    e.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default()
                ),
                file: true,
            },
        })
        .collect();
    let open = a.state != AcceptanceState::Accepted && m.milestone.meta.archived_at.is_none();
    Line {
        id,
        version: m.milestone.meta.version,
        name: f.name.clone(),
        due: day(f.due_date),
        amount: f.amount.map(|a| a.written()).unwrap_or_else(|| "—".into()),
        state: a.state.code(),
        state_label: a.state.label(),
        sent_to: match (&a.contact_name, &a.contact_email) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            _ => String::new(),
        },
        sent_on: a.requested_on.map(|d| day(Some(d))).unwrap_or_default(),
        passive_on: match a.state {
            AcceptanceState::Requested => day(a.passive_on),
            _ => String::new(),
        },
        accepted,
        evidence,
        can_request: keep && open,
        can_accept: keep && open,
        can_add: keep,
        requested: a.state == AcceptanceState::Requested,
    }
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Project, UiError> {
    let id: ProjectId = Id::new(path_id(id)?);
    let project: Project = st.store.get(id).await?;
    allow(st, s, Action::Read, &project).await?;
    Ok(project)
}

/// Whether the reader keeps the project's plan: its manager, ops and administrators.
async fn keeps(st: &AppState, s: &Subject, id: ProjectId) -> Result<bool, UiError> {
    Ok(match crate::authorize::project(st, s, id).await? {
        Some(facts) => decide(s, Action::Update, &Resource::Plan(facts)) == Decision::Allow,
        None => false,
    })
}

struct Said {
    failed: Option<i64>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<String>,
}

async fn page(st: &AppState, me: &SignedIn, s: &Subject, project: &Project, said: Said) -> Result<Response, UiError> {
    let keep = keeps(st, s, project.id).await?;
    let milestones = st.store.project_acceptances(project.id).await?;
    let contacts = match project.fields.account_id {
        Some(account) if keep => st
            .store
            .every(&ContactFilter {
                account_id: account,
                archived: None,
            })
            .await?
            .into_iter()
            .filter_map(|c| {
                let email = c.fields.email.clone().filter(|e| !e.trim().is_empty())?;
                Some((c.id.get(), format!("{} <{email}>", c.fields.name)))
            })
            .collect(),
        _ => Vec::new(),
    };
    let status = super::admin::status_of(&said.errors, said.conflict);
    let status = if said.errors.iter().any(|e| e.rule == Rule::AlreadyAccepted) {
        axum::http::StatusCode::CONFLICT
    } else {
        status
    };
    let ctx = MilestonesPage {
        frame: frame(me, s),
        tabs: super::project_tabs::project_tabs(project.id, "/milestones"),
        project_id: project.id.get(),
        project: project.fields.name.clone(),
        lines: milestones.iter().map(|m| line(m, keep, project.id.get())).collect(),
        internal: project.fields.account_id.is_none(),
        contacts,
        keep,
        failed: said.failed,
        errors: said.errors,
        conflict: said.conflict,
        done: said.done,
        today: OffsetDateTime::now_utc().date().to_string(),
        max_bytes: psops_core::delivery::acceptance::EVIDENCE_MAX_BYTES,
    };
    Ok((status, render("milestones.html", ctx)?).into_response())
}

/// `GET /projects/{id}/milestones`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "request" => "The acceptance request is queued to the contact; the passive-acceptance date is shown.",
        "accept" => "The sign-off is recorded: the milestone is accepted and completed.",
        _ => "The evidence is kept with the milestone.",
    });
    let said = Said {
        failed: None,
        errors: Vec::new(),
        conflict: false,
        done: done.map(str::to_string),
    };
    page(&st, &me, &s, &project, said).await
}

/// A file the browser read into the form (`file_content` as base64, with its name and
/// type), or a link; `None` when neither is given.
fn evidence_of(p: &Pairs) -> Result<Option<NewEvidence>, Error> {
    let note = Some(p.text("evidence_note")).filter(|n| !n.trim().is_empty());
    let content = p.text("file_content");
    if !content.trim().is_empty() {
        let bytes = base64::decode(&content).ok_or_else(|| {
            Error::invalid(
                "file",
                Rule::InvalidValue,
                "the file could not be read: choose it again",
            )
        })?;
        let content_type = Some(p.text("file_type"))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "application/octet-stream".into());
        return Ok(Some(NewEvidence::File {
            file_name: p.text("file_name"),
            content_type,
            bytes,
            note,
        }));
    }
    let url = p.text("evidence_url");
    if url.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(NewEvidence::Link { url, note }))
}

fn date_of(p: &Pairs, field: &str) -> Result<Option<Date>, Error> {
    let text = p.text(field);
    if text.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(text.trim(), &time::format_description::well_known::Iso8601::DATE)
        .map(Some)
        .map_err(|_| Error::invalid(field, Rule::Date, format!("{field} must be a date like 2026-03-05")))
}

/// `POST /projects/{id}/milestones/{milestone}/{action}`: `request` (`contact_id`),
/// `accept` (`accepted_by`, `method`, `accepted_on`, `note`, evidence) or `evidence`.
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, milestone, action)): Path<(String, String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let mid: MilestoneId = Id::new(path_id(&milestone)?);
    let m: Milestone = RecordStore::<Milestone>::get(&*st.store, mid).await?;
    if m.fields.project_id != project.id {
        return Err(super::not_found());
    }
    let grant = allow(&st, &s, Action::Update, &m).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let today = OffsetDateTime::now_utc().date();
    let outcome: Result<(), Error> = match action.as_str() {
        "request" => match p.get("contact_id").and_then(|c| c.parse::<i64>().ok()) {
            Some(c) => {
                let r = AcceptanceRequest {
                    contact_id: ContactId::new(c),
                    today,
                };
                st.store.request_acceptance(&ctx, mid, v, r).await.map(drop)
            }
            None => Err(Error::invalid(
                "contact_id",
                Rule::Required,
                "choose the contact the request goes to",
            )),
        },
        "accept" => {
            let method = p.get("method").and_then(|m| m.parse::<AcceptanceMethod>().ok());
            match (method, date_of(&p, "accepted_on"), evidence_of(&p)) {
                (None, ..) => Err(Error::invalid(
                    "method",
                    Rule::OneOf,
                    "choose how the customer accepted: signature, e-mail reply or other",
                )),
                (_, Err(e), _) | (_, _, Err(e)) => Err(e),
                (Some(method), Ok(accepted_on), Ok(evidence)) => {
                    let sign = SignOff {
                        accepted_by: p.text("accepted_by"),
                        method,
                        accepted_on,
                        note: Some(p.text("note")).filter(|n| !n.trim().is_empty()),
                        evidence,
                        today,
                    };
                    st.store.record_acceptance(&ctx, mid, v, sign).await.map(drop)
                }
            }
        }
        "evidence" => match evidence_of(&p) {
            Ok(Some(e)) => st.store.add_evidence(&ctx, mid, e).await.map(drop),
            Ok(None) => Err(Error::invalid(
                "evidence",
                Rule::Required,
                "give a link or choose a file to keep as evidence",
            )),
            Err(e) => Err(e),
        },
        _ => return Err(super::not_found()),
    };
    let (errors, conflict) = match outcome {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/projects/{}/milestones?done={action}", project.id)).into_response());
        }
        Err(e) => super::admin::refused(e)?,
    };
    let said = Said {
        failed: Some(mid.get()),
        errors,
        conflict,
        done: None,
    };
    page(&st, &me, &s, &project, said).await
}

/// `GET /projects/{id}/milestones/{milestone}/evidence/{evidence}`: the file, as an
/// attachment, for whoever reads the project.
pub async fn download(
    State(st): State<AppState>,
    me: SignedIn,
    Path((id, milestone, evidence)): Path<(String, String, String)>,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let mid: MilestoneId = Id::new(path_id(&milestone)?);
    let m: Milestone = RecordStore::<Milestone>::get(&*st.store, mid).await?;
    if m.fields.project_id != project.id {
        return Err(super::not_found());
    }
    allow(&st, &s, Action::Read, &m).await?;
    let file = st.store.evidence_file(mid, Id::new(path_id(&evidence)?)).await?;
    Ok(crate::api::acceptance::file_response(file))
}
