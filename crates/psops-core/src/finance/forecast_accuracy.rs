//! How close the forecasts landed: for a past month, accuracy = (forecast − actual) ÷
//! actual in basis points, the forecast being the latest snapshot kept **before** the
//! month began and the actual the revenue recognised for it, both in the reporting
//! currency. A quarter sums the months of it that have both. Within target when
//! |accuracy| ≤ the class's target (±5 %; ±10 % for consulting blocks and dedicated
//! engineers). A month with no actual revenue has no figure — never zero, never a
//! division by zero.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::forecast::Class;
use super::month::Month;
use super::settings::FinanceSettings;
use crate::fiscal::FiscalCalendar;
use crate::projects::ProjectId;
use crate::rates::div_round;

/// The forecast a snapshot kept for a month: its id and the weighted revenue of each
/// project, in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub snapshot_id: i64,
    pub lines: Vec<(ProjectId, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
}

/// One month's or quarter's accuracy for one class of project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccuracyRow {
    /// `2026-07` for a month, `FY2027-Q1` for a quarter.
    pub period: String,
    pub kind: PeriodKind,
    pub class: Class,
    /// The snapshot the month's forecast came from (months only).
    pub snapshot_id: Option<i64>,
    /// Weighted forecast revenue, reporting currency, minor units.
    pub forecast_minor: Option<i64>,
    /// Revenue recognised, reporting currency, minor units.
    pub actual_minor: Option<i64>,
    /// (forecast − actual) ÷ actual in basis points; none without both figures.
    pub accuracy_bp: Option<i64>,
    /// The target either way, in basis points.
    pub target_bp: i64,
    /// Whether |accuracy| is within the target; none without a figure.
    pub met: Option<bool>,
}

/// The accuracy of a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Accuracy {
    pub year: i32,
    pub months: Vec<AccuracyRow>,
    pub quarters: Vec<AccuracyRow>,
}

/// (forecast − actual) ÷ actual in basis points, rounded half away from zero; none when
/// there is no actual to divide by.
pub fn accuracy_bp(forecast: i64, actual: i64) -> Option<i64> {
    if actual == 0 {
        return None;
    }
    let (n, d) = (i128::from(forecast) - i128::from(actual), i128::from(actual));
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    i64::try_from(div_round(n * 10_000, d)).ok()
}

fn row(
    period: String,
    kind: PeriodKind,
    class: Class,
    s: &FinanceSettings,
    snapshot: Option<i64>,
    f: Option<i64>,
    a: Option<i64>,
) -> AccuracyRow {
    let bp = match (f, a) {
        (Some(f), Some(a)) => accuracy_bp(f, a),
        _ => None,
    };
    let target = class.target_bp(s);
    AccuracyRow {
        period,
        kind,
        class,
        snapshot_id: snapshot,
        forecast_minor: f,
        actual_minor: a,
        accuracy_bp: bp,
        target_bp: target,
        met: bp.map(|b| b.abs() <= target),
    }
}

