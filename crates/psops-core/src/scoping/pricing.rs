//! Pricing an estimate: SKU lines at their list price in force (with the offering's
//! effort template for cost), custom time-and-materials lines at the rate card's bill
//! rate, a discount, T&E, and the totals of price, COGS (hours × standard cost) and
//! margin. Every amount is rounded once, half away from zero.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::estimates::EstimateFields;
use crate::catalog::offerings::Effort;
use crate::catalog::skus::{Sku, SkuId, SkuPrice, quote};
use crate::code::Code;
use crate::people::Function;
use crate::rates::{RateKind, RoleRate, cost_of, in_force};
use crate::rule::Rule;
use crate::{Error, FieldError, Minutes, Money, Result};

/// What a measure of a SKU's bounds the customer asks for, e.g. 40 `repositories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub measure: String,
    pub value: i64,
}

/// One line as the engagement manager writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LineInput {
    /// Units of a catalog SKU.
    Sku {
        #[schema(value_type = i64)]
        sku_id: SkuId,
        #[schema(minimum = 1, maximum = 10000)]
        quantity: i64,
        /// Learners or seats asked for, on a SKU with a seat limit.
        #[serde(default)]
        #[schema(minimum = 1, maximum = 100000)]
        seats: Option<i64>,
        /// The size of what is asked, checked against the SKU's bounds.
        #[serde(default)]
        measures: Vec<Measure>,
    },
    /// Custom work: a role's hours at the rate card's bill rate.
    TimeAndMaterials {
        role: Function,
        #[schema(value_type = i64, minimum = 1, maximum = 6000000)]
        minutes: Minutes,
        #[serde(default)]
        description: Option<String>,
    },
}

/// A line with its price and cost, as it was when the estimate was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PricedLine {
    pub description: String,
    /// The SKU number, for a SKU line.
    pub code: Option<String>,
    /// Units for a SKU line; hours are in `minutes` for a T&M line (quantity 1).
    pub quantity: i64,
    /// Per unit (a SKU line) or per hour (a T&M line).
    pub unit_price: Money,
    pub amount: Money,
    /// Delivery hours, in minutes, all roles.
    pub minutes: Minutes,
    /// Hours × standard cost.
    pub cost: Money,
    /// The hours by role behind `minutes`.
    pub effort: Vec<Effort>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Totals {
    /// The lines' amounts.
    pub subtotal: Money,
    pub discount: Money,
    /// Subtotal less discount: what the services sell for, and what the TA threshold
    /// and margin are measured on.
    pub price: Money,
    pub travel_and_expenses: Money,
    /// Price plus T&E.
    pub total: Money,
    /// Hours × standard cost.
    pub cogs: Money,
    /// Price less COGS.
    pub margin: Money,
    /// Margin as basis points of price; none when the price is 0.
    pub margin_bp: Option<i64>,
    pub minutes: Minutes,
}

/// What pricing reads: the SKUs the lines name (with their offering's effort template and
/// list prices) and the rate card lines of the estimate's region.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub skus: HashMap<i64, BookSku>,
    pub card: Vec<RoleRate>,
}

#[derive(Debug, Clone)]
pub struct BookSku {
    pub sku: Sku,
    pub effort: Vec<Effort>,
    pub prices: Vec<SkuPrice>,
}

impl Book {
    fn rate(&self, kind: RateKind, role: Function, f: &EstimateFields) -> Option<Money> {
        in_force(
            self.card
                .iter()
                .filter(|r| {
                    r.fields.kind == kind
                        && r.fields.role == role
                        && r.fields.rate.currency == f.currency
                        && r.fields.region.trim().eq_ignore_ascii_case(f.region.trim())
                        && !r.meta.is_archived()
                })
                .map(|r| (r.fields.effective_from, r.fields.effective_to, r.fields.rate)),
            f.price_date,
        )
    }

    fn missing_rate(&self, kind: RateKind, role: Function, f: &EstimateFields, at: &str) -> FieldError {
        let what = match kind {
            RateKind::Bill => "bill rate",
            RateKind::StandardCost => "standard cost",
        };
        FieldError::new(
            at,
            Rule::PriceNotSet,
            format!(
                "no {what} for {} in region {} in {} on {}: add it to the rate card",
                role.code(),
                f.region.trim(),
                f.currency,
                crate::dates::format_date(f.price_date)
            ),
        )
    }
}

