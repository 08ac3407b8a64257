//! `/projects/{id}/money`: a project's money — budget burn in hours and money, the
//! estimate at completion and its variance, revenue (and, for those who see cost, cost
//! and margin against the target) month by month, and the work exceptions that raised
//! its budget. Reads what the API's `/projects/{id}/money` answers. Finance and
//! administrators set how a fixed fee is recognised here, as the API's
//! `/projects/{id}/finance` does.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::finance::ledger::{ProjectFinanceInput, RevenueMethod};
use psops_core::finance::margin::words;
use psops_core::policy::{Action, Subject};
use psops_core::projects::ProjectId;
use psops_core::{Currency, Id, Money};
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::charts::{HBar, HBarChart, hbar_chart};
use super::filters::{hours, pct, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::project_tabs::project_tabs;
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::api::finance::read_project;
use crate::authorize::{MoneyOf, allow};
use crate::request_id::RequestId;

#[derive(Serialize)]
struct Row {
    cells: Vec<String>,
    mark: &'static str,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    name: String,
    project_id: i64,
    tabs: Vec<Tab>,
    currency: String,
    method: String,
    fixed_fee: bool,
    facts: Vec<(String, String)>,
    hours_chart: String,
    money_chart: String,
    cost: bool,
    margin: Vec<(String, String)>,
    heads: Vec<&'static str>,
    months: Vec<Row>,
    exceptions: Vec<Row>,
    /// The revenue-method form, for those who may set it on a fixed-fee project.
    method_form: Option<MethodForm>,
    notice: Option<String>,
    errors: Vec<String>,
}

#[derive(Serialize)]
struct MethodForm {
    version: i64,
    choices: Vec<(&'static str, String, bool)>,
}

fn money(minor: i64, c: Currency) -> String {
    Money::new(minor, c).written()
}

fn opt_money(minor: Option<i64>, c: Currency) -> String {
    minor.map(|m| money(m, c)).unwrap_or_else(|| "—".into())
}

fn opt_hours(minutes: Option<i64>) -> String {
    minutes
        .map(|m| hours(psops_core::Minutes(m)))
        .unwrap_or_else(|| "—".into())
}

/// `GET /projects/{id}/money`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: super::filters::Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let pid: ProjectId = Id::new(super::filters::path_id(&id)?);
    let notice = p.get("done").map(|_| "Revenue method saved.".to_string());
    page(&st, &me, &s, pid, notice, Vec::new()).await
}

/// `POST /projects/{id}/money/method`: how the fixed fee is recognised (finance, admin).
pub async fn set_method(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let pid: ProjectId = Id::new(super::filters::path_id(&id)?);
    let grant = allow(
        &st,
        &s,
        Action::Update,
        &MoneyOf {
            project: pid,
            cost: false,
        },
    )
    .await?;
    let version = p.text("version").trim().parse::<i64>().ok();
    let done = match RevenueMethod::from_code(&p.text("revenue_method")) {
        Ok(method) => {
            st.store
                .set_project_finance(
                    &write_ctx(&me, &request, grant),
                    pid,
                    version,
                    ProjectFinanceInput { revenue_method: method },
                )
                .await
        }
        Err(e) => Err(e),
    };
    let (refused, stale) = match done {
        Ok(_) => return Ok(Redirect::to(&format!("/projects/{}/money?done=method", pid.get())).into_response()),
        Err(e) => super::admin::refused(e)?,
    };
    let status = super::admin::status_of(&refused, stale);
    let mut errors: Vec<String> = refused.iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
    if stale {
        errors.push(
            "Someone changed the revenue method meanwhile: it is shown as it is now, and nothing was saved.".into(),
        );
    }
    let mut answer = page(&st, &me, &s, pid, None, errors).await?;
    *answer.status_mut() = status;
    Ok(answer)
}

async fn page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    pid: ProjectId,
    notice: Option<String>,
    errors: Vec<String>,
) -> Result<Response, UiError> {
    let m = read_project(st, s, pid).await?;
    let project: psops_core::projects::Project = psops_core::store::RecordStore::get(&*st.store, pid).await?;
    let c = m.currency;
    let b = &m.burn;
    let h = |m: i64| hours(psops_core::Minutes(m));
    let facts = vec![
        ("Budget (hours)".into(), opt_hours(b.budget_minutes)),
        ("Budget (money)".into(), opt_money(b.budget_minor, c)),
        (
            "Hours logged".into(),
            format!("{} ({} of budget)", h(b.actual_minutes), pct(b.burn_minutes_bp)),
        ),
        (
            "Value at bill rates".into(),
            format!("{} ({} of budget)", money(b.actual_minor, c), pct(b.burn_money_bp)),
        ),
        ("Hours still planned".into(), h(b.remaining_minutes)),
        (
            "Estimate at completion".into(),
            format!("{} · {}", h(b.eac_minutes), money(b.eac_minor, c)),
        ),
        (
            "Variance (budget − EAC)".into(),
            format!("{} · {}", opt_hours(b.variance_minutes), opt_money(b.variance_minor, c)),
        ),
        ("Revenue recognised".into(), money(m.revenue_minor, c)),
    ];
    let mut facts = facts;
    if b.unpriced_minutes > 0 {
        facts.push((
            "Hours without a bill rate".into(),
            format!("{} — add a rate on the Rates page", h(b.unpriced_minutes)),
        ));
    }
    let bar = |label: &str, v: Option<f64>| {
        v.map(|value| HBar {
            label: label.into(),
            value,
            marker: None,
            href: None,
        })
    };
    let major = |minor: i64| minor as f64 / 10f64.powi(c.exponent() as i32);
    let hours_chart = hbar_chart(&HBarChart {
        id: "chart-burn-hours".into(),
        title: "Hours: budget, logged and estimate at completion".into(),
        unit: " h".into(),
        value_name: "Hours".into(),
        bars: [
            bar("Budget", b.budget_minutes.map(|m| m as f64 / 60.0)),
            bar("Logged", Some(b.actual_minutes as f64 / 60.0)),
            bar("At completion", Some(b.eac_minutes as f64 / 60.0)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        empty: "No hours budgeted, logged or planned.".into(),
        ..Default::default()
    });
    let money_chart = hbar_chart(&HBarChart {
        id: "chart-burn-money".into(),
        title: format!("Money at bill rates ({c}): budget, to date and at completion"),
        value_name: c.to_string(),
        bars: [
            bar("Budget", b.budget_minor.map(major)),
            bar("To date", Some(major(b.actual_minor))),
            bar("At completion", Some(major(b.eac_minor))),
        ]
        .into_iter()
        .flatten()
        .collect(),
        empty: "No budget or priced hours yet.".into(),
        ..Default::default()
    });
    let cost = m.cost.is_some();
    let margin = m
        .cost
        .as_ref()
        .map(|k| {
            vec![
                ("Cost".into(), money(k.cost_minor, c)),
                ("Gross margin".into(), money(k.margin_minor, c)),
                (
                    "Margin %".into(),
                    format!("{} (target {})", pct(k.margin_bp), pct(Some(m.target_bp))),
                ),
            ]
        })
        .unwrap_or_default();
    let months = m
        .months
        .iter()
        .map(|pm| {
            let mut cells = vec![pm.month.to_string(), money(pm.revenue_minor, c)];
            if cost {
                cells.push(money(pm.cost_minor, c));
                cells.push(money(pm.revenue_minor - pm.cost_minor, c));
                cells.push(pct(pm.reporting.margin_bp));
            }
            cells.push(if pm.closed { "Closed".into() } else { "Open".into() });
            Row {
                cells,
                mark: if cost && pm.revenue_minor < pm.cost_minor {
                    "loss"
                } else {
                    ""
                },
            }
        })
        .collect();
    let exceptions = m
        .exceptions
        .iter()
        .map(|e| Row {
            cells: vec![
                e.title.clone(),
                e.cause.as_deref().map(words).unwrap_or_default(),
                opt_hours(e.added_minutes),
                match (e.added_minor, e.currency) {
                    (Some(a), Some(cur)) => money(a, cur),
                    _ => "—".into(),
                },
            ],
            mark: "",
        })
        .collect();
    let heads = if cost {
        vec!["Month", "Revenue", "Cost", "Margin", "Margin %", "Period"]
    } else {
        vec!["Month", "Revenue", "Period"]
    };
    let fixed_fee = project.fields.billing_type == psops_core::projects::BillingType::FixedFee;
    let method_form = if fixed_fee
        && allow(
            st,
            s,
            Action::Update,
            &MoneyOf {
                project: pid,
                cost: false,
            },
        )
        .await
        .is_ok()
    {
        let now = st.store.project_finance(pid).await?;
        Some(MethodForm {
            version: now.version,
            choices: RevenueMethod::ALL
                .iter()
                .map(|r| (r.code(), words(r.code()), *r == now.revenue_method))
                .collect(),
        })
    } else {
        None
    };
    let view = View {
        frame: frame(me, s),
        name: project.fields.name.clone(),
        project_id: pid.get(),
        tabs: project_tabs(pid, "/money"),
        currency: c.to_string(),
        method: words(&m.revenue_method),
        fixed_fee,
        facts,
        hours_chart,
        money_chart,
        cost,
        margin,
        heads,
        months,
        exceptions,
        method_form,
        notice,
        errors,
    };
    Ok(render("project_money.html", &view)?.into_response())
}
