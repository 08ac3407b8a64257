//! The certification pages: ops sees every certification with its pass rate, its page
//! with attempts and certificates, a learner's page and a trainer's path as a checklist;
//! a partner's manager sees their own consultant's page but not another partner's; the
//! public verification page answers anyone without a sign-in with the holder, the
//! certification, its status and expiry only, and an unknown or malformed number alike.

use axum::body::Body;
use axum::http::{Method, Request};
use psops_core::Id;
use psops_core::auth::Role;
use psops_core::certifications::trainer_paths::{CandidacyFields, TrainerCandidacy};
use psops_core::certifications::{Certification, CertificationFields, LabInput, WrittenInput};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::education::trainers::TrainerPath;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use time::macros::date;

use crate::matrix_education::{course, training_sku};
use crate::matrix_fixture::Org;
use crate::support::{Resp, TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

pub(crate) fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

pub(crate) fn html(r: &Resp) -> String {
    r.text
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
}

pub(crate) async fn learner(s: &dyn Store, name: &str, partner: i64) -> Learner {
    let f = LearnerFields {
        name: name.into(),
        email: Some(format!("{}@partner.example", name.to_lowercase().replace(' ', "."))),
        organisation: LearnerOrg::PartnerConsultant,
        person_id: None,
        partner_id: Some(Id::new(partner)),
        account_id: None,
        contact_id: None,
    };
    made(s.create(&WriteCtx::trusted(), f).await.expect("learner"))
}

/// The learner passes on 2026-03-03: the certificate's number.
async fn pass(s: &dyn Store, cert: &Certification, who: &Learner, grader: i64) -> String {
    let ctx = WriteCtx::trusted();
    let w = WrittenInput {
        learner_id: who.id,
        taken_on: date!(2026 - 03 - 02),
        score: 88,
    };
    let a = s.record_written(&ctx, cert.id, w).await.expect("written");
    let lab = LabInput {
        grader_id: Id::new(grader),
        taken_on: date!(2026 - 03 - 03),
        rubric_score: 91,
        passed: true,
        comments: None,
    };
    let (_, c) = s.record_lab(&ctx, a.id, None, lab).await.expect("lab");
    c.expect("certificate").fields.number
}

async fn anonymous(app: &TestApp, path: &str) -> Resp {
    let req = Request::builder().method(Method::GET).uri(path);
    app.send(req.body(Body::empty()).expect("request")).await
}

async fn certification_pages_show_what_each_reader_may_see(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    web_user(s, "ops@org.example", vec![Role::Ops], Some(org.people[1])).await;
    web_user(s, "pm@partner.example", vec![Role::PartnerManager], Some(org.people[7])).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let sku = training_sku(s).await;
    let c = course(s, sku).await;
    let cert: Certification = made(
        s.create(
            &WriteCtx::trusted(),
            CertificationFields {
                code: "ci-cd".into(),
                name: "CI/CD Specialist".into(),
                course_id: Some(Id::new(c)),
                written_pass_mark: 70,
                lab_pass_mark: 80,
                max_attempts: None,
                retake_wait_days: None,
                validity_months: 12,
                description: None,
            },
        )
        .await
        .expect("certification"),
    );
    let ada = learner(s, "Ada Acme", org.partner_a).await;
    let bob = learner(s, "Bob Beta", org.partner_b).await;
    let grader = org.people[6];
    let number = pass(s, &cert, &ada, grader).await;
    pass(s, &cert, &bob, grader).await;

    let list = html(&ops.get(&app, "/certifications").await.expect(200));
    assert!(list.contains("CI/CD Specialist") && list.contains("100 %"), "{list}");
    assert!(list.contains("href=\"/certifications\""), "the nav links the page");
    let page = html(&ops.get(&app, &format!("/certifications/{}", cert.id)).await.expect(200));
    assert!(page.contains("Ada Acme") && page.contains("Bob Beta"), "{page}");
    assert!(page.contains("80 / 100") && page.contains(&number), "{page}");
    let mine = html(
        &ops.get(&app, &format!("/learners/{}/certifications", ada.id))
            .await
            .expect(200),
    );
    assert!(mine.contains(&number) && mine.contains("91 / 80"), "{mine}");

    // A partner's manager: their consultant, not the other partner's.
    let theirs = html(
        &partner
            .get(&app, &format!("/certifications/{}", cert.id))
            .await
            .expect(200),
    );
    assert!(theirs.contains("Ada Acme") && !theirs.contains("Bob Beta"), "{theirs}");
    partner
        .get(&app, &format!("/learners/{}/certifications", ada.id))
        .await
        .expect(200);
    partner
        .get(&app, &format!("/learners/{}/certifications", bob.id))
        .await
        .expect(404);

    // A trainer's path as a checklist.
    let path: TrainerCandidacy = made(
        s.create(
            &WriteCtx::trusted(),
            CandidacyFields {
                person_id: Id::new(org.people[8]),
                course_id: Id::new(c),
                path: TrainerPath::ChannelPartner,
                started_on: date!(2026 - 01 - 05),
                resources_reviewed_on: None,
                shadowed_trainer_id: None,
                shadowed_on: None,
                ttt_session_on: None,
                dry_run_on: None,
                dry_run_minutes: None,
                training_experience_months: Some(24),
                educator_certificate: None,
                vendor_trainer_credential: None,
                deliveries: Vec::new(),
                notes: None,
            },
        )
        .await
        .expect("path"),
    );
    let checklist = html(&ops.get(&app, &format!("/trainer-paths/{}", path.id)).await.expect(200));
    assert!(checklist.contains("id=\"trainer-checklist\""), "{checklist}");
    assert!(checklist.contains("24 months of training experience"), "{checklist}");
    assert!(checklist.contains("0 of 2 full deliveries"), "{checklist}");
    assert!(checklist.contains("id=\"path-open\""), "{checklist}");

    // The public page: no sign-in, only the holder, certification, status and expiry.
    let public = anonymous(&app, &format!("/verify/{}", number.to_lowercase()))
        .await
        .expect(200);
    let shown = html(&public);
    assert!(
        shown.contains("Ada Acme") && shown.contains("CI/CD Specialist"),
        "{shown}"
    );
    assert!(shown.contains("Valid") && shown.contains("2027-03-03"), "{shown}");
    assert!(
        !shown.contains("partner.example") && !shown.contains("Partner A"),
        "{shown}"
    );
    assert_eq!(public.header("cache-control"), Some("no-store"));
    let typed = anonymous(&app, &format!("/verify?number={}", number.replace('-', "+"))).await;
    assert!(html(&typed.expect(200)).contains("Ada Acme"));
    for unknown in ["/verify/PSC-0000-0000-0000", "/verify/1", "/verify?number=%27+OR+1%3D1"] {
        let r = anonymous(&app, unknown).await.expect(404);
        assert!(html(&r).contains("id=\"certificate-unknown\""), "{unknown}");
    }
    let form = html(&anonymous(&app, "/verify").await.expect(200));
    assert!(
        form.contains("id=\"verify\"") && !form.contains("certificate-unknown"),
        "{form}"
    );
}

api_tests!(certification_pages_show_what_each_reader_may_see);
