//! `/api/v1/partner-invoices`: partners' monthly invoices — received as JSON or as a CSV
//! upload, reconciled line by line against the approved hours at the authorised rate,
//! approved (with a reason when they do not match) or rejected by the
//! partner-collaboration team — and the partners late with one. A partner's managers
//! send and read their own organisation's; nobody at a partner reads another's (404).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use psops_core::finance::month::Month;
use psops_core::page::Page;
use psops_core::partner_invoices::reconcile::{LateInvoice, Reconciliation};
use psops_core::partner_invoices::{
    InvoiceDecision, PartnerInvoice, PartnerInvoiceFields, PartnerInvoiceFilter, PartnerInvoicePatch,
    PartnerInvoiceStatus,
};
use psops_core::partners::PartnerId;
use psops_core::policy::{Action, Subject, partner_funds_scope};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::allow;
use crate::authorize::partner_invoices::invoice_of;
use crate::extract::{Caller, Change, IdPath, Json as Body, Writer};
use crate::params::{ListQuery, PageParams, Query};
use crate::problem::{ApiError, ApiResult, ChangeProblems, CreateProblems, ListProblems, ReadProblems};
use crate::respond::{self, NewRecord, Versioned};

record_routes! {
    record: PartnerInvoice, fields: PartnerInvoiceFields, patch: PartnerInvoicePatch, tag: "partners",
    noun: "partner_invoice", collection: "/api/v1/partner-invoices", item: "/api/v1/partner-invoices/{id}",
    archive: "/api/v1/partner-invoices/{id}/archive", unarchive: "/api/v1/partner-invoices/{id}/unarchive",
}

fn hidden() -> ApiError {
    Error::not_found(Entity::PartnerInvoice, "").into()
}

/// Whose invoices the subject reads: everyone's (`None`) or one partner's; a caller who
/// reads none is answered 404.
fn scope(s: &Subject) -> ApiResult<Option<PartnerId>> {
    partner_funds_scope(s).ok_or_else(hidden)
}

/// Filters of the partner invoice list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct InvoicesQuery {
    /// Only this partner's; a partner's managers always get their own organisation's.
    #[param(value_type = Option<i64>)]
    partner_id: Option<String>,
    /// The month billed, YYYY-MM.
    month: Option<String>,
    #[param(value_type = Option<PartnerInvoiceStatus>)]
    status: Option<String>,
    /// `true` for withdrawn (archived) invoices only; live ones when absent or `false`.
    #[param(value_type = Option<bool>)]
    archived: Option<String>,
}

/// List partner invoices
#[utoipa::path(get, path = "/api/v1/partner-invoices", tag = "partners",
    params(InvoicesQuery, PageParams),
    responses((status = 200, body = Page<PartnerInvoice>, description = "A page of partner invoices"), ListProblems))]
async fn list_partner_invoices(
    State(st): State<AppState>,
    Caller(s): Caller,
    query: ListQuery<InvoicesQuery>,
) -> ApiResult<Json<Page<PartnerInvoice>>> {
    let (q, mut p, page) = query.split();
    let asked = p.id("partner_id", q.partner_id);
    let month = q.month.and_then(|m| p.keep("month", Month::parse(&m, "month")));
    let filter = PartnerInvoiceFilter {
        partner_id: asked,
        month,
        status: p.code("status", q.status),
        archived: p.flag("archived", q.archived),
    };
    p.finish()?;
    let filter = match scope(&s)? {
        None => filter,
        Some(own) if asked.is_none_or(|a| a == own) => PartnerInvoiceFilter {
            partner_id: Some(own),
            ..filter
        },
        Some(_) => {
            return Ok(Json(Page {
                items: Vec::new(),
                next_cursor: None,
            }));
        }
    };
    Ok(Json(st.store.list(&filter, page).await?))
}

