//! `/catalog/requests`: new-SKU requests. The list (by status, or only those waiting for
//! the signed-in user: their inbox), and one request's page — its fields, the computed
//! delivery cost, each step of its approval chain with its approver, decision, reason
//! and date, which step waits, and the buttons its reader may use: submit and revise for
//! who may change it, approve and reject for the waiting step's approver only. What the
//! store refuses (a missing cost basis, a step without an approver) is shown beside the
//! field it names.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::catalog::offerings::Offering;
use psops_core::catalog::requests::{
    Decision, SkuRequest, SkuRequestFilter, SkuRequestSort, SkuRequestStatus, Verdict,
};
use psops_core::catalog::skus::Sku;
use psops_core::code::Code;
use psops_core::policy::{Action, Subject};
use psops_core::store::Records as _;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::catalog::{catalog_tabs, readable, waiting_notice, works_with_requests};
use super::edit::may_edit;
use super::filters::{Pairs, day, hours, label, names_of, options, path_id, subject, user_names};
use super::layout::{Frame, frame};
use super::listing::{Cell, Filter, view};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

/// `GET /catalog/requests`: `?status=`, `?waiting=me`.
pub async fn list(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    readable(&s)?;
    // Whoever neither drafts, sees cost nor decides a step has no requests to list (an
    // approver of an old chain still finds the ones they decided).
    if !works_with_requests(&st, &s).await? && mine(&st, &s).await? == 0 {
        return Err(super::not_found());
    }
    let mut e = Params::new();
    let waiting = match p.get("waiting") {
        None => false,
        Some("me") => true,
        Some(other) => {
            e.add(
                "waiting",
                psops_core::rule::Rule::InvalidValue,
                format!("waiting must be 'me' or left out, got '{other}'"),
            );
            false
        }
    };
    let filter = SkuRequestFilter {
        status: e.code::<SkuRequestStatus>("status", p.get("status")),
        waiting_for: waiting.then_some(s.user_id),
        visible_to: (!s.sees_cost()).then_some(s.user_id),
        archived: Some(false),
    };
    let at = table::read::<SkuRequestSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let offerings = names_of::<Offering>(&st, found.items.iter().map(|r| r.fields.offering_id)).await?;
    let approvers = user_names(
        &st,
        found
            .items
            .iter()
            .flat_map(|r| r.chain.iter().filter_map(|step| step.approver))
            .collect(),
    )
    .await?;
    let mut rows = Vec::new();
    for r in &found.items {
        let waits = waiting_step(&st, r).await?;
        rows.push(vec![
            Cell::link(r.fields.name.clone(), format!("/catalog/requests/{}", r.id)),
            Cell::link(
                offerings
                    .get(&r.fields.offering_id.get())
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", r.fields.offering_id)),
                format!("/catalog/offerings/{}", r.fields.offering_id),
            ),
            Cell::pill(label(r.status.code()), r.status.code()),
            Cell::text(match waits {
                Some((name, Some(u))) => format!(
                    "{name} — {}",
                    approvers.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}"))
                ),
                Some((name, None)) => name,
                None => "—".into(),
            }),
            Cell::num(r.delivery_cost.to_string()),
            Cell::text(day(Some(r.meta.updated_at.date()))),
        ]);
    }
    let mut v = view(
        frame(&me, &s),
        if waiting {
            "SKU requests waiting for you"
        } else {
            "SKU requests"
        },
        "/catalog/requests",
        table::pager("/catalog/requests", &p, &at, found.total),
    );
    v.section = "Catalog";
    v.tabs = catalog_tabs(&st, &s, "/catalog/requests").await?;
    if !waiting {
        v.notice = waiting_notice(&st, &s).await?;
    }
    if may_edit::<SkuRequest>(&s) {
        v.actions.push(("/catalog/requests/new".into(), "New SKU request"));
    }
    v.filters = vec![
        Filter::select(
            "status",
            "Status",
            p.text("status"),
            options::<SkuRequestStatus>()
                .into_iter()
                .map(|(c, l)| (c.to_string(), l))
                .collect(),
        ),
        Filter {
            any: Some("Everyone's"),
            ..Filter::select(
                "waiting",
                "Waiting for",
                p.text("waiting"),
                vec![("me".into(), "My decision".into())],
            )
        },
    ];
    v.hidden = ["sort", "dir"]
        .into_iter()
        .filter_map(|k| p.get(k).map(|x| (k, x.to_string())))
        .collect();
    v.table_id = "requests-table";
    v.columns = table::head(
        "/catalog/requests",
        &p,
        &at,
        vec![
            col("Request", SkuRequestSort::Name),
            Col {
                label: "Offering",
                key: None,
                num: false,
                extra: false,
            },
            col("Status", SkuRequestSort::Status),
            Col {
                label: "Waiting for",
                key: None,
                num: false,
                extra: false,
            },
            Col {
                label: "Delivery cost",
                key: None,
                num: true,
                extra: false,
            },
            col("Updated", SkuRequestSort::Updated),
        ],
    );
    v.rows = rows;
    v.errors = e.into_errors();
    v.empty = if waiting {
        "Nothing waits for your decision.".into()
    } else {
        "No SKU requests match.".into()
    };
    v.respond(&headers)
}

