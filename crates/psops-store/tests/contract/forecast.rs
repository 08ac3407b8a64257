//! Forecast stories with exact amounts: a hard assignment across a mid-month rate change
//! and a soft resource request on a time-and-materials project, a fixed-fee milestone
//! due; snapshots kept with their time and never replaced; accuracy against the latest
//! snapshot kept before each month began and the ledger's revenue, by month and quarter.

use psops_core::accounts::{Account, AccountFields};
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::audit::AuditFilter;
use psops_core::finance::Month;
use psops_core::finance::forecast::Class;
use psops_core::finance::forecast_accuracy::PeriodKind;
use psops_core::page::PageRequest;
use psops_core::people::Function;
use psops_core::plan::{
    Booking, Milestone, MilestoneFields, MilestonePatch, MilestoneStatus, RequestStatus, ResourceRequest,
    ResourceRequestFields,
};
use psops_core::projects::{BillingType, Project};
use psops_core::rates::cards::RoleRateFields;
use psops_core::rates::{RateKind, RoleRate};
use psops_core::store::prelude::*;
use psops_core::{Minutes, Money};
use psops_store::Db;
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};

use super::fixtures::{broken, ctx, new, person, project_fields};

crate::stories!(
    bookings_weigh_by_kind_across_a_rate_change_with_a_milestone_due,
    snapshots_are_kept_with_their_time_and_accuracy_reads_the_latest_before_the_month,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, psops_core::Currency::USD)
}

fn july() -> Month {
    Month::parse("2026-07", "month").unwrap()
}

/// Engineers bill 200.00 an hour in AMER until 14 July 2026 and 220.00 from the 15th.
async fn cards(db: &Db) {
    for (minor, from, to) in [
        (20_000, date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
        (22_000, date!(2026 - 07 - 15), None),
    ] {
        let f = RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: usd(minor),
            effective_from: from,
            effective_to: to,
        };
        let _: RoleRate = new(db.create(&ctx(), f).await.expect("card"));
    }
}

struct Org {
    atlas: Project,
    beacon: Project,
    milestone: Milestone,
}