/// Reconcile a partner invoice line by line: each line's outcome (`matched`, `over`,
/// `under`, `unknown`), the approved hours and amount expected beside the billed ones,
/// the difference (billed − expected) to the cent, and approved time no line bills
#[utoipa::path(get, path = "/api/v1/partner-invoices/{id}/reconciliation", tag = "partners",
    params(IdPath<PartnerInvoice>),
    responses((status = 200, body = Reconciliation, description = "The invoice reconciled"), ReadProblems))]
async fn reconcile_partner_invoice(
    State(st): State<AppState>,
    Caller(s): Caller,
    IdPath(id): IdPath<PartnerInvoice>,
) -> ApiResult<Json<Reconciliation>> {
    let inv: PartnerInvoice = st.store.get(id).await?;
    allow(&st, &s, Action::Read, &inv).await?;
    Ok(Json(st.store.reconcile_partner_invoice(id).await?))
}

/// Approve a received partner invoice: plainly when every line matches; otherwise only
/// with a `reason`, which records the accepted variance (409 `variance_reason` naming the
/// lines that do not match and their total difference). Admin, ops and finance only
#[utoipa::path(post, path = "/api/v1/partner-invoices/{id}/approve", tag = "partners",
    request_body = InvoiceDecision, params(Change<PartnerInvoice>),
    responses(Versioned<PartnerInvoice>, ChangeProblems))]
async fn approve_partner_invoice(
    State(st): State<AppState>,
    c: Change<PartnerInvoice>,
    body: Body<InvoiceDecision>,
) -> ApiResult<Response> {
    let inv: PartnerInvoice = st.store.get(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &inv).await?;
    let done = st
        .store
        .approve_partner_invoice(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    st.changed(Entity::PartnerInvoice);
    respond::record(&done)
}

/// Reject a received partner invoice with a `reason`; its month is free for a corrected
/// invoice. Admin, ops and finance only
#[utoipa::path(post, path = "/api/v1/partner-invoices/{id}/reject", tag = "partners",
    request_body = InvoiceDecision, params(Change<PartnerInvoice>),
    responses(Versioned<PartnerInvoice>, ChangeProblems))]
async fn reject_partner_invoice(
    State(st): State<AppState>,
    c: Change<PartnerInvoice>,
    body: Body<InvoiceDecision>,
) -> ApiResult<Response> {
    let inv: PartnerInvoice = st.store.get(c.id).await?;
    let grant = allow(&st, &c.subject, Action::Approve, &inv).await?;
    let done = st
        .store
        .reject_partner_invoice(&c.ctx(grant), c.id, c.if_version, body.value)
        .await?;
    st.changed(Entity::PartnerInvoice);
    respond::record(&done)
}

/// When the late list is judged.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LateQuery {
    /// The day judged (YYYY-MM-DD); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
}

/// Partners late with an invoice: each month of the last year with a live work
/// authorization of theirs in force, whose invoice was due by the 15th of the next month
/// and none is received. A partner's managers see their own organisation's only
#[utoipa::path(get, path = "/api/v1/partner-invoices/late", tag = "partners",
    params(LateQuery),
    responses((status = 200, body = Vec<LateInvoice>, description = "Invoices owed and not received"), ListProblems))]
async fn late_partner_invoices(
    State(st): State<AppState>,
    Caller(s): Caller,
    Query(q): Query<LateQuery>,
) -> ApiResult<Json<Vec<LateInvoice>>> {
    let mut p = crate::params::Params::new();
    let on = p.date("on", q.on);
    p.finish()?;
    let partner = scope(&s)?;
    let on = on.unwrap_or_else(|| OffsetDateTime::now_utc().date());
    Ok(Json(st.store.late_partner_invoices(on, partner).await?))
}

