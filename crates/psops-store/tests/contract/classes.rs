//! Classes: only a production course is scheduled, and only with a trainer certified for
//! it on every class day; a class seats 12 plus its add-on seats (the 13th registration
//! refused until an add-on seat is sold, under a lock so two at once cannot both take the
//! last seat); its workflow steps fall due from its dates; attendance is marked per class
//! day; and the roster submitted at close completes it, writes a private class's training
//! record — which recognition earns — and sends each attending learner with an e-mail the
//! training survey, after which the class no longer changes.

use psops_core::audit::AuditFilter;
use psops_core::delivery::surveys::SurveyAnswer;
use psops_core::education::class_surveys::{ClassFeedback, ClassSurveyView, OpenedClassSurvey};
use psops_core::education::classes::{
    ClassAudience, ClassDelivery, ClassStatus, TrainingClass, TrainingClassFields, TrainingClassPatch,
};
use psops_core::education::courses::{Course, CourseState};
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, Enrolment, EnrolmentFields, EnrolmentPatch, EnrolmentStatus, RosterSubmission, StepDone,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields, TrainerPath};
use psops_core::education::workflow::ClassStep;
use psops_core::finance::ledger::{Basis, LineFilter, LineKind};
use psops_core::finance::training::Training;
use psops_core::notify::{NoticeKind, NotificationFilter, NotificationScope};
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::projects::BillingType;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Money};
use psops_store::Db;
use time::macros::{date, datetime};

use super::education::course;
use super::fixtures::{broken, ctx, new, person};
use super::ledger::{account, project};

crate::stories!(
    only_a_production_course_with_a_certified_trainer_is_scheduled,
    a_class_seats_twelve_plus_its_add_on_seats,
    the_roster_completes_a_private_class_releasing_its_revenue_and_surveys,
    a_learner_answers_the_training_survey_once_before_it_expires,
    a_public_classs_seats_are_revenue_of_the_projects_that_bought_them,
);

pub(super) async fn certify(db: &Db, trainer: &Person, course: &Course, expires: Option<time::Date>) -> CourseTrainer {
    // A course trainer record needs the person's complete path for the course first.
    let grader = person(db, &format!("grader.{}.{}@example.com", trainer.id, course.id)).await;
    let who = (trainer.id, TrainerPath::Staff);
    psops_demo::certifications::complete_path(db, &ctx(), who, course, date!(2026 - 01 - 01), grader.id)
        .await
        .expect("complete path");
    new(db
        .create(
            &ctx(),
            CourseTrainerFields {
                person_id: trainer.id,
                course_id: course.id,
                path: TrainerPath::Staff,
                certified_on: date!(2026 - 01 - 01),
                expires_on: expires,
            },
        )
        .await
        .expect("certify"))
}

pub(super) fn public(course: &Course, trainer: &Person) -> TrainingClassFields {
    TrainingClassFields {
        course_id: course.id,
        trainer_id: trainer.id,
        start_date: date!(2026 - 06 - 15),
        end_date: date!(2026 - 06 - 17),
        time_zone: "Europe/Berlin".into(),
        delivery: ClassDelivery::Remote,
        location: None,
        audience: ClassAudience::Public,
        account_id: None,
        project_id: None,
        fee: None,
        addon_seats: 0,
        seat_price: None,
    }
}

async fn learner(db: &Db, n: usize, email: bool) -> Learner {
    new(db
        .create(
            &ctx(),
            LearnerFields {
                name: format!("Learner {n:02}"),
                email: email.then(|| format!("learner{n}@customer.example")),
                organisation: LearnerOrg::Employee,
                person_id: None,
                partner_id: None,
                account_id: None,
                contact_id: None,
            },
        )
        .await
        .expect("learner"))
}

async fn register(db: &Db, class: &TrainingClass, learner: &Learner) -> psops_core::Result<Enrolment> {
    db.create(
        &ctx(),
        EnrolmentFields {
            class_id: class.id,
            learner_id: learner.id,
            status: EnrolmentStatus::Registered,
            project_id: None,
        },
    )
    .await
    .map(new)
}

