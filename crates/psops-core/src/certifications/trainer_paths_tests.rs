use time::macros::date;

use super::*;

fn survey(score: i64, account: Option<i64>, partner: Option<i64>) -> RecordedScore {
    RecordedScore {
        score,
        source: ScoreSource::Survey,
        respondent_account_id: account.map(Id::new),
        respondent_partner_id: partner.map(Id::new),
    }
}

fn observer(score: i64) -> RecordedScore {
    RecordedScore {
        score,
        source: ScoreSource::Observer,
        respondent_account_id: None,
        respondent_partner_id: None,
    }
}

fn delivery(kind: DeliveryKind, on: Date, scores: Vec<RecordedScore>) -> Delivery {
    Delivery {
        kind,
        delivered_on: on,
        evidence: None,
        scores,
    }
}

fn staff() -> CandidacyFields {
    CandidacyFields {
        person_id: Id::new(1),
        course_id: Id::new(2),
        path: TrainerPath::Staff,
        started_on: date!(2026 - 01 - 10),
        resources_reviewed_on: Some(date!(2026 - 01 - 20)),
        shadowed_trainer_id: Some(Id::new(3)),
        shadowed_on: Some(date!(2026 - 02 - 02)),
        ttt_session_on: Some(date!(2026 - 02 - 10)),
        dry_run_on: Some(date!(2026 - 03 - 01)),
        dry_run_minutes: Some(60),
        training_experience_months: None,
        educator_certificate: None,
        vendor_trainer_credential: None,
        deliveries: vec![
            delivery(
                DeliveryKind::ObservedSubset,
                date!(2026 - 03 - 10),
                vec![observer(4), observer(5)],
            ),
            delivery(
                DeliveryKind::Full,
                date!(2026 - 04 - 10),
                vec![survey(4, Some(7), None), survey(5, Some(7), None)],
            ),
        ],
        notes: None,
    }
}

fn facts() -> PathFacts {
    PathFacts {
        own_partner: None,
        shadowed_trainer_certified: true,
        course_had_trainer: true,
        course_certification: Some("CI/CD Specialist".into()),
        certificate: Some(("PSC-0000-0000-0001".into(), date!(2028 - 01 - 01))),
        fiscal: FiscalCalendar { start_month: 1 },
    }
}

fn missing(list: &Checklist) -> Vec<Item> {
    list.steps.iter().filter(|s| !s.done).map(|s| s.item).collect()
}

#[test]
fn a_complete_staff_path_certifies() {
    let list = checklist(&staff(), &facts());
    assert!(list.complete, "{}", list.missing());
    assert_eq!(list.steps.len(), 8);
    assert!(check_complete(Some(&list)).is_ok());
    assert!(staff().validate().is_ok());
}

#[test]
fn each_staff_step_is_named_when_missing() {
    let f = CandidacyFields {
        resources_reviewed_on: None,
        ttt_session_on: None,
        dry_run_minutes: Some(45),
        deliveries: Vec::new(),
        ..staff()
    };
    let not_certified = PathFacts {
        shadowed_trainer_certified: false,
        certificate: None,
        ..facts()
    };
    let list = checklist(&f, &not_certified);
    assert_eq!(
        missing(&list),
        [
            Item::ResourcesReviewed,
            Item::Shadowing,
            Item::TrainTheTrainer,
            Item::Certification,
            Item::DryRun,
            Item::ObservedDelivery,
            Item::FullDelivery
        ]
    );
    let Err(Error::Conflict(e)) = check_complete(Some(&list)) else {
        panic!("certified")
    };
    assert_eq!(e.rule, Rule::TrainerPath);
    assert!(e.message.contains("45 minutes, under 60"), "{}", e.message);
    assert!(
        e.message.contains("no certificate of CI/CD Specialist"),
        "{}",
        e.message
    );
    let none = check_complete(None).unwrap_err().to_string();
    assert!(none.contains("no certification path"), "{none}");
}

#[test]
fn a_courses_first_trainer_has_nobody_to_shadow() {
    let f = CandidacyFields {
        shadowed_trainer_id: None,
        shadowed_on: None,
        ..staff()
    };
    assert_eq!(missing(&checklist(&f, &facts())), [Item::Shadowing]);
    let first = PathFacts {
        course_had_trainer: false,
        shadowed_trainer_certified: false,
        ..facts()
    };
    assert!(checklist(&f, &first).complete);
}

#[test]
fn an_average_below_four_does_not_pass() {
    let mut f = staff();
    f.deliveries[0].scores = vec![observer(4), observer(3)];
    let list = checklist(&f, &facts());
    assert_eq!(missing(&list), [Item::ObservedDelivery]);
    assert!(list.missing().contains("3.5 over 2 scores"), "{}", list.missing());
}

