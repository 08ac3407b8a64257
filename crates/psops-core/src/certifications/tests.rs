use time::macros::date;

use super::attempts::{Grader, History, check_lab, next_attempt, written};
use super::certificates::{new_number, normalise, number_from, revoke};
use super::*;
use crate::Error;
use crate::people::Function;

fn def() -> CertificationFields {
    CertificationFields {
        code: "ci-cd".into(),
        name: "CI/CD Specialist".into(),
        course_id: None,
        written_pass_mark: 70,
        lab_pass_mark: 80,
        max_attempts: None,
        retake_wait_days: None,
        validity_months: 24,
        description: None,
    }
}

fn terms() -> Terms {
    def().terms(&CertificationSettings::default())
}

fn rule(e: Error) -> Rule {
    match e {
        Error::Invalid(v) => v[0].rule,
        Error::Conflict(f) => f.rule,
        other => panic!("not a rule: {other:?}"),
    }
}

fn attempt(day: time::Date, score: i64) -> AttemptFields {
    let input = WrittenInput {
        learner_id: Id::new(1),
        taken_on: day,
        score,
    };
    written(Id::new(1), &input, 1, 70)
}

fn lab(day: time::Date, score: i64, passed: bool) -> LabInput {
    LabInput {
        grader_id: Id::new(9),
        taken_on: day,
        rubric_score: score,
        passed,
        comments: (!passed).then(|| "missed the pipeline cache".into()),
    }
}

const ENGINEER: Grader = Grader {
    function: Function::Engineer,
    internal: true,
    is_learner: false,
};

#[test]
fn the_settings_fill_what_a_certification_leaves_open() {
    let s = CertificationSettings {
        max_attempts: 5,
        retake_wait_days: 7,
    };
    assert_eq!(def().terms(&s).max_attempts, 5);
    let own = CertificationFields {
        max_attempts: Some(2),
        retake_wait_days: Some(30),
        ..def()
    };
    assert_eq!(
        own.terms(&s),
        Terms {
            max_attempts: 2,
            retake_wait_days: 30
        }
    );
}

#[test]
fn a_certification_needs_pass_marks_out_of_100_and_a_validity() {
    let bad = CertificationFields {
        written_pass_mark: 0,
        lab_pass_mark: 101,
        validity_months: 0,
        max_attempts: Some(0),
        ..def()
    };
    let Err(Error::Invalid(errors)) = bad.validate() else {
        panic!("accepted")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["written_pass_mark", "lab_pass_mark", "max_attempts", "validity_months"]
    );
    assert!(def().validate().is_ok());
}

#[test]
fn the_written_assessment_passes_at_its_pass_mark() {
    assert_eq!(attempt(date!(2026 - 03 - 02), 70).status, AttemptStatus::AwaitingLab);
    assert_eq!(attempt(date!(2026 - 03 - 02), 69).status, AttemptStatus::WrittenFailed);
}

#[test]
fn the_first_attempt_is_number_one() {
    assert_eq!(
        next_attempt(terms(), &History::default(), date!(2026 - 03 - 02)).unwrap(),
        1
    );
}

#[test]
fn a_retake_waits_the_days_after_the_failed_assessment() {
    let history = History {
        attempts: vec![attempt(date!(2026 - 03 - 02), 50)],
        holds_until: None,
    };
    let early = next_attempt(terms(), &history, date!(2026 - 03 - 15)).unwrap_err();
    assert_eq!(rule(early.clone()), Rule::RetakeWait);
    assert!(early.to_string().contains("2026-03-16"), "{early}");
    assert_eq!(next_attempt(terms(), &history, date!(2026 - 03 - 16)).unwrap(), 2);
}

#[test]
fn a_failed_lab_starts_the_wait_from_the_lab() {
    let first = attempt(date!(2026 - 03 - 02), 90);
    let failed = check_lab(&first, &lab(date!(2026 - 03 - 10), 60, false), ENGINEER, 80).unwrap();
    assert_eq!(failed.status, AttemptStatus::LabFailed);
    let history = History {
        attempts: vec![failed],
        holds_until: None,
    };
    assert_eq!(
        rule(next_attempt(terms(), &history, date!(2026 - 03 - 17)).unwrap_err()),
        Rule::RetakeWait
    );
    assert_eq!(next_attempt(terms(), &history, date!(2026 - 03 - 24)).unwrap(), 2);
}

#[test]
fn attempts_stop_at_the_maximum() {
    let history = History {
        attempts: (0..3)
            .map(|i| attempt(date!(2026 - 01 - 05) + time::Duration::days(30 * i), 10))
            .collect(),
        holds_until: None,
    };
    let e = next_attempt(terms(), &history, date!(2026 - 12 - 01)).unwrap_err();
    assert_eq!(rule(e.clone()), Rule::MaxAttempts);
    assert!(e.to_string().contains("all 3 attempts"), "{e}");
}

#[test]
fn a_pass_starts_the_count_again_once_its_certificate_has_expired() {
    let first = attempt(date!(2024 - 01 - 05), 90);
    let passed = check_lab(&first, &lab(date!(2024 - 01 - 06), 85, true), ENGINEER, 80).unwrap();
    let mut attempts = vec![
        attempt(date!(2023 - 11 - 01), 10),
        attempt(date!(2023 - 12 - 01), 10),
        passed,
    ];
    let held = History {
        attempts: attempts.clone(),
        holds_until: Some(date!(2026 - 01 - 06)),
    };
    assert_eq!(
        rule(next_attempt(terms(), &held, date!(2025 - 06 - 01)).unwrap_err()),
        Rule::AlreadyCertified
    );
    attempts.push(attempt(date!(2026 - 02 - 01), 10));
    let lapsed = History {
        attempts,
        holds_until: None,
    };
    assert_eq!(next_attempt(terms(), &lapsed, date!(2026 - 02 - 20)).unwrap(), 2);
}

