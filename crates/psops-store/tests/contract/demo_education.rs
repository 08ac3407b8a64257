//! The demo organisation's education: the handbook's five courses in production and one
//! in review, trainers certified per course (one certification expiring within 90 days,
//! one a partner's consultant), and a year of public and private classes — those that
//! ended completed with their roster, attendance and surveys, a private one's fee a
//! training record the ledger earned, those ahead scheduled with registrations — and two
//! training service partners, one compliant and one not.

use psops_core::education::classes::{ClassAudience, ClassStatus, TrainingClassFilter};
use psops_core::education::courses::{CourseFilter, CourseState};
use psops_core::education::trainers::{CourseTrainerFilter, TrainerPath};
use psops_core::education::tsp::TspStatus;
use psops_core::every;
use psops_core::finance::training::Training;
use psops_core::store::prelude::*;
use psops_store::Db;
use time::Duration;

use super::fixtures::{DEMO_END, default_demo};

crate::stories!(the_demo_delivers_a_year_of_classes);

async fn the_demo_delivers_a_year_of_classes(db: &Db) {
    default_demo(db).await;
    checked(db, DEMO_END).await.expect("reads back");
}

async fn checked(db: &Db, end: time::Date) -> psops_core::Result<()> {
    let courses = every!(db, CourseFilter::default());
    let names: Vec<&str> = courses.iter().map(|c| c.fields.name.as_str()).collect();
    for name in [
        "Git fundamentals",
        "CI/CD pipelines",
        "Agile portfolio management",
        "Security essentials",
        "System administration",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(
        courses
            .iter()
            .filter(|c| c.fields.state == CourseState::Production)
            .count(),
        5
    );
    let certs = every!(db, CourseTrainerFilter::default());
    assert!(certs.iter().any(|t| t.fields.path == TrainerPath::ChannelPartner));
    assert!(
        certs.iter().any(|t| t
            .fields
            .expires_on
            .is_some_and(|e| e > end && e <= end + Duration::days(90))),
        "a certification expires within 90 days"
    );
    let classes = every!(db, TrainingClassFilter::default());
    let completed: Vec<_> = classes.iter().filter(|c| c.status == ClassStatus::Completed).collect();
    let ahead: Vec<_> = classes.iter().filter(|c| c.fields.start_date > end).collect();
    assert!(completed.len() >= 12, "a year of classes: {}", completed.len());
    assert!(!ahead.is_empty() && ahead.iter().all(|c| c.status == ClassStatus::Scheduled));
    assert!(classes.iter().any(|c| c.fields.audience == ClassAudience::Private));
    for c in &completed {
        let roster = db.roster(c.id).await?;
        assert!(roster.len() >= 6, "class {} has its roster", c.id);
        assert!(roster.iter().any(|l| !l.attended.is_empty()));
    }
    let private_done: Vec<_> = completed
        .iter()
        .filter(|c| c.fields.audience == ClassAudience::Private)
        .collect();
    assert!(
        !private_done.is_empty(),
        "a private class delivered under a training project"
    );
    for c in &private_done {
        let t: Training = db.get(c.training_id.expect("a private class's training")).await?;
        assert_eq!(Some(t.fields.amount), c.fields.fee);
        assert_eq!(t.fields.roster_received_on, c.roster_submitted_on);
    }
    // Customers' training projects bought seats on the public classes that ended.
    let trainings = every!(db, psops_core::finance::training::TrainingFilter::default());
    let seats: Vec<_> = trainings.iter().filter(|t| t.fields.title.contains(" seat")).collect();
    assert!(!seats.is_empty(), "seats bought under projects");
    assert!(
        seats
            .iter()
            .all(|t| t.fields.amount.amount_minor % 120_000 == 0 && t.fields.earned_on().is_some())
    );
    // Two training service partners: Meridian with two trainers, four courses and
    // satisfied learners; Cascade past its ramp-up with one trainer for one course.
    let settings = db.settings().await?;
    let tsp = db
        .tsp_compliance(&settings.training_partners, &settings.fiscal_calendar(), end, None)
        .await?;
    let status: Vec<(&str, TspStatus)> = tsp.iter().map(|c| (c.partner.as_str(), c.status)).collect();
    assert_eq!(
        status,
        [
            ("Cascade DevOps Consulting", TspStatus::NotCompliant),
            ("Meridian Cloud Partners", TspStatus::Compliant)
        ],
        "{:?}",
        tsp.iter().map(|c| c.missing()).collect::<Vec<_>>()
    );
    assert!(tsp[1].answers >= 10, "Meridian's learners answered: {}", tsp[1].answers);
    assert!(
        tsp[0]
            .missing()
            .iter()
            .any(|m| m.starts_with("1 more certified trainer (has 1 of 2)"))
    );
    Ok(())
}
