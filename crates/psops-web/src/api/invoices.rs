//! `/api/v1/invoices`: invoices and credit notes — drafted from a project's billable work
//! through a day, reviewed and edited while drafts, issued (numbered, and locking what
//! they bill), credited (never deleted once issued), as PDF, and exported as CSV for an
//! accounting system. Read by those who see bill rates and by each project's manager;
//! written by finance and administrators; partners see none.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use psops_core::Error;
use psops_core::finance::invoices::{
    Invoice, InvoiceFilter, InvoiceKind, InvoicePatch, InvoiceScope, InvoiceStatus, NewInvoice, export_csv,
};
use psops_core::page::Page;
use psops_core::policy::{Action, Decision, Resource, decide};
use psops_core::record::Entity;
use psops_core::store::Created;
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::extract::{Caller, Change as Changing, CreateHeaders, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams, Params};
use crate::problem::{ApiResult, ChangeProblems, CreateProblems, ListProblems, Problem, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Draft an invoice of the project's billable work through a day: a time-and-materials
/// project's approved, billable, un-invoiced time (each entry a line at the bill rate of
/// its day); a fixed-fee project's accepted milestones or the fee parts its SOW's billing
/// terms make due. Nothing to bill, or time without a bill rate, is a 409/422 naming why
#[utoipa::path(post, path = "/api/v1/invoices", tag = "finance",
    request_body = NewInvoice, params(CreateHeaders), responses(NewRecord<Invoice>, CreateProblems))]
async fn create_invoice(State(st): State<AppState>, w: Writer, body: Body<NewInvoice>) -> ApiResult<Response> {
    let grant = allow(&st, &w.subject, Action::Create, &body.value).await?;
    let made = st.store.draft_invoice(&w.ctx(grant), body.value, today()).await?;
    st.changed(Entity::Invoice);
    respond::created("/api/v1/invoices", Created::New(made))
}

/// Read one invoice or credit note with its lines
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "finance",
    params(IdPath<Invoice>), responses(Versioned<Invoice>, ReadProblems))]
async fn get_invoice(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Invoice>,
) -> ApiResult<Response> {
    let found = st.store.invoice(id).await?;
    allow(&st, &s, Action::Read, &found).await?;
    respond::record(&found)
}

/// Change a draft: its invoice and due dates, its note, lines to drop (by position). An
/// issued invoice never changes (409): correct it with a credit note
#[utoipa::path(patch, path = "/api/v1/invoices/{id}", tag = "finance",
    request_body = InvoicePatch, params(Changing<Invoice>), responses(Versioned<Invoice>, ChangeProblems))]
async fn update_invoice(
    State(st): State<AppState>,
    c: Changing<Invoice>,
    body: Body<InvoicePatch>,
) -> ApiResult<Response> {
    let current = st.store.invoice(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .change_invoice(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    st.changed(Entity::Invoice);
    respond::record(&done)
}

/// Discard a draft. An issued invoice is never deleted (409)
#[utoipa::path(delete, path = "/api/v1/invoices/{id}", tag = "finance",
    params(Changing<Invoice>),
    responses((status = 204, description = "Discarded"), ChangeProblems))]
async fn delete_invoice(State(st): State<AppState>, c: Changing<Invoice>) -> ApiResult<Response> {
    let current = st.store.invoice(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Delete, &current).await?;
    st.store.discard_invoice(&c.ctx(grant), c.id, c.if_version).await?;
    st.changed(Entity::Invoice);
    Ok(respond::no_content())
}

/// Issue a draft: it takes the next number (`INV-000042`, no gaps) and locks every entry,
/// milestone and fee part it bills. Something already billed by another invoice, or time
/// changed since the draft, is a 409 and nothing is written
#[utoipa::path(post, path = "/api/v1/invoices/{id}/issue", tag = "finance",
    params(Changing<Invoice>), responses(Versioned<Invoice>, ChangeProblems))]
async fn issue_invoice(State(st): State<AppState>, c: Changing<Invoice>) -> ApiResult<Response> {
    let current = st.store.invoice(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let done = st
        .store
        .issue_invoice(&c.ctx(grant), c.id, c.if_version, today())
        .await?;
    st.changed(Entity::Invoice);
    respond::record(&done)
}

/// Why an invoice is credited.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreditRequest {
    reason: String,
}

/// Credit an issued invoice: a numbered credit note (`CN-000001`) reversing every line,
/// with the reason; what the invoice billed is released to be billed again. Answers the
/// credit note
#[utoipa::path(post, path = "/api/v1/invoices/{id}/credit", tag = "finance",
    request_body = CreditRequest, params(Changing<Invoice>), responses(NewRecord<Invoice>, ChangeProblems))]
