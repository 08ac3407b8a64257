//! People's weeks in SQL: the contracted week and what the calendar leaves of it, computed
//! for everyone over the whole window from one read of the people, the holidays, the time
//! off and the policy (kept until what capacity is computed from changes; after a day off
//! only that person's weeks are computed again), less hard bookings (assignments) and soft
//! bookings (soft requests held by someone), each read once over the whole window.

use std::collections::HashMap;
use std::sync::Arc;

use psops_core::Result;
use psops_core::capacity::calendar_view_resolved;
use psops_core::capacity::{Alike, Capacity, CapacityRules, Holiday, PersonFacts, RulesOverride, TimeOff};
use psops_core::dates::DateRange;
use psops_core::reporting::UtilizationFilter;
use psops_core::staffing::availability::{WeekLoad, loads, weekly_minutes};
use time::Date;

use crate::Db;
use crate::db::{Pools, sql};
use crate::follow::Changed;

/// Someone the weeks were read for.
pub(crate) struct Row {
    pub function: psops_core::people::Function,
    pub region: String,
    pub partner_id: Option<i64>,
    pub weeks: Vec<WeekLoad>,
    /// Minutes of billable projects hard-booked in each week: utilization before any
    /// new booking is measured from them.
    pub billable: Vec<i64>,
    /// Minutes of billable projects soft-booked in each week.
    pub soft_billable: Vec<i64>,
}

/// People up to whom time off is read for them alone rather than for everyone.
const FEW: usize = 100;

/// One person's capacity week by week, as kept between calls.
#[derive(Debug, Clone)]
struct Weekly {
    facts: PersonFacts,
    partner_id: Option<i64>,
    /// The contracted minutes and what the calendar leaves of them, each week.
    weeks: Vec<(i64, i64)>,
}

/// What a person's weeks are computed from, read once for the whole window.
struct Inputs {
    base: CapacityRules,
    overrides: Vec<RulesOverride>,
    /// By calendar region (lower case), in date order.
    holidays: HashMap<String, Vec<Holiday>>,
    /// By person, in date order.
    time_off: HashMap<i64, Vec<TimeOff>>,
}

impl Inputs {
    async fn read(pools: &Pools, window: DateRange, people: Option<&[i64]>) -> Result<Inputs> {
        let mut rules = pools;
        let base = crate::capacity_rules::base(&mut rules).await?;
        let overrides = crate::capacity_rules::overrides(&mut rules).await?;
        Ok(Inputs {
            base,
            overrides,
            holidays: holidays(pools, window).await?,
            time_off: time_off(pools, window, people).await?,
        })
    }

    /// The person's calendar view of each week, those without time off that week shared
    /// through `alike` (thousands of people share a handful of weeks).
    fn weeks_of(
        &self,
        facts: &PersonFacts,
        weeks: &[DateRange],
        alike: &mut HashMap<(usize, Alike), Capacity>,
    ) -> Result<Vec<(i64, i64)>> {
        let region = self
            .holidays
            .get(&facts.region.trim().to_lowercase())
            .map_or(&[][..], Vec::as_slice);
        let off = self.time_off.get(&facts.person_id.get()).map_or(&[][..], Vec::as_slice);
        let mut out = Vec::with_capacity(weeks.len());
        for (i, w) in weeks.iter().enumerate() {
            let hs = within(region, *w, |h| h.date);
            let offs = within(off, *w, |t| t.date);
            let like = Alike::of(facts, *w, &self.overrides).filter(|_| offs.is_empty());
            let c = match like {
                Some(k) => match alike.get(&(i, k.clone())) {
                    Some(c) => *c,
                    None => {
                        let c = calendar_view_resolved(&self.base, &self.overrides, facts, *w, hs, offs)?;
                        alike.insert((i, k), c);
                        c
                    }
                },
                None => calendar_view_resolved(&self.base, &self.overrides, facts, *w, hs, offs)?,
            };
            out.push((c.weekday_minutes.get(), c.available_minutes.get()));
        }
        Ok(out)
    }
}

