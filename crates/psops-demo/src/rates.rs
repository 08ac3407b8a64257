//! The demo's money: rate cards in USD, EUR and AUD for AMER, EMEA and APAC (bill rates and
//! standard costs, raised at the start of the last year), every person's cost rate with a
//! raise, and monthly FX rates into USD. All demo data: plausible, not any firm's prices.

use psops_core::bulk::{OrgRecords, Seeded};
use psops_core::dates::DateRange;
use psops_core::people::Function;
use psops_core::rates::cards::{CostRateFields, RoleRateFields};
use psops_core::rates::fx::FxRateFields;
use psops_core::rates::{Rate, RateKind};
use psops_core::{Currency, Money};
use time::{Date, Month};

use crate::names::REGIONS;
use crate::rng::Rng;

/// Hourly list bill rates in USD cents, by delivery function.
const BILL_USD: [(Function, i64); 7] = [
    (Function::ProjectCoordinator, 16_500),
    (Function::ProjectManager, 23_500),
    (Function::ProgramManager, 26_000),
    (Function::Engineer, 25_000),
    (Function::TechnicalArchitect, 31_000),
    (Function::Trainer, 27_500),
    // A partner's consultant, billed to the customer as an engineer of the partner's.
    (Function::PartnerConsultant, 22_500),
];

/// What an hour of each function costs the firm in USD cents, fully loaded.
fn cost_usd(f: Function) -> i64 {
    match f {
        Function::ProjectCoordinator => 6_500,
        Function::ProjectManager => 10_000,
        Function::ProgramManager => 11_500,
        Function::Engineer => 10_500,
        Function::TechnicalArchitect => 13_500,
        Function::Trainer => 10_000,
        Function::EngagementManager => 12_000,
        Function::RegionalDeliveryManager => 14_000,
        Function::Ops => 8_000,
        Function::Finance => 8_500,
        // The partner's hourly rate under its work authorization.
        Function::PartnerConsultant => 9_500,
    }
}

/// A region's currency and how many of its units a US dollar buys, in percent.
fn region_money(region: &str) -> (Currency, i64) {
    let r = REGIONS.iter().find(|r| r.code == region).unwrap_or(&REGIONS[0]);
    let factor = match r.currency {
        "EUR" => 92,
        "AUD" => 152,
        _ => 100,
    };
    (r.currency.parse().unwrap_or(Currency::USD), factor)
}

/// An amount in USD cents in the region's currency, to a whole unit (rates are quoted so).
fn local(usd_cents: i64, factor: i64) -> i64 {
    (usd_cents * factor / 100 + 50) / 100 * 100
}

fn jan1(year: i32) -> Date {
    Date::from_calendar_date(year, Month::January, 1).unwrap_or(Date::MIN)
}

/// Adds the rate cards, cost rates and FX rates to the records.
pub(crate) fn add(records: &mut OrgRecords, range: &DateRange, seed: u64) {
    let raise = jan1(range.end.year());
    let first = jan1(range.start.year() - 5);
    // Rates before this year, then 4 % more (costs 3 %) from its first day.
    let periods = [
        (first, Some(raise.previous_day().unwrap_or(raise)), 100),
        (raise, None, 104),
    ];
    let mut id = 0;
    for region in REGIONS {
        let (currency, factor) = region_money(region.code);
        for (function, usd) in BILL_USD {
            for (from, to, pct) in periods {
                for (kind, base) in [(RateKind::Bill, usd), (RateKind::StandardCost, cost_usd(function))] {
                    id += 1;
                    let pct = if kind == RateKind::Bill { pct } else { pct - 1 };
                    records.role_rates.push(Seeded {
                        id,
                        fields: RoleRateFields {
                            kind,
                            role: function,
                            region: region.code.into(),
                            rate: Money::new(local(base * pct / 100, factor), currency),
                            effective_from: from,
                            effective_to: to,
                        },
                    });
                }
            }
        }
    }
    let mut rng = Rng::derive(seed, 41);
    let mut id = 0;
    for p in &records.people {
        let f = &p.fields;
        let (currency, factor) = region_money(&f.region);
        // Each person costs their function's standard cost plus 0–28 % (seniority,
        // benefits, the bench time a standard rate leaves out): the margins delivery
        // actually earns land around the 30 % target, below what estimates promise.
        let own = cost_usd(f.function) * (100 + rng.below(29) as i64) / 100;
        let start = f.employment_start;
        let mut spans = vec![];
        if start < raise {
            spans.push((start, Some(raise.previous_day().unwrap_or(raise)), 100));
            spans.push((raise, None, 103));
        } else {
            spans.push((start, None, 100));
        }
        for (from, to, pct) in spans {
            let to = match (to, f.employment_end) {
                (Some(t), Some(e)) => Some(t.min(e)),
                (t, e) => t.or(e),
            };
            if to.is_some_and(|t| t < from) {
                continue;
            }
            id += 1;
            records.cost_rates.push(Seeded {
                id,
                fields: CostRateFields {
                    person_id: psops_core::Id::new(p.id),
                    rate: Money::new(local(own * pct / 100, factor), currency),
                    effective_from: from,
                    effective_to: to,
                },
            });
        }
    }
    let mut fx = Rng::derive(seed, 43);
    let (mut eur, mut aud) = (1_080_000i64, 660_000i64);
    let mut month = Date::from_calendar_date(range.start.year(), range.start.month(), 1).unwrap_or(range.start);
    let mut id = 0;
    while month <= range.end {
        for (code, rate) in [("EUR", eur), ("AUD", aud)] {
            id += 1;
            records.fx_rates.push(Seeded {
                id,
                fields: FxRateFields {
                    currency: code.parse().unwrap_or(Currency::USD),
                    quote: Currency::USD,
                    date: month,
                    rate: Rate::from_nanos(rate * 1_000),
                },
            });
        }
        // A small monthly walk, in millionths, kept near the long-run level.
        eur = (eur + fx.between(-18_000, 18_000) + (1_080_000 - eur) / 8).clamp(980_000, 1_200_000);
        aud = (aud + fx.between(-12_000, 12_000) + (660_000 - aud) / 8).clamp(600_000, 740_000);
        month = month.replace_day(28).unwrap_or(month) + time::Duration::days(7);
        month = month.replace_day(1).unwrap_or(month);
    }
}
