//! `/projects/{id}/closure`: the project's Closure tab — the checklist that gates
//! completed (the CSAT survey sent on or before the closure meeting, the customer's
//! revenue sign-off, the internal retrospective, the regional manager's closeout report
//! with estimated against recorded hours), what it still lacks, and the CSAT survey:
//! sent to a contact of the account, its answer, the project's CSAT. Read with the
//! project; kept by its manager, ops and administrators. A survey's link is shown once,
//! on the page that answers the sending.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::accounts::{Contact, ContactFilter};
use psops_core::code::Code;
use psops_core::delivery::closure::{Closure, ClosurePatch, SignoffHow};
use psops_core::delivery::surveys::{SurveyRequest, percent, score_label};
use psops_core::people::PersonId;
use psops_core::policy::{Action, Subject};
use psops_core::projects::{Project, ProjectId};
use psops_core::rule::Rule;
use psops_core::store::{RecordStore, Records as _};
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, hours, person_names, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{ClosureOf, allow};
use crate::request_id::RequestId;

#[derive(Serialize)]
struct SurveyRow {
    id: i64,
    to: String,
    sent: String,
    expires: String,
    state: &'static str,
    answer: String,
    comment: String,
}

#[derive(Serialize)]
struct Item {
    label: &'static str,
    done: bool,
    detail: String,
}

#[derive(Serialize)]
struct ClosurePage {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<super::listing::Tab>,
    id: i64,
    name: String,
    version: i64,
    items: Vec<Item>,
    missing: Vec<String>,
    estimated: String,
    actual: String,
    difference: String,
    surveys: Vec<SurveyRow>,
    csat: String,
    response_rate: String,
    keep: bool,
    contacts: Vec<(i64, String)>,
    can_send: bool,
    /// The link just sent, shown this once.
    link: Option<String>,
    f: FormView,
    hows: Vec<(&'static str, &'static str, bool)>,
    authors: Vec<(i64, String, bool)>,
    errors: Vec<FieldError>,
    conflict: bool,
    done: Option<&'static str>,
}

#[derive(Serialize, Default)]
struct FormView {
    meeting_on: String,
    signoff_by: String,
    signoff_on: String,
    retro_on: String,
    retro_notes: String,
    deliverables: String,
    lessons_learned: String,
    closeout_on: String,
}