#[test]
fn no_new_attempt_while_one_awaits_its_lab() {
    let history = History {
        attempts: vec![attempt(date!(2026 - 03 - 02), 90)],
        holds_until: None,
    };
    assert_eq!(
        rule(next_attempt(terms(), &history, date!(2026 - 05 - 02)).unwrap_err()),
        Rule::AttemptOpen
    );
}

#[test]
fn a_lab_follows_only_a_passed_written_assessment() {
    let failed = attempt(date!(2026 - 03 - 02), 40);
    let e = check_lab(&failed, &lab(date!(2026 - 03 - 03), 90, true), ENGINEER, 80).unwrap_err();
    assert_eq!(rule(e), Rule::WrittenFirst);
    let passed = attempt(date!(2026 - 03 - 02), 75);
    let graded = check_lab(&passed, &lab(date!(2026 - 03 - 03), 90, true), ENGINEER, 80).unwrap();
    assert_eq!(graded.status, AttemptStatus::Passed);
    assert!(graded.validate().is_ok());
    let again = check_lab(&graded, &lab(date!(2026 - 03 - 04), 90, true), ENGINEER, 80).unwrap_err();
    assert_eq!(rule(again), Rule::InvalidTransition);
}

#[test]
fn a_lab_pass_needs_the_pass_mark_and_a_fail_says_why() {
    let a = attempt(date!(2026 - 03 - 02), 75);
    let below = check_lab(&a, &lab(date!(2026 - 03 - 03), 79, true), ENGINEER, 80).unwrap_err();
    assert_eq!(rule(below), Rule::BelowPassMark);
    let silent = LabInput {
        comments: None,
        ..lab(date!(2026 - 03 - 03), 50, false)
    };
    assert_eq!(rule(check_lab(&a, &silent, ENGINEER, 80).unwrap_err()), Rule::Required);
    // A grader may fail a lab above the mark (a critical rubric item missed).
    let failed = check_lab(&a, &lab(date!(2026 - 03 - 03), 85, false), ENGINEER, 80).unwrap();
    assert_eq!(failed.status, AttemptStatus::LabFailed);
}

#[test]
fn a_lab_is_graded_by_one_of_the_companys_ps_engineers() {
    let a = attempt(date!(2026 - 03 - 02), 75);
    let input = lab(date!(2026 - 03 - 03), 90, true);
    for grader in [
        Grader {
            function: Function::ProjectManager,
            ..ENGINEER
        },
        Grader {
            internal: false,
            ..ENGINEER
        },
        Grader {
            is_learner: true,
            ..ENGINEER
        },
    ] {
        assert_eq!(rule(check_lab(&a, &input, grader, 80).unwrap_err()), Rule::LabGrader);
    }
    let architect = Grader {
        function: Function::TechnicalArchitect,
        ..ENGINEER
    };
    assert!(check_lab(&a, &input, architect, 80).is_ok());
}

#[test]
fn expiry_is_the_validity_in_months_clamped_to_the_month_end() {
    assert_eq!(def().expiry(date!(2026 - 03 - 15)), date!(2028 - 03 - 15));
    assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
    assert_eq!(add_months(date!(2027 - 11 - 30), 3), date!(2028 - 02 - 29));
}

#[test]
fn a_certificate_is_active_then_expired_and_revoked_for_good() {
    let a = attempt(date!(2026 - 03 - 02), 75);
    let passed = check_lab(&a, &lab(date!(2026 - 03 - 03), 90, true), ENGINEER, 80).unwrap();
    let cert = certificates::issue(number_from(&[7; 12]), Id::new(1), &passed, date!(2028 - 03 - 03)).unwrap();
    assert!(cert.validate().is_ok());
    assert_eq!(cert.status_on(date!(2028 - 03 - 03)), CertificateStatus::Active);
    assert_eq!(cert.status_on(date!(2028 - 03 - 04)), CertificateStatus::Expired);
    let revoked = revoke(&cert, "exam misconduct", date!(2026 - 06 - 01)).unwrap();
    assert_eq!(revoked.status_on(date!(2026 - 06 - 01)), CertificateStatus::Revoked);
    assert_eq!(
        rule(revoke(&revoked, "again", date!(2026 - 07 - 01)).unwrap_err()),
        Rule::AlreadyRevoked
    );
    assert_eq!(
        rule(revoke(&cert, "  ", date!(2026 - 06 - 01)).unwrap_err()),
        Rule::Required
    );
}

#[test]
fn certificate_numbers_are_random_and_read_back_however_typed() {
    let a = new_number().unwrap();
    let b = new_number().unwrap();
    assert_ne!(a, b);
    assert_eq!(normalise(&a).as_deref(), Some(a.as_str()));
    assert_eq!(a.len(), "PSC-XXXX-XXXX-XXXX".len());
    assert_eq!(normalise(" psc 0o1l-abcd-efgh ").as_deref(), Some("PSC-0011-ABCD-EFGH"));
    for bad in [
        "",
        "PSC-1234",
        "PSC-1234-5678-9ABU",
        "XYZ-1234-5678-9ABC",
        "1 OR 1=1",
        "PSC-1234-5678-9ABCD",
    ] {
        assert_eq!(normalise(bad), None, "{bad}");
    }
}

#[test]
fn rates_are_whole_percent_of_what_was_decided() {
    assert_eq!(reports::percent(2, 3), Some(67));
    assert_eq!(reports::percent(1, 8), Some(13));
    assert_eq!(reports::percent(0, 0), None);
}
