//! `/admin`: the index of the admin area, what its forms share (the fields of a posted
//! form, the write context, a refusal turned into inline errors), and time off waiting
//! for a decision. Every section checks the policy itself; the index only lists them.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::calendars::{TimeOffDecision, TimeOffFilter, TimeOffStatus};
use psops_core::page::PageRequest;
use psops_core::people::PersonFilter;
use psops_core::policy::{Action, Grant, Subject, list_scope};
use psops_core::rule::Rule;
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::Records as _;
use psops_core::store::WriteCtx;
use psops_core::{Error, FieldError};
use serde::Serialize;

use super::filters::{Pairs, path_id, person_names, subject};
use super::form::Form;
use super::layout::{Frame, decides_all_time_off, frame, runs_settings, sees_audit, sees_users};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// A posted form as name/value pairs (repeated names, such as role checkboxes, kept).
pub type Fields = Form<Vec<(String, String)>>;

/// Reads a posted form like a query string; checks its CSRF token first.
pub fn fields(me: &SignedIn, Form(pairs): Fields) -> Result<Pairs, UiError> {
    let p = Pairs(pairs);
    me.check_csrf(p.get("csrf").unwrap_or_default())?;
    Ok(p)
}

/// Who writes, for the audit log, once the policy allowed it.
pub fn write_ctx(me: &SignedIn, request: &RequestId, grant: Grant) -> WriteCtx {
    WriteCtx::granted(grant, me.user.id, Some(request.0.clone()))
}

/// A refusal the page answers inline (the rule broken, on the field); anything else
/// becomes the error page.
pub fn inline(e: Error) -> Result<Vec<FieldError>, UiError> {
    match e {
        Error::Invalid(errors) => Ok(errors),
        Error::Conflict(f) => Ok(vec![f]),
        other => Err(other.into()),
    }
}

/// Like [`inline`], for an action on a record the reader saw at a version: also whether
/// someone changed it meanwhile (`true`: shown as it is now, nothing done).
pub fn refused(e: Error) -> Result<(Vec<FieldError>, bool), UiError> {
    match e {
        Error::PreconditionFailed { .. } => Ok((Vec::new(), true)),
        other => inline(other).map(|errors| (errors, false)),
    }
}

/// What a page shown again after an action answers: 409 for a stale version or a gate
/// (the state refuses it), 422 for broken rules, else 200.
pub fn status_of(errors: &[FieldError], conflict: bool) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if conflict || errors.iter().any(|e| e.rule == psops_core::rule::Rule::Gate) {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Serialize)]
struct Section {
    href: &'static str,
    title: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct IndexPage {
    #[serde(flatten)]
    frame: Frame,
    sections: Vec<Section>,
}

pub async fn index(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let mut sections = Vec::new();
    let mut add = |href, title, text| sections.push(Section { href, title, text });
    if sees_users(&s) {
        add(
            "/admin/users",
            "Users and roles",
            "Create users, change their roles, disable them.",
        );
    }
    add(
        "/tokens",
        "API tokens",
        "Your tokens for the REST API; admins see everyone's.",
    );
    if sees_audit(&s) {
        add(
            "/admin/audit",
            "Audit log",
            "Every change with who, when, before and after.",
        );
    }
    add(
        "/admin/capacity",
        "Capacity policy",
        "Day length, allowances, billable targets and the handbook table.",
    );
    add(
        "/admin/calendars",
        "Holiday calendars",
        "Regional holidays, added by hand or imported.",
    );
    if decides_time_off(&st, &s).await? {
        add("/admin/time-off", "Time off", "Requests waiting for a decision.");
    }
    if psops_core::policy::notification_scope(&s) != psops_core::notify::NotificationScope::Nothing {
        add(
            "/admin/outbox",
            "Outbox",
            "Every message psops mails outside it, with its delivery status; send a failed one again.",
        );
    }
    if !runs_settings(&s) && !sees_users(&s) && !sees_audit(&s) {
        return Err(Error::Forbidden("the admin area is for admins and operations".into()).into());
    }
    Ok(render(
        "admin.html",
        IndexPage {
            frame: frame(&me, &s),
            sections,
        },
    )?
    .into_response())
}

/// Admins and ops decide all time off; a line manager their own people's.
async fn decides_time_off(st: &AppState, s: &Subject) -> Result<bool, UiError> {
    if decides_all_time_off(s) {
        return Ok(true);
    }
    let Some(me) = s.person_id.filter(|_| !s.is_partner()) else {
        return Ok(false);
    };
    let filter = PersonFilter {
        manager_id: Some(me),
        archived: Some(false),
        ..Default::default()
    };
    let one = PageRequest { after: None, limit: 1 };
    Ok(!st.store.list(&filter, one).await?.items.is_empty())
}

#[derive(Serialize)]
struct TimeOffRow {
    name: String,
    #[serde(flatten)]
    run: super::time_off::Run,
}

#[derive(Serialize)]
struct TimeOffPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<TimeOffRow>,
    pager: super::table::Pager,
    errors: Vec<FieldError>,
    failed: Option<i64>,
    reason: String,
    notice: Option<&'static str>,
}

