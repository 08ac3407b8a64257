use psops_core::Minutes;
use psops_core::dates::DateRange;
use psops_core::utilization::{GroupBy, UtilizationRow, utilization_row};
use psops_core::utilization_weeks::{WeekFigures, WeekGroup, WeeklyUtilization, weeks_in};
use time::macros::date;

use super::people::{band_counts, distinct_targets};
use super::weeks::fold_groups;
use super::{ChartRow, Weekly, draw, progress};

fn h(n: i64) -> Minutes {
    Minutes(n * 60)
}

/// `n` people, 400 h available each, billable from 0 to 140 % of a 70 % target.
fn rows(n: usize) -> (Vec<String>, Vec<String>, Vec<UtilizationRow>) {
    let keys = (1..=n).map(|i| i.to_string()).collect();
    let names = (1..=n).map(|i| format!("Person {i}")).collect();
    let rows = (0..n)
        .map(|i| utilization_row(h(400), h(400), h(400), h((i as i64 * 7) % 392), 7000))
        .collect();
    (keys, names, rows)
}

fn chart_rows<'a>(keys: &'a [String], names: &'a [String], rows: &'a [UtilizationRow]) -> Vec<ChartRow<'a>> {
    keys.iter()
        .zip(names)
        .zip(rows)
        .map(|((key, label), row)| ChartRow { key, label, row })
        .collect()
}

#[test]
fn this_week_is_reached_and_under_way_until_its_sunday() {
    let q4 = DateRange::new(date!(2026 - 10 - 01), date!(2026 - 12 - 31)).unwrap();
    assert_eq!(progress(q4, date!(2026 - 12 - 04)), (10, Some(9)), "Friday of W49");
    assert_eq!(progress(q4, date!(2026 - 12 - 06)), (10, None), "its Sunday ends it");
    assert_eq!(progress(q4, date!(2026 - 09 - 30)), (0, None));
    assert_eq!(progress(q4, date!(2027 - 02 - 01)), (14, None));
    // The quarter's last day is still under way; the day after, its last week is done.
    assert_eq!(progress(q4, date!(2026 - 12 - 31)), (14, Some(13)));
    assert_eq!(progress(q4, date!(2027 - 01 - 01)), (14, None));
    // A period that ends today, mid-week (home's "so far" links): this week is not full.
    let so_far = DateRange::new(q4.start, date!(2026 - 12 - 05)).unwrap();
    assert_eq!(progress(so_far, date!(2026 - 12 - 05)), (10, Some(9)));
}

#[test]
fn the_band_is_90_to_110_percent_of_target() {
    let row = |billable| utilization_row(h(100), h(100), h(100), h(billable), 7000);
    let none = utilization_row(h(100), h(100), h(100), h(10), 0);
    let rows = [row(62), row(63), row(70), row(77), row(78), none];
    let labels: Vec<String> = (0..rows.len()).map(|i| i.to_string()).collect();
    let chart: Vec<ChartRow<'_>> = rows
        .iter()
        .zip(&labels)
        .map(|(row, l)| ChartRow { key: l, label: l, row })
        .collect();
    assert_eq!(
        band_counts(&chart),
        (5, 1, 3, 1),
        "5 with a target: 1 below, 3 within, 1 above"
    );
    // A target that comes out at 70.1 % (rounded minutes) is the 70 % target.
    let mixed = [row(70), utilization_row(h(101), h(101), h(101), h(1), 7010)];
    let chart: Vec<ChartRow<'_>> = mixed
        .iter()
        .map(|row| ChartRow {
            key: "1",
            label: "a",
            row,
        })
        .collect();
    assert_eq!(distinct_targets(&chart), [7000]);
}

#[test]
fn lines_past_eight_fold_into_other_and_idle_groups_are_named() {
    let week = |available: i64, billable: i64| WeekFigures {
        available: h(available),
        worked: h(billable),
        billable: h(billable),
        target: h(available * 7 / 10),
    };
    let mut groups: Vec<WeekGroup> = (0..11)
        .map(|i| WeekGroup {
            key: format!("region {i:02}"),
            weeks: vec![week(40 + i, 20); 3],
        })
        .collect();
    groups.push(WeekGroup {
        key: "ops".into(),
        weeks: vec![week(40, 0); 3],
    });
    let (drawn, idle) = fold_groups(&groups, GroupBy::Region);
    assert_eq!(drawn.len(), 8);
    assert_eq!(drawn[7].0, "Other (4 regions)");
    assert_eq!(drawn[7].1[0].billable, h(80), "the four smallest added up");
    assert!(
        drawn.iter().any(|(name, _)| name == "region 10"),
        "the largest keep their line"
    );
    assert_eq!(idle, ["ops"]);
}

