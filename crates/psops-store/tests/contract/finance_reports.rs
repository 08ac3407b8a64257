//! The money reports over the ledger, with exact amounts: a T&M project's July across a
//! bill-rate and a cost-rate change, read as the margin report (by project, month and
//! basis), the dashboard and the project's money — burn, estimate at completion, cost and
//! margin only for a reader who sees cost — and again once July is closed.

use psops_core::finance::Month;
use psops_core::finance::margin::MarginBy;
use psops_core::projects::{BillingType, ProjectPatch};
use psops_core::store::prelude::*;
use psops_core::{Currency, Minutes, Money};
use psops_store::Db;
use time::macros::date;

use super::fixtures::ctx;
use super::ledger::{account, approved, engineer, project};

crate::stories!(the_reports_read_the_ledger_to_the_cent);

async fn the_reports_read_the_ledger_to_the_cent(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Initech", None).await;
    let p = project(db, &a, "Initech migration", BillingType::TimeAndMaterials).await;
    let patch = ProjectPatch {
        budget_minutes: Some(Some(Minutes(40 * 60))),
        budget: Some(Some(Money::new(1_000_000, Currency::USD))),
        ..Default::default()
    };
    let p = db.update(&ctx(), p.id, None, patch).await.expect("budget");
    // 8 h at $200 (cost $90) on the 14th, 8 h at $220 (cost $100) on the 15th.
    approved(db, &me, &p, date!(2026 - 07 - 14), 480).await;
    approved(db, &me, &p, date!(2026 - 07 - 15), 480).await;
    db.recognise(&ctx(), date!(2026 - 07 - 31)).await.expect("recognise");
    let july = Month::parse("2026-07", "month").unwrap();

    let r = db.margin_report(july, july, MarginBy::Project).await.expect("report");
    assert_eq!(r.rows.len(), 1);
    let f = &r.rows[0].figures;
    assert_eq!(
        (f.revenue_minor, f.cost_minor, f.margin_minor),
        (336_000, 152_000, 184_000)
    );
    // 184,000 ÷ 336,000 = 54.7619 %: 5,476 basis points, 2,476 over the 30 % target.
    assert_eq!((f.margin_bp, r.rows[0].vs_target_bp), (Some(5_476), Some(2_476)));
    assert_eq!((f.revenue_minutes, f.cost_minutes), (960, 960));
    assert_eq!(r.rows[0].label, "Initech migration");
    assert_eq!(r.total, *f);
    assert!(r.closed.is_empty());
    let by_basis = db.margin_report(july, july, MarginBy::Basis).await.expect("basis");
    let keys: Vec<_> = by_basis.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["time_and_materials", "staff_cost"]);
    let by_account = db.margin_report(july, july, MarginBy::Account).await.expect("account");
    assert_eq!(by_account.rows[0].key, a.id.get().to_string());

    let d = db
        .dashboard(july, Month::parse("2026-09", "month").unwrap())
        .await
        .expect("dashboard");
    assert_eq!(d.months.len(), 3, "every month of the span, empty ones too");
    assert_eq!(d.months[0].figures.revenue_minor, 336_000);
    assert_eq!(d.months[0].revenue_by_basis[0].revenue_minor, 336_000);
    assert_eq!(d.months[1].figures.revenue_minor, 0);
    assert_eq!(d.quarters.len(), 1);
    assert_eq!(d.quarters[0].figures.margin_bp, Some(5_476));
    assert_eq!((d.loss_count, d.total.margin_minor), (0, 184_000));

    let m = db
        .project_money(p.id, date!(2026 - 08 - 01), true)
        .await
        .expect("money");
    assert_eq!(m.revenue_minor, 336_000);
    let cost = m.cost.as_ref().expect("finance sees cost");
    assert_eq!(
        (cost.cost_minor, cost.margin_minor, cost.margin_bp),
        (152_000, 184_000, Some(5_476))
    );
    let b = &m.burn;
    assert_eq!(
        (b.actual_minutes, b.actual_minor, b.unpriced_minutes),
        (960, 336_000, 0)
    );
    // Still planned: the assignment's 10 h a week over the 109 weekdays from 2 August to
    // 31 December, 218 h at $220: the estimate at completion overruns the 40 h, $10,000
    // budget.
    assert_eq!((b.remaining_minutes, b.remaining_minor), (13_080, 4_796_000));
    assert_eq!((b.eac_minutes, b.variance_minutes), (14_040, Some(-11_640)));
    assert_eq!((b.eac_minor, b.variance_minor), (5_132_000, Some(-4_132_000)));
    assert_eq!((b.burn_minutes_bp, b.burn_money_bp), (Some(4_000), Some(3_360)));
    assert_eq!(m.months.len(), 1);
    assert!(!m.months[0].closed);
    let m = db
        .project_money(p.id, date!(2026 - 08 - 01), false)
        .await
        .expect("money");
    assert!(m.cost.is_none(), "no cost for a reader who does not see it");
    assert_eq!(m.months[0].cost_minor, 0);

    // Once July is closed the reports say so, with the same figures.
    db.close_period(&ctx(), july, date!(2026 - 08 - 03))
        .await
        .expect("close");
    let r = db.margin_report(july, july, MarginBy::Month).await.expect("report");
    assert_eq!(r.closed, vec![july]);
    assert_eq!(r.rows[0].figures.margin_minor, 184_000);
    let m = db
        .project_money(p.id, date!(2026 - 08 - 03), true)
        .await
        .expect("money");
    assert!(m.months[0].closed);
}
