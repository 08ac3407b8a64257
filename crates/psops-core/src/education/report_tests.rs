//! The education report's rules: calendar quarters cut to the range, the range's limit,
//! classes counted in the quarter of their last day, revenue by the month recognition
//! placed it in, and own-organisation survey answers left out of a trainer's CSAT.

use time::macros::date;

use super::*;
use crate::Id;

fn range(start: Date, end: Date) -> DateRange {
    DateRange { start, end }
}

fn class(id: i64, trainer: i64, start: Date, end: Date, addon: i32, filled: i64, attending: i64) -> DeliveredClass {
    DeliveredClass {
        class_id: Id::new(id),
        trainer_id: Id::new(trainer),
        start_date: start,
        end_date: end,
        addon_seats: addon,
        filled,
        attending,
        day_minutes: 480,
    }
}

fn rule(e: Error) -> (String, Rule) {
    match e {
        Error::Invalid(f) => (f[0].field.clone(), f[0].rule),
        other => panic!("not a field error: {other:?}"),
    }
}

#[test]
fn quarters_are_calendar_quarters_cut_to_the_range() {
    let q = quarters(range(date!(2026 - 02 - 15), date!(2026 - 07 - 01)));
    let shown: Vec<(String, Date, Date)> = q
        .iter()
        .map(|s| (quarter_label(s.quarter), s.range.start, s.range.end))
        .collect();
    assert_eq!(
        shown,
        [
            ("2026-Q1".into(), date!(2026 - 02 - 15), date!(2026 - 03 - 31)),
            ("2026-Q2".into(), date!(2026 - 04 - 01), date!(2026 - 06 - 30)),
            ("2026-Q3".into(), date!(2026 - 07 - 01), date!(2026 - 07 - 01)),
        ]
    );
    // The default: this quarter and the three before, up to today.
    assert_eq!(default_from(date!(2026 - 12 - 06)), date!(2026 - 01 - 01));
    assert_eq!(default_from(date!(2026 - 02 - 01)), date!(2025 - 04 - 01));
    let default = quarters(range(default_from(date!(2026 - 12 - 06)), date!(2026 - 12 - 06)));
    assert_eq!(default.len(), 4);
    assert_eq!(default[3].range.end, date!(2026 - 12 - 06));
}

#[test]
fn a_range_runs_forwards_over_at_most_eight_quarters() {
    assert_eq!(
        rule(check_range(date!(2026 - 03 - 01), date!(2026 - 02 - 28)).unwrap_err()),
        ("to".into(), Rule::AfterStart)
    );
    assert!(check_range(date!(2025 - 01 - 01), date!(2026 - 12 - 31)).is_ok());
    let e = check_range(date!(2024 - 12 - 31), date!(2026 - 12 - 31)).unwrap_err();
    let message = e.to_string();
    assert_eq!(rule(e), ("to".into(), Rule::Span));
    assert!(message.contains("at most 8"), "{message}");
    // A day past the end of eight quarters makes a ninth.
    assert!(check_range(date!(2025 - 01 - 01), date!(2027 - 01 - 01)).is_err());
}

