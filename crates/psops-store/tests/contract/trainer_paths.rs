//! Trainer path stories: a course trainer record is written only by a complete path —
//! directly or by certifying — and an incomplete path is refused naming what is missing;
//! a course's first trainer has nobody to shadow, later ones shadow a certified trainer;
//! passing the course's certification is read from the trainer's certificate; delivery
//! averages leave out surveys from the trainer's own organisation; a channel partner's
//! two full deliveries fall within two full quarters.

use psops_core::accounts::{Account, AccountFields};
use psops_core::certifications::CertificationFields;
use psops_core::certifications::trainer_paths::{
    CandidacyFields, CandidacyPatch, Delivery, DeliveryKind, Item, RecordedScore, ScoreSource, TrainerCandidacy,
};
use psops_core::education::courses::{Course, CourseState};
use psops_core::education::trainers::{CourseTrainerFields, CourseTrainerPatch, TrainerPath};
use psops_core::partners::PartnerId;
use psops_core::people::{Function, PersonId};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::certifications::{certification, definition, learner, pass, someone};
use super::education::course;
use super::fixtures::{ctx, new};
use super::partner_funds::partner;

crate::stories!(
    a_trainer_is_certified_only_by_a_complete_path,
    surveys_from_the_trainers_own_organisation_do_not_count,
);

