//! `/reports/csat`: CSAT % and the response rate by quarter, offering, project manager,
//! region or partner — the table the API's report answers, for those who may read it.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::code::Code;
use psops_core::delivery::surveys::CsatBy;
use psops_core::error::Thing;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use serde::Serialize;

use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::listing::Tab;
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};

#[derive(Serialize)]
struct Row {
    group: String,
    sent: i64,
    answered: i64,
    satisfied: i64,
    csat: String,
    response: String,
}

#[derive(Serialize)]
struct View {
    #[serde(flatten)]
    frame: Frame,
    tabs: Vec<Tab>,
    by: &'static str,
    rows: Vec<Row>,
}

fn label(by: CsatBy) -> &'static str {
    match by {
        CsatBy::Quarter => "Quarter",
        CsatBy::Offering => "Offering",
        CsatBy::Pm => "Project manager",
        CsatBy::Region => "Region",
        CsatBy::Partner => "Partner",
    }
}

/// `GET /reports/csat?by=quarter|offering|pm|region|partner`.
pub async fn show(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    allow(
        &st,
        &s,
        Action::Read,
        &Fixed(Resource::CsatReport, Thing::Entity(Entity::Survey)),
    )
    .await?;
    let by = p
        .get("by")
        .and_then(|b| b.parse::<CsatBy>().ok())
        .unwrap_or(CsatBy::Quarter);
    let rows = st
        .store
        .csat_report(by)
        .await?
        .into_iter()
        .map(|r| Row {
            group: r.group,
            sent: r.tally.sent,
            answered: r.tally.answered,
            satisfied: r.tally.satisfied,
            csat: super::filters::pct(r.csat_bp),
            response: super::filters::pct(r.response_rate_bp),
        })
        .collect();
    let tabs = CsatBy::ALL
        .iter()
        .map(|b| Tab {
            href: format!("/reports/csat?by={}", b.code()),
            label: label(*b),
            current: *b == by,
        })
        .collect();
    let v = View {
        frame: frame(&me, &s),
        tabs,
        by: label(by),
        rows,
    };
    Ok(render("csat_report.html", v)?.into_response())
}
