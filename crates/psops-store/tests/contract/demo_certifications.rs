//! The demo's certifications: every story a learner goes through is there — passes,
//! certificates expiring in the next 90 days, a revoked and expired ones, a lab awaiting
//! its grade, a learner out of attempts — and the figures read them; and trainers stand
//! at every stage of their path, the certified ones with their course trainer record.

use psops_core::certifications::attempts::{AttemptFilter, AttemptStatus};
use psops_core::certifications::certificates::{CertificateFilter, CertificateStatus};
use psops_core::certifications::reports::LearnerScope;
use psops_core::certifications::trainer_paths::{CandidacyFilter, Item};
use psops_core::certifications::{Certificate, CertificationAttempt};
use psops_core::education::courses::CourseState;
use psops_core::education::trainers::CourseTrainerFilter;
use psops_core::every;
use psops_core::people::{Function, PersonFilter};
use psops_core::store::prelude::*;
use psops_store::Db;
use time::Duration;

use super::fixtures::{DEMO_END, ctx, default_demo_spec, install_demo};

crate::stories!(the_demo_learners_and_trainers_stand_at_every_stage);

async fn the_demo_learners_and_trainers_stand_at_every_stage(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    let today = DEMO_END;
    install_demo(db, default_demo_spec()).await;

    let certificates: Vec<Certificate> = every!(db, CertificateFilter::default());
    let status = |s| certificates.iter().filter(|c| c.fields.status_on(today) == s).count();
    assert!(status(CertificateStatus::Active) >= 5, "{certificates:?}");
    assert!(status(CertificateStatus::Expired) >= 1 && status(CertificateStatus::Revoked) >= 1);
    let soon = db
        .expiring_certificates(today, today + Duration::days(90), &LearnerScope::All)
        .await
        .unwrap();
    assert!(soon.len() >= 3, "{soon:?}");
    let attempts: Vec<CertificationAttempt> = every!(db, AttemptFilter::default());
    for s in [
        AttemptStatus::WrittenFailed,
        AttemptStatus::AwaitingLab,
        AttemptStatus::LabFailed,
    ] {
        assert!(attempts.iter().any(|a| a.fields.status == s), "{s:?}");
    }
    assert!(
        attempts.iter().any(|a| a.fields.number == 3),
        "a learner out of attempts"
    );
    let figures = db.certification_figures(&LearnerScope::All, today).await.unwrap();
    assert!(
        figures.iter().all(|f| f.attempts > 0 && f.pass_rate.is_some()),
        "{figures:?}"
    );
    // Every issued certificate of one of the company's people counts as theirs.
    assert!(certificates.iter().all(|c| c.fields.person_certification_id.is_some()));

    // Trainers for a course, at every stage of their path.
    let course = super::education::course(db, "Git fundamentals", CourseState::Production).await;
    let engineers = every!(
        db,
        PersonFilter {
            function: Some(Function::Engineer),
            ..Default::default()
        }
    );
    let grader = engineers.iter().find(|p| p.fields.partner_id.is_none()).unwrap().id;
    psops_demo::certifications::trainers(db, &ctx(), std::slice::from_ref(&course), grader, today)
        .await
        .unwrap();
    let paths = every!(
        db,
        CandidacyFilter {
            course_id: Some(course.id),
            ..Default::default()
        }
    );
    assert!(paths.len() >= 5, "{} paths", paths.len());
    let mut complete = 0;
    let mut missing_full = 0;
    for p in &paths {
        let list = db.trainer_checklist(p.id, today).await.unwrap();
        if list.complete {
            complete += 1;
        } else if list.steps.iter().any(|s| s.item == Item::FullDelivery && !s.done) {
            missing_full += 1;
        }
    }
    assert!(
        complete >= 2 && missing_full >= 1,
        "{complete} complete, {missing_full} short of a full delivery"
    );
    let certified = every!(
        db,
        CourseTrainerFilter {
            course_id: Some(course.id),
            ..Default::default()
        }
    );
    assert!(!certified.is_empty() && certified.len() < complete + 1, "{certified:?}");
    Ok(())
}