#[test]
fn surveys_from_the_trainers_own_organisation_do_not_count() {
    // A company trainer: surveys from the company's own people (no account, no partner)
    // would lift a failing delivery; they are left out.
    let mut f = staff();
    f.deliveries[1].scores = vec![
        survey(3, Some(7), None),
        survey(3, Some(7), None),
        survey(5, None, None),
        survey(5, None, None),
        survey(5, None, None),
    ];
    assert_eq!(tally(&f.deliveries[1], None, false), Tally { sum: 6, count: 2 });
    assert_eq!(missing(&checklist(&f, &facts())), [Item::FullDelivery]);
    // A partner's trainer: their partner's surveys are left out, the company's count.
    let partner = PathFacts {
        own_partner: Some(Id::new(9)),
        ..facts()
    };
    f.deliveries[1].scores = vec![
        survey(2, None, Some(9)),
        survey(4, None, None),
        survey(5, Some(7), None),
    ];
    assert_eq!(
        tally(&f.deliveries[1], Some(Id::new(9)), false),
        Tally { sum: 9, count: 2 }
    );
    assert!(checklist(&f, &partner).complete);
}

#[test]
fn a_full_delivery_counts_surveys_not_observers() {
    let mut f = staff();
    f.deliveries[1].scores = vec![observer(5), survey(3, Some(7), None)];
    assert_eq!(missing(&checklist(&f, &facts())), [Item::FullDelivery]);
}

fn channel() -> CandidacyFields {
    CandidacyFields {
        path: TrainerPath::ChannelPartner,
        started_on: date!(2026 - 02 - 15),
        resources_reviewed_on: None,
        shadowed_trainer_id: None,
        shadowed_on: None,
        ttt_session_on: None,
        dry_run_on: None,
        dry_run_minutes: None,
        training_experience_months: Some(14),
        deliveries: vec![
            delivery(
                DeliveryKind::Full,
                date!(2026 - 04 - 01),
                vec![survey(4, Some(7), None)],
            ),
            delivery(
                DeliveryKind::Full,
                date!(2026 - 09 - 30),
                vec![survey(5, Some(8), None)],
            ),
        ],
        ..staff()
    }
}

#[test]
fn a_channel_partner_path_needs_two_full_deliveries_within_two_full_quarters() {
    let partner = PathFacts {
        own_partner: Some(Id::new(9)),
        ..facts()
    };
    assert_eq!(
        delivery_deadline(date!(2026 - 02 - 15), &partner.fiscal),
        date!(2026 - 09 - 30)
    );
    let list = checklist(&channel(), &partner);
    assert!(list.complete, "{}", list.missing());
    assert_eq!(list.steps.len(), 4);
    let mut late = channel();
    late.deliveries[1].delivered_on = date!(2026 - 10 - 01);
    let list = checklist(&late, &partner);
    assert_eq!(missing(&list), [Item::TwoFullDeliveries]);
    assert!(list.missing().contains("1 of 2 full deliveries"), "{}", list.missing());
}

#[test]
fn a_channel_partners_own_surveys_and_low_averages_do_not_count() {
    let partner = PathFacts {
        own_partner: Some(Id::new(9)),
        ..facts()
    };
    let mut own = channel();
    own.deliveries[1].scores = vec![survey(5, None, Some(9))];
    assert_eq!(missing(&checklist(&own, &partner)), [Item::TwoFullDeliveries]);
    let mut low = channel();
    low.deliveries[1].scores = vec![survey(3, Some(8), None), survey(3, Some(8), None)];
    assert_eq!(missing(&checklist(&low, &partner)), [Item::TwoFullDeliveries]);
}

#[test]
fn credentials_are_any_one_of_experience_an_educator_or_a_vendor_credential() {
    let partner = PathFacts {
        own_partner: Some(Id::new(9)),
        ..facts()
    };
    let none = CandidacyFields {
        training_experience_months: Some(11),
        ..channel()
    };
    assert_eq!(missing(&checklist(&none, &partner)), [Item::Credentials]);
    let vendor = CandidacyFields {
        vendor_trainer_credential: Some("AWS Authorized Instructor".into()),
        ..none
    };
    assert!(checklist(&vendor, &partner).complete);
}

#[test]
fn scores_are_one_to_five_from_one_organisation() {
    let mut f = staff();
    f.deliveries[1].scores = vec![survey(6, Some(1), Some(2))];
    let Err(Error::Invalid(errors)) = f.validate() else {
        panic!("accepted")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "deliveries[1].scores[0].score",
            "deliveries[1].scores[0].respondent_partner_id"
        ]
    );
}
