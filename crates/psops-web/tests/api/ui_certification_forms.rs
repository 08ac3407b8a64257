//! The certification work done from the pages, signed in through the real sign-in: ops
//! defines a certification, records written assessments (a retake too soon or a second
//! open attempt refused at the field, nothing written), a PS engineer's lab is graded
//! (a partner's consultant as grader and a pass below the mark refused), a certificate is
//! revoked with a required reason; a trainer's path has its evidence edited and is
//! certified once complete (refused while an item is missing or once certified). A form
//! without its CSRF token is refused; a consultant gets no written form and a 403, a
//! partner's manager no button at all and a refusal on every POST.

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::certifications::attempts::{AttemptFilter, AttemptStatus};
use psops_core::certifications::certificates::{CertificateFilter, CertificateStatus};
use psops_core::certifications::trainer_paths::{CandidacyFilter, TrainerCandidacy};
use psops_core::certifications::{Certificate, Certification, CertificationAttempt};
use psops_core::education::courses::Course;
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFilter, TrainerPath};
use psops_core::store::prelude::*;
use psops_core::store::{Store, WriteCtx};
use time::macros::date;

use crate::matrix_education::{course, training_sku};
use crate::matrix_fixture::Org;
use crate::support::{Resp, TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};
use crate::ui_certifications::{html, learner};
use crate::ui_forms::version_in;

const OPS: usize = 1;
const ENGINEER: usize = 6;
const PARTNER_MANAGER: usize = 7;
const PARTNER_CONSULTANT: usize = 8;

/// The message told at `input` of the form whose ids start with `form`.
fn told(r: &Resp, form: &str, input: &str) -> String {
    let page = html(r);
    let mark = format!("<p class=\"error\" id=\"{form}e-{input}\">");
    let Some((_, rest)) = page.split_once(&mark) else {
        panic!("no error at {form}{input}: {page}");
    };
    rest.split("</p>").next().unwrap_or_default().to_string()
}

async fn attempts(s: &dyn Store, cert: Id<Certification>) -> Vec<CertificationAttempt> {
    let f = AttemptFilter {
        certification_id: Some(cert),
        ..Default::default()
    };
    s.every(&f).await.expect("attempts")
}

async fn certificates(s: &dyn Store, cert: Id<Certification>) -> Vec<Certificate> {
    let f = CertificateFilter {
        certification_id: Some(cert),
        ..Default::default()
    };
    s.every(&f).await.expect("certificates")
}

