//! The estimate editor, `/scoping/opportunities/{id}/estimates/new` (`?from=` starts a
//! new version from an earlier one): lines of active SKUs (units, seats, measures) and
//! time-and-materials lines (a role's hours), T&E, a discount, currency, rate-card
//! region and price date. The totals and margin follow the form as it is typed: htmx
//! posts the form (debounced) to `/scoping/estimates/preview`, which prices it as
//! saving would — the store's own preview, the one `POST /api/v1/estimates/preview`
//! answers — and answers the totals, the TA-review flag and each line's refusal. The
//! API takes bearer tokens only, so the page does not call it from the browser. Without
//! a script, "Price it" posts the whole form and the page comes back priced. Saving
//! makes the version; nothing is written while a rule refuses it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::catalog::skus::{Sku, SkuFilter, SkuStatus};
use psops_core::code::Code;
use psops_core::people::Function;
use psops_core::policy::{Action, Subject};
use psops_core::rule::Rule;
use psops_core::scoping::estimates::{Estimate, EstimateFields};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::pricing::{LineInput, Measure};
use psops_core::scoping::store::Preview;
use psops_core::store::Records as _;
use psops_core::{Currency, Error, FieldError, Id, Minutes, Money};
use serde::Serialize;

use super::admin::{Fields, fields, inline, write_ctx};
use super::filters::{Pairs, label, pct, subject};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::scoping_opportunity::readable;
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// Blank line rows a new form starts with, and "More lines" adds.
const BLANK_ROWS: usize = 3;

/// One line row of the form, as typed.
#[derive(Serialize, Default, Clone)]
pub struct Row {
    item: String,
    qty: String,
    seats: String,
    measures: String,
    desc: String,
    errors: Vec<String>,
    /// The priced amount, once priced.
    amount: String,
}

/// What the editor shows: the form as typed and, once priced, the totals.
#[derive(Serialize, Default)]
pub struct Totals {
    lines: Vec<(String, String, String, String)>,
    subtotal: String,
    discount: String,
    price: String,
    te: String,
    total: String,
    cogs: String,
    margin: String,
    margin_pct: String,
    hours: String,
    ta: Option<String>,
    refusals: Vec<String>,
    priced: bool,
}

#[derive(Serialize)]
struct EditorPage {
    #[serde(flatten)]
    frame: Frame,
    opportunity: (i64, String),
    from: String,
    title: String,
    currency: String,
    region: String,
    price_date: String,
    discount: String,
    te: String,
    notes: String,
    rows: Vec<Row>,
    items: Vec<(String, Vec<(String, String)>)>,
    totals: Totals,
    errors: Vec<FieldError>,
}

/// `12.5` (or `12,5 %`) as basis points.
fn percent(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('%').trim().replace(',', ".");
    if t.is_empty() {
        return Some(0);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// `repositories = 40, users: 10` as the SKU's measures.
fn measures(text: &str) -> Result<Vec<Measure>, String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| {
            let (name, value) = m.split_once(['=', ':']).ok_or_else(|| {
                format!("write a measure as its name, = and a number, e.g. repositories = 40; got '{m}'")
            })?;
            let value = value
                .trim()
                .replace([',', '_'], "")
                .parse::<i64>()
                .map_err(|_| format!("'{}' is not a whole number", value.trim()))?;
            Ok(Measure {
                measure: name.trim().to_string(),
                value,
            })
        })
        .collect()
}

/// The rows a posted form holds, blank ones kept so the reader sees what they typed.
fn rows_of(p: &Pairs) -> Vec<Row> {
    let count = p
        .get("rows")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(BLANK_ROWS);
    (0..count.min(psops_core::scoping::estimates::MAX_LINES + BLANK_ROWS))
        .map(|i| Row {
            item: p.text(&format!("item.{i}")),
            qty: p.text(&format!("qty.{i}")),
            seats: p.text(&format!("seats.{i}")),
            measures: p.text(&format!("measures.{i}")),
            desc: p.text(&format!("desc.{i}")),
            ..Row::default()
        })
        .collect()
}

