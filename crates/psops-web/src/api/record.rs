//! The routes every stored record shares — create, read, patch, archive, unarchive —
//! written once. A resource file names its types and store methods; the macro writes the
//! documented handlers and a `record_routes()` router holding them. Lists, whose filters
//! differ, stay hand-written beside it.

/// Generates the shared handlers of one record type. Sections:
/// - `get`/`update`: `GET` and `PATCH` on `item`, answering with the record and its ETag;
/// - `create` (optional): `POST` on `collection`, 201 with Location and ETag, honouring
///   `Idempotency-Key`;
/// - `archive` (optional): `POST item/archive` and `POST item/unarchive`.
///
/// Each handler is named by the caller, so operation ids stay unique in the document.
macro_rules! record_routes {
    (
        tag: $tag:literal,
        noun: $noun:literal,
        record: $record:ty,
        item: $item:literal,
        get: $get:ident => $read:ident,
        update: $update:ident($patch:ty) => $store_update:ident,
        $(create: $create:ident($fields:ty) at $collection:literal => $store_create:ident,)?
        $(archive: $archive:ident, $unarchive:ident => $store_archive:ident,)?
    ) => {
        #[utoipa::path(get, path = $item, tag = $tag,
            summary = concat!("Read one ", $noun),
            params($crate::extract::IdPath<$record>),
            responses(
                $crate::respond::Versioned<$record>,
                $crate::problem::ReadProblems
            ))]
        async fn $get(
            ::axum::extract::State(st): ::axum::extract::State<$crate::AppState>,
            $crate::extract::Caller(subject): $crate::extract::Caller,
            $crate::extract::IdPath(id): $crate::extract::IdPath<$record>,
        ) -> $crate::problem::ApiResult<::axum::response::Response> {
            let found = st.store.$read(id).await?;
            $crate::guard::allow(&st, &subject, ::psops_core::policy::Action::Read, &found).await?;
            $crate::respond::record(&found)
        }

        #[utoipa::path(patch, path = $item, tag = $tag,
            summary = concat!("Change one ", $noun, ": fields left out keep their value, null clears"),
            request_body = $patch,
            params($crate::extract::Change<$record>),
            responses(
                $crate::respond::Versioned<$record>,
                $crate::problem::ChangeProblems
            ))]
        async fn $update(
            ::axum::extract::State(st): ::axum::extract::State<$crate::AppState>,
            c: $crate::extract::Change<$record>,
            body: $crate::extract::Json<$patch>,
        ) -> $crate::problem::ApiResult<::axum::response::Response> {
            use $crate::guard::GuardedUpdate as _;
            st.store.$read(c.id).await?.allow_update(&st, &c.subject, &body.value).await?;
            let updated = st.store.$store_update(&c.ctx, c.id, c.if_version, body.value).await?;
            $crate::respond::record(&updated)
        }

        $(
            #[utoipa::path(post, path = $collection, tag = $tag,
                summary = concat!("Create one ", $noun),
                request_body = $fields,
                params($crate::extract::CreateHeaders),
                responses(
                    $crate::respond::NewRecord<$record>,
                    $crate::problem::CreateProblems
                ))]
            async fn $create(
                ::axum::extract::State(st): ::axum::extract::State<$crate::AppState>,
                writer: $crate::extract::Writer,
                body: $crate::extract::Json<$fields>,
            ) -> $crate::problem::ApiResult<::axum::response::Response> {
                $crate::guard::allow(&st, &writer.subject, ::psops_core::policy::Action::Create, &body.value).await?;
                let ctx = writer.for_create(&body);
                $crate::respond::created($collection, st.store.$store_create(&ctx, body.value).await?)
            }
        )?

        $(
            #[utoipa::path(post, path = concat!($item, "/archive"), tag = $tag,
                summary = concat!("Archive one ", $noun, ": kept for history, takes no new work"),
                params($crate::extract::Change<$record>),
                responses(
                    $crate::respond::Versioned<$record>,
                    $crate::problem::ChangeProblems
                ))]
            async fn $archive(
                ::axum::extract::State(st): ::axum::extract::State<$crate::AppState>,
                c: $crate::extract::Change<$record>,
            ) -> $crate::problem::ApiResult<::axum::response::Response> {
                let current = st.store.$read(c.id).await?;
                $crate::guard::allow(&st, &c.subject, ::psops_core::policy::Action::Archive, &current).await?;
                $crate::respond::record(&st.store.$store_archive(&c.ctx, c.id, c.if_version, true).await?)
            }

            #[utoipa::path(post, path = concat!($item, "/unarchive"), tag = $tag,
                summary = concat!("Unarchive one ", $noun),
                params($crate::extract::Change<$record>),
                responses(
                    $crate::respond::Versioned<$record>,
                    $crate::problem::ChangeProblems
                ))]
            async fn $unarchive(
                ::axum::extract::State(st): ::axum::extract::State<$crate::AppState>,
                c: $crate::extract::Change<$record>,
            ) -> $crate::problem::ApiResult<::axum::response::Response> {
                let current = st.store.$read(c.id).await?;
                $crate::guard::allow(&st, &c.subject, ::psops_core::policy::Action::Archive, &current).await?;
                $crate::respond::record(&st.store.$store_archive(&c.ctx, c.id, c.if_version, false).await?)
            }
        )?

        /// The generated handlers, routed.
        fn record_routes() -> ::utoipa_axum::router::OpenApiRouter<$crate::AppState> {
            let router = ::utoipa_axum::router::OpenApiRouter::new()
                .routes(::utoipa_axum::routes!($get, $update));
            $(let router = router.routes(::utoipa_axum::routes!($create));)?
            $(let router = router
                .routes(::utoipa_axum::routes!($archive))
                .routes(::utoipa_axum::routes!($unarchive));)?
            router
        }
    };
}
