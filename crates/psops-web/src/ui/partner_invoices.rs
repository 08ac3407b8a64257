//! `/partner-invoices`: partners' monthly invoices in a sorted, paged list with the
//! partners late with one and a form to upload an invoice's CSV; `/partner-invoices/{id}`:
//! one invoice reconciled — each line flagged matched, over, under or unknown with its
//! difference beside the expected hours and amount — with the approve form (its reason
//! field) and the reject form. The partner-collaboration team (ops, finance,
//! administrators) sees and decides every partner's; leadership reads them; a partner's
//! managers upload and read their own organisation's only.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::code::Code;
use psops_core::dates::format_date;
use psops_core::partner_invoices::reconcile::{Reconciliation, outcome_word, signed};
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFilter, PartnerInvoiceSort, PartnerInvoiceStatus};
use psops_core::partners::{Partner, PartnerFilter, PartnerId};
use psops_core::people::Person;
use psops_core::policy::{Action, Decision, Resource, Subject, decide, partner_funds_scope};
use psops_core::projects::Project;
use psops_core::store::Created;
use psops_core::store::prelude::*;
use psops_core::{Error, FieldError, Id};
use serde::Serialize;
use time::OffsetDateTime;

use super::admin::{Fields, fields, refused, status_of, write_ctx};
use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;
use crate::request_id::RequestId;

/// Whether the partner invoices link belongs in the subject's navigation.
pub fn sees_partner_invoices(s: &Subject) -> bool {
    partner_funds_scope(s).is_some()
}

/// Whether the subject decides invoices (the partner-collaboration team).
fn decides(s: &Subject) -> bool {
    let any = Resource::PartnerInvoice { partner_id: Id::new(0) };
    decide(s, Action::Approve, &any) == Decision::Allow
}

/// The partners whose invoices the subject may upload: everyone's for the team, their
/// own for a partner's manager, none otherwise.
async fn uploads_for(st: &AppState, s: &Subject) -> Result<Vec<(i64, String)>, UiError> {
    match partner_funds_scope(s) {
        Some(Some(own))
            if decide(s, Action::Create, &Resource::PartnerInvoice { partner_id: own }) == Decision::Allow =>
        {
            let names = RecordStore::<Partner>::names(st.store.as_ref(), &[own]).await?;
            Ok(vec![(own.get(), names.get(&own.get()).cloned().unwrap_or_default())])
        }
        Some(None) if decides(s) => {
            let f = PartnerFilter {
                archived: Some(false),
                ..PartnerFilter::default()
            };
            let mut all: Vec<(i64, String)> = st
                .store
                .every(&f)
                .await?
                .into_iter()
                .map(|p: Partner| (p.id.get(), p.fields.name))
                .collect();
            all.sort_by_key(|(_, n)| n.to_lowercase());
            Ok(all)
        }
        _ => Ok(Vec::new()),
    }
}

fn not_found() -> UiError {
    Error::not_found(psops_core::record::Entity::PartnerInvoice, "").into()
}

#[derive(Serialize)]
struct Row {
    id: i64,
    number: String,
    partner: String,
    month: String,
    received_on: String,
    status: &'static str,
    billed: String,
}

#[derive(Serialize)]
struct LateRow {
    partner: String,
    month: String,
    due_on: String,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    late: Vec<LateRow>,
    partners: Vec<(i64, String)>,
    errors: Vec<FieldError>,
    form: Upload,
    partner_id: String,
    header: String,
}

/// What the upload form held, shown again when it was refused.
#[derive(Serialize, Default)]
struct Upload {
    partner_id: String,
    number: String,
    month: String,
    received_on: String,
    currency: String,
    csv: String,
}

/// `GET /partner-invoices`
pub async fn page(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    list_page(&st, &me, &s, &p, Vec::new(), Upload::default()).await
}

