use std::collections::HashSet;

use time::macros::date;

use super::*;
use crate::partner_invoices::{PartnerInvoiceFields, PartnerInvoiceLine};
use crate::{Currency, Id};

const USD: Currency = Currency::USD;

fn usd(minor: i64) -> Money {
    Money::new(minor, USD)
}

fn line(person: i64, project: i64, minutes: i64, rate: i64, total: i64) -> PartnerInvoiceLine {
    PartnerInvoiceLine {
        po: "WA-1".into(),
        from_date: date!(2026 - 03 - 01),
        to_date: date!(2026 - 03 - 31),
        person_id: Id::new(person),
        project_id: Id::new(project),
        minutes: Minutes(minutes),
        rate: usd(rate),
        total: usd(total),
    }
}

fn invoice(lines: Vec<PartnerInvoiceLine>) -> PartnerInvoiceFields {
    PartnerInvoiceFields {
        partner_id: Id::new(1),
        number: "INV-7".into(),
        month: Month::parse("2026-03", "month").unwrap(),
        received_on: date!(2026 - 04 - 03),
        currency: USD,
        lines,
        notes: None,
    }
}

fn work(person: i64, project: i64, d: Date, minutes: i64, rate: Option<i64>) -> ApprovedWork {
    ApprovedWork {
        person_id: Id::new(person),
        project_id: Id::new(project),
        date: d,
        minutes: Minutes(minutes),
        rate: rate.map(usd),
    }
}

fn facts() -> PartnerFacts {
    PartnerFacts {
        people: [Id::new(10), Id::new(11)].into_iter().collect(),
        projects: [Id::new(20)].into_iter().collect(),
    }
}

#[test]
fn each_outcome_to_the_cent() {
    // Three 20-minute entries at $100.01/h: 1 h × $100.01 = $100.01, rounded once as the
    // line is (the ledger, rounding each entry, says $33.34 × 3 = $100.02).
    let w = vec![
        work(10, 20, date!(2026 - 03 - 02), 20, Some(10_001)),
        work(10, 20, date!(2026 - 03 - 03), 20, Some(10_001)),
        work(10, 20, date!(2026 - 03 - 04), 20, Some(10_001)),
        work(11, 20, date!(2026 - 03 - 05), 480, Some(9_000)),
    ];
    let inv = invoice(vec![
        line(10, 20, 60, 10_001, 10_001),
        line(11, 20, 540, 9_000, 81_000),
        line(12, 20, 60, 9_000, 9_000),
        line(10, 21, 60, 9_000, 9_000),
    ]);
    let r = reconcile(Id::new(1), &inv, &facts(), &w).unwrap();
    assert_eq!(r.lines[0].outcome, Outcome::Matched);
    assert_eq!(r.lines[0].expected_total, usd(10_001));
    assert_eq!(r.lines[0].authorised_rate, Some(usd(10_001)));
    assert_eq!(r.lines[1].outcome, Outcome::Over);
    assert_eq!(r.lines[1].expected_minutes, Minutes(480));
    assert_eq!(r.lines[1].difference, usd(9_000));
    assert_eq!(r.lines[2].outcome, Outcome::Unknown);
    assert!(
        r.lines[2]
            .why
            .as_deref()
            .unwrap()
            .contains("not one of the partner's people")
    );
    assert_eq!(r.lines[2].difference, usd(9_000));
    assert_eq!(r.lines[3].outcome, Outcome::Unknown);
    assert!(r.lines[3].why.as_deref().unwrap().contains("no work authorization"));
    assert!(!r.matched);
    assert_eq!(r.variance, usd(27_000));
    assert_eq!(r.billed, usd(10_001 + 81_000 + 9_000 + 9_000));
    assert_eq!(r.expected, usd(10_001 + 72_000));
}

#[test]
fn under_billing_and_time_no_line_bills() {
    let w = vec![
        work(10, 20, date!(2026 - 03 - 02), 480, Some(9_000)),
        work(11, 20, date!(2026 - 03 - 09), 90, Some(9_000)),
        // another month's time is never expected nor unbilled here
        work(11, 20, date!(2026 - 04 - 01), 60, Some(9_000)),
    ];
    let r = reconcile(
        Id::new(1),
        &invoice(vec![line(10, 20, 420, 9_000, 63_000)]),
        &facts(),
        &w,
    )
    .unwrap();
    assert_eq!(r.lines[0].outcome, Outcome::Under);
    assert_eq!(r.lines[0].difference, usd(-9_000));
    assert_eq!(r.unbilled.len(), 1);
    assert_eq!(r.unbilled[0].person_id, Id::new(11));
    assert_eq!(r.unbilled[0].minutes, Minutes(90));
    assert_eq!(r.unbilled[0].amount, usd(13_500));
}

