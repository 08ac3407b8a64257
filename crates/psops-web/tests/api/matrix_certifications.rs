//! The authorization matrix of certifications and trainer paths: every route × role.
//! Certifications are read by everyone and kept by ops and administrators; attempts and
//! certificates are read as their learner (the company's staff, and a partner's managers
//! for their own consultants), recorded and revoked by ops and administrators, and a lab
//! is graded also by the company's consultants (the PS engineers). A trainer's path is
//! read with the person and kept by ops and administrators; certifying an incomplete path
//! is refused by its rule (409) for those allowed to try. Nobody at a partner sees another
//! partner's. The education report is read by administrators, operations, finance,
//! practice managers, leadership and (their own trainers) a partner's managers. `matrix.rs` counts these rows.

use psops_core::Id;
use psops_core::certifications::trainer_paths::{CandidacyFields, TrainerCandidacy};
use psops_core::certifications::{
    Certificate, Certification, CertificationAttempt, CertificationFields, LabInput, WrittenInput,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::education::trainers::TrainerPath;
use psops_core::store::{Created, RecordStore, Records as _, Store, WriteCtx};
use serde_json::{Value, json};
use time::macros::date;

use crate::matrix_education::{course, training_sku};
use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Certification,
    /// An attempt awaiting its lab, of a learner of partner A (`true`) or B.
    Attempt(bool),
    /// A certificate of a learner of partner A or B.
    Certificate(bool),
    /// A trainer path of partner A's consultant (the partner-consultant role's person) or
    /// of partner B's; archived when the route restores one.
    Path {
        a: bool,
        archived: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Certification,
    /// A written assessment of a fresh learner of partner A or B.
    Written(bool),
    Lab,
    Reason,
    /// A path for a fresh company person.
    Path,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const EVERYONE: &str = "200 200 200 200 200 200 200 200 200 200";
const KEEP: &str = "200 200 403 403 403 403 403 403 403 403";
const KEEP_CREATE: &str = "201 201 403 403 403 403 403 403 403 403";
const A_READ: &str = "200 200 200 200 200 200 200 200 404 200";
const B_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const A_GRADE: &str = "200 200 403 403 403 403 200 403 404 403";
const B_GRADE: &str = "200 200 403 403 403 403 200 404 404 403";
const A_KEEP: &str = "200 200 403 403 403 403 403 403 404 403";
const B_KEEP: &str = "200 200 403 403 403 403 403 404 404 403";
const REPORT: &str = "200 200 200 200 200 200 200 200 404 200";
// The education report carries training revenue: those who run education or read its
// money, and a partner's managers (their own trainers); others are refused.
const EDUCATION_REPORT: &str = "200 200 200 200 403 403 403 200 403 200";
const PATH_B_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const PATH_B_KEEP: &str = "200 200 403 403 403 403 403 404 404 403";
// An incomplete path is refused by its rule to those who may certify.
const PATH_A_CERTIFY: &str = "409 409 403 403 403 403 403 403 403 403";
const PATH_B_CERTIFY: &str = "409 409 403 403 403 403 403 404 404 403";

pub fn rows() -> Vec<Row> {
    use Target::*;
    let path = |a, archived| Path { a, archived };
    vec![
        ("get", "/api/v1/certifications", None, Body::None, EVERYONE),
        ("post", "/api/v1/certifications", None, Body::Certification, KEEP_CREATE),
        (
            "get",
            "/api/v1/certifications/{id}",
            Certification,
            Body::None,
            EVERYONE,
        ),
        ("patch", "/api/v1/certifications/{id}", Certification, Body::Empty, KEEP),
        (
            "post",
            "/api/v1/certifications/{id}/archive",
            Certification,
            Body::None,
            KEEP,
        ),
        (
            "post",
            "/api/v1/certifications/{id}/unarchive",
            Certification,
            Body::None,
            KEEP,
        ),
        (
            "post",
            "/api/v1/certifications/{id}/attempts",
            Certification,
            Body::Written(true),
            KEEP_CREATE,
        ),
        (
            "post",
            "/api/v1/certifications/{id}/attempts",
            Certification,
            Body::Written(false),
            KEEP_CREATE,
        ),
        ("get", "/api/v1/certification-attempts", None, Body::None, EVERYONE),
        (
            "get",
            "/api/v1/certification-attempts/{id}",
            Attempt(true),
            Body::None,
            A_READ,
        ),
        (
            "get",
            "/api/v1/certification-attempts/{id}",
            Attempt(false),
            Body::None,
            B_READ,
        ),
        (
            "post",
            "/api/v1/certification-attempts/{id}/lab",
            Attempt(true),
            Body::Lab,
            A_GRADE,
        ),
        (
            "post",
            "/api/v1/certification-attempts/{id}/lab",
            Attempt(false),
            Body::Lab,
            B_GRADE,
        ),
        ("get", "/api/v1/certificates", None, Body::None, EVERYONE),
        (
            "get",
            "/api/v1/certificates/{id}",
            Certificate(true),
            Body::None,
            A_READ,
        ),
        (
            "get",
            "/api/v1/certificates/{id}",
            Certificate(false),
            Body::None,
            B_READ,
        ),
        (
            "post",
            "/api/v1/certificates/{id}/revoke",
            Certificate(true),
            Body::Reason,
            A_KEEP,
        ),
        (
            "post",
            "/api/v1/certificates/{id}/revoke",
            Certificate(false),
            Body::Reason,
            B_KEEP,
        ),
        ("get", "/api/v1/certification-report", None, Body::None, REPORT),
        ("get", "/api/v1/education-report", None, Body::None, EDUCATION_REPORT),
        ("get", "/api/v1/trainer-paths", None, Body::None, EVERYONE),
        ("post", "/api/v1/trainer-paths", None, Body::Path, KEEP_CREATE),
        (
            "get",
            "/api/v1/trainer-paths/{id}",
            path(true, false),
            Body::None,
            EVERYONE,
        ),
        (
            "get",
            "/api/v1/trainer-paths/{id}",
            path(false, false),
            Body::None,
            PATH_B_READ,
        ),
        (
            "get",
            "/api/v1/trainer-paths/{id}/checklist",
            path(true, false),
            Body::None,
            EVERYONE,
        ),
        (
            "get",
            "/api/v1/trainer-paths/{id}/checklist",
            path(false, false),
            Body::None,
            PATH_B_READ,
        ),
        (
            "patch",
            "/api/v1/trainer-paths/{id}",
            path(true, false),
            Body::Empty,
            KEEP,
        ),
        (
            "patch",
            "/api/v1/trainer-paths/{id}",
            path(false, false),
            Body::Empty,
            PATH_B_KEEP,
        ),
        (
            "post",
            "/api/v1/trainer-paths/{id}/archive",
            path(true, false),
            Body::None,
            KEEP,
        ),
        (
            "post",
            "/api/v1/trainer-paths/{id}/unarchive",
            path(true, true),
            Body::None,
            KEEP,
        ),
        (
            "post",
            "/api/v1/trainer-paths/{id}/certify",
            path(true, false),
            Body::None,
            PATH_A_CERTIFY,
        ),
        (
            "post",
            "/api/v1/trainer-paths/{id}/certify",
            path(false, false),
            Body::None,
            PATH_B_CERTIFY,
        ),
    ]
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn certification_fields() -> CertificationFields {
    CertificationFields {
        code: format!("matrix-{}", next()),
        name: "Matrix certification".into(),
        course_id: None,
        written_pass_mark: 70,
        lab_pass_mark: 80,
        max_attempts: None,
        retake_wait_days: None,
        validity_months: 24,
        description: None,
    }
}

async fn certification(s: &dyn Store) -> Certification {
    made(s.create(&ctx(), certification_fields()).await.expect("certification"))
}

async fn learner(s: &dyn Store, partner: i64) -> Learner {
    let f = LearnerFields {
        name: format!("Learner {}", next()),
        email: None,
        organisation: LearnerOrg::PartnerConsultant,
        person_id: None,
        partner_id: Some(Id::new(partner)),
        account_id: None,
        contact_id: None,
    };
    made(s.create(&ctx(), f).await.expect("learner"))
}

fn written(l: &Learner) -> WrittenInput {
    WrittenInput {
        learner_id: l.id,
        taken_on: date!(2026 - 03 - 02),
        score: 90,
    }
}

fn lab_body(grader: i64) -> Value {
    json!({"grader_id": grader, "taken_on": "2026-03-03", "rubric_score": 90, "passed": true})
}

/// An attempt awaiting its lab, of a fresh learner of the partner.
async fn attempt(s: &dyn Store, partner: i64) -> CertificationAttempt {
    let c = certification(s).await;
    let l = learner(s, partner).await;
    s.record_written(&ctx(), c.id, written(&l)).await.expect("written")
}

async fn certificate(s: &dyn Store, partner: i64, grader: i64) -> Certificate {
    let a = attempt(s, partner).await;
    let lab = LabInput {
        grader_id: Id::new(grader),
        taken_on: date!(2026 - 03 - 03),
        rubric_score: 90,
        passed: true,
        comments: None,
    };
    s.record_lab(&ctx(), a.id, None, lab)
        .await
        .expect("lab")
        .1
        .expect("certificate")
}

fn path_fields(person: i64, course: i64, path: TrainerPath) -> CandidacyFields {
    CandidacyFields {
        person_id: Id::new(person),
        course_id: Id::new(course),
        path,
        started_on: date!(2026 - 01 - 05),
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

/// A fresh path of the person for a fresh course, archived when asked.
async fn trainer_path(s: &dyn Store, sku: i64, person: i64, archived: bool) -> i64 {
    let c = course(s, sku).await;
    let p: TrainerCandidacy = made(
        s.create(&ctx(), path_fields(person, c, TrainerPath::ChannelPartner))
            .await
            .expect("path"),
    );
    if archived {
        RecordStore::<TrainerCandidacy>::archive(s, &ctx(), p.id, None, true)
            .await
            .expect("archive");
    }
    p.id.get()
}

async fn every_certification_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let sku = training_sku(s).await;
    // The consultant's person, one of the company's engineers, grades the labs.
    let grader = org.people[6];
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let partner = |a: bool| if a { org.partner_a } else { org.partner_b };
            let id = match t {
                Target::None => String::new(),
                Target::Certification => certification(s).await.id.to_string(),
                Target::Attempt(a) => attempt(s, partner(a)).await.id.to_string(),
                Target::Certificate(a) => certificate(s, partner(a), grader).await.id.to_string(),
                Target::Path { a, archived } => {
                    let person = if a { org.people[8] } else { org.b_person };
                    trainer_path(s, sku, person, archived).await.to_string()
                }
            };
            let url = path.replace("{id}", &id);
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Empty => Some(json!({})),
                Body::Certification => Some(serde_json::to_value(certification_fields()).unwrap_or_default()),
                Body::Written(a) => {
                    let l = learner(s, partner(a)).await;
                    Some(json!({"learner_id": l.id.get(), "taken_on": "2026-03-02", "score": 90}))
                }
                Body::Lab => Some(lab_body(grader)),
                Body::Reason => Some(json!({"reason": "matrix"})),
                Body::Path => {
                    let c = course(s, sku).await;
                    let f = path_fields(org.people[6], c, TrainerPath::Staff);
                    Some(serde_json::to_value(f).unwrap_or_default())
                }
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_certification_route_for_every_role);
