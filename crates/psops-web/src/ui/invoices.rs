//! `/invoices`: invoices and credit notes as finance works them — a sorted, paged list
//! filtered by status and kind with a form to draft an invoice of a project through a
//! day; `/invoices/{id}` to review one (its lines and total), drop a line of a draft,
//! issue or discard it, credit an issued one with a reason; a printable page and the PDF.
//! A project manager reads their projects' invoices; nothing here is for partners.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::dates::format_date;
use psops_core::finance::invoices::{
    Invoice, InvoiceFilter, InvoiceId, InvoiceKind, InvoicePatch, InvoiceScope, InvoiceSort, InvoiceStatus, NewInvoice,
};
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Decision, Resource, Subject, decide};
use psops_core::projects::{BillingType, Project, ProjectFilter, ProjectStatus};
use psops_core::sort::Direction;
use psops_core::store::Records as _;
use psops_core::{Error, FieldError};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, refused, status_of, write_ctx};
use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col, num};
use crate::AppState;
use crate::authorize::allow;
use crate::invoice_doc::{amount, facts, quantity, title};
use crate::params::Params;
use crate::request_id::RequestId;

/// Whether the invoices link belongs in the subject's navigation: those who see bill
/// rates, and project managers (their projects' invoices).
pub fn sees_invoices(s: &Subject) -> bool {
    !s.is_partner() && (s.sees_bill_rates() || s.has(psops_core::auth::Role::ProjectManager))
}

/// Whether the subject drafts, issues and credits invoices (finance and administrators).
fn keeps(s: &Subject) -> bool {
    decide(s, Action::Create, &Resource::Finance) == Decision::Allow
        || decide(s, Action::Update, &Resource::Finance) == Decision::Allow
}

fn not_found() -> UiError {
    Error::not_found(psops_core::record::Entity::Invoice, "").into()
}

#[derive(Serialize)]
struct Row {
    id: i64,
    label: String,
    kind: &'static str,
    status: &'static str,
    date: String,
    due: String,
    project_id: i64,
    project: String,
    account: String,
    total: String,
}

fn row(i: &Invoice) -> Row {
    Row {
        id: i.id.get(),
        label: i.label(),
        kind: i.kind.code(),
        status: i.status.code(),
        date: format_date(i.invoice_date),
        due: format_date(i.due_date),
        project_id: i.project_id.get(),
        project: i.project_name.clone(),
        account: i.account_name.clone().unwrap_or_default(),
        total: i.total.to_string(),
    }
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    status: String,
    kind: String,
    sort: String,
    dir: String,
    keeps: bool,
    projects: Vec<(i64, String)>,
    through: String,
    errors: Vec<FieldError>,
}

/// Active billable projects to draft for (at most 500 of each billing type, by name).
async fn billable_projects(st: &AppState) -> Result<Vec<(i64, String)>, UiError> {
    let mut out = Vec::new();
    for billing_type in [BillingType::TimeAndMaterials, BillingType::FixedFee] {
        let f = ProjectFilter {
            billing_type: Some(billing_type),
            archived: Some(false),
            ..ProjectFilter::default()
        };
        let page = st
            .store
            .list(
                &f,
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await?;
        out.extend(
            page.items
                .iter()
                .filter(|p: &&Project| !matches!(p.fields.status, ProjectStatus::Cancelled | ProjectStatus::Estimate))
                .map(|p| (p.id.get(), p.fields.name.clone())),
        );
    }
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out)
}

async fn list_page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    p: &Pairs,
    (errors, refused_by_state): (Vec<FieldError>, bool),
) -> Result<Response, UiError> {
    let scope = InvoiceScope::of(s);
    if scope == InvoiceScope::Nothing || !sees_invoices(s) {
        return Err(not_found());
    }
    let mut e = Params::new();
    let filter = InvoiceFilter {
        status: e.code("status", p.get("status").filter(|v| !v.is_empty())),
        kind: e.code("kind", p.get("kind").filter(|v| !v.is_empty())),
        scope,
        ..InvoiceFilter::default()
    };
    let mut at = table::read::<InvoiceSort>(&mut e, p);
    if p.get("sort").is_none() && p.get("dir").is_none() {
        // Newest first until the reader sorts otherwise.
        at.direction = Direction::Desc;
    }
    let list = st.store.invoices_sorted(&filter, at).await?;
    let keeps = keeps(s);
    let cols = vec![
        col("Number", InvoiceSort::Number),
        col("Date", InvoiceSort::Date),
        col("Project", InvoiceSort::Project),
        col("Customer", InvoiceSort::Account),
        col("Status", InvoiceSort::Status),
        num("Total", InvoiceSort::Total),
    ];
    let mut all = e.into_errors();
    all.extend(errors);
    let status = status_of(&all, refused_by_state);
    let view = ListPage {
        frame: frame(me, s),
        rows: list.items.iter().map(row).collect(),
        columns: table::head("/invoices", p, &at, cols),
        pager: table::pager("/invoices", p, &at, list.total),
        status: p.text("status"),
        kind: p.text("kind"),
        sort: p.text("sort"),
        dir: p.text("dir"),
        keeps,
        projects: if keeps {
            billable_projects(st).await?
        } else {
            Vec::new()
        },
        through: p
            .get("through")
            .map(str::to_string)
            .unwrap_or_else(|| OffsetDateTime::now_utc().date().to_string()),
        errors: all,
    };
    Ok((status, render("invoices.html", view)?).into_response())
}