/// Requests the subject drafted, decides or decided.
async fn mine(st: &AppState, s: &Subject) -> Result<u64, UiError> {
    let filter = SkuRequestFilter {
        visible_to: Some(s.user_id),
        archived: Some(false),
        ..Default::default()
    };
    let at = psops_core::sort::Sorted {
        size: 1,
        ..Default::default()
    };
    Ok(st.store.sorted(&filter, at).await?.total)
}

/// The step waiting on a request in review: its name and approver.
async fn waiting_step(
    st: &AppState,
    r: &SkuRequest,
) -> Result<Option<(String, Option<psops_core::auth::UserId>)>, UiError> {
    if r.status != SkuRequestStatus::InReview {
        return Ok(None);
    }
    let decisions = st.store.sku_request_decisions(r.id).await?;
    Ok(r.steps(&decisions)
        .into_iter()
        .find(|step| step.waiting)
        .map(|step| (step.name, step.approver)))
}

#[derive(Serialize)]
struct Fact {
    field: &'static str,
    label: &'static str,
    value: String,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct StepView {
    number: i32,
    name: String,
    approver: String,
    decision: Option<String>,
    decision_code: Option<&'static str>,
    reason: String,
    when: String,
    waiting: bool,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct PastDecision {
    round: i32,
    step: String,
    who: String,
    decision: String,
    reason: String,
    when: String,
}

#[derive(Serialize)]
struct RequestPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    name: String,
    status: String,
    status_code: &'static str,
    version: i64,
    offering: (String, String),
    drafter: String,
    facts: Vec<Fact>,
    delivery_cost: String,
    list_price: Option<String>,
    margin: Option<String>,
    steps: Vec<StepView>,
    earlier: Vec<PastDecision>,
    sku: Option<(String, String)>,
    edit: Option<String>,
    submit: bool,
    revise: bool,
    decide: Option<String>,
    /// The refusals no field of the page names.
    errors: Vec<FieldError>,
    reason: String,
    reason_errors: Vec<String>,
    done: Option<&'static str>,
    conflict: bool,
}

fn opt(text: &Option<String>) -> String {
    text.clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "—".into())
}

/// What a decision is called on the page.
fn verdict(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Approve => ("Approved", "approved"),
        Verdict::Reject => ("Rejected", "rejected"),
    }
}

/// Who may do what to a request, as the page offers it.
struct Offers {
    change: bool,
    decide: Option<String>,
}

async fn offers(st: &AppState, s: &Subject, r: &SkuRequest, decisions: &[Decision]) -> Offers {
    let change = allow(st, s, Action::Update, r).await.is_ok();
    let decide = r
        .steps(decisions)
        .into_iter()
        .find(|step| step.waiting && step.approver == Some(s.user_id))
        .filter(|_| r.requested_by != Some(s.user_id))
        .map(|step| step.name);
    Offers { change, decide }
}

/// What the page says beside the request: what an action was refused for, the reason
/// typed, what was done, or that someone else changed it first.
#[derive(Default)]
struct Said {
    refused: Vec<FieldError>,
    reason: String,
    done: Option<&'static str>,
    conflict: bool,
}

