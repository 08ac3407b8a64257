//! The education report on a small organisation, every figure exact: a company trainer's
//! private class on the last two days of Q1 (a cancelled registration not counted, its
//! fee recognised in March) and a one-day private class on the first day of Q2 (its fee
//! in April); a partner's trainer's public class in May; a scheduled class and one past
//! the range left out. Each trainer's CSAT leaves out the answers of learners employed by
//! their own organisation; a partner sees only its own trainer.

use psops_core::Money;
use psops_core::dates::DateRange;
use psops_core::delivery::surveys::SurveyAnswer;
use psops_core::education::classes::{
    ClassAudience, ClassDelivery, TrainingClass, TrainingClassFields, TrainingClassFilter,
};
use psops_core::education::courses::{Course, CourseState};
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, Enrolment, EnrolmentFields, EnrolmentPatch, EnrolmentStatus, RosterSubmission,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::education::report::{EducationReport, QuarterFigures, TrainerScope};
use psops_core::people::{Function, Person};
use psops_core::projects::BillingType;
use psops_core::store::prelude::*;
use psops_core::{Currency, Id};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::education::course;
use super::fixtures::{ctx, new, person_fields};
use super::ledger::{account, project};

crate::stories!(the_education_report_counts_quarters_and_trainers_exactly);

/// Everyone a class needs, made once.
pub(crate) struct Org {
    pub staff: Person,
    pub partner_trainer: Person,
    pub partner: Id<psops_core::partners::Partner>,
}

async fn someone(db: &Db, name: &str, partner: Option<i64>) -> Person {
    let mut f = person_fields(&format!("{}@example.com", name.to_lowercase().replace(' ', ".")));
    f.name = name.into();
    f.employment_start = date!(2025 - 01 - 01);
    f.partner_id = partner.map(Id::new);
    if partner.is_some() {
        f.function = Function::PartnerConsultant;
    }
    new(db.create(&ctx(), f).await.expect("person"))
}

async fn certified(db: &Db, trainer: &Person, course: &Course, grader: &Person) {
    psops_demo::certifications::certify_trainer(db, &ctx(), trainer.id, course, date!(2026 - 01 - 15), grader.id)
        .await
        .expect("certify");
}

/// A learner of the company (`org` none), of a customer account or of a partner.
async fn learner(db: &Db, name: &str, org: LearnerOrg, id: Option<i64>) -> Learner {
    let fields = LearnerFields {
        name: name.into(),
        email: Some(format!("{}@learners.example", name.to_lowercase().replace(' ', "."))),
        organisation: org,
        person_id: None,
        partner_id: (org == LearnerOrg::PartnerConsultant).then(|| Id::new(id.unwrap_or(0))),
        account_id: (org == LearnerOrg::CustomerContact).then(|| Id::new(id.unwrap_or(0))),
        contact_id: None,
    };
    new(db.create(&ctx(), fields).await.expect("learner"))
}

async fn register(db: &Db, class: &TrainingClass, l: &Learner) -> Enrolment {
    let f = EnrolmentFields {
        class_id: class.id,
        learner_id: l.id,
        status: EnrolmentStatus::Registered,
        project_id: None,
    };
    new(db.create(&ctx(), f).await.expect("register"))
}

fn class_fields(course: &Course, trainer: &Person, days: (Date, Date), addon: i32) -> TrainingClassFields {
    TrainingClassFields {
        course_id: course.id,
        trainer_id: trainer.id,
        start_date: days.0,
        end_date: days.1,
        time_zone: "Europe/Berlin".into(),
        delivery: ClassDelivery::Remote,
        location: None,
        audience: ClassAudience::Public,
        account_id: None,
        project_id: None,
        fee: None,
        addon_seats: addon,
        seat_price: None,
    }
}

/// Marks each of `came` present on the class's first day and submits the roster on its
/// last day.
async fn deliver(db: &Db, class: &TrainingClass, came: &[&Enrolment]) {
    let rows = came
        .iter()
        .map(|e| AttendanceRow {
            enrolment_id: e.id,
            days: vec![class.fields.start_date],
        })
        .collect();
    db.mark_attendance(&ctx(), class.id, Attendance { rows })
        .await
        .expect("attendance");
    let on = class.fields.end_date;
    let now = on.with_hms(18, 0, 0).expect("time").assume_utc();
    db.submit_roster(
        &ctx(),
        class.id,
        RosterSubmission { submitted_on: on },
        "https://psops.example.com",
        now,
    )
    .await
    .expect("roster");
}

