//! Certification stories: a written assessment passes at its pass mark and only a passed
//! one leads to the lab, graded by one of the company's PS engineers at the lab pass mark;
//! attempts are counted and a retake waits, with the settings filling what a
//! certification leaves open; passing issues a certificate with a random number and the
//! validity's expiry, copied to the person certifications vetting reads; a certificate
//! expires, is revoked once, and the public look-up shows only its holder, certification,
//! status and expiry; pass rates and the expiring list count per certification and
//! partner.

use psops_core::audit::AuditFilter;
use psops_core::certifications::attempts::AttemptStatus;
use psops_core::certifications::certificates::CertificateStatus;
use psops_core::certifications::reports::LearnerScope;
use psops_core::certifications::{
    Certificate, CertificateId, Certification, CertificationFields, CertificationSettings, LabInput, Revocation,
    WrittenInput,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::page::PageRequest;
use psops_core::partners::PartnerId;
use psops_core::people::{Function, PersonFields, PersonId};
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::skills::{PersonCertification, PersonCertificationFilter};
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields};
use super::partner_funds::partner;

crate::stories!(
    a_lab_follows_a_passed_written_assessment_and_passing_both_issues_a_certificate,
    attempts_are_counted_and_a_retake_waits,
    a_certificate_expires_is_revoked_once_and_is_checked_publicly,
    pass_rates_and_expiring_certificates_count_per_certification_and_partner,
);

pub(super) fn definition(code: &str) -> CertificationFields {
    CertificationFields {
        code: code.into(),
        name: format!("Certified {code}"),
        course_id: None,
        written_pass_mark: 70,
        lab_pass_mark: 80,
        max_attempts: None,
        retake_wait_days: None,
        validity_months: 24,
        description: None,
    }
}

pub(super) async fn certification(db: &Db, f: CertificationFields) -> Certification {
    new(db.create(&ctx(), f).await.expect("certification"))
}

pub(super) async fn someone(db: &Db, email: &str, function: Function, partner: Option<PartnerId>) -> PersonId {
    let f = PersonFields {
        function,
        partner_id: partner,
        ..person_fields(email)
    };
    let p: psops_core::people::Person = new(db.create(&ctx(), f).await.expect("person"));
    p.id
}

/// A learner who is one of the company's people (`person`), a partner's consultant or
/// a customer's contact.
pub(super) async fn learner(db: &Db, name: &str, person: Option<PersonId>, partner: Option<PartnerId>) -> Learner {
    let f = LearnerFields {
        name: name.into(),
        email: None,
        organisation: if partner.is_some() {
            LearnerOrg::PartnerConsultant
        } else {
            LearnerOrg::Employee
        },
        person_id: person,
        partner_id: partner,
        account_id: None,
        contact_id: None,
    };
    new(db.create(&ctx(), f).await.expect("learner"))
}

fn conflict(e: Error) -> (String, Rule) {
    match e {
        Error::Conflict(f) => (f.field, f.rule),
        Error::Invalid(v) => (v[0].field.clone(), v[0].rule),
        other => panic!("not a broken rule: {other:?}"),
    }
}

pub(super) fn written(learner: &Learner, on: Date, score: i64) -> WrittenInput {
    WrittenInput {
        learner_id: learner.id,
        taken_on: on,
        score,
    }
}

pub(super) fn lab(grader: PersonId, on: Date, score: i64, passed: bool) -> LabInput {
    LabInput {
        grader_id: grader,
        taken_on: on,
        rubric_score: score,
        passed,
        comments: (!passed).then(|| "the pipeline did not cache".into()),
    }
}

/// A learner passes a certification on `on`: written and lab at once.
pub(super) async fn pass(db: &Db, cert: &Certification, who: &Learner, grader: PersonId, on: Date) -> Certificate {
    let a = db
        .record_written(&ctx(), cert.id, written(who, on, 90))
        .await
        .expect("written");
    let (_, issued) = db
        .record_lab(&ctx(), a.id, None, lab(grader, on, 90, true))
        .await
        .expect("lab");
    issued.expect("certificate")
}

