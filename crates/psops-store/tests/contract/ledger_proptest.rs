//! For random small organisations (two engineers with cost rates that change mid-month,
//! two T&M projects, one of them in EUR, approved time billable or not), the ledger's
//! revenue and cost per project equal a plain recomputation from the raw rows: each
//! entry at its day's rates, rounded once, converted into the project's currency.

use std::collections::BTreeMap;

use proptest::prelude::*;
use psops_core::accounts::{Account, AccountFields};
use psops_core::finance::ledger::{LineFilter, LineKind};
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person};
use psops_core::projects::{BillingType, Project};
use psops_core::rates::cards::{CostRateFields, RoleRateFields};
use psops_core::rates::fx::{FxRate, FxRateFields, Rate};
use psops_core::rates::{CostRate, RateKind, RoleRate, div_round};
use psops_core::store::prelude::*;
use psops_core::time_entries::NewTimeEntry;
use psops_core::timesheet::IsoWeek;
use psops_core::{Currency, Minutes, Money};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields, project_fields};
use super::time_fixtures::{as_person, ops};

/// One entry: which person, which project, which weekday of July 2026, how long, billable.
type Entry = (usize, usize, u8, i64, bool);

fn weekdays() -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = date!(2026 - 07 - 01);
    while d <= date!(2026 - 07 - 31) {
        if d.weekday().number_from_monday() <= 5 {
            out.push(d);
        }
        d = d.next_day().unwrap();
    }
    out
}

async fn organisation(db: &Db) -> (Vec<Person>, Vec<Project>) {
    let mut people = Vec::new();
    for (i, (before, after)) in [(9_000, 10_000), (7_500, 8_250)].into_iter().enumerate() {
        let p: Person = new(db
            .create(&ctx(), person_fields(&format!("p{i}@example.com")))
            .await
            .unwrap());
        for (minor, from, to) in [
            (before, date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
            (after, date!(2026 - 07 - 15), None),
        ] {
            let f = CostRateFields {
                person_id: p.id,
                rate: Money::new(minor, Currency::USD),
                effective_from: from,
                effective_to: to,
            };
            let _: CostRate = new(db.create(&ctx(), f).await.unwrap());
        }
        people.push(p);
    }
    for (minor, currency) in [(20_000, "USD"), (17_750, "EUR")] {
        let f = RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: Money::new(minor, currency.parse().unwrap()),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        };
        let _: RoleRate = new(db.create(&ctx(), f).await.unwrap());
    }
    for (day, rate) in [(date!(2026 - 07 - 01), "1.0842"), (date!(2026 - 07 - 16), "1.1013")] {
        let f = FxRateFields {
            currency: "EUR".parse().unwrap(),
            quote: Currency::USD,
            date: day,
            rate: Rate::parse(rate, "rate").unwrap(),
        };
        let _: FxRate = new(db.create(&ctx(), f).await.unwrap());
    }
    let mut projects = Vec::new();
    for (name, currency) in [("Alpha", None), ("Beta", Some("EUR"))] {
        let a: Account = new(db
            .create(
                &ctx(),
                AccountFields {
                    name: name.into(),
                    code: None,
                    region: Some("AMER".into()),
                    industry: None,
                    currency: currency.map(|c: &str| c.parse().unwrap()),
                },
            )
            .await
            .unwrap());
        let mut f = project_fields(a.id.get(), name);
        f.billing_type = BillingType::TimeAndMaterials;
        projects.push(new(db.create(&ctx(), f).await.unwrap()));
    }
    for p in &people {
        for project in &projects {
            super::fixtures::assign(db, p.id, project).await;
        }
    }
    (people, projects)
}

/// A money amount converted at a rate into or out of USD, rounded once as pricing does.
fn eur_from_usd(usd: i64, rate: &str) -> i64 {
    let nanos = Rate::parse(rate, "rate").unwrap().nanos();
    div_round(i128::from(usd) * 1_000_000_000, i128::from(nanos)) as i64
}

fn fx_on(d: Date) -> &'static str {
    if d >= date!(2026 - 07 - 16) { "1.1013" } else { "1.0842" }
}

async fn check(entries: Vec<Entry>) {
    let t = psops_store::testing::TestDatabase::sqlite();
    let db = t.open().await;
    let (people, projects) = organisation(&db).await;
    let days = weekdays();
    // Expected (revenue, cost) per project, in the project's currency.
    let mut want: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    for (who, which, day, quarters, billable) in &entries {
        let (p, project, date) = (&people[*who], &projects[*which], days[*day as usize % days.len()]);
        let minutes = quarters * 15;
        let e = NewTimeEntry {
            person_id: p.id,
            project_id: Some(project.id),
            category: None,
            date,
            minutes: Minutes(minutes),
            billable: Some(*billable),
            note: None,
        };
        // A day's limit may refuse an entry: it is then left out of both sides.
        if db.create_time_entry(&ctx(), e).await.is_err() {
            continue;
        }
        let cost_rate = match (who, date >= date!(2026 - 07 - 15)) {
            (0, false) => 9_000,
            (0, true) => 10_000,
            (_, false) => 7_500,
            (_, true) => 8_250,
        };
        let cost_usd = div_round(i128::from(cost_rate) * i128::from(minutes), 60) as i64;
        let w = want.entry(project.id.get()).or_default();
        if *which == 0 {
            w.0 += if *billable {
                div_round(20_000 * i128::from(minutes), 60) as i64
            } else {
                0
            };
            w.1 += cost_usd;
        } else {
            w.0 += if *billable {
                div_round(17_750 * i128::from(minutes), 60) as i64
            } else {
                0
            };
            w.1 += eur_from_usd(cost_usd, fx_on(date));
        }
    }
    for p in &people {
        for week in days
            .iter()
            .map(|d| IsoWeek::of(*d))
            .collect::<std::collections::BTreeSet<_>>()
        {
            let submitted = db.submit_week(&ctx(), as_person(p), p.id, week).await;
            if submitted.is_ok_and(|s| !s.is_empty()) {
                for project in &projects {
                    let _ = db.approve_week(&ctx(), ops(), p.id, week, Some(project.id)).await;
                }
            }
        }
    }
    let s = db.recognise(&ctx(), date!(2026 - 07 - 31)).await.unwrap();
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let mut got: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let lines = db
        .ledger_lines(
            &LineFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await
        .unwrap()
        .items;
    for l in lines {
        let g = got.entry(l.project_id.get()).or_default();
        match l.kind {
            LineKind::Revenue => g.0 += l.amount.amount_minor,
            LineKind::Cost => g.1 += l.amount.amount_minor,
        }
        let sources = db.ledger_sources(l.id).await.unwrap();
        assert_eq!(
            sources.iter().map(|s| s.amount.amount_minor).sum::<i64>(),
            l.amount.amount_minor
        );
        assert_eq!(
            sources.iter().map(|s| s.reporting.amount_minor).sum::<i64>(),
            l.reporting.amount_minor
        );
    }
    want.retain(|_, v| *v != (0, 0));
    assert_eq!(got, want);
    db.close().await;
    t.destroy().await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn the_ledger_equals_a_recomputation_from_the_raw_rows(
        entries in prop::collection::vec((0usize..2, 0usize..2, 0u8..23, 1i64..=32, any::<bool>()), 1..10)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(check(entries));
    }
}