async fn only_a_production_course_with_a_certified_trainer_is_scheduled(db: &Db) {
    let trainer = person(db, "trainer@example.com").await;
    let staging = course(db, "Security essentials", CourseState::Staging).await;
    certify(db, &trainer, &staging, None).await;
    let e = db.create(&ctx(), public(&staging, &trainer)).await.unwrap_err();
    let Error::Invalid(errors) = e else { panic!("refused") };
    assert_eq!(errors[0].rule, Rule::NotInProduction);
    assert!(
        errors[0].message.contains("Security essentials"),
        "{}",
        errors[0].message
    );
    // In production, an uncertified trainer is refused, naming the course.
    let git = course(db, "Git fundamentals", CourseState::Production).await;
    let e = db.create(&ctx(), public(&git, &trainer)).await.unwrap_err();
    let Error::Invalid(errors) = e else { panic!("refused") };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].rule),
        ("trainer_id", Rule::NotCertified)
    );
    assert!(errors[0].message.contains("Git fundamentals"), "{}", errors[0].message);
    // A certification that lapses during the class does not cover it.
    let lapsing = certify(db, &trainer, &git, Some(date!(2026 - 06 - 16))).await;
    let e = db.create(&ctx(), public(&git, &trainer)).await.unwrap_err();
    assert_eq!(broken(e), [("trainer_id".to_string(), Rule::NotCertified)]);
    let renewed = psops_core::education::trainers::CourseTrainerPatch {
        expires_on: Some(Some(date!(2026 - 12 - 31))),
        ..Default::default()
    };
    db.update(&ctx(), lapsing.id, None, renewed).await.unwrap();
    let class: TrainingClass = new(db.create(&ctx(), public(&git, &trainer)).await.unwrap());
    assert_eq!(class.status, ClassStatus::Scheduled);
    // Handing it to another, uncertified trainer is refused too.
    let other = person(db, "other.trainer@example.com").await;
    let moved = TrainingClassPatch {
        trainer_id: Some(other.id),
        ..Default::default()
    };
    let e = db.update(&ctx(), class.id, None, moved).await.unwrap_err();
    assert_eq!(broken(e), [("trainer_id".to_string(), Rule::NotCertified)]);
    // The workflow's steps fall due from the start; a step is marked done on a day.
    let w = db.class_workflow(class.id, date!(2026 - 06 - 02)).await.unwrap();
    let links = w.iter().find(|s| s.step == ClassStep::RegistrationLinks).unwrap();
    assert_eq!(links.due_on, date!(2026 - 06 - 01));
    assert!(links.overdue);
    let done = StepDone {
        step: ClassStep::RegistrationLinks,
        done_on: Some(date!(2026 - 05 - 29)),
    };
    db.mark_step(&ctx(), class.id, done).await.unwrap();
    let w = db.class_workflow(class.id, date!(2026 - 06 - 02)).await.unwrap();
    let links = w.iter().find(|s| s.step == ClassStep::RegistrationLinks).unwrap();
    assert_eq!((links.done_on, links.overdue), (Some(date!(2026 - 05 - 29)), false));
    let by_hand = StepDone {
        step: ClassStep::CloseOut,
        done_on: Some(date!(2026 - 06 - 18)),
    };
    assert_eq!(
        broken(db.mark_step(&ctx(), class.id, by_hand).await.unwrap_err()),
        [("step".to_string(), Rule::InvalidValue)]
    );
}

