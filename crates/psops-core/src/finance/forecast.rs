//! Revenue and billable-hours forecasts: what the bookings on the calendar will earn month
//! by month. Hours come from assignments (hours a week over the weekdays of the month) and
//! from open resource requests (their hours spread over the weekdays of their dates); each
//! booking counts at its weight — hard ones at `hard_weight_bp`, soft ones (requests booked
//! soft, assignments on estimate or prospect projects) at `soft_weight_bp`. What would land
//! if every booking held is the **upside**, shown apart: the unweighted figure minus the
//! weighted one.
//!
//! Revenue by billing type: time and materials = hours × the bill rate in force on each
//! day; fixed fee = the milestones due in the month and not yet accepted, or for a project
//! recognised by percent complete its remaining fee spread over its remaining planned
//! hours; non-billable projects forecast hours only (not billable hours) and no revenue.
//! Each booking's month is computed exactly in 128-bit integers and rounded once, half away
//! from zero; a project's month is the sum of those lines.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::month::Month;
use super::pricing::{Books, Terms};
use super::settings::FinanceSettings;
use crate::dates::DateRange;
use crate::people::Function;
use crate::plan::Booking;
use crate::projects::{BillingType, ProjectId, ProjectStatus};
use crate::rates::div_round;
use crate::rule::Rule;
use crate::{Currency, Error, Money, Result};

/// The most months one forecast covers.
pub const MAX_MONTHS: u32 = 24;

/// Which accuracy target a project is held to: consulting blocks and dedicated engineers
/// have the wider one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Time-and-materials and fixed-fee work (handbook: ±5 %).
    #[default]
    Standard,
    /// Consulting blocks and dedicated engineers (handbook: ±10 %).
    Block,
}

impl Class {
    /// The class of a project sold from offerings of these types.
    pub fn of_types<'a>(types: impl IntoIterator<Item = &'a str>) -> Class {
        let block = types
            .into_iter()
            .any(|t| t.eq_ignore_ascii_case("Consulting Block") || t.eq_ignore_ascii_case("Dedicated Engineer"));
        if block { Class::Block } else { Class::Standard }
    }

    /// The accuracy target of the class, in basis points either way.
    pub fn target_bp(self, s: &FinanceSettings) -> i64 {
        match self {
            Class::Standard => s.accuracy_bp,
            Class::Block => s.block_accuracy_bp,
        }
    }
}

/// A project as the forecast needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProject {
    pub terms: Terms,
    pub name: String,
    pub status: ProjectStatus,
    pub end_date: Option<Date>,
    /// For a fixed-fee project recognised by percent complete: its fee not yet recognised.
    pub remaining_fee: Option<Money>,
    /// The offerings its signed SOW sold, joined with " + "; none without a SOW.
    pub offering: Option<String>,
    pub class: Class,
    /// Whether the project has rates of its own: without any, its bill rates are the rate
    /// card's for its region and currency, shared with every such project.
    pub own_rates: bool,
}

impl PlanProject {
    /// How firm the project's assignments are: soft while it is an estimate or a prospect.
    pub fn booking(&self) -> Booking {
        match self.status {
            ProjectStatus::Estimate | ProjectStatus::Prospect => Booking::Soft,
            _ => Booking::Hard,
        }
    }
}

/// How a booking's hours are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// An assignment: minutes a week, a fifth of them on each weekday.
    PerWeek(i64),
    /// A resource request: minutes over its dates, spread evenly over their weekdays.
    Total(i64),
}

/// An assignment or an open resource request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booked {
    pub project: ProjectId,
    pub booking: Booking,
    pub role: Function,
    pub start: Date,
    /// None: open-ended, runs to the project's end, else to the end of the forecast.
    pub end: Option<Date>,
    pub spread: Spread,
}

/// A fixed-fee milestone due and not yet accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub project: ProjectId,
    pub due: Date,
    /// In the project's currency.
    pub amount: Money,
}