async fn a_lab_follows_a_passed_written_assessment_and_passing_both_issues_a_certificate(db: &Db) {
    let cert = certification(db, definition("ci-cd")).await;
    let engineer = someone(db, "grader@example.com", Function::Engineer, None).await;
    let pm = someone(db, "pm@example.com", Function::ProjectManager, None).await;
    let me = someone(db, "learner@example.com", Function::Engineer, None).await;
    let who = learner(db, "Lee Learner", Some(me), None).await;

    // 69 is below the written pass mark of 70: the attempt is over, and no lab follows.
    let first = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 03 - 02), 69))
        .await
        .unwrap();
    assert_eq!(
        (first.fields.number, first.fields.status),
        (1, AttemptStatus::WrittenFailed)
    );
    let e = db
        .record_lab(&ctx(), first.id, None, lab(engineer, date!(2026 - 03 - 03), 95, true))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("status".into(), Rule::WrittenFirst));

    // 70 passes; a second attempt may not start while it awaits its lab.
    let second = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 03 - 16), 70))
        .await
        .unwrap();
    assert_eq!(
        (second.fields.number, second.fields.status),
        (2, AttemptStatus::AwaitingLab)
    );
    let e = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 04 - 30), 90))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("learner_id".into(), Rule::AttemptOpen));

    // The lab is graded by a PS engineer (not a PM, not the learner), and a pass needs
    // the lab pass mark; nothing is written by a refused lab.
    let day = date!(2026 - 03 - 17);
    for (grader, score, rule) in [
        (pm, 90, Rule::LabGrader),
        (me, 90, Rule::LabGrader),
        (engineer, 79, Rule::BelowPassMark),
    ] {
        let e = db
            .record_lab(&ctx(), second.id, None, lab(grader, day, score, true))
            .await
            .unwrap_err();
        assert_eq!(conflict(e).1, rule);
    }
    let unchanged: psops_core::certifications::CertificationAttempt = db.get(second.id).await.unwrap();
    assert_eq!(unchanged.meta.version, 1);
    let (graded, issued) = db
        .record_lab(&ctx(), second.id, Some(1), lab(engineer, day, 80, true))
        .await
        .unwrap();
    assert_eq!(graded.fields.status, AttemptStatus::Passed);
    assert_eq!(graded.fields.lab_grader_id, Some(engineer));
    let c = issued.expect("a passed attempt issues a certificate");
    assert_eq!(c.fields.issued_on, day);
    assert_eq!(c.fields.expires_on, date!(2028 - 03 - 17));
    assert!(
        c.fields.number.starts_with("PSC-") && c.fields.number.len() == 18,
        "{}",
        c.fields.number
    );
    assert_eq!(c.fields.status_on(day), CertificateStatus::Active);

    // The learner is one of the company's people: the certificate counts as their person
    // certification, under the certification's code, with its dates.
    let held = db
        .list(
            &PersonCertificationFilter {
                person_id: me,
                archived: None,
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let copy: &PersonCertification = &held.items[0];
    assert_eq!(
        (copy.fields.code.as_str(), copy.fields.issued_on, copy.fields.expires_on),
        ("ci-cd", day, Some(date!(2028 - 03 - 17)))
    );
    assert_eq!(c.fields.person_certification_id, Some(copy.id));

    // A learner who holds the certificate in force starts no new attempt.
    let e = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 06 - 01), 90))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("learner_id".into(), Rule::AlreadyCertified));

    // Every step is in the audit log.
    for (entity, id, n) in [
        ("certification_attempt", second.id.get(), 2),
        ("certificate", c.id.get(), 1),
    ] {
        let filter = AuditFilter {
            entity: Some(entity.into()),
            entity_id: Some(id),
            ..Default::default()
        };
        assert_eq!(
            db.list_audit(&filter, PageRequest::default())
                .await
                .unwrap()
                .items
                .len(),
            n,
            "{entity}"
        );
    }
}