fn mul(m: Money, n: i64, field: &str) -> Result<Money> {
    m.amount_minor
        .checked_mul(n)
        .map(|a| Money::new(a, m.currency))
        .ok_or_else(|| Error::invalid(field, Rule::Range, format!("{field} is too large")))
}

fn add(a: Money, b: Money) -> Result<Money> {
    a.checked_add(b)
        .ok_or_else(|| Error::invalid("lines", Rule::Range, "the estimate's total is too large"))
}

/// Moves an error about a SKU onto the line that named it.
fn on_line(e: Error, at: &str) -> Error {
    match e {
        Error::Invalid(errors) => Error::Invalid(
            errors
                .into_iter()
                .map(|fe| FieldError::new(format!("{at}.{}", fe.field), fe.rule, fe.message))
                .collect(),
        ),
        e => e,
    }
}

/// Prices every line, collecting every broken rule before answering.
pub fn price(f: &EstimateFields, book: &Book) -> Result<(Vec<PricedLine>, Totals)> {
    let zero = Money::new(0, f.currency);
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in f.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        match price_line(f, book, line, &at) {
            Ok(l) => lines.push(l),
            Err(Error::Invalid(e)) => errors.extend(e),
            Err(e) => return Err(e),
        }
    }
    errors.extend(seat_errors(f, book));
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut subtotal = zero;
    let mut cogs = zero;
    let mut minutes = 0i64;
    for l in &lines {
        subtotal = add(subtotal, l.amount)?;
        cogs = add(cogs, l.cost)?;
        minutes += l.minutes.get();
    }
    let discount = Money::new(share(subtotal.amount_minor, f.discount_bp), f.currency);
    let price = Money::new(subtotal.amount_minor - discount.amount_minor, f.currency);
    let te = f.travel_and_expenses.unwrap_or(zero);
    let total = add(price, te)?;
    let margin = Money::new(price.amount_minor - cogs.amount_minor, f.currency);
    let margin_bp = (price.amount_minor != 0).then(|| share_of(margin.amount_minor, price.amount_minor));
    Ok((
        lines,
        Totals {
            subtotal,
            discount,
            price,
            travel_and_expenses: te,
            total,
            cogs,
            margin,
            margin_bp,
            minutes: Minutes(minutes),
        },
    ))
}

/// `amount` × `bp` / 10,000, rounded half away from zero.
fn share(amount: i64, bp: i64) -> i64 {
    let n = i128::from(amount) * i128::from(bp);
    let q = (n.abs() + 5_000) / 10_000;
    (if n < 0 { -q } else { q }) as i64
}

/// `part` as basis points of `whole`, rounded half away from zero.
fn share_of(part: i64, whole: i64) -> i64 {
    let n = i128::from(part) * 10_000 * 2;
    let d = i128::from(whole) * 2;
    let q = (n.abs() + d.abs() / 2) / d.abs();
    (if (n < 0) != (d < 0) { -q } else { q }) as i64
}

