//! Errors as RFC 9457 problem+json: one status match for every way a request can fail,
//! and the OpenAPI description of those responses.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::rule::Rule;
use psops_core::{Error, FieldError};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::response::{Response as DocResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URN naming the kind of problem, e.g. `urn:psops:problem:invalid`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The offending fields, each with a machine-readable rule.
    pub errors: Vec<FieldError>,
    /// The id of the request, as in the `x-request-id` response header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For an import refused because of bad rows: the whole import report, with the
    /// line, column, value and rule of each bad row.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

/// Why a request failed. Domain errors come from core and the store; the others are
/// about the HTTP request itself.
#[derive(Debug)]
pub enum ApiError {
    Domain(Error),
    /// The request cannot be read: bad JSON syntax, a malformed header.
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    UnsupportedMediaType(String),
    PayloadTooLarge,
    MethodNotAllowed,
    NoRoute,
    /// A dependency (the database) does not answer; the cause is logged.
    Unavailable(String),
    /// The request ran into its time limit; the text says which.
    TooSlow(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Domain(e)
    }
}

impl ApiError {
    pub fn bad_request(field: &str, rule: Rule, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: message.clone(),
            errors: vec![FieldError::new(field, rule, message)],
        }
    }

    /// The one place a failure becomes a status, a problem type and a text.
    pub fn to_problem(&self) -> Problem {
        let (status, slug, detail, errors) = match self {
            ApiError::Domain(Error::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                summary(errors),
                errors.clone(),
            ),
            ApiError::Domain(e @ Error::NotFound { .. }) => (StatusCode::NOT_FOUND, "not-found", e.to_string(), vec![]),
            ApiError::Domain(Error::Conflict(fe)) => {
                (StatusCode::CONFLICT, "conflict", fe.message.clone(), vec![fe.clone()])
            }
            ApiError::Domain(e @ Error::PreconditionFailed { .. }) => (
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                format!("{e}; read it again and retry with its ETag in If-Match"),
                vec![],
            ),
            ApiError::Domain(Error::Forbidden(why)) => (StatusCode::FORBIDDEN, "forbidden", why.clone(), vec![]),
            ApiError::Domain(Error::Unauthorized) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid API token is required: send Authorization: Bearer <token>".into(),
                vec![],
            ),
            ApiError::Domain(Error::Internal(cause)) => {
                tracing::error!(cause = %cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong inside psops; the request id locates it in the logs".into(),
                    vec![],
                )
            }
            ApiError::BadRequest { detail, errors } => {
                (StatusCode::BAD_REQUEST, "bad-request", detail.clone(), errors.clone())
            }
            ApiError::UnsupportedMediaType(detail) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                detail.clone(),
                vec![FieldError::new("content-type", Rule::Json, detail.clone())],
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "the request body is larger than psops accepts".into(),
                vec![],
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "this path does not take that method; the Allow header lists those it takes".into(),
                vec![],
            ),
            ApiError::NoRoute => (
                StatusCode::NOT_FOUND,
                "not-found",
                "no such path; the API is described at /api/v1/openapi.json".into(),
                vec![],
            ),
            ApiError::Unavailable(cause) => {
                tracing::error!(cause = %cause, "unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "psops cannot reach its database".into(),
                    vec![],
                )
            }
            ApiError::TooSlow(detail) => (StatusCode::SERVICE_UNAVAILABLE, "timeout", detail.clone(), vec![]),
        };
        Problem::new(status, slug, detail, errors)
    }
}

fn summary(errors: &[FieldError]) -> String {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    match errors {
        [one] => one.message.clone(),
        _ => format!("the input breaks rules on: {}", fields.join(", ")),
    }
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: String, errors: Vec<FieldError>) -> Self {
        Problem {
            kind: format!("urn:psops:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            errors,
            request_id: None,
            report: None,
        }
    }

    /// A problem for an error response produced below the handlers (axum's own 405,
    /// a layer's rejection) that carries no problem of its own.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed.to_problem(),
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge.to_problem(),
            StatusCode::NOT_FOUND => ApiError::NoRoute.to_problem(),
            s if s.is_server_error() => ApiError::Domain(Error::internal(format!("bare {s} response"))).to_problem(),
            s => Problem::new(s, "bad-request", "the request cannot be served".into(), vec![]),
        }
    }

    fn body(&self) -> Body {
        Body::from(serde_json::to_vec(self).unwrap_or_default())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.to_problem().into_response()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = Response::new(self.body());
        *res.status_mut() = status;
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"psops\""),
            );
        }
        // Kept so the request-id layer can stamp the id into the body.
        res.extensions_mut().insert(self);
        res
    }
}