/// The accuracy of fiscal `year` for the months before `current` (months from it on are
/// not over, so have no figure). `kept` holds each month's forecast, `actuals` the revenue
/// recognised per project and month, `classes` each project's class (standard when absent).
pub fn accuracy(
    year: i32,
    fiscal: &FiscalCalendar,
    settings: &FinanceSettings,
    current: Month,
    kept: &HashMap<Month, Kept>,
    actuals: &[(ProjectId, Month, i64)],
    classes: &HashMap<ProjectId, Class>,
) -> Accuracy {
    let class = |p: &ProjectId| classes.get(p).copied().unwrap_or(Class::Standard);
    let span = fiscal.year_range(year);
    let months: Vec<Month> = Month::of(span.start).through(Month::of(span.end)).collect();
    let mut actual: HashMap<(Month, Class), i64> = HashMap::new();
    for (p, m, amount) in actuals {
        *actual.entry((*m, class(p))).or_default() += amount;
    }
    let mut out = Accuracy {
        year,
        months: Vec::new(),
        quarters: Vec::new(),
    };
    // Per quarter and class, the sums over the months that have both figures.
    let mut quarters: BTreeMap<(crate::fiscal::FiscalQuarter, Class), (Option<i64>, Option<i64>)> = BTreeMap::new();
    for c in [Class::Standard, Class::Block] {
        for &m in &months {
            let q = fiscal.quarter_of(m.first());
            let sums = quarters.entry((q, c)).or_default();
            let past = m < current;
            let k = kept.get(&m).filter(|_| past);
            let f = k.map(|k| {
                k.lines
                    .iter()
                    .filter(|(p, _)| class(p) == c)
                    .map(|(_, v)| v)
                    .sum::<i64>()
            });
            let a = actual.get(&(m, c)).copied().filter(|a| past && *a != 0);
            if let (Some(f), Some(a)) = (f, a) {
                sums.0 = Some(sums.0.unwrap_or(0) + f);
                sums.1 = Some(sums.1.unwrap_or(0) + a);
            }
            out.months.push(row(
                m.to_string(),
                PeriodKind::Month,
                c,
                settings,
                k.map(|k| k.snapshot_id),
                f,
                a,
            ));
        }
    }
    for ((q, c), (f, a)) in quarters {
        out.quarters
            .push(row(q.to_string(), PeriodKind::Quarter, c, settings, None, f, a));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;

    fn m(s: &str) -> Month {
        Month::parse(s, "month").unwrap()
    }

    #[test]
    fn accuracy_divides_by_the_actual_and_never_by_zero() {
        assert_eq!(accuracy_bp(105_000, 100_000), Some(500));
        assert_eq!(accuracy_bp(94_999, 100_000), Some(-500));
        assert_eq!(accuracy_bp(1, 3), Some(-6_667));
        assert_eq!(accuracy_bp(5, 0), None);
    }

    #[test]
    fn months_and_quarters_against_each_class_target() {
        let s = FinanceSettings::default();
        let fiscal = FiscalCalendar::new(1).unwrap();
        let (a, b) = (Id::new(1), Id::new(2));
        let classes = HashMap::from([(b, Class::Block)]);
        let kept = HashMap::from([
            (
                m("2026-01"),
                Kept {
                    snapshot_id: 7,
                    lines: vec![(a, 104_000), (b, 10_000)],
                },
            ),
            (
                m("2026-02"),
                Kept {
                    snapshot_id: 8,
                    lines: vec![(a, 90_000)],
                },
            ),
            (
                m("2026-03"),
                Kept {
                    snapshot_id: 9,
                    lines: vec![(a, 50_000)],
                },
            ),
        ]);
        let actuals = vec![
            (a, m("2026-01"), 100_000),
            (b, m("2026-01"), 11_000),
            (a, m("2026-02"), 100_000),
        ];
        let r = accuracy(2026, &fiscal, &s, m("2026-03"), &kept, &actuals, &classes);
        assert_eq!(r.months.len(), 24);
        let jan = &r.months[0];
        assert_eq!(
            (jan.forecast_minor, jan.actual_minor, jan.accuracy_bp, jan.met),
            (Some(104_000), Some(100_000), Some(400), Some(true))
        );
        assert_eq!(jan.snapshot_id, Some(7));
        let feb = &r.months[1];
        assert_eq!((feb.accuracy_bp, feb.met), (Some(-1_000), Some(false)));
        // March is not over: no figure even though a forecast was kept.
        assert_eq!((r.months[2].forecast_minor, r.months[2].accuracy_bp), (None, None));
        let jan_block = &r.months[12];
        assert_eq!(
            (
                jan_block.class,
                jan_block.accuracy_bp,
                jan_block.target_bp,
                jan_block.met
            ),
            (Class::Block, Some(-909), 1_000, Some(true))
        );
        let q1 = &r.quarters[0];
        assert_eq!((q1.period.as_str(), q1.class), ("FY2026-Q1", Class::Standard));
        assert_eq!(
            (q1.forecast_minor, q1.actual_minor, q1.accuracy_bp, q1.met),
            (Some(194_000), Some(200_000), Some(-300), Some(true))
        );
        // A quarter with no actual has no figure.
        assert_eq!((r.quarters[2].accuracy_bp, r.quarters[2].met), (None, None));
    }
}
