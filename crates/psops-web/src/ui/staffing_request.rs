//! `/staffing/requests/{id}`: one resource request for those who see staffing — its
//! facts, who holds it, and while it is open the ranked suggestions (the company's own
//! people, then vetted partner consultants) with the reasons for each. Those who book
//! (ops, practice managers, administrators) book a suggestion soft or hard from here, and
//! release a soft hold; a refusal comes back as the page with the message, nothing done.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::people::PersonId;
use psops_core::plan::{Booking, RequestStatus, ResourceRequest};
use psops_core::policy::{Action, Resource, Subject};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::staffing::store::BookRequest;
use psops_core::store::RecordStore;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, path_id, person_names, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::staffing::books_staffing;
use super::staffing_request_view::{Fact, Ranked, facts, holding, ranked};
use crate::AppState;
use crate::api::staffing::readable;
use crate::authorize::{Fixed, allow};
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Holder {
    person_id: i64,
    text: String,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    project_id: i64,
    project: String,
    facts: Vec<Fact>,
    holder: Option<Holder>,
    open: bool,
    /// Open and held soft by someone: it may be released.
    held: bool,
    may_book: bool,
    done: Option<String>,
    errors: Vec<FieldError>,
    ranked: Option<Ranked>,
    /// Why there are no suggestions (the request has no dates).
    unranked: Option<String>,
}

/// What the page says after an action: the flash of one done, or what was refused.
#[derive(Default)]
struct Said {
    done: Option<String>,
    errors: Vec<FieldError>,
    status: Option<StatusCode>,
}

fn staffing() -> Fixed {
    Fixed(Resource::Staffing, Thing::Staffing)
}

/// The flash of an action done, naming who holds the request now.
fn flash(done: &str, holder: Option<&str>) -> Option<String> {
    let who = holder.unwrap_or("them");
    match done {
        "hard" => Some(format!(
            "Booked hard to {who}: the assignment is made and the request is filled."
        )),
        "soft" => Some(format!("Held soft for {who}.")),
        "released" => Some("Released: the request is open for anyone again.".into()),
        _ => None,
    }
}

async fn page(st: &AppState, me: &SignedIn, s: &Subject, id: i64, said: Said) -> Result<Response, UiError> {
    readable(st, s).await?;
    let request: ResourceRequest = RecordStore::<ResourceRequest>::get(&*st.store, Id::new(id)).await?;
    allow(st, s, Action::Read, &request).await?;
    let f = &request.fields;
    let project: Project = RecordStore::<Project>::get(&*st.store, f.project_id).await?;
    let holder = match f.person_id {
        Some(pid) => {
            let names = person_names(st, vec![pid]).await?;
            let name = names.get(&pid.get()).cloned().unwrap_or_else(|| format!("#{pid}"));
            Some((pid.get(), name))
        }
        None => None,
    };
    let open = f.status == RequestStatus::Open;
    let (ranked, unranked) = if open {
        match st.store.suggestions(request.id, OffsetDateTime::now_utc().date()).await {
            Ok(sg) => (Some(ranked(&sg)), None),
            // A request without dates says what it lacks.
            Err(Error::Invalid(errors)) => {
                let why = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; ");
                (None, Some(why))
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        (None, None)
    };
    let dates = f
        .start_date
        .or(project.fields.start_date)
        .zip(f.end_date.or(project.fields.end_date));
    let v = View {
        frame: frame(me, s),
        id,
        project_id: project.id.get(),
        project: project.fields.name.clone(),
        facts: facts(&request, dates),
        done: said
            .done
            .as_deref()
            .and_then(|d| flash(d, holder.as_ref().map(|h| h.1.as_str()))),
        holder: holder.map(|(person_id, name)| Holder {
            person_id,
            text: holding(&request, &name),
        }),
        open,
        held: open && f.person_id.is_some(),
        may_book: books_staffing(s),
        errors: said.errors,
        ranked,
        unranked,
    };
    let status = said.status.unwrap_or(StatusCode::OK);
    Ok((status, render("staffing_request.html", v)?).into_response())
}

/// `GET /staffing/requests/{id}?done=soft|hard|released`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let id = path_id(&id)?;
    let said = Said {
        done: p.get("done").map(str::to_string),
        ..Said::default()
    };
    page(&st, &me, &s, id, said).await
}

/// A refusal shown on the page: 409 when the request's state refuses it, 422 for input.
fn refusal(e: Error) -> Result<Said, UiError> {
    let (errors, status) = match e {
        Error::Invalid(errors) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Error::Conflict(f) => (vec![f], StatusCode::CONFLICT),
        other => return Err(other.into()),
    };
    Ok(Said {
        done: None,
        errors,
        status: Some(status),
    })
}

/// What a booking form asks: the person and soft or hard.
fn asked(p: &Pairs) -> Result<BookRequest, FieldError> {
    let person = p
        .get("person_id")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| *n > 0);
    let booking = p.get("booking").and_then(|b| b.parse::<Booking>().ok());
    match (person, booking) {
        (Some(person), Some(booking)) => Ok(BookRequest {
            person_id: PersonId::new(person),
            booking: Some(booking),
        }),
        _ => Err(FieldError::new(
            "booking",
            Rule::InvalidValue,
            "choose a suggestion and book it soft or hard",
        )),
    }
}

/// `POST /staffing/requests/{id}/book` with `person_id` and `booking` (`soft`, `hard`).
pub async fn book(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let id = path_id(&id)?;
    let grant = allow(&st, &s, Action::Update, &staffing()).await?;
    let ctx = write_ctx(&me, &request, grant);
    let said = match asked(&p) {
        Ok(b) => match st.store.book(&ctx, Id::new(id), &b).await {
            Ok(booked) => {
                let done = booked.request.fields.booking.code();
                return Ok(Redirect::to(&format!("/staffing/requests/{id}?done={done}")).into_response());
            }
            Err(e) => refusal(e)?,
        },
        Err(e) => Said {
            errors: vec![e],
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            ..Said::default()
        },
    };
    page(&st, &me, &s, id, said).await
}

/// `POST /staffing/requests/{id}/release`: lets go of a soft hold.
pub async fn release(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let id = path_id(&id)?;
    let grant = allow(&st, &s, Action::Update, &staffing()).await?;
    let ctx = write_ctx(&me, &request, grant);
    match st.store.release(&ctx, Id::new(id)).await {
        Ok(_) => Ok(Redirect::to(&format!("/staffing/requests/{id}?done=released")).into_response()),
        Err(e) => {
            let said = refusal(e)?;
            page(&st, &me, &s, id, said).await
        }
    }
}
