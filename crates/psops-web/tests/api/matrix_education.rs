//! The authorization matrix of education's foundation: every route × role. The course
//! catalogue is read by everyone and kept by ops and administrators; learners are read by
//! the company's staff and — for a partner's consultant — by that partner's managers; a
//! course trainer's certification is read with the person (a partner's consultant their
//! own, its managers their organisation's) and given only by ops and administrators.
//! Nobody at a partner sees another partner's. `matrix.rs` counts these rows.

use psops_core::catalog::Sku;
use psops_core::catalog::offerings::{Maturity, OfferingFields, OfferingTypeFields};
use psops_core::catalog::skus::{Channel, SkuFields, SkuStatus, Unit};
use psops_core::education::courses::{Course, CourseDelivery, CourseFields, CourseState};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields, TrainerPath};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Id};
use serde_json::{Value, json};
use time::macros::date;

use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Course,
    /// A learner of partner A (the matrix's partner roles' organisation).
    LearnerA,
    /// A learner of partner B, which nobody of the matrix belongs to.
    LearnerB,
    /// The certification of partner A's consultant (the partner-consultant role's person).
    TrainerA,
    /// The certification of partner B's consultant.
    TrainerB,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Course,
    Learner,
    Trainer,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const EVERYONE: &str = "200 200 200 200 200 200 200 200 200 200";
const KEEP: &str = "200 200 403 403 403 403 403 403 403 403";
const KEEP_CREATE: &str = "201 201 403 403 403 403 403 403 403 403";
const LEARNER_A_READ: &str = "200 200 200 200 200 200 200 200 404 200";
const LEARNER_A_KEEP: &str = "200 200 403 403 403 403 403 403 404 403";
const OTHER_PARTNER_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const OTHER_PARTNER_KEEP: &str = "200 200 403 403 403 403 403 404 404 403";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/courses", Target::None, Body::None, EVERYONE),
        ("post", "/api/v1/courses", Target::None, Body::Course, KEEP_CREATE),
        ("get", "/api/v1/courses/{id}", Target::Course, Body::None, EVERYONE),
        ("patch", "/api/v1/courses/{id}", Target::Course, Body::Empty, KEEP),
        ("post", "/api/v1/courses/{id}/archive", Target::Course, Body::None, KEEP),
        (
            "post",
            "/api/v1/courses/{id}/unarchive",
            Target::Course,
            Body::None,
            KEEP,
        ),
        ("get", "/api/v1/learners", Target::None, Body::None, EVERYONE),
        ("post", "/api/v1/learners", Target::None, Body::Learner, KEEP_CREATE),
        (
            "get",
            "/api/v1/learners/{id}",
            Target::LearnerA,
            Body::None,
            LEARNER_A_READ,
        ),
        (
            "get",
            "/api/v1/learners/{id}",
            Target::LearnerB,
            Body::None,
            OTHER_PARTNER_READ,
        ),
        (
            "patch",
            "/api/v1/learners/{id}",
            Target::LearnerA,
            Body::Empty,
            LEARNER_A_KEEP,
        ),
        (
            "patch",
            "/api/v1/learners/{id}",
            Target::LearnerB,
            Body::Empty,
            OTHER_PARTNER_KEEP,
        ),
        (
            "post",
            "/api/v1/learners/{id}/archive",
            Target::LearnerA,
            Body::None,
            LEARNER_A_KEEP,
        ),
        (
            "post",
            "/api/v1/learners/{id}/unarchive",
            Target::LearnerA,
            Body::None,
            LEARNER_A_KEEP,
        ),
        ("get", "/api/v1/course-trainers", Target::None, Body::None, EVERYONE),
        (
            "post",
            "/api/v1/course-trainers",
            Target::None,
            Body::Trainer,
            KEEP_CREATE,
        ),
        (
            "get",
            "/api/v1/course-trainers/{id}",
            Target::TrainerA,
            Body::None,
            EVERYONE,
        ),
        (
            "get",
            "/api/v1/course-trainers/{id}",
            Target::TrainerB,
            Body::None,
            OTHER_PARTNER_READ,
        ),
        (
            "patch",
            "/api/v1/course-trainers/{id}",
            Target::TrainerA,
            Body::Empty,
            KEEP,
        ),
        (
            "patch",
            "/api/v1/course-trainers/{id}",
            Target::TrainerB,
            Body::Empty,
            OTHER_PARTNER_KEEP,
        ),
        (
            "post",
            "/api/v1/course-trainers/{id}/archive",
            Target::TrainerA,
            Body::None,
            KEEP,
        ),
        (
            "post",
            "/api/v1/course-trainers/{id}/unarchive",
            Target::TrainerA,
            Body::None,
            KEEP,
        ),
    ]
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A SKU education's courses are sold as.
pub async fn training_sku(s: &dyn Store) -> i64 {
    let n = next();
    let ty: psops_core::catalog::OfferingType = made(
        s.create(
            &WriteCtx::trusted(),
            OfferingTypeFields {
                category: "Education".into(),
                name: format!("Instructor-led training {n}"),
                description: None,
            },
        )
        .await
        .expect("type"),
    );
    let o: psops_core::catalog::Offering = made(
        s.create(
            &WriteCtx::trusted(),
            OfferingFields {
                type_id: ty.id,
                name: format!("Classes {n}"),
                maturity: Maturity::Viable,
                description: None,
                kit_links: vec![],
                checklist: vec![],
                effort: vec![],
            },
        )
        .await
        .expect("offering"),
    );
    let sku: Sku = made(
        s.create(
            &WriteCtx::trusted(),
            SkuFields {
                offering_id: o.id,
                code: format!("EDU-CLASS-{n}"),
                name: "Instructor-led class".into(),
                unit: Unit::FixedPackage,
                block_minutes: None,
                term_months: None,
                currency: Currency::USD,
                seat_limit: Some(12),
                addon_sku_id: None,
                bounds: vec![],
                bounds_note: None,
                always_custom: false,
                standard_sow: true,
                te_separate: false,
                channel: Channel::SalesAssisted,
                status: SkuStatus::Active,
            },
        )
        .await
        .expect("sku"),
    );
    sku.id.get()
}