/// The part of `all` (in date order) that falls in `range`.
fn within<T>(all: &[T], range: DateRange, day: impl Fn(&T) -> Date) -> &[T] {
    let from = all.partition_point(|x| day(x) < range.start);
    let to = all.partition_point(|x| day(x) <= range.end);
    &all[from..to.max(from)]
}

/// Holidays by calendar region (lower case) within the window, in date order: the
/// utilization report's read, sorted for the week-by-week lookups.
async fn holidays(pools: &Pools, window: DateRange) -> Result<HashMap<String, Vec<Holiday>>> {
    let mut out = crate::reports::holidays(pools, None, window).await?;
    for hs in out.values_mut() {
        hs.sort_by_key(|h| h.date);
    }
    Ok(out)
}

/// Approved time off within the window by person (only `people`'s, when given), in date
/// order: the utilization report's read, sorted.
async fn time_off(pools: &Pools, window: DateRange, people: Option<&[i64]>) -> Result<HashMap<i64, Vec<TimeOff>>> {
    if people.is_some_and(<[i64]>::is_empty) {
        return Ok(HashMap::new());
    }
    let list = |q: &mut crate::db::Sql| crate::rollups::push_list(q, people.unwrap_or_default());
    let mut out = match people {
        Some(_) => crate::reports::time_off(pools, window, Some(&list)).await?,
        None => crate::reports::time_off(pools, window, None).await?,
    };
    for offs in out.values_mut() {
        offs.sort_by_key(|t| t.date);
    }
    Ok(out)
}

/// Everyone's calendar weeks over `weeks` in the filter (the archived left out), in id
/// order: kept until what capacity is computed from changes; after days off, only the
/// people they concerned are computed again.
async fn weekly(
    db: &Db,
    weeks: &[DateRange],
    window: DateRange,
    filter: &UtilizationFilter,
) -> Result<Arc<Vec<Weekly>>> {
    let key = format!("staffing_weeks|{weeks:?}|{filter:?}");
    let pools = &db.pools;
    let read = async {
        let people = crate::reports::people(pools, filter, window).await?;
        // A few people's time off is looked up by person; everyone's is read by date.
        let few: Option<Vec<i64>> =
            (people.len() <= FEW).then(|| people.iter().map(|p| p.facts.person_id.get()).collect());
        let inputs = Inputs::read(pools, window, few.as_deref()).await?;
        let mut alike = HashMap::new();
        let mut out = Vec::with_capacity(people.len());
        for p in people.iter().filter(|p| !p.archived) {
            out.push(Weekly {
                weeks: inputs.weeks_of(&p.facts, weeks, &mut alike)?,
                facts: p.facts.clone(),
                partner_id: p.partner_id.map(|id| id.get()),
            });
        }
        Ok(Arc::new(out))
    };
    let update = |kept: Arc<Vec<Weekly>>, changed: Vec<Changed>| async move {
        let mut ids: Vec<i64> = changed
            .iter()
            .filter(|c| c.capacity && c.within(window))
            .map(|c| c.person)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Some(kept));
        }
        let inputs = Inputs::read(pools, window, Some(&ids)).await?;
        let mut alike = HashMap::new();
        let mut out = Arc::unwrap_or_clone(kept);
        for id in &ids {
            let Ok(at) = out.binary_search_by_key(id, |w| w.facts.person_id.get()) else {
                continue;
            };
            let w = &mut out[at];
            w.weeks = inputs.weeks_of(&w.facts, weeks, &mut alike)?;
        }
        Ok(Some(Arc::new(out)))
    };
    db.memo.follow(pools, crate::follow::CAPACITY, key, read, update).await
}

/// The whole of `weeks`, first day to last.
fn window(weeks: &[DateRange]) -> Option<DateRange> {
    Some(DateRange {
        start: weeks.first()?.start,
        end: weeks.last()?.end,
    })
}

/// One person as [`Everyone::each`] lends them: id, partner, function, region, and each
/// week's contracted minutes and what the calendar leaves of them.
pub(crate) type Kept<'a> = (
    i64,
    Option<i64>,
    psops_core::people::Function,
    &'a str,
    &'a [(i64, i64)],
);