async fn ops_certifies_learners_from_the_certification_pages(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    web_user(s, "olga@org.example", vec![Role::Ops], Some(org.people[OPS])).await;
    web_user(s, "eng@org.example", vec![Role::Consultant], Some(org.people[ENGINEER])).await;
    web_user(
        s,
        "pat@partner.example",
        vec![Role::PartnerManager],
        Some(org.people[PARTNER_MANAGER]),
    )
    .await;
    let ops = Browser::sign_in(&app, "olga@org.example").await;
    let eng = Browser::sign_in(&app, "eng@org.example").await;
    let pat = Browser::sign_in(&app, "pat@partner.example").await;
    let git = course(s, training_sku(s).await).await;

    // The definition, through the record form; a consultant keeps none.
    assert!(html(&ops.get(&app, "/certifications").await.expect(200)).contains("id=\"new-certification\""));
    assert!(!html(&eng.get(&app, "/certifications").await.expect(200)).contains("new-certification"));
    let definition = [
        ("code", "ci-cd"),
        ("name", "CI/CD Specialist"),
        ("course_id", &git.to_string()),
        ("written_pass_mark", "70"),
        ("lab_pass_mark", "80"),
        ("max_attempts", "3"),
        ("retake_wait_days", "14"),
        ("validity_months", "12"),
        ("description", ""),
    ];
    eng.post(&app, "/certifications/new", &definition).await.expect(403);
    let made = ops.post(&app, "/certifications/new", &definition).await.expect(303);
    let location = made.header("location").expect("the new certification's page");
    let home = location.split('?').next().unwrap_or_default().to_string();
    let cert: Id<Certification> = Id::new(home.rsplit('/').next().and_then(|i| i.parse().ok()).expect(location));
    let bad = ops
        .post(&app, "/certifications/new", &[("code", "x2"), ("name", "Bad")])
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    // Edited: the written pass mark up to 75.
    let edit = ops.get(&app, &format!("{home}/edit")).await.expect(200);
    let v = version_in(&edit.text);
    let mut change = definition.to_vec();
    change[3] = ("written_pass_mark", "75");
    change.push(("version", &v));
    ops.post(&app, &format!("{home}/edit"), &change).await.expect(303);
    let page = html(&ops.get(&app, &home).await.expect(200));
    assert!(
        page.contains("75 / 100") && page.contains("id=\"edit-certification\""),
        "{page}"
    );
    assert!(page.contains("id=\"written-form\""), "ops records assessments: {page}");

    // A written assessment fails, a retake too soon is refused at its field.
    let ada = learner(s, "Ada Acme", org.partner_a).await;
    let ada_id = ada.id.get().to_string();
    let written = format!("{home}/attempts");
    let first = [
        ("learner_id", ada_id.as_str()),
        ("taken_on", "2026-03-02"),
        ("score", "50"),
    ];
    ops.post(&app, &written, &first).await.expect(303);
    let soon = [
        ("learner_id", ada_id.as_str()),
        ("taken_on", "2026-03-05"),
        ("score", "90"),
    ];
    let refused = ops.post(&app, &written, &soon).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        told(&refused, "written-", "taken_on").contains("the next attempt is possible from 2026-03-16"),
        "{}",
        refused.text
    );
    assert!(
        html(&refused).contains("value=\"2026-03-05\""),
        "the form keeps what was typed"
    );
    assert_eq!(attempts(s, cert).await.len(), 1, "a refused assessment writes nothing");
    // Without its CSRF token, nothing is recorded either.
    let later = [
        ("learner_id", ada_id.as_str()),
        ("taken_on", "2026-03-20"),
        ("score", "90"),
    ];
    ops.post_bare(&app, &written, &later).await.expect(403);
    assert_eq!(attempts(s, cert).await.len(), 1);
    // The learner chosen by name, as the suggestions write it or as typed.
    let suggested = html(&ops.get(&app, "/pick/learner?learner_id=ada").await.expect(200));
    assert!(suggested.contains(&format!("Ada Acme (#{})", ada.id)), "{suggested}");
    let named = [("learner_id", "Ada Acme"), ("taken_on", "2026-03-20"), ("score", "90")];
    ops.post(&app, &written, &named).await.expect(303);
    let open = ops.post(&app, &written, &later).await;
    assert_eq!(open.status, 422, "{}", open.text);
    assert!(told(&open, "written-", "learner_id").contains("still awaits its lab"));
    let attempt = attempts(s, cert)
        .await
        .into_iter()
        .find(|a| a.fields.status == AttemptStatus::AwaitingLab)
        .expect("an attempt awaiting its lab");

    // Who may not record: a consultant (403), a partner's manager (no form, refused).
    let theirs = html(&eng.get(&app, &home).await.expect(200));
    assert!(!theirs.contains("written-form"), "{theirs}");
    eng.post(&app, &written, &later).await.expect(403);
    let partner_page = html(&pat.get(&app, &home).await.expect(200));
    assert!(
        partner_page.contains("Ada Acme"),
        "their consultant's attempts: {partner_page}"
    );
    for button in ["written-form", "grade-", "revoke-", "edit-certification"] {
        assert!(!partner_page.contains(button), "{button}: {partner_page}");
    }
    assert_eq!(pat.post(&app, &written, &later).await.status, 403);
    assert_eq!(attempts(s, cert).await.len(), 2);

    // The lab: the engineer grades it from the page.
    let page = html(&eng.get(&app, &home).await.expect(200));
    assert!(page.contains(&format!("id=\"grade-{}\"", attempt.id)), "{page}");
    let form = eng.get(&app, &format!("{home}?grade={}", attempt.id)).await.expect(200);
    assert!(html(&form).contains("id=\"grade-form\""));
    let version = version_in(&form.text);
    let lab = format!("{home}/attempts/{}/lab", attempt.id);
    let partner_grader = org.people[PARTNER_CONSULTANT].to_string();
    let wrong = [
        ("version", version.as_str()),
        ("grader_id", partner_grader.as_str()),
        ("taken_on", "2026-03-21"),
        ("rubric_score", "70"),
        ("passed", "on"),
    ];
    let refused = eng.post(&app, &lab, &wrong).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(told(&refused, "lab-", "grader_id").contains("PS engineers or technical architects"));
    assert!(told(&refused, "lab-", "passed").contains("below the lab pass mark of 80"));
    assert!(certificates(s, cert).await.is_empty(), "a refused lab writes nothing");
    // A partner's manager is refused by the policy before any rule is read.
    assert_eq!(pat.post(&app, &lab, &wrong).await.status, 403);
    let still: CertificationAttempt = s.get(attempt.id).await.expect("attempt");
    assert_eq!(still.fields.status, AttemptStatus::AwaitingLab, "nothing graded");
    let grader = org.people[ENGINEER].to_string();
    let right = [
        ("version", version.as_str()),
        ("grader_id", grader.as_str()),
        ("taken_on", "2026-03-21"),
        ("rubric_score", "90"),
        ("passed", "on"),
    ];
    eng.post_bare(&app, &lab, &right).await.expect(403);
    eng.post(&app, &lab, &right).await.expect(303);
    let issued = certificates(s, cert).await;
    assert_eq!(issued.len(), 1, "a passed lab issues the certificate");
    let certificate = &issued[0];

    // The revocation: ops only, with a reason.
    let page = html(&ops.get(&app, &home).await.expect(200));
    assert!(page.contains(&format!("id=\"revoke-{}\"", certificate.id)), "{page}");
    assert!(!html(&eng.get(&app, &home).await.expect(200)).contains(&format!("id=\"revoke-{}\"", certificate.id)));
    let form = ops
        .get(&app, &format!("{home}?revoke={}", certificate.id))
        .await
        .expect(200);
    let version = version_in(&form.text);
    let revoke = format!("{home}/certificates/{}/revoke", certificate.id);
    let no_reason = ops.post(&app, &revoke, &[("version", &version), ("reason", " ")]).await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.text);
    assert!(told(&no_reason, "revoke-", "reason").contains("Reason is required"));
    eng.post(&app, &revoke, &[("version", &version), ("reason", "misconduct")])
        .await
        .expect(403);
    assert_eq!(
        pat.post(&app, &revoke, &[("version", &version), ("reason", "x")])
            .await
            .status,
        403
    );
    ops.post_bare(&app, &revoke, &[("version", &version), ("reason", "misconduct")])
        .await
        .expect(403);
    let today = time::OffsetDateTime::now_utc().date();
    let kept: Certificate = s.get(certificate.id).await.expect("certificate");
    assert_eq!(
        kept.fields.status_on(today),
        CertificateStatus::Active,
        "nothing revoked yet"
    );
    // A page read before someone else changed the certificate saves nothing.
    let stale = ops
        .post(&app, &revoke, &[("version", "0"), ("reason", "misconduct")])
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert!(html(&stale).contains("id=\"conflict\""), "{}", stale.text);
    let kept: Certificate = s.get(certificate.id).await.expect("certificate");
    assert_eq!(kept.fields.status_on(today), CertificateStatus::Active);
    ops.post(&app, &revoke, &[("version", &version), ("reason", "exam misconduct")])
        .await
        .expect(303);
    let gone: Certificate = s.get(certificate.id).await.expect("certificate");
    assert_eq!(gone.fields.status_on(today), CertificateStatus::Revoked);
    let page = html(&ops.get(&app, &format!("{home}?done=revoked")).await.expect(200));
    assert!(
        page.contains("Certificate revoked.") && !page.contains("id=\"revoke-"),
        "{page}"
    );
}

