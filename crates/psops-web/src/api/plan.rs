//! A project's plan: `/api/v1/milestones`, `/api/v1/resource-requests` and
//! `/api/v1/checklist-items`, each listed by project and guarded as its project (signing a
//! SOW creates them; the project's manager, ops and administrators keep them).

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(milestones::router())
        .merge(requests::router())
        .merge(checklist::router())
}

/// A project's part of the plan, listed once its project is readable.
macro_rules! plan_list {
    ($record:ty, $fn:ident, $path:literal, $what:literal) => {
        /// Which project's plan.
        #[derive(serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        struct PlanQuery {
            /// The project (required).
            #[param(value_type = i64, required = true)]
            project_id: Option<String>,
            /// `true` for archived items only; live ones when absent or `false`.
            #[param(value_type = Option<bool>)]
            archived: Option<String>,
        }

        #[doc = concat!("List a project's ", $what)]
        #[utoipa::path(get, path = $path, tag = "projects", params(PlanQuery, crate::params::PageParams), responses((status = 200, body = Page<$record>, description = $what), crate::problem::ListProblems))]
        async fn $fn(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            crate::extract::Caller(s): crate::extract::Caller,
            query: crate::params::ListQuery<PlanQuery>,
        ) -> crate::problem::ApiResult<axum::Json<psops_core::page::Page<$record>>> {
            use psops_core::store::Records as _;
            let (q, mut p, page) = query.split();
            let project: Option<psops_core::projects::ProjectId> = p.id("project_id", q.project_id);
            let archived = p.flag("archived", q.archived);
            p.finish()?;
            let Some(project) = project else {
                return Err(psops_core::Error::invalid(
                    "project_id",
                    psops_core::rule::Rule::Required,
                    "project_id is required: a plan is listed by project",
                )
                .into());
            };
            let p: psops_core::projects::Project = st.store.get(project).await?;
            crate::authorize::allow(&st, &s, psops_core::policy::Action::Read, &p).await?;
            let filter = psops_core::plan::PlanFilterOf::<$record> {
                project_id: Some(project),
                archived,
                kind: std::marker::PhantomData,
            };
            Ok(axum::Json(st.store.list(&filter, page).await?))
        }
    };
}

mod milestones {
    use psops_core::page::Page;
    use psops_core::plan::{Milestone, MilestoneFields, MilestonePatch};
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;

    record_routes! {
        record: Milestone, fields: MilestoneFields, patch: MilestonePatch, tag: "projects",
        noun: "milestone", collection: "/api/v1/milestones", item: "/api/v1/milestones/{id}",
        archive: "/api/v1/milestones/{id}/archive", unarchive: "/api/v1/milestones/{id}/unarchive",
    }
    plan_list!(Milestone, list_milestones, "/api/v1/milestones", "milestones");

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_milestones))
    }
}

mod requests {
    use psops_core::page::Page;
    use psops_core::plan::{ResourceRequest, ResourceRequestFields, ResourceRequestPatch};
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;

    record_routes! {
        record: ResourceRequest, fields: ResourceRequestFields, patch: ResourceRequestPatch, tag: "projects",
        noun: "resource_request", collection: "/api/v1/resource-requests", item: "/api/v1/resource-requests/{id}",
        archive: "/api/v1/resource-requests/{id}/archive", unarchive: "/api/v1/resource-requests/{id}/unarchive",
    }
    plan_list!(
        ResourceRequest,
        list_requests,
        "/api/v1/resource-requests",
        "resource requests"
    );

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_requests))
    }
}

mod checklist {
    use psops_core::page::Page;
    use psops_core::plan::{ChecklistItem, ChecklistItemFields, ChecklistItemPatch};
    use utoipa_axum::router::OpenApiRouter;
    use utoipa_axum::routes;

    use crate::AppState;

    record_routes! {
        record: ChecklistItem, fields: ChecklistItemFields, patch: ChecklistItemPatch, tag: "projects",
        noun: "checklist_item", collection: "/api/v1/checklist-items", item: "/api/v1/checklist-items/{id}",
        archive: "/api/v1/checklist-items/{id}/archive", unarchive: "/api/v1/checklist-items/{id}/unarchive",
    }
    plan_list!(ChecklistItem, list_items, "/api/v1/checklist-items", "checklist items");

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_items))
    }
}