/// One project's forecast for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ForecastLine {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project: String,
    pub billing_type: BillingType,
    pub offering: Option<String>,
    pub class: Class,
    pub month: Month,
    /// The project's currency.
    #[schema(value_type = String)]
    pub currency: Currency,
    /// Weighted revenue in the project's currency, minor units.
    pub amount_minor: i64,
    /// What would come on top if every booking held.
    pub upside_minor: i64,
    /// The same two in the reporting currency at the FX rate of the month's first day.
    pub reporting_minor: i64,
    pub reporting_upside_minor: i64,
    /// Weighted hours of every booking, in minutes, and their upside.
    pub minutes: i64,
    pub upside_minutes: i64,
    /// Weighted billable hours (not on non-billable projects), in minutes, and their upside.
    pub billable_minutes: i64,
    pub billable_upside_minutes: i64,
    /// Time-and-materials minutes with no bill rate in force: in the hours, not in revenue.
    pub unpriced_minutes: i64,
}

/// The forecast totals of a month, or of a group over the whole forecast, in the reporting currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ForecastTotals {
    pub revenue_minor: i64,
    pub upside_minor: i64,
    pub minutes: i64,
    pub upside_minutes: i64,
    pub billable_minutes: i64,
    pub billable_upside_minutes: i64,
}

impl ForecastTotals {
    fn add(&mut self, l: &ForecastLine) {
        self.revenue_minor += l.reporting_minor;
        self.upside_minor += l.reporting_upside_minor;
        self.minutes += l.minutes;
        self.upside_minutes += l.upside_minutes;
        self.billable_minutes += l.billable_minutes;
        self.billable_upside_minutes += l.billable_upside_minutes;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthTotals {
    pub month: Month,
    #[serde(flatten)]
    pub totals: ForecastTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GroupTotals {
    /// A billing type code, or an offering's name ("(no SOW)" without one).
    pub group: String,
    #[serde(flatten)]
    pub totals: ForecastTotals,
}

/// The forecast of `months` months from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Forecast {
    pub from: Month,
    pub months: u32,
    #[schema(value_type = String)]
    pub reporting_currency: Currency,
    pub by_month: Vec<MonthTotals>,
    pub by_billing_type: Vec<GroupTotals>,
    pub by_offering: Vec<GroupTotals>,
    pub total: ForecastTotals,
    /// Per project and month, by month then project; empty when not asked for.
    pub lines: Vec<ForecastLine>,
}

/// Checks the span a forecast is asked for.
pub fn check_months(months: u32) -> Result<()> {
    if (1..=MAX_MONTHS).contains(&months) {
        Ok(())
    } else {
        Err(Error::invalid(
            "months",
            Rule::Range,
            format!("months must be 1 to {MAX_MONTHS}"),
        ))
    }
}

/// The last month of a forecast of `months` months from `from`.
pub fn last_month(from: Month, months: u32) -> Month {
    (1..months).fold(from, |m, _| m.next())
}

/// A weight in basis points of a booking kind.
pub fn weight_bp(s: &FinanceSettings, b: Booking) -> i64 {
    match b {
        Booking::Soft => s.soft_weight_bp,
        Booking::Hard => s.hard_weight_bp,
    }
}

/// The bill rates of a project's role on each weekday of a month, as running sums so a
/// booking's share of the month is two look-ups: `(day, rate sum through it, unpriced
/// weekdays through it)`.
type RateDays = Vec<(Date, i128, i64)>;

fn rate_days(books: &Books, terms: &Terms, role: Function, m: Month) -> RateDays {
    let mut out = Vec::with_capacity(23);
    let (mut sum, mut unpriced) = (0i128, 0i64);
    for d in m.range().iter().filter(|d| is_weekday(*d)) {
        match books.bill_rate(terms, role, d).filter(|r| r.currency == terms.currency) {
            Some(r) => sum += i128::from(r.amount_minor),
            None => unpriced += 1,
        }
        out.push((d, sum, unpriced));
    }
    out
}

fn is_weekday(d: Date) -> bool {
    !matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday)
}

/// The rate sum and unpriced weekdays of `r` (inside the month of `days`).
fn rates_over(days: &RateDays, r: DateRange) -> (i128, i64) {
    let upto = |d: Date| {
        let i = days.partition_point(|(day, ..)| *day <= d);
        i.checked_sub(1).map(|i| (days[i].1, days[i].2)).unwrap_or((0, 0))
    };
    let (s1, u1) = upto(r.end);
    let before = r.start.previous_day().map(upto).unwrap_or((0, 0));
    (s1 - before.0, u1 - before.1)
}

/// Rounded once, half away from zero, into an i64.
fn round(n: i128, d: i128) -> Result<i64> {
    i64::try_from(div_round(n, d))
        .map_err(|_| Error::invalid("amount", Rule::Range, "a forecast amount is too large to compute"))
}

/// Accumulates one project's month before conversion.
#[derive(Default, Clone, Copy)]
struct Acc {
    amount: i64,
    full: i64,
    minutes: i64,
    full_minutes: i64,
    unpriced: i64,
}

/// What a forecast is made of: the projects still to deliver, their bookings and their
/// milestones due.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub projects: HashMap<ProjectId, PlanProject>,
    pub bookings: Vec<Booked>,
    pub due: Vec<Due>,
}