/// What the time-off page says beside its list: a notice after a decision, or the
/// problems of a refused one with the run (id) and reason it was for.
struct Said {
    status: StatusCode,
    errors: Vec<FieldError>,
    failed: Option<(i64, String)>,
    notice: Option<&'static str>,
}

impl Said {
    fn refused(errors: Vec<FieldError>, failed: Option<(i64, String)>) -> Said {
        Said {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            failed,
            notice: None,
        }
    }
}

/// Requests to decide, oldest first, 50 runs a page (`page` in `p`).
async fn time_off_page(st: &AppState, me: &SignedIn, s: &Subject, p: &Pairs, said: Said) -> Result<Response, UiError> {
    let Said {
        status,
        errors,
        failed,
        notice,
    } = said;
    if !decides_time_off(st, s).await? {
        return Err(Error::Forbidden("only admins, ops and line managers decide time off".into()).into());
    }
    let mut scope = list_scope(s, ListKind::TimeOff);
    if let ListScope::Limited { own, .. } = &mut scope {
        // Nobody decides their own request: show only the people they manage.
        *own = None;
    }
    let filter = TimeOffFilter {
        status: Some(TimeOffStatus::Requested),
        scope,
        ..Default::default()
    };
    // Every request, not a first page of days: runs are made of days, and a page of
    // runs must not stop in the middle of one.
    let found = psops_core::page::every(|page| st.store.list_time_off(&filter, page)).await?;
    // Nobody decides their own time off but an administrator.
    let theirs: Vec<_> = found
        .into_iter()
        .filter(|t| Some(t.person_id) != s.person_id || psops_core::policy::approves_own(s))
        .collect();
    let mut e = crate::params::Params::new();
    let at = super::table::read::<psops_core::sort::ByName>(&mut e, p);
    let mut errors = errors;
    errors.extend(e.into_errors());
    let runs: Vec<_> = psops_core::calendars::runs(&theirs)
        .iter()
        .filter_map(|r| super::time_off::run(r))
        .collect();
    let total = runs.len() as u64;
    let shown = psops_core::sort::Numbered::cut(runs, &at).items;
    let names = person_names(st, shown.iter().map(|r| psops_core::Id::new(r.person_id)).collect()).await?;
    let rows = shown
        .into_iter()
        .map(|run| TimeOffRow {
            name: names.get(&run.person_id).cloned().unwrap_or_default(),
            run,
        })
        .collect();
    let (failed, reason) = match failed {
        Some((id, reason)) => (Some(id), reason),
        None => (None, String::new()),
    };
    let ctx = TimeOffPage {
        frame: frame(me, s),
        rows,
        pager: super::table::pager("/admin/time-off", p, &at, total),
        errors,
        failed,
        reason,
        notice,
    };
    Ok((status, render("admin_time_off.html", ctx)?).into_response())
}

pub async fn time_off(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let notice = p.get("done").map(|_| "Decision recorded.");
    let said = Said {
        status: StatusCode::OK,
        errors: Vec::new(),
        failed: None,
        notice,
    };
    time_off_page(&st, &me, &s, &p, said).await
}

pub async fn decide_time_off(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let id = path_id(&id)?;
    let s = subject(&st, &me).await?;
    let days = super::time_off::posted_days(id, &p)?;
    let mut grant = None;
    for &(day, _) in &days {
        let record = st.store.time_off(day).await?;
        grant = Some(allow(&st, &s, Action::Approve, &record).await?);
    }
    let Some(grant) = grant else {
        return Err(super::not_found());
    };
    let reason = p.text("reason");
    let decision = match p.get("action") {
        Some("approve") => TimeOffDecision::Approve,
        Some("reject") if reason.is_empty() => {
            let e = FieldError::new("reason", Rule::Required, "reason is required to reject time off");
            return time_off_page(&st, &me, &s, &p, Said::refused(vec![e], Some((id, reason)))).await;
        }
        Some("reject") => TimeOffDecision::Reject { reason: reason.clone() },
        _ => {
            let e = FieldError::new("action", Rule::OneOf, "action must be approve or reject");
            return time_off_page(&st, &me, &s, &p, Said::refused(vec![e], None)).await;
        }
    };
    match st
        .store
        .decide_time_off_days(&write_ctx(&me, &request, grant), &days, decision)
        .await
    {
        Ok(_) => {
            // Back to the page the decision was made on, not the first of many.
            let page = p.get("page").and_then(|n| n.parse::<u32>().ok()).filter(|&n| n > 1);
            let to = match page {
                Some(n) => format!("/admin/time-off?done=1&page={n}"),
                None => "/admin/time-off?done=1".to_string(),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            let errors = inline(e)?;
            time_off_page(&st, &me, &s, &p, Said::refused(errors, Some((id, reason)))).await
        }
    }
}