async fn list_page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    p: &Pairs,
    errors: Vec<FieldError>,
    form: Upload,
) -> Result<Response, UiError> {
    let Some(own) = partner_funds_scope(s) else {
        return Err(not_found());
    };
    let mut e = Params::new();
    let asked: Option<PartnerId> = e.id("partner_id", p.get("partner_id").filter(|v| !v.is_empty()));
    let filter = PartnerInvoiceFilter {
        partner_id: own.or(asked),
        archived: Some(false),
        ..PartnerInvoiceFilter::default()
    };
    let at = table::read::<PartnerInvoiceSort>(&mut e, p);
    let bad = e.into_errors();
    if !bad.is_empty() {
        return Err(Error::Invalid(bad).into());
    }
    let list = st.store.sorted(&filter, at).await?;
    let partners: Vec<Id<Partner>> = list.items.iter().map(|i| i.fields.partner_id).collect();
    let names = RecordStore::<Partner>::names(st.store.as_ref(), &partners).await?;
    let rows = list
        .items
        .iter()
        .map(|i| Row {
            id: i.id.get(),
            number: i.fields.number.clone(),
            partner: names.get(&i.fields.partner_id.get()).cloned().unwrap_or_default(),
            month: i.fields.month.to_string(),
            received_on: format_date(i.fields.received_on),
            status: i.status.code(),
            billed: psops_core::Money::new(
                i.fields.lines.iter().map(|l| l.total.amount_minor).sum(),
                i.fields.currency,
            )
            .written(),
        })
        .collect();
    let today = OffsetDateTime::now_utc().date();
    let late = st
        .store
        .late_partner_invoices(today, own.or(asked))
        .await?
        .into_iter()
        .map(|l| LateRow {
            partner: l.partner_name,
            month: l.month.to_string(),
            due_on: format_date(l.due_on),
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = ListPage {
        frame: frame(me, s),
        rows,
        columns: table::head(
            "/partner-invoices",
            p,
            &at,
            vec![
                col("Month", PartnerInvoiceSort::Month),
                col("Partner", PartnerInvoiceSort::Partner),
                col("Invoice", PartnerInvoiceSort::Number),
                col("Received", PartnerInvoiceSort::ReceivedOn),
                col("Status", PartnerInvoiceSort::Status),
            ],
        ),
        pager: table::pager("/partner-invoices", p, &at, list.total),
        late,
        partners: uploads_for(st, s).await?,
        errors,
        form,
        partner_id: p.text("partner_id"),
        header: psops_core::partner_invoices::csv::HEADER.join(","),
    };
    Ok((status, render("partner_invoices.html", view)?).into_response())
}

/// `POST /partner-invoices`: an uploaded CSV becomes a received invoice.
pub async fn upload(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let form = Upload {
        partner_id: p.text("partner_id"),
        number: p.text("number"),
        month: p.text("month"),
        received_on: p.text("received_on"),
        currency: p.text("currency"),
        csv: p.text("csv"),
    };
    let made = async {
        let mut e = Params::new();
        let partner_id: Option<PartnerId> = e.id("partner_id", Some(form.partner_id.as_str()));
        let month = e.keep("month", psops_core::finance::month::Month::parse(&form.month, "month"));
        let received_on = e.date("received_on", Some(form.received_on.as_str()).filter(|v| !v.is_empty()));
        let currency = e.keep("currency", form.currency.trim().parse::<psops_core::Currency>());
        if form.number.trim().is_empty() {
            e.add("number", psops_core::rule::Rule::Required, "number is required");
        }
        let errors = e.into_errors();
        let (Some(partner_id), Some(month), Some(currency), true) = (partner_id, month, currency, errors.is_empty())
        else {
            return Err(Error::Invalid(errors));
        };
        let probe = Resource::PartnerInvoice { partner_id };
        if decide(&s, Action::Create, &probe) != Decision::Allow {
            return Err(Error::not_found(
                psops_core::record::Entity::Partner,
                partner_id.to_string(),
            ));
        }
        let rows = psops_core::partner_invoices::csv::read(&form.csv, currency)?;
        let lines = st.store.partner_invoice_lines(partner_id, &rows, currency).await?;
        let f = psops_core::partner_invoices::PartnerInvoiceFields {
            partner_id,
            number: form.number.trim().to_string(),
            month,
            received_on: received_on.unwrap_or_else(|| OffsetDateTime::now_utc().date()),
            currency,
            lines,
            notes: None,
        };
        let grant = allow(&st, &s, Action::Create, &f)
            .await
            .map_err(|_| Error::Forbidden("you may not send this partner's invoices".into()))?;
        st.store.create(&write_ctx(&me, &request, grant), f).await
    }
    .await;
    match made {
        Ok(created) => {
            st.changed(psops_core::record::Entity::PartnerInvoice);
            let inv: PartnerInvoice = match created {
                Created::New(v) => v,
                Created::Replayed(_) => return Err(Error::internal("a form upload is never replayed").into()),
            };
            Ok(Redirect::to(&format!("/partner-invoices/{}", inv.id)).into_response())
        }
        Err(err) => {
            let (errors, _) = refused(err)?;
            list_page(&st, &me, &s, &Pairs(Vec::new()), errors, form).await
        }
    }
}

#[derive(Serialize)]
struct LineRow {
    n: usize,
    po: String,
    consultant: String,
    project: String,
    dates: String,
    billed_hours: String,
    rate: String,
    billed: String,
    expected_hours: String,
    expected: String,
    authorised_rate: String,
    outcome: &'static str,
    why: String,
    difference: String,
}

#[derive(Serialize)]
struct UnbilledRow {
    consultant: String,
    project: String,
    hours: String,
    amount: String,
}

#[derive(Serialize)]
struct ShowPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    version: i64,
    number: String,
    partner_id: i64,
    partner: String,
    month: String,
    received_on: String,
    status: &'static str,
    lines: Vec<LineRow>,
    billed: String,
    expected: String,
    variance: String,
    matched: bool,
    unbilled: Vec<UnbilledRow>,
    accepted_variance: String,
    reason: String,
    decided_on: String,
    decides: bool,
    open: bool,
    errors: Vec<FieldError>,
    conflict: bool,
    given_reason: String,
}

/// `GET /partner-invoices/{id}`
pub async fn show(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let inv = readable(&st, &s, &id).await?;
    show_page(&st, &me, &s, &inv, (Vec::new(), false, String::new())).await
}

async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<PartnerInvoice, UiError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let inv: PartnerInvoice = st.store.get(Id::new(id)).await?;
    allow(st, s, Action::Read, &inv).await?;
    Ok(inv)
}

