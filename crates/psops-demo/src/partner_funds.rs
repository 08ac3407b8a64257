//! The demo's partner funds: each partner holds a prime SOW per calendar year (the
//! earlier ones closed at their year's end — their term is over, and the funds a year
//! left unconsumed are released rather than shown as spent; the current one active) and, under it, a work authorization
//! for every project its consultants work on that year, dated to cover their stints, so
//! a year of partner time goes in under authorizations and costs the authorised rate.

use std::collections::{BTreeMap, BTreeSet};

use psops_core::partner_funds::prime_sows::PrimeSowPatch;
use psops_core::partner_funds::{
    PartnerRate, PrimeSow, PrimeSowFields, PrimeSowStatus, WorkAuthorization, WorkAuthorizationFields,
};
use psops_core::people::Function;
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Currency, Id, Money, Result};
use time::{Date, Month};

use crate::org::Built;

/// What each partner is paid an hour in USD cents under its work authorizations, and the
/// prime SOW's ceiling: (rate, ceiling), by partner id.
fn rates_of(partner: i64) -> (i64, i64) {
    match partner {
        1 => (9_200, 9_500),
        _ => (9_800, 10_500),
    }
}

/// Hours a day a partner consultant is expected to bill on a stint, for commitments.
const DAILY_HOURS: i64 = 6;

/// One prime SOW and the work authorizations drawn on it (their `prime_sow_id` is set
/// once the SOW is stored).
pub(crate) struct Planned {
    pub sow: PrimeSowFields,
    pub authorizations: Vec<WorkAuthorizationFields>,
}

fn day(year: i32, month: Month, d: u8) -> Date {
    Date::from_calendar_date(year, month, d).unwrap_or(Date::MIN)
}

fn weekdays(from: Date, to: Date) -> i64 {
    let days = (to - from).whole_days() + 1;
    days.max(0) * 5 / 7
}

