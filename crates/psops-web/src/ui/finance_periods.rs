//! `/finance/periods`: the months finance closes, newest first, with their status (open,
//! closed by whom and when, reopened with the reason) and their recognised revenue and
//! cost; finance and administrators recognise now, close a month that has ended and
//! reopen a closed one with a reason. Read by those who see the organisation's money.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::ledger::{PeriodState, PeriodStatus};
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::record::Entity;
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, write_ctx};
use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::request_id::RequestId;

const FINANCE: Fixed = Fixed(Resource::Finance, Thing::Finance);
const PERIODS: Fixed = Fixed(Resource::LockedPeriods, Thing::Entity(Entity::PeriodClose));

/// Whether the nav shows the page: those who see the organisation's money.
pub fn sees_periods(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Finance) == Decision::Allow
}

#[derive(Serialize)]
struct Row {
    month: String,
    status: &'static str,
    status_code: &'static str,
    revenue: String,
    cost: String,
    closed: String,
    reopened: String,
    reason: String,
    can_close: bool,
    can_reopen: bool,
}

#[derive(Serialize)]
struct PeriodsPage {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<super::listing::Tab>,
    rows: Vec<Row>,
    recognises: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

fn when(t: Option<OffsetDateTime>) -> String {
    t.map(|t| format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

fn money(m: Option<psops_core::Money>) -> String {
    m.map(|m| format!("{} {}", m.written(), m.currency)).unwrap_or_default()
}

async fn who(st: &AppState, id: Option<psops_core::auth::UserId>) -> String {
    match id {
        Some(id) => st
            .store
            .user(id)
            .await
            .map(|u| u.name)
            .unwrap_or_else(|_| format!("user {id}")),
        None => "the command line".into(),
    }
}

async fn show(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, UiError> {
    allow(st, s, Action::Read, &FINANCE).await?;
    let today = OffsetDateTime::now_utc().date();
    let acts = decide(s, Action::Create, &Resource::LockedPeriods) == Decision::Allow;
    let mut rows = Vec::new();
    for p in st.store.periods(today).await? {
        let PeriodStatus {
            month,
            status,
            closed_by,
            closed_at,
            reopened_by,
            reopened_at,
            reopen_reason,
            revenue,
            cost,
        } = p;
        let closed = match closed_at {
            Some(_) => format!("{} by {}", when(closed_at), who(st, closed_by).await),
            None => String::new(),
        };
        let reopened = match reopened_at {
            Some(_) => format!("{} by {}", when(reopened_at), who(st, reopened_by).await),
            None => String::new(),
        };
        rows.push(Row {
            month: month.to_string(),
            status: match status {
                PeriodState::Open => "Open",
                PeriodState::Closed => "Closed",
                PeriodState::Reopened => "Reopened",
            },
            status_code: psops_core::code::Code::code(&status),
            revenue: money(revenue),
            cost: money(cost),
            closed,
            reopened,
            reason: reopen_reason.unwrap_or_default(),
            can_close: acts && status != PeriodState::Closed && month.last() < today,
            can_reopen: acts && status == PeriodState::Closed,
        });
    }
    let view = PeriodsPage {
        frame: frame(me, s),
        tabs: if super::finance::sees_finance(s) {
            super::finance::finance_tabs("/finance/periods")
        } else {
            Vec::new()
        },
        rows,
        recognises: decide(s, Action::Create, &Resource::Finance) == Decision::Allow,
        notice,
        errors,
    };
    Ok(render("finance_periods.html", view)?.into_response())
}

/// `GET /finance/periods`
pub async fn page(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let notice = p.get("done").map(|d| {
        d.chars()
            .filter(|c| c.is_ascii_alphanumeric() || " -:,.".contains(*c))
            .collect()
    });
    show(&st, &me, &s, notice, Vec::new()).await
}

/// A refusal of the rules shown on the page; anything else is the error page.
async fn answer(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    done: psops_core::Result<String>,
) -> Result<Response, UiError> {
    match done {
        Ok(notice) => Ok(Redirect::to(&format!("/finance/periods?done={}", notice.replace(' ', "+"))).into_response()),
        Err(e) => {
            let fields = super::admin::inline(e)?;
            let errors = fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
            show(st, me, s, None, errors).await
        }
    }
}

/// `POST /finance/periods/recognise`: recognise through today (finance, admin).
pub async fn recognise(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Create, &FINANCE).await?;
    let today = OffsetDateTime::now_utc().date();
    let done = st
        .store
        .recognise(&write_ctx(&me, &request, grant), today)
        .await
        .map(|r| {
            format!(
                "Recognised through {today}: {} lines, {} problems",
                r.lines,
                r.problems.len()
            )
        });
    answer(&st, &me, &s, done).await
}

/// `POST /finance/periods/{month}/close` (finance, admin).
pub async fn close(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(month): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Create, &PERIODS).await?;
    let done = match Month::parse(&month, "month") {
        Ok(m) => st
            .store
            .close_period(&write_ctx(&me, &request, grant), m, OffsetDateTime::now_utc().date())
            .await
            .map(|p| format!("Closed {}", p.month)),
        Err(e) => Err(e),
    };
    answer(&st, &me, &s, done).await
}

/// `POST /finance/periods/{month}/reopen` with the reason (finance, admin).
pub async fn reopen(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(month): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let grant = allow(&st, &s, Action::Update, &PERIODS).await?;
    let done = match Month::parse(&month, "month") {
        Ok(m) => st
            .store
            .reopen_period(&write_ctx(&me, &request, grant), m, &p.text("reason"))
            .await
            .map(|p| format!("Reopened {}", p.month)),
        Err(e) => Err(e),
    };
    answer(&st, &me, &s, done).await
}