/// Stamps the request id into problem bodies. Under `/api` (`wrap_bare`), bare error
/// responses from below the handlers (axum's 405, a layer's rejection) become problems
/// too; elsewhere — the HTML UI — an error page is left as it is.
pub fn finish(res: &mut Response, request_id: &str, wrap_bare: bool) {
    let failed = res.status().is_client_error() || res.status().is_server_error();
    let problem = match res.extensions_mut().remove::<Problem>() {
        Some(p) => p,
        None if failed && wrap_bare => Problem::for_status(res.status()),
        None => return,
    };
    let problem = Problem {
        request_id: Some(request_id.to_string()),
        ..problem
    };
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    *res.body_mut() = problem.body();
}

/// OpenAPI responses for problem statuses, referring to the `Problem` schema.
fn problem_responses(statuses: &[(u16, &str)]) -> BTreeMap<String, RefOr<DocResponse>> {
    statuses
        .iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            let response = ResponseBuilder::new()
                .description(*description)
                .content(PROBLEM_JSON, content)
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

const UNAUTHORIZED: (u16, &str) = (401, "No valid API token");
const FORBIDDEN: (u16, &str) = (403, "The token may not do this (a read-only token writing)");
const NOT_FOUND: (u16, &str) = (404, "No object with this id");
const INVALID: (u16, &str) = (422, "The input breaks a rule; `errors` names field and rule");
const BAD_BODY: (u16, &str) = (400, "The body is not JSON, or a header is malformed");
const MEDIA: (u16, &str) = (415, "The body is not sent as application/json");
const TOO_LARGE: (u16, &str) = (413, "The body is too large");
const CONFLICT: (u16, &str) = (409, "A unique value is already taken");
const STALE: (u16, &str) = (412, "If-Match names a version that is no longer current");

/// Problems a list can answer with.
pub struct ListProblems;
/// Problems reading one object can answer with.
pub struct ReadProblems;
/// Problems a create can answer with.
pub struct CreateProblems;
/// Problems a change (update, archive, delete) of one object can answer with.
pub struct ChangeProblems;

impl utoipa::IntoResponses for ListProblems {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        problem_responses(&[UNAUTHORIZED, INVALID])
    }
}

impl utoipa::IntoResponses for ReadProblems {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        problem_responses(&[UNAUTHORIZED, NOT_FOUND])
    }
}

/// What any request with a body can run into.
const BODY_PROBLEMS: [(u16, &str); 8] = [
    BAD_BODY,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    CONFLICT,
    TOO_LARGE,
    MEDIA,
    INVALID,
];

impl utoipa::IntoResponses for CreateProblems {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        problem_responses(&BODY_PROBLEMS)
    }
}

impl utoipa::IntoResponses for ChangeProblems {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        problem_responses(&[&BODY_PROBLEMS[..], &[STALE]].concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::record::Entity;

    #[test]
    fn every_domain_error_has_its_status_and_type() {
        let cases = [
            (Error::invalid("minutes", Rule::Positive, "no"), 422, "invalid"),
            (Error::not_found(Entity::Person, 3), 404, "not-found"),
            (Error::conflict("email", Rule::Unique, "taken"), 409, "conflict"),
            (Error::PreconditionFailed { current: 4 }, 412, "precondition-failed"),
            (Error::Forbidden("no".into()), 403, "forbidden"),
            (Error::Unauthorized, 401, "unauthorized"),
            (Error::internal("disk on fire"), 500, "internal"),
        ];
        for (error, status, slug) in cases {
            let p = ApiError::from(error).to_problem();
            assert_eq!(p.status, status);
            assert_eq!(p.kind, format!("urn:psops:problem:{slug}"));
        }
    }

    #[test]
    fn internal_causes_stay_inside() {
        let p = ApiError::from(Error::internal("password=hunter2 at db.rs:12")).to_problem();
        assert!(!p.detail.contains("hunter2"));
        assert!(p.errors.is_empty());
    }

    #[test]
    fn finish_stamps_the_request_id_and_wraps_bare_errors() {
        let mut res = ApiError::NoRoute.into_response();
        finish(&mut res, "abc", false);
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let bare = || {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            r
        };
        let mut api = bare();
        finish(&mut api, "abc", true);
        assert_eq!(api.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let mut page = bare();
        finish(&mut page, "abc", false);
        assert!(page.headers().get(header::CONTENT_TYPE).is_none());
        let mut ok = Response::new(Body::empty());
        finish(&mut ok, "abc", true);
        assert!(ok.headers().get(header::CONTENT_TYPE).is_none());
    }
}