/// Atlas (time and materials): an engineer hard-booked 40 hours a week through July and
/// a soft request for 100 hours over July and August. Beacon (fixed fee): a 50,000.00
/// milestone due on 20 July.
async fn org(db: &Db) -> Org {
    cards(db).await;
    let account: Account = new(db
        .create(
            &ctx(),
            AccountFields {
                name: "Atlas Corp".into(),
                code: None,
                region: Some("AMER".into()),
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("account"));
    let atlas: Project = new(db
        .create(&ctx(), project_fields(account.id.get(), "Atlas"))
        .await
        .expect("atlas"));
    let mut fixed = project_fields(account.id.get(), "Beacon");
    fixed.billing_type = BillingType::FixedFee;
    let beacon: Project = new(db.create(&ctx(), fixed).await.expect("beacon"));
    let eng = person(db, "eng@example.com").await;
    let _: Assignment = new(db
        .create(
            &ctx(),
            AssignmentFields {
                person_id: eng.id,
                project_id: atlas.id,
                role: Function::Engineer,
                start_date: date!(2026 - 07 - 01),
                end_date: Some(date!(2026 - 07 - 31)),
                minutes_per_week: Minutes(2_400),
            },
        )
        .await
        .expect("assignment"));
    let request = |status| ResourceRequestFields {
        status,
        ..ResourceRequestFields::new(
            atlas.id,
            Function::Engineer,
            Minutes(6_000),
            Some(date!(2026 - 07 - 01)),
            Some(date!(2026 - 08 - 31)),
            Booking::Soft,
        )
    };
    let _: ResourceRequest = new(db.create(&ctx(), request(RequestStatus::Open)).await.expect("request"));
    // A filled request is staffed by an assignment already: it never counts twice.
    let _: ResourceRequest = new(db.create(&ctx(), request(RequestStatus::Filled)).await.expect("filled"));
    let milestone: Milestone = new(db
        .create(
            &ctx(),
            MilestoneFields {
                project_id: beacon.id,
                name: "Go-live".into(),
                due_date: Some(date!(2026 - 07 - 20)),
                amount: Some(usd(5_000_000)),
                status: MilestoneStatus::Open,
            },
        )
        .await
        .expect("milestone"));
    Org {
        atlas,
        beacon,
        milestone,
    }
}

async fn bookings_weigh_by_kind_across_a_rate_change_with_a_milestone_due(db: &Db) {
    let o = org(db).await;
    let f = db.forecast(july(), 2, true).await.expect("forecast");
    let line = |p: &Project, m: &str| {
        f.lines
            .iter()
            .find(|l| l.project_id == p.id && l.month.to_string() == m)
            .cloned()
            .unwrap_or_else(|| panic!("no line for {} {m}", p.fields.name))
    };
    // July, hard: 23 weekdays of 8 hours, 10 at 200.00 and 13 at 220.00 = 38,880.00 at
    // 92.5 % = 35,964.00; soft: 23/44 of 100 hours = 11,045.45 at 40 % = 4,418.18.
    let a = line(&o.atlas, "2026-07");
    assert_eq!(
        (a.amount_minor, a.upside_minor),
        (3_596_400 + 441_818, 291_600 + 662_727)
    );
    assert_eq!(
        (a.minutes, a.billable_minutes, a.upside_minutes),
        (10_212 + 1_255, 11_467, 828 + 1_881)
    );
    assert_eq!(a.reporting_minor, a.amount_minor);
    // August: the request's 21 weekdays at 220.00.
    let aug = line(&o.atlas, "2026-08");
    assert_eq!(
        (aug.amount_minor, aug.upside_minor, aug.minutes),
        (420_000, 630_000, 1_145)
    );
    let b = line(&o.beacon, "2026-07");
    assert_eq!((b.amount_minor, b.upside_minor, b.minutes), (4_625_000, 375_000, 0));
    assert_eq!(f.lines.len(), 3);
    assert_eq!(f.by_month[0].totals.revenue_minor, 8_663_218);
    assert_eq!(f.by_month[0].totals.upside_minor, 1_329_327);
    assert_eq!(f.by_month[1].totals.revenue_minor, 420_000);
    assert_eq!(f.total.revenue_minor, 9_083_218);
    let by_type: Vec<_> = f
        .by_billing_type
        .iter()
        .map(|g| (g.group.as_str(), g.totals.revenue_minor))
        .collect();
    assert_eq!(by_type, [("fixed_fee", 4_625_000), ("time_and_materials", 4_458_218)]);
    assert_eq!(f.by_offering[0].group, "(no SOW)");
    // Without lines the totals are the same.
    let short = db.forecast(july(), 2, false).await.expect("forecast");
    assert!(short.lines.is_empty());
    assert_eq!(short.by_month, f.by_month);
    // An accepted or completed milestone is no longer forecast.
    complete(db, &o.milestone).await;
    let after = db.forecast(july(), 1, false).await.expect("forecast");
    assert_eq!(after.by_month[0].totals.revenue_minor, 4_038_218);
    assert_eq!(broken(db.forecast(july(), 25, false).await.unwrap_err())[0].0, "months");
}

async fn complete(db: &Db, m: &Milestone) {
    db.update(
        &ctx(),
        m.id,
        None,
        MilestonePatch {
            status: Some(MilestoneStatus::Completed),
            ..Default::default()
        },
    )
    .await
    .expect("complete");
}

async fn snapshot(db: &Db, from: Month, months: u32, at: OffsetDateTime) -> i64 {
    db.snapshot_forecast(&ctx(), from, months, at)
        .await
        .expect("snapshot")
        .id
}

async fn snapshots_are_kept_with_their_time_and_accuracy_reads_the_latest_before_the_month(db: &Db) {
    let o = org(db).await;
    let first = db
        .snapshot_forecast(&ctx(), july(), 2, datetime!(2026-06-10 09:00 UTC))
        .await
        .expect("snapshot");
    assert_eq!(
        (first.revenue_minor, first.upside_minor, first.lines),
        (9_083_218, 1_959_327, 3)
    );
    assert_eq!(
        (first.billable_minutes, first.from, first.months),
        (11_467 + 1_145, july(), 2)
    );
    // The milestone is signed off early: the next snapshot no longer holds it, the first still does.
    complete(db, &o.milestone).await;
    let second = snapshot(db, july(), 2, datetime!(2026-06-20 09:00 UTC)).await;
    // Kept once July had begun: it counts for no month it covers.
    let late = snapshot(db, july(), 1, datetime!(2026-07-03 09:00 UTC)).await;
    let page = db
        .forecast_snapshots(PageRequest { after: None, limit: 2 })
        .await
        .expect("list");
    assert_eq!(page.items.iter().map(|s| s.id).collect::<Vec<_>>(), [late, second]);
    let rest = db
        .forecast_snapshots(PageRequest::parse(page.next_cursor.as_deref(), Some(2)).unwrap())
        .await
        .expect("list");
    assert_eq!(rest.items.iter().map(|s| s.id).collect::<Vec<_>>(), [first.id]);
    assert!(rest.next_cursor.is_none());
    let audit = db
        .list_audit(
            &AuditFilter {
                entity: Some("forecast_snapshot".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("audit");
    assert_eq!(audit.items.len(), 3);

    psops_store::testing::ledger_revenue(db, o.atlas.id, date!(2026 - 07 - 01), 4_000_000)
        .await
        .expect("ledger");
    psops_store::testing::ledger_revenue(db, o.atlas.id, date!(2026 - 08 - 01), 300_000)
        .await
        .expect("ledger");
    psops_store::testing::ledger_revenue(db, o.atlas.id, date!(2026 - 08 - 01), 200_000)
        .await
        .expect("ledger");
    let today: Date = date!(2026 - 09 - 15);
    let acc = db.forecast_accuracy(2026, today).await.expect("accuracy");
    let month = |m: &str| {
        acc.months
            .iter()
            .find(|r| r.period == m && r.class == Class::Standard)
            .cloned()
            .unwrap()
    };
    // July: the second snapshot (4,038,218) against 4,000,000 recognised: +0.96 %.
    let jul = month("2026-07");
    assert_eq!(
        (jul.snapshot_id, jul.forecast_minor, jul.actual_minor),
        (Some(second), Some(4_038_218), Some(4_000_000))
    );
    assert_eq!((jul.accuracy_bp, jul.target_bp, jul.met), (Some(96), 500, Some(true)));
    // August: 420,000 against 500,000: −16 %, outside ±5 %.
    let aug = month("2026-08");
    assert_eq!(
        (aug.snapshot_id, aug.accuracy_bp, aug.met),
        (Some(second), Some(-1_600), Some(false))
    );
    // June had no snapshot before it and no revenue; September is not over.
    assert_eq!(
        (month("2026-06").forecast_minor, month("2026-06").accuracy_bp),
        (None, None)
    );
    assert_eq!(month("2026-09").met, None);
    let q3 = acc
        .quarters
        .iter()
        .find(|r| r.period == "FY2026-Q3" && r.class == Class::Standard)
        .unwrap();
    assert_eq!(q3.kind, PeriodKind::Quarter);
    assert_eq!((q3.forecast_minor, q3.actual_minor), (Some(4_458_218), Some(4_500_000)));
    assert_eq!((q3.accuracy_bp, q3.met), (Some(-93), Some(true)));
    let blocks = acc
        .quarters
        .iter()
        .find(|r| r.period == "FY2026-Q3" && r.class == Class::Block)
        .unwrap();
    assert_eq!((blocks.target_bp, blocks.accuracy_bp), (1_000, None));
    assert_eq!(
        broken(db.forecast_accuracy(1900, today).await.unwrap_err())[0].0,
        "year"
    );
}