async fn a_trainers_path_is_edited_and_certified_on_its_page(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    web_user(s, "olga@org.example", vec![Role::Ops], Some(org.people[OPS])).await;
    web_user(s, "eng@org.example", vec![Role::Consultant], Some(org.people[ENGINEER])).await;
    let ops = Browser::sign_in(&app, "olga@org.example").await;
    let eng = Browser::sign_in(&app, "eng@org.example").await;
    let git = course(s, training_sku(s).await).await;
    let c: Course = s.get(Id::new(git)).await.expect("course");
    let trainer = Id::new(org.people[ENGINEER]);
    psops_demo::certifications::complete_path(
        s,
        &WriteCtx::trusted(),
        (trainer, TrainerPath::Staff),
        &c,
        date!(2026 - 01 - 01),
        Id::new(org.people[0]),
    )
    .await
    .expect("a complete path");
    let filter = CandidacyFilter {
        person_id: Some(trainer),
        course_id: Some(c.id),
        ..Default::default()
    };
    let path: TrainerCandidacy = s.every(&filter).await.expect("paths").remove(0);
    let home = format!("/trainer-paths/{}", path.id);
    let trainers = || async {
        let f = CourseTrainerFilter {
            person_id: Some(trainer),
            course_id: Some(c.id),
            ..Default::default()
        };
        let found: Vec<CourseTrainer> = s.every(&f).await.expect("trainers");
        found.len()
    };

    // A path is opened from its course's page.
    let course_page = html(&ops.get(&app, &format!("/courses/{git}")).await.expect(200));
    assert!(
        course_page.contains(&format!("/trainer-paths/new?course={git}")),
        "{course_page}"
    );
    let new = html(
        &ops.get(&app, &format!("/trainer-paths/new?course={git}"))
            .await
            .expect(200),
    );
    assert!(
        new.contains("name=\"person_id\"") && new.contains("name=\"deliveries\""),
        "{new}"
    );

    // The evidence, through the path's record form: a dry run without its minutes is
    // refused at the field, nothing saved.
    let page = html(&ops.get(&app, &home).await.expect(200));
    assert!(
        page.contains("id=\"edit-path\"") && page.contains("id=\"certify-form\""),
        "{page}"
    );
    let edit = ops.get(&app, &format!("{home}/edit")).await.expect(200);
    assert!(html(&edit).contains("name=\"deliveries\""), "{}", edit.text);
    let v = version_in(&edit.text);
    let form = |dry_minutes: &'static str| {
        let mut f = vec![
            ("started_on", path.fields.started_on.to_string()),
            (
                "resources_reviewed_on",
                path.fields
                    .resources_reviewed_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            (
                "shadowed_trainer_id",
                path.fields
                    .shadowed_trainer_id
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ),
            (
                "shadowed_on",
                path.fields.shadowed_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "ttt_session_on",
                path.fields.ttt_session_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "dry_run_on",
                path.fields.dry_run_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("dry_run_minutes", dry_minutes.to_string()),
            ("notes", "Dry run re-checked".to_string()),
        ];
        // The deliveries as the form shows them, unchanged.
        let shown = html(&edit);
        let at = shown.find("name=\"deliveries\"").expect("deliveries");
        let text = shown[at..].split_once('>').map(|(_, r)| r).unwrap_or_default();
        f.push((
            "deliveries",
            text.split("</textarea>").next().unwrap_or_default().to_string(),
        ));
        f.push(("version", v.clone()));
        f
    };
    let pairs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let bad = pairs(&form(""));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = ops.post(&app, &format!("{home}/edit"), &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(told(&refused, "", "dry_run_minutes").contains("day and its minutes together"));
    let stored: TrainerCandidacy = s.get(path.id).await.expect("path");
    assert_eq!(stored.meta.version, path.meta.version, "nothing saved");
    let good = pairs(&form("75"));
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ops.post(&app, &format!("{home}/edit"), &good).await.expect(303);
    let stored: TrainerCandidacy = s.get(path.id).await.expect("path");
    assert_eq!(stored.fields.dry_run_minutes, Some(75));
    assert_eq!(
        stored.fields.deliveries, path.fields.deliveries,
        "the deliveries read back as they were"
    );

    // A consultant sees their own path but neither edits nor certifies it.
    let theirs = html(&eng.get(&app, &home).await.expect(200));
    assert!(
        !theirs.contains("certify-form") && !theirs.contains("edit-path"),
        "{theirs}"
    );
    eng.post(&app, &format!("{home}/certify"), &[]).await.expect(403);
    ops.post_bare(&app, &format!("{home}/certify"), &[]).await.expect(403);
    assert_eq!(trainers().await, 0);

    // Certified once complete; a second time is refused on the page.
    ops.post(&app, &format!("{home}/certify"), &[]).await.expect(303);
    assert_eq!(trainers().await, 1);
    let done = html(&ops.get(&app, &format!("{home}?done=certified")).await.expect(200));
    assert!(done.contains("id=\"certified\""), "{done}");
    let again = ops.post(&app, &format!("{home}/certify"), &[]).await;
    assert!(again.status.is_client_error(), "{}", again.text);
    assert!(
        html(&again).contains("already certified for this course"),
        "{}",
        again.text
    );
    assert_eq!(trainers().await, 1, "a refused certify writes nothing");

    // A path with an item missing is refused, naming it.
    let open: TrainerCandidacy = crate::ui_certifications::made(
        s.create(
            &WriteCtx::trusted(),
            psops_core::certifications::trainer_paths::CandidacyFields {
                person_id: Id::new(org.people[PARTNER_CONSULTANT]),
                deliveries: Vec::new(),
                shadowed_trainer_id: None,
                shadowed_on: None,
                notes: None,
                ..stored.fields.clone()
            },
        )
        .await
        .expect("an open path"),
    );
    let page = html(&ops.get(&app, &format!("/trainer-paths/{}", open.id)).await.expect(200));
    assert!(
        page.contains("id=\"path-open\"") && !page.contains("certify-form"),
        "{page}"
    );
    let missing = ops
        .post(&app, &format!("/trainer-paths/{}/certify", open.id), &[])
        .await;
    assert!(missing.status.is_client_error(), "{}", missing.text);
    assert!(html(&missing).contains("role=\"alert\""), "{}", missing.text);
}

api_tests!(
    ops_certifies_learners_from_the_certification_pages,
    a_trainers_path_is_edited_and_certified_on_its_page
);
