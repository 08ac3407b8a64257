//! `/scoping/sows/{id}`: one SOW revision — the document as its HTML preview and as a
//! PDF (`/scoping/sows/{id}/pdf`: the API's PDF route takes bearer tokens only, so the
//! page has its own, with the session's policy), its approval steps (who decides each,
//! what they decided, which waits), the forms its reader may use — submit a draft,
//! decide the waiting step (its approver only; a rejection needs a reason), revise a
//! rejected or approved revision, record the customer's signature — and what changed
//! from the previous revision.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::catalog::requests::Verdict;
use psops_core::code::Code;
use psops_core::policy::{Action, Subject};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::sows::{Sow, SowFilter, SowStatus, diff};
use psops_core::scoping::store::Signature;
use psops_core::store::{Created, RecordStore, Records as _};
use psops_core::{Error, FieldError, Id};
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, day, label, path_id, subject, user_names};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping::{open_to, when};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Sow, UiError> {
    open_to(s)?;
    let w: Sow = RecordStore::<Sow>::get(&*st.store, Id::new(path_id(id)?)).await?;
    allow(st, s, Action::Read, &w).await?;
    Ok(w)
}

#[derive(Serialize)]
struct Step {
    number: i32,
    role: &'static str,
    approver: String,
    decision: Option<&'static str>,
    reason: String,
    when: String,
    waiting: bool,
}

#[derive(Serialize)]
struct Change {
    field: String,
    before: String,
    after: String,
}

#[derive(Serialize)]
struct SowPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    number: String,
    revision: i32,
    title: String,
    status: &'static str,
    opportunity: (i64, String),
    estimate: i64,
    preview: String,
    steps: Vec<Step>,
    earlier: Vec<String>,
    changes: Vec<Change>,
    previous: Option<(i64, i32)>,
    revisions: Vec<(i64, i32, &'static str)>,
    submit: bool,
    decide: Option<&'static str>,
    revise: bool,
    sign: bool,
    signed: Option<String>,
    project: Option<i64>,
    errors: Vec<FieldError>,
    typed: std::collections::HashMap<String, String>,
    done: Option<String>,
    conflict: bool,
}

/// A field's value as a line of the diff: text as it is, lists one item a line.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join("\n"),
        serde_json::Value::Object(m) if m.contains_key("amount_minor") => {
            serde_json::from_value::<psops_core::Money>(v.clone())
                .map(|m| m.to_string())
                .unwrap_or_else(|_| v.to_string())
        }
        other => other.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    w: &Sow,
    errors: Vec<FieldError>,
    typed: Pairs,
    done: Option<String>,
    conflict: bool,
) -> Result<Response, UiError> {
    let o: Opportunity = st.store.get(w.opportunity_id).await?;
    let change = allow(st, s, Action::Update, w).await.is_ok();
    let decisions = st.store.sow_decisions(w.id).await?;
    // Before it is submitted its chain is the one settings hold now: where it will go.
    let chain = if w.chain.is_empty() {
        st.store.settings().await?.scoping.sow_approvers
    } else {
        w.chain.clone()
    };
    let shown_sow = Sow { chain, ..w.clone() };
    let steps = shown_sow.steps(&decisions);
    let mut users: Vec<_> = steps.iter().filter_map(|st| st.approver).collect();
    users.extend(decisions.iter().map(|d| d.decided_by));
    let names = user_names(st, users).await?;
    let who = |u: Option<psops_core::auth::UserId>| match u {
        Some(u) => names.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")),
        None => "no approver designated".into(),
    };
    let decide = steps
        .iter()
        .find(|step| step.waiting && step.approver == Some(s.user_id))
        .map(|step| step.role.label());
    let revisions: Vec<Sow> = st
        .store
        .every(&SowFilter {
            opportunity_id: Some(w.opportunity_id),
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|r| r.number == w.number)
        .collect();
    let previous = revisions
        .iter()
        .filter(|r| r.revision < w.revision)
        .max_by_key(|r| r.revision);
    let changes = previous
        .map(|a| {
            diff(a, w)
                .into_iter()
                .map(|d| Change {
                    field: super::filters::field(&d.field),
                    before: shown(&d.before),
                    after: shown(&d.after),
                })
                .collect()
        })
        .unwrap_or_default();
    let doc = crate::sow_view::document(st, w).await?;
    let ctx = SowPage {
        frame: frame(me, s),
        id: w.id.get(),
        version: w.meta.version,
        number: w.number.clone(),
        revision: w.revision,
        title: w.fields.title.clone(),
        status: w.status.code(),
        opportunity: (o.id.get(), o.fields.name.clone()),
        estimate: w.fields.estimate_id.get(),
        // The fragment's own <style> is dropped: the page links it as a file instead.
        preview: {
            let html = crate::sow_doc::html(&doc);
            match html.split_once("</style>") {
                Some((_, rest)) => rest.to_string(),
                None => html,
            }
        },
        steps: steps
            .iter()
            .map(|step| Step {
                number: step.step + 1,
                role: step.role.label(),
                approver: who(step.approver),
                decision: step.decision.as_ref().map(|d| d.decision.code()),
                reason: step
                    .decision
                    .as_ref()
                    .and_then(|d| d.reason.clone())
                    .unwrap_or_default(),
                when: step.decision.as_ref().map(|d| when(d.decided_at)).unwrap_or_default(),
                waiting: step.waiting,
            })
            .collect(),
        earlier: decisions
            .iter()
            .filter(|d| d.round < w.round)
            .map(|d| {
                format!(
                    "Round {}, {}: {} by {} on {}{}",
                    d.round,
                    label(&d.step_name),
                    d.decision.code(),
                    who(Some(d.decided_by)),
                    day(Some(d.decided_at.date())),
                    d.reason.as_ref().map(|r| format!(" — {r}")).unwrap_or_default()
                )
            })
            .collect(),
        changes,
        previous: previous.map(|p| (p.id.get(), p.revision)),
        revisions: revisions
            .iter()
            .map(|r| (r.id.get(), r.revision, r.status.code()))
            .collect(),
        submit: change && w.status == SowStatus::Draft,
        decide: decide.filter(|_| w.status == SowStatus::InReview),
        revise: change && matches!(w.status, SowStatus::Rejected | SowStatus::Approved),
        sign: change && w.status == SowStatus::Approved,
        signed: w
            .signed_at
            .map(|at| format!("Signed by {} on {}", w.signed_by.clone().unwrap_or_default(), when(at))),
        project: w.project_id.map(|p| p.get()),
        errors,
        typed: typed.0.into_iter().collect(),
        done,
        conflict,
    };
    let status = super::admin::status_of(&ctx.errors, ctx.conflict);
    Ok((status, render("sow.html", ctx)?).into_response())
}

/// `GET /scoping/sows/{id}`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let w = readable(&st, &s, &id).await?;
    let done = p.get("done").map(|d| match d {
        "drafted" => "Drafted: check the preview, then submit it for approval.".to_string(),
        "submitted" => "Submitted: the first step of the chain decides it now.".to_string(),
        "revised" => "A new draft revision: change it and submit it again.".to_string(),
        "signed" => "Signed: the opportunity is closed won and its project created.".to_string(),
        other => format!("{}.", label(other)),
    });
    page(&st, &me, &s, &w, Vec::new(), Pairs::default(), done, false).await
}

