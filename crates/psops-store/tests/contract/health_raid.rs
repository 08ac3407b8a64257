//! Weekly health reports and the RAID log: one report per project per week, why when off
//! track, the due day and the overdue list across a week boundary, the burn-down from
//! time, the latest RAG with its trend, the weekly overdue notice once per manager, and
//! escalated RAID items across projects by who may see them.

use psops_core::audit::AuditFilter;
use psops_core::delivery::health::{
    HealthReport, HealthReportFields, HealthReportFilter, HealthReportPatch, Rag, Sentiment, Trend,
};
use psops_core::delivery::raid::{
    ImpactArea, RaidItem, RaidItemFields, RaidItemFilter, RaidItemPatch, RaidKind, RaidPriority, RaidStatus,
};
use psops_core::delivery::settings::{DeliverySettings, Weekday};
use psops_core::page::PageRequest;
use psops_core::people::Person;
use psops_core::projects::{BillingType, Project, ProjectPatch, ProjectStatus};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Minutes};
use time::macros::{date, datetime};

use super::fixtures::{broken, ctx, new, person, project};
use super::time_fixtures::{log, on_project};

crate::stories!(
    one_report_per_week_and_revisions_are_audited,
    why_is_required_when_off_track,
    only_active_projects_file,
    overdue_across_a_week_boundary_by_manager,
    due_day_is_a_setting,
    burn_down_from_time_for_t_and_m_only,
    latest_rag_and_trend,
    overdue_notice_once_per_manager_per_week,
    raid_items_filter_and_escalated_listing,
);

fn w(s: &str) -> IsoWeek {
    s.parse().unwrap()
}

fn report(p: &Project, by: &Person, week: &str, overall: Rag) -> HealthReportFields {
    HealthReportFields {
        project_id: p.id,
        week: w(week),
        overall,
        summary: "Sprint 4 closed.\nUAT starts Monday.".into(),
        schedule_on_track: true,
        schedule_why: None,
        scope_on_track: true,
        scope_why: None,
        budget_on_track: true,
        budget_why: None,
        sentiment: Sentiment::Engaged,
        filed_by: by.id,
    }
}

async fn managed(db: &dyn Store, name: &str, pm: &Person) -> Project {
    let p = project(db, name).await;
    let patch = ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        // Monday of 2026-W09: no report is owed for a week before the start.
        start_date: Some(Some(date!(2026 - 02 - 23))),
        ..Default::default()
    };
    db.update(&ctx(), p.id, None, patch).await.expect("set pm")
}

async fn file(db: &dyn Store, f: HealthReportFields) -> HealthReport {
    new(db.create(&ctx(), f).await.expect("file report"))
}