/// The estimate a posted form stands for, what is wrong with it as typed, and the row
/// each line came from (blank rows are no lines).
fn read(p: &Pairs, opportunity: i64, rows: &mut [Row]) -> (EstimateFields, Vec<FieldError>, Vec<usize>) {
    let mut errors = Vec::new();
    let currency = match p.text("currency").trim().to_uppercase().parse::<Currency>() {
        Ok(c) => c,
        Err(_) => {
            errors.push(FieldError::new(
                "currency",
                Rule::Currency,
                "currency must be three capital letters such as USD",
            ));
            Currency::USD
        }
    };
    let price_date = match psops_core::dates::parse_date("price_date", &p.text("price_date")) {
        Ok(d) => d,
        Err(_) => {
            errors.push(FieldError::new(
                "price_date",
                Rule::Date,
                format!(
                    "price_date must be a date such as 2026-03-31, got '{}'",
                    p.text("price_date")
                ),
            ));
            time::OffsetDateTime::now_utc().date()
        }
    };
    let discount_bp = percent(&p.text("discount")).unwrap_or_else(|| {
        errors.push(FieldError::new(
            "discount_bp",
            Rule::Percent,
            format!(
                "Discount must be a percentage such as 10 or 12.5, got '{}'",
                p.text("discount")
            ),
        ));
        0
    });
    let te = p.text("te");
    let travel_and_expenses = if te.trim().is_empty() {
        None
    } else {
        match Money::parse(te.trim(), currency) {
            Ok(m) => Some(m),
            Err(_) => {
                errors.push(FieldError::new(
                    "travel_and_expenses",
                    Rule::Decimal,
                    format!(
                        "T&E must be an amount in {currency} such as 2500.00, got '{}'",
                        te.trim()
                    ),
                ));
                None
            }
        }
    };
    let mut lines = Vec::new();
    let mut from_row = Vec::new();
    for (i, r) in rows.iter_mut().enumerate() {
        if r.item.trim().is_empty() {
            if !r.qty.trim().is_empty() {
                r.errors.push("choose a SKU or a role for this line".into());
            }
            continue;
        }
        match line_of(r) {
            Ok(line) => {
                lines.push(line);
                from_row.push(i);
            }
            Err(why) => r.errors.push(why),
        }
    }
    let fields = EstimateFields {
        opportunity_id: Id::new(opportunity),
        title: Some(p.text("title")).filter(|t| !t.trim().is_empty()),
        currency,
        region: p.text("region"),
        price_date,
        lines,
        travel_and_expenses,
        discount_bp,
        notes: Some(p.text("notes")).filter(|t| !t.trim().is_empty()),
    };
    (fields, errors, from_row)
}

/// One row as a line, or what is wrong with it as typed.
fn line_of(r: &Row) -> Result<LineInput, String> {
    match r.item.split_once(':') {
        Some(("sku", id)) => {
            let sku_id = id
                .parse::<i64>()
                .map_err(|_| "choose a SKU from the list".to_string())?;
            let quantity = r
                .qty
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("units must be a whole number such as 2, got '{}'", r.qty.trim()))?;
            let seats = match r.seats.trim() {
                "" => None,
                t => Some(
                    t.parse::<i64>()
                        .map_err(|_| format!("seats must be a whole number, got '{t}'"))?,
                ),
            };
            Ok(LineInput::Sku {
                sku_id: Id::new(sku_id),
                quantity,
                seats,
                measures: measures(&r.measures)?,
            })
        }
        Some(("tm", role)) => {
            let role = role
                .parse::<Function>()
                .map_err(|_| "choose a role from the list".to_string())?;
            let minutes = Minutes::parse(r.qty.trim())
                .map_err(|_| format!("hours must be hours such as 40 or 37:30, got '{}'", r.qty.trim()))?;
            Ok(LineInput::TimeAndMaterials {
                role,
                minutes,
                description: Some(r.desc.trim().to_string()).filter(|d| !d.is_empty()),
            })
        }
        _ => Err("choose a SKU or a role from the list".into()),
    }
}

/// Puts each refusal of a line (`lines[3].quantity`) on the row it came from; the rest
/// stay for the top of the page.
fn on_rows(errors: Vec<FieldError>, from_row: &[usize], rows: &mut [Row]) -> Vec<FieldError> {
    let mut rest = Vec::new();
    for e in errors {
        let at = e
            .field
            .strip_prefix("lines[")
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| from_row.get(n).copied());
        match at.and_then(|i| rows.get_mut(i)) {
            Some(r) => {
                if !r.errors.contains(&e.message) {
                    r.errors.push(e.message);
                }
            }
            None => rest.push(e),
        }
    }
    rest
}

/// Each row's refusals, naming its line.
fn row_refusals(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .enumerate()
        .flat_map(|(i, r)| r.errors.iter().map(move |e| format!("Line {}: {e}", i + 1)))
        .collect()
}

