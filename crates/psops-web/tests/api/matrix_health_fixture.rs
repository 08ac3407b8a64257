//! The health reports and RAID items the authorization matrix acts on: each on project P1
//! (managed by the matrix's project manager, the consultant assigned), fresh for every
//! cell, each report in a week of its own (a project has one report per week).

use psops_core::Id;
use psops_core::delivery::health::{HealthReport, HealthReportFields, Rag, Sentiment};
use psops_core::delivery::raid::{ImpactArea, RaidItem, RaidItemFields, RaidKind, RaidPriority, RaidStatus};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::timesheet::IsoWeek;
use time::Duration;
use time::macros::date;

use crate::matrix_fixture::next;

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A week no other cell has used.
fn fresh_week() -> IsoWeek {
    IsoWeek::of(date!(2000 - 01 - 03) + Duration::weeks(next()))
}

pub fn report_fields(project: i64, filed_by: i64) -> HealthReportFields {
    HealthReportFields {
        project_id: Id::new(project),
        week: fresh_week(),
        overall: Rag::Yellow,
        summary: "Data migration slipped two days.\nRecovery plan agreed.".into(),
        schedule_on_track: false,
        schedule_why: Some("Source extracts late".into()),
        scope_on_track: true,
        scope_why: None,
        budget_on_track: true,
        budget_why: None,
        sentiment: Sentiment::Engaged,
        filed_by: Id::new(filed_by),
    }
}

pub async fn report(store: &dyn Store, project: i64, filed_by: i64) -> i64 {
    let r: HealthReport = made(
        store
            .create(&WriteCtx::trusted(), report_fields(project, filed_by))
            .await
            .expect("report"),
    );
    r.id.get()
}

pub fn raid_fields(project: i64) -> RaidItemFields {
    RaidItemFields {
        project_id: Id::new(project),
        kind: RaidKind::Risk,
        title: format!("Risk {}", next()),
        description: None,
        priority: RaidPriority::High,
        impacts: vec![ImpactArea::Timeline],
        owner_id: None,
        mitigation: Some("Weekly call with the vendor".into()),
        due_date: Some(date!(2026 - 06 - 30)),
        status: RaidStatus::Open,
        escalated: true,
    }
}

pub async fn raid(store: &dyn Store, project: i64) -> i64 {
    let r: RaidItem = made(
        store
            .create(&WriteCtx::trusted(), raid_fields(project))
            .await
            .expect("raid"),
    );
    r.id.get()
}