async fn one_report_per_week_and_revisions_are_audited(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let p = managed(db, "Apollo", &pm).await;
    let first = file(db, report(&p, &pm, "2026-W10", Rag::Green)).await;
    let again = db.create(&ctx(), report(&p, &pm, "2026-W10", Rag::Red)).await;
    match again {
        Err(Error::Conflict(e)) => {
            assert_eq!(e.field, "week");
            assert_eq!(e.rule, Rule::OneReportPerWeek);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // The next week is its own report.
    file(db, report(&p, &pm, "2026-W11", Rag::Green)).await;
    // The week's report is revised instead, each revision audited.
    let patch = HealthReportPatch {
        overall: Some(Rag::Yellow),
        budget_on_track: Some(false),
        budget_why: Some(Some("Burn 15% ahead of plan".into())),
        ..Default::default()
    };
    let revised: HealthReport = db.update(&ctx(), first.id, Some(1), patch).await.expect("revise");
    assert_eq!(revised.fields.overall, Rag::Yellow);
    assert_eq!(revised.meta.version, 2);
    assert_eq!(revised.fields.week, w("2026-W10"));
    let history = db
        .list_audit(
            &AuditFilter {
                entity: Some(Entity::HealthReport.name().to_string()),
                entity_id: Some(first.id.get()),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .expect("audit");
    assert_eq!(history.items.len(), 2, "the filing and its revision");
    let list = db
        .list(
            &HealthReportFilter {
                project_id: Some(p.id),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .expect("list");
    assert_eq!(list.items.len(), 2);
}

async fn why_is_required_when_off_track(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let p = managed(db, "Apollo", &pm).await;
    let mut f = report(&p, &pm, "2026-W10", Rag::Yellow);
    f.schedule_on_track = false;
    f.scope_on_track = false;
    f.scope_why = Some("   ".into());
    let e = db.create(&ctx(), f.clone()).await.map(|_| ()).unwrap_err();
    let b = broken(e);
    assert!(b.contains(&("schedule_why".into(), Rule::WhyRequired)), "{b:?}");
    assert!(b.contains(&("scope_why".into(), Rule::WhyRequired)), "{b:?}");
    f.summary = "one\ntwo\nthree\nfour".into();
    f.schedule_why = Some("Customer SSO not ready".into());
    f.scope_why = Some("Two reports added".into());
    let b = broken(db.create(&ctx(), f.clone()).await.map(|_| ()).unwrap_err());
    assert_eq!(b, vec![("summary".to_string(), Rule::SummaryLines)]);
    f.summary = "Two slips this week.\nRecovery plan agreed.".into();
    let ok = file(db, f).await;
    // A why given while on track is not kept.
    let patch = HealthReportPatch {
        schedule_on_track: Some(true),
        ..Default::default()
    };
    let r: HealthReport = db.update(&ctx(), ok.id, None, patch).await.expect("back on track");
    assert_eq!(r.fields.schedule_why, None);
    assert_eq!(r.fields.scope_why.as_deref(), Some("Two reports added"));
}

async fn only_active_projects_file(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let p = managed(db, "Apollo", &pm).await;
    let held: Project = db
        .update(
            &ctx(),
            p.id,
            None,
            ProjectPatch {
                status: Some(ProjectStatus::OnHold),
                ..Default::default()
            },
        )
        .await
        .expect("hold");
    let b = broken(
        db.create(&ctx(), report(&held, &pm, "2026-W10", Rag::Green))
            .await
            .map(|_| ())
            .unwrap_err(),
    );
    assert_eq!(b, vec![("project_id".to_string(), Rule::ProjectNotActive)]);
}

async fn overdue_across_a_week_boundary_by_manager(db: &dyn Store) {
    let ann = person(db, "ann@x.test").await;
    let bob = person(db, "bob@x.test").await;
    let a = managed(db, "Apollo", &ann).await;
    let b = managed(db, "Borealis", &bob).await;
    // 2026-W10 runs Monday 2 March to Sunday 8 March; due Thursday 5 March.
    file(db, report(&a, &ann, "2026-W09", Rag::Green)).await;
    file(db, report(&b, &bob, "2026-W09", Rag::Green)).await;
    file(db, report(&a, &ann, "2026-W10", Rag::Green)).await;
    // On the due day nothing is overdue yet.
    let on_due = db.overdue_health(&ListScope::All, date!(2026 - 03 - 05)).await.unwrap();
    assert!(on_due.is_empty(), "{on_due:?}");
    // The day after, Borealis misses W10.
    let after = db.overdue_health(&ListScope::All, date!(2026 - 03 - 06)).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].project_id, b.id);
    assert_eq!(after[0].project_manager_id, Some(bob.id));
    assert_eq!(after[0].weeks, vec![w("2026-W10")]);
    // Across the week boundary: on Monday of W11 (not yet due) still only W10 of Borealis.
    let monday = db.overdue_health(&ListScope::All, date!(2026 - 03 - 09)).await.unwrap();
    assert_eq!(monday.len(), 1);
    assert_eq!(monday[0].weeks, vec![w("2026-W10")]);
    // On Friday of W11 both owe W11, Borealis W10 too; listed by manager (Ann first).
    let friday = db.overdue_health(&ListScope::All, date!(2026 - 03 - 13)).await.unwrap();
    assert_eq!(friday.len(), 2);
    assert_eq!(friday[0].project_id, a.id);
    assert_eq!(friday[0].weeks, vec![w("2026-W11")]);
    assert_eq!(friday[1].weeks, vec![w("2026-W10"), w("2026-W11")]);
    // A manager sees only their own projects.
    let mine = ListScope::Limited {
        own: None,
        managed_by: Some(ann.id),
        assigned: None,
        partner: None,
    };
    let only = db.overdue_health(&mine, date!(2026 - 03 - 13)).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].project_id, a.id);
    // A project that is not active owes nothing.
    let _: Project = db
        .update(
            &ctx(),
            b.id,
            None,
            ProjectPatch {
                status: Some(ProjectStatus::OnHold),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let left = db.overdue_health(&ListScope::All, date!(2026 - 03 - 13)).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].project_id, a.id);
}

async fn due_day_is_a_setting(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let p = managed(db, "Apollo", &pm).await;
    file(db, report(&p, &pm, "2026-W09", Rag::Green)).await;
    // Wednesday 4 March: W10 is not due until Thursday.
    assert!(
        db.overdue_health(&ListScope::All, date!(2026 - 03 - 04))
            .await
            .unwrap()
            .is_empty()
    );
    db.update_settings(
        &ctx(),
        SettingsPatch {
            delivery: Some(DeliverySettings {
                health_due: Weekday::Tuesday,
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .expect("settings");
    let late = db.overdue_health(&ListScope::All, date!(2026 - 03 - 04)).await.unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].weeks, vec![w("2026-W10")]);
}

async fn burn_down_from_time_for_t_and_m_only(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let dev = person(db, "dev@x.test").await;
    let p = managed(db, "Apollo", &pm).await;
    let p: Project = db
        .update(
            &ctx(),
            p.id,
            None,
            ProjectPatch {
                budget_minutes: Some(Some(Minutes(100 * 60))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    log(db, on_project(dev.id, &p, date!(2026 - 03 - 02), 8 * 60)).await; // Mon W10
    log(db, on_project(dev.id, &p, date!(2026 - 03 - 08), 2 * 60)).await; // Sun W10
    log(db, on_project(dev.id, &p, date!(2026 - 03 - 09), 6 * 60)).await; // Mon W11
    let burn = db.burn_down(p.id, w("2026-W09"), w("2026-W11")).await.unwrap();
    let left: Vec<i64> = burn.iter().map(|b| b.remaining.get() / 60).collect();
    assert_eq!(left, vec![100, 90, 84]);
    assert_eq!(burn[2].logged, Minutes(16 * 60));
    // A fixed-fee project has no hours burn-down.
    let fixed: Project = db
        .update(
            &ctx(),
            p.id,
            None,
            ProjectPatch {
                billing_type: Some(BillingType::FixedFee),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        db.burn_down(fixed.id, w("2026-W09"), w("2026-W11"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn latest_rag_and_trend(db: &dyn Store) {
    let pm = person(db, "pm@x.test").await;
    let a = managed(db, "Apollo", &pm).await;
    let b = managed(db, "Borealis", &pm).await;
    let c = managed(db, "Cygnus", &pm).await;
    file(db, report(&a, &pm, "2026-W09", Rag::Red)).await;
    file(db, report(&a, &pm, "2026-W10", Rag::Yellow)).await;
    file(db, report(&b, &pm, "2026-W08", Rag::Green)).await;
    file(db, report(&b, &pm, "2026-W10", Rag::Red)).await;
    file(db, report(&c, &pm, "2026-W10", Rag::Green)).await;
    let latest = db.latest_health(&ListScope::All).await.unwrap();
    let got: Vec<(&str, Rag, Option<Trend>)> = latest
        .iter()
        .map(|l| (l.project_name.as_str(), l.overall, l.trend))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Apollo", Rag::Yellow, Some(Trend::Better)),
            ("Borealis", Rag::Red, Some(Trend::Worse)),
            ("Cygnus", Rag::Green, None),
        ]
    );
    let weeks = db.rag_weeks(a.id, w("2026-W08"), w("2026-W10")).await.unwrap();
    assert_eq!(weeks, vec![(w("2026-W09"), Rag::Red), (w("2026-W10"), Rag::Yellow)]);
}

async fn overdue_notice_once_per_manager_per_week(db: &dyn Store) {
    let ann = person(db, "ann@x.test").await;
    let a = managed(db, "Apollo", &ann).await;
    let b = managed(db, "Borealis", &ann).await;
    file(db, report(&a, &ann, "2026-W09", Rag::Green)).await;
    file(db, report(&b, &ann, "2026-W09", Rag::Green)).await;
    let friday = datetime!(2026-03-06 09:00 UTC);
    assert_eq!(db.notify_overdue_health(&ctx(), friday).await.unwrap(), 1);
    // The job runs again the same week: nothing more.
    assert_eq!(
        db.notify_overdue_health(&ctx(), datetime!(2026-03-07 09:00 UTC))
            .await
            .unwrap(),
        0
    );
    // Next week (still missing), one more.
    assert_eq!(
        db.notify_overdue_health(&ctx(), datetime!(2026-03-13 09:00 UTC))
            .await
            .unwrap(),
        1
    );
    // Nothing due before Thursday's reports were missed: a week with both filed is quiet.
    file(db, report(&a, &ann, "2026-W10", Rag::Green)).await;
    file(db, report(&b, &ann, "2026-W10", Rag::Green)).await;
    file(db, report(&a, &ann, "2026-W11", Rag::Green)).await;
    file(db, report(&b, &ann, "2026-W11", Rag::Green)).await;
    file(db, report(&a, &ann, "2026-W12", Rag::Green)).await;
    file(db, report(&b, &ann, "2026-W12", Rag::Green)).await;
    assert_eq!(
        db.notify_overdue_health(&ctx(), datetime!(2026-03-20 09:00 UTC))
            .await
            .unwrap(),
        0
    );
}

fn raid(p: &Project, kind: RaidKind, title: &str, priority: RaidPriority, escalated: bool) -> RaidItemFields {
    RaidItemFields {
        project_id: p.id,
        kind,
        title: title.into(),
        description: Some("What we saw".into()),
        priority,
        impacts: vec![ImpactArea::Timeline, ImpactArea::Budget, ImpactArea::Timeline],
        owner_id: None,
        mitigation: Some("What we do".into()),
        due_date: Some(date!(2026 - 04 - 01)),
        status: RaidStatus::Open,
        escalated,
    }
}

async fn raid_items_filter_and_escalated_listing(db: &dyn Store) {
    let ann = person(db, "ann@x.test").await;
    let bob = person(db, "bob@x.test").await;
    let a = managed(db, "Apollo", &ann).await;
    let b = managed(db, "Borealis", &bob).await;
    let mut f = raid(&a, RaidKind::Risk, "SSO vendor late", RaidPriority::Medium, true);
    f.owner_id = Some(ann.id);
    let r1: RaidItem = new(db.create(&ctx(), f).await.unwrap());
    assert_eq!(r1.fields.impacts, vec![ImpactArea::Timeline, ImpactArea::Budget]);
    let _r2: RaidItem = new(db
        .create(
            &ctx(),
            raid(&a, RaidKind::Issue, "Test data missing", RaidPriority::Low, false),
        )
        .await
        .unwrap());
    let r3: RaidItem = new(db
        .create(
            &ctx(),
            raid(&b, RaidKind::Issue, "Prod access blocked", RaidPriority::High, true),
        )
        .await
        .unwrap());
    // A closed item cannot stay escalated.
    let mut closed = raid(&b, RaidKind::Decision, "Go with plan B", RaidPriority::Low, true);
    closed.status = RaidStatus::Closed;
    let e = broken(db.create(&ctx(), closed).await.map(|_| ()).unwrap_err());
    assert_eq!(e, vec![("escalated".to_string(), Rule::InvalidValue)]);
    // An owner must be a person psops knows.
    let mut nobody = raid(&b, RaidKind::Action, "Call", RaidPriority::Low, false);
    nobody.owner_id = Some(psops_core::Id::new(99_999));
    assert!(db.create(&ctx(), nobody).await.is_err());

    let esc = db.escalated_raid(&ListScope::All, 50).await.unwrap();
    let titles: Vec<&str> = esc.iter().map(|e| e.item.fields.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Prod access blocked", "SSO vendor late"],
        "high priority first"
    );
    assert_eq!(esc[1].project_name, "Apollo");
    assert_eq!(esc[1].owner_name.as_deref(), Some("Person ann@x.test"));
    let bobs = ListScope::Limited {
        own: None,
        managed_by: Some(bob.id),
        assigned: None,
        partner: None,
    };
    let only = db.escalated_raid(&bobs, 50).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].item.id, r3.id);

    // Closing takes it out of the portfolio.
    let shut: RaidItem = db
        .update(
            &ctx(),
            r3.id,
            Some(1),
            RaidItemPatch {
                status: Some(RaidStatus::Closed),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!shut.fields.escalated);
    assert_eq!(db.escalated_raid(&ListScope::All, 50).await.unwrap().len(), 1);

    let filter = RaidItemFilter {
        project_id: Some(a.id),
        kind: Some(RaidKind::Issue),
        ..Default::default()
    };
    let issues = db.list(&filter, PageRequest { after: None, limit: 10 }).await.unwrap();
    assert_eq!(issues.items.len(), 1);
    let filter = RaidItemFilter {
        project_id: Some(a.id),
        escalated: Some(true),
        ..Default::default()
    };
    let esc_a = db.list(&filter, PageRequest { after: None, limit: 10 }).await.unwrap();
    assert_eq!(esc_a.items.len(), 1);
    assert_eq!(esc_a.items[0].id, r1.id);
    // Archived items leave the escalated list too.
    let _: RaidItem = db.archive(&ctx(), r1.id, None, true).await.unwrap();
    assert!(db.escalated_raid(&ListScope::All, 50).await.unwrap().is_empty());
}
