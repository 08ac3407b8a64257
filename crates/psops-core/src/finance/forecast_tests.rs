use time::OffsetDateTime;
use time::macros::date;

use super::*;
use crate::Id;
use crate::meta::Meta;
use crate::rates::cards::RoleRateFields;
use crate::rates::{RateKind, RoleRate};

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

/// Engineers bill 200.00 an hour to 14 July 2026, 220.00 from the 15th.
fn books() -> Books {
    let card = |rate, from, to| RoleRate {
        id: Id::new(1),
        fields: RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: usd(rate),
            effective_from: from,
            effective_to: to,
        },
        meta: meta(),
    };
    let cards = [
        card(20_000, date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
        card(22_000, date!(2026 - 07 - 15), None),
    ];
    Books::new(Currency::USD, &cards, &[], &[], &[], &[])
}

fn project(id: i64, billing_type: BillingType, status: ProjectStatus, remaining_fee: Option<i64>) -> PlanProject {
    PlanProject {
        terms: Terms {
            id: Id::new(id),
            currency: Currency::USD,
            region: Some("amer".into()),
            billing_type,
        },
        name: format!("P{id}"),
        status,
        end_date: None,
        remaining_fee: remaining_fee.map(usd),
        offering: None,
        class: Class::Standard,
        own_rates: false,
    }
}

fn booked(project: i64, booking: Booking, start: Date, end: Date, spread: Spread) -> Booked {
    Booked {
        project: Id::new(project),
        booking,
        role: Function::Engineer,
        start,
        end: Some(end),
        spread,
    }
}

fn line(f: &Forecast, project: i64, month: &str) -> ForecastLine {
    let m = Month::parse(month, "month").unwrap();
    f.lines
        .iter()
        .find(|l| l.project_id.get() == project && l.month == m)
        .cloned()
        .unwrap_or_else(|| panic!("no line for P{project} {month}"))
}

fn run(projects: Vec<PlanProject>, bookings: &[Booked], due: &[Due]) -> Forecast {
    let plan = Plan {
        projects: projects.into_iter().map(|p| (p.terms.id, p)).collect(),
        bookings: bookings.to_vec(),
        due: due.to_vec(),
    };
    let from = Month::parse("2026-07", "month").unwrap();
    forecast(&books(), &FinanceSettings::default(), from, 2, &plan, true).unwrap()
}

#[test]
fn a_hard_assignment_across_a_rate_change_counts_at_the_hard_weight() {
    let f = run(
        vec![project(1, BillingType::TimeAndMaterials, ProjectStatus::Active, None)],
        &[booked(
            1,
            Booking::Hard,
            date!(2026 - 07 - 01),
            date!(2026 - 07 - 31),
            Spread::PerWeek(2_400),
        )],
        &[],
    );
    let l = line(&f, 1, "2026-07");
    // 23 weekdays of 8 hours: 10 at 200.00 and 13 at 220.00 = 38,880.00 unweighted.
    assert_eq!((l.minutes + l.upside_minutes, l.minutes), (11_040, 10_212));
    assert_eq!((l.amount_minor, l.upside_minor), (3_596_400, 3_888_000 - 3_596_400));
    assert_eq!((l.reporting_minor, l.billable_minutes), (3_596_400, 10_212));
    assert_eq!(f.by_month.len(), 2);
    assert_eq!(f.by_month[1].totals, ForecastTotals::default());
}

#[test]
fn a_soft_request_spreads_its_hours_over_the_weekdays_of_its_dates() {
    let f = run(
        vec![project(1, BillingType::TimeAndMaterials, ProjectStatus::Active, None)],
        &[booked(
            1,
            Booking::Soft,
            date!(2026 - 07 - 01),
            date!(2026 - 08 - 31),
            Spread::Total(6_000),
        )],
        &[],
    );
    // 100 hours over 44 weekdays: 23 in July, 21 in August, each month rounded once.
    let jul = line(&f, 1, "2026-07");
    assert_eq!((jul.minutes, jul.minutes + jul.upside_minutes), (1_255, 3_136));
    assert_eq!(
        (jul.amount_minor, jul.amount_minor + jul.upside_minor),
        (441_818, 1_104_545)
    );
    let aug = line(&f, 1, "2026-08");
    assert_eq!(
        (aug.minutes, aug.amount_minor, aug.upside_minor),
        (1_145, 420_000, 630_000)
    );
    assert_eq!(f.total.revenue_minor, 861_818);
}