/// `GET /invoices`
pub async fn page(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    list_page(&st, &me, &s, &p, (Vec::new(), false)).await
}

/// `POST /invoices`: drafts an invoice and opens it for review.
pub async fn create(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let mut e = Params::new();
    let project = e.id("project_id", p.get("project_id").filter(|v| !v.is_empty()));
    let through = e.date("through", p.get("through").filter(|v| !v.is_empty()));
    let outcome = match (project, through, e.into_errors()) {
        (Some(project_id), Some(through), errs) if errs.is_empty() => {
            let new = NewInvoice { project_id, through };
            match allow(&st, &s, Action::Create, &new).await {
                Ok(grant) => {
                    st.store
                        .draft_invoice(&write_ctx(&me, &request, grant), new, OffsetDateTime::now_utc().date())
                        .await
                }
                Err(err) => Err(err),
            }
        }
        (_, _, errs) if !errs.is_empty() => Err(Error::Invalid(errs)),
        _ => Err(Error::invalid(
            "project_id",
            psops_core::rule::Rule::Required,
            "choose a project",
        )),
    };
    match outcome {
        Ok(d) => {
            st.changed(psops_core::record::Entity::Invoice);
            Ok(Redirect::to(&format!("/invoices/{}", d.id)).into_response())
        }
        Err(err) => {
            // Nothing to bill is the project's state, not a bad field: 409, as the API says.
            let by_state = matches!(err, Error::Conflict(_));
            let (errors, _) = refused(err)?;
            list_page(&st, &me, &s, &p, (errors, by_state)).await
        }
    }
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Invoice, UiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let found = st.store.invoice(InvoiceId::new(id)).await?;
    allow(st, s, Action::Read, &found).await?;
    Ok(found)
}

#[derive(Serialize)]
struct LineView {
    position: i64,
    description: String,
    quantity: String,
    rate: String,
    amount: String,
}

#[derive(Serialize)]
struct ShowPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    title: &'static str,
    label: String,
    status: &'static str,
    kind: &'static str,
    version: i64,
    facts: Vec<(&'static str, String)>,
    lines: Vec<LineView>,
    total: String,
    note: String,
    credits: Option<(i64, String)>,
    credited_by: Option<i64>,
    /// May act: drop lines, issue, discard (drafts) or credit (issued invoices).
    keeps: bool,
    draft: bool,
    creditable: bool,
    done: Option<&'static str>,
    errors: Vec<FieldError>,
    conflict: bool,
}

async fn show_page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    inv: &Invoice,
    said: (Vec<FieldError>, bool, Option<&'static str>),
) -> Result<Response, UiError> {
    let keeps = allow(st, s, Action::Update, inv).await.is_ok();
    let credits = match inv.credits_invoice_id {
        Some(c) => Some((c.get(), st.store.invoice(c).await?.label())),
        None => None,
    };
    let (errors, conflict, done) = said;
    let view = ShowPage {
        frame: frame(me, s),
        id: inv.id.get(),
        title: title(inv),
        label: inv.label(),
        status: inv.status.code(),
        kind: inv.kind.code(),
        version: inv.version,
        facts: facts(inv),
        lines: inv
            .lines
            .iter()
            .map(|l| LineView {
                position: l.position,
                description: l.description.clone(),
                quantity: quantity(l.minutes, l.quantity_hundredths),
                rate: l
                    .rate_minor
                    .map(|r| amount(psops_core::Money::new(r, inv.currency)))
                    .unwrap_or_default(),
                amount: amount(l.amount),
            })
            .collect(),
        total: inv.total.to_string(),
        note: inv.note.clone().unwrap_or_default(),
        credits,
        credited_by: inv.credited_by_id.map(|c| c.get()),
        keeps,
        draft: inv.is_draft(),
        creditable: inv.status == InvoiceStatus::Issued
            && inv.kind == InvoiceKind::Invoice
            && inv.credited_by_id.is_none(),
        done,
        conflict,
        errors,
    };
    let status = status_of(&view.errors, view.conflict);
    Ok((status, render("invoice.html", view)?).into_response())
}

