//! `/api/v1/reports/partners`: per partner over a span of months — delivered hours,
//! revenue, partner cost, margin, CSAT, funds left and the vetting pipeline. Read by
//! those who read every partner's funds (administrators, ops, finance, leadership); a
//! partner's manager reads their own organisation's line without the company's revenue
//! and margin; anyone else is answered 404.

use axum::Json;
use axum::extract::State;
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::partnering::report::{PartnerReport, for_partner};
use psops_core::policy::{Subject, partner_funds_scope};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::finance::{Span, span};
use crate::AppState;
use crate::extract::Caller;
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ListProblems};

/// Whether the subject reads the report (everyone's lines, or their partner's own).
pub fn readable(s: &Subject) -> psops_core::Result<Option<psops_core::partners::PartnerId>> {
    partner_funds_scope(s).ok_or_else(|| psops_core::Error::not_found(Thing::PartnerReport, ""))
}

/// The report over the months from `from` to `to`, as the subject may read it.
pub async fn read(st: &AppState, s: &Subject, from: Month, to: Month) -> psops_core::Result<PartnerReport> {
    let scope = readable(s)?;
    let today = OffsetDateTime::now_utc().date();
    let report = st.store.partner_report(from, to, today).await?;
    Ok(match scope {
        None => report,
        Some(own) => for_partner(report, own),
    })
}

/// Per partner over the months: approved delivered hours and their share of all;
/// revenue the ledger recognised on their consultants' hours and its share of all
/// revenue; partner cost (hours × the authorised rate, as the ledger costs them),
/// margin and margin %; the CSAT of projects they delivered on; funds left on their
/// active prime SOWs; their vetting pipeline — and the totals. Money in the reporting
/// currency's minor units. A partner's manager reads their own line without revenue,
/// margin or shares
#[utoipa::path(get, path = "/api/v1/reports/partners", tag = "reports",
    params(Span),
    responses((status = 200, body = PartnerReport, description = "The partner report"), ListProblems))]
async fn partner_report(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<Span>,
) -> ApiResult<Json<PartnerReport>> {
    readable(&s)?;
    let mut p = Params::new();
    let (from, to) = span(&st, &mut p, q.from, q.to).await?;
    p.finish()?;
    Ok(Json(read(&st, &s, from, to).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(partner_report))
}
