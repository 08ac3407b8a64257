//! `/api/v1/settings`, the organisation's policy numbers, and `/api/v1/fiscal/quarter`,
//! the fiscal calendar those settings define.

use axum::Json as JsonOut;
use axum::extract::State;
use psops_core::dates::format_date;
use psops_core::error::Thing;
use psops_core::record::Entity;
use psops_core::settings::{Settings, SettingsPatch};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::Fixed;
use crate::extract::{Json, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ChangeProblems, ListProblems, ReadProblems};
use psops_core::policy::{Action, Resource};

/// Read the settings.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings",
    responses((status = 200, body = Settings, description = "The settings"), ReadProblems))]
async fn get_settings(State(st): State<AppState>) -> ApiResult<JsonOut<Settings>> {
    Ok(JsonOut(st.store.settings().await?))
}

/// Change settings: fields left out keep their value.
#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings",
    request_body = SettingsPatch,
    responses((status = 200, body = Settings, description = "The settings"), ChangeProblems))]
async fn update_settings(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<SettingsPatch>,
) -> ApiResult<JsonOut<Settings>> {
    let settings = Fixed(Resource::Settings, Thing::Entity(Entity::Settings));
    let grant = crate::authorize::allow(&st, &writer.subject, Action::Update, &settings).await?;
    Ok(JsonOut(st.store.update_settings(&writer.ctx(grant), body.value).await?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct QuarterQuery {
    /// The day to place (YYYY-MM-DD); today (UTC) when absent.
    #[param(value_type = Option<String>, format = Date)]
    date: Option<String>,
}

/// A fiscal quarter: its name and first and last day.
#[derive(Debug, Serialize, ToSchema)]
struct FiscalQuarterView {
    /// Named for the fiscal year it ends in, e.g. `FY2027-Q1`.
    name: String,
    #[schema(format = Date)]
    start: String,
    #[schema(format = Date)]
    end: String,
}

/// The fiscal quarter a day lies in, by the configured fiscal-year start month.
#[utoipa::path(get, path = "/api/v1/fiscal/quarter", tag = "settings",
    params(QuarterQuery),
    responses((status = 200, body = FiscalQuarterView, description = "The quarter"), ListProblems))]
async fn fiscal_quarter(
    State(st): State<AppState>,
    Query(q): Query<QuarterQuery>,
) -> ApiResult<JsonOut<FiscalQuarterView>> {
    let mut p = Params::new();
    let date = p.date("date", q.date);
    p.finish()?;
    let date = date.unwrap_or_else(|| OffsetDateTime::now_utc().date());
    let calendar = st.store.settings().await?.fiscal_calendar();
    let quarter = calendar.quarter_of(date);
    let range = calendar.quarter_range(quarter);
    Ok(JsonOut(FiscalQuarterView {
        name: quarter.to_string(),
        start: format_date(range.start),
        end: format_date(range.end),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(fiscal_quarter))
}
