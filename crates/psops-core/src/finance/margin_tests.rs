use std::collections::HashMap;

use time::macros::date;

use super::*;
use crate::Id;

fn cell(project: i64, month: &str, kind: LineKind, minor: i64) -> Cell {
    Cell {
        project: Id::new(project),
        month: Month::parse(month, "month").unwrap(),
        kind,
        basis: if kind == LineKind::Revenue {
            "time_and_materials"
        } else {
            "staff_cost"
        }
        .into(),
        reporting_minor: minor,
        minutes: 60,
    }
}

#[test]
fn margin_is_a_share_of_revenue_rounded_half_away_from_zero() {
    assert_eq!(margin_bp(100_000, 70_000), Some(3_000));
    // 1/3 = 3333.33… bp.
    assert_eq!(margin_bp(300, 200), Some(3_333));
    // 2/3 = 6666.66… bp.
    assert_eq!(margin_bp(300, 100), Some(6_667));
    // A loss: (100 − 150) ÷ 100.
    assert_eq!(margin_bp(100, 150), Some(-5_000));
    // Exactly half a basis point rounds away from zero: 1 ÷ 20,000 = 0.5 bp.
    assert_eq!(margin_bp(20_000, 19_999), Some(1));
    assert_eq!(margin_bp(20_000, 20_001), Some(-1));
    assert_eq!(margin_bp(0, 500), None);
    // A negative revenue (a credit larger than the month's earnings) keeps the sign of the margin.
    assert_eq!(margin_bp(-100, 0), Some(10_000));
}

#[test]
fn groups_add_up_to_the_total_and_compare_with_the_target() {
    let cells = [
        cell(1, "2026-01", LineKind::Revenue, 100_000),
        cell(1, "2026-01", LineKind::Cost, 60_000),
        cell(2, "2026-02", LineKind::Revenue, 50_000),
        cell(2, "2026-04", LineKind::Cost, 70_000),
    ];
    let mut tags = HashMap::new();
    tags.insert(
        Id::new(1),
        ProjectTags {
            name: "Alpha".into(),
            account: Some((9, "Acme".into())),
            ..Default::default()
        },
    );
    let fiscal = FiscalCalendar::default();
    let (rows, total) = group(&cells, &tags, MarginBy::Project, &fiscal, 3_000);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].label, "Alpha");
    assert_eq!(rows[0].figures.margin_minor, 40_000);
    assert_eq!(rows[0].figures.margin_bp, Some(4_000));
    assert_eq!(rows[0].vs_target_bp, Some(1_000));
    assert_eq!(rows[1].label, "Project 2");
    assert_eq!(rows[1].figures.margin_bp, Some(-4_000));
    assert_eq!(total.revenue_minor, 150_000);
    assert_eq!(total.cost_minor, 130_000);
    assert_eq!(total.margin_minor, 20_000);
    let (by_account, _) = group(&cells, &tags, MarginBy::Account, &fiscal, 3_000);
    assert_eq!(
        by_account.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["9", "none"]
    );
    let (quarters, _) = group(&cells, &tags, MarginBy::Quarter, &fiscal, 3_000);
    assert_eq!(
        quarters.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["FY2026-Q1", "FY2026-Q2"]
    );
    assert_eq!(quarters[1].figures.margin_bp, None);
    assert_eq!(words("time_and_materials"), "Time and materials");
    let _ = date!(2026 - 01 - 01);
}

#[test]
fn a_report_span_runs_forwards_and_stays_bounded() {
    let m = |s| Month::parse(s, "from").unwrap();
    assert!(check_span(m("2026-01"), m("2026-01")).is_ok());
    assert!(check_span(m("2026-02"), m("2026-01")).is_err());
    assert!(check_span(m("2016-01"), m("2026-01")).is_err());
}
