//! Static assets, embedded in the binary: our stylesheet, the vendored htmx, our small
//! week-grid script and the form behaviours pages ask for with data attributes.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const STYLE: &str = include_str!("../../assets/style.css");
const HTMX: &str = include_str!("../../assets/vendor/htmx-2.0.11.min.js");
const WEEK: &str = include_str!("../../assets/week.js");
const FORMS: &str = include_str!("../../assets/forms.js");
const ICON: &str = include_str!("../../assets/favicon.svg");

pub async fn serve(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "week.js" => (WEEK, "text/javascript; charset=utf-8"),
        "forms.js" => (FORMS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (ICON, "image/svg+xml"),
        "sow.css" => (crate::sow_doc::stylesheet(), "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

/// `/favicon.ico`, which browsers ask for on their own: the same icon.
pub async fn favicon() -> Response {
    serve(Path("favicon.svg".to_string())).await
}