fn inputs() -> Inputs {
    Inputs {
        range: range(date!(2026 - 01 - 01), date!(2026 - 06 - 30)),
        currency: Currency::USD,
        classes: vec![
            // Ends on the last day of Q1: Q1's, though its revenue lands in April.
            class(1, 7, date!(2026 - 03 - 30), date!(2026 - 03 - 31), 2, 3, 2),
            // Starts in Q1, ends in Q2: Q2's.
            class(2, 7, date!(2026 - 03 - 31), date!(2026 - 04 - 01), 0, 12, 12),
            class(3, 8, date!(2026 - 05 - 04), date!(2026 - 05 - 06), 0, 6, 5),
        ],
        revenue: vec![
            (Month::of(date!(2026 - 04 - 01)), 500_000),
            (Month::of(date!(2026 - 03 - 01)), 250_000),
        ],
        surveys: vec![
            // Trainer 7 is the company's: its employees' answers do not count.
            SurveyGroup {
                trainer_id: Id::new(7),
                respondent_account_id: None,
                respondent_partner_id: None,
                answered: 3,
                satisfied: 3,
            },
            SurveyGroup {
                trainer_id: Id::new(7),
                respondent_account_id: Some(Id::new(40)),
                respondent_partner_id: None,
                answered: 4,
                satisfied: 3,
            },
            // Trainer 8 works for partner 20: that partner's consultants do not count,
            // the company's employees do.
            SurveyGroup {
                trainer_id: Id::new(8),
                respondent_account_id: None,
                respondent_partner_id: Some(Id::new(20)),
                answered: 2,
                satisfied: 2,
            },
            SurveyGroup {
                trainer_id: Id::new(8),
                respondent_account_id: None,
                respondent_partner_id: None,
                answered: 2,
                satisfied: 1,
            },
        ],
        trainers: vec![
            TrainerFacts {
                trainer_id: Id::new(7),
                name: "Tess".into(),
                partner_id: None,
                partner: None,
                capacity_minutes: 50_880,
            },
            TrainerFacts {
                trainer_id: Id::new(8),
                name: "anna".into(),
                partner_id: Some(Id::new(20)),
                partner: Some("Acme Training".into()),
                capacity_minutes: 0,
            },
        ],
    }
}

#[test]
fn classes_count_in_the_quarter_of_their_last_day_and_revenue_where_recognised() {
    let r = build(inputs());
    let q1 = &r.quarters[0];
    assert_eq!(
        (q1.quarter.as_str(), q1.classes, q1.seats_offered, q1.seats_filled),
        ("2026-Q1", 1, 14, 3)
    );
    assert_eq!(
        (q1.fill_rate, q1.learners_attending, q1.revenue_minor),
        (Some(21), 2, 250_000)
    );
    let q2 = &r.quarters[1];
    assert_eq!(
        (q2.classes, q2.seats_offered, q2.seats_filled, q2.fill_rate),
        (2, 24, 18, Some(75))
    );
    assert_eq!((q2.learners_attending, q2.revenue_minor), (17, 500_000));
    assert_eq!(
        (
            r.total.classes,
            r.total.seats_offered,
            r.total.seats_filled,
            r.total.fill_rate
        ),
        (3, 38, 21, Some(55))
    );
    assert_eq!(r.total.revenue_minor, 750_000);
    assert_eq!(
        (r.total.start, r.total.end),
        (date!(2026 - 01 - 01), date!(2026 - 06 - 30))
    );
}

#[test]
fn a_trainers_csat_leaves_out_their_own_organisation_and_utilization_is_class_hours_over_capacity() {
    let r = build(inputs());
    // By name, any case.
    let names: Vec<&str> = r.trainers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["anna", "Tess"]);
    let tess = &r.trainers[1];
    assert_eq!((tess.classes, tess.class_days, tess.class_minutes), (2, 4, 1920));
    assert_eq!(tess.utilization, Some(4));
    assert_eq!(
        (
            tess.surveys_answered,
            tess.surveys_satisfied,
            tess.surveys_excluded,
            tess.csat
        ),
        (4, 3, 3, Some(75))
    );
    let anna = &r.trainers[0];
    assert_eq!(anna.partner.as_deref(), Some("Acme Training"));
    assert_eq!((anna.classes, anna.class_days), (1, 3));
    // No capacity: no utilization, rather than a division by zero.
    assert_eq!(anna.utilization, None);
    assert_eq!(
        (anna.surveys_answered, anna.surveys_excluded, anna.csat),
        (2, 2, Some(50))
    );
    assert_eq!(anna.sort_key(TrainerSort::Partner), (None, "Acme Training"));
    assert_eq!(tess.sort_key(TrainerSort::Csat), (Some(75), "Tess"));
}

#[test]
fn an_empty_range_has_its_quarters_and_no_rates() {
    let r = build(Inputs {
        classes: Vec::new(),
        revenue: Vec::new(),
        surveys: Vec::new(),
        ..inputs()
    });
    assert_eq!(r.quarters.len(), 2);
    assert!(r.quarters.iter().all(|q| q.classes == 0 && q.fill_rate.is_none()));
    assert!(r.trainers.is_empty());
}
