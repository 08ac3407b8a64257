//! Server-side limits every request runs under, so no request can keep the server busy:
//! a time limit on each request (longer for imports, whose bodies may be large), and
//! heavy routes — reports, capacity, exports, imports, feeds, report pages — run on
//! blocking threads, at most as many at once as the machine has cores, never on the
//! async workers that answer `/healthz` and every light request.
//!
//! What each heavy request may compute is bounded by its input (every date lies between
//! 1900 and 2200, lists are paged); the time limit answers the caller when that is still
//! too slow, and the blocking thread stops at its next await once the limit has passed.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::problem::ApiError;

/// How long requests may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Every request but imports.
    pub request: Duration,
    /// Imports, whose bodies may be up to 50 MiB of rows.
    pub import: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request: Duration::from_secs(30),
            import: Duration::from_secs(600),
        }
    }
}

/// Routes whose work grows with the organisation or the range asked for.
const HEAVY_PREFIXES: &[&str] = &[
    "/api/v1/reports/",
    "/api/v1/exports/",
    "/api/v1/imports/",
    "/feeds/",
    "/reports/",
    "/me/utilization",
    "/people/",
    "/setup/",
];

fn is_heavy(path: &str) -> bool {
    HEAVY_PREFIXES.iter().any(|p| path.starts_with(p))
        || path.starts_with("/api/v1/people/") && path.ends_with("/capacity")
        || path.ends_with("/import")
}

/// Imports, and the first-run setup, which may load the whole demo organisation: they
/// get the import's time limit.
fn is_import(path: &str) -> bool {
    path.starts_with("/api/v1/imports/") || path.ends_with("/import") || path.starts_with("/setup/")
}

/// One permit per core for heavy work, shared by every app in the process: the cores
/// are the process's.
fn heavy_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            Arc::new(Semaphore::new(cores))
        })
        .clone()
}

/// The layer: applies the time limit, and moves heavy routes off the async workers.
pub async fn layer(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/");
    let limit = if is_import(path) { limits.import } else { limits.request };
    let work = async move {
        if is_heavy(req.uri().path()) {
            offload(req, next, limit).await
        } else {
            next.run(req).await
        }
    };
    match tokio::time::timeout(limit, work).await {
        Ok(res) => res,
        Err(_) => too_slow(api, limit),
    }
}

/// Runs the rest of the request on a blocking thread once a heavy permit is free; the
/// permit is held until that thread is done, even when the caller has been answered.
async fn offload(req: Request, next: Next, limit: Duration) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let Ok(permit) = heavy_permits().acquire_owned().await else {
        return next.run(req).await;
    };
    let handle = tokio::runtime::Handle::current();
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        handle.block_on(tokio::time::timeout(limit, next.run(req)))
    });
    match job.await {
        Ok(Ok(res)) => res,
        Ok(Err(_)) => too_slow(api, limit),
        Err(e) => {
            let cause = psops_core::Error::internal(format!("a heavy request failed: {e}"));
            if api {
                ApiError::Domain(cause).into_response()
            } else {
                crate::ui::UiError::internal(cause).into_response()
            }
        }
    }
}

fn too_slow(api: bool, limit: Duration) -> Response {
    tracing::warn!(limit_seconds = limit.as_secs(), "request stopped at its time limit");
    let detail = format!(
        "the request took longer than the {} s psops allows; ask for a shorter range or fewer rows",
        limit.as_secs()
    );
    let mut res = if api {
        ApiError::TooSlow(detail).into_response()
    } else {
        crate::ui::UiError::new(StatusCode::SERVICE_UNAVAILABLE, "This took too long", detail).into_response()
    };
    res.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::middleware::from_fn_with_state;
    use axum::routing::get;
    use std::time::Instant;
    use tower::ServiceExt;

    /// Work that never yields, as a runaway computation would.
    async fn spin() -> &'static str {
        std::thread::sleep(Duration::from_millis(1500));
        "done"
    }

    async fn sleepy() -> &'static str {
        tokio::time::sleep(Duration::from_secs(5)).await;
        "done"
    }

    fn app() -> Router {
        let limits = Limits {
            request: Duration::from_millis(300),
            import: Duration::from_secs(1),
        };
        Router::new()
            .route("/api/v1/reports/spin", get(spin))
            .route("/api/v1/slow", get(sleepy))
            .route("/healthz", get(|| async { "ok" }))
            .layer(from_fn_with_state(limits, layer))
    }

    async fn status(app: &Router, path: &str) -> (u16, Duration) {
        let started = Instant::now();
        let req = axum::http::Request::get(path).body(Body::empty()).unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        (res.status().as_u16(), started.elapsed())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn heavy_work_never_starves_healthz_and_every_request_ends_at_its_limit() {
        let app = app();
        let mut spinning = Vec::new();
        for _ in 0..6 {
            let app = app.clone();
            spinning.push(tokio::spawn(async move { status(&app, "/api/v1/reports/spin").await }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..5 {
            let (code, took) = status(&app, "/healthz").await;
            assert_eq!(code, 200);
            assert!(took < Duration::from_millis(100), "healthz took {took:?}");
        }
        for s in spinning {
            let (code, took) = s.await.unwrap();
            assert_eq!(code, 503, "answered at the limit");
            assert!(took < Duration::from_millis(1000), "{took:?}");
        }
        let (code, took) = status(&app, "/api/v1/slow").await;
        assert_eq!(code, 503);
        assert!(took < Duration::from_millis(1000), "{took:?}");
    }

    #[test]
    fn reports_capacity_exports_and_imports_are_heavy() {
        for heavy in [
            "/api/v1/reports/utilization",
            "/api/v1/people/34/capacity",
            "/api/v1/exports/time",
            "/api/v1/imports/time",
            "/api/v1/calendars/3/holidays/import",
            "/reports/utilization.csv",
            "/me/utilization",
            "/people/12",
        ] {
            assert!(is_heavy(heavy), "{heavy}");
        }
        for light in [
            "/healthz",
            "/readyz",
            "/api/v1/people/34",
            "/api/v1/time-entries",
            "/week",
        ] {
            assert!(!is_heavy(light), "{light}");
        }
        assert!(is_import("/api/v1/imports/people") && !is_import("/api/v1/exports/time"));
        assert!(is_import("/setup/abc123"), "the setup may load the demo");
    }
}
