//! The plain kinds of partnering, each listed and created under its parent and read,
//! changed, archived and restored on its own: a partner's contacts
//! (`/partners/{id}/contacts`, `/partner-contacts/{id}`), a person's skills
//! (`/people/{id}/skills`, `/person-skills/{id}`) and certifications
//! (`/people/{id}/certifications`, `/person-certifications/{id}`), and the company's
//! vetting reviews of a consultant (`/people/{id}/vetting-reviews`, `/vetting-reviews/{id}`).

/// Declares a child kind's six routes in a module of its own and its `router()`.
macro_rules! child_routes {
    (
        module: $module:ident,
        record: $record:ty,
        new: $($new:ident)::+,
        fields: $fields:ty,
        patch: $patch:ty,
        filter: $($filter:ident)::+,
        guard: $guard:path,
        parent: $parent:ty,
        parent_field: $pfield:ident,
        tag: $tag:literal,
        noun: $noun:literal,
        nouns: $nouns:literal,
        list: $list:literal,
        item: $item:literal,
        archive: $archive:literal,
        unarchive: $unarchive:literal,
        collection: $collection:literal $(,)?
    ) => {
        pub mod $module {
            use axum::Json;
            use axum::extract::State;
            use axum::response::Response;
            use psops_core::page::Page;
            use psops_core::policy::Action;
            use psops_core::store::{RecordStore, Records as _};
            use serde::Deserialize;
            use utoipa::IntoParams;
            use utoipa_axum::router::OpenApiRouter;
            use utoipa_axum::routes;

            use crate::AppState;
            use crate::api::record;
            use crate::authorize::allow;
            use crate::extract::{Caller, Change, CreateHeaders, IdPath, Json as Body, Writer};
            use crate::params::{ListQuery, PageParams};
            use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
            use crate::respond::{NewRecord, Versioned, created};

            #[utoipa::path(get, path = $item, tag = $tag,
                operation_id = concat!("get_", $noun), summary = concat!("Read one ", $noun),
                params(IdPath<$record>), responses(Versioned<$record>, ReadProblems))]
            async fn get_one(
                State(st): State<AppState>,
                Caller(s): Caller,
                IdPath(id): IdPath<$record>,
            ) -> ApiResult<Response> {
                record::read(&st, &s, id).await
            }

            #[utoipa::path(patch, path = $item, tag = $tag,
                operation_id = concat!("update_", $noun),
                summary = concat!("Change one ", $noun, ": fields left out keep their value, null clears"),
                request_body = $patch, params(Change<$record>), responses(Versioned<$record>, ChangeProblems))]
            async fn update_one(State(st): State<AppState>, c: Change<$record>, body: Body<$patch>) -> ApiResult<Response> {
                record::update(&st, c, body).await
            }

            #[utoipa::path(post, path = $archive, tag = $tag,
                operation_id = concat!("archive_", $noun),
                summary = concat!("Archive one ", $noun, ": kept for history, no longer counted"),
                params(Change<$record>), responses(Versioned<$record>, ChangeProblems))]
            async fn archive_one(State(st): State<AppState>, c: Change<$record>) -> ApiResult<Response> {
                record::archive(&st, c, true).await
            }

            #[utoipa::path(post, path = $unarchive, tag = $tag,
                operation_id = concat!("unarchive_", $noun), summary = concat!("Unarchive one ", $noun),
                params(Change<$record>), responses(Versioned<$record>, ChangeProblems))]
            async fn unarchive_one(State(st): State<AppState>, c: Change<$record>) -> ApiResult<Response> {
                record::archive(&st, c, false).await
            }

            /// Filters of the list.
            #[derive(Deserialize, IntoParams)]
            #[serde(deny_unknown_fields)]
            #[into_params(parameter_in = Query)]
            struct ListFilterQuery {
                /// `true` for archived ones only; live ones when absent or `false`.
                #[param(value_type = Option<bool>)]
                archived: Option<String>,
            }

            #[utoipa::path(get, path = $list, tag = $tag,
                operation_id = concat!("list_", $nouns), summary = concat!("List the ", $nouns),
                params(IdPath<$parent>, ListFilterQuery, PageParams),
                responses((status = 200, body = Page<$record>, description = concat!("A page of ", $nouns)),
                    ListProblems))]
            async fn list(
                State(st): State<AppState>,
                Caller(subject): Caller,
                IdPath(parent): IdPath<$parent>,
                query: ListQuery<ListFilterQuery>,
            ) -> ApiResult<Json<Page<$record>>> {
                let (q, mut p, page) = query.split();
                let archived = p.flag("archived", q.archived);
                p.finish()?;
                // An unknown or hidden parent is a 404, not an empty list; so are its
                // records, when the caller may see the parent but not them.
                let parent_record = RecordStore::<$parent>::get(&*st.store, parent).await?;
                allow(&st, &subject, Action::Read, &parent_record).await?;
                allow(&st, &subject, Action::Read, &$guard(&st, parent).await?).await?;
                let filter = $($filter)::+ { $pfield: parent, archived };
                Ok(Json(st.store.list(&filter, page).await?))
            }

            #[utoipa::path(post, path = $list, tag = $tag,
                operation_id = concat!("create_", $noun), summary = concat!("Add one ", $noun),
                request_body = $fields, params(IdPath<$parent>, CreateHeaders),
                responses(NewRecord<$record>, CreateProblems))]
            async fn create_one(
                State(st): State<AppState>,
                IdPath(parent): IdPath<$parent>,
                writer: Writer,
                body: Body<$fields>,
            ) -> ApiResult<Response> {
                let parent_record = RecordStore::<$parent>::get(&*st.store, parent).await?;
                allow(&st, &writer.subject, Action::Read, &parent_record).await?;
                let new = $($new)::+ {
                    $pfield: parent,
                    fields: body.value.clone(),
                };
                let grant = allow(&st, &writer.subject, Action::Create, &new).await?;
                let ctx = writer.for_create(&body, grant);
                created($collection, st.store.create(&ctx, new).await?)
            }

            pub fn router() -> OpenApiRouter<AppState> {
                OpenApiRouter::new()
                    .routes(routes!(list, create_one))
                    .routes(routes!(get_one, update_one))
                    .routes(routes!(archive_one))
                    .routes(routes!(unarchive_one))
            }
        }
    };
}

