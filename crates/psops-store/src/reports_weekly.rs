//! Utilization week by week for a report's line chart. The minutes come in ONE query,
//! summed in the database by group and week (a few rows per group, whatever the
//! headcount): whole weeks from the week rollup, the cut weeks at the range's ends from
//! the daily one. Capacity is the policy view, computed in Rust once per
//! distinct set of the facts it depends on — function, region, FTE, employment within
//! the range and whether a person-level override exists — and multiplied by how many
//! people share them: each person's rounding is the same, so the sum is exact.

use std::collections::{BTreeMap, HashMap, HashSet};

use psops_core::capacity::{OverrideScope, PersonFacts, policy_view_resolved};
use psops_core::code::Code;
use psops_core::dates::{DateRange, day_number};
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::{GroupBy, person_group_key};
use psops_core::utilization_weeks::{MAX_WEEKS, WeekFigures, WeekGroup, WeeklyUtilization, weeks_in};
use psops_core::{Error, Minutes, Result};
use time::Date;

use crate::capacity_rules;
use crate::db::{Packed, Pools, sql};
use crate::reports::{Someone, any_range, people_filter};

/// The group column of a person, as text, matching `person_group_key`.
fn group_column(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Person => "CAST(p.id AS TEXT)",
        GroupBy::Function => "p.function",
        GroupBy::Region => "p.region",
        GroupBy::Manager => "COALESCE(CAST(p.manager_id AS TEXT), 'none')",
        GroupBy::Partner => "COALESCE(CAST(p.partner_id AS TEXT), 'company')",
    }
}

/// A day number's ISO week, as the day number of its Monday (the week rollup's key).
/// 1970-01-05, day 4, was a Monday; the added multiple of 7 keeps the remainder positive
/// back to 1900 on both databases, whose `%` keeps the dividend's sign.
const WEEK_OF_DAY: &str = "day - ((day + 28003) % 7)";

/// Worked and billable minutes by group key and week (Monday's day number): whole weeks
/// from the week rollup, the cut weeks at either end of the range from the daily one —
/// one query, summed by the database.
async fn minutes(
    pools: &Pools,
    weeks: &[(IsoWeek, DateRange)],
    range: DateRange,
    by: GroupBy,
    filter: &UtilizationFilter,
) -> Result<HashMap<(String, i64), (i64, i64)>> {
    let (whole, cut): (Vec<_>, Vec<_>) = weeks.iter().partition(|(w, r)| w.range() == *r);
    let mut q = sql(format!(
        "SELECT {} AS g, r.week AS week, CAST(SUM(r.minutes) AS BIGINT) AS minutes, \
         CAST(SUM(r.billable_minutes) AS BIGINT) AS billable FROM (",
        group_column(by)
    ));
    q.push("SELECT person_id, monday AS week, minutes, billable_minutes FROM time_rollup_week WHERE ");
    let whole: Vec<(i64, i64)> = match (whole.first(), whole.last()) {
        (Some((first, _)), Some((last, _))) => vec![(day_number(first.monday()), day_number(last.monday()))],
        _ => Vec::new(),
    };
    any_range(&mut q, "monday", &whole);
    q.push(&format!(
        " UNION ALL SELECT person_id, {WEEK_OF_DAY} AS week, minutes, billable_minutes FROM time_rollup_day WHERE "
    ));
    let cut: Vec<(i64, i64)> = cut
        .iter()
        .map(|(_, r)| (day_number(r.start), day_number(r.end)))
        .collect();
    any_range(&mut q, "day", &cut);
    q.push(") r JOIN people p ON p.id = r.person_id WHERE r.person_id IN (SELECT id FROM people WHERE 1=1");
    people_filter(&mut q, filter, range);
    q.push(&format!(") GROUP BY {}, r.week", group_column(by)));
    let mut out = HashMap::new();
    for r in pools.packed(q, &["g", "week", "minutes", "billable"]).await? {
        let r = Packed(&r);
        out.insert((r.text(0)?, r.i64(1)?), (r.i64(2)?, r.i64(3)?));
    }
    Ok(out)
}

