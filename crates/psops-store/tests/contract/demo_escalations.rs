//! The demo organisation's escalations, installed through the store's escalation calls:
//! a dozen at the default size, every severity, some closed with the customer's
//! agreement, an outcome and a sentiment (and an RCA where the product was at fault),
//! some open with their update overdue, each with a timeline.

use std::collections::BTreeSet;

use psops_core::delivery::escalations::{
    Escalation, EscalationFilter, EscalationScope, EscalationStatus, EscalationStore, Severity,
};
use psops_core::every;
use psops_core::store::prelude::*;
use psops_store::Db;
use time::macros::time;

use super::fixtures::{DEMO_END, default_demo};

crate::stories!(the_demo_has_escalations_of_every_severity_some_closed_some_overdue);

async fn the_demo_has_escalations_of_every_severity_some_closed_some_overdue(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    let end = DEMO_END;
    default_demo(db).await;

    let all: Vec<Escalation> = every!(db, EscalationFilter::default());
    assert_eq!(all.len(), 12);
    let severities: BTreeSet<Severity> = all.iter().map(|e| e.fields.severity).collect();
    assert_eq!(severities.len(), 4, "every severity");
    let closed: Vec<&Escalation> = all.iter().filter(|e| e.status == EscalationStatus::Closed).collect();
    assert!(closed.len() >= 3, "{}", closed.len());
    for e in &closed {
        let c = e.closure.as_ref().expect("a closed escalation records its close");
        assert!(!c.agreed_by.is_empty() && !c.agreement.is_empty() && !c.outcome.is_empty());
        assert_eq!(c.rca.is_some(), e.fields.product_at_fault, "{}", e.id);
        assert!(e.dates.resolved_at.is_some() && e.dates.closed_at.is_some());
    }
    let now = end.with_time(time!(12:00)).assume_utc();
    let overdue = all.iter().filter(|e| e.is_overdue(now)).count();
    assert!(overdue >= 2, "{overdue} overdue");
    assert!(
        all.iter().any(|e| e.status.is_open() && !e.is_overdue(now)),
        "some kept up to date"
    );
    for e in &all {
        let t = db.escalation_timeline(e.id).await.expect("timeline");
        assert!(t.len() >= 2, "{}: {} entries", e.id, t.len());
        assert!(e.opened_at < now && e.last_update_at < now);
    }
    let s = db.escalation_summary(EscalationScope::All, now).await.expect("summary");
    assert_eq!(
        s.by_severity.iter().map(|c| c.open).sum::<i64>() as usize,
        all.len() - closed.len()
    );
    Ok(())
}