async fn credit_invoice(
    State(st): State<AppState>,
    c: Changing<Invoice>,
    body: Body<CreditRequest>,
) -> ApiResult<Response> {
    let current = st.store.invoice(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Update, &current).await?;
    let note = st
        .store
        .credit_invoice(&c.ctx(grant), c.id, &body.value.reason, today())
        .await?;
    st.changed(Entity::Invoice);
    respond::created("/api/v1/invoices", Created::New(note))
}

/// A PDF file, as bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct InvoicePdf(Vec<u8>);

/// The invoice or credit note as a PDF document, made in-process
#[utoipa::path(get, path = "/api/v1/invoices/{id}/pdf", tag = "finance",
    params(IdPath<Invoice>),
    responses((status = 200, content_type = "application/pdf", body = InvoicePdf, description = "The document"),
        ReadProblems))]
async fn invoice_pdf(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<Invoice>,
) -> ApiResult<Response> {
    let found = st.store.invoice(id).await?;
    allow(&st, &s, Action::Read, &found).await?;
    let provider = st.store.settings().await?.scoping.provider_name;
    let mut res = crate::invoice_doc::pdf(&found, &provider).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let name = format!("attachment; filename=\"{}.pdf\"", found.label().replace(' ', "-"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The dates of an export.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// First invoice date (YYYY-MM-DD).
    #[param(value_type = Date)]
    from: Option<String>,
    /// Last invoice date (YYYY-MM-DD).
    #[param(value_type = Date)]
    to: Option<String>,
}

/// Issued invoices and credit notes dated `from` to `to` as CSV for an accounting system:
/// one row per line with ContactName, InvoiceNumber, Reference, InvoiceDate, DueDate,
/// Description, Quantity, UnitAmount, LineAmount, AccountCode, Currency. Finance and
/// administrators only
#[utoipa::path(get, path = "/api/v1/invoices/export.csv", tag = "finance",
    params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "The export, as an attachment"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "A bad parameter"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "Not finance")))]
async fn export_invoices(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    // The export holds every project's invoices: only those who keep the books take it.
    if decide(&s, Action::Read, &Resource::Finance) != Decision::Allow {
        return Err(Error::Forbidden("only finance and administrators export invoices".into()).into());
    }
    let mut p = Params::new();
    let from = p.date("from", q.from.as_deref());
    let to = p.date("to", q.to.as_deref());
    if from.is_none() && p.errors().is_empty() {
        p.add("from", psops_core::rule::Rule::Required, "from is required");
    }
    if to.is_none() && p.errors().is_empty() {
        p.add("to", psops_core::rule::Rule::Required, "to is required");
    }
    p.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(Error::internal("export dates checked above").into());
    };
    let text = export_csv(&st.store.invoices_for_export(from, to).await?)?;
    let mut res = text.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!("attachment; filename=\"psops-invoices-{from}-{to}.csv\"");
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Filters of the invoices.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct InvoicesQuery {
    #[param(value_type = Option<InvoiceStatus>)]
    status: Option<String>,
    #[param(value_type = Option<InvoiceKind>)]
    kind: Option<String>,
    #[param(value_type = Option<i64>)]
    project_id: Option<String>,
    #[param(value_type = Option<i64>)]
    account_id: Option<String>,
    /// First invoice date (YYYY-MM-DD).
    #[param(value_type = Option<Date>)]
    from: Option<String>,
    /// Last invoice date (YYYY-MM-DD).
    #[param(value_type = Option<Date>)]
    to: Option<String>,
}

/// List the invoices and credit notes the caller may read (without their lines), in id
/// order: all for those who see bill rates, their projects' for a project manager
#[utoipa::path(get, path = "/api/v1/invoices", tag = "finance",
    params(InvoicesQuery, PageParams),
    responses((status = 200, body = Page<Invoice>, description = "A page of invoices"), ListProblems))]
async fn list_invoices(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<InvoicesQuery>,
) -> ApiResult<Json<Page<Invoice>>> {
    let (q, mut p, page) = query.split();
    let filter = InvoiceFilter {
        status: p.code("status", q.status),
        kind: p.code("kind", q.kind),
        project_id: p.id("project_id", q.project_id),
        account_id: p.id("account_id", q.account_id),
        from: p.date("from", q.from),
        to: p.date("to", q.to),
        scope: InvoiceScope::of(&s),
    };
    p.finish()?;
    Ok(Json(st.store.list_invoices(&filter, page).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices, create_invoice))
        .routes(routes!(export_invoices))
        .routes(routes!(get_invoice, update_invoice, delete_invoice))
        .routes(routes!(issue_invoice))
        .routes(routes!(credit_invoice))
        .routes(routes!(invoice_pdf))
}