/// The page of one request, with what a refused action said beside what it names.
async fn page(st: &AppState, me: &SignedIn, s: &Subject, r: &SkuRequest, said: Said) -> Result<RequestPage, UiError> {
    let Said {
        refused,
        reason,
        done,
        conflict,
    } = said;
    let f = &r.fields;
    let decisions = st.store.sku_request_decisions(r.id).await?;
    let o: Offering = st.store.get(f.offering_id).await?;
    let mut users: Vec<_> = r.chain.iter().filter_map(|step| step.approver).collect();
    users.extend(decisions.iter().map(|d| d.decided_by));
    users.extend(r.requested_by);
    let names = user_names(st, users).await?;
    let who = |u: Option<psops_core::auth::UserId>| match u {
        Some(u) => names.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")),
        None => "nobody yet".into(),
    };
    let mut errors = refused;
    let mut take = |field: &str| -> Vec<String> {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut errors).into_iter().partition(|e| e.field == field);
        errors = rest;
        mine.into_iter().map(|e| e.message).collect()
    };
    let unit = match (f.block_minutes, f.term_months) {
        (Some(m), _) => format!("{} of {} h", label(f.unit.code()), hours(m)),
        (_, Some(t)) => format!("{}, {t} months", label(f.unit.code())),
        _ => label(f.unit.code()),
    };
    let facts = vec![
        Fact {
            field: "unit",
            label: "Unit",
            value: unit,
            errors: take("unit"),
        },
        Fact {
            field: "channel",
            label: "Channel",
            value: label(f.channel.code()),
            errors: take("channel"),
        },
        Fact {
            field: "minutes",
            label: "Delivery hours",
            value: format!("{} h", hours(f.minutes)),
            errors: take("minutes"),
        },
        Fact {
            field: "hourly_cost",
            label: "Hourly cost",
            value: f.hourly_cost.to_string(),
            errors: take("hourly_cost"),
        },
        Fact {
            field: "list_price",
            label: "Proposed list price",
            value: f
                .list_price
                .map(|p| p.to_string())
                .unwrap_or_else(|| "price not set".into()),
            errors: take("list_price"),
        },
        Fact {
            field: "te_assumption",
            label: "Travel and expenses",
            value: opt(&f.te_assumption),
            errors: take("te_assumption"),
        },
        Fact {
            field: "assumptions",
            label: "Assumptions",
            value: opt(&f.assumptions),
            errors: take("assumptions"),
        },
        Fact {
            field: "specimen_sow",
            label: "Specimen SOW",
            value: opt(&f.specimen_sow),
            errors: take("specimen_sow"),
        },
    ];
    // Before a request is submitted its chain is the one settings hold now: that is
    // what submitting it will send it through, and where a step without an approver is.
    let chain = if r.chain.is_empty() {
        st.store.settings().await?.sku_approval_chain
    } else {
        r.chain.clone()
    };
    let shown = SkuRequest {
        chain: chain.clone(),
        ..r.clone()
    };
    let chain_names = user_names(st, chain.iter().filter_map(|step| step.approver).collect()).await?;
    let steps = shown
        .steps(&decisions)
        .into_iter()
        .map(|step| {
            let (decision, code) = match &step.decision {
                Some(d) => {
                    let (text, code) = verdict(d.decision);
                    (Some(text.to_string()), Some(code))
                }
                None => (None, None),
            };
            StepView {
                number: step.step + 1,
                approver: match step.approver {
                    Some(u) => chain_names.get(&u.get()).cloned().unwrap_or_else(|| who(Some(u))),
                    None => "no approver designated".into(),
                },
                name: step.name,
                decision,
                decision_code: code,
                reason: step
                    .decision
                    .as_ref()
                    .and_then(|d| d.reason.clone())
                    .unwrap_or_default(),
                when: step
                    .decision
                    .as_ref()
                    .map(|d| day(Some(d.decided_at.date())))
                    .unwrap_or_default(),
                waiting: step.waiting,
                errors: take(&format!("sku_approval_chain[{}].approver", step.step)),
            }
        })
        .collect();
    let earlier = decisions
        .iter()
        .filter(|d| d.round < r.round)
        .map(|d| PastDecision {
            round: d.round,
            step: d.step_name.clone(),
            who: who(Some(d.decided_by)),
            decision: verdict(d.decision).0.to_string(),
            reason: d.reason.clone().unwrap_or_default(),
            when: day(Some(d.decided_at.date())),
        })
        .collect();
    let sku = match r.sku_id {
        Some(id) => {
            let k: Sku = st.store.get(id).await?;
            Some((
                format!("{} {}", k.fields.code, k.fields.name),
                format!("/catalog/skus/{id}"),
            ))
        }
        None => None,
    };
    let may = offers(st, s, r, &decisions).await;
    let margin = f.list_price.filter(|p| p.amount_minor > 0).map(|p| {
        let margin = p.amount_minor - r.delivery_cost.amount_minor;
        let bp = psops_core::ratio::basis_points(margin, p.amount_minor);
        format!(
            "{} ({})",
            psops_core::Money::new(margin, p.currency),
            super::filters::pct(bp)
        )
    });
    let reason_errors = take("reason");
    let status_errors = take("status");
    errors.extend(
        status_errors
            .into_iter()
            .map(|m| FieldError::new("status", psops_core::rule::Rule::InvalidTransition, m)),
    );
    Ok(RequestPage {
        frame: frame(me, s),
        id: r.id.get(),
        name: f.name.clone(),
        status: label(r.status.code()),
        status_code: r.status.code(),
        version: r.meta.version,
        offering: (o.fields.name, format!("/catalog/offerings/{}", o.id)),
        drafter: who(r.requested_by),
        facts,
        delivery_cost: r.delivery_cost.to_string(),
        list_price: f.list_price.map(|p| p.to_string()),
        margin,
        steps,
        earlier,
        sku,
        edit: (may.change && r.status == SkuRequestStatus::Draft).then(|| format!("/catalog/requests/{}/edit", r.id)),
        submit: may.change && r.status == SkuRequestStatus::Draft,
        revise: may.change && r.status == SkuRequestStatus::Rejected,
        decide: may.decide,
        errors,
        reason,
        reason_errors,
        done,
        conflict,
    })
}

