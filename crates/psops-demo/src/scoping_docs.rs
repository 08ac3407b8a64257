//! What a demo deal's estimates and SOW say: lines from the demo catalog's active,
//! priced SKUs and time-and-materials hours at the demo rate cards, sized to the deal;
//! then the SOW's scope, billing, milestones and dates, relative to the demo's today.

use time::{Date, Duration, Weekday};

use psops_core::catalog::skus::SkuFilter;
use psops_core::catalog::{Offering, Sku, SkuStatus, Unit};
use psops_core::every;
use psops_core::people::Function;
use psops_core::projects::BillingType;
use psops_core::scoping::estimates::{Estimate, EstimateFields};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::pricing::LineInput;
use psops_core::scoping::sows::{BillingTerms, MilestoneTerm, SowFields};
use psops_core::store::{Records as _, Store};
use psops_core::{Currency, Minutes, Money, Result};

use crate::names::REGIONS;
use crate::rng::Rng;
use crate::scoping_plan::{Deal, local_factor};

/// A SKU an estimate may sell: active, priced, sold in USD, with an effort template
/// that fits its unit (per-learner and hourly SKUs carry a course's template, so they
/// would price at a loss and stay off demo estimates).
#[derive(Debug, Clone)]
pub(crate) struct Sellable {
    pub sku: Sku,
    /// This year's list price, in whole dollars.
    pub dollars: i64,
    pub training: bool,
}

/// The SKUs the demo's estimates draw on, in id order (so the same seed picks the same).
pub(crate) async fn sellable(store: &dyn Store, today: Date) -> Result<Vec<Sellable>> {
    let offerings: Vec<Offering> = every!(store, psops_core::catalog::offerings::OfferingFilter::default());
    let skus: Vec<Sku> = every!(store, SkuFilter::default());
    let mut out = Vec::new();
    for sku in skus {
        let f = &sku.fields;
        let Some(offering) = offerings.iter().find(|o| o.id == f.offering_id) else {
            continue;
        };
        let effort: i64 = offering.fields.effort.iter().map(|e| e.minutes.get()).sum();
        let fits = match f.unit {
            Unit::FixedPackage | Unit::DedicatedTerm | Unit::CourseRemote | Unit::CourseOnSite => true,
            Unit::HoursBlock => f.block_minutes.is_some_and(|b| b.get() >= 40 * 60),
            Unit::Hourly | Unit::PerLearner | Unit::PerSeat => false,
        };
        if f.status != SkuStatus::Active || f.always_custom || f.currency != Currency::USD || effort == 0 || !fits {
            continue;
        }
        let Ok(price) = store.quote_sku(sku.id, today).await else {
            continue;
        };
        out.push(Sellable {
            dollars: price.amount_minor / 100,
            training: matches!(f.unit, Unit::CourseRemote | Unit::CourseOnSite),
            sku,
        });
    }
    Ok(out)
}

/// List bill rates by role in whole US dollars, near the demo's rate card: used only to
/// turn dollars into hours; the estimate prices at the card itself.
const HOURLY_USD: [(Function, i64, i64); 3] = [
    // (role, dollars an hour, share of custom hours in percent)
    (Function::Engineer, 260, 70),
    (Function::TechnicalArchitect, 322, 18),
    (Function::ProjectManager, 244, 12),
];

fn hours(role: Function, hours: i64, what: &str) -> Option<LineInput> {
    let h = (hours / 4 * 4).max(0);
    (h > 0).then(|| LineInput::TimeAndMaterials {
        role,
        minutes: Minutes(h * 60),
        description: Some(what.into()),
    })
}

fn sku_line(s: &Sellable, quantity: i64) -> LineInput {
    LineInput::Sku {
        sku_id: s.sku.id,
        quantity,
        seats: None,
        measures: vec![],
    }
}

/// The lines of a deal's estimate at `scale` percent of its size: SKUs where the
/// customer buys in US dollars from the catalog (AMER), the rest custom hours.
pub(crate) fn lines(deal: &Deal, catalog: &[Sellable], scale: i64) -> Vec<LineInput> {
    let mut rng = Rng::derive(deal.stream, 1);
    let mut out = Vec::new();
    let mut left = deal.size_usd * scale / 100;
    if deal.region == 0 && !deal.thin && !catalog.is_empty() {
        let services: Vec<&Sellable> = catalog.iter().filter(|s| !s.training).collect();
        for _ in 0..rng.between(1, 2) {
            let fitting: Vec<&&Sellable> = services.iter().filter(|s| s.dollars * 10 <= left * 8).collect();
            if fitting.is_empty() {
                break;
            }
            let s = **rng.pick(&fitting);
            let quantity = (left * 6 / 10 / s.dollars.max(1)).clamp(1, 3);
            left -= s.dollars * quantity;
            out.push(sku_line(s, quantity));
        }
        let courses: Vec<&Sellable> = catalog.iter().filter(|s| s.training).collect();
        if !courses.is_empty() && rng.chance(30) {
            let s = *rng.pick(&courses);
            let quantity = rng.between(1, 3);
            left -= s.dollars * quantity;
            out.push(sku_line(s, quantity));
        }
    }
    if left > 3_000 || out.is_empty() {
        let left = left.max(3_000);
        let what = [
            "Engineering (custom scope)",
            "Architecture and design",
            "Project management",
        ];
        for ((role, rate, share), what) in HOURLY_USD.iter().zip(what) {
            out.extend(hours(*role, left * share / 100 / rate, what));
        }
    }
    out
}

