//! Utilization week by week for a report's line chart. The minutes come in ONE query —
//! whole weeks from the week rollup, the cut weeks at the range's ends from the daily
//! one — and are added up by group here. Capacity is the policy view, computed in Rust once per
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
use crate::db::{Packed, Pools, Sql, sql};
use crate::reports::{Someone, any_range, names_people, people_filter};

/// A day number's ISO week, as the day number of its Monday (the week rollup's key).
/// 1970-01-05, day 4, was a Monday; the added multiple of 7 keeps the remainder positive
/// back to 1900 on both databases, whose `%` keeps the dividend's sign.
const WEEK_OF_DAY: &str = "day - ((day + 28003) % 7)";

/// Weekdays (Monday to Friday) in a range: what reading its daily rows costs, roughly.
fn weekdays(r: DateRange) -> usize {
    let mut n = 0;
    let mut d = r.start;
    while d <= r.end {
        n += usize::from(d.weekday().number_days_from_monday() < 5);
        match d.next_day() {
            Some(next) => d = next,
            None => break,
        }
    }
    n
}

/// How the minutes of a range's weeks are read: the weeks taken whole from the week
/// rollup, and daily rows to add (a cut week read day by day) or to take away (a cut
/// week read whole, less its days outside the range) — whichever reads fewer days.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    whole: Option<(i64, i64)>,
    add: Vec<DateRange>,
    subtract: Vec<DateRange>,
}

