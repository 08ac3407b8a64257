//! `/api/v1/training-partners`: the compliance of each training service partner (a
//! partner with a `training_since` day) with the programme's terms. Read by those who
//! read every partner's standing (administrators, ops, finance, leadership); a partner's
//! manager reads their own organisation's; anyone else is answered 404.

use axum::Json;
use axum::extract::State;
use psops_core::education::tsp::{Compliance, TspSettings};
use psops_core::error::Thing;
use psops_core::partners::{Partner, PartnerId};
use psops_core::policy::{Subject, partner_funds_scope};
use psops_core::record::Entity;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{Caller, IdPath};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ListProblems, ReadProblems};

/// The day compliance is judged on.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// A day (`YYYY-MM-DD`), today or before; today when absent.
    #[param(value_type = Option<Date>)]
    pub as_of: Option<String>,
}

/// Every training service partner's compliance on a day, with the terms it is held to.
#[derive(Serialize, ToSchema)]
pub struct TspReport {
    pub as_of: Date,
    pub terms: TspSettings,
    pub partners: Vec<Compliance>,
}

/// The day asked for, today when absent; a bad day, or one after today (whose classes
/// have not happened), is an error naming `as_of`.
pub fn as_of(p: &mut Params, q: AsOf) -> Date {
    let today = OffsetDateTime::now_utc().date();
    match p.date("as_of", q.as_of) {
        Some(day) if day > today => {
            p.add(
                "as_of",
                psops_core::rule::Rule::Range,
                format!("as_of is judged on a day that has come: today ({today}) or before"),
            );
            today
        }
        day => day.unwrap_or(today),
    }
}

/// The compliance on `as_of` the subject reads, of every partner they may see or only
/// `partner`.
pub async fn read(
    st: &AppState,
    s: &Subject,
    as_of: Date,
    partner: Option<PartnerId>,
) -> psops_core::Result<TspReport> {
    let Some(own) = partner_funds_scope(s) else {
        return Err(psops_core::Error::not_found(Thing::Object, "training-partners"));
    };
    let not_found = |id: PartnerId| psops_core::Error::not_found(Thing::Entity(Entity::Partner), id.to_string());
    if let (Some(own), Some(asked)) = (own, partner)
        && own != asked
    {
        return Err(not_found(asked));
    }
    let settings = st.store.settings().await?;
    let partners = st
        .store
        .tsp_compliance(
            &settings.training_partners,
            &settings.fiscal_calendar(),
            as_of,
            partner.or(own),
        )
        .await?;
    if let Some(asked) = partner
        && partners.is_empty()
    {
        return Err(not_found(asked));
    }
    Ok(TspReport {
        as_of,
        terms: settings.training_partners,
        partners,
    })
}

/// Each training service partner's compliance: certified trainers and courses against
/// the minimum by the end of the ramp-up after its enrolment quarter, training CSAT
/// against the floor, and classes whose roster or surveys were late — with what is
/// missing in words. A partner's manager reads their own organisation's
#[utoipa::path(get, path = "/api/v1/training-partners", tag = "education",
    params(AsOf),
    responses((status = 200, body = TspReport, description = "Training service partners' compliance"), ListProblems, ReadProblems))]
async fn list_training_partners(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<AsOf>,
) -> ApiResult<Json<TspReport>> {
    let mut p = Params::new();
    let day = as_of(&mut p, q);
    p.finish()?;
    Ok(Json(read(&st, &s, day, None).await?))
}

/// One training service partner's compliance; 404 for a partner not enrolled as one
#[utoipa::path(get, path = "/api/v1/training-partners/{id}", tag = "education",
    params(IdPath<Partner>, AsOf),
    responses((status = 200, body = Compliance, description = "The partner's compliance"), ReadProblems, ListProblems))]
async fn get_training_partner(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Partner>,
    Query(q): Query<AsOf>,
) -> ApiResult<Json<Compliance>> {
    let mut p = Params::new();
    let day = as_of(&mut p, q);
    p.finish()?;
    let mut report = read(&st, &s, day, Some(id)).await?;
    Ok(Json(report.partners.remove(0)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_training_partners))
        .routes(routes!(get_training_partner))
}