async fn readable_request(st: &AppState, s: &Subject, id: &str) -> Result<SkuRequest, UiError> {
    readable(s)?;
    let r: SkuRequest = st.store.get(Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &r).await?;
    Ok(r)
}

/// `GET /catalog/requests/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let r = readable_request(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("submitted") => Some("Submitted: the first step of the chain decides it now."),
        Some("revised") => Some("Back to a draft: change it and submit it again."),
        Some("approved") => Some("Approved."),
        Some("rejected") => Some("Rejected."),
        _ if p.get("saved").is_some() => Some("Saved."),
        _ => None,
    };
    let ctx = page(
        &st,
        &me,
        &s,
        &r,
        Said {
            done,
            ..Said::default()
        },
    )
    .await?;
    Ok(render("sku_request.html", ctx)?.into_response())
}

/// A step of the chain as the form asks it.
enum Step {
    Submit,
    Revise,
    Decide(Verdict),
}

async fn act(
    st: AppState,
    request: RequestId,
    me: SignedIn,
    id: String,
    form: Fields,
    step: Option<Step>,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let r = readable_request(&st, &s, &id).await?;
    let version = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let reason = p.text("reason");
    let step = match step {
        Some(step) => step,
        None => match p.get("decision").map(str::parse::<Verdict>) {
            Some(Ok(v)) => Step::Decide(v),
            _ => {
                let e = FieldError::new(
                    "decision",
                    psops_core::rule::Rule::InvalidValue,
                    "decision must be approve or reject",
                );
                let said = Said {
                    refused: vec![e],
                    reason,
                    ..Said::default()
                };
                let ctx = page(&st, &me, &s, &r, said).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render("sku_request.html", ctx)?).into_response());
            }
        },
    };
    let action = match step {
        Step::Submit | Step::Revise => Action::Update,
        Step::Decide(_) => Action::Approve,
    };
    let grant = allow(&st, &s, action, &r).await?;
    let ctx = write_ctx(&me, &request, grant);
    let outcome = match step {
        Step::Submit => st
            .store
            .submit_sku_request(&ctx, r.id, version)
            .await
            .map(|_| "submitted"),
        Step::Revise => st
            .store
            .revise_sku_request(&ctx, r.id, version)
            .await
            .map(|_| "revised"),
        Step::Decide(v) => {
            let reason = Some(reason.clone()).filter(|t| !t.trim().is_empty());
            st.store
                .decide_sku_request(&ctx, r.id, version, v, reason)
                .await
                .map(|_| match v {
                    Verdict::Approve => "approved",
                    Verdict::Reject => "rejected",
                })
        }
    };
    let (errors, conflict, status) = match outcome {
        Ok(done) => return Ok(Redirect::to(&format!("/catalog/requests/{}?done={done}", r.id)).into_response()),
        Err(Error::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Err(Error::Conflict(e)) => (vec![e], false, StatusCode::CONFLICT),
        Err(Error::PreconditionFailed { .. }) => (Vec::new(), true, StatusCode::CONFLICT),
        Err(other) => return Err(other.into()),
    };
    // Shown as it is now, which a refusal did not change.
    let now = readable_request(&st, &s, &id).await?;
    let said = Said {
        refused: errors,
        reason,
        done: None,
        conflict,
    };
    let ctx = page(&st, &me, &s, &now, said).await?;
    Ok((status, render("sku_request.html", ctx)?).into_response())
}

/// `POST /catalog/requests/{id}/submit`.
pub async fn submit(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    act(st, request, me, id, form, Some(Step::Submit)).await
}

/// `POST /catalog/requests/{id}/revise`.
pub async fn revise(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    act(st, request, me, id, form, Some(Step::Revise)).await
}

/// `POST /catalog/requests/{id}/decide` with `decision=approve|reject` and a `reason`.
pub async fn decide(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    act(st, request, me, id, form, None).await
}
