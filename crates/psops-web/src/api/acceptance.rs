//! Milestone acceptance under `/api/v1/milestones/{id}`: read a milestone's acceptance,
//! send (or send again) the acceptance request to a contact of the project's account,
//! record the customer's sign-off, and keep evidence with the milestone — a link, or a
//! file of at most 2 MiB (2,097,152 bytes; a larger body answers 413) stored in the
//! database and downloaded by anyone who may read the project. Guarded as the
//! milestone's project: its manager, ops and administrators act; whoever reads the
//! project reads.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::accounts::ContactId;
use psops_core::delivery::acceptance::{
    AcceptanceMethod, AcceptanceRequest, EVIDENCE_MAX_BYTES, Evidence, EvidenceId, MilestoneAcceptance, NewEvidence,
    SignOff,
};
use psops_core::error::Thing;
use psops_core::plan::{Milestone, MilestoneId};
use psops_core::policy::Action;
use psops_core::record::Entity;
use psops_core::store::RecordStore;
use psops_core::{Error, Id};
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change, IdPath, Json as Body, Writer};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ReadProblems};
use crate::respond;

/// The acceptance request: which contact of the project's account it goes to.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AcceptanceRequestBody {
    /// A live contact of the project's account with an e-mail address.
    #[schema(value_type = i64)]
    contact_id: ContactId,
}

/// A link kept as evidence with a sign-off.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EvidenceLinkBody {
    /// An `https://` or `http://` link, at most 2,000 characters.
    url: String,
    /// At most 1,000 characters.
    #[serde(default)]
    note: Option<String>,
}

/// The customer's sign-off.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignOffBody {
    /// Who accepted for the customer (a name), at most 200 characters.
    accepted_by: String,
    /// `signature`, `email_reply` or `other` (`passive` is refused: only the sweep uses it).
    #[schema(schema_with = psops_core::delivery::acceptance::signed_off_methods_schema)]
    method: AcceptanceMethod,
    /// The day they accepted: today when absent; not in the future, not before the
    /// request was sent.
    #[serde(default)]
    accepted_on: Option<Date>,
    /// Required for `other`: how the customer accepted.
    #[serde(default)]
    note: Option<String>,
    /// A link kept as evidence. Without a request sent, evidence is required: this
    /// link, or a link or file kept with the milestone before.
    #[serde(default)]
    evidence: Option<EvidenceLinkBody>,
}

/// Where an uploaded file's name comes from.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct FileQuery {
    /// The file's name (no folders), at most 200 characters.
    file_name: String,
    /// A note on the evidence, at most 1,000 characters.
    #[serde(default)]
    note: Option<String>,
}

/// The milestone and one of its evidence files.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct EvidencePath {
    /// The milestone's id.
    id: i64,
    /// The evidence's id.
    evidence_id: i64,
}

/// An evidence file, as bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct EvidenceBytes(Vec<u8>);

async fn milestone(st: &AppState, id: MilestoneId) -> ApiResult<Milestone> {
    Ok(RecordStore::<Milestone>::get(&*st.store, id).await?)
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Read a milestone's acceptance: its state, the request sent (day, contact, the
/// passive-acceptance date while it awaits acceptance), the sign-off (who, how, when,
/// or that passive acceptance was used) and its evidence
#[utoipa::path(get, path = "/api/v1/milestones/{id}/acceptance", tag = "projects",
    params(IdPath<Milestone>),
    responses((status = 200, body = MilestoneAcceptance, description = "The milestone with its acceptance"), ReadProblems))]
async fn get_acceptance(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Milestone>,
) -> ApiResult<Response> {
    let m = milestone(&st, id).await?;
    allow(&st, &s, Action::Read, &m).await?;
    respond::record(&st.store.milestone_acceptance(id).await?)
}

/// Send the acceptance request to a contact of the project's account: the notice
/// (naming the milestone, its amount and the passive-acceptance date) is queued to the
/// contact's address, and the passive-acceptance clock starts — day 1 is today, the
/// rest business days of the project's region. Sending again restarts the clock.
/// Refused (409, rule `already_accepted`) once accepted; (422) for a contact of another
/// account (`account_mismatch`) or without an address (`no_email`)
#[utoipa::path(post, path = "/api/v1/milestones/{id}/acceptance/request", tag = "projects",
    request_body = AcceptanceRequestBody, params(Change<Milestone>),
    responses((status = 200, body = MilestoneAcceptance, description = "The request is sent"), ChangeProblems))]
async fn request_acceptance(
    State(st): State<AppState>,
    c: Change<Milestone>,
    body: Body<AcceptanceRequestBody>,
) -> ApiResult<Response> {
    let m = milestone(&st, c.id).await?;
    let ctx = c.ctx(allow(&st, &c.subject, Action::Update, &m).await?);
    let r = AcceptanceRequest {
        contact_id: body.value.contact_id,
        today: today(),
    };
    respond::record(&st.store.request_acceptance(&ctx, c.id, c.if_version, r).await?)
}