fn iso(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Project, UiError> {
    let id: ProjectId = match id.parse::<i64>() {
        Ok(n) if n > 0 => ProjectId::new(n),
        _ => return Err(super::not_found()),
    };
    allow(st, s, Action::Read, &ClosureOf(id)).await?;
    Ok(RecordStore::<Project>::get(&*st.store, id).await?)
}

struct Said {
    errors: Vec<FieldError>,
    conflict: bool,
    link: Option<String>,
    done: Option<&'static str>,
}

async fn page(st: &AppState, me: &SignedIn, s: &Subject, p: &Project, said: Said) -> Result<Response, UiError> {
    let c: Closure = st.store.closure(p.id).await?;
    let keep = allow(st, s, Action::Update, &ClosureOf(p.id)).await.is_ok();
    let now = OffsetDateTime::now_utc();
    let surveys = st.store.surveys_of(p.id).await?;
    let tally = st.store.project_csat(p.id).await?;
    let f = &c.fields;
    let mut authors_ids: Vec<PersonId> = f.closeout_by.into_iter().collect();
    authors_ids.extend(me.user.person_id);
    let names = person_names(st, authors_ids.clone()).await?;
    let name_of = |id: PersonId| names.get(&id.get()).cloned().unwrap_or_else(|| format!("person {id}"));
    let items = vec![
        Item {
            label: "CSAT survey sent before the closure meeting",
            done: c.survey_sent_on.is_some() && f.meeting_on.is_some() && c.survey_sent_on <= f.meeting_on,
            detail: format!(
                "Survey sent {} · closure meeting {}",
                day(c.survey_sent_on),
                day(f.meeting_on)
            ),
        },
        Item {
            label: "Revenue sign-off",
            done: f.signed_off(),
            detail: match f.signoff_how {
                Some(h) => format!(
                    "{} · {} · {}",
                    h.label(),
                    f.signoff_by.clone().unwrap_or_else(|| "—".into()),
                    day(f.signoff_on)
                ),
                None => "—".into(),
            },
        },
        Item {
            label: "Internal retrospective",
            done: f.retro_held(),
            detail: format!("Held {}", day(f.retro_on)),
        },
        Item {
            label: "Closeout report by the regional manager",
            done: f.closeout_written(),
            detail: match f.closeout_by {
                Some(by) => format!("By {} · {}", name_of(by), day(f.closeout_on)),
                None => "—".into(),
            },
        },
    ];
    let contacts = match (keep, p.fields.account_id) {
        (true, Some(a)) => {
            let filter = ContactFilter {
                account_id: a,
                archived: Some(false),
            };
            let all: Vec<Contact> = st.store.every(&filter).await?;
            all.into_iter()
                .filter_map(|c| {
                    let email = c.fields.email.clone()?;
                    Some((c.id.get(), format!("{} <{email}>", c.fields.name)))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let open = surveys
        .iter()
        .any(|x| x.state(now) != psops_core::delivery::surveys::SurveyState::Expired);
    let difference = match c.estimated_minutes {
        Some(e) => {
            let d = c.actual_minutes.get() - e.get();
            let sign = if d > 0 {
                "+"
            } else if d < 0 {
                "−"
            } else {
                ""
            };
            format!("{sign}{}", hours(psops_core::Minutes(d.abs())))
        }
        None => "—".into(),
    };
    let mut authors: Vec<(i64, String, bool)> = Vec::new();
    for id in authors_ids {
        if !authors.iter().any(|a| a.0 == id.get()) {
            let me_too = Some(id) == me.user.person_id;
            let label = if me_too {
                format!("{} (me)", name_of(id))
            } else {
                name_of(id)
            };
            authors.push((id.get(), label, f.closeout_by == Some(id)));
        }
    }
    let view = ClosurePage {
        frame: frame(me, s),
        tabs: super::project_tabs::project_tabs(p.id, "/closure"),
        id: p.id.get(),
        name: p.fields.name.clone(),
        version: c.version,
        missing: c.missing.clone(),
        items,
        estimated: c.estimated_minutes.map(hours).unwrap_or_else(|| "—".into()),
        actual: hours(c.actual_minutes),
        difference,
        surveys: surveys
            .iter()
            .map(|x| SurveyRow {
                id: x.id.get(),
                to: format!("{} <{}>", x.to_name, x.to_email),
                sent: day(Some(x.sent_at.date())),
                expires: day(Some(x.expires_at.date())),
                state: x.state(now).code(),
                answer: x
                    .score
                    .map(|v| format!("{v} · {}", score_label(v)))
                    .unwrap_or_else(|| "—".into()),
                comment: x.comment.clone().unwrap_or_default(),
            })
            .collect(),
        csat: percent(tally.csat_bp()),
        response_rate: percent(tally.response_rate_bp()),
        keep,
        can_send: keep && !open && !contacts.is_empty(),
        contacts,
        link: said.link,
        f: FormView {
            meeting_on: iso(f.meeting_on),
            signoff_by: f.signoff_by.clone().unwrap_or_default(),
            signoff_on: iso(f.signoff_on),
            retro_on: iso(f.retro_on),
            retro_notes: f.retro_notes.clone().unwrap_or_default(),
            deliverables: f.deliverables.clone().unwrap_or_default(),
            lessons_learned: f.lessons_learned.clone().unwrap_or_default(),
            closeout_on: iso(f.closeout_on),
        },
        hows: [
            SignoffHow::Signed,
            SignoffHow::RepliedAccepted,
            SignoffHow::PassiveAcceptance,
        ]
        .iter()
        .map(|h| (h.code(), h.label(), f.signoff_how == Some(*h)))
        .collect(),
        authors,
        errors: said.errors,
        conflict: said.conflict,
        done: said.done,
    };
    let status = super::admin::status_of(&view.errors, view.conflict);
    Ok((status, render("closure.html", view)?).into_response())
}

/// `GET /projects/{id}/closure`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("saved") => Some("Saved."),
        _ => None,
    };
    let said = Said {
        errors: Vec::new(),
        conflict: false,
        link: None,
        done,
    };
    page(&st, &me, &s, &project, said).await
}

/// A date field of the form: empty clears it.
fn date_field(p: &Pairs, name: &str, errors: &mut Vec<FieldError>) -> Option<Option<Date>> {
    let text = p.text(name);
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match Date::parse(text, format) {
        Ok(d) => Some(Some(d)),
        Err(_) => {
            errors.push(FieldError::new(
                name,
                Rule::Date,
                format!("{name} must be a date, YYYY-MM-DD"),
            ));
            None
        }
    }
}

fn text_field(p: &Pairs, name: &str) -> Option<Option<String>> {
    Some(Some(p.text(name)).filter(|t| !t.trim().is_empty()))
}

/// `POST /projects/{id}/closure`: the checklist's fields.
pub async fn save(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let grant = allow(&st, &s, Action::Update, &ClosureOf(project.id)).await?;
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let mut errors = Vec::new();
    let how = match p.text("signoff_how").trim() {
        "" => Some(None),
        code => match SignoffHow::from_code(code) {
            Ok(h) => Some(Some(h)),
            Err(_) => {
                errors.push(FieldError::new(
                    "signoff_how",
                    Rule::OneOf,
                    "signoff_how must be one of the choices",
                ));
                None
            }
        },
    };
    let author = match p.text("closeout_by").trim() {
        "" => Some(None),
        n => match n.parse::<i64>() {
            Ok(n) => Some(Some(Id::new(n))),
            Err(_) => {
                errors.push(FieldError::new("closeout_by", Rule::Id, "closeout_by must be a person"));
                None
            }
        },
    };
    let patch = ClosurePatch {
        meeting_on: date_field(&p, "meeting_on", &mut errors),
        signoff_how: how,
        signoff_by: text_field(&p, "signoff_by"),
        signoff_on: date_field(&p, "signoff_on", &mut errors),
        retro_on: date_field(&p, "retro_on", &mut errors),
        retro_notes: text_field(&p, "retro_notes"),
        deliverables: text_field(&p, "deliverables"),
        lessons_learned: text_field(&p, "lessons_learned"),
        closeout_by: author,
        closeout_on: date_field(&p, "closeout_on", &mut errors),
    };
    let said = |errors, conflict| Said {
        errors,
        conflict,
        link: None,
        done: None,
    };
    if !errors.is_empty() {
        return page(&st, &me, &s, &project, said(errors, false)).await;
    }
    let ctx = write_ctx(&me, &request, grant);
    match st.store.update_closure(&ctx, project.id, v, patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{}/closure?done=saved", project.id)).into_response()),
        Err(e) => {
            let (errors, conflict) = super::admin::refused(e)?;
            page(&st, &me, &s, &project, said(errors, conflict)).await
        }
    }
}

/// `POST /projects/{id}/closure/survey`: sends the CSAT survey to `contact_id`; the page
/// that answers shows the link once.
pub async fn send(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    headers: axum::http::HeaderMap,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let contact = p.get("contact_id").and_then(|c| c.parse::<i64>().ok());
    let outcome = match contact {
        Some(c) => {
            let req = SurveyRequest {
                project_id: project.id,
                contact_id: Id::new(c),
            };
            let grant = allow(&st, &s, Action::Create, &req).await?;
            let ctx = write_ctx(&me, &request, grant);
            st.store
                .send_survey(&ctx, req, &st.base_url(&headers), OffsetDateTime::now_utc())
                .await
        }
        None => Err(Error::invalid(
            "contact_id",
            Rule::Required,
            "choose the contact to send it to",
        )),
    };
    let said = match outcome {
        Ok(sent) => Said {
            errors: Vec::new(),
            conflict: false,
            link: Some(sent.link),
            done: Some("Survey sent: its message is in the outbox."),
        },
        Err(e) => {
            let (errors, conflict) = super::admin::refused(e)?;
            Said {
                errors,
                conflict,
                link: None,
                done: None,
            }
        }
    };
    page(&st, &me, &s, &project, said).await
}
