//! `/api/v1/offering-types`, `/api/v1/offerings` and `/api/v1/bundles`: the catalog's
//! taxonomy and the archetype bundles. Every staff member reads the catalog; practice
//! managers and administrators keep it.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(types::router())
        .merge(offerings::router())
        .merge(bundles::router())
}

mod types {
    use axum::Json;
    use axum::extract::State;
    use psops_core::catalog::offerings::{OfferingType, OfferingTypeFields, OfferingTypeFilter, OfferingTypePatch};
    use psops_core::page::Page;
    use psops_core::store::Records as _;
    use serde::Deserialize;
    use utoipa::IntoParams;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::extract::Caller;
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, ListProblems};

    record_routes! {
        record: OfferingType, fields: OfferingTypeFields, patch: OfferingTypePatch, tag: "catalog",
        noun: "offering_type", collection: "/api/v1/offering-types", item: "/api/v1/offering-types/{id}",
        archive: "/api/v1/offering-types/{id}/archive", unarchive: "/api/v1/offering-types/{id}/unarchive",
    }

    /// Filters of the offering types.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct TypesQuery {
        /// The category, any case, e.g. `consulting`.
        category: Option<String>,
        /// Part of the name or category, any case.
        q: Option<String>,
        /// `true` for archived types only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List offering types by category.
    #[utoipa::path(get, path = "/api/v1/offering-types", tag = "catalog",
        params(TypesQuery, PageParams),
        responses((status = 200, body = Page<OfferingType>, description = "A page of offering types"), ListProblems))]
    async fn list_types(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<TypesQuery>,
    ) -> ApiResult<Json<Page<OfferingType>>> {
        let (q, mut p, page) = query.split();
        let filter = OfferingTypeFilter {
            category: p.text(q.category),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::catalog_readable(&st, &s).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_types))
    }
}

mod offerings {
    use axum::Json;
    use axum::extract::State;
    use psops_core::catalog::offerings::{Maturity, Offering, OfferingFields, OfferingFilter, OfferingPatch};
    use psops_core::page::Page;
    use psops_core::store::Records as _;
    use serde::Deserialize;
    use utoipa::IntoParams;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::extract::Caller;
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, ListProblems};

    record_routes! {
        record: Offering, fields: OfferingFields, patch: OfferingPatch, tag: "catalog",
        noun: "offering", collection: "/api/v1/offerings", item: "/api/v1/offerings/{id}",
        archive: "/api/v1/offerings/{id}/archive", unarchive: "/api/v1/offerings/{id}/unarchive",
    }

    /// Filters of the offerings.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct OfferingsQuery {
        #[param(value_type = Option<i64>)]
        type_id: Option<String>,
        /// The category of the offering's type, any case.
        category: Option<String>,
        #[param(value_type = Option<Maturity>)]
        maturity: Option<String>,
        /// Offerings with a live SKU sold through this channel.
        #[param(value_type = Option<psops_core::catalog::Channel>)]
        channel: Option<String>,
        /// Part of the name or description, any case.
        q: Option<String>,
        /// `true` for archived offerings only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List offerings.
    #[utoipa::path(get, path = "/api/v1/offerings", tag = "catalog",
        params(OfferingsQuery, PageParams),
        responses((status = 200, body = Page<Offering>, description = "A page of offerings"), ListProblems))]
    async fn list_offerings(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<OfferingsQuery>,
    ) -> ApiResult<Json<Page<Offering>>> {
        let (q, mut p, page) = query.split();
        let filter = OfferingFilter {
            type_id: p.id("type_id", q.type_id),
            category: p.text(q.category),
            maturity: p.code("maturity", q.maturity),
            channel: p.code("channel", q.channel),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::catalog_readable(&st, &s).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_offerings))
    }
}

mod bundles {
    use axum::Json;
    use axum::extract::State;
    use psops_core::catalog::bundles::{Bundle, BundleFields, BundleFilter, BundlePatch};
    use psops_core::page::Page;
    use psops_core::store::Records as _;
    use serde::Deserialize;
    use utoipa::IntoParams;
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::extract::Caller;
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, ListProblems};

    record_routes! {
        record: Bundle, fields: BundleFields, patch: BundlePatch, tag: "catalog",
        noun: "bundle", collection: "/api/v1/bundles", item: "/api/v1/bundles/{id}",
        archive: "/api/v1/bundles/{id}/archive", unarchive: "/api/v1/bundles/{id}/unarchive",
    }

    /// Filters of the bundles.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct BundlesQuery {
        /// Part of the name or description, any case.
        q: Option<String>,
        /// `true` for archived bundles only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List archetype bundles: offerings suggested together when scoping.
    #[utoipa::path(get, path = "/api/v1/bundles", tag = "catalog",
        params(BundlesQuery, PageParams),
        responses((status = 200, body = Page<Bundle>, description = "A page of bundles"), ListProblems))]
    async fn list_bundles(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<BundlesQuery>,
    ) -> ApiResult<Json<Page<Bundle>>> {
        let (q, mut p, page) = query.split();
        let filter = BundleFilter {
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::catalog_readable(&st, &s).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_bundles))
    }
}
