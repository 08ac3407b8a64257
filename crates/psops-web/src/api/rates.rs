//! Rates: `/api/v1/role-rates` (rate cards — bill rates and standard costs by role,
//! region and currency), `/api/v1/project-rates` (a project's own bill rates),
//! `/api/v1/cost-rates` (what an hour of a person costs) and `/api/v1/fx-rates`. Finance
//! and administrators keep them. Consultants and partners see no rate; project managers
//! see bill rates of their own projects only; cost is seen by finance, administrators,
//! practice managers and PS leadership.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(cards::router())
        .merge(projects::router())
        .merge(costs::router())
        .merge(fx::router())
}

mod cards {
    use axum::Json;
    use axum::extract::State;
    use psops_core::Currency;
    use psops_core::page::Page;
    use psops_core::people::Function;
    use psops_core::policy::Resource;
    use psops_core::rates::RateKind;
    use psops_core::rates::cards::{RoleRate, RoleRateFields, RoleRateFilter, RoleRatePatch};
    use psops_core::record::Entity;
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
        record: RoleRate, fields: RoleRateFields, patch: RoleRatePatch, tag: "rates",
        noun: "role_rate", collection: "/api/v1/role-rates", item: "/api/v1/role-rates/{id}",
        archive: "/api/v1/role-rates/{id}/archive", unarchive: "/api/v1/role-rates/{id}/unarchive",
    }

    /// Filters of the rate card.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct CardQuery {
        /// `bill` or `standard_cost`; both (of those the caller may see) when absent.
        #[param(value_type = Option<RateKind>)]
        kind: Option<String>,
        #[param(value_type = Option<Function>)]
        role: Option<String>,
        /// The region, any case.
        region: Option<String>,
        #[param(value_type = Option<String>, pattern = "^[A-Z]{3}$")]
        currency: Option<String>,
        /// Only the rates in force on this day (YYYY-MM-DD).
        #[param(value_type = Option<String>, format = Date)]
        on: Option<String>,
        /// `true` for archived rates only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List the rate card: hourly bill rates and standard costs by role, region and
    /// currency, with their periods. Standard costs only for those who see cost
    #[utoipa::path(get, path = "/api/v1/role-rates", tag = "rates",
        params(CardQuery, PageParams),
        responses((status = 200, body = Page<RoleRate>, description = "A page of rates"), ListProblems))]
    async fn list_card(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<CardQuery>,
    ) -> ApiResult<Json<Page<RoleRate>>> {
        let (q, mut p, page) = query.split();
        let kind: Option<RateKind> = p.code("kind", q.kind);
        let role = p.code("role", q.role);
        let currency = q.currency.and_then(|c| p.keep("currency", c.parse::<Currency>()));
        let filter = RoleRateFilter {
            kinds: Vec::new(),
            role,
            region: p.text(q.region),
            currency,
            on: p.date("on", q.on),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        let bill = Resource::RateCard { cost: false };
        super::super::readable(&st, &s, bill, Entity::RoleRate).await?;
        let kinds = [RateKind::Bill, RateKind::StandardCost]
            .into_iter()
            .filter(|k| kind.is_none_or(|want| want == *k))
            .filter(|k| *k == RateKind::Bill || s.sees_cost())
            .collect();
        Ok(Json(st.store.list(&RoleRateFilter { kinds, ..filter }, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_card))
    }
}

mod projects {
    use axum::Json;
    use axum::extract::State;
    use psops_core::page::Page;
    use psops_core::policy::list_scope;
    use psops_core::rates::cards::{ProjectRate, ProjectRateFields, ProjectRateFilter, ProjectRatePatch};
    use psops_core::scope::ListKind;
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
        record: ProjectRate, fields: ProjectRateFields, patch: ProjectRatePatch, tag: "rates",
        noun: "project_rate", collection: "/api/v1/project-rates", item: "/api/v1/project-rates/{id}",
        archive: "/api/v1/project-rates/{id}/archive", unarchive: "/api/v1/project-rates/{id}/unarchive",
    }

    /// Filters of the project rates.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct ProjectRatesQuery {
        #[param(value_type = Option<i64>)]
        project_id: Option<String>,
        /// `true` for archived rates only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List projects' own bill rates (over the rate card); a project manager sees their
    /// own projects', those without any rate role none
    #[utoipa::path(get, path = "/api/v1/project-rates", tag = "rates",
        params(ProjectRatesQuery, PageParams),
        responses((status = 200, body = Page<ProjectRate>, description = "A page of project rates"), ListProblems))]
    async fn list_project_rates(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<ProjectRatesQuery>,
    ) -> ApiResult<Json<Page<ProjectRate>>> {
        let (q, mut p, page) = query.split();
        let filter = ProjectRateFilter {
            project_id: p.id("project_id", q.project_id),
            archived: p.flag("archived", q.archived),
            scope: list_scope(&s, ListKind::ProjectRates),
        };
        p.finish()?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_project_rates))
    }
}

