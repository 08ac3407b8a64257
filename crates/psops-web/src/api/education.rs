//! Education services: the course catalogue (`/api/v1/courses`, read by everyone, kept by
//! ops and administrators; a course's state moves one step at a time), learners
//! (`/api/v1/learners`, read by the company's staff and a partner's managers for their own
//! consultants) and course trainers (`/api/v1/course-trainers`, the certifications a
//! class's trainer gate reads: read with the person, given by ops and administrators).

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(courses::router())
        .merge(learners::router())
        .merge(trainers::router())
}

mod courses {
    use axum::Json;
    use axum::extract::State;
    use psops_core::education::courses::{
        Course, CourseDelivery, CourseFields, CourseFilter, CoursePatch, CourseState,
    };
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
        record: Course, fields: CourseFields, patch: CoursePatch, tag: "education",
        noun: "course", collection: "/api/v1/courses", item: "/api/v1/courses/{id}",
        archive: "/api/v1/courses/{id}/archive", unarchive: "/api/v1/courses/{id}/unarchive",
    }

    /// Filters of the course catalogue.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct CoursesQuery {
        /// The SKU the courses are sold as.
        #[param(value_type = Option<i64>)]
        sku_id: Option<String>,
        #[param(value_type = Option<CourseDelivery>)]
        delivery: Option<String>,
        #[param(value_type = Option<CourseState>)]
        state: Option<String>,
        /// Part of the name, any case.
        q: Option<String>,
        /// `true` for archived courses only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List the course catalogue
    #[utoipa::path(get, path = "/api/v1/courses", tag = "education",
        params(CoursesQuery, PageParams),
        responses((status = 200, body = Page<Course>, description = "A page of courses"), ListProblems))]
    async fn list_courses(
        State(st): State<AppState>,
        Caller(_s): Caller,
        query: ListQuery<CoursesQuery>,
    ) -> ApiResult<Json<Page<Course>>> {
        let (q, mut p, page) = query.split();
        let filter = CourseFilter {
            sku_id: p.id("sku_id", q.sku_id),
            delivery: p.code("delivery", q.delivery),
            state: p.code("state", q.state),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
        };
        p.finish()?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_courses))
    }
}

mod learners {
    use axum::Json;
    use axum::extract::State;
    use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg, LearnerPatch};
    use psops_core::page::Page;
    use psops_core::policy::learner_scope;
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
        record: Learner, fields: LearnerFields, patch: LearnerPatch, tag: "education",
        noun: "learner", collection: "/api/v1/learners", item: "/api/v1/learners/{id}",
        archive: "/api/v1/learners/{id}/archive", unarchive: "/api/v1/learners/{id}/unarchive",
    }

    /// Filters of the learners.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct LearnersQuery {
        #[param(value_type = Option<LearnerOrg>)]
        organisation: Option<String>,
        #[param(value_type = Option<i64>)]
        partner_id: Option<String>,
        #[param(value_type = Option<i64>)]
        account_id: Option<String>,
        #[param(value_type = Option<i64>)]
        person_id: Option<String>,
        /// Part of the name or e-mail, any case.
        q: Option<String>,
        /// `true` for archived learners only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List learners (a partner's managers: their own consultants)
    #[utoipa::path(get, path = "/api/v1/learners", tag = "education",
        params(LearnersQuery, PageParams),
        responses((status = 200, body = Page<Learner>, description = "A page of learners"), ListProblems))]
    async fn list_learners(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<LearnersQuery>,
    ) -> ApiResult<Json<Page<Learner>>> {
        let (q, mut p, page) = query.split();
        let filter = LearnerFilter {
            organisation: p.code("organisation", q.organisation),
            partner_id: p.id("partner_id", q.partner_id),
            account_id: p.id("account_id", q.account_id),
            person_id: p.id("person_id", q.person_id),
            q: p.text(q.q),
            archived: p.flag("archived", q.archived),
            scope: learner_scope(&s),
        };
        p.finish()?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_learners))
    }
}

mod trainers {
    use axum::Json;
    use axum::extract::State;
    use psops_core::education::trainers::{
        CourseTrainer, CourseTrainerFields, CourseTrainerFilter, CourseTrainerPatch,
    };
    use psops_core::page::Page;
    use psops_core::policy::course_trainer_scope;
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
        record: CourseTrainer, fields: CourseTrainerFields, patch: CourseTrainerPatch, tag: "education",
        noun: "course_trainer", collection: "/api/v1/course-trainers", item: "/api/v1/course-trainers/{id}",
        archive: "/api/v1/course-trainers/{id}/archive", unarchive: "/api/v1/course-trainers/{id}/unarchive",
    }

    /// Filters of the course trainers.
    #[derive(Deserialize, IntoParams)]
    #[serde(deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    struct TrainersQuery {
        #[param(value_type = Option<i64>)]
        person_id: Option<String>,
        #[param(value_type = Option<i64>)]
        course_id: Option<String>,
        /// Only certifications current on this day (YYYY-MM-DD).
        #[param(value_type = Option<String>, format = Date)]
        current_on: Option<String>,
        /// `true` for archived certifications only; live ones when absent or `false`.
        #[param(value_type = Option<bool>)]
        archived: Option<String>,
    }

    /// List course trainers: who is certified to teach which course
    #[utoipa::path(get, path = "/api/v1/course-trainers", tag = "education",
        params(TrainersQuery, PageParams),
        responses((status = 200, body = Page<CourseTrainer>, description = "A page of course trainers"), ListProblems))]
    async fn list_course_trainers(
        State(st): State<AppState>,
        Caller(s): Caller,
        query: ListQuery<TrainersQuery>,
    ) -> ApiResult<Json<Page<CourseTrainer>>> {
        let (q, mut p, page) = query.split();
        let filter = CourseTrainerFilter {
            person_id: p.id("person_id", q.person_id),
            course_id: p.id("course_id", q.course_id),
            current_on: p.date("current_on", q.current_on),
            archived: p.flag("archived", q.archived),
            scope: course_trainer_scope(&s),
        };
        p.finish()?;
        Ok(Json(st.store.list(&filter, page).await?))
    }

    pub fn router() -> OpenApiRouter<AppState> {
        record_router().routes(routes!(list_course_trainers))
    }
}
