//! The authorization matrix of partnering's routes: every role against partner A (the
//! partner of the matrix's partner roles) and partner B (nobody's — every id of it a
//! probe the partner roles must not see), with the exact status the policy gives.
//! Partners' status and checklist are kept by ops and administrators; a partner's
//! contacts and its consultants' skills and certifications also by its own managers;
//! the company's vetting reviews by ops and administrators alone; a partner's consultant
//! reads only their own skills and vetting. `matrix.rs` counts these rows when it checks
//! every documented route has one.

use psops_core::Id;
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContactFields};
use psops_core::partnering::vetting::{NewVettingReview, ReviewOutcome, VettingReviewFields, VettingStep};
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::{Function, PersonFields};
use psops_core::skills::{NewPersonCertification, NewPersonSkill, PersonCertificationFields, PersonSkillFields};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use serde_json::{Value, json};
use time::macros::date;

use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    PartnerA,
    PartnerB,
    /// A new staff-augmentation partner, a prospect.
    FreshPartner,
    /// Partner A's consultant (the partner-consultant role's own person).
    ConsultantA,
    /// Partner A's manager's own person.
    ManagerA,
    ConsultantB,
    /// One of the company's own people.
    Staff,
    ContactA,
    ContactB,
    SkillA,
    SkillB,
    CertA,
    CertB,
    ReviewA,
    ReviewB,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    /// A move no status allows: refused by the rule (409) once the roles allow it.
    BadMove,
    Tick(&'static str),
    Untick(&'static str),
    Contact,
    Skill,
    Cert,
    Review,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
/// Partner B's, or the company's own: hidden from partner A's people.
const HIDDEN_FROM_A: &str = "200 200 200 200 200 200 200 404 404 200";
/// Kept by ops and administrators; partner A's people see it.
const OPS_KEEP_A: &str = "200 200 403 403 403 403 403 403 403 403";
const OPS_KEEP_B: &str = "200 200 403 403 403 403 403 404 404 403";
const OPS_MAKE_A: &str = "201 201 403 403 403 403 403 403 403 403";
const OPS_MAKE_B: &str = "201 201 403 403 403 403 403 404 404 403";
const MOVE_A: &str = "409 409 403 403 403 403 403 403 403 403";
const MOVE_B: &str = "409 409 403 403 403 403 403 404 404 403";
/// Also kept by partner A's manager.
const OWN_KEEP_A: &str = "200 200 403 403 403 403 403 200 403 403";
const OWN_MAKE_A: &str = "201 201 403 403 403 403 403 201 403 403";
/// A colleague's vetting: partner A's consultant does not see their manager's.
const COLLEAGUE: &str = "200 200 200 200 200 200 200 200 404 200";

pub fn rows() -> Vec<Row> {
    use Body as B;
    use Target as T;
    vec![
        ("post", "/api/v1/partners/{id}/move", T::PartnerA, B::BadMove, MOVE_A),
        ("post", "/api/v1/partners/{id}/move", T::PartnerB, B::BadMove, MOVE_B),
        ("get", "/api/v1/partners/{id}/onboarding", T::PartnerA, B::None, ALL_200),
        (
            "get",
            "/api/v1/partners/{id}/onboarding",
            T::PartnerB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "post",
            "/api/v1/partners/{id}/onboarding/tick",
            T::PartnerA,
            B::Tick("partner_agreement"),
            OPS_KEEP_A,
        ),
        (
            "post",
            "/api/v1/partners/{id}/onboarding/tick",
            T::PartnerB,
            B::Tick("partner_agreement"),
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/partners/{id}/onboarding/tick",
            T::FreshPartner,
            B::Tick("supplier_record"),
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/partners/{id}/onboarding/untick",
            T::PartnerA,
            B::Untick("buddy"),
            MOVE_A,
        ),
        (
            "post",
            "/api/v1/partners/{id}/onboarding/untick",
            T::FreshPartner,
            B::Untick("buddy"),
            OPS_KEEP_B,
        ),
        ("get", "/api/v1/partners/{id}/vetting", T::PartnerA, B::None, ALL_200),
        (
            "get",
            "/api/v1/partners/{id}/vetting",
            T::PartnerB,
            B::None,
            HIDDEN_FROM_A,
        ),
        ("get", "/api/v1/people/{id}/vetting", T::ConsultantA, B::None, ALL_200),
        ("get", "/api/v1/people/{id}/vetting", T::ManagerA, B::None, COLLEAGUE),
        (
            "get",
            "/api/v1/people/{id}/vetting",
            T::ConsultantB,
            B::None,
            HIDDEN_FROM_A,
        ),
        ("get", "/api/v1/people/{id}/vetting", T::Staff, B::None, HIDDEN_FROM_A),
        // Contacts.
        ("get", "/api/v1/partners/{id}/contacts", T::PartnerA, B::None, ALL_200),
        (
            "get",
            "/api/v1/partners/{id}/contacts",
            T::PartnerB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "post",
            "/api/v1/partners/{id}/contacts",
            T::PartnerA,
            B::Contact,
            OWN_MAKE_A,
        ),
        (
            "post",
            "/api/v1/partners/{id}/contacts",
            T::PartnerB,
            B::Contact,
            OPS_MAKE_B,
        ),
        ("get", "/api/v1/partner-contacts/{id}", T::ContactA, B::None, ALL_200),
        (
            "get",
            "/api/v1/partner-contacts/{id}",
            T::ContactB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "patch",
            "/api/v1/partner-contacts/{id}",
            T::ContactA,
            B::Empty,
            OWN_KEEP_A,
        ),
        (
            "patch",
            "/api/v1/partner-contacts/{id}",
            T::ContactB,
            B::Empty,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/partner-contacts/{id}/archive",
            T::ContactA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/partner-contacts/{id}/archive",
            T::ContactB,
            B::None,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/partner-contacts/{id}/unarchive",
            T::ContactA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/partner-contacts/{id}/unarchive",
            T::ContactB,
            B::None,
            OPS_KEEP_B,
        ),
        // Skills.
        ("get", "/api/v1/people/{id}/skills", T::ConsultantA, B::None, ALL_200),
        ("get", "/api/v1/people/{id}/skills", T::ManagerA, B::None, COLLEAGUE),
        (
            "get",
            "/api/v1/people/{id}/skills",
            T::ConsultantB,
            B::None,
            HIDDEN_FROM_A,
        ),
        ("get", "/api/v1/people/{id}/skills", T::Staff, B::None, HIDDEN_FROM_A),
        (
            "post",
            "/api/v1/people/{id}/skills",
            T::ConsultantA,
            B::Skill,
            OWN_MAKE_A,
        ),
        (
            "post",
            "/api/v1/people/{id}/skills",
            T::ConsultantB,
            B::Skill,
            OPS_MAKE_B,
        ),
        ("get", "/api/v1/person-skills/{id}", T::SkillA, B::None, ALL_200),
        ("get", "/api/v1/person-skills/{id}", T::SkillB, B::None, HIDDEN_FROM_A),
        ("patch", "/api/v1/person-skills/{id}", T::SkillA, B::Empty, OWN_KEEP_A),
        ("patch", "/api/v1/person-skills/{id}", T::SkillB, B::Empty, OPS_KEEP_B),
        (
            "post",
            "/api/v1/person-skills/{id}/archive",
            T::SkillA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/person-skills/{id}/archive",
            T::SkillB,
            B::None,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/person-skills/{id}/unarchive",
            T::SkillA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/person-skills/{id}/unarchive",
            T::SkillB,
            B::None,
            OPS_KEEP_B,
        ),
        // Certifications.
        (
            "get",
            "/api/v1/people/{id}/certifications",
            T::ConsultantA,
            B::None,
            ALL_200,
        ),
        (
            "get",
            "/api/v1/people/{id}/certifications",
            T::ConsultantB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "post",
            "/api/v1/people/{id}/certifications",
            T::ConsultantA,
            B::Cert,
            OWN_MAKE_A,
        ),
        (
            "post",
            "/api/v1/people/{id}/certifications",
            T::ConsultantB,
            B::Cert,
            OPS_MAKE_B,
        ),
        ("get", "/api/v1/person-certifications/{id}", T::CertA, B::None, ALL_200),
        (
            "get",
            "/api/v1/person-certifications/{id}",
            T::CertB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "patch",
            "/api/v1/person-certifications/{id}",
            T::CertA,
            B::Empty,
            OWN_KEEP_A,
        ),
        (
            "patch",
            "/api/v1/person-certifications/{id}",
            T::CertB,
            B::Empty,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/person-certifications/{id}/archive",
            T::CertA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/person-certifications/{id}/archive",
            T::CertB,
            B::None,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/person-certifications/{id}/unarchive",
            T::CertA,
            B::None,
            OWN_KEEP_A,
        ),
        (
            "post",
            "/api/v1/person-certifications/{id}/unarchive",
            T::CertB,
            B::None,
            OPS_KEEP_B,
        ),
        // The company's vetting reviews: partners never record them.
        (
            "get",
            "/api/v1/people/{id}/vetting-reviews",
            T::ConsultantA,
            B::None,
            ALL_200,
        ),
        (
            "get",
            "/api/v1/people/{id}/vetting-reviews",
            T::ManagerA,
            B::None,
            COLLEAGUE,
        ),
        (
            "get",
            "/api/v1/people/{id}/vetting-reviews",
            T::ConsultantB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "post",
            "/api/v1/people/{id}/vetting-reviews",
            T::ConsultantA,
            B::Review,
            OPS_MAKE_A,
        ),
        (
            "post",
            "/api/v1/people/{id}/vetting-reviews",
            T::ConsultantB,
            B::Review,
            OPS_MAKE_B,
        ),
        ("get", "/api/v1/vetting-reviews/{id}", T::ReviewA, B::None, ALL_200),
        (
            "get",
            "/api/v1/vetting-reviews/{id}",
            T::ReviewB,
            B::None,
            HIDDEN_FROM_A,
        ),
        (
            "patch",
            "/api/v1/vetting-reviews/{id}",
            T::ReviewA,
            B::Empty,
            OPS_KEEP_A,
        ),
        (
            "patch",
            "/api/v1/vetting-reviews/{id}",
            T::ReviewB,
            B::Empty,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/vetting-reviews/{id}/archive",
            T::ReviewA,
            B::None,
            OPS_KEEP_A,
        ),
        (
            "post",
            "/api/v1/vetting-reviews/{id}/archive",
            T::ReviewB,
            B::None,
            OPS_KEEP_B,
        ),
        (
            "post",
            "/api/v1/vetting-reviews/{id}/unarchive",
            T::ReviewA,
            B::None,
            OPS_KEEP_A,
        ),
        (
            "post",
            "/api/v1/vetting-reviews/{id}/unarchive",
            T::ReviewB,
            B::None,
            OPS_KEEP_B,
        ),
    ]
}

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// The company's technical architect, who reviews partner consultants.
async fn reviewer(store: &dyn Store) -> i64 {
    let f = PersonFields {
        name: "Matrix Reviewer".into(),
        email: "matrix.reviewer@matrix.example".into(),
        function: Function::TechnicalArchitect,
        region: "EMEA".into(),
        time_zone: "UTC".into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: date!(2025 - 01 - 01),
        employment_end: None,
        manager_id: None,
        partner_id: None,
    };
    made(store.create(&ctx(), f).await.expect("reviewer")).id.get()
}

fn review_fields(reviewer: i64) -> VettingReviewFields {
    VettingReviewFields {
        step: VettingStep::SoftSkillsVideo,
        reviewer_id: Id::new(reviewer),
        held_on: date!(2026 - 02 - 02),
        outcome: ReviewOutcome::Pass,
        notes: None,
    }
}

/// The id a row's target stands for, made fresh where a cell changes it.
async fn target(store: &dyn Store, org: &Org, ta: i64, t: Target) -> String {
    let a = org.people[8];
    let b = org.b_person;
    let skill = |person: i64| NewPersonSkill {
        person_id: Id::new(person),
        fields: PersonSkillFields {
            skill: format!("Skill {}", next()),
            level: 3,
            growth: false,
        },
    };
    let cert = |person: i64| NewPersonCertification {
        person_id: Id::new(person),
        fields: PersonCertificationFields {
            code: "migration".into(),
            name: "Migration".into(),
            issued_on: date!(2026 - 01 - 01),
            expires_on: None,
        },
    };
    let contact = |partner: i64| NewPartnerContact {
        partner_id: Id::new(partner),
        fields: PartnerContactFields {
            name: "Pat".into(),
            email: None,
            phone: None,
            role: None,
        },
    };
    let review = |person: i64| NewVettingReview {
        person_id: Id::new(person),
        fields: review_fields(ta),
    };
    let id = match t {
        Target::PartnerA => org.partner_a,
        Target::PartnerB => org.partner_b,
        Target::FreshPartner => {
            let f = PartnerFields {
                name: format!("Fresh partner {}", next()),
                partner_type: PartnerType::StaffAugmentation,
                region: None,
                notes: None,
                training_since: None,
            };
            made(store.create(&ctx(), f).await.expect("partner")).id.get()
        }
        Target::ConsultantA => a,
        Target::ManagerA => org.people[7],
        Target::ConsultantB => b,
        Target::Staff => org.people[0],
        Target::ContactA => made(store.create(&ctx(), contact(org.partner_a)).await.expect("contact"))
            .id
            .get(),
        Target::ContactB => made(store.create(&ctx(), contact(org.partner_b)).await.expect("contact"))
            .id
            .get(),
        Target::SkillA => made(store.create(&ctx(), skill(a)).await.expect("skill")).id.get(),
        Target::SkillB => made(store.create(&ctx(), skill(b)).await.expect("skill")).id.get(),
        Target::CertA => made(store.create(&ctx(), cert(a)).await.expect("cert")).id.get(),
        Target::CertB => made(store.create(&ctx(), cert(b)).await.expect("cert")).id.get(),
        Target::ReviewA => made(store.create(&ctx(), review(a)).await.expect("review")).id.get(),
        Target::ReviewB => made(store.create(&ctx(), review(b)).await.expect("review")).id.get(),
    };
    id.to_string()
}

fn body(b: Body, ta: i64) -> Option<Value> {
    Some(match b {
        Body::None => return None,
        Body::Empty => json!({}),
        Body::BadMove => json!({"to": "prospect"}),
        Body::Tick(item) => json!({"item": item, "done_on": "2026-02-02"}),
        Body::Untick(item) => json!({"item": item}),
        Body::Contact => json!({"name": "Robin", "email": "robin@partner.example", "role": "Delivery lead"}),
        Body::Skill => json!({"skill": format!("Skill {}", next()), "level": 4}),
        Body::Cert => json!({"code": "pm", "name": "PM", "issued_on": "2026-01-01"}),
        Body::Review => serde_json::to_value(review_fields(ta)).unwrap_or_default(),
    })
}

async fn every_partnering_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let ta = reviewer(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = target(app.store.as_ref(), &org, ta, t).await;
            let url = path.replace("{id}", &id);
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body(b, ta).as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_partnering_route_for_every_role);