/// Where a month of bill rates is shared: a project with rates of its own keeps its own;
/// the rest share the card of their region, currency and role.
type RateKey = (Option<ProjectId>, Option<String>, Currency, Function, Month);

/// The forecast of `months` months from `from` over the plan. `with_lines` keeps the
/// per-project lines in the answer.
pub fn forecast(
    books: &Books,
    settings: &FinanceSettings,
    from: Month,
    months: u32,
    plan: &Plan,
    with_lines: bool,
) -> Result<Forecast> {
    let (projects, bookings, due) = (&plan.projects, &plan.bookings, &plan.due);
    check_months(months)?;
    let last = last_month(from, months);
    let horizon = DateRange {
        start: from.first(),
        end: last.last(),
    };
    let ends = |b: &Booked, p: &PlanProject| b.end.or(p.end_date).unwrap_or(horizon.end);
    let unit = |b: &Booked, p: &PlanProject| -> Option<(i128, i128)> {
        match b.spread {
            Spread::PerWeek(m) => Some((i128::from(m), 5)),
            Spread::Total(m) => {
                let all = DateRange {
                    start: b.start,
                    end: ends(b, p),
                };
                let wd = if all.end < all.start { 0 } else { all.weekdays() };
                (wd > 0).then_some((i128::from(m), i128::from(wd)))
            }
        }
    };
    // Percent complete: each project's remaining planned minutes, from the forecast's start.
    let mut remaining: HashMap<ProjectId, i64> = HashMap::new();
    for b in bookings.iter() {
        let Some(p) = projects.get(&b.project) else { continue };
        if p.remaining_fee.is_none() {
            continue;
        }
        let Some((num, den)) = unit(b, p) else { continue };
        let r = DateRange {
            start: b.start.max(horizon.start),
            end: ends(b, p),
        };
        if r.end >= r.start {
            *remaining.entry(b.project).or_default() += round(i128::from(r.weekdays()) * num, den)?;
        }
    }
    let mut acc: BTreeMap<(Month, ProjectId), Acc> = BTreeMap::new();
    let mut rates: HashMap<RateKey, RateDays> = HashMap::new();
    for b in bookings.iter() {
        let Some(p) = projects.get(&b.project) else { continue };
        let Some((num, den)) = unit(b, p) else { continue };
        let w = i128::from(weight_bp(settings, b.booking));
        let end = ends(b, p).min(horizon.end);
        for m in from.through(last) {
            let Some(r) = m.range().intersect(&DateRange { start: b.start, end }) else {
                continue;
            };
            let wd = i128::from(r.weekdays());
            if wd == 0 {
                continue;
            }
            let a = acc.entry((m, b.project)).or_default();
            a.minutes += round(wd * num * w, den * 10_000)?;
            a.full_minutes += round(wd * num, den)?;
            match p.terms.billing_type {
                BillingType::TimeAndMaterials => {
                    let key = if p.own_rates {
                        (Some(b.project), None, p.terms.currency, b.role, m)
                    } else {
                        (
                            None,
                            p.terms.region.as_deref().map(str::to_lowercase),
                            p.terms.currency,
                            b.role,
                            m,
                        )
                    };
                    let days = rates
                        .entry(key)
                        .or_insert_with(|| rate_days(books, &p.terms, b.role, m));
                    let (sum, unpriced) = rates_over(days, r);
                    a.amount += round(sum * num * w, den * 60 * 10_000)?;
                    a.full += round(sum * num, den * 60)?;
                    a.unpriced += round(i128::from(unpriced) * num, den)?;
                }
                BillingType::FixedFee => {
                    let (Some(fee), Some(total)) = (p.remaining_fee, remaining.get(&b.project)) else {
                        continue;
                    };
                    if *total > 0 && fee.amount_minor > 0 {
                        let n = i128::from(fee.amount_minor) * wd * num;
                        let d = den * i128::from(*total);
                        a.amount += round(n * w, d * 10_000)?;
                        a.full += round(n, d)?;
                    }
                }
                BillingType::NonBillable => {}
            }
        }
    }
    for d in due.iter() {
        let Some(p) = projects.get(&d.project) else { continue };
        if p.terms.billing_type != BillingType::FixedFee || p.remaining_fee.is_some() || !horizon.contains(d.due) {
            continue;
        }
        let w = i128::from(weight_bp(settings, p.booking()));
        let a = acc.entry((Month::of(d.due), d.project)).or_default();
        a.amount += round(i128::from(d.amount.amount_minor) * w, 10_000)?;
        a.full += d.amount.amount_minor;
    }
    let mut lines = Vec::with_capacity(acc.len());
    for ((m, id), a) in acc {
        let p = &projects[&id];
        let billable = p.terms.billing_type != BillingType::NonBillable;
        let cur = p.terms.currency;
        let weighted = books.to_reporting(Money::new(a.amount, cur), m.first())?.amount_minor;
        let full = books.to_reporting(Money::new(a.full, cur), m.first())?.amount_minor;
        lines.push(ForecastLine {
            project_id: id,
            project: p.name.clone(),
            billing_type: p.terms.billing_type,
            offering: p.offering.clone(),
            class: p.class,
            month: m,
            currency: cur,
            amount_minor: a.amount,
            upside_minor: a.full - a.amount,
            reporting_minor: weighted,
            reporting_upside_minor: full - weighted,
            minutes: a.minutes,
            upside_minutes: a.full_minutes - a.minutes,
            billable_minutes: if billable { a.minutes } else { 0 },
            billable_upside_minutes: if billable { a.full_minutes - a.minutes } else { 0 },
            unpriced_minutes: a.unpriced,
        });
    }
    Ok(summarise(from, months, books.reporting(), lines, with_lines))
}