async fn a_class_seats_twelve_plus_its_add_on_seats(db: &Db) {
    let trainer = person(db, "seats.trainer@example.com").await;
    let cicd = course(db, "CI CD", CourseState::Production).await;
    certify(db, &trainer, &cicd, None).await;
    let class: TrainingClass = new(db.create(&ctx(), public(&cicd, &trainer)).await.unwrap());
    let mut learners = Vec::new();
    for n in 0..14 {
        learners.push(learner(db, n, true).await);
    }
    let mut enrolled = Vec::new();
    for l in &learners[..12] {
        enrolled.push(register(db, &class, l).await.expect("one of the 12"));
    }
    // The 13th is refused, naming the rule, until an add-on seat is sold.
    let Error::Conflict(full) = register(db, &class, &learners[12]).await.unwrap_err() else {
        panic!("the 13th is a conflict");
    };
    assert_eq!((full.field.as_str(), full.rule), ("class_id", Rule::ClassFull));
    assert!(full.message.contains("add-on seat"), "{}", full.message);
    // The same learner twice is refused as well.
    let Error::Conflict(twice) = register(db, &class, &learners[0]).await.unwrap_err() else {
        panic!("twice is a conflict");
    };
    assert_eq!(twice.rule, Rule::Duplicate);
    let one_more = TrainingClassPatch {
        addon_seats: Some(1),
        ..Default::default()
    };
    let class = db.update(&ctx(), class.id, None, one_more).await.unwrap();
    assert_eq!(class.fields.seats(), 13);
    register(db, &class, &learners[12]).await.expect("the add-on seat");
    assert!(
        register(db, &class, &learners[13]).await.is_err(),
        "the 14th has no seat"
    );
    // Selling back the add-on seat while 13 are registered is refused.
    let fewer = TrainingClassPatch {
        addon_seats: Some(0),
        ..Default::default()
    };
    let e = db.update(&ctx(), class.id, None, fewer).await.unwrap_err();
    assert_eq!(broken(e), [("addon_seats".to_string(), Rule::ClassFull)]);
    // Cancelling frees a seat; registering the cancelled one again needs a seat.
    let cancel = EnrolmentPatch {
        status: Some(EnrolmentStatus::Cancelled),
        ..Default::default()
    };
    db.update(&ctx(), enrolled[0].id, None, cancel).await.unwrap();
    register(db, &class, &learners[13]).await.expect("the freed seat");
    let back = EnrolmentPatch {
        status: Some(EnrolmentStatus::Registered),
        ..Default::default()
    };
    let e = db.update(&ctx(), enrolled[0].id, None, back).await.unwrap_err();
    assert!(
        matches!(e, Error::Conflict(ref f) if f.rule == Rule::ClassFull),
        "{e:?}"
    );
    let roster = db.roster(class.id).await.unwrap();
    let registered = roster
        .iter()
        .filter(|l| l.status == EnrolmentStatus::Registered)
        .count();
    assert_eq!((roster.len(), registered), (14, 13));
}

