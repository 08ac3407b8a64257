//! The demo organisation's closure and CSAT: every closing customer project surveyed a
//! few days before its closure meeting, about seven in ten answered and most of them
//! satisfied; completed projects ready to complete, closed ones part way.

use psops_core::delivery::surveys::CsatBy;
use psops_core::every;
use psops_core::projects::{Project, ProjectFilter, ProjectStatus};
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::default_demo;

crate::stories!(the_demo_closes_projects_with_surveys_answered_and_checklists);

async fn the_demo_closes_projects_with_surveys_answered_and_checklists(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    default_demo(db).await;

    let projects: Vec<Project> = every!(db, ProjectFilter::default());
    let mut all = psops_core::delivery::surveys::CsatTally::default();
    let (mut completed, mut closed, mut closed_ready) = (0, 0, 0);
    for p in projects
        .iter()
        .filter(|p| matches!(p.fields.status, ProjectStatus::Completed | ProjectStatus::Closed))
        .filter(|p| p.fields.account_id.is_some())
    {
        let surveys = db.surveys_of(p.id).await.expect("surveys");
        assert_eq!(surveys.len(), 1, "{}: one survey", p.fields.name);
        all.add(db.project_csat(p.id).await.expect("csat"));
        let closure = db.closure(p.id).await.expect("closure");
        let sent = closure.survey_sent_on.expect("sent");
        assert!(
            closure.fields.meeting_on.is_some_and(|m| sent <= m),
            "sent before the meeting"
        );
        if p.fields.status == ProjectStatus::Completed {
            completed += 1;
            assert!(closure.missing.is_empty(), "{}: {:?}", p.fields.name, closure.missing);
            let gate = psops_store::testing::closure_missing(db, p.id).await.expect("gate");
            assert!(gate.is_empty());
        } else {
            closed += 1;
            closed_ready += usize::from(closure.missing.is_empty());
        }
    }
    assert!(completed >= 3 && closed >= 2, "{completed} completed, {closed} closed");
    assert_eq!(closed_ready, 0, "closed projects are part way through closure");
    let csat = all.csat_bp().expect("answers");
    let rate = all.response_rate_bp().expect("sent");
    assert!((7_000..=10_000).contains(&csat), "CSAT {csat} bp of {all:?}");
    assert!((4_500..=9_000).contains(&rate), "response rate {rate} bp of {all:?}");
    assert!(
        all.answered > all.satisfied || all.answered < 10,
        "not every answer a 4 or 5"
    );
    let by_quarter = db.csat_report(CsatBy::Quarter).await.expect("report");
    assert!(!by_quarter.is_empty());
    let by_pm = db.csat_report(CsatBy::Pm).await.expect("report");
    assert!(by_pm.len() >= 2, "{by_pm:?}");
    Ok(())
}
