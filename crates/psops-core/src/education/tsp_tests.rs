use time::macros::date;

use super::*;
use crate::id::Id;

fn facts(trainers: i64, courses: i64, answers: i64, satisfied: i64, late: &[i64]) -> TspFacts {
    TspFacts {
        trainers,
        courses,
        answers,
        satisfied,
        delivered: 10,
        late: late.iter().map(|&id| Id::new(id)).collect(),
    }
}

fn judge(enrolled_on: Date, as_of: Date, f: TspFacts) -> Compliance {
    assess(
        &TspSettings::default(),
        &FiscalCalendar::default(),
        (Id::new(7), "Northwind Learning".into()),
        enrolled_on,
        as_of,
        f,
    )
}

#[test]
fn the_ramp_up_ends_six_months_after_the_enrolment_quarter() {
    let t = TspSettings::default();
    let fiscal = FiscalCalendar::default();
    assert_eq!(t.ramp_ends_on(&fiscal, date!(2026 - 02 - 10)), date!(2026 - 09 - 30));
    assert_eq!(t.ramp_ends_on(&fiscal, date!(2026 - 04 - 01)), date!(2026 - 12 - 31));
    assert_eq!(t.ramp_ends_on(&fiscal, date!(2026 - 12 - 31)), date!(2027 - 06 - 30));
    // A fiscal year from April moves the quarters: February is the last quarter's.
    let april = FiscalCalendar { start_month: 4 };
    assert_eq!(t.ramp_ends_on(&april, date!(2026 - 02 - 10)), date!(2026 - 09 - 30));
    assert_eq!(t.ramp_ends_on(&april, date!(2026 - 04 - 10)), date!(2026 - 12 - 31));
}

#[test]
fn every_term_met_is_compliant() {
    let c = judge(date!(2025 - 01 - 15), date!(2026 - 06 - 01), facts(2, 4, 10, 8, &[]));
    assert_eq!(c.status, TspStatus::Compliant);
    assert!(c.missing().is_empty());
    assert_eq!(c.checks[2].actual, Some(80), "80 % is the floor, met");
}

#[test]
fn short_of_trainers_and_courses_is_ramping_up_until_the_ramp_ends() {
    let early = judge(date!(2026 - 02 - 10), date!(2026 - 09 - 30), facts(1, 2, 0, 0, &[]));
    assert_eq!(early.status, TspStatus::RampingUp);
    assert_eq!(
        early.missing(),
        [
            "1 more certified trainer (has 1 of 2) by 2026-09-30",
            "2 more courses (has 2 of 4) by 2026-09-30"
        ]
    );
    let late = judge(date!(2026 - 02 - 10), date!(2026 - 10 - 01), facts(1, 4, 0, 0, &[]));
    assert_eq!(late.status, TspStatus::NotCompliant);
    assert_eq!(
        late.missing(),
        ["1 more certified trainer (has 1 of 2) (was due by 2026-09-30)"]
    );
}

#[test]
fn csat_below_the_floor_fails_even_in_the_ramp_up() {
    let c = judge(date!(2026 - 02 - 10), date!(2026 - 05 - 01), facts(2, 4, 10, 7, &[]));
    assert_eq!(c.status, TspStatus::NotCompliant);
    assert_eq!(
        c.missing(),
        ["training CSAT 70 % is below 80 % (7 of 10 answers scored 4 or 5)"]
    );
    let unanswered = judge(date!(2026 - 02 - 10), date!(2026 - 05 - 01), facts(2, 4, 0, 0, &[]));
    assert_eq!(unanswered.checks[2].actual, None);
    assert!(unanswered.checks[2].met, "no answer is no failure: late surveys are");
}

#[test]
fn late_rosters_or_surveys_fail_and_are_named() {
    let c = judge(
        date!(2025 - 01 - 15),
        date!(2026 - 06 - 01),
        facts(3, 5, 10, 9, &[11, 12, 13, 14, 15, 16]),
    );
    assert_eq!(c.status, TspStatus::NotCompliant);
    assert_eq!(
        c.missing(),
        ["6 classes without roster or surveys within 30 days of delivery: #11, #12, #13, #14, #15, …"]
    );
    let one = judge(date!(2025 - 01 - 15), date!(2026 - 06 - 01), facts(3, 5, 0, 0, &[4]));
    assert_eq!(
        one.missing(),
        ["1 class without roster or surveys within 30 days of delivery: #4"]
    );
}

#[test]
fn the_window_is_the_last_twelve_months() {
    let t = TspSettings::default();
    assert_eq!(t.window_start(date!(2026 - 06 - 15)), date!(2025 - 06 - 16));
}

#[test]
fn terms_out_of_range_are_refused_by_name() {
    let mut c = Checks::new();
    TspSettings {
        csat_floor_percent: 101,
        min_trainers: 0,
        ..Default::default()
    }
    .validate(&mut c);
    let text = c.into_result().unwrap_err().to_string();
    assert!(text.contains("training_partners.csat_floor_percent"), "{text}");
    assert!(text.contains("training_partners.min_trainers"), "{text}");
}

#[test]
fn paperwork_is_late_past_its_days() {
    let ended = date!(2026 - 03 - 06);
    let due = date!(2026 - 04 - 05);
    assert!(
        !late(ended, Some(due), Some(due), date!(2026 - 06 - 01), 30),
        "on the last day"
    );
    assert!(late(
        ended,
        Some(due + time::Duration::days(1)),
        None,
        date!(2026 - 06 - 01),
        30
    ));
    assert!(late(
        ended,
        Some(due),
        Some(due + time::Duration::days(1)),
        date!(2026 - 06 - 01),
        30
    ));
    assert!(!late(ended, None, None, due, 30), "not in yet, not due yet");
    assert!(
        late(ended, None, None, due + time::Duration::days(1), 30),
        "not in, past due"
    );
    assert!(
        !late(ended, Some(ended), None, date!(2026 - 06 - 01), 30),
        "no learner to survey"
    );
}
