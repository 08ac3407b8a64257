//! The portfolio over the demo organisation: its figures agree with the stores they come
//! from (RAG counts out of the active projects, the escalations counted as listed, the
//! milestones by passive-acceptance date, CSAT the quarters' tallies), and a project
//! manager's portfolio holds only their own projects.

use std::collections::BTreeSet;

use psops_core::auth::UserId;
use psops_core::delivery::health::{Rag, Trend};
use psops_core::delivery::portfolio::{PortfolioScope, in_last_quarter};
use psops_core::every;
use psops_core::policy::{Subject, escalation_scope, list_scope};
use psops_core::projects::{ProjectFilter, ProjectStatus};
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::prelude::*;
use psops_store::Db;
use time::macros::time;

use super::fixtures::{DEMO_END, default_demo};

crate::stories!(the_portfolio_agrees_with_its_stores_and_cuts_to_the_reader);

async fn the_portfolio_agrees_with_its_stores_and_cuts_to_the_reader(db: &Db) {
    checked(db).await.expect("the portfolio reads");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    let end = DEMO_END;
    default_demo(db).await;
    let now = end.with_time(time!(12:00)).assume_utc();

    let everything = PortfolioScope {
        projects: ListScope::All,
        escalations: psops_core::delivery::escalations::EscalationScope::All,
    };
    let p = db.portfolio(&everything, now).await.expect("portfolio");
    let active: Vec<_> = every!(
        db,
        ProjectFilter {
            status: Some(ProjectStatus::Active),
            archived: Some(false),
            ..Default::default()
        }
    );
    assert_eq!(p.active, active.len() as i64);
    let r = p.rag;
    assert_eq!(r.green + r.yellow + r.red + r.unreported, p.active, "{r:?}");
    assert!(r.green > 0 && r.red + r.yellow > 0, "a believable spread: {r:?}");
    assert!(
        p.watch
            .iter()
            .all(|h| h.overall != Rag::Green || h.trend == Some(Trend::Worse))
    );
    assert!(p.watch.windows(2).all(|w| w[0].overall >= w[1].overall), "worst first");
    let counted: i64 = p.escalations.by_severity.iter().map(|c| c.open).sum();
    assert_eq!(counted, p.escalations.open.len() as i64);
    let overdue: i64 = p.escalations.by_severity.iter().map(|c| c.overdue).sum();
    assert_eq!(
        overdue,
        p.escalations.open.iter().filter(|e| e.is_overdue(now)).count() as i64
    );
    assert!(counted > 0 && overdue > 0, "the demo has open and overdue escalations");
    assert!(
        p.awaiting_acceptance
            .windows(2)
            .all(|w| w[0].passive_on <= w[1].passive_on),
        "by passive-acceptance date"
    );
    assert_eq!(
        p.overdue_reports,
        db.overdue_health(&ListScope::All, end).await.unwrap()
    );
    assert_eq!(p.csat.this, db.quarter_csat(end).await.unwrap());
    let fiscal = db.settings().await.unwrap().fiscal_calendar();
    assert_eq!(
        p.csat.last,
        db.quarter_csat(in_last_quarter(&fiscal, end)).await.unwrap()
    );
    assert_ne!(p.csat.this_quarter, p.csat.last_quarter);

    // A project manager's portfolio: only the projects they may read.
    let (pm, mine) = active
        .iter()
        .filter_map(|a| a.fields.project_manager_id)
        .map(|pm| {
            (
                pm,
                active
                    .iter()
                    .filter(|a| a.fields.project_manager_id == Some(pm))
                    .count(),
            )
        })
        .max_by_key(|(_, n)| *n)
        .expect("a manager of active projects");
    let s = Subject {
        user_id: UserId::new(1),
        roles: vec![psops_core::auth::Role::ProjectManager],
        person_id: Some(pm),
        partner_id: None,
        read_only: false,
    };
    let theirs = PortfolioScope {
        projects: list_scope(&s, ListKind::Projects),
        escalations: escalation_scope(&s),
    };
    let q = db.portfolio(&theirs, now).await.expect("their portfolio");
    // The projects they manage, and any they work on themselves.
    let seen: Vec<_> = every!(
        db,
        ProjectFilter {
            status: Some(ProjectStatus::Active),
            archived: Some(false),
            scope: theirs.projects,
            ..Default::default()
        }
    );
    assert!(seen.len() >= mine);
    assert_eq!(q.active, seen.len() as i64);
    let own: BTreeSet<_> = seen.iter().map(|a| a.id).collect();
    assert!(q.watch.iter().all(|h| own.contains(&h.project_id)));
    assert!(q.overdue_reports.iter().all(|o| own.contains(&o.project_id)));
    assert!(q.escalated_raid.iter().all(|e| own.contains(&e.item.fields.project_id)));
    assert!(q.awaiting_acceptance.iter().all(|a| own.contains(&a.project_id)));
    assert!(q.active < p.active);
    Ok(())
}