mod costs {
    use axum::Json;
    use axum::extract::State;
    use psops_core::page::Page;
    use psops_core::policy::Resource;
    use psops_core::rates::cards::{CostRate, CostRateFields, CostRateFilter, CostRatePatch};
    use psops_core::record::Entity;
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
        record: CostRate, fields: CostRateFields, patch: CostRatePatch, tag: "rates",
        noun: "cost_rate", collection: "/api/v1/cost-rates", item: "/api/v1/cost-rates/{id}",
        archive: "/api/v1/cost-rates/{id}/archive", unarchive: "/api/v1/cost-rates/{id}/unarchive",
    }

    /// Filters of the cost rates.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct CostQuery {
        #[param(value_type = Option<i64>)]
        person_id: Option<String>,
        /// Only the rates in force on this day (YYYY-MM-DD).
        #[param(value_type = Option<String>, format = Date)]
        on: Option<String>,
        /// `true` for archived rates only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List people's cost rates with their history (only for those who see cost)
    #[utoipa::path(get, path = "/api/v1/cost-rates", tag = "rates",
        params(CostQuery, PageParams),
        responses((status = 200, body = Page<CostRate>, description = "A page of cost rates"), ListProblems))]
    async fn list_costs(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<CostQuery>,
    ) -> ApiResult<Json<Page<CostRate>>> {
        let (q, mut p, page) = query.split();
        let filter = CostRateFilter {
            person_id: p.id("person_id", q.person_id),
            on: p.date("on", q.on),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::readable(&st, &s, Resource::CostRates, Entity::CostRate).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_costs))
    }
}

mod fx {
    use axum::Json;
    use axum::extract::State;
    use psops_core::Currency;
    use psops_core::page::Page;
    use psops_core::policy::Resource;
    use psops_core::rates::fx::{FxRate, FxRateFields, FxRateFilter, FxRatePatch};
    use psops_core::record::Entity;
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
        record: FxRate, fields: FxRateFields, patch: FxRatePatch, tag: "rates",
        noun: "fx_rate", collection: "/api/v1/fx-rates", item: "/api/v1/fx-rates/{id}",
        archive: "/api/v1/fx-rates/{id}/archive", unarchive: "/api/v1/fx-rates/{id}/unarchive",
    }

    /// Filters of the FX rates.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct FxQuery {
        #[param(value_type = Option<String>, pattern = "^[A-Z]{3}$")]
        currency: Option<String>,
        /// Rates dated on or after this day (YYYY-MM-DD).
        #[param(value_type = Option<String>, format = Date)]
        from: Option<String>,
        /// Rates dated on or before this day (YYYY-MM-DD).
        #[param(value_type = Option<String>, format = Date)]
        to: Option<String>,
        /// `true` for archived rates only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List FX rates into the reporting currency
    #[utoipa::path(get, path = "/api/v1/fx-rates", tag = "rates",
        params(FxQuery, PageParams),
        responses((status = 200, body = Page<FxRate>, description = "A page of FX rates"), ListProblems))]
    async fn list_fx(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<FxQuery>,
    ) -> ApiResult<Json<Page<FxRate>>> {
        let (q, mut p, page) = query.split();
        let currency = q.currency.and_then(|c| p.keep("currency", c.parse::<Currency>()));
        let filter = FxRateFilter {
            currency,
            from: p.date("from", q.from),
            to: p.date("to", q.to),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        super::super::readable(&st, &s, Resource::FxRates, Entity::FxRate).await?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_fx))
    }
}