/// The version-th of `deal.versions` estimates: the first asks for more, each later one
/// trims the custom hours, and the last carries the deal's discount.
pub(crate) fn estimate(deal: &Deal, o: &Opportunity, catalog: &[Sellable], version: u8, today: Date) -> EstimateFields {
    let later = i64::from(deal.versions.saturating_sub(version));
    let last = version == deal.versions;
    let lines = lines(deal, catalog, 100 + 12 * later);
    let currency = o.fields.currency;
    let mut rng = Rng::derive(deal.stream, 2);
    let on_site = rng.chance(40);
    let te = on_site.then(|| {
        let usd = deal.size_usd * rng.between(4, 9) / 100 / 500 * 500;
        Money::new(usd.max(500) * local_factor(deal.region), currency)
    });
    EstimateFields {
        opportunity_id: o.id,
        title: Some(match version {
            1 => "Initial estimate".into(),
            n => format!("Revised estimate {n}"),
        }),
        currency,
        region: REGIONS[deal.region].code.into(),
        price_date: today,
        lines,
        travel_and_expenses: te,
        discount_bp: if last { deal.discount_bp } else { 0 },
        notes: on_site.then(|| "Two on-site weeks: kick-off and cut-over".into()),
    }
}

/// The Monday on or after `d`.
fn monday(d: Date) -> Date {
    d + Duration::days(i64::from((7 - d.weekday().number_days_from_monday()) % 7))
}

/// The SOW of a deal, built from its agreed estimate; `expires_on` the last day it can
/// be signed.
pub(crate) fn sow(deal: &Deal, o: &Opportunity, e: &Estimate, today: Date, expires_on: Date) -> SowFields {
    let mut rng = Rng::derive(deal.stream, 3);
    // Signed work starts over the coming five months, as a pipeline does: staffing then
    // has hard requests to plan at every horizon, not all at once.
    let start = monday(today + Duration::days(rng.between(10, 150)));
    let hours = e.totals.minutes.get() / 60;
    let weeks = (hours / 60).clamp(2, 48);
    let end = start + Duration::weeks(weeks) - Duration::days(3);
    let price = e.totals.price;
    let activities: Vec<String> = e.priced.iter().map(|l| l.description.clone()).take(6).collect();
    let (billing_type, billing_terms, milestones) = if deal.fixed_fee {
        let names = ["Design signed off", "Build complete", "Go-live and hand-over"];
        let parts = if weeks >= 6 { 3 } else { 2 };
        let mut out = Vec::new();
        let mut given = 0;
        for (i, name) in names.iter().enumerate().skip(3 - parts) {
            let last = i == names.len() - 1;
            // An even split to the cent, the remainder on the last milestone.
            let amount = if last {
                price.amount_minor - given
            } else {
                price.amount_minor / parts as i64
            };
            given += amount;
            let due = start + Duration::weeks(weeks * (i as i64 + 1) / 3) - Duration::days(3);
            out.push(MilestoneTerm {
                name: (*name).into(),
                due: due.min(end),
                amount: Money::new(amount, price.currency),
            });
        }
        (BillingType::FixedFee, BillingTerms::PerMilestone, out)
    } else {
        (BillingType::TimeAndMaterials, BillingTerms::TmMonthly, Vec::new())
    };
    let account = o.fields.name.split(" — ").next().unwrap_or("the customer");
    SowFields {
        estimate_id: e.id,
        title: o.fields.name.clone(),
        scope: format!(
            "Professional services for {account}: {}. Delivery is remote unless the estimate \
             names on-site weeks; work is planned with the customer's named technical lead.",
            activities.join("; ").to_lowercase()
        ),
        activities,
        billing_type,
        billing_terms,
        milestones,
        passive_acceptance_days: 5,
        minimum_minutes_per_week: (!deal.fixed_fee).then_some(Minutes(16 * 60)),
        start_date: start,
        end_date: end,
        expires_on,
        delay_language: Some(
            "A customer delay of more than ten business days re-plans the schedule through change control.".into(),
        ),
        assumptions: vec![
            "The customer provides access to systems and staff within five business days of kick-off".into(),
            "Work is done in the provider's business hours".into(),
        ],
        out_of_scope: vec![
            "Licences and subscriptions".into(),
            "Production support after hand-over".into(),
        ],
    }
}

/// The weekday on or before `d` (signatures fall on working days).
pub(crate) fn working(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => d - Duration::days(1),
        Weekday::Sunday => d - Duration::days(2),
        _ => d,
    }
}
