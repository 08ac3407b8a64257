//! Prometheus metrics: `GET /metrics` in the text exposition format, the middleware that
//! counts and times every request, and the names of every metric psops records.
//!
//! Requests are labelled by the route's template (`/api/v1/people/{id}`, axum's
//! [`MatchedPath`]), never the raw path, so ids cannot multiply the series; a path no
//! route matches is `unmatched`. The recorder is the process's global one, installed the
//! first time an app is built; the `psops` binary records its jobs and database pool
//! through the same facade.
//!
//! When [`crate::AppState::metrics_token`] is set the endpoint asks for
//! `Authorization: Bearer <that token>` (a `401` problem otherwise); when unset it is open
//! like `/healthz`. It never needs a session or a CSRF token.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use psops_core::delivery::escalations::{EscalationScope, SeverityCount};
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{ApiResult, Problem};

/// Requests answered, by `route` (template), `method` and `status`.
pub const HTTP_REQUESTS: &str = "psops_http_requests_total";
/// Seconds from a request's arrival to its answer's head, by `route` and `method`.
pub const HTTP_DURATION: &str = "psops_http_request_duration_seconds";
/// Runs of a background job this node claimed, by `job`.
pub const JOB_RUNS: &str = "psops_job_runs_total";
/// Runs of a background job that failed, or could not be claimed, by `job`.
pub const JOB_FAILURES: &str = "psops_job_failures_total";
/// Database connections open now.
pub const DB_CONNECTIONS: &str = "psops_db_pool_connections";
/// Of those, the ones idle now.
pub const DB_IDLE: &str = "psops_db_pool_idle_connections";
/// The most database connections this process may open.
pub const DB_MAX: &str = "psops_db_pool_max_connections";

/// Open escalations now, by `severity`.
pub const ESCALATIONS_OPEN: &str = "psops_escalations_open";
/// Open escalations whose update is overdue now, by `severity`.
pub const ESCALATIONS_OVERDUE: &str = "psops_escalations_update_overdue";

/// The `route` label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Latency buckets, in seconds: half a millisecond to ten seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets between scrapes, so memory
/// stays bounded when nobody scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus recorder, installed as the global `metrics` recorder on first
/// use. Should another recorder already be installed (psops embedded in a program with
/// its own), this one renders nothing of what is recorded.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        if ::metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics shows none of psops's metrics");
        }
        describe();
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP);
                    upkeep.run_upkeep();
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no metrics upkeep thread: histograms are folded at each scrape only");
        }
        handle
    })
}

fn describe() {
    use ::metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template, method and status"
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time to answer an HTTP request, by route template and method"
    );
    describe_counter!(JOB_RUNS, "Background job runs this node claimed, by job");
    describe_counter!(
        JOB_FAILURES,
        "Background job runs that failed or could not be claimed, by job"
    );
    describe_gauge!(DB_CONNECTIONS, "Database connections open");
    describe_gauge!(DB_IDLE, "Database connections open and idle");
    describe_gauge!(DB_MAX, "Database connections this process may open at most");
}

/// A method label from a closed set, so made-up methods cannot multiply the series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Counts and times every request by route template, method and status.
pub async fn layer(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |p| p.as_str().to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    ::metrics::histogram!(HTTP_DURATION, "route" => route.clone(), "method" => method).record(seconds);
    let status = res.status().as_u16().to_string();
    ::metrics::counter!(HTTP_REQUESTS, "route" => route, "method" => method, "status" => status).increment(1);
    res
}

/// Whether `given` is `want`, in time that does not depend on where they differ.
fn same_secret(given: &str, want: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(want.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Prometheus metrics: HTTP requests and latency by route template, background jobs and
/// the database pool, in the text exposition format. Open unless the server is given a
/// metrics token (`PSOPS_METRICS_TOKEN`); then it needs `Authorization: Bearer <token>`.
#[utoipa::path(get, path = "/metrics", tag = "health", security(()),
    responses(
        (status = 200, body = String, content_type = "text/plain; version=0.0.4",
            description = "The metrics in Prometheus's text exposition format"),
        (status = 401, body = Problem, content_type = "application/problem+json",
            description = "A metrics token is configured and the request does not carry it"),
    ))]
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(want) = &state.metrics_token {
        let given = crate::bearer::bearer(&headers);
        if !given.is_some_and(|g| same_secret(g, want)) {
            return Err(psops_core::Error::Unauthorized.into());
        }
    }
    if let Some(probe) = &state.metrics_probe {
        probe();
    }
    let handle = handle();
    handle.run_upkeep();
    let mut text = handle.render();
    // Without the database the process's own figures (its pool among them) matter most:
    // they are answered, and the escalation gauges left out until it is back.
    match escalations(&state).await {
        Ok(gauges) => text.push_str(&gauges),
        Err(e) => tracing::warn!(error = %e, "metrics: the escalation gauges could not be read"),
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response())
}

/// A gauge by severity: its name, its help and its figure.
type Gauge = (&'static str, &'static str, fn(&SeverityCount) -> i64);

/// Open escalations and those whose update is overdue, by severity, as gauges. Read from
/// the database at each scrape (not kept in this process), so every node reports the
/// organisation's figures and no scrape sees another app's.
async fn escalations(state: &AppState) -> psops_core::Result<String> {
    use std::fmt::Write;
    let now = time::OffsetDateTime::now_utc();
    let summary = state.store.escalation_summary(EscalationScope::All, now).await?;
    let mut out = String::new();
    let gauges: [Gauge; 2] = [
        (ESCALATIONS_OPEN, "Open escalations, by severity", |c| c.open),
        (
            ESCALATIONS_OVERDUE,
            "Open escalations whose update is overdue, by severity",
            |c| c.overdue,
        ),
    ];
    for (name, help, of) in gauges {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for c in &summary.by_severity {
            let severity: &'static str = c.severity.into();
            let _ = writeln!(out, "{name}{{severity=\"{severity}\"}} {}", of(c));
        }
    }
    Ok(out)
}

/// Called before each scrape to set gauges this crate cannot read itself (the database
/// pool's, which only the binary knows).
pub type Probe = Arc<dyn Fn() + Send + Sync>;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(metrics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        let odd = Method::from_bytes(b"BREW").unwrap_or(Method::TRACE);
        assert_eq!(method_label(&odd), "OTHER");
    }
}