/// `GET /scoping/sows/{id}/pdf`: the revision as a PDF, for whoever may read it.
pub async fn pdf(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let w = readable(&st, &s, &id).await?;
    let doc = crate::sow_view::document(&st, &w).await?;
    let mut res = crate::sow_doc::pdf(&doc).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{}-r{}.pdf\"", w.number, w.revision)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `POST /scoping/sows/{id}/{action}`: `submit`, `decide` (`decision`, `reason`),
/// `revise` or `sign` (`signed_by`), each with the `version` the page was read at.
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let w = readable(&st, &s, &id).await?;
    if !matches!(action.as_str(), "submit" | "decide" | "revise" | "sign") {
        return Err(super::not_found());
    }
    let kind = if action == "decide" {
        Action::Approve
    } else {
        Action::Update
    };
    let grant = allow(&st, &s, kind, &w).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    let invalid = |field: &str, rule, message: &str| Error::Invalid(vec![FieldError::new(field, rule, message)]);
    let store = &st.store;
    let outcome: Result<(i64, &str), Error> = match action.as_str() {
        "submit" => store.submit_sow(&ctx, w.id, v).await.map(|_| (w.id.get(), "submitted")),
        "decide" => match p.get("decision").and_then(|d| d.parse::<Verdict>().ok()) {
            Some(verdict) => store
                .decide_sow(&ctx, w.id, v, verdict, p.get("reason").map(str::to_string))
                .await
                .map(|_| {
                    (
                        w.id.get(),
                        if verdict == Verdict::Approve {
                            "approved"
                        } else {
                            "rejected"
                        },
                    )
                }),
            None => Err(invalid(
                "decision",
                psops_core::rule::Rule::InvalidValue,
                "decision must be approve or reject",
            )),
        },
        "revise" => store
            .revise_sow(&ctx, w.id, v)
            .await
            .and_then(Created::made)
            .map(|n| (n.id.get(), "revised")),
        _ => match p.get("signed_by") {
            Some(by) => {
                let signature = Signature {
                    signed_by: by.to_string(),
                    today: time::OffsetDateTime::now_utc().date(),
                };
                store
                    .sign_sow(&ctx, w.id, v, signature)
                    .await
                    .map(|_| (w.id.get(), "signed"))
            }
            None => Err(invalid(
                "signed_by",
                psops_core::rule::Rule::Required,
                "signed_by: name who signed for the customer",
            )),
        },
    };
    let (errors, conflict) = match outcome {
        Ok((to, done)) => return Ok(Redirect::to(&format!("/scoping/sows/{to}?done={done}")).into_response()),
        Err(e) => super::admin::refused(e)?,
    };
    let now = readable(&st, &s, &id).await?;
    page(&st, &me, &s, &now, errors, p, None, conflict).await
}