/// The archived people among `ids` who logged time in the range: only they still count.
async fn archived_with_time(pools: &Pools, range: DateRange, ids: &[i64]) -> Result<HashSet<i64>> {
    let mut out = HashSet::new();
    for chunk in ids.chunks(400) {
        let mut q = sql("SELECT DISTINCT person_id FROM time_rollup_day WHERE day >= ");
        q.push_bind(day_number(range.start))
            .push(" AND day <= ")
            .push_bind(day_number(range.end));
        q.push(" AND person_id IN (");
        crate::rollups::push_list(&mut q, chunk);
        q.push(")");
        for r in pools.packed(q, &["person_id"]).await? {
            out.insert(Packed(&r).i64(0)?);
        }
    }
    Ok(out)
}

/// What a person's policy-view capacity depends on in `range`; people with the same
/// facts have the same capacity, week by week.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CapacityKey {
    group: String,
    function: &'static str,
    region: String,
    fte_bp: i64,
    start: Date,
    end: Date,
    /// Set only for someone a person-level override names.
    person: Option<i64>,
}

pub(crate) async fn utilization_weeks(
    pools: &Pools,
    people: Vec<Someone>,
    range: DateRange,
    by: GroupBy,
    filter: &UtilizationFilter,
) -> Result<WeeklyUtilization> {
    let weeks = weeks_in(range);
    if weeks.len() > MAX_WEEKS {
        return Err(Error::invalid(
            "to",
            Rule::DateBounds,
            format!("a weekly series covers at most {MAX_WEEKS} weeks"),
        ));
    }
    let minutes = minutes(pools, &weeks, range, by, filter).await?;
    let archived: Vec<i64> = people
        .iter()
        .filter(|p| p.archived)
        .map(|p| p.facts.person_id.get())
        .collect();
    let archived_kept = if archived.is_empty() {
        HashSet::new()
    } else {
        archived_with_time(pools, range, &archived).await?
    };
    let mut p = pools;
    let base = capacity_rules::base(&mut p).await?;
    let overrides = capacity_rules::overrides(&mut p).await?;
    let named: HashSet<i64> = overrides
        .iter()
        .filter_map(|o| match o.scope {
            OverrideScope::Person(id) => Some(id.get()),
            _ => None,
        })
        .collect();
    let mut buckets: HashMap<CapacityKey, (PersonFacts, i64)> = HashMap::new();
    for s in people {
        let id = s.facts.person_id.get();
        if s.archived && !archived_kept.contains(&id) {
            continue;
        }
        let f = s.facts;
        let key = CapacityKey {
            group: person_group_key(f.person_id, f.function, &f.region, s.manager_id, s.partner_id, by),
            function: f.function.code(),
            region: f.region.trim().to_lowercase(),
            fte_bp: f.fte.basis_points(),
            start: f.employment_start.max(range.start),
            end: f.employment_end.unwrap_or(range.end).min(range.end),
            person: named.contains(&id).then_some(id),
        };
        buckets.entry(key).or_insert((f, 0)).1 += 1;
    }
    let mut groups: BTreeMap<String, Vec<WeekFigures>> = BTreeMap::new();
    for (key, (facts, n)) in &buckets {
        let slot = groups
            .entry(key.group.clone())
            .or_insert_with(|| vec![WeekFigures::default(); weeks.len()]);
        for (i, (_, cut)) in weeks.iter().enumerate() {
            let c = policy_view_resolved(&base, &overrides, facts, *cut)?;
            slot[i].available = Minutes(slot[i].available.get() + c.available_minutes.get() * n);
            slot[i].target = Minutes(slot[i].target.get() + c.target_minutes.get() * n);
        }
    }
    let week_index: HashMap<i64, usize> = weeks
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (day_number(w.monday()), i))
        .collect();
    for ((group, week), (worked, billable)) in minutes {
        let Some(i) = week_index.get(&week) else {
            continue;
        };
        let slot = groups
            .entry(group)
            .or_insert_with(|| vec![WeekFigures::default(); weeks.len()]);
        slot[*i].worked = Minutes(slot[*i].worked.get() + worked);
        slot[*i].billable = Minutes(slot[*i].billable.get() + billable);
    }
    let total = (0..weeks.len()).map(|i| groups.values().map(|g| g[i]).sum()).collect();
    Ok(WeeklyUtilization {
        group_by: by,
        weeks,
        groups: groups
            .into_iter()
            .map(|(key, weeks)| WeekGroup { key, weeks })
            .collect(),
        total,
    })
}