#[test]
fn hours_count_once_and_only_inside_the_line_dates() {
    let w = vec![
        work(10, 20, date!(2026 - 03 - 02), 60, Some(9_000)),
        work(10, 20, date!(2026 - 03 - 20), 60, Some(9_000)),
        // not priced by any authorization: not expected
        work(10, 20, date!(2026 - 03 - 21), 60, None),
    ];
    let mut first = line(10, 20, 60, 9_000, 9_000);
    first.to_date = date!(2026 - 03 - 15);
    let second = line(10, 20, 60, 9_000, 9_000);
    let third = line(10, 20, 60, 9_000, 9_000);
    let r = reconcile(Id::new(1), &invoice(vec![first, second, third]), &facts(), &w).unwrap();
    let outcomes: Vec<Outcome> = r.lines.iter().map(|l| l.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Matched, Outcome::Matched, Outcome::Unknown]);
    assert!(r.lines[2].why.as_deref().unwrap().contains("no approved time"));
    assert!(r.unbilled.is_empty());
}

#[test]
fn approval_needs_a_reason_only_when_something_does_not_match() {
    let w = vec![work(10, 20, date!(2026 - 03 - 02), 60, Some(9_000))];
    let ok = reconcile(Id::new(1), &invoice(vec![line(10, 20, 60, 9_000, 9_000)]), &facts(), &w).unwrap();
    assert_eq!(check_approval(&ok, None).unwrap(), (None, None));
    let over = reconcile(
        Id::new(1),
        &invoice(vec![line(10, 20, 90, 9_000, 13_500)]),
        &facts(),
        &w,
    )
    .unwrap();
    let err = check_approval(&over, Some("  ")).unwrap_err();
    let Error::Conflict(f) = &err else { panic!("{err:?}") };
    assert_eq!(f.rule, Rule::VarianceReason);
    assert!(
        f.message.contains("line 1 (over)") && f.message.contains("+$45.00"),
        "{}",
        f.message
    );
    assert_eq!(
        check_approval(&over, Some(" agreed extra half hour ")).unwrap(),
        (Some(usd(4_500)), Some("agreed extra half hour".into()))
    );
}

#[test]
fn late_months_are_those_due_before_the_day_without_an_invoice() {
    let m = |s: &str| Month::parse(s, "month").unwrap();
    assert_eq!(due_on(m("2026-12")), date!(2027 - 01 - 15));
    let windows = [(date!(2026 - 01 - 10), date!(2026 - 04 - 30))];
    let received: HashSet<Month> = [m("2026-01")].into_iter().collect();
    // On 16 April: January received, February and March due (15 Mar, 15 Apr) and missing.
    let late = late_months(&windows, &received, m("2025-01"), date!(2026 - 04 - 16));
    assert_eq!(late, vec![m("2026-02"), m("2026-03")]);
    // On the 15th itself March is not late yet.
    let late = late_months(&windows, &received, m("2025-01"), date!(2026 - 04 - 15));
    assert_eq!(late, vec![m("2026-02")]);
    assert!(late_months(&windows, &received, m("2026-03"), date!(2026 - 04 - 15)).is_empty());
}

#[test]
fn invoices_refuse_lines_outside_the_month_or_whose_total_is_wrong() {
    let mut bad = line(10, 20, 90, 10_001, 15_001);
    bad.from_date = date!(2026 - 02 - 28);
    let err = invoice(vec![bad]).validate().unwrap_err();
    let Error::Invalid(v) = err else { panic!() };
    let rules: Vec<(&str, Rule)> = v.iter().map(|f| (f.field.as_str(), f.rule)).collect();
    assert!(rules.contains(&("lines[0].from_date", Rule::WithinMonth)), "{rules:?}");
    // 90 min × $100.01 = $150.015 → $150.02
    assert!(rules.contains(&("lines[0].total", Rule::LineTotal)), "{rules:?}");
    assert!(invoice(vec![line(10, 20, 90, 10_001, 15_002)]).validate().is_ok());
    assert!(invoice(vec![]).validate().is_err());
}