/// Everyone `filter` keeps (the archived left out) with their capacity week by week, in
/// id order, as kept between calls: rows are built only for the people asked for.
pub(crate) struct Everyone {
    kept: Arc<Vec<Weekly>>,
    weeks: usize,
}

impl Everyone {
    /// Each person's id and partner (if they are a partner's consultant), in id order.
    pub(crate) fn people(&self) -> impl Iterator<Item = (i64, Option<i64>)> + '_ {
        self.kept.iter().map(|w| (w.facts.person_id.get(), w.partner_id))
    }

    /// The rows of `ids` (those kept; any order), by person id, without bookings.
    pub(crate) fn rows(&self, ids: &[i64]) -> HashMap<i64, Row> {
        let found = ids
            .iter()
            .filter_map(|id| self.kept.binary_search_by_key(id, |w| w.facts.person_id.get()).ok());
        found.map(|at| self.row(&self.kept[at])).collect()
    }

    /// Each person's id, partner, function, region and weeks (contracted minutes, and
    /// what the calendar leaves of them), in id order, borrowed: nothing is built.
    pub(crate) fn each(&self) -> impl Iterator<Item = Kept<'_>> + '_ {
        self.kept.iter().map(|w| {
            (
                w.facts.person_id.get(),
                w.partner_id,
                w.facts.function,
                w.facts.region.as_str(),
                w.weeks.as_slice(),
            )
        })
    }

    /// Everyone's rows, by person id, without bookings.
    pub(crate) fn all(&self) -> HashMap<i64, Row> {
        self.kept.iter().map(|w| self.row(w)).collect()
    }

    fn row(&self, w: &Weekly) -> (i64, Row) {
        let row = Row {
            function: w.facts.function,
            region: w.facts.region.clone(),
            partner_id: w.partner_id,
            weeks: w
                .weeks
                .iter()
                .map(|(capacity, available)| WeekLoad {
                    capacity: *capacity,
                    available: *available,
                    ..WeekLoad::default()
                })
                .collect(),
            billable: vec![0; self.weeks],
            soft_billable: vec![0; self.weeks],
        };
        (w.facts.person_id.get(), row)
    }
}

/// Everyone `filter` keeps over `weeks`, to take rows from.
pub(crate) async fn everyone(db: &Db, weeks: &[DateRange], filter: &UtilizationFilter) -> Result<Everyone> {
    let kept = match window(weeks) {
        Some(window) => weekly(db, weeks, window, filter).await?,
        None => Arc::default(),
    };
    Ok(Everyone {
        kept,
        weeks: weeks.len(),
    })
}

/// The weeks of everyone `filter` keeps (the archived left out), by person id.
pub(crate) async fn capacity(db: &Db, weeks: &[DateRange], filter: &UtilizationFilter) -> Result<HashMap<i64, Row>> {
    Ok(everyone(db, weeks, filter).await?.all())
}

/// Bookings over `weeks` by person: the minutes of each week, and those of them on
/// billable projects (not non-billable).
pub(crate) type Booked = HashMap<i64, (Vec<i64>, Vec<i64>)>;

/// Adds a weekly load over `span` to `person`'s weeks in `out`.
fn book(out: &mut Booked, weeks: &[DateRange], person: i64, per_week: i64, span: DateRange, billable: bool) {
    let (all, on_billable) = out
        .entry(person)
        .or_insert_with(|| (vec![0; weeks.len()], vec![0; weeks.len()]));
    for (i, load) in loads(per_week, span, weeks).into_iter().enumerate() {
        all[i] += load;
        if billable {
            on_billable[i] += load;
        }
    }
}

