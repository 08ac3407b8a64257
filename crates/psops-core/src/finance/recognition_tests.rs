use time::OffsetDateTime;
use time::macros::date;

use super::*;
use crate::Id;
use crate::meta::Meta;
use crate::rates::cards::{CostRateFields, RoleRateFields};
use crate::rates::fx::{FxRateFields, Rate};
use crate::rates::{CostRate, FxRate, RateKind, RoleRate};

fn meta() -> Meta {
    Meta {
        version: 1,
        created_at: OffsetDateTime::UNIX_EPOCH,
        updated_at: OffsetDateTime::UNIX_EPOCH,
        archived_at: None,
    }
}

fn usd(m: i64) -> Money {
    Money::new(m, Currency::USD)
}

fn eur(m: i64) -> Money {
    Money::new(m, "EUR".parse().unwrap())
}

fn card(rate: Money, from: Date, to: Option<Date>) -> RoleRate {
    RoleRate {
        id: Id::new(1),
        fields: RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate,
            effective_from: from,
            effective_to: to,
        },
        meta: meta(),
    }
}

fn books() -> Books {
    let cards = [
        card(usd(20_000), date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
        card(usd(22_000), date!(2026 - 07 - 15), None),
        card(eur(18_000), date!(2026 - 01 - 01), None),
    ];
    let costs = [CostRate {
        id: Id::new(1),
        fields: CostRateFields {
            person_id: Id::new(7),
            rate: usd(9_000),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        },
        meta: meta(),
    }];
    let fx = [FxRate {
        id: Id::new(1),
        fields: FxRateFields {
            currency: "EUR".parse().unwrap(),
            quote: Currency::USD,
            date: date!(2026 - 07 - 01),
            rate: Rate::parse("1.0842", "rate").unwrap(),
        },
        meta: meta(),
    }];
    Books::new(Currency::USD, &cards, &[], &costs, &fx, &[])
}

fn project(id: i64, billing: BillingType, currency: Currency) -> ProjectIn {
    ProjectIn {
        terms: Terms {
            id: Id::new(id),
            currency,
            region: Some("AMER".into()),
            billing_type: billing,
        },
        customer: billing != BillingType::NonBillable,
        method: RevenueMethod::Milestones,
        fee: None,
        budget_minutes: None,
        signature: Signature::NoSow,
    }
}

fn entry(id: i64, project: i64, person: i64, date: Date, minutes: i64) -> EntryIn {
    EntryIn {
        id: Id::new(id),
        project: Id::new(project),
        person: Id::new(person),
        function: Function::Engineer,
        date,
        minutes: Minutes(minutes),
        billable: true,
    }
}

fn inputs(projects: Vec<ProjectIn>, entries: Vec<EntryIn>) -> Inputs {
    Inputs {
        projects: projects.into_iter().map(|p| (p.terms.id, p)).collect(),
        entries,
        through: Some(date!(2026 - 12 - 31)),
        ..Inputs::default()
    }
}

fn total(r: &Recognised, kind: LineKind) -> i64 {
    r.lines
        .iter()
        .filter(|l| l.kind == kind)
        .map(|l| l.amount.amount_minor)
        .sum()
}

#[test]
fn allocation_adds_up_exactly_and_favours_the_largest_remainders() {
    assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
    assert_eq!(allocate(-100, &[1, 1, 1]), vec![-34, -33, -33]);
    assert_eq!(allocate(10, &[0, 0]), vec![0, 0]);
    assert_eq!(allocate(7, &[480, 240]), vec![5, 2]);
}

#[test]
fn amounts_of_a_closed_month_land_in_the_first_open_month_after() {
    let closed: BTreeSet<Month> = ["2026-07", "2026-08"].iter().map(|m| m.parse().unwrap()).collect();
    assert_eq!(place(&closed, date!(2026 - 07 - 20)).to_string(), "2026-09");
    assert_eq!(place(&closed, date!(2026 - 06 - 30)).to_string(), "2026-06");
}

#[test]
fn remaining_plan_counts_weekdays_after_the_day() {
    let plan = [PlanIn {
        project: Id::new(1),
        minutes_per_week: 2400,
        start: date!(2026 - 07 - 01),
        end: Some(date!(2026 - 07 - 10)),
    }];
    // After Friday 3 July: 6-10 July, five weekdays = one week.
    assert_eq!(remaining_minutes(&plan, date!(2026 - 07 - 03)), Some(2400));
    assert_eq!(remaining_minutes(&[], date!(2026 - 07 - 03)), None);
    assert_eq!(percent_cumulative(1_000_000, 600, 2400), 250_000);
    assert_eq!(percent_cumulative(1_000_000, 0, 0), 0);
}

#[test]
fn time_and_materials_earns_each_day_at_its_rate_and_reports_a_missing_rate() {
    let p = project(1, BillingType::TimeAndMaterials, Currency::USD);
    let mut no_rate = entry(3, 1, 7, date!(2026 - 07 - 15), 60);
    no_rate.function = Function::ProjectManager;
    let mut internal = entry(4, 1, 7, date!(2026 - 07 - 16), 60);
    internal.billable = false;
    let r = recognise(
        &books(),
        &inputs(
            vec![p],
            vec![
                entry(1, 1, 7, date!(2026 - 07 - 14), 450),
                entry(2, 1, 7, date!(2026 - 07 - 15), 450),
                no_rate,
                internal,
            ],
        ),
    );
    assert_eq!(total(&r, LineKind::Revenue), 150_000 + 165_000);
    // Cost: every approved hour, billable or not, at $90.
    assert_eq!(total(&r, LineKind::Cost), 67_500 * 2 + 9_000 * 2);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].problem, ProblemKind::NoBillRate);
    assert_eq!(r.problems[0].entry_id, Some(Id::new(3)));
    assert_eq!(r.problems[0].role, Some(Function::ProjectManager));
}