/// Answers the training survey mailed to `email` with `score` the day after `class` ended.
async fn answer(db: &Db, class: &TrainingClass, email: &str, score: i64) {
    let mails = psops_store::testing::queued_notices(db).await;
    let (_, _, about) = mails.iter().find(|m| m.1 == email).expect("a survey mail");
    let notices = psops_store::testing::notices_about(db, about.as_deref().expect("about")).await;
    let body = &notices[0].3;
    let at = body.find("/training-survey/").expect("a link") + "/training-survey/".len();
    let token: String = body[at..].chars().take_while(char::is_ascii_hexdigit).collect();
    let a = SurveyAnswer { score, comment: None };
    let next = class.fields.end_date.next_day().expect("a next day");
    let now = next.with_hms(9, 0, 0).expect("time").assume_utc();
    db.answer_class_survey(&token, a, None, now).await.expect("answer");
}

/// The organisation of the story, delivered and recognised through 2026-06-30. Other
/// suites (pages, the command line) read the same figures.
pub(crate) async fn delivered_org(db: &Db) -> Org {
    let grader = someone(db, "Gail Grader", None).await;
    let staff = someone(db, "Tess Trainer", None).await;
    let acme = super::partner_funds::partner(db, "Acme Training").await;
    let partner_trainer = someone(db, "Anna Partner", Some(acme.id.get())).await;
    let git = course(db, "Git fundamentals", CourseState::Production).await;
    certified(db, &staff, &git, &grader).await;
    certified(db, &partner_trainer, &git, &grader).await;
    let initech = account(db, "Initech", None).await;
    let classes = project(db, &initech, "Initech classes", BillingType::FixedFee).await;
    let private = |days, fee: i64, addon| TrainingClassFields {
        audience: ClassAudience::Private,
        account_id: Some(initech.id),
        project_id: Some(classes.id),
        fee: Some(Money::new(fee, Currency::USD)),
        ..class_fields(&git, &staff, days, addon)
    };
    let customer = |name: &'static str| learner(db, name, LearnerOrg::CustomerContact, Some(initech.id.get()));
    let (employee, c1, c2, gone) = (
        learner(db, "Emma Employee", LearnerOrg::Employee, None).await,
        customer("Carl Customer").await,
        customer("Cora Customer").await,
        customer("Cal Cancelled").await,
    );
    let consultant = learner(db, "Paul Partner", LearnerOrg::PartnerConsultant, Some(acme.id.get())).await;

    // Q1's last two days: 14 seats, four registrations kept, three attending.
    let a: TrainingClass = new(db
        .create(
            &ctx(),
            private((date!(2026 - 03 - 30), date!(2026 - 03 - 31)), 500_000, 2),
        )
        .await
        .expect("class a"));
    let ea = [
        register(db, &a, &employee).await,
        register(db, &a, &c1).await,
        register(db, &a, &c2).await,
        register(db, &a, &consultant).await,
    ];
    let cancelled = register(db, &a, &gone).await;
    let cancel = EnrolmentPatch {
        status: Some(EnrolmentStatus::Cancelled),
        ..Default::default()
    };
    db.update(&ctx(), cancelled.id, None, cancel).await.expect("cancel");
    deliver(db, &a, &[&ea[0], &ea[1], &ea[2]]).await;
    // The employee's 5 is the company trainer's own organisation's: it does not count.
    answer(db, &a, "emma.employee@learners.example", 5).await;
    answer(db, &a, "carl.customer@learners.example", 3).await;
    answer(db, &a, "cora.customer@learners.example", 5).await;

    // Q2's first day: one seat of 12 filled.
    let b: TrainingClass = new(db
        .create(
            &ctx(),
            private((date!(2026 - 04 - 01), date!(2026 - 04 - 01)), 1_000_000, 0),
        )
        .await
        .expect("class b"));
    let c3 = customer("Chris Customer").await;
    let eb = register(db, &b, &c3).await;
    deliver(db, &b, &[&eb]).await;

    // The partner's trainer in May: a consultant of their own partner and an employee.
    let c: TrainingClass = new(db
        .create(
            &ctx(),
            class_fields(
                &git,
                &partner_trainer,
                (date!(2026 - 05 - 04), date!(2026 - 05 - 06)),
                0,
            ),
        )
        .await
        .expect("class c"));
    let own = learner(db, "Pia Partner", LearnerOrg::PartnerConsultant, Some(acme.id.get())).await;
    let other = learner(db, "Evan Employee", LearnerOrg::Employee, None).await;
    let ec = [register(db, &c, &own).await, register(db, &c, &other).await];
    deliver(db, &c, &[&ec[0], &ec[1]]).await;
    // The partner's own consultant's 5 does not count, the employee's 4 does.
    answer(db, &c, "pia.partner@learners.example", 5).await;
    answer(db, &c, "evan.employee@learners.example", 4).await;

    // Left out: a class still scheduled, and one completed past the range.
    let d: TrainingClass = new(db
        .create(
            &ctx(),
            class_fields(&git, &staff, (date!(2026 - 06 - 15), date!(2026 - 06 - 16)), 0),
        )
        .await
        .expect("class d"));
    register(db, &d, &c1).await;
    let e: TrainingClass = new(db
        .create(
            &ctx(),
            class_fields(&git, &staff, (date!(2026 - 07 - 01), date!(2026 - 07 - 01)), 0),
        )
        .await
        .expect("class e"));
    let ee = register(db, &e, &c2).await;
    deliver(db, &e, &[&ee]).await;

    db.recognise(&ctx(), date!(2026 - 06 - 30)).await.expect("recognise");
    Org {
        staff,
        partner_trainer,
        partner: acme.id,
    }
}