/// Everyone's hard bookings (assignments) over `weeks`: thousands of assignments reach
/// into half a year at 5,000 people, so they are kept until assignments (or projects,
/// whose billing they are counted by) change.
pub(crate) async fn hard(db: &Db, weeks: &[DateRange]) -> Result<Arc<Booked>> {
    let Some(window) = window(weeks) else {
        return Ok(Arc::default());
    };
    let key = format!("staffing_hard|{weeks:?}");
    let read = async {
        let q = sql(
            "SELECT a.person_id, a.start_date, a.end_date, a.minutes_per_week, p.billing_type FROM assignments a \
             JOIN projects p ON p.id = a.project_id WHERE a.archived_at IS NULL \
             AND a.start_date <= $1 AND (a.end_date IS NULL OR a.end_date >= $2)",
        )
        .bind(window.end)
        .bind(window.start);
        let mut out = Booked::new();
        for r in &db.pools.all(q).await? {
            let start: Date = r.get("start_date")?;
            let span = DateRange {
                start,
                end: r.get::<Option<Date>>("end_date")?.unwrap_or(window.end).max(start),
            };
            let billable = r.get::<String>("billing_type")? != "non_billable";
            book(
                &mut out,
                weeks,
                r.get("person_id")?,
                r.get("minutes_per_week")?,
                span,
                billable,
            );
        }
        Ok(Arc::new(out))
    };
    db.memo.get_counts(&db.pools, crate::follow::STAFFING, key, read).await
}

/// Everyone's soft bookings over `weeks`: the open soft requests someone holds. Read
/// every time (a hold moves no count).
pub(crate) async fn soft(db: &Db, weeks: &[DateRange]) -> Result<Booked> {
    let Some(window) = window(weeks) else {
        return Ok(Booked::new());
    };
    let q = sql(
        "SELECT r.person_id, COALESCE(r.start_date, p.start_date) AS start_date, \
         COALESCE(r.end_date, p.end_date) AS end_date, r.minutes, r.minutes_per_week, p.billing_type \
         FROM resource_requests r \
         JOIN projects p ON p.id = r.project_id WHERE r.archived_at IS NULL AND r.person_id IS NOT NULL \
         AND r.status = 'open' AND r.booking = 'soft' \
         AND COALESCE(r.start_date, p.start_date) <= $1 AND COALESCE(r.end_date, p.end_date) >= $2",
    )
    .bind(window.end)
    .bind(window.start);
    let mut out = Booked::new();
    for r in &db.pools.all(q).await? {
        let (Some(start), Some(end)) = (r.get::<Option<Date>>("start_date")?, r.get::<Option<Date>>("end_date")?)
        else {
            continue;
        };
        let Ok(span) = DateRange::new(start, end) else { continue };
        let per_week = weekly_minutes(r.get("minutes")?, r.get("minutes_per_week")?, span);
        let billable = r.get::<String>("billing_type")? != "non_billable";
        book(&mut out, weeks, r.get("person_id")?, per_week, span, billable);
    }
    Ok(out)
}

/// Adds soft bookings (as [`soft`] reads them) to a person's weeks.
pub(crate) fn add_soft(weeks: &mut [WeekLoad], soft: &[i64]) {
    for (w, load) in weeks.iter_mut().zip(soft) {
        w.soft += load;
    }
}

/// Adds everyone's hard bookings over `weeks` to their rows, the billable ones also
/// apart.
pub(crate) async fn add_hard(db: &Db, weeks: &[DateRange], rows: &mut HashMap<i64, Row>) -> Result<()> {
    for (person, (all, on_billable)) in hard(db, weeks).await?.iter() {
        if let Some(row) = rows.get_mut(person) {
            for (i, (load, billable)) in all.iter().zip(on_billable).enumerate() {
                row.weeks[i].hard += load;
                row.billable[i] += billable;
            }
        }
    }
    Ok(())
}

/// Adds everyone's hard and soft bookings over `weeks` to their rows, the billable ones
/// also apart.
pub(crate) async fn bookings(db: &Db, weeks: &[DateRange], rows: &mut HashMap<i64, Row>) -> Result<()> {
    let ((), soft) = tokio::try_join!(add_hard(db, weeks, rows), soft(db, weeks))?;
    for (person, (all, on_billable)) in &soft {
        if let Some(row) = rows.get_mut(person) {
            add_soft(&mut row.weeks, all);
            for (b, load) in row.soft_billable.iter_mut().zip(on_billable) {
                *b += load;
            }
        }
    }
    Ok(())
}