#[test]
fn milestones_fixed_fee_by_percent_complete_and_non_billable_hours() {
    let f = run(
        vec![
            project(2, BillingType::FixedFee, ProjectStatus::Active, None),
            project(3, BillingType::FixedFee, ProjectStatus::Active, Some(1_000_000)),
            project(4, BillingType::NonBillable, ProjectStatus::Active, None),
            project(5, BillingType::TimeAndMaterials, ProjectStatus::Prospect, None),
        ],
        &[
            booked(
                2,
                Booking::Hard,
                date!(2026 - 07 - 01),
                date!(2026 - 08 - 31),
                Spread::PerWeek(1_200),
            ),
            booked(
                3,
                Booking::Hard,
                date!(2026 - 07 - 01),
                date!(2026 - 08 - 31),
                Spread::PerWeek(1_200),
            ),
            booked(
                4,
                Booking::Hard,
                date!(2026 - 07 - 01),
                date!(2026 - 07 - 31),
                Spread::PerWeek(1_200),
            ),
            booked(
                5,
                Booking::Soft,
                date!(2026 - 07 - 01),
                date!(2026 - 07 - 31),
                Spread::PerWeek(2_400),
            ),
        ],
        &[Due {
            project: Id::new(2),
            due: date!(2026 - 07 - 20),
            amount: usd(5_000_000),
        }],
    );
    let m = line(&f, 2, "2026-07");
    assert_eq!((m.amount_minor, m.upside_minor), (4_625_000, 375_000));
    // Hours on a milestone project earn nothing by themselves.
    assert_eq!(line(&f, 2, "2026-08").amount_minor, 0);
    // 10,560 remaining minutes: July has 5,520 of them, August 5,040.
    let (jul, aug) = (line(&f, 3, "2026-07"), line(&f, 3, "2026-08"));
    assert_eq!(
        (jul.amount_minor, jul.amount_minor + jul.upside_minor),
        (483_523, 522_727)
    );
    assert_eq!(
        (aug.amount_minor, aug.amount_minor + aug.upside_minor),
        (441_477, 477_273)
    );
    let n = line(&f, 4, "2026-07");
    assert_eq!((n.minutes, n.billable_minutes, n.amount_minor), (5_106, 0, 0));
    let prospect = line(&f, 5, "2026-07");
    assert_eq!((prospect.minutes, prospect.amount_minor), (4_416, 1_555_200));
    let fixed = f.by_billing_type.iter().find(|g| g.group == "fixed_fee").unwrap();
    assert_eq!(fixed.totals.revenue_minor, 4_625_000 + 483_523 + 441_477);
}

#[test]
fn unpriced_days_and_spans_are_reported_not_guessed() {
    let mut p = project(1, BillingType::TimeAndMaterials, ProjectStatus::Active, None);
    p.terms.region = Some("apac".into());
    let f = run(
        vec![p],
        &[booked(
            1,
            Booking::Hard,
            date!(2026 - 07 - 01),
            date!(2026 - 07 - 03),
            Spread::PerWeek(2_400),
        )],
        &[],
    );
    let l = line(&f, 1, "2026-07");
    assert_eq!((l.amount_minor, l.unpriced_minutes, l.minutes), (0, 1_440, 1_332));
    assert!(check_months(0).is_err() && check_months(25).is_err() && check_months(24).is_ok());
    assert_eq!(Class::of_types(["Consulting Block"]), Class::Block);
    assert_eq!(Class::of_types(["Professional Services"]), Class::Standard);
}
