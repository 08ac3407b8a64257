//! `/api/v1/education-report`: per calendar quarter of a range, classes delivered, seats
//! offered and filled, learners attending and training revenue recognised; per trainer,
//! classes, class days, utilization and training CSAT. Administrators, operations,
//! finance, practice managers and leadership read everyone's; a partner's managers their
//! own trainers' (and the quarters of their classes); others are refused (403).

use axum::Json;
use axum::extract::State;
use psops_core::education::report::{EducationReport, MAX_QUARTERS, TrainerScope, check_range, default_from};
use psops_core::policy::{Subject, education_report_scope};
use psops_core::{Error, Result};
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::Caller;
use crate::params::{Params, Query};
use crate::problem::{ApiResult, Problem};

/// The days the report covers.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// The first day (YYYY-MM-DD); the first day of the calendar quarter three before
    /// `to`'s when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// The last day, included (YYYY-MM-DD); today when absent. The range may touch at
    /// most 8 calendar quarters.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
}

/// Whose trainers the subject reads, or the refusal.
pub fn scope_of(s: &Subject) -> Result<TrainerScope> {
    match education_report_scope(s) {
        Some(None) => Ok(TrainerScope::All),
        Some(Some(p)) => Ok(TrainerScope::Partner(p)),
        None => Err(Error::Forbidden(
            "your roles do not allow you to read the education report".into(),
        )),
    }
}

/// The range of `from` and `to` as given, each defaulted when absent; every mistake in
/// `p` under its parameter's name.
pub fn range_of(p: &mut Params, from: Option<&str>, to: Option<&str>, today: Date) -> Option<(Date, Date)> {
    let (gave_from, gave_to) = (from.is_some(), to.is_some());
    let to_day = p.date("to", to);
    let from_day = p.date("from", from);
    if (gave_to && to_day.is_none()) || (gave_from && from_day.is_none()) {
        return None;
    }
    let to = to_day.unwrap_or(today);
    let from = from_day.unwrap_or_else(|| default_from(to));
    p.keep("to", check_range(from, to)).map(|r| (r.start, r.end))
}

/// The report for the subject over `from`..`to`.
pub async fn read(st: &AppState, s: &Subject, from: Date, to: Date) -> Result<EducationReport> {
    let scope = scope_of(s)?;
    let range = check_range(from, to)?;
    st.store.education_report(range, scope).await
}

/// The education report. Per calendar quarter (cut to the range): classes completed
/// whose last day falls in it, their seats (12 each plus add-on seats) and registrations
/// not cancelled, the fill rate and attending learners (whole percent), and the training
/// revenue recognition placed in its months (reporting currency, minor units; revenue is
/// kept by month, so a range cut mid-month counts that whole month). Per trainer with a
/// class in the range: classes, class days, utilization (class-day hours over the
/// trainer's available hours in the range, as the utilization report has them) and
/// training CSAT (answers of 4–5 per answered survey, leaving out learners of the
/// trainer's own organisation). `from`..`to` defaults to this calendar quarter and the
/// three before, up to today, and may touch at most 8 quarters (422 past that)
#[utoipa::path(get, path = "/api/v1/education-report", tag = "education",
    params(RangeQuery),
    responses((status = 200, body = EducationReport, description = "The education report"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "No valid API token"),
        (status = 403, body = Problem, content_type = "application/problem+json",
            description = "Not one who reads the education report"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "A bad date, a range that runs backwards or touches more than 8 quarters")))]
async fn education_report(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<RangeQuery>,
) -> ApiResult<Json<EducationReport>> {
    scope_of(&s)?;
    let mut p = Params::new();
    let today = OffsetDateTime::now_utc().date();
    let range = range_of(&mut p, q.from.as_deref(), q.to.as_deref(), today);
    p.finish()?;
    let Some((from, to)) = range else {
        return Err(Error::internal("a range without errors").into());
    };
    Ok(Json(read(&st, &s, from, to).await?))
}

// The route's description and `RangeQuery` state the limit as 8 in words.
const _: () = assert!(MAX_QUARTERS == 8, "the documented limit is 8 quarters");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(education_report))
}
