//! `/partner-funds`: prime partner SOWs with their funds as bars (committed, consumed,
//! remaining, the low-funds warning) in a sorted, paged list, and `/partner-funds/{id}`:
//! one prime SOW's rates by role and the work authorizations drawn on it, each with its
//! own bar. Ops, finance, administrators and leadership see every partner's; a partner's
//! managers see their own organisation's only. The records are kept through the API;
//! a partner's page links here as `/partner-funds?partner_id=N`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use psops_core::code::Code;
use psops_core::dates::format_date;
use psops_core::partner_funds::prime_sows::PrimeSowFilter;
use psops_core::partner_funds::{FundPosition, PrimeSow, PrimeSowStatus, SowFunds, WorkAuthorization};
use psops_core::partners::Partner;
use psops_core::policy::{Action, Subject, partner_funds_scope};
use psops_core::projects::Project;
use psops_core::sort::ByName;
use psops_core::store::prelude::*;
use psops_core::{Error, Id, Money};
use serde::Serialize;

use super::filters::{Pairs, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use super::table::{self, Column, Pager, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// Whether the partner funds link belongs in the subject's navigation.
pub fn sees_partner_funds(s: &Subject) -> bool {
    partner_funds_scope(s).is_some()
}

fn not_found() -> UiError {
    Error::not_found(psops_core::record::Entity::PrimeSow, "").into()
}

/// A funds bar: widths in percent of the funds (consumed inside committed), capped at
/// 100, and the figures it shows.
#[derive(Serialize)]
struct Bar {
    consumed_w: i64,
    committed_w: i64,
    funds: String,
    committed: String,
    consumed: String,
    remaining: String,
    remaining_pct: String,
    low: bool,
}

fn pct(part: Money, whole: Money) -> i64 {
    if whole.amount_minor <= 0 {
        return 0;
    }
    (i128::from(part.amount_minor.max(0)) * 100 / i128::from(whole.amount_minor)).clamp(0, 100) as i64
}

/// `live`: the prime SOW is active — a closed or exhausted one is not warned of low funds.
fn bar(p: &FundPosition, live: bool) -> Bar {
    Bar {
        consumed_w: pct(p.consumed, p.funds),
        committed_w: pct(p.committed, p.funds),
        funds: p.funds.written(),
        committed: p.committed.written(),
        consumed: p.consumed.written(),
        remaining: p.remaining.written(),
        remaining_pct: format!("{}.{:02} %", p.remaining_bp / 100, (p.remaining_bp % 100).abs()),
        low: live && p.low,
    }
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    partner: String,
    status: &'static str,
    dates: String,
    bar: Bar,
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pager: Pager,
    q: String,
    partner_id: String,
    threshold: String,
    /// Administrators, ops and finance make and change prime SOWs here.
    keep: bool,
}

async fn funds_of(st: &AppState, ids: &[Id<PrimeSow>]) -> Result<Vec<SowFunds>, UiError> {
    Ok(st.store.prime_sow_funds(ids).await?)
}

/// `GET /partner-funds`
pub async fn page(State(st): State<AppState>, me: SignedIn, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let Some(partner_id) = partner_funds_scope(&s) else {
        return Err(not_found());
    };
    let mut e = Params::new();
    // `?partner_id=` (the link from a partner's page) narrows the company's view; a
    // partner's manager is held to their own organisation whatever they ask.
    let asked = e.id("partner_id", p.get("partner_id").filter(|v| !v.is_empty()));
    let filter = PrimeSowFilter {
        partner_id: partner_id.or(asked),
        q: p.get("q").filter(|v| !v.is_empty()).map(str::to_string),
        archived: Some(false),
        ..PrimeSowFilter::default()
    };
    let at = table::read::<ByName>(&mut e, &p);
    let errors = e.into_errors();
    if !errors.is_empty() {
        return Err(Error::Invalid(errors).into());
    }
    let list = st.store.sorted(&filter, at).await?;
    let ids: Vec<_> = list.items.iter().map(|s| s.id).collect();
    let funds = funds_of(&st, &ids).await?;
    let partners: Vec<Id<Partner>> = list.items.iter().map(|s| s.fields.partner_id).collect();
    let names = RecordStore::<Partner>::names(st.store.as_ref(), &partners).await?;
    let rows = list
        .items
        .iter()
        .zip(&funds)
        .map(|(sow, f)| Row {
            id: sow.id.get(),
            name: sow.fields.name.clone(),
            partner: names.get(&sow.fields.partner_id.get()).cloned().unwrap_or_default(),
            status: sow.fields.status.code(),
            dates: format!(
                "{} – {}",
                format_date(sow.fields.start_date),
                format_date(sow.fields.end_date)
            ),
            bar: bar(&f.position, sow.fields.status == PrimeSowStatus::Active),
        })
        .collect();
    let threshold = funds.first().map(|f| f.low_funds_bp).unwrap_or(2_000);
    let view = ListPage {
        frame: frame(&me, &s),
        rows,
        columns: table::head("/partner-funds", &p, &at, vec![col("Prime SOW", ByName::Name)]),
        pager: table::pager("/partner-funds", &p, &at, list.total),
        q: p.text("q"),
        partner_id: p.text("partner_id"),
        threshold: format!("{} %", threshold / 100),
        keep: super::edit::may_edit::<PrimeSow>(&s),
    };
    Ok(render("partner_funds.html", view)?.into_response())
}

#[derive(Serialize)]
struct RateRow {
    role: &'static str,
    rate: String,
}

#[derive(Serialize)]
struct WaRow {
    id: i64,
    name: String,
    project_id: i64,
    project: String,
    dates: String,
    rates: String,
    background: String,
    expenses: String,
    committed: String,
    consumed: String,
    remaining: String,
    consumed_w: i64,
    over: bool,
}

#[derive(Serialize)]
struct SowPage {
    #[serde(flatten)]
    frame: Frame,
    id: i64,
    name: String,
    partner_id: i64,
    partner: String,
    status: &'static str,
    dates: String,
    notes: String,
    rates: Vec<RateRow>,
    bar: Bar,
    authorizations: Vec<WaRow>,
    /// Administrators, ops and finance change the prime SOW and its authorizations here.
    keep: bool,
}

fn rates_text(w: &WorkAuthorization) -> String {
    w.fields
        .rates
        .iter()
        .map(|r| format!("{} {}", r.role.code().replace('_', " "), r.rate.written()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /partner-funds/{id}`
pub async fn show(State(st): State<AppState>, me: SignedIn, Path(id): Path<String>) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let sow: PrimeSow = st.store.get(Id::new(id)).await?;
    allow(&st, &s, Action::Read, &sow).await?;
    let funds = funds_of(&st, &[sow.id]).await?.remove(0);
    let partner = RecordStore::<Partner>::names(st.store.as_ref(), &[sow.fields.partner_id]).await?;
    let was: Vec<WorkAuthorization> = {
        let f = psops_core::partner_funds::authorizations::WorkAuthorizationFilter {
            prime_sow_id: Some(sow.id),
            archived: Some(false),
            ..Default::default()
        };
        st.store.every(&f).await?
    };
    let projects: Vec<Id<Project>> = was.iter().map(|w| w.fields.project_id).collect();
    let project_names = RecordStore::<Project>::names(st.store.as_ref(), &projects).await?;
    let authorizations = was
        .iter()
        .map(|w| {
            let f = funds.authorizations.iter().find(|a| a.id == w.id);
            let (consumed, remaining) = f
                .map(|a| (a.consumed, a.remaining))
                .unwrap_or((Money::new(0, w.fields.committed.currency), w.fields.committed));
            WaRow {
                id: w.id.get(),
                name: w.fields.name.clone(),
                project_id: w.fields.project_id.get(),
                project: project_names
                    .get(&w.fields.project_id.get())
                    .cloned()
                    .unwrap_or_default(),
                dates: format!(
                    "{} – {}",
                    format_date(w.fields.start_date),
                    format_date(w.fields.end_date)
                ),
                rates: rates_text(w),
                background: w
                    .fields
                    .background_checks_on
                    .map(format_date)
                    .unwrap_or_else(|| "not done".into()),
                expenses: match (w.fields.expenses_allowed, w.fields.expenses_cap) {
                    (false, _) => "no".into(),
                    (true, None) => "yes".into(),
                    (true, Some(cap)) => format!("up to {}", cap.written()),
                },
                committed: w.fields.committed.written(),
                consumed: consumed.written(),
                remaining: remaining.written(),
                consumed_w: pct(consumed, w.fields.committed),
                over: remaining.amount_minor < 0,
            }
        })
        .collect();
    let view = SowPage {
        frame: frame(&me, &s),
        id: sow.id.get(),
        name: sow.fields.name.clone(),
        partner_id: sow.fields.partner_id.get(),
        partner: partner.get(&sow.fields.partner_id.get()).cloned().unwrap_or_default(),
        status: sow.fields.status.code(),
        dates: format!(
            "{} – {}",
            format_date(sow.fields.start_date),
            format_date(sow.fields.end_date)
        ),
        notes: sow.fields.notes.clone().unwrap_or_default(),
        rates: sow
            .fields
            .rates
            .iter()
            .map(|r| RateRow {
                role: r.role.code(),
                rate: r.rate.written(),
            })
            .collect(),
        bar: bar(&funds.position, sow.fields.status == PrimeSowStatus::Active),
        authorizations,
        keep: super::edit::may_edit::<PrimeSow>(&s),
    };
    Ok(render("partner_fund.html", view)?.into_response())
}