async fn attempts_are_counted_and_a_retake_waits(db: &Db) {
    // The certification leaves attempts and the wait open: the settings decide.
    let cert = certification(db, definition("security")).await;
    db.update_settings(
        &ctx(),
        SettingsPatch {
            certifications: Some(CertificationSettings {
                max_attempts: 2,
                retake_wait_days: 10,
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let engineer = someone(db, "grader2@example.com", Function::Engineer, None).await;
    let who = learner(db, "Ria Retake", None, None).await;
    let first = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 05 - 04), 80))
        .await
        .unwrap();
    // A failed lab starts the wait from the lab's day.
    db.record_lab(&ctx(), first.id, None, lab(engineer, date!(2026 - 05 - 06), 50, false))
        .await
        .unwrap();
    let e = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 05 - 15), 90))
        .await
        .unwrap_err();
    let Error::Conflict(f) = e else {
        panic!("not a conflict")
    };
    assert_eq!(f.rule, Rule::RetakeWait);
    assert!(f.message.contains("2026-05-16"), "{}", f.message);
    let second = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 05 - 16), 40))
        .await
        .unwrap();
    assert_eq!(second.fields.number, 2);
    // Two attempts used: the third is refused, naming the rule.
    let e = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 09 - 01), 90))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("learner_id".into(), Rule::MaxAttempts));
    // A certification's own terms win over the settings.
    let generous = certification(
        db,
        CertificationFields {
            max_attempts: Some(5),
            retake_wait_days: Some(0),
            ..definition("generous")
        },
    )
    .await;
    for (i, day) in [date!(2026 - 05 - 04), date!(2026 - 05 - 04), date!(2026 - 05 - 05)]
        .into_iter()
        .enumerate()
    {
        let a = db
            .record_written(&ctx(), generous.id, written(&who, day, 10))
            .await
            .unwrap();
        assert_eq!(a.fields.number, i as i64 + 1);
    }
    // A bad score names its field.
    let e = db
        .record_written(&ctx(), generous.id, written(&who, date!(2026 - 05 - 06), 101))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("score".into(), Rule::Range));
}

async fn a_certificate_expires_is_revoked_once_and_is_checked_publicly(db: &Db) {
    let cert = certification(
        db,
        CertificationFields {
            validity_months: 12,
            ..definition("git")
        },
    )
    .await;
    let engineer = someone(db, "grader3@example.com", Function::Engineer, None).await;
    let me = someone(db, "holder@example.com", Function::Engineer, None).await;
    let who = learner(db, "Hana Holder", Some(me), None).await;
    let c = pass(db, &cert, &who, engineer, date!(2025 - 12 - 10)).await;
    assert_eq!(c.fields.expires_on, date!(2026 - 12 - 10));

    // The public look-up: holder, certification, status and expiry, typed any way.
    let seen = db
        .verify_certificate(&c.fields.number.to_lowercase().replace('-', " "), date!(2026 - 12 - 10))
        .await
        .unwrap()
        .expect("found");
    assert_eq!(
        (
            seen.holder.as_str(),
            seen.certification.as_str(),
            seen.status,
            seen.expires_on
        ),
        (
            "Hana Holder",
            "Certified git",
            CertificateStatus::Active,
            date!(2026 - 12 - 10)
        )
    );
    let text = serde_json::to_value(&seen).unwrap();
    let keys: Vec<&String> = text.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["certification", "expires_on", "holder", "number", "status"]);
    let later = db
        .verify_certificate(&c.fields.number, date!(2026 - 12 - 11))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.status, CertificateStatus::Expired);
    // Unknown and malformed numbers find nothing, alike.
    for unknown in ["PSC-0000-0000-0000", "PSC-1", "' OR 1=1 --", ""] {
        assert!(
            db.verify_certificate(unknown, date!(2026 - 06 - 01))
                .await
                .unwrap()
                .is_none(),
            "{unknown}"
        );
    }

    // Once expired, the learner may take the certification again from attempt 1.
    let again = db
        .record_written(&ctx(), cert.id, written(&who, date!(2026 - 12 - 11), 90))
        .await
        .unwrap();
    assert_eq!(again.fields.number, 1);

    // Revoked: for good, with its reason kept but not shown; its person certification no
    // longer counts.
    let revoked = db
        .revoke_certificate(
            &ctx(),
            c.id,
            Some(c.meta.version),
            Revocation {
                reason: "exam misconduct".into(),
            },
            date!(2026 - 06 - 01),
        )
        .await
        .unwrap();
    assert_eq!(revoked.fields.revoked_on, Some(date!(2026 - 06 - 01)));
    let public = db
        .verify_certificate(&c.fields.number, date!(2026 - 06 - 02))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(public.status, CertificateStatus::Revoked);
    assert!(!serde_json::to_string(&public).unwrap().contains("misconduct"));
    let copy: PersonCertification = db.get(c.fields.person_certification_id.unwrap()).await.unwrap();
    assert!(copy.meta.is_archived());
    let e = db
        .revoke_certificate(
            &ctx(),
            c.id,
            None,
            Revocation { reason: "again".into() },
            date!(2026 - 06 - 03),
        )
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("status".into(), Rule::AlreadyRevoked));
    let missing: Result<Certificate, _> = db.get(CertificateId::new(999_999)).await;
    assert!(matches!(missing, Err(Error::NotFound { .. })));
}

