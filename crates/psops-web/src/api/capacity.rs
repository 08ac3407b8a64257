//! `/api/v1/capacity/*`: the capacity rules with its overrides per region,
//! function and person, the handbook table it gives, and
//! `/api/v1/people/{id}/capacity`: one person's capacity over a range in the policy view
//! (allowances pro-rated) and the calendar view (holidays and approved time off).

use axum::Json as JsonOut;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use psops_core::calendars::{RulesOverrideId, StoredOverride};
use psops_core::capacity::{Capacity, CapacityRules, CapacityView, HandbookRow, RulesOverride};
use psops_core::dates::DateRange;
use psops_core::error::Thing;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Resource, Subject};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{Error, Result};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::period;
use crate::AppState;
use crate::authorize::{Fixed, Guarded, allow};
use crate::extract::{Caller, IdPath, Json, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::no_content;

const POLICY: Fixed = Fixed(Resource::CapacityRules, Thing::Entity(Entity::CapacityRules));

/// A person's figures (capacity, utilization) as the policy sees them.
pub struct FiguresOf<'a>(pub &'a Person);

impl Guarded for FiguresOf<'_> {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Person), self.0.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Figures {
            person_id: self.0.id,
            partner_id: self.0.fields.partner_id,
            manager_id: self.0.fields.manager_id,
        }))
    }
}

/// The person, when the subject may see their figures; not found otherwise.
pub async fn figures_of(st: &AppState, s: &Subject, id: PersonId) -> Result<Person> {
    let person = st.store.get(id).await?;
    allow(st, s, Action::Read, &FiguresOf(&person)).await?;
    Ok(person)
}

/// Read the organisation's base capacity policy.
#[utoipa::path(get, path = "/api/v1/capacity/policy", tag = "capacity",
    responses((status = 200, body = CapacityRules, description = "The base policy"), ReadProblems))]
async fn get_policy(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<CapacityRules>> {
    allow(&st, &s, Action::Read, &POLICY).await?;
    Ok(JsonOut(st.store.capacity_rules().await?))
}

/// Replace the base policy (ops, admin, finance). Fields left out take the handbook's
/// defaults; a policy whose days off exceed the year is refused.
#[utoipa::path(put, path = "/api/v1/capacity/policy", tag = "capacity",
    request_body = CapacityRules,
    responses((status = 200, body = CapacityRules, description = "The new base policy"), ChangeProblems))]
async fn put_policy(
    State(st): State<AppState>,
    writer: Writer,
    body: Json<CapacityRules>,
) -> ApiResult<JsonOut<CapacityRules>> {
    let grant = allow(&st, &writer.subject, Action::Update, &POLICY).await?;
    Ok(JsonOut(
        st.store.update_capacity_rules(&writer.ctx(grant), body.value).await?,
    ))
}

/// Every override, oldest first (later ones win a tie).
#[utoipa::path(get, path = "/api/v1/capacity/overrides", tag = "capacity",
    responses((status = 200, body = Vec<StoredOverride>, description = "The overrides"), ListProblems))]
async fn list_overrides(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<StoredOverride>>> {
    allow(&st, &s, Action::Read, &POLICY).await?;
    Ok(JsonOut(st.store.list_rules_overrides().await?))
}

/// Override the policy for a region, a function or a person from a date.
#[utoipa::path(post, path = "/api/v1/capacity/overrides", tag = "capacity",
    request_body = RulesOverride,
    responses((status = 201, body = StoredOverride, description = "The stored override"), CreateProblems))]
async fn create_override(State(st): State<AppState>, writer: Writer, body: Json<RulesOverride>) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Create, &POLICY).await?;
    let stored = st.store.create_rules_override(&writer.ctx(grant), body.value).await?;
    Ok((StatusCode::CREATED, JsonOut(stored)).into_response())
}

/// Remove an override.
#[utoipa::path(delete, path = "/api/v1/capacity/overrides/{id}", tag = "capacity",
    params(IdPath<StoredOverride>),
    responses((status = 204, description = "Deleted"), ChangeProblems))]