async fn the_roster_completes_a_private_class_releasing_its_revenue_and_surveys(db: &Db) {
    let trainer = person(db, "private.trainer@example.com").await;
    let agile = course(db, "Agile portfolio management", CourseState::Production).await;
    certify(db, &trainer, &agile, None).await;
    let a = account(db, "Initech", None).await;
    let p = project(db, &a, "Initech agile class", BillingType::FixedFee).await;
    let private = TrainingClassFields {
        start_date: date!(2026 - 03 - 02),
        end_date: date!(2026 - 03 - 03),
        delivery: ClassDelivery::OnSite,
        location: Some("Initech HQ, Austin".into()),
        audience: ClassAudience::Private,
        account_id: Some(a.id),
        project_id: Some(p.id),
        fee: Some(Money::new(1_800_000, Currency::USD)),
        ..public(&agile, &trainer)
    };
    let class: TrainingClass = new(db.create(&ctx(), private).await.unwrap());
    let (came, absent, no_mail) = (
        learner(db, 1, true).await,
        learner(db, 2, true).await,
        learner(db, 3, false).await,
    );
    let mut regs = Vec::new();
    for l in [&came, &absent, &no_mail] {
        regs.push(register(db, &class, l).await.unwrap());
    }
    // Attendance only on class days, only for its registrations.
    let outside = Attendance {
        rows: vec![AttendanceRow {
            enrolment_id: regs[0].id,
            days: vec![date!(2026 - 03 - 04)],
        }],
    };
    let e = db.mark_attendance(&ctx(), class.id, outside).await.unwrap_err();
    assert_eq!(broken(e), [("rows[0].days".to_string(), Rule::Range)]);
    let grid = Attendance {
        rows: vec![
            AttendanceRow {
                enrolment_id: regs[0].id,
                days: vec![date!(2026 - 03 - 03), date!(2026 - 03 - 02)],
            },
            AttendanceRow {
                enrolment_id: regs[2].id,
                days: vec![date!(2026 - 03 - 02)],
            },
        ],
    };
    let roster = db.mark_attendance(&ctx(), class.id, grid).await.unwrap();
    let of = |name: &str| roster.iter().find(|l| l.name == name).unwrap().attended.clone();
    assert_eq!(of("Learner 01"), [date!(2026 - 03 - 02), date!(2026 - 03 - 03)]);
    assert!(of("Learner 02").is_empty());
    // The roster is submitted at close, not before the last day.
    let early = RosterSubmission {
        submitted_on: date!(2026 - 03 - 02),
    };
    let now = datetime!(2026 - 03 - 05 10:00 UTC);
    let e = db
        .submit_roster(&ctx(), class.id, early, "https://psops.example.com", now)
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("submitted_on".to_string(), Rule::ClassDates)]);
    let at_close = RosterSubmission {
        submitted_on: date!(2026 - 03 - 05),
    };
    let done = db
        .submit_roster(&ctx(), class.id, at_close.clone(), "https://psops.example.com", now)
        .await
        .unwrap();
    assert_eq!(done.class.status, ClassStatus::Completed);
    assert_eq!(done.class.roster_submitted_on, Some(date!(2026 - 03 - 05)));
    assert_eq!(
        done.class.steps_done.get(&ClassStep::CloseOut),
        Some(&date!(2026 - 03 - 05))
    );
    // One survey: the one who attended with an e-mail (the absent one and the one without
    // an address get none).
    assert_eq!(done.surveys_sent, 1);
    let queued = db
        .notifications(
            &NotificationFilter {
                kind: Some(NoticeKind::Survey),
                status: None,
                project_id: Some(p.id),
            },
            NotificationScope::All,
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(queued.items.len(), 1);
    assert_eq!(queued.items[0].to_email, "learner1@customer.example");
    assert!(
        queued.items[0]
            .body
            .contains("https://psops.example.com/training-survey/")
    );
    // Its training record carries the fee, completed and rostered: recognition earns it.
    let t: Training = done.training.clone().expect("a private class's training");
    assert_eq!(t.fields.amount, Money::new(1_800_000, Currency::USD));
    assert_eq!(t.fields.earned_on(), Some(date!(2026 - 03 - 05)));
    assert_eq!(done.class.training_id, Some(t.id));
    db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("recognise");
    assert_eq!(training_revenue(db, &p).await, [("2026-03".to_string(), 1_800_000)]);
    // A completed class no longer changes: no second roster, attendance or edit.
    let again = db
        .submit_roster(&ctx(), class.id, at_close, "https://psops.example.com", now)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref f) if f.rule == Rule::InvalidTransition),
        "{again:?}"
    );
    let edit = TrainingClassPatch {
        location: Some(Some("Elsewhere".into())),
        ..Default::default()
    };
    assert!(db.update(&ctx(), class.id, None, edit).await.is_err());
    assert!(register(db, &class, &learner(db, 4, true).await).await.is_err());
}

/// The training revenue the ledger recognised on a project, by month.
async fn training_revenue(db: &Db, p: &psops_core::projects::Project) -> Vec<(String, i64)> {
    let filter = LineFilter {
        project_id: Some(p.id),
        ..Default::default()
    };
    let lines = db.ledger_lines(&filter, PageRequest::default()).await.unwrap().items;
    lines
        .iter()
        .filter(|l| l.kind == LineKind::Revenue && l.basis == Basis::Training)
        .map(|l| (l.month.to_string(), l.amount.amount_minor))
        .collect()
}