async fn pass_rates_and_expiring_certificates_count_per_certification_and_partner(db: &Db) {
    let git = certification(
        db,
        CertificationFields {
            validity_months: 12,
            ..definition("git-basics")
        },
    )
    .await;
    let ops = certification(db, definition("sysadmin")).await;
    let acme = partner(db, "Acme Learning").await;
    let engineer = someone(db, "grader4@example.com", Function::Engineer, None).await;
    let staff = learner(db, "Sam Staff", None, None).await;
    let partner_learner = learner(db, "Pat Partner", None, Some(acme.id)).await;
    let failing = learner(db, "Fay Fail", None, None).await;
    // git: two passes, one written fail, one awaiting its lab.
    pass(db, &git, &staff, engineer, date!(2026 - 01 - 15)).await;
    pass(db, &git, &partner_learner, engineer, date!(2025 - 03 - 01)).await;
    db.record_written(&ctx(), git.id, written(&failing, date!(2026 - 02 - 01), 20))
        .await
        .unwrap();
    let waiting = learner(db, "Wes Waiting", None, None).await;
    db.record_written(&ctx(), git.id, written(&waiting, date!(2026 - 02 - 01), 99))
        .await
        .unwrap();
    let today = date!(2026 - 12 - 01);
    let all = db.certification_figures(&LearnerScope::All, today).await.unwrap();
    let g = all.iter().find(|f| f.certification_id == git.id).unwrap();
    assert_eq!(
        (g.attempts, g.written_passed, g.labs_graded, g.passed, g.decided),
        (4, 3, 2, 2, 3)
    );
    assert_eq!(
        (g.pass_rate, g.written_pass_rate, g.lab_pass_rate),
        (Some(67), Some(75), Some(100))
    );
    // The partner's certificate expired on 2026-03-01; the staff one runs to 2027-01-15.
    assert_eq!(g.active_certificates, 1);
    let o = all.iter().find(|f| f.certification_id == ops.id).unwrap();
    assert_eq!((o.attempts, o.pass_rate), (0, None));
    let theirs = db
        .certification_figures(&LearnerScope::Partner(acme.id), today)
        .await
        .unwrap();
    let g = theirs.iter().find(|f| f.certification_id == git.id).unwrap();
    assert_eq!((g.attempts, g.passed, g.active_certificates), (1, 1, 0));

    // Expiring in the next 90 days: the staff certificate, not the expired one.
    let soon = db
        .expiring_certificates(today, today + time::Duration::days(90), &LearnerScope::All)
        .await
        .unwrap();
    let names: Vec<&str> = soon.iter().map(|e| e.holder.as_str()).collect();
    assert_eq!(names, ["Sam Staff"]);
    assert_eq!(soon[0].expires_on, date!(2027 - 01 - 15));
    let none = db
        .expiring_certificates(today, today + time::Duration::days(90), &LearnerScope::Partner(acme.id))
        .await
        .unwrap();
    assert!(none.is_empty());
    let _ = Id::<Certification>::new(0);
}
