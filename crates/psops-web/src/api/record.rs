//! What the routes of every plain record kind do — read, create, change, archive,
//! unarchive — written once over [`psops_core::store::RecordStore`]. Each resource file
//! keeps its own small, documented handler functions (so grep and the OpenAPI document
//! find them) that call these.

use axum::response::Response;
use psops_core::Id;
use psops_core::policy::{Action, Subject};
use psops_core::record::{NewRecord, Record};
use psops_core::store::{RecordStore, Records as _, Store};

use crate::AppState;
use crate::authorize::{Guarded, GuardedUpdate, allow};
use crate::extract::{Change, Json, Writer};
use crate::problem::ApiResult;
use crate::respond;

/// `GET <item>`: the record and its ETag, when the caller may read it.
pub async fn read<R>(st: &AppState, subject: &Subject, id: Id<R>) -> ApiResult<Response>
where
    R: Record + Guarded,
    dyn Store: RecordStore<R>,
{
    let found = st.store.get(id).await?;
    allow(st, subject, Action::Read, &found).await?;
    respond::record(&found)
}

/// `PATCH <item>`: checked against the record as stored, then applied under `If-Match`.
pub async fn update<R>(st: &AppState, c: Change<R>, body: Json<R::Patch>) -> ApiResult<Response>
where
    R: Record + GuardedUpdate<R::Patch>,
    dyn Store: RecordStore<R>,
{
    let grant = st
        .store
        .get(c.id)
        .await?
        .allow_update(st, &c.subject, &body.value)
        .await?;
    let updated = st.store.update(&c.ctx(grant), c.id, c.if_version, body.value).await?;
    st.changed(R::ENTITY);
    respond::record(&updated)
}

/// `POST <collection>`: 201 with Location and ETag, honouring `Idempotency-Key`.
pub async fn create<N>(st: &AppState, collection: &str, writer: Writer, body: Json<N>) -> ApiResult<Response>
where
    N: NewRecord + Guarded,
    dyn Store: RecordStore<N::Record>,
{
    let grant = allow(st, &writer.subject, Action::Create, &body.value).await?;
    let ctx = writer.for_create(&body, grant);
    respond::created(collection, st.store.create(&ctx, body.value).await?)
}

/// `POST <item>/archive` (`true`) and `POST <item>/unarchive` (`false`).
pub async fn archive<R>(st: &AppState, c: Change<R>, archived: bool) -> ApiResult<Response>
where
    R: Record + Guarded,
    dyn Store: RecordStore<R>,
{
    let current = st.store.get(c.id).await?;
    let grant = allow(st, &c.subject, Action::Archive, &current).await?;
    let archived = st.store.archive(&c.ctx(grant), c.id, c.if_version, archived).await?;
    st.changed(R::ENTITY);
    respond::record(&archived)
}