/// Prices the form as saving would: the totals, or every line's refusal.
async fn priced(
    st: &AppState,
    fields: &EstimateFields,
    from_row: &[usize],
    rows: &mut [Row],
) -> Result<(Totals, Vec<FieldError>), UiError> {
    let outcome = match fields.validate() {
        Ok(()) => st.store.preview_estimate(fields).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(Preview {
            lines,
            totals,
            ta_review,
        }) => {
            for (l, row) in lines.iter().zip(from_row) {
                if let Some(r) = rows.get_mut(*row) {
                    r.amount = l.amount.to_string();
                }
            }
            let t = totals;
            let refusals = row_refusals(rows);
            Ok((
                Totals {
                    lines: lines
                        .iter()
                        .map(|l| {
                            (
                                l.description.clone(),
                                l.quantity.to_string(),
                                l.amount.to_string(),
                                l.cost.to_string(),
                            )
                        })
                        .collect(),
                    subtotal: t.subtotal.to_string(),
                    discount: t.discount.to_string(),
                    price: t.price.to_string(),
                    te: t.travel_and_expenses.to_string(),
                    total: t.total.to_string(),
                    cogs: t.cogs.to_string(),
                    margin: t.margin.to_string(),
                    margin_pct: pct(t.margin_bp),
                    hours: super::filters::hours(t.minutes),
                    ta: matches!(ta_review, psops_core::scoping::estimates::TaReview::NeedsReview)
                        .then(|| "Over the TA threshold: the technical architect must approve it before a SOW.".into()),
                    priced: refusals.is_empty(),
                    refusals,
                },
                Vec::new(),
            ))
        }
        Err(Error::Invalid(errors)) => {
            let rest = on_rows(errors, from_row, rows);
            let mut refusals = row_refusals(rows);
            refusals.extend(rest.iter().map(|e| e.message.clone()));
            Ok((
                Totals {
                    refusals,
                    ..Totals::default()
                },
                rest,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The SKUs a line may sell (active ones) and the roles T&M lines bill, as the line's
/// choices.
async fn items(st: &AppState) -> Result<Vec<(String, Vec<(String, String)>)>, UiError> {
    let skus: Vec<Sku> = st
        .store
        .every(&SkuFilter {
            status: Some(SkuStatus::Active),
            archived: Some(false),
            ..Default::default()
        })
        .await?;
    let mut sku_items: Vec<(String, String)> = skus
        .iter()
        .filter(|k| !k.fields.always_custom)
        .map(|k| {
            (
                format!("sku:{}", k.id),
                format!("{} — {} ({})", k.fields.code, k.fields.name, k.fields.currency),
            )
        })
        .collect();
    sku_items.sort_by(|a, b| a.1.cmp(&b.1));
    let roles = Function::ALL
        .iter()
        .map(|f| (format!("tm:{}", f.code()), format!("{} (T&M hours)", label(f.code()))))
        .collect();
    Ok(vec![("SKUs".into(), sku_items), ("Time and materials".into(), roles)])
}

async fn writable(st: &AppState, s: &Subject, id: &str) -> Result<Opportunity, UiError> {
    let o = readable(st, s, id).await?;
    allow(st, s, Action::Update, &o).await?;
    Ok(o)
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    st: &AppState,
    me: &SignedIn,
    s: &Subject,
    o: &Opportunity,
    p: &Pairs,
    rows: Vec<Row>,
    totals: Totals,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, UiError> {
    let ctx = EditorPage {
        frame: frame(me, s),
        opportunity: (o.id.get(), o.fields.name.clone()),
        from: p.text("from"),
        title: p.text("title"),
        currency: p.text("currency"),
        region: p.text("region"),
        price_date: p.text("price_date"),
        discount: p.text("discount"),
        te: p.text("te"),
        notes: p.text("notes"),
        rows,
        items: items(st).await?,
        totals,
        errors,
    };
    Ok((status, render("estimate_edit.html", ctx)?).into_response())
}

/// The form of a version as its rows: `?from=` an earlier one, else blank.
fn starting(o: &Opportunity, from: Option<&Estimate>) -> (Pairs, Vec<Row>) {
    let today = psops_core::dates::format_date(time::OffsetDateTime::now_utc().date());
    let Some(e) = from else {
        let p = Pairs(vec![
            ("currency".into(), o.fields.currency.to_string()),
            ("price_date".into(), today),
        ]);
        return (p, vec![Row::default(); BLANK_ROWS]);
    };
    let f = &e.fields;
    let p = Pairs(vec![
        ("from".into(), e.id.to_string()),
        ("title".into(), f.title.clone().unwrap_or_default()),
        ("currency".into(), f.currency.to_string()),
        ("region".into(), f.region.clone()),
        ("price_date".into(), today),
        (
            "discount".into(),
            psops_core::ratio::percent_text(f.discount_bp)
                .trim_end_matches(" %")
                .trim_end_matches('%')
                .to_string(),
        ),
        (
            "te".into(),
            f.travel_and_expenses
                .map(|m| m.to_string().split(' ').next().unwrap_or("").to_string())
                .unwrap_or_default(),
        ),
        ("notes".into(), f.notes.clone().unwrap_or_default()),
    ]);
    let mut rows: Vec<Row> = f
        .lines
        .iter()
        .map(|l| match l {
            LineInput::Sku {
                sku_id,
                quantity,
                seats,
                measures,
            } => Row {
                item: format!("sku:{sku_id}"),
                qty: quantity.to_string(),
                seats: seats.map(|s| s.to_string()).unwrap_or_default(),
                measures: measures
                    .iter()
                    .map(|m| format!("{} = {}", m.measure, m.value))
                    .collect::<Vec<_>>()
                    .join(", "),
                ..Row::default()
            },
            LineInput::TimeAndMaterials {
                role,
                minutes,
                description,
            } => Row {
                item: format!("tm:{}", role.code()),
                qty: minutes.hours_text(),
                desc: description.clone().unwrap_or_default(),
                ..Row::default()
            },
        })
        .collect();
    rows.extend(std::iter::repeat_n(Row::default(), BLANK_ROWS));
    (p, rows)
}

/// `GET /scoping/opportunities/{id}/estimates/new[?from=<estimate>]`.
pub async fn new_form(
    State(st): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
    link: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let o = writable(&st, &s, &id).await?;
    let from = match link.get("from").and_then(|f| f.parse::<i64>().ok()) {
        Some(e) => {
            let e: Estimate = st.store.get(Id::new(e)).await?;
            if e.fields.opportunity_id != o.id {
                return Err(super::not_found());
            }
            Some(e)
        }
        None => None,
    };
    let (p, rows) = starting(&o, from.as_ref());
    editor(
        &st,
        &me,
        &s,
        &o,
        &p,
        rows,
        Totals::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /scoping/opportunities/{id}/estimates/new`: `do=price` prices the form and
/// shows it again, `do=more` adds blank lines, `do=save` saves the version.
pub async fn save(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let o = writable(&st, &s, &id).await?;
    let mut rows = rows_of(&p);
    if p.get("do") == Some("more") {
        rows.extend(std::iter::repeat_n(Row::default(), BLANK_ROWS));
        return editor(
            &st,
            &me,
            &s,
            &o,
            &p,
            rows,
            Totals::default(),
            Vec::new(),
            StatusCode::OK,
        )
        .await;
    }
    let (estimate, typed, from_row) = read(&p, o.id.get(), &mut rows);
    let typed = on_rows(typed, &from_row, &mut rows);
    let (totals, refused) = priced(&st, &estimate, &from_row, &mut rows).await?;
    let mut errors = typed;
    errors.extend(refused);
    let clean = errors.is_empty() && rows.iter().all(|r| r.errors.is_empty());
    if p.get("do") != Some("save") || !clean {
        let status = if clean {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return editor(&st, &me, &s, &o, &p, rows, totals, errors, status).await;
    }
    let grant = allow(&st, &s, Action::Update, &estimate).await?;
    match st
        .store
        .create_estimate(&write_ctx(&me, &request, grant), estimate)
        .await
    {
        Ok(made) => {
            let e = made.made()?;
            Ok(Redirect::to(&format!("/scoping/estimates/{}?done=saved", e.id)).into_response())
        }
        Err(e) => {
            let refused = on_rows(inline(e)?, &from_row, &mut rows);
            let status = super::admin::status_of(&refused, false);
            editor(&st, &me, &s, &o, &p, rows, Totals::default(), refused, status).await
        }
    }
}

/// `POST /scoping/estimates/preview`: the editor's form priced, as the totals fragment.
pub async fn preview(State(st): State<AppState>, me: SignedIn, form: Fields) -> Result<Response, UiError> {
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let o = writable(&st, &s, &p.text("opportunity")).await?;
    let mut rows = rows_of(&p);
    let (estimate, typed, from_row) = read(&p, o.id.get(), &mut rows);
    let typed = on_rows(typed, &from_row, &mut rows);
    let (mut totals, _) = priced(&st, &estimate, &from_row, &mut rows).await?;
    if !typed.is_empty() {
        totals.priced = false;
        totals.refusals.extend(typed.into_iter().map(|e| e.message));
        totals.refusals.dedup();
    }
    Ok(render("estimate_totals.html", totals)?.into_response())
}
