//! Forecast utilization: the coming weeks' billable utilization from bookings — hard
//! ones (assignments) and soft ones (held soft requests), each weighted as the revenue
//! forecast weighs them — per person, function or region, against target.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::people::{Function, PersonId};
use crate::ratio::basis_points;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ForecastGroup {
    Person,
    #[default]
    Function,
    Region,
}

impl crate::code::Code for ForecastGroup {
    const FIELD: &'static str = "group";
}

/// One person's coming weeks, as the forecast reads them.
#[derive(Debug, Clone)]
pub struct Booked {
    pub person_id: PersonId,
    pub name: String,
    pub function: Function,
    pub region: String,
    pub target_bp: i64,
    /// Per week: capacity, billable hard-booked minutes, billable soft-booked minutes.
    pub weeks: Vec<(i64, i64, i64)>,
}

/// One group's week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ForecastWeek {
    pub capacity: i64,
    /// Billable minutes booked hard and soft, unweighted.
    pub hard: i64,
    pub soft: i64,
    /// (hard × hard weight + soft × soft weight) ÷ capacity, in basis points.
    pub weighted_bp: Option<i64>,
    /// (hard + soft) ÷ capacity: if every booking holds.
    pub upside_bp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ForecastRow {
    /// The person's id, the function's code or the region.
    pub key: String,
    pub label: String,
    /// The group's blended billable target, weighted by capacity.
    pub target_bp: Option<i64>,
    pub weeks: Vec<ForecastWeek>,
    /// Weeks whose weighted forecast is below target.
    pub weeks_below: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UtilizationForecast {
    pub group: ForecastGroup,
    /// The Mondays of the weeks.
    pub weeks: Vec<Date>,
    pub soft_weight_bp: i64,
    pub hard_weight_bp: i64,
    /// Every group the filters keep; `rows` is one page of them, by label.
    pub total: usize,
    pub rows: Vec<ForecastRow>,
    /// Everyone together.
    pub all: ForecastRow,
}

#[derive(Default, Clone)]
struct Sum {
    capacity: Vec<i64>,
    hard: Vec<i64>,
    soft: Vec<i64>,
    target: i128,
    capacity_all: i128,
}

fn row(key: String, label: String, s: &Sum, weights: (i64, i64)) -> ForecastRow {
    let target_bp = (s.capacity_all > 0).then(|| i64::try_from(s.target / s.capacity_all).unwrap_or(0));
    let weeks: Vec<ForecastWeek> = (0..s.capacity.len())
        .map(|i| {
            let weighted = (s.hard[i] * weights.1 + s.soft[i] * weights.0) / 10_000;
            ForecastWeek {
                capacity: s.capacity[i],
                hard: s.hard[i],
                soft: s.soft[i],
                weighted_bp: basis_points(weighted, s.capacity[i]),
                upside_bp: basis_points(s.hard[i] + s.soft[i], s.capacity[i]),
            }
        })
        .collect();
    let weeks_below = weeks
        .iter()
        .filter(|w| matches!((w.weighted_bp, target_bp), (Some(x), Some(t)) if x < t))
        .count();
    ForecastRow {
        key,
        label,
        target_bp,
        weeks,
        weeks_below,
    }
}

/// The forecast of everyone given, grouped; `weights` are (soft, hard) in basis points.
pub fn forecast(
    people: &[Booked],
    count: usize,
    group: ForecastGroup,
    weights: (i64, i64),
) -> (Vec<ForecastRow>, ForecastRow) {
    let empty = Sum {
        capacity: vec![0; count],
        hard: vec![0; count],
        soft: vec![0; count],
        ..Default::default()
    };
    // By (label in lower case, key): the order rows are listed in; the label kept beside.
    let mut groups: BTreeMap<(String, String), (String, Sum)> = BTreeMap::new();
    let mut all = empty.clone();
    for p in people {
        let (key, label) = match group {
            ForecastGroup::Person => (p.person_id.to_string(), p.name.clone()),
            ForecastGroup::Function => {
                let code = crate::code::Code::code(&p.function);
                (code.to_string(), code.replace('_', " "))
            }
            ForecastGroup::Region => (p.region.clone(), p.region.clone()),
        };
        let shown = match group {
            ForecastGroup::Person => label.clone(),
            _ => key.replace('_', " "),
        };
        let (_, g) = groups
            .entry((label.to_lowercase(), key))
            .or_insert_with(|| (shown, empty.clone()));
        for s in [&mut *g, &mut all] {
            for (i, (c, h, so)) in p.weeks.iter().take(count).enumerate() {
                s.capacity[i] += c;
                s.hard[i] += h;
                s.soft[i] += so;
                s.target += i128::from(*c) * i128::from(p.target_bp);
                s.capacity_all += i128::from(*c);
            }
        }
    }
    let rows = groups
        .into_iter()
        .map(|((_, key), (label, s))| row(key, label, &s, weights))
        .collect();
    (rows, row("all".into(), "Everyone".into(), &all, weights))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    fn booked(id: i64, function: Function, region: &str, hard: i64, soft: i64) -> Booked {
        Booked {
            person_id: Id::new(id),
            name: format!("P{id}"),
            function,
            region: region.into(),
            target_bp: 7_000,
            weeks: vec![(2_400, hard, soft); 2],
        }
    }

    #[test]
    fn hard_and_soft_are_weighted_as_the_revenue_forecast_weighs_them() {
        let people = [
            booked(1, Function::Engineer, "EMEA", 1_200, 1_200),
            booked(2, Function::Engineer, "AMER", 2_400, 0),
            booked(3, Function::ProjectManager, "EMEA", 0, 0),
        ];
        let (rows, all) = forecast(&people, 2, ForecastGroup::Function, (4_000, 9_250));
        let eng = rows.iter().find(|r| r.key == "engineer").expect("engineers");
        // (3,600 × 92.5 % + 1,200 × 40 %) ÷ 4,800 = 79.4 %.
        assert_eq!(eng.weeks[0].weighted_bp, Some(7_938));
        assert_eq!(eng.weeks[0].upside_bp, Some(10_000));
        assert_eq!((eng.target_bp, eng.weeks_below), (Some(7_000), 0));
        let pm = rows.iter().find(|r| r.key == "project_manager").expect("pm");
        assert_eq!((pm.weeks[1].weighted_bp, pm.weeks_below), (Some(0), 2));
        assert_eq!(all.weeks[0].capacity, 7_200);
        let (rows, _) = forecast(&people, 2, ForecastGroup::Region, (4_000, 9_250));
        assert_eq!(
            rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
            ["AMER", "EMEA"]
        );
        let (rows, _) = forecast(&people, 2, ForecastGroup::Person, (4_000, 9_250));
        assert_eq!(rows[0].label, "P1");
        assert_eq!(
            rows[0].weeks[0].weighted_bp,
            Some((1_200 * 9_250 / 10_000 + 1_200 * 4_000 / 10_000) * 10_000 / 2_400)
        );
    }
}
