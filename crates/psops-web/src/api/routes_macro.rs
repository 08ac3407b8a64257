//! The five routes every plain record kind has, written once: read and change one at
//! `<item>`, create one at `<collection>`, archive and unarchive one. A kind's file calls
//! [`record_routes!`] with its types, paths and noun, and adds its list.

/// Declares `get_one`, `update_one`, `create_one`, `archive_one`, `unarchive_one` and
/// `record_router()` for a kind. Operation ids and summaries come from the noun.
macro_rules! record_routes {
    (
        record: $record:ty,
        fields: $fields:ty,
        patch: $patch:ty,
        tag: $tag:literal,
        noun: $noun:literal,
        collection: $collection:literal,
        item: $item:literal,
        archive: $archive:literal,
        unarchive: $unarchive:literal $(,)?
    ) => {
        #[utoipa::path(get, path = $item, tag = $tag,
                            operation_id = concat!("get_", $noun), summary = concat!("Read one ", $noun),
                            params(crate::extract::IdPath<$record>),
                            responses(crate::respond::Versioned<$record>, crate::problem::ReadProblems))]
        async fn get_one(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            crate::extract::Caller(s): crate::extract::Caller,
            crate::extract::IdPath(id): crate::extract::IdPath<$record>,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            crate::api::record::read(&st, &s, id).await
        }

        #[utoipa::path(patch, path = $item, tag = $tag,
                            operation_id = concat!("update_", $noun),
                            summary = concat!("Change one ", $noun, ": fields left out keep their value, null clears"),
                            request_body = $patch, params(crate::extract::Change<$record>),
                            responses(crate::respond::Versioned<$record>, crate::problem::ChangeProblems))]
        async fn update_one(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            c: crate::extract::Change<$record>,
            body: crate::extract::Json<$patch>,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            crate::api::record::update(&st, c, body).await
        }

        #[utoipa::path(post, path = $collection, tag = $tag,
                            operation_id = concat!("create_", $noun), summary = concat!("Create one ", $noun),
                            request_body = $fields, params(crate::extract::CreateHeaders),
                            responses(crate::respond::NewRecord<$record>, crate::problem::CreateProblems))]
        async fn create_one(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            w: crate::extract::Writer,
            body: crate::extract::Json<$fields>,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            crate::api::record::create(&st, $collection, w, body).await
        }

        #[utoipa::path(post, path = $archive, tag = $tag,
                            operation_id = concat!("archive_", $noun),
                            summary = concat!("Archive one ", $noun, ": kept for history, no longer in force"),
                            params(crate::extract::Change<$record>),
                            responses(crate::respond::Versioned<$record>, crate::problem::ChangeProblems))]
        async fn archive_one(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            c: crate::extract::Change<$record>,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            crate::api::record::archive(&st, c, true).await
        }

        #[utoipa::path(post, path = $unarchive, tag = $tag,
                            operation_id = concat!("unarchive_", $noun), summary = concat!("Unarchive one ", $noun),
                            params(crate::extract::Change<$record>),
                            responses(crate::respond::Versioned<$record>, crate::problem::ChangeProblems))]
        async fn unarchive_one(
            axum::extract::State(st): axum::extract::State<crate::AppState>,
            c: crate::extract::Change<$record>,
        ) -> crate::problem::ApiResult<axum::response::Response> {
            crate::api::record::archive(&st, c, false).await
        }

        /// The kind's read, change, create, archive and unarchive routes.
        fn record_router() -> utoipa_axum::router::OpenApiRouter<crate::AppState> {
            utoipa_axum::router::OpenApiRouter::new()
                .routes(utoipa_axum::routes!(create_one))
                .routes(utoipa_axum::routes!(get_one, update_one))
                .routes(utoipa_axum::routes!(archive_one))
                .routes(utoipa_axum::routes!(unarchive_one))
        }
    };
}