fn price_line(f: &EstimateFields, book: &Book, line: &LineInput, at: &str) -> Result<PricedLine> {
    match line {
        LineInput::Sku {
            sku_id,
            quantity,
            measures,
            ..
        } => {
            let entry = book.skus.get(&sku_id.get()).ok_or_else(|| {
                Error::invalid(
                    format!("{at}.sku_id"),
                    Rule::Exists,
                    format!("{at}.sku_id: SKU {sku_id} does not exist"),
                )
            })?;
            let sku = &entry.sku;
            let code = &sku.fields.code;
            if sku.fields.always_custom {
                return Err(Error::invalid(
                    format!("{at}.sku_id"),
                    Rule::Custom,
                    format!("SKU {code} is always custom: take the custom path (scope it as time-and-materials lines)"),
                ));
            }
            let asked: Vec<(&str, i64)> = measures.iter().map(|m| (m.measure.as_str(), m.value)).collect();
            if let Some(b) = sku.fields.outside_bounds(&asked) {
                return Err(Error::invalid(
                    format!("{at}.measures"),
                    Rule::OutsideBounds,
                    format!(
                        "SKU {code} covers at most {} {}: beyond its bounds, take the custom path (time-and-materials lines)",
                        b.max, b.measure
                    ),
                ));
            }
            if sku.fields.currency != f.currency {
                return Err(Error::invalid(
                    format!("{at}.sku_id"),
                    Rule::Currency,
                    format!(
                        "SKU {code} is sold in {}, the estimate is in {}",
                        sku.fields.currency, f.currency
                    ),
                ));
            }
            let unit = quote(sku, &entry.prices, f.price_date).map_err(|e| on_line(e, at))?;
            let amount = mul(unit, *quantity, &format!("{at}.quantity"))?;
            let effort: Vec<Effort> = entry
                .effort
                .iter()
                .map(|e| Effort {
                    role: e.role,
                    minutes: Minutes(e.minutes.get().saturating_mul(*quantity)),
                })
                .collect();
            let cost = cost_of_effort(f, book, &effort, at)?;
            Ok(PricedLine {
                description: sku.fields.name.clone(),
                code: Some(code.clone()),
                quantity: *quantity,
                unit_price: unit,
                amount,
                minutes: Minutes(effort.iter().map(|e| e.minutes.get()).sum()),
                cost,
                effort,
            })
        }
        LineInput::TimeAndMaterials {
            role,
            minutes,
            description,
        } => {
            let rate = book.rate(RateKind::Bill, *role, f).ok_or_else(|| {
                Error::Invalid(vec![book.missing_rate(RateKind::Bill, *role, f, &format!("{at}.role"))])
            })?;
            let effort = vec![Effort {
                role: *role,
                minutes: *minutes,
            }];
            Ok(PricedLine {
                description: description
                    .clone()
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or_else(|| format!("{} (time and materials)", role.code().replace('_', " "))),
                code: None,
                quantity: 1,
                unit_price: rate,
                amount: cost_of(rate, *minutes)?,
                minutes: *minutes,
                cost: cost_of_effort(f, book, &effort, at)?,
                effort,
            })
        }
    }
}

fn cost_of_effort(f: &EstimateFields, book: &Book, effort: &[Effort], at: &str) -> Result<Money> {
    let mut total = Money::new(0, f.currency);
    let mut errors = Vec::new();
    for e in effort {
        match book.rate(RateKind::StandardCost, e.role, f) {
            Some(rate) => total = add(total, cost_of(rate, e.minutes)?)?,
            None => errors.push(book.missing_rate(RateKind::StandardCost, e.role, f, at)),
        }
    }
    if errors.is_empty() {
        Ok(total)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// A SKU with a seat limit sells that many seats a unit; seats beyond it need its add-on
/// SKU on the estimate, one unit a seat.
fn seat_errors(f: &EstimateFields, book: &Book) -> Vec<FieldError> {
    let units_of = |id: SkuId| -> i64 {
        f.lines
            .iter()
            .filter_map(|l| match l {
                LineInput::Sku { sku_id, quantity, .. } if *sku_id == id => Some(*quantity),
                _ => None,
            })
            .sum()
    };
    let mut errors = Vec::new();
    for (i, l) in f.lines.iter().enumerate() {
        let LineInput::Sku {
            sku_id,
            quantity,
            seats: Some(seats),
            ..
        } = l
        else {
            continue;
        };
        let Some(entry) = book.skus.get(&sku_id.get()) else {
            continue;
        };
        let Some(limit) = entry.sku.fields.seat_limit else {
            continue;
        };
        let included = i64::from(limit).saturating_mul(*quantity);
        let extra = seats - included;
        if extra <= 0 {
            continue;
        }
        let at = format!("lines[{i}].seats");
        let code = &entry.sku.fields.code;
        match entry.sku.fields.addon_sku_id {
            None => errors.push(FieldError::new(
                at,
                Rule::Seats,
                format!("SKU {code} seats {included} at most and sells no add-on seats"),
            )),
            Some(addon) if units_of(addon) < extra => {
                let name = book
                    .skus
                    .get(&addon.get())
                    .map_or_else(|| addon.to_string(), |a| a.sku.fields.code.clone());
                errors.push(FieldError::new(
                    at,
                    Rule::Seats,
                    format!(
                        "SKU {code} seats {included}: {seats} seats need {extra} add-on seats ({name}) on the estimate"
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(share(1_000_000, 1_000), 100_000);
        assert_eq!(share(5, 1_000), 1); // 0.5 → 1
        assert_eq!(share(4, 1_000), 0);
        assert_eq!(share_of(30, 100), 3_000);
        assert_eq!(share_of(1, 3), 3_333);
        assert_eq!(share_of(2, 3), 6_667);
        assert_eq!(share_of(-1, 3), -3_333);
    }
}
