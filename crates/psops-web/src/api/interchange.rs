//! `/api/v1/imports/time` and `/api/v1/exports/time`: time entries in from other tools'
//! exports, and out as CSV.
//!
//! An import takes the file itself as the body (up to [`IMPORT_BODY_LIMIT`]) and answers
//! the import report: 200 when it was written or was a dry run, 422 problem+json with the
//! report (every bad row's line, column, value and rule) when any row fails — and then
//! nothing is written. Imports need admin or ops (the rights that change settings).
//! An export streams every entry the caller may list, page by page, never the whole range.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use psops_core::error::Thing;
use psops_core::imports::{ImportReport, RowStream, TimeImportOptions};
use psops_core::interchange::{DateOrder, Format, Options};
use psops_core::policy::{Action, Resource, list_scope};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::time_entries::TimeEntryFilter;
use psops_core::{Error, FieldError};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Caller, Writer};
use crate::params::{Params, Query};
use crate::problem::{ApiResult, Problem};

/// The largest file an import takes through the API.
pub const IMPORT_BODY_LIMIT: usize = 50 * 1024 * 1024;

/// Entries read per page while an export streams.
const EXPORT_PAGE: u32 = 2000;

/// Options of a time import.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `harvest`, `toggl`, `kimai`, `clockify`, `kantata`, `psops`, or `auto` (the default:
    /// recognised from the header row).
    #[param(pattern = "^(harvest|toggl|kimai|clockify|kantata|psops|auto)$")]
    format: Option<String>,
    /// `true`: check every row, write nothing.
    #[param(value_type = Option<bool>)]
    dry_run: Option<String>,
    /// `true`: create the people, accounts and projects the file names and psops lacks.
    #[param(value_type = Option<bool>)]
    create_missing: Option<String>,
    /// `day-first` or `month-first`, for dates written `a/b/yyyy`.
    #[param(pattern = "^(day-first|month-first|day_first|month_first)$")]
    date_order: Option<String>,
}

fn import_format(p: &mut Params, v: Option<String>) -> Option<Format> {
    let v = p.text(v)?;
    if v.eq_ignore_ascii_case("auto") {
        return None;
    }
    p.keep("format", v.parse::<Format>())
}

fn date_order(p: &mut Params, v: Option<String>) -> Option<DateOrder> {
    let v = p.text(v)?;
    let parsed = match v.as_str() {
        "day-first" | "day_first" => Ok(DateOrder::DayFirst),
        "month-first" | "month_first" => Ok(DateOrder::MonthFirst),
        _ => Err(Error::invalid(
            "date_order",
            Rule::OneOf,
            "date_order must be day-first or month-first",
        )),
    };
    p.keep("date_order", parsed)
}

/// A report with failed rows: 422 problem+json carrying the whole report.
pub(crate) fn refused(report: ImportReport) -> Response {
    let errors = report
        .row_errors
        .iter()
        .take(20)
        .map(|e| FieldError::new(e.column.clone(), e.rule, e.to_string()))
        .collect();
    let detail = format!(
        "{} of {} rows break rules; nothing was imported",
        report.rows_failed, report.rows_read
    );
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "import-rows", detail, errors);
    problem.report = serde_json::to_value(&report).ok();
    problem.into_response()
}

/// Import time entries from an export.
#[utoipa::path(post, path = "/api/v1/imports/time", tag = "interchange",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The export file as it is (CSV, or Kantata's JSON as application/json)"),
    responses(
        (status = 200, body = ImportReport, description = "Imported, or checked in a dry run"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "Rows break rules; the report lists them and nothing was written"),
        (status = 403, body = Problem, content_type = "application/problem+json",
            description = "Only admin and ops import")))]
