//! `/api/v1/skus` and `/api/v1/sku-prices`: what a quote names and its dated list prices,
//! and `/api/v1/skus/{id}/quote`, the price a quote on a day takes — only an active SKU
//! with a price in force is quoted.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().merge(items::router()).merge(prices::router())
}

mod items {
    use axum::Json;
    use axum::extract::State;
    use psops_core::Money;
    use psops_core::catalog::skus::{Channel, Sku, SkuFields, SkuFilter, SkuPatch, SkuStatus};
    use psops_core::page::Page;
    use psops_core::store::{RecordStore, Records as _};
    use serde::{Deserialize, Serialize};
    use utoipa::{IntoParams, ToSchema};
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;
    use crate::extract::{Caller, IdPath};
    use crate::params::{ListQuery, PageParams};
    use crate::problem::{ApiResult, ListProblems, ReadProblems};

    record_routes! {
        record: Sku, fields: SkuFields, patch: SkuPatch, tag: "catalog",
        noun: "sku", collection: "/api/v1/skus", item: "/api/v1/skus/{id}",
        archive: "/api/v1/skus/{id}/archive", unarchive: "/api/v1/skus/{id}/unarchive",
    }

    /// Filters of the SKUs.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct SkusQuery {
        #[param(value_type = Option<i64>)]
        offering_id: Option<String>,
        #[param(value_type = Option<Channel>)]
        channel: Option<String>,
        #[param(value_type = Option<SkuStatus>)]
        status: Option<String>,
        /// Part of the code or name, any case.
        q: Option<String>,
        /// `true` for archived SKUs only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List SKUs.
    #[utoipa::path(get, path = "/api/v1/skus", tag = "catalog",
        params(SkusQuery, PageParams),
        responses((status = 200, body = Page<Sku>, description = "A page of SKUs"), ListProblems))]
    async fn list_skus(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<SkusQuery>,
    ) -> ApiResult<Json<Page<Sku>>> {
        let (q, mut p, page) = query.split();
        let filter = SkuFilter {
            offering_id: p.id("offering_id", q.offering_id),
            channel: p.code("channel", q.channel),
            status: p.code("status", q.status),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::catalog_readable(&st, &s).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    /// The day a quote is priced on.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct QuoteQuery {
        /// The quote's date (YYYY-MM-DD); today when absent.
        #[param(value_type = Option<String>, format = Date)]
        date: Option<String>,
    }

    /// A SKU's list price for a quote.
    #[derive(Serialize, ToSchema)]
    struct Quote {
        #[schema(value_type = i64)]
        sku_id: psops_core::catalog::SkuId,
        code: String,
        date: time::Date,
        price: Money,
    }

    /// The list price a quote on a day takes: refused (422, rule `not_active` or
    /// `price_not_set`) unless the SKU is active and has a price in force.
    #[utoipa::path(get, path = "/api/v1/skus/{id}/quote", tag = "catalog",
        params(IdPath<Sku>, QuoteQuery),
        responses((status = 200, body = Quote, description = "The price in force"), ReadProblems))]
    async fn quote_sku(
        State(st): State<AppState>,
        Caller(s): Caller,
        IdPath(id): IdPath<Sku>,
        query: ListQuery<QuoteQuery>,
    ) -> ApiResult<Json<Quote>> {
        let (q, mut p, _) = query.split();
        let date = p.date("date", q.date);
        p.finish()?;
        let sku = RecordStore::<Sku>::get(&*st.store, id).await?;
        crate::authorize::allow(&st, &s, psops_core::policy::Action::Read, &sku).await?;
        let date = date.unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
        let price = st.store.quote_sku(id, date).await?;
        Ok(Json(Quote {
            sku_id: id,
            code: sku.fields.code,
            date,
            price,
        }))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_skus)).routes(routes!(quote_sku))
    }
}

mod prices {
    use axum::Json;
    use axum::extract::State;
    use psops_core::catalog::skus::{SkuPrice, SkuPriceFields, SkuPriceFilter, SkuPricePatch};
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
        record: SkuPrice, fields: SkuPriceFields, patch: SkuPricePatch, tag: "catalog",
        noun: "sku_price", collection: "/api/v1/sku-prices", item: "/api/v1/sku-prices/{id}",
        archive: "/api/v1/sku-prices/{id}/archive", unarchive: "/api/v1/sku-prices/{id}/unarchive",
    }

    /// Filters of the price history.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct PricesQuery {
        #[param(value_type = Option<i64>)]
        sku_id: Option<String>,
        /// `true` for archived prices only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List SKUs' list prices by effective date.
    #[utoipa::path(get, path = "/api/v1/sku-prices", tag = "catalog",
        params(PricesQuery, PageParams),
        responses((status = 200, body = Page<SkuPrice>, description = "A page of prices"), ListProblems))]
    async fn list_prices(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<PricesQuery>,
    ) -> ApiResult<Json<Page<SkuPrice>>> {
        let (q, mut p, page) = query.split();
        let filter = SkuPriceFilter {
            sku_id: p.id("sku_id", q.sku_id),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::catalog_readable(&st, &s).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_prices))
    }
}