/// Every partner's prime SOWs and work authorizations, from the people's stints.
pub(crate) fn plan(built: &Built) -> Vec<Planned> {
    let records = &built.records;
    let partner_of = |person: i64| {
        records
            .people
            .get((person - 1) as usize)
            .and_then(|p| p.fields.partner_id)
            .map(|p| p.get())
    };
    // The roles partner people play, priced alike.
    let mut roles: BTreeSet<&'static str> = BTreeSet::new();
    let mut role_list = vec![Function::PartnerConsultant];
    for a in &records.assignments {
        if partner_of(a.fields.person_id.get()).is_some() && roles.insert(a.fields.role.into()) {
            role_list.push(a.fields.role);
        }
    }
    role_list.dedup();
    // (partner, year, project) → (first day, last day, committed hours).
    let mut spans: BTreeMap<(i64, i32, i64), (Date, Date, i64)> = BTreeMap::new();
    let last_year = built.range.end.year();
    for plan in &built.plans {
        let Some(partner) = partner_of(plan.id) else { continue };
        for s in &plan.stints {
            // Next year's prime SOW is not issued yet.
            for year in s.from.year()..=s.to.year().min(last_year) {
                let from = s.from.max(day(year, Month::January, 1));
                let to = s.to.min(day(year, Month::December, 31));
                if to < from {
                    continue;
                }
                let hours = weekdays(from, to) * DAILY_HOURS;
                let e = spans.entry((partner, year, s.project)).or_insert((from, to, 0));
                e.0 = e.0.min(from);
                e.1 = e.1.max(to);
                e.2 += hours;
            }
        }
    }
    let usd = |m: i64| Money::new(m, Currency::USD);
    let mut out: Vec<Planned> = Vec::new();
    for ((partner, year, project), (from, to, hours)) in spans {
        let (rate, ceiling) = rates_of(partner);
        let fresh = out
            .last()
            .is_none_or(|p| p.sow.partner_id.get() != partner || p.sow.start_date.year() != year);
        if fresh {
            let name = records
                .partners
                .iter()
                .find(|p| p.id == partner)
                .map(|p| p.fields.name.split_whitespace().next().unwrap_or("P").to_uppercase())
                .unwrap_or_else(|| "P".into());
            out.push(Planned {
                sow: PrimeSowFields {
                    partner_id: Id::new(partner),
                    name: format!("PSOW-{name}-{year}"),
                    funds: usd(0),
                    rates: role_list
                        .iter()
                        .map(|role| PartnerRate {
                            role: *role,
                            rate: usd(ceiling),
                        })
                        .collect(),
                    start_date: day(year, Month::January, 1),
                    end_date: day(year, Month::December, 31),
                    status: if year == last_year {
                        PrimeSowStatus::Active
                    } else {
                        PrimeSowStatus::Closed
                    },
                    notes: Some(if year == last_year {
                        format!("Issued for {year}; the next prime SOW takes over when its funds run out.")
                    } else {
                        format!("Issued for {year}; closed at the year's end and what it did not consume released.")
                    }),
                },
                authorizations: Vec::new(),
            });
        }
        let Some(current) = out.last_mut() else { continue };
        // Commit the planned hours and a tenth more; round to whole hundreds of dollars.
        let committed = (hours * rate * 11 / 10 + 9_999) / 10_000 * 10_000;
        let n = current.authorizations.len() + 1;
        current.authorizations.push(WorkAuthorizationFields {
            prime_sow_id: Id::new(0),
            project_id: Id::new(project),
            name: format!("{}-WA{n:02}", current.sow.name),
            scope: "Delivery engineering on the project under the partner's staffing plan".into(),
            requirements: Some("Vetted consultants; the customer's security training before access".into()),
            background_checks_on: Some(from.previous_day().unwrap_or(from)),
            rates: role_list
                .iter()
                .map(|role| PartnerRate {
                    role: *role,
                    rate: usd(rate),
                })
                .collect(),
            billing_terms: Some("Monthly in arrears against approved hours; invoice by the 15th".into()),
            start_date: from,
            end_date: to,
            expenses_allowed: partner == 1,
            expenses_cap: (partner == 1).then(|| usd(250_000)),
            committed: usd(committed),
        });
    }
    for p in &mut out {
        // Funds a fifth over what is committed, in whole thousands — the second partner's
        // only a twentieth, so its current prime SOW runs low (time for the next one).
        let committed: i64 = p.authorizations.iter().map(|w| w.committed.amount_minor).sum();
        let (num, den) = if p.sow.partner_id.get() == 1 { (6, 5) } else { (21, 20) };
        p.sow.funds = usd((committed * num / den + 99_999) / 100_000 * 100_000);
    }
    out
}

/// The windows of work authorization by (partner, project), as the entry rule reads them
/// (the demo test checks every generated entry against them).
#[cfg(test)]
pub(crate) fn windows(planned: &[Planned]) -> BTreeMap<(i64, i64), Vec<(Date, Date)>> {
    let mut out: BTreeMap<(i64, i64), Vec<(Date, Date)>> = BTreeMap::new();
    for p in planned {
        for w in &p.authorizations {
            out.entry((p.sow.partner_id.get(), w.project_id.get()))
                .or_default()
                .push((w.start_date, w.end_date));
        }
    }
    out
}

/// Stores the plan: each prime SOW active while its authorizations are drawn, then the
/// past years' closed.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, planned: Vec<Planned>) -> Result<()> {
    for p in planned {
        let status = p.sow.status;
        let sow: PrimeSow = store
            .create(
                ctx,
                PrimeSowFields {
                    status: PrimeSowStatus::Active,
                    ..p.sow
                },
            )
            .await?
            .made()?;
        for mut w in p.authorizations {
            w.prime_sow_id = sow.id;
            let _: WorkAuthorization = store.create(ctx, w).await?.made()?;
        }
        if status != PrimeSowStatus::Active {
            let patch = PrimeSowPatch {
                status: Some(status),
                ..PrimeSowPatch::default()
            };
            let _: PrimeSow = store.update(ctx, sow.id, None, patch).await?;
        }
    }
    Ok(())
}
