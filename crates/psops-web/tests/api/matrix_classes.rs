//! The authorization matrix of classes and their registrations: every route × role.
//! Those who oversee delivery read every class, a trainer their own and a partner's
//! people their organisation's trainers' classes (never another partner's); ops and
//! administrators keep classes and registrations; the trainer also marks attendance and
//! workflow steps and submits the roster. `matrix.rs` counts these rows.

use psops_core::Id;
use psops_core::education::classes::{ClassAudience, ClassDelivery, TrainingClass, TrainingClassFields};
use psops_core::education::enrolments::{Enrolment, EnrolmentFields, EnrolmentStatus};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use serde_json::{Value, json};
use time::macros::date;

use crate::matrix_education::{certified, course, training_sku};
use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// A class taught by the consultant role's person (a staff trainer).
    OwnClass,
    /// A class taught by partner A's consultant (the partner-consultant role's person).
    PartnerAClass,
    /// A class taught by partner B's consultant.
    PartnerBClass,
    /// A registration on a class of the staff trainer.
    Enrolment,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Class,
    Enrolment,
    Step,
    Attendance,
    Roster,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const EVERYONE: &str = "200 200 200 200 200 200 200 200 200 200";
const CREATE: &str = "201 201 403 403 403 403 403 403 403 403";
const OWN_READ: &str = "200 200 200 200 200 404 200 404 404 200";
const OWN_KEEP: &str = "200 200 403 403 403 404 403 404 404 403";
const OWN_ROSTER: &str = "200 200 403 403 403 404 200 404 404 403";
const A_READ: &str = "200 200 200 200 200 404 404 200 200 200";
const A_ROSTER: &str = "200 200 403 403 403 404 404 403 200 403";
const B_READ: &str = "200 200 200 200 200 404 404 404 404 200";
const B_ROSTER: &str = "200 200 403 403 403 404 404 404 404 403";

pub fn rows() -> Vec<Row> {
    use Target::*;
    vec![
        ("get", "/api/v1/classes", None, Body::None, EVERYONE),
        ("post", "/api/v1/classes", None, Body::Class, CREATE),
        ("get", "/api/v1/classes/{id}", OwnClass, Body::None, OWN_READ),
        ("get", "/api/v1/classes/{id}", PartnerAClass, Body::None, A_READ),
        ("get", "/api/v1/classes/{id}", PartnerBClass, Body::None, B_READ),
        ("patch", "/api/v1/classes/{id}", OwnClass, Body::Empty, OWN_KEEP),
        ("post", "/api/v1/classes/{id}/archive", OwnClass, Body::None, OWN_KEEP),
        ("post", "/api/v1/classes/{id}/unarchive", OwnClass, Body::None, OWN_KEEP),
        ("get", "/api/v1/classes/{id}/workflow", OwnClass, Body::None, OWN_READ),
        (
            "get",
            "/api/v1/classes/{id}/workflow",
            PartnerBClass,
            Body::None,
            B_READ,
        ),
        ("post", "/api/v1/classes/{id}/steps", OwnClass, Body::Step, OWN_ROSTER),
        (
            "post",
            "/api/v1/classes/{id}/steps",
            PartnerAClass,
            Body::Step,
            A_ROSTER,
        ),
        ("get", "/api/v1/classes/{id}/roster", OwnClass, Body::None, OWN_READ),
        ("get", "/api/v1/classes/{id}/roster", PartnerAClass, Body::None, A_READ),
        ("get", "/api/v1/classes/{id}/roster", PartnerBClass, Body::None, B_READ),
        ("get", "/api/v1/classes/{id}/surveys", OwnClass, Body::None, OWN_READ),
        ("get", "/api/v1/classes/{id}/surveys", PartnerAClass, Body::None, A_READ),
        ("get", "/api/v1/classes/{id}/surveys", PartnerBClass, Body::None, B_READ),
        (
            "put",
            "/api/v1/classes/{id}/attendance",
            OwnClass,
            Body::Attendance,
            OWN_ROSTER,
        ),
        (
            "put",
            "/api/v1/classes/{id}/attendance",
            PartnerAClass,
            Body::Attendance,
            A_ROSTER,
        ),
        (
            "post",
            "/api/v1/classes/{id}/roster",
            OwnClass,
            Body::Roster,
            OWN_ROSTER,
        ),
        (
            "post",
            "/api/v1/classes/{id}/roster",
            PartnerAClass,
            Body::Roster,
            A_ROSTER,
        ),
        (
            "post",
            "/api/v1/classes/{id}/roster",
            PartnerBClass,
            Body::Roster,
            B_ROSTER,
        ),
        ("get", "/api/v1/enrolments", OwnClass, Body::None, OWN_READ),
        ("post", "/api/v1/enrolments", None, Body::Enrolment, CREATE),
        ("get", "/api/v1/enrolments/{id}", Enrolment, Body::None, OWN_READ),
        ("patch", "/api/v1/enrolments/{id}", Enrolment, Body::Empty, OWN_KEEP),
        (
            "post",
            "/api/v1/enrolments/{id}/archive",
            Enrolment,
            Body::None,
            OWN_KEEP,
        ),
        (
            "post",
            "/api/v1/enrolments/{id}/unarchive",
            Enrolment,
            Body::None,
            OWN_KEEP,
        ),
    ]
}

