//! `/portfolio`: delivery on one page for PS leadership and regional managers (a project
//! manager sees their own projects' part): three charts — the active projects by RAG,
//! open escalations by severity, CSAT this quarter against last — then the lists behind
//! them, each line linking to its record. Everything comes from the API's one read.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::code::Code;
use psops_core::delivery::portfolio::Portfolio;
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use serde::Serialize;

use super::charts::{HBar, HBarChart, Target, hbar_chart};
use super::filters::subject;
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;

/// Whether the subject reads the portfolio (and gets it in the navigation).
pub fn sees_portfolio(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Portfolio) == Decision::Allow
}

#[derive(Serialize)]
struct Line {
    href: String,
    cells: Vec<String>,
    /// A class for the row's mark: `red`, `yellow`, `green`, `overdue`.
    mark: &'static str,
}

#[derive(Serialize)]
struct Csat {
    quarter: String,
    percent: String,
    answered: i64,
    sent: i64,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    active: i64,
    rag_chart: String,
    escalation_chart: String,
    csat_chart: String,
    watch: Vec<Line>,
    overdue_reports: Vec<Line>,
    raid: Vec<Line>,
    escalations: Vec<Line>,
    awaiting: Vec<Line>,
    csat: [Csat; 2],
    /// The reader may open the CSAT report the figures come from.
    csat_link: bool,
    overdue_escalations: i64,
}

fn view(p: &Portfolio, csat_link: bool) -> (String, String, String) {
    let bar = |label: &str, value: i64, href: &str| HBar {
        label: label.into(),
        value: value as f64,
        marker: None,
        href: Some(href.into()),
    };
    let rag = HBarChart {
        id: "chart-rag".into(),
        title: format!("Active projects by overall RAG ({})", p.active),
        value_name: "Projects".into(),
        bars: if p.active == 0 {
            Vec::new()
        } else {
            vec![
                bar("Red", p.rag.red, "#watch"),
                bar("Yellow", p.rag.yellow, "#watch"),
                bar("Green", p.rag.green, "/projects?status=active"),
                bar("No report yet", p.rag.unreported, "#overdue-reports"),
            ]
        },
        empty: "No active projects.".into(),
        ..Default::default()
    };
    let escalations = HBarChart {
        id: "chart-escalations".into(),
        title: "Open escalations by severity".into(),
        value_name: "Open".into(),
        marker_name: "With an overdue update".into(),
        bars: p
            .escalations
            .by_severity
            .iter()
            .map(|c| HBar {
                label: super::filters::label(c.severity.code()),
                value: c.open as f64,
                marker: (c.overdue > 0).then_some(c.overdue as f64),
                href: Some(format!("/escalations?severity={}", c.severity.code())),
            })
            .collect(),
        empty: "No open escalations.".into(),
        ..Default::default()
    };
    let pct = |bp: Option<i64>| bp.map_or(0.0, |bp| bp as f64 / 100.0);
    let csat = HBarChart {
        id: "chart-csat".into(),
        title: "CSAT: share of answers of 4 or 5".into(),
        unit: "%".into(),
        value_name: "CSAT".into(),
        bars: [
            (&p.csat.last_quarter, &p.csat.last),
            (&p.csat.this_quarter, &p.csat.this),
        ]
        .into_iter()
        .filter(|(_, t)| t.answered > 0)
        .map(|(q, t)| HBar {
            label: q.clone(),
            value: pct(t.csat_bp()),
            marker: None,
            href: csat_link.then(|| "/reports/csat".into()),
        })
        .collect(),
        reference: Some(Target {
            label: "85 %".into(),
            value: 85.0,
        }),
        empty: "No survey answered in these two quarters yet.".into(),
        ..Default::default()
    };
    (hbar_chart(&rag), hbar_chart(&escalations), hbar_chart(&csat))
}

/// `GET /portfolio`.
pub async fn show(State(st): State<AppState>, me: SignedIn) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let p = crate::api::portfolio::read(&st, &s).await?;
    let csat_link = decide(&s, Action::Read, &Resource::CsatReport) == Decision::Allow;
    let (rag_chart, escalation_chart, csat_chart) = view(&p, csat_link);
    let day = |d: time::Date| super::locale::shown(d);
    let watch = p
        .watch
        .iter()
        .map(|h| Line {
            href: format!("/projects/{}/health", h.project_id),
            cells: vec![
                h.project_name.clone(),
                super::filters::label(h.overall.code()),
                h.trend
                    .map(|t| super::filters::label(t.code()))
                    .unwrap_or_else(|| "First report".into()),
                super::filters::label(h.sentiment.code()),
                h.week.to_string(),
            ],
            mark: h.overall.code(),
        })
        .collect();
    let overdue_reports = p
        .overdue_reports
        .iter()
        .map(|o| Line {
            href: format!("/projects/{}/health", o.project_id),
            cells: vec![
                o.project_name.clone(),
                o.project_manager_name.clone().unwrap_or_else(|| "No manager".into()),
                o.weeks.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            ],
            mark: "overdue",
        })
        .collect();
    let raid = p
        .escalated_raid
        .iter()
        .map(|e| Line {
            href: format!("/projects/{}/raid", e.item.fields.project_id),
            cells: vec![
                e.project_name.clone(),
                super::filters::label(e.item.fields.kind.code()),
                e.item.fields.title.clone(),
                super::filters::label(e.item.fields.priority.code()),
                e.owner_name.clone().unwrap_or_default(),
                e.item.fields.due_date.map(day).unwrap_or_default(),
            ],
            mark: "",
        })
        .collect();
    let now = p.at;
    let escalations = p
        .escalations
        .open
        .iter()
        .map(|e| Line {
            href: format!("/escalations/{}", e.id),
            cells: vec![
                e.fields.title.clone(),
                super::filters::label(e.fields.severity.code()),
                super::filters::label(e.status.code()),
                day(e.next_update_due.date()),
            ],
            mark: if e.is_overdue(now) { "overdue" } else { "" },
        })
        .collect();
    let awaiting = p
        .awaiting_acceptance
        .iter()
        .map(|a| Line {
            href: format!("/projects/{}/milestones", a.project_id),
            cells: vec![
                a.project_name.clone(),
                a.milestone_name.clone(),
                a.amount.map(|m| m.written()).unwrap_or_default(),
                day(a.requested_on),
                day(a.passive_on),
            ],
            mark: "",
        })
        .collect();
    let csat = |quarter: &String, t: &psops_core::delivery::surveys::CsatTally| Csat {
        quarter: quarter.clone(),
        percent: super::filters::pct(t.csat_bp()),
        answered: t.answered,
        sent: t.sent,
    };
    let v = View {
        frame: frame(&me, &s),
        active: p.active,
        rag_chart,
        escalation_chart,
        csat_chart,
        watch,
        overdue_reports,
        raid,
        escalations,
        awaiting,
        csat: [
            csat(&p.csat.this_quarter, &p.csat.this),
            csat(&p.csat.last_quarter, &p.csat.last),
        ],
        overdue_escalations: p.escalations.by_severity.iter().map(|c| c.overdue).sum(),
        csat_link,
    };
    Ok(render("portfolio.html", v)?.into_response())
}