/// `GET /invoices/{id}`
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let inv = readable(&st, &s, &id).await?;
    let done = match p.get("done") {
        Some("issued") => Some("Issued."),
        Some("credited") => Some("Credited: this is the credit note."),
        Some("changed") => Some("Saved."),
        _ => None,
    };
    show_page(&st, &me, &s, &inv, (Vec::new(), false, done)).await
}

/// `POST /invoices/{id}/{action}`: drop a line (`position`), save the note, issue or
/// discard a draft; credit an issued invoice (`reason`).
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path((id, action)): Path<(String, String)>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let inv = readable(&st, &s, &id).await?;
    let grant = allow(&st, &s, Action::Update, &inv).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse().ok());
    let today = OffsetDateTime::now_utc().date();
    let outcome: psops_core::Result<String> = match action.as_str() {
        "drop" => {
            let patch = InvoicePatch {
                drop_lines: p.get("position").and_then(|v| v.parse().ok()).into_iter().collect(),
                ..InvoicePatch::default()
            };
            st.store
                .change_invoice(&ctx, inv.id, v, patch)
                .await
                .map(|i| format!("/invoices/{}?done=changed", i.id))
        }
        "note" => {
            let patch = InvoicePatch {
                note: Some(p.text("note")),
                ..InvoicePatch::default()
            };
            st.store
                .change_invoice(&ctx, inv.id, v, patch)
                .await
                .map(|i| format!("/invoices/{}?done=changed", i.id))
        }
        "issue" => st
            .store
            .issue_invoice(&ctx, inv.id, v, today)
            .await
            .map(|i| format!("/invoices/{}?done=issued", i.id)),
        "discard" => st
            .store
            .discard_invoice(&ctx, inv.id, v)
            .await
            .map(|()| "/invoices".to_string()),
        "credit" => st
            .store
            .credit_invoice(&ctx, inv.id, &p.text("reason"), today)
            .await
            .map(|cn| format!("/invoices/{}?done=credited", cn.id)),
        _ => return Err(not_found()),
    };
    match outcome {
        Ok(to) => {
            st.changed(psops_core::record::Entity::Invoice);
            Ok(Redirect::to(&to).into_response())
        }
        Err(err) => {
            let (errors, conflict) = refused(err)?;
            let now = st.store.invoice(inv.id).await?;
            show_page(&st, &me, &s, &now, (errors, conflict, None)).await
        }
    }
}

#[derive(Serialize)]
struct PrintPage {
    provider: String,
    title: &'static str,
    label: String,
    facts: Vec<(&'static str, String)>,
    lines: Vec<LineView>,
    total: String,
    note: String,
}

/// `GET /invoices/{id}/print`: the document alone, to print or save from the browser.
pub async fn print(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let inv = readable(&st, &s, &id).await?;
    let view = PrintPage {
        provider: st.store.settings().await?.scoping.provider_name,
        title: title(&inv),
        label: inv.label(),
        facts: facts(&inv),
        lines: inv
            .lines
            .iter()
            .map(|l| LineView {
                position: l.position,
                description: l.description.clone(),
                quantity: quantity(l.minutes, l.quantity_hundredths),
                rate: l
                    .rate_minor
                    .map(|r| amount(psops_core::Money::new(r, inv.currency)))
                    .unwrap_or_default(),
                amount: amount(l.amount),
            })
            .collect(),
        total: inv.total.to_string(),
        note: inv.note.clone().unwrap_or_default(),
    };
    Ok(render("invoice_print.html", view)?.into_response())
}

/// `GET /invoices/{id}/pdf`
pub async fn pdf(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let inv = readable(&st, &s, &id).await?;
    let provider = st.store.settings().await?.scoping.provider_name;
    let mut res = crate::invoice_doc::pdf(&inv, &provider).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let name = format!("inline; filename=\"{}.pdf\"", inv.label().replace(' ', "-"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
