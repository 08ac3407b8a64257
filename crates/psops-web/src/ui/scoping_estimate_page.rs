//! `/scoping/estimates/{id}`: one estimate version — its priced lines and totals, its
//! status with the moves open from it (share, agreed, declined), the technical
//! architect's review (request it; the TA approves or rejects it here), and the order
//! of an agreed standard-SKU estimate. A refusal (a status move out of order, an order
//! with a line that needs a SOW) is told on the page; nothing is written then.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::catalog::requests::Verdict;
use psops_core::code::Code;
use psops_core::policy::{Action, Subject};
use psops_core::scoping::estimates::{Estimate, EstimateStatus, TaReview};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::store::RecordStore;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, hours, label, path_id, pct, subject, user_names};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping::{open_to, when};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Estimate, UiError> {
    open_to(s)?;
    let e: Estimate = RecordStore::<Estimate>::get(&*st.store, Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &e).await?;
    Ok(e)
}

#[derive(Serialize)]
struct Line {
    description: String,
    code: String,
    quantity: String,
    unit_price: String,
    amount: String,
    hours: String,
    cost: String,
}

#[derive(Serialize)]
struct EstimatePage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    number: i32,
    title: String,
    opportunity: (i64, String),
    status: &'static str,
    ta_review: &'static str,
    ta_due: String,
    ta_decided: String,
    facts: Vec<(&'static str, String)>,
    lines: Vec<Line>,
    totals: Vec<(&'static str, String)>,
    moves: Vec<(&'static str, &'static str)>,
    request_review: bool,
    decide_review: bool,
    order: bool,
    new_version: bool,
    errors: Vec<FieldError>,
    reason: String,
    done: Option<String>,
    conflict: bool,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    e: &Estimate,
    errors: Vec<FieldError>,
    reason: String,
    done: Option<String>,
    conflict: bool,
) -> Result<Response, UiError> {
    let o: Opportunity = st.store.get(e.fields.opportunity_id).await?;
    let change = allow(st, s, Action::Update, e).await.is_ok();
    let decides = allow(st, s, Action::Approve, e).await.is_ok()
        && o.technical_architect_id.is_some()
        && o.technical_architect_id == s.person_id;
    let f = &e.fields;
    let t = &e.totals;
    let decided_by = user_names(st, e.ta_decided_by.into_iter().collect()).await?;
    let moves = match e.status {
        EstimateStatus::Draft => vec![("shared", "Share with the customer"), ("agreed", "Customer agreed")],
        EstimateStatus::Shared => vec![("agreed", "Customer agreed"), ("declined", "Customer declined")],
        _ => Vec::new(),
    };
    let ctx = EstimatePage {
        frame: frame(me, s),
        id: e.id.get(),
        version: e.meta.version,
        number: e.number,
        title: f.title.clone().unwrap_or_default(),
        opportunity: (o.id.get(), o.fields.name.clone()),
        status: e.status.code(),
        ta_review: e.ta_review.code(),
        ta_due: e.ta_due_at.map(when).unwrap_or_default(),
        ta_decided: e
            .ta_decided_by
            .and_then(|u| decided_by.get(&u.get()).cloned())
            .map(|who| match &e.ta_reason {
                Some(r) => format!("by {who}: {r}"),
                None => format!("by {who}"),
            })
            .unwrap_or_default(),
        facts: vec![
            ("Currency", f.currency.to_string()),
            ("Rate card region", f.region.clone()),
            ("Price date", day(Some(f.price_date))),
            ("Discount", psops_core::ratio::percent_text(f.discount_bp)),
            ("Notes", f.notes.clone().unwrap_or_else(|| "—".into())),
        ],
        lines: e
            .priced
            .iter()
            .map(|l| Line {
                description: l.description.clone(),
                code: l.code.clone().unwrap_or_else(|| "T&M".into()),
                quantity: if l.code.is_some() {
                    l.quantity.to_string()
                } else {
                    format!("{} h", hours(l.minutes))
                },
                unit_price: l.unit_price.to_string(),
                amount: l.amount.to_string(),
                hours: hours(l.minutes),
                cost: l.cost.to_string(),
            })
            .collect(),
        totals: vec![
            ("Subtotal", t.subtotal.to_string()),
            ("Discount", t.discount.to_string()),
            ("Price", t.price.to_string()),
            ("T&E", t.travel_and_expenses.to_string()),
            ("Total", t.total.to_string()),
            ("COGS", t.cogs.to_string()),
            ("Margin", t.margin.to_string()),
            ("Margin %", pct(t.margin_bp)),
        ],
        moves: if change { moves } else { Vec::new() },
        request_review: change && matches!(e.ta_review, TaReview::NeedsReview | TaReview::Rejected),
        decide_review: decides && e.ta_review == TaReview::Waiting,
        order: change && e.status == EstimateStatus::Agreed && !o.state.is_closed(),
        new_version: change && !o.state.is_closed(),
        errors,
        reason,
        done,
        conflict,
    };
    let status = super::admin::status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("estimate.html", ctx)?).into_response())
}