async fn import_time(
    State(st): State<AppState>,
    w: Writer,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut p = Params::new();
    let format = import_format(&mut p, q.format);
    let dry_run = p.flag("dry_run", q.dry_run).unwrap_or(false);
    let create_missing = p.flag("create_missing", q.create_missing).unwrap_or(false);
    let order = date_order(&mut p, q.date_order);
    p.finish()?;
    let grant = allow(
        &st,
        &w.subject,
        Action::Update,
        &Fixed(Resource::Settings, Thing::Import),
    )
    .await?;
    let settings = st.store.settings().await?;
    let options = Options {
        date_order: order,
        default_currency: Some(settings.default_currency),
    };
    let source = format!("an upload of {} bytes", body.len());
    let (format, rows) = match psops_core::interchange::open(format, std::io::Cursor::new(body), options) {
        Ok(opened) => opened,
        Err(e) => {
            let mut report = ImportReport::new("time", format, dry_run);
            report.fail(vec![e]);
            return Ok(refused(report));
        }
    };
    let import = TimeImportOptions {
        mapping: Default::default(),
        create_missing,
        dry_run,
        source: Some(source),
    };
    let report = st
        .store
        .import_time(&w.ctx(grant), format, RowStream::new(rows), &import)
        .await?;
    if report.ok() {
        Ok(axum::Json(report).into_response())
    } else {
        Ok(refused(report))
    }
}

/// Filters and shape of a time export.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `psops` (the default), `kimai` or `harvest`.
    #[param(pattern = "^(psops|kimai|harvest)$")]
    format: Option<String>,
    /// Entries on or after this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Entries on or before this date (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
    #[param(value_type = Option<i64>)]
    person_id: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
}

fn export_format(p: &mut Params, v: Option<String>) -> Format {
    match p.text(v).map(|v| v.parse::<Format>()) {
        None => Format::Psops,
        Some(Ok(f @ (Format::Psops | Format::Kimai | Format::Harvest))) => f,
        Some(_) => {
            let e = Error::invalid("format", Rule::OneOf, "format must be one of: psops, kimai, harvest");
            p.keep::<()>("format", Err(e));
            Format::Psops
        }
    }
}

struct Chunks(mpsc::Receiver<std::io::Result<Bytes>>);

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// Export time entries as CSV.
#[utoipa::path(get, path = "/api/v1/exports/time", tag = "interchange",
    params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String,
        description = "The entries the caller may list, as an attachment"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "A bad parameter")))]
async fn export_time(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let mut p = Params::new();
    let format = export_format(&mut p, q.format);
    let filter = TimeEntryFilter {
        scope: list_scope(&s, ListKind::TimeEntries),
        person_id: p.id("person_id", q.person_id),
        project_id: p.id("project_id", q.project_id),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        ..Default::default()
    };
    p.finish()?;
    // The first page is read before answering, so a failing database is a problem
    // response rather than a cut-off file.
    let first = st.store.export_time_page(&filter, None, EXPORT_PAGE).await?;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut page = first;
        let mut header = true;
        loop {
            let (last, full) = (page.last().map(|(id, _)| *id), page.len() as u32 == EXPORT_PAGE);
            let chunk = psops_core::interchange::csv_chunk(format, page.into_iter().map(|(_, r)| r).collect(), header)
                .map(Bytes::from);
            header = false;
            if tx.send(chunk).await.is_err() {
                return;
            }
            let (Some(after), true) = (last, full) else { return };
            page = match st.store.export_time_page(&filter, Some(after), EXPORT_PAGE).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "export stopped");
                    let _ = tx.send(Err(std::io::Error::other("the export stopped"))).await;
                    return;
                }
            };
        }
    });
    let mut res = Body::from_stream(Chunks(rx)).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!("attachment; filename=\"psops-time-{format}.csv\"");
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub fn router() -> OpenApiRouter<AppState> {
    // Only the import takes big bodies; every other route keeps the default limit.
    let import = OpenApiRouter::new()
        .routes(routes!(import_time))
        .layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT));
    OpenApiRouter::new().merge(import).routes(routes!(export_time))
}
