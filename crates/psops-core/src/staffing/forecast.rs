//! Forecast utilization: the coming weeks' billable utilization from bookings — hard
//! ones (assignments) and soft ones (held soft requests), each weighted as the revenue
//! forecast weighs them — per person, function or region, against target.

use std::collections::HashMap;

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

/// One person's coming weeks, as the forecast reads them (borrowed: at 5,000 people the
/// forecast is read on every view, and copying everyone's weeks cost more than summing).
#[derive(Debug, Clone, Copy)]
pub struct Booked<'a> {
    pub person_id: PersonId,
    pub name: &'a str,
    pub function: Function,
    pub region: &'a str,
    pub target_bp: i64,
    /// Per week: capacity, billable hard-booked minutes, billable soft-booked minutes.
    pub weeks: &'a [(i64, i64, i64)],
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

impl Sum {
    fn new(count: usize) -> Self {
        Sum {
            capacity: vec![0; count],
            hard: vec![0; count],
            soft: vec![0; count],
            ..Default::default()
        }
    }

    fn add(&mut self, p: &Booked) {
        for (i, (c, h, so)) in p.weeks.iter().take(self.capacity.len()).enumerate() {
            self.capacity[i] += c;
            self.hard[i] += h;
            self.soft[i] += so;
            self.target += i128::from(*c) * i128::from(p.target_bp);
            self.capacity_all += i128::from(*c);
        }
    }
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

/// Everyone given together; `weights` are (soft, hard) in basis points.
pub fn everyone(people: &[Booked], count: usize, weights: (i64, i64)) -> ForecastRow {
    let mut all = Sum::new(count);
    for p in people {
        all.add(p);
    }
    row("all".into(), "Everyone".into(), &all, weights)
}

/// The groups of those given, by label (case-blind), then key: a person's key is their
/// id and label their name; a function's key its code and label the code in words; a
/// region's both the region as written.
pub fn groups(people: &[Booked], count: usize, group: ForecastGroup, weights: (i64, i64)) -> Vec<ForecastRow> {
    // (label in lower case, key, label, sums): one a group, summed without a string made
    // for each person.
    let mut out: Vec<(String, String, String, Sum)> = match group {
        ForecastGroup::Person => people
            .iter()
            .map(|p| {
                let mut s = Sum::new(count);
                s.add(p);
                (p.name.to_lowercase(), p.person_id.to_string(), p.name.to_string(), s)
            })
            .collect(),
        ForecastGroup::Function => {
            let mut by: HashMap<Function, Sum> = HashMap::new();
            for p in people {
                by.entry(p.function).or_insert_with(|| Sum::new(count)).add(p);
            }
            by.into_iter()
                .map(|(f, s)| {
                    let code = crate::code::Code::code(&f);
                    let label = code.replace('_', " ");
                    (label.to_lowercase(), code.to_string(), label, s)
                })
                .collect()
        }
        ForecastGroup::Region => {
            let mut by: HashMap<&str, Sum> = HashMap::new();
            for p in people {
                by.entry(p.region).or_insert_with(|| Sum::new(count)).add(p);
            }
            by.into_iter()
                .map(|(r, s)| (r.to_lowercase(), r.to_string(), r.to_string(), s))
                .collect()
        }
    };
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out.into_iter()
        .map(|(_, key, label, s)| row(key, label, &s, weights))
        .collect()
}

/// The forecast of everyone given, grouped, and everyone together; `weights` are (soft,
/// hard) in basis points.
pub fn forecast(
    people: &[Booked],
    count: usize,
    group: ForecastGroup,
    weights: (i64, i64),
) -> (Vec<ForecastRow>, ForecastRow) {
    (groups(people, count, group, weights), everyone(people, count, weights))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    const NAMES: [&str; 3] = ["P1", "P2", "P3"];

    fn booked<'a>(id: i64, function: Function, region: &'a str, weeks: &'a [(i64, i64, i64)]) -> Booked<'a> {
        Booked {
            person_id: Id::new(id),
            name: NAMES[id as usize - 1],
            function,
            region,
            target_bp: 7_000,
            weeks,
        }
    }

    #[test]
    fn hard_and_soft_are_weighted_as_the_revenue_forecast_weighs_them() {
        let weeks = [[(2_400, 1_200, 1_200); 2], [(2_400, 2_400, 0); 2], [(2_400, 0, 0); 2]];
        let people = [
            booked(1, Function::Engineer, "EMEA", &weeks[0]),
            booked(2, Function::Engineer, "AMER", &weeks[1]),
            booked(3, Function::ProjectManager, "EMEA", &weeks[2]),
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
