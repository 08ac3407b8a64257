//! Request ids: taken from `x-request-id` when the caller (or a proxy) sends a sane one,
//! made up otherwise; echoed in the response, logged in the request's span, written into
//! problem bodies and into every write's audit context.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Ids from outside are trusted only when short and plain, since they end up in logs.
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// 16 random bytes as hex; a clock-based fallback keeps requests served if the OS
/// randomness source fails.
pub fn generate() -> String {
    let mut buf = [0u8; 16];
    match getrandom::fill(&mut buf) {
        Ok(()) => hex::encode(buf),
        Err(_) => format!("t{:x}", time::OffsetDateTime::now_utc().unix_timestamp_nanos()),
    }
}

/// The outermost layer: assigns the id, then finishes the response with it.
pub async fn layer(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(generate);
    let header = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("invalid"));
    req.headers_mut().insert(X_REQUEST_ID, header.clone());
    req.extensions_mut().insert(RequestId(id.clone()));
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    crate::problem::finish(&mut res, &id, api);
    res.headers_mut().insert(X_REQUEST_ID, header);
    res
}

/// The tracing span of a request, carrying its id.
pub fn span(req: &Request) -> tracing::Span {
    let id = req.extensions().get::<RequestId>().map(|r| r.0.as_str()).unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_hex_and_outside_ids_are_vetted() {
        let a = generate();
        assert_eq!(a.len(), 32);
        assert_ne!(a, generate());
        assert!(acceptable(&a));
        assert!(acceptable("req-42_a.b:c"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable(&"x".repeat(129)));
    }
}