async fn account(db: &Db, name: &str) -> Account {
    let f = AccountFields {
        name: name.into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    new(db.create(&ctx(), f).await.expect("account"))
}

fn survey(score: i64, account: Option<&Account>, partner: Option<PartnerId>) -> RecordedScore {
    RecordedScore {
        score,
        source: ScoreSource::Survey,
        respondent_account_id: account.map(|a| a.id),
        respondent_partner_id: partner,
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
        evidence: Some("https://lms.example.com/class/1".into()),
        scores,
    }
}

fn opened(person: PersonId, course: &Course, path: TrainerPath, on: Date) -> CandidacyFields {
    CandidacyFields {
        person_id: person,
        course_id: course.id,
        path,
        started_on: on,
        resources_reviewed_on: None,
        shadowed_trainer_id: None,
        shadowed_on: None,
        ttt_session_on: None,
        dry_run_on: None,
        dry_run_minutes: None,
        training_experience_months: None,
        educator_certificate: None,
        vendor_trainer_credential: None,
        deliveries: Vec::new(),
        notes: None,
    }
}

fn refused(e: Error) -> String {
    match e {
        Error::Conflict(f) if f.rule == Rule::TrainerPath => f.message,
        other => panic!("not refused by the trainer path: {other:?}"),
    }
}

/// A course in production with its certification.
async fn course_with_certification(db: &Db, name: &str) -> (Course, psops_core::certifications::Certification) {
    let c = course(db, name, CourseState::Production).await;
    let cert = certification(
        db,
        CertificationFields {
            course_id: Some(c.id),
            ..definition(&name.to_lowercase().replace(' ', "-"))
        },
    )
    .await;
    (c, cert)
}

async fn a_trainer_is_certified_only_by_a_complete_path(db: &Db) {
    let (c, cert) = course_with_certification(db, "Git fundamentals").await;
    let customer = account(db, "Globex").await;
    let grader = someone(db, "tp.grader@example.com", Function::Engineer, None).await;
    let first = someone(db, "first.trainer@example.com", Function::Trainer, None).await;

    // A course trainer record without a path is refused, naming the rule.
    let direct = CourseTrainerFields {
        person_id: first,
        course_id: c.id,
        path: TrainerPath::Staff,
        certified_on: date!(2026 - 06 - 01),
        expires_on: None,
    };
    let message = refused(db.create(&ctx(), direct.clone()).await.unwrap_err());
    assert!(message.contains("no certification path"), "{message}");

    // Opened: every step is missing but the record itself — and shadowing, which the
    // course's first trainer has nobody for.
    let path: TrainerCandidacy = new(db
        .create(&ctx(), opened(first, &c, TrainerPath::Staff, date!(2026 - 01 - 05)))
        .await
        .unwrap());
    let list = db.trainer_checklist(path.id, date!(2026 - 06 - 01)).await.unwrap();
    let missing: Vec<Item> = list.steps.iter().filter(|s| !s.done).map(|s| s.item).collect();
    assert_eq!(
        missing,
        [
            Item::ResourcesReviewed,
            Item::TrainTheTrainer,
            Item::Certification,
            Item::DryRun,
            Item::ObservedDelivery,
            Item::FullDelivery
        ]
    );
    let message = refused(
        db.certify_trainer(&ctx(), path.id, date!(2026 - 06 - 01))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("1-hour dry run: no dry run recorded"), "{message}");
    assert!(
        message.contains("no certificate of Certified git-fundamentals"),
        "{message}"
    );

    // The evidence, then the course's certification passed as a learner.
    let evidence = CandidacyPatch {
        resources_reviewed_on: Some(Some(date!(2026 - 01 - 10))),
        ttt_session_on: Some(Some(date!(2026 - 01 - 20))),
        dry_run_on: Some(Some(date!(2026 - 02 - 10))),
        dry_run_minutes: Some(Some(60)),
        deliveries: Some(vec![
            delivery(
                DeliveryKind::ObservedSubset,
                date!(2026 - 03 - 01),
                vec![observer(4), observer(5)],
            ),
            delivery(
                DeliveryKind::Full,
                date!(2026 - 04 - 01),
                vec![survey(4, Some(&customer), None), survey(5, Some(&customer), None)],
            ),
        ]),
        ..Default::default()
    };
    db.update(&ctx(), path.id, None, evidence).await.unwrap();
    let as_learner = learner(db, "First Trainer", Some(first), None).await;
    let certificate = pass(db, &cert, &as_learner, grader, date!(2026 - 02 - 01)).await;
    let list = db.trainer_checklist(path.id, date!(2026 - 06 - 01)).await.unwrap();
    assert!(list.complete, "{}", list.missing());

    // Certifying writes the course trainer record, until the certificate expires.
    let trainer = db
        .certify_trainer(&ctx(), path.id, date!(2026 - 06 - 01))
        .await
        .unwrap();
    assert_eq!(
        (
            trainer.fields.person_id,
            trainer.fields.path,
            trainer.fields.certified_on,
            trainer.fields.expires_on
        ),
        (
            first,
            TrainerPath::Staff,
            date!(2026 - 06 - 01),
            Some(certificate.fields.expires_on)
        )
    );
    let e = db
        .certify_trainer(&ctx(), path.id, date!(2026 - 06 - 02))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Conflict(ref f) if f.rule == Rule::AlreadyCertified),
        "{e:?}"
    );
    // An edit certifies no further than the path: another path, or a day before the
    // path was complete, is refused; ending the certification is an edit like any other.
    let other_path = CourseTrainerPatch {
        path: Some(TrainerPath::ChannelPartner),
        ..Default::default()
    };
    let message = refused(db.update(&ctx(), trainer.id, None, other_path).await.unwrap_err());
    assert!(message.contains("no certification path"), "{message}");
    let earlier = CourseTrainerPatch {
        certified_on: Some(date!(2026 - 01 - 15)),
        ..Default::default()
    };
    refused(db.update(&ctx(), trainer.id, None, earlier).await.unwrap_err());
    let ended = CourseTrainerPatch {
        expires_on: Some(Some(date!(2026 - 09 - 30))),
        ..Default::default()
    };
    let ended = db.update(&ctx(), trainer.id, None, ended).await.unwrap();
    assert_eq!(
        (ended.fields.path, ended.fields.certified_on, ended.fields.expires_on),
        (TrainerPath::Staff, date!(2026 - 06 - 01), Some(date!(2026 - 09 - 30)))
    );

    // A later candidate shadows a certified trainer: someone who is not one does not count.
    let second = someone(db, "second.trainer@example.com", Function::Trainer, None).await;
    let later: TrainerCandidacy = new(db
        .create(&ctx(), opened(second, &c, TrainerPath::Staff, date!(2026 - 07 - 01)))
        .await
        .unwrap());
    let list = db.trainer_checklist(later.id, date!(2026 - 07 - 02)).await.unwrap();
    assert!(list.steps.iter().any(|s| s.item == Item::Shadowing && !s.done));
    let shadow = |who: PersonId| CandidacyPatch {
        shadowed_trainer_id: Some(Some(who)),
        shadowed_on: Some(Some(date!(2026 - 07 - 10))),
        ..Default::default()
    };
    db.update(&ctx(), later.id, None, shadow(grader)).await.unwrap();
    let list = db.trainer_checklist(later.id, date!(2026 - 07 - 11)).await.unwrap();
    let step = list.steps.iter().find(|s| s.item == Item::Shadowing).unwrap();
    assert!(
        !step.done && step.text.contains("was not a certified trainer"),
        "{}",
        step.text
    );
    db.update(&ctx(), later.id, None, shadow(first)).await.unwrap();
    let list = db.trainer_checklist(later.id, date!(2026 - 07 - 11)).await.unwrap();
    assert!(list.steps.iter().any(|s| s.item == Item::Shadowing && s.done));
    // Their direct record is still refused while the rest is missing.
    let message = refused(
        db.create(
            &ctx(),
            CourseTrainerFields {
                person_id: second,
                ..direct
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(message.contains("Train-the-trainer session"), "{message}");
    // One live path per person, course and kind.
    let twice = db
        .create(&ctx(), opened(second, &c, TrainerPath::Staff, date!(2026 - 07 - 01)))
        .await
        .unwrap_err();
    assert!(
        matches!(twice, Error::Conflict(ref f) if f.rule == Rule::Unique),
        "{twice:?}"
    );
}

async fn surveys_from_the_trainers_own_organisation_do_not_count(db: &Db) {
    let (c, cert) = course_with_certification(db, "CI CD").await;
    let acme = partner(db, "Acme Training").await;
    let customer = account(db, "Initech").await;
    let grader = someone(db, "tp.grader2@example.com", Function::Engineer, None).await;
    let trainer = someone(
        db,
        "acme.trainer@example.com",
        Function::PartnerConsultant,
        Some(acme.id),
    )
    .await;
    let as_learner = learner(db, "Acme Trainer", Some(trainer), Some(acme.id)).await;
    pass(db, &cert, &as_learner, grader, date!(2026 - 02 - 20)).await;

    // Started mid-Q1: the deliveries count up to the end of Q3.
    let own_surveys = vec![
        survey(5, None, Some(acme.id)),
        survey(5, None, Some(acme.id)),
        survey(3, Some(&customer), None),
    ];
    let mut f = opened(trainer, &c, TrainerPath::ChannelPartner, date!(2026 - 02 - 15));
    f.training_experience_months = Some(18);
    f.deliveries = vec![
        delivery(
            DeliveryKind::Full,
            date!(2026 - 04 - 10),
            vec![survey(4, Some(&customer), None)],
        ),
        delivery(DeliveryKind::Full, date!(2026 - 09 - 30), own_surveys),
    ];
    let path: TrainerCandidacy = new(db.create(&ctx(), f).await.unwrap());
    // Counted: 4 and 3 from the customer — 3.5; Acme's own 5s are left out.
    let list = db.trainer_checklist(path.id, date!(2026 - 10 - 01)).await.unwrap();
    assert!(!list.complete);
    assert!(list.missing().contains("3.5 over 2 scores"), "{}", list.missing());
    let message = refused(
        db.certify_trainer(&ctx(), path.id, date!(2026 - 10 - 01))
            .await
            .unwrap_err(),
    );
    assert!(message.contains("below 4"), "{message}");

    // Surveys from the company and another customer count for a partner's trainer.
    let mut deliveries = path.fields.deliveries.clone();
    deliveries[1].scores.push(survey(5, None, None));
    deliveries[1].scores.push(survey(4, Some(&customer), None));
    let more = CandidacyPatch {
        deliveries: Some(deliveries.clone()),
        ..Default::default()
    };
    let path = db.update(&ctx(), path.id, None, more).await.unwrap();
    assert!(
        db.trainer_checklist(path.id, date!(2026 - 10 - 01))
            .await
            .unwrap()
            .complete
    );

    // A delivery after the two quarters does not count.
    deliveries[1].delivered_on = date!(2026 - 10 - 01);
    let late = CandidacyPatch {
        deliveries: Some(deliveries),
        ..Default::default()
    };
    db.update(&ctx(), path.id, None, late).await.unwrap();
    let list = db.trainer_checklist(path.id, date!(2026 - 10 - 02)).await.unwrap();
    assert!(list.missing().contains("1 of 2 full deliveries"), "{}", list.missing());
    // A score names an organisation that exists.
    let ghost = CandidacyPatch {
        deliveries: Some(vec![delivery(
            DeliveryKind::Full,
            date!(2026 - 04 - 10),
            vec![survey(4, None, Some(Id::new(999_999)))],
        )]),
        ..Default::default()
    };
    let e = db.update(&ctx(), path.id, None, ghost).await.unwrap_err();
    assert!(matches!(e, Error::Invalid(ref v) if v[0].field == "deliveries[0].scores[0].respondent_partner_id"));
}