/// Record the customer's sign-off — who, how (signature, e-mail reply, or other with a
/// note) and when — with an optional evidence link; the milestone is completed.
/// Without a request sent, evidence is required (422, rule `evidence_required`).
/// Refused (409, rule `already_accepted`) once accepted
#[utoipa::path(post, path = "/api/v1/milestones/{id}/acceptance", tag = "projects",
    request_body = SignOffBody, params(Change<Milestone>),
    responses((status = 200, body = MilestoneAcceptance, description = "Accepted"), ChangeProblems))]
async fn record_acceptance(
    State(st): State<AppState>,
    c: Change<Milestone>,
    body: Body<SignOffBody>,
) -> ApiResult<Response> {
    let m = milestone(&st, c.id).await?;
    let ctx = c.ctx(allow(&st, &c.subject, Action::Update, &m).await?);
    let b = body.value;
    let s = SignOff {
        accepted_by: b.accepted_by,
        method: b.method,
        accepted_on: b.accepted_on,
        note: b.note,
        evidence: b.evidence.map(|e| NewEvidence::Link {
            url: e.url,
            note: e.note,
        }),
        today: today(),
    };
    respond::record(&st.store.record_acceptance(&ctx, c.id, c.if_version, s).await?)
}

fn created(id: MilestoneId, ev: &Evidence) -> ApiResult<Response> {
    let mut res = (StatusCode::CREATED, Json(ev)).into_response();
    let at = format!("/api/v1/milestones/{id}/evidence/{}", ev.id);
    if let Ok(v) = HeaderValue::from_str(&at) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Keep a link with the milestone as acceptance evidence
#[utoipa::path(post, path = "/api/v1/milestones/{id}/evidence", tag = "projects",
    request_body = EvidenceLinkBody, params(IdPath<Milestone>),
    responses((status = 201, body = Evidence, description = "The link is kept"), CreateProblems))]
async fn add_link(
    State(st): State<AppState>,
    IdPath(id): IdPath<Milestone>,
    w: Writer,
    body: Body<EvidenceLinkBody>,
) -> ApiResult<Response> {
    let m = milestone(&st, id).await?;
    let ctx = w.ctx(allow(&st, &w.subject, Action::Update, &m).await?);
    let e = NewEvidence::Link {
        url: body.value.url,
        note: body.value.note,
    };
    created(id, &st.store.add_evidence(&ctx, id, e).await?)
}

/// Keep a file with the milestone as acceptance evidence: the body is the file itself
/// (at most 2 MiB, 2,097,152 bytes; larger answers 413), its `Content-Type` the file's
/// type, its name in `file_name`
#[utoipa::path(post, path = "/api/v1/milestones/{id}/evidence/file", tag = "projects",
    request_body(content = EvidenceBytes, content_type = "application/octet-stream",
        description = "The file as it is, at most 2,097,152 bytes, sent with its own Content-Type (e.g. application/pdf)"),
    params(IdPath<Milestone>, FileQuery),
    responses((status = 201, body = Evidence, description = "The file is kept"), CreateProblems))]
async fn add_file(
    State(st): State<AppState>,
    IdPath(id): IdPath<Milestone>,
    w: Writer,
    Query(q): Query<FileQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let m = milestone(&st, id).await?;
    let ctx = w.ctx(allow(&st, &w.subject, Action::Update, &m).await?);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let e = NewEvidence::File {
        file_name: q.file_name,
        content_type,
        bytes: body.to_vec(),
        note: q.note,
    };
    created(id, &st.store.add_evidence(&ctx, id, e).await?)
}

/// Download an evidence file, with its type and name
#[utoipa::path(get, path = "/api/v1/milestones/{id}/evidence/{evidence_id}", tag = "projects",
    params(EvidencePath),
    responses((status = 200, content_type = "application/octet-stream", body = EvidenceBytes,
        description = "The file as it was kept, with its own Content-Type"), ReadProblems))]
async fn download(
    State(st): State<AppState>,
    Caller(s): Caller,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id: MilestoneId = id
        .parse::<i64>()
        .map(Id::new)
        .map_err(|_| Error::not_found(Thing::Entity(Entity::Milestone), &id))?;
    let evidence: EvidenceId = evidence
        .parse::<i64>()
        .map(Id::new)
        .map_err(|_| Error::not_found(Thing::Entity(Entity::MilestoneEvidence), &evidence))?;
    let m = milestone(&st, id).await?;
    allow(&st, &s, Action::Read, &m).await?;
    Ok(file_response(st.store.evidence_file(id, evidence).await?))
}

/// An evidence file as an attachment (never shown inline: it is the customer's file).
pub(crate) fn file_response(f: psops_core::delivery::acceptance::EvidenceFile) -> Response {
    let mut res = f.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&f.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let safe: String = f
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

pub fn router() -> OpenApiRouter<AppState> {
    // Only the file upload takes a body up to the evidence limit.
    let upload = OpenApiRouter::new()
        .routes(routes!(add_file))
        .layer(DefaultBodyLimit::max(EVIDENCE_MAX_BYTES));
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(get_acceptance, record_acceptance))
        .routes(routes!(request_acceptance))
        .routes(routes!(add_link))
        .routes(routes!(download))
}