/// `GET /scoping/estimates/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let e = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "saved" => "Saved: this version is priced and kept as it is.".to_string(),
        "review" => "Sent to the technical architect for review.".to_string(),
        "ordered" => "Ordered: the project is created and the opportunity closed won.".to_string(),
        other => format!("Done: {}.", label(other).to_lowercase()),
    });
    page(&st, &me, &s, &e, Vec::new(), String::new(), done, false).await
}

/// `POST /scoping/estimates/{id}/{action}`: `status` (`to=shared|agreed|declined`),
/// `ta-review`, `ta-decision` (`decision=approve|reject`, `reason`) or `order`.
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let e = readable(&st, &s, &id).await?;
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let reason = p.text("reason");
    let bad = |field: &str, message: &str| vec![FieldError::new(field, psops_core::rule::Rule::InvalidValue, message)];
    let kind = if action == "ta-decision" {
        Action::Approve
    } else {
        Action::Update
    };
    if !matches!(action.as_str(), "status" | "ta-review" | "ta-decision" | "order") {
        return Err(super::not_found());
    }
    let grant = allow(&st, &s, kind, &e).await?;
    let ctx = write_ctx(&me, &request, grant);
    let store = &st.store;
    let outcome: Result<String, Error> = match action.as_str() {
        "status" => match p.get("to").and_then(|t| t.parse::<EstimateStatus>().ok()) {
            Some(to) => store
                .set_estimate_status(&ctx, e.id, v, to)
                .await
                .map(|_| to.code().to_string()),
            None => Err(Error::Invalid(bad("status", "choose shared, agreed or declined"))),
        },
        "ta-review" => store.request_ta_review(&ctx, e.id, v).await.map(|_| "review".into()),
        "ta-decision" => match p.get("decision").and_then(|d| d.parse::<Verdict>().ok()) {
            Some(verdict) => {
                let why = Some(reason.clone()).filter(|r| !r.trim().is_empty());
                store.decide_ta_review(&ctx, e.id, v, verdict, why).await.map(|_| {
                    if verdict == Verdict::Approve {
                        "approved"
                    } else {
                        "rejected"
                    }
                    .into()
                })
            }
            None => Err(Error::Invalid(bad("decision", "decision must be approve or reject"))),
        },
        _ => store
            .order(&ctx, e.id, time::OffsetDateTime::now_utc().date())
            .await
            .map(|_| "ordered".into()),
    };
    let (errors, conflict) = match outcome {
        Ok(done) => return Ok(Redirect::to(&format!("/scoping/estimates/{}?done={done}", e.id)).into_response()),
        Err(e) => super::admin::refused(e)?,
    };
    let now = readable(&st, &s, &id).await?;
    page(&st, &me, &s, &now, errors, reason, None, conflict).await
}