fn plan(weeks: &[(IsoWeek, DateRange)]) -> Plan {
    let mut p = Plan::default();
    let mut take = |monday: i64| {
        p.whole = Some(
            p.whole
                .map_or((monday, monday), |(a, b)| (a.min(monday), b.max(monday))),
        );
    };
    let mut add = Vec::new();
    let mut subtract = Vec::new();
    for (w, cut) in weeks {
        let full = w.range();
        let monday = day_number(full.start);
        if full == *cut {
            take(monday);
            continue;
        }
        let outside: Vec<DateRange> = [
            cut.start
                .previous_day()
                .and_then(|e| DateRange::new(full.start, e).ok()),
            cut.end.next_day().and_then(|s| DateRange::new(s, full.end).ok()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if outside.iter().map(|r| weekdays(*r)).sum::<usize>() < weekdays(*cut) {
            take(monday);
            subtract.extend(outside);
        } else {
            add.push(*cut);
        }
    }
    p.add = add;
    p.subtract = subtract;
    p
}

/// Worked and billable minutes of each person in the filter by week (Monday's day
/// number), as rows to add up — one query over the week rollup and the few daily rows
/// the [`plan`] needs. The rows are added up here rather than by the database: SQLite
/// sorts to GROUP BY, which at 100,000 rows cost several times more than reading them.
/// With `only`, just those people's.
async fn minutes(
    pools: &Pools,
    weeks: &[(IsoWeek, DateRange)],
    range: DateRange,
    filter: &UtilizationFilter,
    only: Option<&[i64]>,
) -> Result<Vec<(i64, i64, i64, i64)>> {
    let plan = plan(weeks);
    // Everyone's rows when the report covers many: the caller drops those of people it
    // does not cover (see `names_people`).
    let named = names_people(pools, filter);
    let people = |q: &mut Sql| {
        if let Some(ids) = only {
            q.push(" AND person_id IN (");
            crate::rollups::push_list(q, ids);
            q.push(")");
        } else if named {
            q.push(" AND person_id IN (SELECT id FROM people WHERE 1=1");
            people_filter(q, filter, range);
            q.push(")");
        }
    };
    let mut q = sql("");
    // Each part only when it has rows to read.
    let mut parts = 0;
    if let Some((first, last)) = plan.whole {
        q.push("SELECT person_id, monday AS week, minutes, billable_minutes FROM time_rollup_week WHERE ");
        any_range(&mut q, "monday", &[(first, last)]);
        people(&mut q);
        parts += 1;
    }
    for (ranges, sign) in [(&plan.add, ""), (&plan.subtract, "-")] {
        if ranges.is_empty() {
            continue;
        }
        if parts > 0 {
            q.push(" UNION ALL ");
        }
        q.push(&format!(
            "SELECT person_id, {WEEK_OF_DAY} AS week, {sign}minutes AS minutes, {sign}billable_minutes AS billable_minutes \
             FROM time_rollup_day WHERE ("
        ));
        let days: Vec<(i64, i64)> = ranges
            .iter()
            .map(|r| (day_number(r.start), day_number(r.end)))
            .collect();
        any_range(&mut q, "day", &days);
        q.push(")");
        people(&mut q);
        parts += 1;
    }
    // Not added up by PostgreSQL: the week rows are already one per person and week, so
    // a GROUP BY would send as many rows and spill its hash table to disk.
    let rows = pools
        .integers(q, ["person_id", "week", "minutes", "billable_minutes"])
        .await?;
    Ok(rows.into_iter().map(|[p, w, m, b]| (p, w, m, b)).collect())
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

/// A weekly report with what bringing it up to date needs: each counted person's group
/// and minutes by week, so that after time entries only theirs are read again.
#[derive(Debug, Clone)]
pub(crate) struct Weekly {
    by: GroupBy,
    weeks: Vec<(IsoWeek, DateRange)>,
    names: Vec<String>,
    slots: Vec<Vec<WeekFigures>>,
    group_of: HashMap<i64, usize>,
    /// Each counted person's (week index, worked, billable) rows.
    minutes: HashMap<i64, Vec<(usize, i64, i64)>>,
    /// The archived people: whether they count depends on their time in the range.
    archived: HashSet<i64>,
}

impl Weekly {
    /// Adds (`sign` 1) or takes away (-1) a person's rows from their group.
    fn count(&mut self, person: i64, sign: i64) {
        let (Some(g), Some(rows)) = (self.group_of.get(&person), self.minutes.get(&person)) else {
            return;
        };
        for (i, worked, billable) in rows {
            let cell = &mut self.slots[*g][*i];
            cell.worked = Minutes(cell.worked.get() + worked * sign);
            cell.billable = Minutes(cell.billable.get() + billable * sign);
        }
    }

    /// Files rows of minutes under their people's week, for the people counted.
    fn file(&mut self, rows: Vec<(i64, i64, i64, i64)>) {
        // Weeks are Mondays seven days apart: a row's week is found by arithmetic.
        let first_monday = self.weeks.first().map_or(0, |(w, _)| day_number(w.monday()));
        for (person, week, worked, billable) in rows {
            let i = (week - first_monday).div_euclid(7);
            let Ok(i) = usize::try_from(i) else { continue };
            if i >= self.weeks.len() || (week - first_monday) % 7 != 0 || !self.group_of.contains_key(&person) {
                continue;
            }
            self.minutes.entry(person).or_default().push((i, worked, billable));
        }
    }

    /// The report: each group's weeks and the total.
    pub fn report(&self) -> WeeklyUtilization {
        let groups: BTreeMap<&String, &Vec<WeekFigures>> = self.names.iter().zip(&self.slots).collect();
        let total = (0..self.weeks.len())
            .map(|i| groups.values().map(|g| g[i]).sum())
            .collect();
        WeeklyUtilization {
            group_by: self.by,
            weeks: self.weeks.clone(),
            groups: groups
                .into_iter()
                .map(|(key, weeks)| WeekGroup {
                    key: key.clone(),
                    weeks: weeks.clone(),
                })
                .collect(),
            total,
        }
    }

    /// Brought up to date for `changed` people; `None` when one of them is archived,
    /// whose counting at all depends on their time: the report is read again whole.
    pub async fn update(
        mut self,
        pools: &Pools,
        range: DateRange,
        filter: &UtilizationFilter,
        changed: &[i64],
    ) -> Result<Option<Weekly>> {
        if changed.iter().any(|p| self.archived.contains(p)) {
            return Ok(None);
        }
        let ids: Vec<i64> = changed
            .iter()
            .copied()
            .filter(|p| self.group_of.contains_key(p))
            .collect();
        if ids.is_empty() {
            return Ok(Some(self));
        }
        let rows = minutes(pools, &self.weeks, range, filter, Some(&ids)).await?;
        for p in &ids {
            self.count(*p, -1);
            self.minutes.remove(p);
        }
        self.file(rows);
        for p in &ids {
            self.count(*p, 1);
        }
        Ok(Some(self))
    }
}

pub(crate) async fn utilization_weeks(
    pools: &Pools,
    people: Vec<Someone>,
    range: DateRange,
    by: GroupBy,
    filter: &UtilizationFilter,
) -> Result<Weekly> {
    let weeks = weeks_in(range);
    if weeks.len() > MAX_WEEKS {
        return Err(Error::invalid(
            "to",
            Rule::DateBounds,
            format!("a weekly series covers at most {MAX_WEEKS} weeks"),
        ));
    }
    let minutes = minutes(pools, &weeks, range, filter, None).await?;
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
    // Each person's group as an index into `slots`: the rows below are added up without
    // hashing or copying a group's name per row.
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut group_of: HashMap<i64, usize> = HashMap::with_capacity(people.len());
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
        let slot = *index.entry(key.group.clone()).or_insert_with(|| {
            names.push(key.group.clone());
            names.len() - 1
        });
        group_of.insert(id, slot);
        buckets.entry(key).or_insert((f, 0)).1 += 1;
    }
    let mut slots = vec![vec![WeekFigures::default(); weeks.len()]; names.len()];
    for (key, (facts, n)) in &buckets {
        let slot = &mut slots[index[&key.group]];
        for (i, (_, cut)) in weeks.iter().enumerate() {
            let c = policy_view_resolved(&base, &overrides, facts, *cut)?;
            slot[i].available = Minutes(slot[i].available.get() + c.available_minutes.get() * n);
            slot[i].target = Minutes(slot[i].target.get() + c.target_minutes.get() * n);
        }
    }
    let mut weekly = Weekly {
        by,
        weeks,
        names,
        slots,
        group_of,
        minutes: HashMap::new(),
        archived: archived.into_iter().collect(),
    };
    weekly.file(minutes);
    let people: Vec<i64> = weekly.minutes.keys().copied().collect();
    for p in people {
        weekly.count(p, 1);
    }
    Ok(weekly)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn range(a: Date, b: Date) -> DateRange {
        DateRange::new(a, b).unwrap()
    }

    #[test]
    fn cut_weeks_are_read_by_their_fewer_weekdays() {
        // FY Q4 2026 to Friday 4 December: W40 starts on a Thursday (2 weekdays in, 3
        // out: read day by day); W49 runs Monday to today (5 in, 0 out: whole, less the
        // weekend).
        let p = plan(&weeks_in(range(date!(2026 - 10 - 01), date!(2026 - 12 - 04))));
        assert_eq!(p.add, [range(date!(2026 - 10 - 01), date!(2026 - 10 - 04))]);
        assert_eq!(p.subtract, [range(date!(2026 - 12 - 05), date!(2026 - 12 - 06))]);
        assert_eq!(
            p.whole,
            Some((day_number(date!(2026 - 10 - 05)), day_number(date!(2026 - 11 - 30))))
        );
        // Whole weeks only.
        let p = plan(&weeks_in(range(date!(2026 - 03 - 02), date!(2026 - 03 - 15))));
        assert!(p.add.is_empty() && p.subtract.is_empty() && p.whole.is_some());
        // One day in the middle of a week: read as a day, not as a week less six.
        let p = plan(&weeks_in(range(date!(2026 - 03 - 04), date!(2026 - 03 - 04))));
        assert_eq!((p.whole, p.add.len(), p.subtract.len()), (None, 1, 0));
        assert_eq!(weekdays(range(date!(2026 - 03 - 02), date!(2026 - 03 - 08))), 5);
    }
}