#[test]
fn the_report_picks_its_charts_by_size() {
    let (k, n, r) = rows(5);
    let few = draw(GroupBy::Person, &chart_rows(&k, &n, &r), None);
    assert!(few.contains("id=\"chart-people\"") && !few.contains("chart-histogram"));
    let (k, n, r) = rows(21);
    let many = draw(GroupBy::Person, &chart_rows(&k, &n, &r), None);
    for id in ["chart-histogram", "chart-top", "chart-bottom"] {
        assert!(many.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let nobody = draw(GroupBy::Person, &[], None);
    assert!(nobody.contains("Nobody in this report") && !nobody.contains("<svg"));
    let long = draw(GroupBy::Function, &chart_rows(&k, &n, &r), None);
    assert!(long.contains("The weekly chart covers up to 106 weeks"));
}

#[test]
fn the_charts_stay_small_however_many_people() {
    let (k, n, r) = rows(5000);
    let html = draw(GroupBy::Person, &chart_rows(&k, &n, &r), None);
    assert!(html.len() < 60_000, "{} bytes for 5,000 people", html.len());
    assert_eq!(
        html.matches("<a href=\"/people/").count(),
        20,
        "ten at the top, ten at the bottom"
    );
    assert!(html.contains("of 5,000 people with a billable target"));
}

/// FY2026 Q4 seen on Friday 4 December: one group with the same figures every week so far.
fn q4_so_far(group_by: GroupBy, key: &str, figures: WeekFigures) -> Weekly {
    let q4 = DateRange::new(date!(2026 - 10 - 01), date!(2026 - 12 - 31)).unwrap();
    let weeks = weeks_in(DateRange::new(q4.start, date!(2026 - 12 - 04)).unwrap());
    Weekly {
        range: q4,
        today: date!(2026 - 12 - 04),
        so_far: Some(WeeklyUtilization {
            group_by,
            groups: vec![WeekGroup {
                key: key.into(),
                weeks: vec![figures; weeks.len()],
            }],
            total: vec![figures; weeks.len()],
            weeks,
        }),
    }
}

#[test]
fn a_function_report_draws_this_quarter_up_to_today() {
    let figures = WeekFigures {
        available: h(40),
        worked: h(36),
        billable: h(28),
        target: h(28),
    };
    let w = q4_so_far(GroupBy::Function, "technical_architect", figures);
    let row = utilization_row(h(520), h(520), h(468), h(364), 7000);
    let rows = [ChartRow {
        key: "technical_architect",
        label: "technical architect",
        row: &row,
    }];
    let html = draw(GroupBy::Function, &rows, Some(&w));
    assert!(html.contains(">Technical architect</text>"), "named in the legend");
    assert!(html.contains(">Target (Technical architect) 70 %</text>"));
    assert!(html.contains("Billable utilization in W48, the latest full week: Technical architect 70 %"));
    assert!(html.contains("class=\"in-progress\"") && html.contains("class=\"future\""));
    assert!(html.contains(">W53</text>"), "the quarter's last week on the axis");
}

#[test]
fn the_bottom_ranks_people_with_billable_time_and_counts_the_rest() {
    let (k, n, mut r) = rows(40);
    for row in r.iter_mut().take(15) {
        *row = utilization_row(h(400), h(400), h(400), h(0), 7000);
    }
    let html = draw(GroupBy::Person, &chart_rows(&k, &n, &r), None);
    let bottom = &html[html.find("id=\"chart-bottom\"").expect("bottom chart")..];
    assert!(bottom.contains("Bottom 10 with billable time, by attainment"));
    assert!(bottom.contains("15 people with a target logged no billable time in this period"));
    for zero in 1..=15 {
        assert!(
            !bottom.contains(&format!(">Person {zero}</text>")),
            "Person {zero} is at 0 %"
        );
    }
    assert!(bottom.contains(">Person 16</text>"), "the lowest with billable time");
}

#[test]
fn a_region_reports_target_is_its_tables_target() {
    let figures = WeekFigures {
        available: h(50),
        worked: h(45),
        billable: h(28),
        target: h(28),
    };
    let w = q4_so_far(GroupBy::Region, "EMEA", figures);
    // Four engineers at a 70 % target and an ops lead without one.
    let engineer = utilization_row(h(400), h(400), h(400), h(280), 7000);
    let ops = utilization_row(h(400), h(400), h(400), h(0), 0);
    let emea = psops_core::utilization::total([&engineer, &engineer, &engineer, &engineer, &ops]);
    assert_eq!(emea.target_bp, Some(7000));
    let rows = [ChartRow {
        key: "EMEA",
        label: "EMEA",
        row: &emea,
    }];
    let html = draw(GroupBy::Region, &rows, Some(&w));
    assert!(
        html.contains(">Target (blended) 70 %</text>"),
        "the ops lead does not water it down"
    );
}