pub fn course_fields(sku: i64) -> CourseFields {
    CourseFields {
        sku_id: Id::new(sku),
        name: format!("Git fundamentals {}", next()),
        delivery: CourseDelivery::Remote,
        state: CourseState::Production,
        course_version: "1.0".into(),
        outline: None,
        duration_days: 2,
    }
}

pub async fn course(s: &dyn Store, sku: i64) -> i64 {
    let c: Course = made(
        s.create(&WriteCtx::trusted(), course_fields(sku))
            .await
            .expect("course"),
    );
    c.id.get()
}

fn learner_fields(partner: Option<i64>) -> LearnerFields {
    LearnerFields {
        name: format!("Learner {}", next()),
        email: None,
        organisation: if partner.is_some() {
            LearnerOrg::PartnerConsultant
        } else {
            LearnerOrg::Employee
        },
        person_id: None,
        partner_id: partner.map(Id::new),
        account_id: None,
        contact_id: None,
    }
}

async fn learner(s: &dyn Store, partner: i64) -> i64 {
    let l: Learner = made(
        s.create(&WriteCtx::trusted(), learner_fields(Some(partner)))
            .await
            .expect("learner"),
    );
    l.id.get()
}

pub fn trainer_fields(person: i64, course: i64) -> CourseTrainerFields {
    CourseTrainerFields {
        person_id: Id::new(person),
        course_id: Id::new(course),
        path: TrainerPath::Staff,
        certified_on: date!(2026 - 01 - 01),
        expires_on: None,
    }
}

/// Completes the person's path for the course (a course trainer record needs it), graded
/// by `grader`; once per person and course.
async fn path(s: &dyn Store, person: i64, course: i64, grader: i64) {
    let c: Course = s.get(Id::new(course)).await.expect("course");
    let who = (Id::new(person), TrainerPath::Staff);
    psops_demo::certifications::complete_path(s, &WriteCtx::trusted(), who, &c, date!(2026 - 01 - 01), Id::new(grader))
        .await
        .expect("path");
}

/// A course trainer record for `person`, once their path for the course is complete
/// (its lab graded by `grader`).
pub async fn certified(s: &dyn Store, person: i64, course: i64, grader: i64) -> i64 {
    path(s, person, course, grader).await;
    trainer(s, person, course).await
}

async fn trainer(s: &dyn Store, person: i64, course: i64) -> i64 {
    let t: CourseTrainer = made(
        s.create(&WriteCtx::trusted(), trainer_fields(person, course))
            .await
            .expect("trainer"),
    );
    t.id.get()
}

async fn every_education_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let sku = training_sku(s).await;
    let shared = course(s, sku).await;
    // Each trainer the rows certify has completed their path for the course.
    for person in [org.people[8], org.b_person, org.people[6]] {
        path(s, person, shared, org.people[0]).await;
    }
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::Course => course(s, sku).await.to_string(),
                Target::LearnerA => learner(s, org.partner_a).await.to_string(),
                Target::LearnerB => learner(s, org.partner_b).await.to_string(),
                Target::TrainerA => trainer(s, org.people[8], shared).await.to_string(),
                Target::TrainerB => trainer(s, org.b_person, shared).await.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Empty => Some(json!({})),
                Body::Course => Some(serde_json::to_value(course_fields(sku)).unwrap_or_default()),
                Body::Learner => Some(serde_json::to_value(learner_fields(None)).unwrap_or_default()),
                Body::Trainer => Some(serde_json::to_value(trainer_fields(org.people[6], shared)).unwrap_or_default()),
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_education_route_for_every_role);