/// The invoice a CSV upload makes.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    #[param(value_type = i64)]
    partner_id: Option<String>,
    /// The partner's own invoice number.
    #[param(value_type = String)]
    number: Option<String>,
    /// The month billed, YYYY-MM.
    #[param(value_type = String)]
    month: Option<String>,
    /// The day it was received (YYYY-MM-DD); today when absent.
    #[param(value_type = Option<String>, format = Date)]
    received_on: Option<String>,
    /// The currency of its amounts, e.g. USD.
    #[param(value_type = String)]
    currency: Option<String>,
}

/// Upload a partner invoice as CSV (`text/csv`), header exactly
/// `partner,po,from,to,consultant,project,hours,rate,total`: the partner's name, the PO,
/// the first and last day, the consultant's e-mail, the project's code (or name), hours
/// (`37.5` or `37:30`), the hourly rate and the line's total in the invoice's currency.
/// Every bad cell is named by its line; nothing is kept unless all is right
#[utoipa::path(post, path = "/api/v1/partner-invoices/upload", tag = "partners",
    request_body(content = String, content_type = "text/csv", description = "The invoice's lines as CSV"),
    params(UploadQuery),
    responses(NewRecord<PartnerInvoice>, CreateProblems))]
async fn upload_partner_invoice(
    State(st): State<AppState>,
    w: Writer,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if kind != "text/csv" {
        return Err(ApiError::UnsupportedMediaType("send the invoice as text/csv".into()));
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| Error::invalid("body", Rule::Utf8, "the file must be UTF-8 text"))?;
    let fields = upload(&st, &w.subject, q, text).await?;
    let grant = allow(&st, &w.subject, Action::Create, &fields).await?;
    let made = st.store.create(&w.ctx(grant), fields).await?;
    st.changed(Entity::PartnerInvoice);
    respond::created("/api/v1/partner-invoices", made)
}

/// The fields of an uploaded invoice: the query's facts and the CSV's lines, looked up
/// for the partner once the caller is known to act for it.
async fn upload(st: &AppState, s: &Subject, q: UploadQuery, text: &str) -> ApiResult<PartnerInvoiceFields> {
    let mut p = crate::params::Params::new();
    let partner_id: Option<PartnerId> = p.id("partner_id", q.partner_id.as_deref());
    let month = q
        .month
        .as_deref()
        .and_then(|m| p.keep("month", Month::parse(m, "month")));
    let received_on = p.date("received_on", q.received_on);
    let currency = q
        .currency
        .as_deref()
        .and_then(|c| p.keep("currency", c.trim().parse::<Currency>()));
    let number = p.text(q.number);
    for (name, missing) in [
        ("partner_id", partner_id.is_none()),
        ("month", month.is_none()),
        ("currency", currency.is_none()),
        ("number", number.is_none()),
    ] {
        if missing && !p.errors().iter().any(|e| e.field == name) {
            p.add(name, Rule::Required, format!("{name} is required"));
        }
    }
    p.finish()?;
    let (Some(partner_id), Some(month), Some(currency), Some(number)) = (partner_id, month, currency, number) else {
        return Err(Error::internal("checked above").into());
    };
    // Another partner's id answers as a partner that is not there, before the file is read.
    allow(
        st,
        s,
        Action::Create,
        &crate::authorize::Fixed(
            invoice_of(partner_id),
            psops_core::error::Thing::Entity(Entity::PartnerInvoice),
        ),
    )
    .await?;
    let rows = psops_core::partner_invoices::csv::read(text, currency)?;
    let lines = st.store.partner_invoice_lines(partner_id, &rows, currency).await?;
    Ok(PartnerInvoiceFields {
        partner_id,
        number,
        month,
        received_on: received_on.unwrap_or_else(|| OffsetDateTime::now_utc().date()),
        currency,
        lines,
        notes: None,
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    record_router()
        .routes(routes!(list_partner_invoices))
        .routes(routes!(late_partner_invoices))
        .routes(routes!(upload_partner_invoice))
        .routes(routes!(reconcile_partner_invoice))
        .routes(routes!(approve_partner_invoice))
        .routes(routes!(reject_partner_invoice))
}