/// The token at the end of a training survey mail's link.
fn token_in(body: &str) -> String {
    let at = body.find("/training-survey/").expect("a training survey link") + "/training-survey/".len();
    body[at..].chars().take_while(char::is_ascii_hexdigit).collect()
}

async fn a_learner_answers_the_training_survey_once_before_it_expires(db: &Db) {
    let trainer = person(db, "survey.trainer@example.com").await;
    let rust = course(db, "Rust for services", CourseState::Production).await;
    certify(db, &trainer, &rust, None).await;
    let class: TrainingClass = new(db.create(&ctx(), public(&rust, &trainer)).await.unwrap());
    let (one, two) = (learner(db, 1, true).await, learner(db, 2, true).await);
    let regs = [
        register(db, &class, &one).await.unwrap(),
        register(db, &class, &two).await.unwrap(),
    ];
    let grid = Attendance {
        rows: regs
            .iter()
            .map(|r| AttendanceRow {
                enrolment_id: r.id,
                days: vec![date!(2026 - 06 - 15)],
            })
            .collect(),
    };
    db.mark_attendance(&ctx(), class.id, grid).await.unwrap();
    let sent_at = datetime!(2026 - 06 - 18 10:00 UTC);
    let roster = RosterSubmission {
        submitted_on: date!(2026 - 06 - 18),
    };
    let done = db
        .submit_roster(&ctx(), class.id, roster, "https://psops.example.com", sent_at)
        .await
        .unwrap();
    assert_eq!(done.surveys_sent, 2);
    let mails = psops_store::testing::queued_notices(db).await;
    let mut tokens = Vec::new();
    for email in ["learner1@customer.example", "learner2@customer.example"] {
        let (_, _, about) = mails.iter().find(|m| m.1 == email).expect("a mail to the learner");
        let about = about.clone().expect("what the mail is about");
        let notices = psops_store::testing::notices_about(db, &about).await;
        tokens.push(token_in(&notices[0].3));
    }
    let (first, second) = (tokens[0].clone(), tokens[1].clone());
    assert_eq!(first.len(), 64, "256 bits in hex");

    // The page shows the course, its dates and the learner's name.
    let now = sent_at + time::Duration::days(1);
    assert_eq!(
        db.open_class_survey(&first, now).await.unwrap(),
        OpenedClassSurvey::Open(ClassSurveyView {
            course: "Rust for services".into(),
            start_date: date!(2026 - 06 - 15),
            end_date: date!(2026 - 06 - 17),
            learner: "Learner 01".into(),
        })
    );
    let unknown = "0".repeat(64);
    assert_eq!(
        db.open_class_survey(&unknown, now).await.unwrap(),
        OpenedClassSurvey::Unknown
    );
    assert_eq!(
        db.open_class_survey("../etc", now).await.unwrap(),
        OpenedClassSurvey::Unknown
    );

    let answer = |score: i64, comment: &str| SurveyAnswer {
        score,
        comment: Some(comment.into()),
    };
    let bad = db
        .answer_class_survey(&first, answer(6, ""), None, now)
        .await
        .unwrap_err();
    assert!(
        matches!(bad, Error::Invalid(ref e) if e[0].rule == Rule::Score),
        "{bad:?}"
    );
    let answered = db
        .answer_class_survey(&first, answer(4, "  Clear and practical  "), Some("req-7".into()), now)
        .await
        .unwrap();
    assert_eq!(answered.enrolment_id, regs[0].id);
    assert_eq!(answered.score, Some(4));
    assert_eq!(answered.comment.as_deref(), Some("Clear and practical"));
    assert_eq!(answered.answered_at, Some(now));

    // Once only: a second answer is refused and the first stands.
    let again = db
        .answer_class_survey(&first, answer(1, "changed my mind"), None, now)
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::Conflict(ref f) if f.rule == Rule::SingleUse),
        "{again:?}"
    );
    assert_eq!(
        db.open_class_survey(&first, now).await.unwrap(),
        OpenedClassSurvey::Answered
    );
    // An unknown token, and an expired one (links are good for 30 days).
    let nobody = db
        .answer_class_survey(&unknown, answer(5, ""), None, now)
        .await
        .unwrap_err();
    assert!(matches!(nobody, Error::NotFound { .. }), "{nobody:?}");
    let late = sent_at + time::Duration::days(30);
    assert_eq!(
        db.open_class_survey(&second, late).await.unwrap(),
        OpenedClassSurvey::Expired
    );
    let expired = db
        .answer_class_survey(&second, answer(5, ""), None, late)
        .await
        .unwrap_err();
    assert!(
        matches!(expired, Error::Conflict(ref f) if f.rule == Rule::Expired),
        "{expired:?}"
    );

    // The answer is in the audit log, as the learner, with the stored score and comment.
    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("class_survey".into()),
                entity_id: Some(answered.id.get()),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 2, "sent and answered");
    let entry = log.items.iter().find(|e| e.via.is_some()).expect("the answer's entry");
    assert_eq!(
        entry.via.as_deref(),
        Some(format!("class_survey:enrolment:{}", regs[0].id).as_str())
    );
    assert_eq!(entry.request_id.as_deref(), Some("req-7"));
    let after = entry.after.clone().expect("the answer");
    assert_eq!(after["score"], 4);
    assert_eq!(after["comment"], "Clear and practical");
    let other = db
        .list_audit(
            &AuditFilter {
                entity: Some("class_survey".into()),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(other.items.len(), 3, "two sent, one answered; refusals write nothing");

    // The class's surveys as its staff read them: the answer with its comment first.
    let feedback = ClassFeedback::of(db.class_surveys(class.id).await.unwrap());
    assert_eq!((feedback.sent, feedback.answered, feedback.satisfied), (2, 1, 1));
    assert_eq!(feedback.csat_percent, Some(100));
    let read: Vec<(&str, Option<i64>, Option<&str>)> = feedback
        .surveys
        .iter()
        .map(|s| (s.to_name.as_str(), s.score, s.comment.as_deref()))
        .collect();
    assert_eq!(
        read,
        [
            ("Learner 01", Some(4), Some("Clear and practical")),
            ("Learner 02", None, None)
        ]
    );
}

/// A customer's contact as a learner.
async fn contact_learner(db: &Db, name: &str, account: psops_core::accounts::AccountId) -> Learner {
    new(db
        .create(
            &ctx(),
            LearnerFields {
                name: name.into(),
                email: None,
                organisation: LearnerOrg::CustomerContact,
                person_id: None,
                partner_id: None,
                account_id: Some(account),
                contact_id: None,
            },
        )
        .await
        .expect("learner"))
}

async fn a_public_classs_seats_are_revenue_of_the_projects_that_bought_them(db: &Db) {
    let trainer = person(db, "seat.trainer@example.com").await;
    let git = course(db, "Git for seats", CourseState::Production).await;
    certify(db, &trainer, &git, None).await;
    let (acme, globex) = (
        account(db, "Acme Seats", None).await,
        account(db, "Globex Seats", None).await,
    );
    let acme_p = project(db, &acme, "Acme training seats", BillingType::FixedFee).await;
    let globex_p = project(db, &globex, "Globex training seats", BillingType::FixedFee).await;
    let seat = |minor| Some(Money::new(minor, Currency::USD));

    // A seat price is a public class's: a private class is paid by its fee.
    let private = TrainingClassFields {
        audience: ClassAudience::Private,
        account_id: Some(acme.id),
        project_id: Some(acme_p.id),
        fee: seat(900_000),
        seat_price: seat(150_000),
        ..public(&git, &trainer)
    };
    let e = db.create(&ctx(), private).await.unwrap_err();
    assert_eq!(broken(e), [("seat_price".to_string(), Rule::DependsOn)]);
    // Without a seat price no seat is bought under a project.
    let unpriced: TrainingClass = new(db.create(&ctx(), public(&git, &trainer)).await.unwrap());
    let ann = contact_learner(db, "Ann Acme", acme.id).await;
    let bought = |class: &TrainingClass, learner: &Learner, project| EnrolmentFields {
        class_id: class.id,
        learner_id: learner.id,
        status: EnrolmentStatus::Registered,
        project_id: project,
    };
    let e = db
        .create(&ctx(), bought(&unpriced, &ann, Some(acme_p.id)))
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("project_id".to_string(), Rule::InvalidValue)]);

    let priced = TrainingClassFields {
        seat_price: seat(150_000),
        start_date: date!(2026 - 04 - 13),
        end_date: date!(2026 - 04 - 14),
        ..public(&git, &trainer)
    };
    let class: TrainingClass = new(db.create(&ctx(), priced).await.unwrap());
    // A customer's contact takes a seat of their own account's project only.
    let e = db
        .create(&ctx(), bought(&class, &ann, Some(globex_p.id)))
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("project_id".to_string(), Rule::InvalidValue)]);
    let bo = contact_learner(db, "Bo Acme", acme.id).await;
    let cy = contact_learner(db, "Cy Acme", acme.id).await;
    let gil = contact_learner(db, "Gil Globex", globex.id).await;
    let walk_in = learner(db, 41, false).await;
    let mut regs: Vec<Enrolment> = Vec::new();
    for (l, p) in [
        (&ann, Some(acme_p.id)),
        (&bo, Some(acme_p.id)),
        (&cy, Some(acme_p.id)),
        (&gil, Some(globex_p.id)),
        (&walk_in, None),
    ] {
        regs.push(new(db.create(&ctx(), bought(&class, l, p)).await.unwrap()));
    }
    // Cy's seat is cancelled: Acme keeps two.
    let cancel = EnrolmentPatch {
        status: Some(EnrolmentStatus::Cancelled),
        ..Default::default()
    };
    let _: Enrolment = db.update(&ctx(), regs[2].id, None, cancel).await.unwrap();
    let grid = Attendance {
        rows: vec![AttendanceRow {
            enrolment_id: regs[0].id,
            days: vec![date!(2026 - 04 - 13)],
        }],
    };
    db.mark_attendance(&ctx(), class.id, grid).await.unwrap();
    let roster = RosterSubmission {
        submitted_on: date!(2026 - 04 - 15),
    };
    let done = db
        .submit_roster(
            &ctx(),
            class.id,
            roster,
            "https://psops.example.com",
            datetime!(2026 - 04 - 15 12:00 UTC),
        )
        .await
        .unwrap();
    assert!(done.training.is_none(), "no fee: a public class");
    let mut seats: Vec<(String, i64, Option<time::Date>)> = done
        .seats
        .iter()
        .map(|t| {
            (
                t.fields.title.clone(),
                t.fields.amount.amount_minor,
                t.fields.earned_on(),
            )
        })
        .collect();
    seats.sort();
    assert_eq!(
        seats,
        [
            (
                "Git for seats class 2026-04-13 to 2026-04-14: 1 seat".to_string(),
                150_000,
                Some(date!(2026 - 04 - 15))
            ),
            (
                "Git for seats class 2026-04-13 to 2026-04-14: 2 seats".to_string(),
                300_000,
                Some(date!(2026 - 04 - 15))
            ),
        ]
    );
    // Recognition earns each project its seats in April.
    db.recognise(&ctx(), date!(2026 - 04 - 30)).await.expect("recognise");
    for (p, want) in [(&acme_p, 300_000), (&globex_p, 150_000)] {
        assert_eq!(
            training_revenue(db, p).await,
            [("2026-04".to_string(), want)],
            "{}",
            p.fields.name
        );
    }
}
