//! Who could take a resource request, capacity first:
//! `/api/v1/resource-requests/{id}/candidates`. Read as the request's plan is read; the
//! company's people's free hours are never shown to a partner's people.

use axum::Json;
use axum::extract::State;
use psops_core::partnering::candidates::Candidates;
use psops_core::plan::ResourceRequest;
use psops_core::policy::{Action, Subject};
use psops_core::store::RecordStore;
use time::{Date, OffsetDateTime};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, IdPath};
use crate::problem::{ApiResult, ReadProblems};

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// The candidates of a request for whoever may read its plan; someone at a partner who
/// may read the plan is refused (403): the answer is the company's own people's capacity.
pub async fn read(
    st: &AppState,
    s: &Subject,
    id: psops_core::plan::ResourceRequestId,
) -> psops_core::Result<Candidates> {
    let request: ResourceRequest = RecordStore::<ResourceRequest>::get(&*st.store, id).await?;
    allow(st, s, Action::Read, &request).await?;
    if s.partner_id.is_some() {
        return Err(psops_core::Error::Forbidden(
            "the candidates of a request show the company's own people's free hours: not for a partner's people".into(),
        ));
    }
    st.store.request_candidates(id, today()).await
}

/// List who could take a resource request over its dates (else its project's): the
/// company's own people of its role with their free hours (calendar capacity less their
/// assignments) and their levels in the skills it asks for, then the vetted consultants
/// of active partners — suggested only when no internal person can take it
#[utoipa::path(get, path = "/api/v1/resource-requests/{id}/candidates", tag = "projects",
    params(IdPath<ResourceRequest>),
    responses((status = 200, body = Candidates, description = "The request's candidates, capacity first"), ReadProblems))]
async fn get_candidates(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<ResourceRequest>,
) -> ApiResult<Json<Candidates>> {
    Ok(Json(read(&st, &s, id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_candidates))
}