pub fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

pub fn class_fields(course: i64, trainer: i64) -> TrainingClassFields {
    TrainingClassFields {
        course_id: Id::new(course),
        trainer_id: Id::new(trainer),
        start_date: date!(2026 - 01 - 12),
        end_date: date!(2026 - 01 - 13),
        time_zone: "UTC".into(),
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

async fn learner(s: &dyn Store) -> i64 {
    let l: Learner = made(
        s.create(
            &WriteCtx::trusted(),
            LearnerFields {
                name: format!("Class learner {}", next()),
                email: None,
                organisation: LearnerOrg::Employee,
                person_id: None,
                partner_id: None,
                account_id: None,
                contact_id: None,
            },
        )
        .await
        .expect("learner"),
    );
    l.id.get()
}

/// A class of the trainer's with one registration: (class, enrolment).
pub async fn class(s: &dyn Store, course: i64, trainer: i64) -> (i64, i64) {
    let c: TrainingClass = made(
        s.create(&WriteCtx::trusted(), class_fields(course, trainer))
            .await
            .expect("class"),
    );
    let e: Enrolment = made(
        s.create(
            &WriteCtx::trusted(),
            EnrolmentFields {
                class_id: c.id,
                learner_id: Id::new(learner(s).await),
                status: EnrolmentStatus::Registered,
                project_id: None,
            },
        )
        .await
        .expect("enrolment"),
    );
    (c.id.get(), e.id.get())
}

async fn every_class_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let sku = training_sku(s).await;
    let git = course(s, sku).await;
    let (staff, partner_a, partner_b) = (org.people[6], org.people[8], org.b_person);
    for person in [staff, partner_a, partner_b] {
        certified(s, person, git, org.people[0]).await;
    }
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::OwnClass => class(s, git, staff).await.0.to_string(),
                Target::PartnerAClass => class(s, git, partner_a).await.0.to_string(),
                Target::PartnerBClass => class(s, git, partner_b).await.0.to_string(),
                Target::Enrolment => class(s, git, staff).await.1.to_string(),
            };
            let url = if path == "/api/v1/enrolments" && method == "get" {
                format!("{path}?class_id={id}")
            } else {
                path.replace("{id}", &id)
            };
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Empty => Some(json!({})),
                Body::Class => Some(serde_json::to_value(class_fields(git, staff)).unwrap_or_default()),
                Body::Enrolment => {
                    let (c, _) = class(s, git, staff).await;
                    Some(json!({"class_id": c, "learner_id": learner(s).await}))
                }
                Body::Step => Some(json!({"step": "welcome", "done_on": "2025-12-15"})),
                Body::Attendance => Some(json!({"rows": []})),
                Body::Roster => Some(json!({"submitted_on": "2026-01-14"})),
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_class_route_for_every_role);