async fn show_page(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    inv: &PartnerInvoice,
    (errors, conflict, given_reason): (Vec<FieldError>, bool, String),
) -> Result<Response, UiError> {
    let r: Reconciliation = st.store.reconcile_partner_invoice(inv.id).await?;
    let f = &inv.fields;
    let partner = RecordStore::<Partner>::names(st.store.as_ref(), &[f.partner_id]).await?;
    let mut people: Vec<Id<Person>> = f.lines.iter().map(|l| l.person_id).collect();
    people.extend(r.unbilled.iter().map(|u| u.person_id));
    let mut projects: Vec<Id<Project>> = f.lines.iter().map(|l| l.project_id).collect();
    projects.extend(r.unbilled.iter().map(|u| u.project_id));
    let person_names = RecordStore::<Person>::names(st.store.as_ref(), &people).await?;
    let project_names = RecordStore::<Project>::names(st.store.as_ref(), &projects).await?;
    // Someone who is not the partner's is named only to the company's staff.
    let staff = !s.is_partner();
    let lines = f
        .lines
        .iter()
        .zip(&r.lines)
        .map(|(l, o)| {
            let theirs = staff || o.why.as_deref().is_none_or(|w| !w.contains("consultant"));
            LineRow {
                n: o.index + 1,
                po: l.po.clone(),
                consultant: if theirs {
                    person_names.get(&l.person_id.get()).cloned().unwrap_or_default()
                } else {
                    format!("person {}", l.person_id)
                },
                project: if staff || !o.why.as_deref().is_some_and(|w| w.contains("project")) {
                    project_names.get(&l.project_id.get()).cloned().unwrap_or_default()
                } else {
                    format!("project {}", l.project_id)
                },
                dates: format!("{} – {}", format_date(l.from_date), format_date(l.to_date)),
                billed_hours: l.minutes.hours_text(),
                rate: l.rate.written(),
                billed: l.total.written(),
                expected_hours: o.expected_minutes.hours_text(),
                expected: o.expected_total.written(),
                authorised_rate: o.authorised_rate.map(|m| m.written()).unwrap_or_else(|| "—".into()),
                outcome: outcome_word(o.outcome),
                why: o.why.clone().unwrap_or_default(),
                difference: signed(o.difference),
            }
        })
        .collect();
    let unbilled = r
        .unbilled
        .iter()
        .map(|u| UnbilledRow {
            consultant: person_names.get(&u.person_id.get()).cloned().unwrap_or_default(),
            project: project_names.get(&u.project_id.get()).cloned().unwrap_or_default(),
            hours: u.minutes.hours_text(),
            amount: u.amount.written(),
        })
        .collect();
    let status = status_of(&errors, conflict);
    let view = ShowPage {
        frame: frame(me, s),
        id: inv.id.get(),
        version: inv.meta.version,
        number: f.number.clone(),
        partner_id: f.partner_id.get(),
        partner: partner.get(&f.partner_id.get()).cloned().unwrap_or_default(),
        month: f.month.to_string(),
        received_on: format_date(f.received_on),
        status: inv.status.code(),
        lines,
        billed: r.billed.written(),
        expected: r.expected.written(),
        variance: signed(r.variance),
        matched: r.matched,
        unbilled,
        accepted_variance: inv.accepted_variance.map(signed).unwrap_or_default(),
        reason: inv.reason.clone().unwrap_or_default(),
        decided_on: inv.decided_at.map(|t| format_date(t.date())).unwrap_or_default(),
        decides: decides(s),
        open: inv.status == PartnerInvoiceStatus::Received && !inv.meta.is_archived(),
        errors,
        conflict,
        given_reason,
    };
    // A refusal answers 409 (the variance rule is a conflict with the invoice's state).
    let status = if view
        .errors
        .iter()
        .any(|e| e.rule == psops_core::rule::Rule::VarianceReason)
    {
        axum::http::StatusCode::CONFLICT
    } else {
        status
    };
    Ok((status, render("partner_invoice.html", view)?).into_response())
}

/// `POST /partner-invoices/{id}/{action}`: `approve` (with `reason` when it does not
/// match) or `reject` (with `reason`).
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
    let grant = allow(&st, &s, Action::Approve, &inv).await?;
    let ctx = write_ctx(&me, &request, grant);
    let v = p.get("version").and_then(|v| v.parse().ok());
    let reason = p.text("reason");
    let decision = psops_core::partner_invoices::InvoiceDecision {
        reason: Some(reason.clone()).filter(|r| !r.trim().is_empty()),
    };
    let done = match action.as_str() {
        "approve" => st.store.approve_partner_invoice(&ctx, inv.id, v, decision).await,
        "reject" => st.store.reject_partner_invoice(&ctx, inv.id, v, decision).await,
        _ => return Err(not_found()),
    };
    match done {
        Ok(i) => {
            st.changed(psops_core::record::Entity::PartnerInvoice);
            Ok(Redirect::to(&format!("/partner-invoices/{}", i.id)).into_response())
        }
        Err(err) => {
            let (errors, conflict) = refused(err)?;
            let now: PartnerInvoice = st.store.get(inv.id).await?;
            show_page(&st, &me, &s, &now, (errors, conflict, reason)).await
        }
    }
}