pub(crate) const FIRST_HALF: DateRange = DateRange {
    start: date!(2026 - 01 - 01),
    end: date!(2026 - 06 - 30),
};

/// A quarter's figures: label, classes, seats offered and filled, fill rate, attending,
/// revenue.
type Line<'a> = (&'a str, i64, i64, i64, Option<i64>, i64, i64);

fn quarter(q: &QuarterFigures) -> Line<'_> {
    (
        q.quarter.as_str(),
        q.classes,
        q.seats_offered,
        q.seats_filled,
        q.fill_rate,
        q.learners_attending,
        q.revenue_minor,
    )
}

fn quarters(r: &EducationReport) -> Vec<Line<'_>> {
    r.quarters.iter().chain([&r.total]).map(quarter).collect()
}

async fn the_education_report_counts_quarters_and_trainers_exactly(db: &Db) {
    let org = delivered_org(db).await;
    let r = db.education_report(FIRST_HALF, TrainerScope::All).await.unwrap();
    assert_eq!(r.currency, Currency::USD);
    assert_eq!(
        quarters(&r),
        [
            ("2026-Q1", 1, 14, 4, Some(29), 3, 500_000),
            ("2026-Q2", 2, 24, 3, Some(13), 3, 1_000_000),
            ("total", 3, 38, 7, Some(18), 6, 1_500_000),
        ]
    );
    let trainers: Vec<_> = r
        .trainers
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.partner.as_deref(),
                (
                    t.classes,
                    t.class_days,
                    t.class_minutes,
                    t.capacity_minutes,
                    t.utilization,
                ),
                (t.surveys_answered, t.surveys_satisfied, t.surveys_excluded, t.csat),
            )
        })
        .collect();
    // Half a year of a full-time person's capacity is the handbook's 1,696 h ÷ 2.
    assert_eq!(
        trainers,
        [
            (
                "Anna Partner",
                Some("Acme Training"),
                (1, 3, 1440, 50_880, Some(3)),
                (1, 1, 1, Some(100))
            ),
            ("Tess Trainer", None, (2, 3, 1440, 50_880, Some(3)), (2, 1, 1, Some(50))),
        ]
    );
    assert_eq!(r.trainers[1].trainer_id, org.staff.id);
    assert_eq!(r.trainers[0].partner_id, Some(org.partner));

    // The partner sees its own trainer, and only its trainer's classes in the quarters.
    let theirs = db
        .education_report(FIRST_HALF, TrainerScope::Partner(org.partner))
        .await
        .unwrap();
    assert_eq!(
        quarters(&theirs),
        [
            ("2026-Q1", 0, 0, 0, None, 0, 0),
            ("2026-Q2", 1, 12, 2, Some(17), 2, 0),
            ("total", 1, 12, 2, Some(17), 2, 0),
        ]
    );
    let names: Vec<_> = theirs.trainers.iter().map(|t| t.trainer_id).collect();
    assert_eq!(names, [org.partner_trainer.id]);

    // A range cut inside the quarters: Q1 from 31 March holds class A (whose last day it
    // is) and March's revenue; Q2 to 1 April holds class B and April's revenue.
    let edges = DateRange {
        start: date!(2026 - 03 - 31),
        end: date!(2026 - 04 - 01),
    };
    let cut = db.education_report(edges, TrainerScope::All).await.unwrap();
    assert_eq!(
        quarters(&cut)[..2],
        [
            ("2026-Q1", 1, 14, 4, Some(29), 3, 500_000),
            ("2026-Q2", 1, 12, 1, Some(8), 1, 1_000_000),
        ]
    );

    // Kept between reads, and a survey answered since shows in the next read.
    assert_eq!(db.education_report(FIRST_HALF, TrainerScope::All).await.unwrap(), r);
    let classes: Vec<TrainingClass> = db.every(&TrainingClassFilter::default()).await.unwrap();
    let b = classes
        .iter()
        .find(|c| c.fields.start_date == date!(2026 - 04 - 01))
        .expect("class b");
    answer(db, b, "chris.customer@learners.example", 2).await;
    let after = db.education_report(FIRST_HALF, TrainerScope::All).await.unwrap();
    assert_eq!(after.trainers[1].trainer_id, org.staff.id);
    assert_eq!(after.trainers[1].surveys_answered, r.trainers[1].surveys_answered + 1);
}