#[test]
fn work_at_risk_earns_nothing_until_signed_then_on_the_signature_day() {
    let mut p = project(1, BillingType::TimeAndMaterials, Currency::USD);
    p.signature = Signature::Unsigned;
    let e = vec![entry(1, 1, 7, date!(2026 - 07 - 14), 60)];
    let r = recognise(&books(), &inputs(vec![p.clone()], e.clone()));
    assert_eq!(total(&r, LineKind::Revenue), 0);
    assert_eq!(r.at_risk[0].amount, usd(20_000));
    p.signature = Signature::Signed(date!(2026 - 08 - 03));
    let r = recognise(&books(), &inputs(vec![p], e));
    let rev: Vec<_> = r.lines.iter().filter(|l| l.kind == LineKind::Revenue).collect();
    assert_eq!(rev[0].month.to_string(), "2026-08");
    assert_eq!(rev[0].amount, usd(20_000));
}

#[test]
fn a_eur_project_converts_each_source_at_its_day() {
    let p = project(1, BillingType::TimeAndMaterials, "EUR".parse().unwrap());
    let r = recognise(
        &books(),
        &inputs(vec![p], vec![entry(1, 1, 7, date!(2026 - 07 - 14), 50)]),
    );
    let rev = r.lines.iter().find(|l| l.kind == LineKind::Revenue).unwrap();
    // €180 × 50/60 = €150.00; × 1.0842 = $162.63.
    assert_eq!(rev.amount, eur(15_000));
    assert_eq!(rev.reporting, usd(16_263));
    let cost = r.lines.iter().find(|l| l.kind == LineKind::Cost).unwrap();
    // $90 × 50/60 = $75.00 → €69.18 (75 ÷ 1.0842), reported at $75.00 (69.18 × 1.0842 = 75.00).
    assert_eq!(cost.amount, eur(6_918));
    assert_eq!(cost.reporting, usd(7_500));
}

#[test]
fn percent_complete_earns_the_change_in_cumulative_each_month() {
    let mut p = project(1, BillingType::FixedFee, Currency::USD);
    p.method = RevenueMethod::PercentComplete;
    p.fee = Some(usd(1_000_000));
    p.budget_minutes = Some(Minutes(6_000));
    let r = recognise(
        &books(),
        &inputs(
            vec![p],
            vec![
                entry(1, 1, 7, date!(2026 - 07 - 14), 600),
                entry(2, 1, 7, date!(2026 - 07 - 15), 900),
                entry(3, 1, 7, date!(2026 - 08 - 03), 1_500),
            ],
        ),
    );
    let rev: Vec<_> = r.lines.iter().filter(|l| l.kind == LineKind::Revenue).collect();
    assert_eq!(rev.len(), 2);
    // July: 1,500 of 6,000 minutes = $2,500.00, split 600:900.
    assert_eq!(rev[0].amount, usd(250_000));
    assert_eq!(
        rev[0].sources.iter().map(|s| s.amount.amount_minor).collect::<Vec<_>>(),
        vec![100_000, 150_000]
    );
    // August: 3,000 of 6,000 = $5,000.00 cumulative, $2,500.00 in the month.
    assert_eq!(rev[1].amount, usd(250_000));
}

#[test]
fn frozen_sources_are_not_recognised_again() {
    let p = project(1, BillingType::TimeAndMaterials, Currency::USD);
    let mut i = inputs(vec![p], vec![entry(1, 1, 7, date!(2026 - 07 - 14), 60)]);
    i.frozen.insert((LineKind::Revenue, SourceKind::TimeEntry, 1));
    let r = recognise(&books(), &i);
    assert_eq!(total(&r, LineKind::Revenue), 0);
    assert_eq!(total(&r, LineKind::Cost), 9_000);
}