/// Month, billing-type and offering totals of the lines.
pub fn summarise(
    from: Month,
    months: u32,
    reporting: Currency,
    lines: Vec<ForecastLine>,
    with_lines: bool,
) -> Forecast {
    let mut by_month: BTreeMap<Month, ForecastTotals> = from
        .through(last_month(from, months))
        .map(|m| (m, ForecastTotals::default()))
        .collect();
    let mut by_type: BTreeMap<String, ForecastTotals> = BTreeMap::new();
    let mut by_offering: BTreeMap<String, ForecastTotals> = BTreeMap::new();
    let mut total = ForecastTotals::default();
    for l in &lines {
        by_month.entry(l.month).or_default().add(l);
        by_type
            .entry(crate::code::Code::code(&l.billing_type).to_string())
            .or_default()
            .add(l);
        by_offering
            .entry(l.offering.clone().unwrap_or_else(|| "(no SOW)".into()))
            .or_default()
            .add(l);
        total.add(l);
    }
    let groups = |m: BTreeMap<String, ForecastTotals>| {
        m.into_iter()
            .map(|(group, totals)| GroupTotals { group, totals })
            .collect()
    };
    Forecast {
        from,
        months,
        reporting_currency: reporting,
        by_month: by_month
            .into_iter()
            .map(|(month, totals)| MonthTotals { month, totals })
            .collect(),
        by_billing_type: groups(by_type),
        by_offering: groups(by_offering),
        total,
        lines: if with_lines { lines } else { Vec::new() },
    }
}

#[cfg(test)]
#[path = "forecast_tests.rs"]
mod tests;