async fn delete_override(
    State(st): State<AppState>,
    writer: Writer,
    IdPath(id): IdPath<StoredOverride>,
) -> ApiResult<Response> {
    let grant = allow(&st, &writer.subject, Action::Delete, &POLICY).await?;
    let id: RulesOverrideId = id;
    st.store.delete_rules_override(&writer.ctx(grant), id).await?;
    Ok(no_content())
}

/// The handbook's capacity table for the base policy: item, formula with the policy's numbers, hours.
#[utoipa::path(get, path = "/api/v1/capacity/handbook", tag = "capacity",
    responses((status = 200, body = Vec<HandbookRow>, description = "The handbook table"), ReadProblems))]
async fn handbook(State(st): State<AppState>, Caller(s): Caller) -> ApiResult<JsonOut<Vec<HandbookRow>>> {
    allow(&st, &s, Action::Read, &POLICY).await?;
    Ok(JsonOut(st.store.capacity_rules().await?.handbook_table()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CapacityQuery {
    /// First day (YYYY-MM-DD); with `to`, instead of `quarter`.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Last day, included.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    /// A fiscal quarter such as `FY2027-Q1` (or `2027-Q1`).
    quarter: Option<String>,
    /// `policy` or `calendar`; both when absent.
    #[param(value_type = Option<CapacityView>)]
    view: Option<String>,
}

/// One person's capacity over a range.
#[derive(Debug, Serialize, ToSchema)]
struct PersonCapacity {
    #[schema(value_type = i64)]
    person_id: PersonId,
    range: DateRange,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<Capacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar: Option<Capacity>,
}

fn view(p: &mut Params, v: Option<String>) -> Option<Option<CapacityView>> {
    match p.text(v).as_deref() {
        None => Some(None),
        Some("policy") => Some(Some(CapacityView::Policy)),
        Some("calendar") => Some(Some(CapacityView::Calendar)),
        Some(other) => {
            let e = Error::invalid(
                "view",
                Rule::OneOf,
                format!("view must be policy or calendar, got '{other}'"),
            );
            p.keep::<()>("view", Err(e));
            None
        }
    }
}

/// A person's capacity: weekday hours while employed × FTE, minus holidays and time off,
/// in the policy view, the calendar view, or both.
#[utoipa::path(get, path = "/api/v1/people/{id}/capacity", tag = "capacity",
    params(IdPath<Person>, CapacityQuery),
    responses((status = 200, body = PersonCapacity, description = "The capacity"), ReadProblems, ListProblems))]
async fn person_capacity(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Person>,
    Query(q): Query<CapacityQuery>,
) -> ApiResult<JsonOut<PersonCapacity>> {
    let person = figures_of(&st, &s, id).await?;
    let fiscal = st.store.settings().await?.fiscal_calendar();
    let mut p = Params::new();
    let range = period::range(&mut p, q.from, q.to, q.quarter, fiscal);
    let view = view(&mut p, q.view);
    p.finish()?;
    let (Some(range), Some(view)) = (range, view) else {
        return Err(Error::invalid("from", Rule::DependsOn, "give from and to, or quarter").into());
    };
    let wants = |v: CapacityView| view.is_none_or(|only| only == v);
    let mut out = PersonCapacity {
        person_id: person.id,
        range,
        policy: None,
        calendar: None,
    };
    if wants(CapacityView::Policy) {
        out.policy = Some(st.store.capacity(person.id, range, CapacityView::Policy).await?);
    }
    if wants(CapacityView::Calendar) {
        out.calendar = Some(st.store.capacity(person.id, range, CapacityView::Calendar).await?);
    }
    Ok(JsonOut(out))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_policy, put_policy))
        .routes(routes!(list_overrides, create_override))
        .routes(routes!(delete_override))
        .routes(routes!(handbook))
        .routes(routes!(person_capacity))
}
