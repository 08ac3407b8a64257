//! Responses every resource shares: one record with its ETag, a created record with its
//! Location (or the replay of an earlier create), and nothing at all.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use axum::Json;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::store::Created;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::{Response as DocResponse, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::problem::{ApiError, ApiResult};

pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The strong ETag of a record version: `"<version>"`.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn to_value<T: Serialize>(record: &T) -> ApiResult<Value> {
    serde_json::to_value(record)
        .map_err(|e| ApiError::Domain(psops_core::Error::internal(format!("serialising a record: {e}"))))
}

fn with_etag(status: StatusCode, body: Value) -> Response {
    let version = body.get("version").and_then(Value::as_i64);
    let mut res = (status, Json(body)).into_response();
    if let Some(v) = version {
        res.headers_mut().insert(header::ETAG, etag(v));
    }
    res
}

/// One record, 200, with its ETag.
pub fn record<T: Serialize>(record: &T) -> ApiResult<Response> {
    Ok(with_etag(StatusCode::OK, to_value(record)?))
}

/// 201 with Location `<collection>/<id>` and the ETag; a replayed create answers the
/// first response's body again, marked `Idempotent-Replayed: true`.
pub fn created<T: Serialize>(collection: &str, created: Created<T>) -> ApiResult<Response> {
    let (body, replayed) = match created {
        Created::New(v) => (to_value(&v)?, false),
        Created::Replayed(v) => (v, true),
    };
    let location = body
        .get("id")
        .and_then(Value::as_i64)
        .and_then(|id| HeaderValue::from_str(&format!("{collection}/{id}")).ok());
    let mut res = with_etag(StatusCode::CREATED, body);
    let headers = res.headers_mut();
    if let Some(location) = location {
        headers.insert(header::LOCATION, location);
    }
    if replayed {
        headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(res)
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The OpenAPI response of [`record`]: 200, the record, its ETag.
pub struct Versioned<T>(PhantomData<T>);

/// The OpenAPI response of [`created`]: 201, the record, its ETag and Location.
pub struct NewRecord<T>(PhantomData<T>);

fn doc_response<T: ToSchema>(description: &str, location: bool) -> RefOr<DocResponse> {
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(String::schema()))
            .description(Some(description))
            .build()
    };
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(T::name())))
        .build();
    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", content)
        .header("ETag", header("The version, for If-Match"));
    if location {
        response = response.header("Location", header("The URL of the new object"));
    }
    RefOr::T(response.build())
}

impl<T: ToSchema> utoipa::IntoResponses for Versioned<T> {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        BTreeMap::from([("200".to_string(), doc_response::<T>("The object", false))])
    }
}

impl<T: ToSchema> utoipa::IntoResponses for NewRecord<T> {
    fn responses() -> BTreeMap<String, RefOr<DocResponse>> {
        let description = "Created, or the replay of an earlier create with the same Idempotency-Key";
        BTreeMap::from([("201".to_string(), doc_response::<T>(description, true))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn created_and_replayed_carry_location_and_etag() {
        let new = created("/api/v1/people", Created::New(json!({"id": 7, "version": 1}))).unwrap();
        assert_eq!(new.status(), StatusCode::CREATED);
        assert_eq!(new.headers()[header::LOCATION], "/api/v1/people/7");
        assert_eq!(new.headers()[header::ETAG], "\"1\"");
        assert!(new.headers().get(IDEMPOTENT_REPLAYED).is_none());
        let again = created::<Value>("/api/v1/people", Created::Replayed(json!({"id": 7, "version": 1}))).unwrap();
        assert_eq!(again.headers()[IDEMPOTENT_REPLAYED], "true");
        assert_eq!(again.headers()[header::LOCATION], "/api/v1/people/7");
    }
}
