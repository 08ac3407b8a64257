//! `/api/v1/prime-sows` and `/api/v1/work-authorizations`: a partner's prime SOWs (funds
//! and rates by role) and the work authorizations drawn on them, with the funds of each
//! prime SOW. Kept by ops, finance and administrators; a partner's managers read their
//! own organisation's and nobody at a partner reads another's (a 404, as for a record
//! that does not exist).

use axum::Json;
use axum::extract::State;
use psops_core::page::Page;
use psops_core::partner_funds::authorizations::{WorkAuthorizationFilter, WorkAuthorizationPatch};
use psops_core::partner_funds::prime_sows::{PrimeSowFilter, PrimeSowPatch};
use psops_core::partner_funds::{
    PrimeSow, PrimeSowFields, PrimeSowStatus, SowFunds, WorkAuthorization, WorkAuthorizationFields,
};
use psops_core::partners::PartnerId;
use psops_core::policy::{Action, Subject, partner_funds_scope};
use psops_core::record::Entity;
use psops_core::store::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, IdPath};
use crate::params::{ListQuery, PageParams};
use crate::problem::{ApiResult, ListProblems, ReadProblems};

pub fn router() -> OpenApiRouter<AppState> {
    sows::router().merge(authorizations::router())
}

/// Whose records a list holds for the caller: `Ok(None)` everyone's, `Ok(Some(p))` one
/// partner's; a caller who reads none is answered 404, as a record they may not see.
/// A partner manager asking for another partner gets an empty list.
fn partner_cut(s: &Subject, asked: Option<PartnerId>) -> ApiResult<(Option<PartnerId>, bool)> {
    match partner_funds_scope(s) {
        Some(None) => Ok((asked, false)),
        Some(Some(own)) => Ok((Some(own), asked.is_some_and(|a| a != own))),
        None => Err(psops_core::Error::NotFound {
            entity: psops_core::error::Thing::Entity(Entity::PrimeSow),
            id: String::new(),
        }
        .into()),
    }
}

fn empty<T>() -> Page<T> {
    Page {
        items: Vec::new(),
        next_cursor: None,
    }
}

mod sows {
    use super::*;

    record_routes! {
        record: PrimeSow, fields: PrimeSowFields, patch: PrimeSowPatch, tag: "partners",
        noun: "prime_sow", collection: "/api/v1/prime-sows", item: "/api/v1/prime-sows/{id}",
        archive: "/api/v1/prime-sows/{id}/archive", unarchive: "/api/v1/prime-sows/{id}/unarchive",
    }

    /// Filters of the prime SOW list.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct SowsQuery {
        /// Only this partner's; a partner's managers always get their own organisation's.
        #[param(value_type = Option<i64>)]
        partner_id: Option<String>,
        #[param(value_type = Option<PrimeSowStatus>)]
        status: Option<String>,
        /// Part of the name, any case.
        q: Option<String>,
        /// `true` for archived prime SOWs only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List prime partner SOWs
    #[utoipa::path(get, path = "/api/v1/prime-sows", tag = "partners",
        params(SowsQuery, PageParams),
        responses((status = 200, body = Page<PrimeSow>, description = "A page of prime SOWs"), ListProblems))]
    async fn list_prime_sows(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<SowsQuery>,
    ) -> ApiResult<Json<Page<PrimeSow>>> {
        let (q, mut p, page) = query.split();
        let asked = p.id("partner_id", q.partner_id);
        let filter = PrimeSowFilter {
            partner_id: asked,
            status: p.code("status", q.status),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        let (partner_id, other) = partner_cut(&s, asked)?;
        if other {
            return Ok(Json(empty()));
        }
        let filter = PrimeSowFilter { partner_id, ..filter };
        Ok(Json(st.store.list(&filter, page).await?))
    }

    /// A prime SOW's funds: committed by its work authorizations, consumed by approved
    /// partner hours at their rates, remaining, and whether that is low
    #[utoipa::path(get, path = "/api/v1/prime-sows/{id}/funds", tag = "partners",
        params(IdPath<PrimeSow>),
        responses((status = 200, body = SowFunds, description = "The prime SOW's funds"), ReadProblems))]
    async fn prime_sow_funds(
        State(st): State<AppState>,
        Caller(s): Caller,
        IdPath(id): IdPath<PrimeSow>,
    ) -> ApiResult<Json<SowFunds>> {
        let sow: PrimeSow = st.store.get(id).await?;
        allow(&st, &s, Action::Read, &sow).await?;
        let mut funds = st.store.prime_sow_funds(&[id]).await?;
        Ok(Json(funds.remove(0)))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router()
            .routes(routes!(list_prime_sows))
            .routes(routes!(prime_sow_funds))
    }
}

mod authorizations {
    use super::*;

    record_routes! {
        record: WorkAuthorization, fields: WorkAuthorizationFields, patch: WorkAuthorizationPatch, tag: "partners",
        noun: "work_authorization", collection: "/api/v1/work-authorizations",
        item: "/api/v1/work-authorizations/{id}",
        archive: "/api/v1/work-authorizations/{id}/archive",
        unarchive: "/api/v1/work-authorizations/{id}/unarchive",
    }

    /// Filters of the work authorization list.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct AuthorizationsQuery {
        #[param(value_type = Option<i64>)]
        prime_sow_id: Option<String>,
        #[param(value_type = Option<i64>)]
        project_id: Option<String>,
        /// Only under this partner's prime SOWs; a partner's managers always get their
        /// own organisation's.
        #[param(value_type = Option<i64>)]
        partner_id: Option<String>,
        /// Part of the name or scope, any case.
        q: Option<String>,
        /// `true` for archived work authorizations only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List work authorizations
    #[utoipa::path(get, path = "/api/v1/work-authorizations", tag = "partners",
        params(AuthorizationsQuery, PageParams),
        responses((status = 200, body = Page<WorkAuthorization>, description = "A page of work authorizations"), ListProblems))]
    async fn list_work_authorizations(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<AuthorizationsQuery>,
    ) -> ApiResult<Json<Page<WorkAuthorization>>> {
        let (q, mut p, page) = query.split();
        let asked = p.id("partner_id", q.partner_id);
        let filter = WorkAuthorizationFilter {
            prime_sow_id: p.id("prime_sow_id", q.prime_sow_id),
            project_id: p.id("project_id", q.project_id),
            partner_id: asked,
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        let (partner_id, other) = partner_cut(&s, asked)?;
        if other {
            return Ok(Json(empty()));
        }
        let filter = WorkAuthorizationFilter { partner_id, ..filter };
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_work_authorizations))
    }
}