child_routes! {
    module: contacts,
    record: psops_core::partnering::contacts::PartnerContact,
    new: psops_core::partnering::contacts::NewPartnerContact,
    fields: psops_core::partnering::contacts::PartnerContactFields,
    patch: psops_core::partnering::contacts::PartnerContactPatch,
    filter: psops_core::partnering::contacts::PartnerContactFilter,
    guard: crate::authorize::partnering::contacts_of,
    parent: psops_core::partners::Partner,
    parent_field: partner_id,
    tag: "partners",
    noun: "partner_contact",
    nouns: "partner_contacts",
    list: "/api/v1/partners/{id}/contacts",
    item: "/api/v1/partner-contacts/{id}",
    archive: "/api/v1/partner-contacts/{id}/archive",
    unarchive: "/api/v1/partner-contacts/{id}/unarchive",
    collection: "/api/v1/partner-contacts",
}

child_routes! {
    module: skills,
    record: psops_core::skills::PersonSkill,
    new: psops_core::skills::NewPersonSkill,
    fields: psops_core::skills::PersonSkillFields,
    patch: psops_core::skills::PersonSkillPatch,
    filter: psops_core::skills::PersonSkillFilter,
    guard: crate::authorize::partnering::profile_of,
    parent: psops_core::people::Person,
    parent_field: person_id,
    tag: "people",
    noun: "person_skill",
    nouns: "person_skills",
    list: "/api/v1/people/{id}/skills",
    item: "/api/v1/person-skills/{id}",
    archive: "/api/v1/person-skills/{id}/archive",
    unarchive: "/api/v1/person-skills/{id}/unarchive",
    collection: "/api/v1/person-skills",
}

child_routes! {
    module: certifications,
    record: psops_core::skills::PersonCertification,
    new: psops_core::skills::NewPersonCertification,
    fields: psops_core::skills::PersonCertificationFields,
    patch: psops_core::skills::PersonCertificationPatch,
    filter: psops_core::skills::PersonCertificationFilter,
    guard: crate::authorize::partnering::profile_of,
    parent: psops_core::people::Person,
    parent_field: person_id,
    tag: "people",
    noun: "person_certification",
    nouns: "person_certifications",
    list: "/api/v1/people/{id}/certifications",
    item: "/api/v1/person-certifications/{id}",
    archive: "/api/v1/person-certifications/{id}/archive",
    unarchive: "/api/v1/person-certifications/{id}/unarchive",
    collection: "/api/v1/person-certifications",
}

child_routes! {
    module: reviews,
    record: psops_core::partnering::vetting::VettingReview,
    new: psops_core::partnering::vetting::NewVettingReview,
    fields: psops_core::partnering::vetting::VettingReviewFields,
    patch: psops_core::partnering::vetting::VettingReviewPatch,
    filter: psops_core::partnering::vetting::VettingReviewFilter,
    guard: crate::authorize::partnering::vetting_of,
    parent: psops_core::people::Person,
    parent_field: person_id,
    tag: "partners",
    noun: "vetting_review",
    nouns: "vetting_reviews",
    list: "/api/v1/people/{id}/vetting-reviews",
    item: "/api/v1/vetting-reviews/{id}",
    archive: "/api/v1/vetting-reviews/{id}/archive",
    unarchive: "/api/v1/vetting-reviews/{id}/unarchive",
    collection: "/api/v1/vetting-reviews",
}

pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::AppState> {
    contacts::router()
        .merge(skills::router())
        .merge(certifications::router())
        .merge(reviews::router())
}
