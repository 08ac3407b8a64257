//! Reports over the rollups. The utilization report reads a handful of batched queries —
//! the people, their worked and billable minutes (whole months from the monthly rollup,
//! the edges from the daily one), the holidays, the approved time off and the policy
//! overrides — and computes every person's two capacity views in Rust, so an organisation
//! of thousands costs the same few round trips as a team of ten.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use psops_core::capacity::{
    Alike, Capacity, CapacityRules, CapacityView, Holiday, PersonFacts, RulesOverride, TimeOff, calendar_view_resolved,
    policy_view_resolved,
};
use psops_core::code::Code;
use psops_core::dates::{DateRange, day_number};
use psops_core::people::{Fte, PersonId};
use psops_core::projects::ProjectId;
use psops_core::reporting::{
    ComplianceReport, ComplianceRow, RollupDifference, UtilizationFilter, cut_by_month, week_key,
};
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::{OrgStore, RecordStore, ReportStore};
use psops_core::timesheet::{IsoWeek, compliance, due_date_for};
use psops_core::utilization::{GroupBy, PersonUtilization, UtilizationReport, report, row_from_capacity};
use psops_core::utilization_weeks::WeeklyUtilization;
use psops_core::{Minutes, Result};
use time::{Date, OffsetDateTime};

use crate::common::eq;
use crate::db::{Backend, Packed, Pools, Sql, sql};
use crate::follow::Changed;
use crate::{Db, capacity_rules};

/// Narrows `people` (aliased or not) to the filter and to those employed in the range.
pub(crate) fn people_filter(q: &mut Sql, f: &UtilizationFilter, range: DateRange) {
    eq(q, "id", f.person_id);
    eq(q, "function", f.function.map(|x| x.code()));
    crate::common::same_text(q, "region", f.region.as_deref());
    eq(q, "manager_id", f.manager_id);
    eq(q, "partner_id", f.partner_id);
    crate::common::scope(q, &f.scope, psops_core::scope::ListKind::Figures);
    q.push(" AND employment_start <= ").push_bind(range.end);
    q.push(" AND (employment_end IS NULL OR employment_end >= ")
        .push_bind(range.start)
        .push(")");
}

/// Holidays by calendar region (lower case) within a range; `region` narrows to one.
pub(crate) async fn holidays(
    pools: &Pools,
    region: Option<&str>,
    range: DateRange,
) -> Result<HashMap<String, Vec<Holiday>>> {
    let mut q = sql("SELECT c.region, h.holiday_date, h.name, h.minutes FROM holidays h \
         JOIN holiday_calendars c ON c.id = h.calendar_id WHERE h.holiday_date >= $1 AND h.holiday_date <= $2")
    .bind(range.start)
    .bind(range.end);
    if let Some(region) = region {
        q.push(" AND lower(c.region) = lower(")
            .push_bind(region.trim())
            .push(")");
    }
    let mut out: HashMap<String, Vec<Holiday>> = HashMap::new();
    for r in pools.all(q).await? {
        out.entry(r.get::<String>("region")?.to_lowercase())
            .or_default()
            .push(Holiday {
                date: r.get("holiday_date")?,
                minutes: r.get::<Option<i64>>("minutes")?.map(Minutes),
                name: r.get("name")?,
            });
    }
    Ok(out)
}

/// Approved time off by person within a range; `people` writes a subquery of person ids.
pub(crate) async fn time_off(
    pools: &Pools,
    range: DateRange,
    people: Option<&(dyn Fn(&mut Sql) + Sync)>,
) -> Result<HashMap<i64, Vec<TimeOff>>> {
    // Integers only: a quarter's time off at 5,000 people is 25,000 rows, whose dates
    // and kinds as text cost several times the read.
    let mut q = sql(format!(
        "SELECT person_id, {} AS day, minutes, {} AS kind FROM time_off \
         WHERE status = 'approved' AND off_date >= ",
        crate::common::day_number(pools.backend(), "off_date"),
        crate::common::code_index::<psops_core::capacity::TimeOffKind>("kind"),
    ));
    q.push_bind(range.start).push(" AND off_date <= ").push_bind(range.end);
    // Without people: everyone's, the range read from the date index alone, whose
    // entries carry every column; the caller looks up whom it covers.
    if let Some(people) = people {
        q.push(" AND person_id IN (");
        people(&mut q);
        q.push(")");
    }
    let mut out: HashMap<i64, Vec<TimeOff>> = HashMap::new();
    for [person, day, minutes, kind] in pools.integers(q, ["person_id", "day", "minutes", "kind"]).await? {
        out.entry(person).or_default().push(TimeOff {
            date: psops_core::dates::from_day_number(day),
            minutes: Minutes(minutes),
            kind: crate::common::code_at(kind)?,
        });
    }
    Ok(out)
}

/// `(c >= a AND c <= b) OR …` for each range, or `1=0` for none. Written without a
/// leading `1=0 OR`, which SQLite reads as a reason to scan the whole table instead of
/// seeking each range in the index (0.3 s instead of 40 ms at 5,000 people).
pub(crate) fn any_range(q: &mut Sql, column: &str, ranges: &[(i64, i64)]) {
    if ranges.is_empty() {
        q.push("1=0");
        return;
    }
    for (i, (a, b)) in ranges.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push(&format!("({column} >= ")).push_bind(*a);
        q.push(&format!(" AND {column} <= ")).push_bind(*b).push(")");
    }
}

/// Rollup rows to be added up by their `keys`, each with its `figures`. PostgreSQL adds
/// them up itself (a hash aggregate, and one row a key to send); SQLite would sort to
/// group, which costs more than reading the rows, so it sends them and the caller adds
/// them up — which it does either way.
pub(crate) fn add_up(pools: &Pools, rows: Sql, keys: &[&str], figures: &[&str]) -> Sql {
    if pools.backend() == Backend::Sqlite {
        return rows;
    }
    let sums: Vec<String> = figures
        .iter()
        .map(|f| format!("CAST(SUM({f}) AS BIGINT) AS {f}"))
        .collect();
    let keys = keys.join(", ");
    rows.wrap(
        &format!("SELECT {keys}, {} FROM (", sums.join(", ")),
        &format!(") added GROUP BY {keys}"),
    )
}

/// Whether a rollup read names its people. For a few (one person, a manager's team, a
/// limited scope) it seeks each in the rollup's primary key. For many it reads the whole
/// range from the covering index and the caller drops the rows of people it does not
/// cover, whom it knows already (they are kept with their capacity): on SQLite, checking
/// each row against a list of everyone cost more than reading the rows (44 → 12 ms for a
/// quarter's weeks at 5,000 people). PostgreSQL's hash join costs little, and narrows
/// what it sends when a function, region or partner cuts the people.
pub(crate) fn names_people(pools: &Pools, filter: &UtilizationFilter) -> bool {
    let few = filter.person_id.is_some() || filter.manager_id.is_some() || filter.scope != ListScope::All;
    let cut = filter.function.is_some() || filter.region.is_some() || filter.partner_id.is_some();
    few || (cut && pools.backend() == crate::db::Backend::Postgres)
}

/// Worked and billable minutes per person over the range, from the rollups only; with
/// `people`, only theirs (see [`names_people`]), else everyone's.
async fn worked(
    pools: &Pools,
    range: DateRange,
    people: Option<&(dyn Fn(&mut Sql) + Sync)>,
) -> Result<HashMap<i64, (i64, i64)>> {
    let cut = cut_by_month(range);
    // The rows are added up here: SQLite sorts a union to GROUP BY it. Reading everyone's
    // range by index rather than seeking each person: 28 → 9.5 ms for a quarter to date
    // at 5,000 people.
    let mut q = sql("SELECT person_id, minutes, billable_minutes AS billable FROM (");
    let mut first = true;
    if let Some((a, b)) = cut.months {
        q.push("SELECT person_id, minutes, billable_minutes FROM time_rollup_month WHERE month_key >= ");
        q.push_bind(a).push(" AND month_key <= ").push_bind(b);
        first = false;
    }
    if !cut.edges.is_empty() {
        if !first {
            q.push(" UNION ALL ");
        }
        q.push("SELECT person_id, minutes, billable_minutes FROM time_rollup_day WHERE ");
        let edges: Vec<(i64, i64)> = cut
            .edges
            .iter()
            .map(|e| (day_number(e.start), day_number(e.end)))
            .collect();
        any_range(&mut q, "day", &edges);
    }
    q.push(") r WHERE 1=1");
    if let Some(people) = people {
        q.push(" AND person_id IN (");
        people(&mut q);
        q.push(")");
    }
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    let q = add_up(pools, q, &["person_id"], &["minutes", "billable"]);
    for [person, minutes, billable] in pools.integers(q, ["person_id", "minutes", "billable"]).await? {
        let sums = out.entry(person).or_default();
        sums.0 += minutes;
        sums.1 += billable;
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub(crate) struct Someone {
    pub facts: PersonFacts,
    pub manager_id: Option<PersonId>,
    pub partner_id: Option<psops_core::partners::PartnerId>,
    pub archived: bool,
}

fn someone(r: &Packed<'_>) -> Result<Someone> {
    Ok(Someone {
        facts: PersonFacts {
            person_id: psops_core::Id::new(r.i64(0)?),
            function: psops_core::people::Function::from_code(&r.text(1)?)?,
            region: r.text(2)?,
            fte: Fte::from_basis_points(r.i64(3)?)?,
            employment_start: r.date(4)?,
            employment_end: r.opt_date(5)?,
        },
        manager_id: r.opt_i64(6)?.map(psops_core::Id::new),
        partner_id: r.opt_i64(7)?.map(psops_core::Id::new),
        archived: !r.is_null(8),
    })
}

/// The people a report covers, in id order, with the facts capacity and grouping need.
pub(crate) async fn people(pools: &Pools, filter: &UtilizationFilter, range: DateRange) -> Result<Arc<Vec<Someone>>> {
    let mut q = sql(
        "SELECT id, function, region, fte_bp, employment_start, employment_end, manager_id, partner_id, \
         archived_at FROM people WHERE 1=1",
    );
    people_filter(&mut q, filter, range);
    q.push(" ORDER BY id");
    let columns = [
        "id",
        "function",
        "region",
        "fte_bp",
        "employment_start",
        "employment_end",
        "manager_id",
        "partner_id",
        "archived_at",
    ];
    let rows = pools.packed(q, &columns).await?;
    Ok(Arc::new(
        rows.iter().map(|r| someone(&Packed(r))).collect::<Result<_>>()?,
    ))
}

fn utc_day(t: OffsetDateTime) -> Date {
    t.to_offset(time::UtcOffset::UTC).date()
}

#[async_trait]
impl ReportStore for Db {
    fn request<'a>(&'a self, work: psops_core::store::Pending<'a, ()>) -> psops_core::store::Pending<'a, ()> {
        Box::pin(crate::follow::request(work))
    }

    async fn capacity(&self, person: PersonId, range: DateRange, view: CapacityView) -> Result<Capacity> {
        DateRange::new(range.start, range.end)?;
        let facts = PersonFacts::from(&self.get(person).await?);
        let mut pools = &self.pools;
        let base = capacity_rules::base(&mut pools).await?;
        let overrides = capacity_rules::overrides(&mut pools).await?;
        match view {
            CapacityView::Policy => policy_view_resolved(&base, &overrides, &facts, range),
            CapacityView::Calendar => {
                let hs = holidays(&self.pools, Some(&facts.region), range).await?;
                let hs: Vec<Holiday> = hs.into_values().flatten().collect();
                let one = |q: &mut Sql| {
                    q.push("SELECT ").push_bind(person);
                };
                let off = time_off(&self.pools, range, Some(&one)).await?;
                let off = off.into_values().flatten().collect::<Vec<_>>();
                calendar_view_resolved(&base, &overrides, &facts, range, &hs, &off)
            }
        }
    }

    async fn utilization(
        &self,
        range: DateRange,
        group_by: GroupBy,
        filter: &UtilizationFilter,
    ) -> Result<UtilizationReport> {
        DateRange::new(range.start, range.end)?;
        let key = format!("utilization|{range:?}|{group_by:?}|{filter:?}");
        self.memo
            .get_counts(
                &self.pools,
                crate::follow::MINUTES,
                key,
                utilization(self, range, group_by, filter),
            )
            .await
    }

    async fn utilization_weeks(
        &self,
        range: DateRange,
        group_by: GroupBy,
        filter: &UtilizationFilter,
    ) -> Result<WeeklyUtilization> {
        DateRange::new(range.start, range.end)?;
        let key = format!("utilization_weeks|{range:?}|{group_by:?}|{filter:?}");
        let read = async {
            // The people come with their capacity, kept until it changes.
            let people = capacities(self, range, filter).await?;
            let people = people.iter().map(|c| c.person.clone()).collect();
            let weekly = crate::reports_weekly::utilization_weeks(&self.pools, people, range, group_by, filter).await?;
            Ok(Arc::new(weekly))
        };
        let update = |kept: Arc<crate::reports_weekly::Weekly>, changed: Vec<Changed>| async move {
            // The weekly series counts the policy view: time off does not change it.
            let ids: Vec<i64> = changed
                .iter()
                .filter(|c| c.minutes && c.within(range))
                .map(|c| c.person)
                .collect();
            let weekly = Arc::unwrap_or_clone(kept);
            Ok(weekly.update(&self.pools, range, filter, &ids).await?.map(Arc::new))
        };
        let weekly = self
            .memo
            .follow(&self.pools, crate::follow::MINUTES, key, read, update)
            .await?;
        Ok(weekly.report())
    }

    async fn compliance(&self, week: IsoWeek, as_of: Date) -> Result<ComplianceReport> {
        let key = format!("compliance|{week}|{as_of}");
        let read = async {
            let settings = self.settings().await?;
            let due = due_date_for(week, &settings)?;
            let range = week.range();
            let key = week_key(week);
            let q = sql(
                "SELECT id, name, manager_id FROM people WHERE archived_at IS NULL AND employment_start <= $1 \
             AND (employment_end IS NULL OR employment_end >= $2) ORDER BY id",
            )
            .bind(range.end)
            .bind(range.start);
            let people = self.pools.all(q).await?;
            // When each person's week was submitted, and on which day.
            let mut submitted_at: HashMap<i64, OffsetDateTime> = HashMap::new();
            let q = sql("SELECT person_id, submitted_at FROM timesheet_weeks WHERE week_key = $1").bind(key);
            for r in self.pools.all(q).await? {
                submitted_at.insert(r.get("person_id")?, r.get("submitted_at")?);
            }
            let submitted: HashMap<i64, Date> = submitted_at.iter().map(|(p, at)| (*p, utc_day(*at))).collect();
            let mut approved: HashMap<i64, Date> = HashMap::new();
            let q = sql("SELECT person_id, approved_at FROM timesheet_approvals WHERE week_key = $1").bind(key);
            for r in self.pools.all(q).await? {
                let day = utc_day(r.get("approved_at")?);
                let slot = approved.entry(r.get("person_id")?).or_insert(day);
                *slot = (*slot).max(day);
            }
            // The last rejection of each person's week: one after the last submission means
            // the week went back to them and has not been submitted again.
            let mut rejected: HashMap<i64, OffsetDateTime> = HashMap::new();
            let q = sql("SELECT person_id, rejected_at FROM timesheet_rejections WHERE week_key = $1").bind(key);
            for r in self.pools.all(q).await? {
                let at: OffsetDateTime = r.get("rejected_at")?;
                let slot = rejected.entry(r.get("person_id")?).or_insert(at);
                *slot = (*slot).max(at);
            }
            let mut minutes: HashMap<i64, (i64, i64)> = HashMap::new();
            let q =
                sql("SELECT person_id, minutes, approved_minutes AS approved FROM time_rollup_week WHERE monday = $1")
                    .bind(day_number(week.monday()));
            for r in self.pools.all(q).await? {
                minutes.insert(r.get("person_id")?, (r.get("minutes")?, r.get("approved")?));
            }
            let mut rows = Vec::with_capacity(people.len());
            for r in &people {
                let id: i64 = r.get("id")?;
                let submitted_on = submitted.get(&id).copied();
                let (logged, done) = minutes.get(&id).copied().unwrap_or((0, 0));
                // A week with nothing to approve is complete when it is submitted.
                let approved_on = match (logged, logged == done) {
                    (0, _) => submitted_on,
                    (_, true) => approved.get(&id).copied(),
                    (_, false) => None,
                };
                rows.push(ComplianceRow {
                    person_id: r.id("id")?,
                    name: r.get("name")?,
                    manager_id: r.opt_id("manager_id")?,
                    submitted_on,
                    approved_on,
                    status: compliance(due, submitted_on, approved_on, as_of),
                    rejected: match (rejected.get(&id), submitted_at.get(&id)) {
                        (Some(r), Some(s)) => r >= s,
                        (Some(_), None) => true,
                        _ => false,
                    },
                });
            }
            Ok(ComplianceReport { week, due, as_of, rows })
        };
        // Read from people and the settings (the capacity count moves with them), the
        // week's timesheets and its worked minutes: kept until one of those changes, and
        // through time logged outside the week — this week's, while the report is last
        // week's.
        let update = |kept: ComplianceReport, changed: Vec<Changed>| async move {
            let inside = changed.iter().any(|c| c.minutes && c.within(week.range()));
            Ok((!inside).then_some(kept))
        };
        self.memo
            .follow(&self.pools, crate::follow::COMPLIANCE, key, read, update)
            .await
    }

    async fn project_minutes(&self, ids: &[ProjectId]) -> Result<HashMap<ProjectId, Minutes>> {
        let key = format!("project_minutes|{ids:?}");
        let read = async {
            let mut out = HashMap::new();
            for chunk in ids.chunks(500) {
                let mut q = sql(
                    "SELECT project_id, CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_rollup_project_person \
                     WHERE project_id IN (",
                );
                let raw: Vec<i64> = chunk.iter().map(|id| id.get()).collect();
                crate::rollups::push_list(&mut q, &raw);
                q.push(") GROUP BY project_id");
                for r in self.pools.all(q).await? {
                    out.insert(r.id("project_id")?, Minutes(r.get("minutes")?));
                }
            }
            Ok(out)
        };
        self.memo
            .get_counts(&self.pools, crate::follow::PROJECT_TIME, key, read)
            .await
    }

    async fn project_people(&self, project: ProjectId, scope: &ListScope) -> Result<Vec<(PersonId, Minutes)>> {
        let key = format!("project_people|{project}|{scope:?}");
        let read = async {
            // The rollup has the columns the time entries' scope cuts on.
            let mut q = sql("SELECT person_id, minutes FROM time_rollup_project_person WHERE project_id = ");
            q.push_bind(project);
            crate::common::scope(&mut q, scope, ListKind::TimeEntries);
            let rows = self.pools.all(q).await?;
            rows.iter()
                .map(|r| Ok((r.id("person_id")?, Minutes(r.get("minutes")?))))
                .collect()
        };
        self.memo
            .get_counts(&self.pools, crate::follow::PROJECT_TIME, key, read)
            .await
    }

    async fn project_days(
        &self,
        project: ProjectId,
        scope: &ListScope,
        people: Option<&[PersonId]>,
        since: Option<Date>,
    ) -> Result<Vec<(Option<PersonId>, Date, Minutes)>> {
        let key = format!("project_days|{project}|{scope:?}|{people:?}|{since:?}");
        let read = days_on(&self.pools, project, scope, people, since);
        // After time entries, only the people shown whose time moved on or after `since`
        // are read again; a sum over everyone is read whole (the day rollup: cheap).
        let update = |mut kept: Vec<Day>, changed: Vec<Changed>| async move {
            let moved = |c: &&Changed| c.minutes && since.is_none_or(|s| c.reaches(s));
            let Some(people) = people else {
                return Ok(changed.iter().find(moved).is_none().then_some(kept));
            };
            let again: Vec<PersonId> = changed
                .iter()
                .filter(moved)
                .map(|c| PersonId::new(c.person))
                .filter(|p| people.contains(p))
                .collect();
            if again.is_empty() {
                return Ok(Some(kept));
            }
            let fresh = days_on(&self.pools, project, scope, Some(&again), since).await?;
            kept.retain(|(who, _, _)| who.is_none_or(|w| !again.contains(&w)));
            kept.extend(fresh);
            Ok(Some(kept))
        };
        self.memo
            .follow(&self.pools, crate::follow::PROJECT_TIME, key, read, update)
            .await
    }

    async fn verify_rollups(&self) -> Result<Vec<RollupDifference>> {
        crate::rollups::verify(&self.pools).await
    }
}

/// One person's capacity over a report's range.
#[derive(Debug, Clone)]
pub(crate) struct Capable {
    pub person: Someone,
    pub policy: Capacity,
    pub calendar: Capacity,
}

/// Everyone's capacity in the filter over the range, from people, holidays, time off
/// and the policy: kept until one of those changes, so a report after a time entry reads
/// only the worked minutes afresh.
pub(crate) async fn capacities(db: &Db, range: DateRange, filter: &UtilizationFilter) -> Result<Arc<Vec<Capable>>> {
    let key = format!("capacities|{range:?}|{filter:?}");
    let pools = &db.pools;
    let read = async {
        let key = format!("people|{range:?}|{filter:?}");
        let people = people(pools, filter, range);
        let people = db.memo.get_counts(pools, crate::follow::PEOPLE, key, people).await?;
        let holidays = holidays(pools, None, range).await?;
        let time_off = time_off(pools, range, None).await?;
        let mut rules = pools;
        let base = capacity_rules::base(&mut rules).await?;
        let overrides = capacity_rules::overrides(&mut rules).await?;
        let mut out = Vec::with_capacity(people.len());
        // Thousands of people share a handful of capacities: each is computed once.
        let mut policies: HashMap<Alike, Capacity> = HashMap::new();
        let mut calendars: HashMap<Alike, Capacity> = HashMap::new();
        for p in people.iter() {
            let off = time_off.get(&p.facts.person_id.get()).map_or(&[][..], Vec::as_slice);
            let like = Alike::of(&p.facts, range, &overrides);
            let policy = match &like {
                Some(k) if let Some(c) = policies.get(k) => *c,
                _ => policy_view_resolved(&base, &overrides, &p.facts, range)?,
            };
            let calendar = match like.as_ref().filter(|_| off.is_empty()) {
                Some(k) if let Some(c) = calendars.get(k) => *c,
                _ => calendar(&base, &overrides, &p.facts, range, &holidays, off)?,
            };
            if let Some(k) = like {
                if off.is_empty() {
                    calendars.entry(k.clone()).or_insert(calendar);
                }
                policies.entry(k).or_insert(policy);
            }
            out.push(Capable {
                person: p.clone(),
                policy,
                calendar,
            });
        }
        Ok(Arc::new(out))
    };
    // A day off changes one person's calendar view, and nothing else: theirs alone is
    // computed again. (Anything else that moves capacity is not logged: read whole.)
    let update = |kept: Arc<Vec<Capable>>, changed: Vec<Changed>| async move {
        let ids: Vec<i64> = changed
            .iter()
            .filter(|c| c.capacity && c.within(range))
            .map(|c| c.person)
            .collect();
        if ids.is_empty() {
            return Ok(Some(kept));
        }
        let theirs = |q: &mut Sql| crate::rollups::push_list(q, &ids);
        let holidays = holidays(pools, None, range).await?;
        let time_off = time_off(pools, range, Some(&theirs)).await?;
        let mut rules = pools;
        let base = capacity_rules::base(&mut rules).await?;
        let overrides = capacity_rules::overrides(&mut rules).await?;
        let mut out = Arc::unwrap_or_clone(kept);
        for id in &ids {
            let Ok(at) = out.binary_search_by_key(id, |c| c.person.facts.person_id.get()) else {
                continue;
            };
            let off = time_off.get(id).map_or(&[][..], Vec::as_slice);
            let c = &mut out[at];
            c.calendar = calendar(&base, &overrides, &c.person.facts, range, &holidays, off)?;
        }
        Ok(Some(Arc::new(out)))
    };
    db.memo.follow(pools, crate::follow::MINUTES, key, read, update).await
}

/// A person's calendar view: the policy less their region's holidays and their time off.
fn calendar(
    base: &CapacityRules,
    overrides: &[RulesOverride],
    facts: &PersonFacts,
    range: DateRange,
    holidays: &HashMap<String, Vec<Holiday>>,
    off: &[TimeOff],
) -> Result<Capacity> {
    let hs = holidays
        .get(&facts.region.trim().to_lowercase())
        .map_or(&[][..], Vec::as_slice);
    calendar_view_resolved(base, overrides, facts, range, hs, off)
}

/// Every person's utilization over the range, grouped.
async fn utilization(
    db: &Db,
    range: DateRange,
    group_by: GroupBy,
    filter: &UtilizationFilter,
) -> Result<UtilizationReport> {
    Ok(report(&person_rows(db, range, filter).await?, group_by))
}

/// Each person's utilization over the range — worked minutes from the rollups against
/// everyone's capacity — kept until either changes: every grouping of the same people
/// and range (the home page asks for two) adds up the same rows. After time entries only
/// the people they changed are read again.
async fn person_rows(db: &Db, range: DateRange, filter: &UtilizationFilter) -> Result<Arc<Vec<PersonUtilization>>> {
    let key = format!("person_rows|{range:?}|{filter:?}");
    let read = async {
        let subquery = |q: &mut Sql| {
            q.push("SELECT id FROM people WHERE 1=1");
            people_filter(q, filter, range);
        };
        let capable = capacities(db, range, filter).await?;
        let named = names_people(&db.pools, filter).then_some(&subquery as &(dyn Fn(&mut Sql) + Sync));
        let worked = worked(&db.pools, range, named).await?;
        let rows = capable.iter().filter_map(|c| {
            let id = c.person.facts.person_id.get();
            person_row(c, worked.get(&id).copied().unwrap_or_default())
        });
        Ok(Arc::new(rows.collect()))
    };
    let update = |kept: Arc<Vec<PersonUtilization>>, changed: Vec<Changed>| async move {
        let ids: Vec<i64> = changed.iter().filter(|c| c.within(range)).map(|c| c.person).collect();
        if ids.is_empty() {
            return Ok(Some(kept));
        }
        let capable = capacities(db, range, filter).await?;
        let theirs = |q: &mut Sql| crate::rollups::push_list(q, &ids);
        let worked = worked(&db.pools, range, Some(&theirs)).await?;
        let mut rows = Arc::unwrap_or_clone(kept);
        for id in &ids {
            // Someone the report does not cover (a filter) has no capacity here.
            let Ok(at) = capable.binary_search_by_key(id, |c| c.person.facts.person_id.get()) else {
                continue;
            };
            let row = person_row(&capable[at], worked.get(id).copied().unwrap_or_default());
            match (rows.binary_search_by_key(id, |r| r.person_id.get()), row) {
                (Ok(i), Some(row)) => rows[i] = row,
                (Ok(i), None) => {
                    rows.remove(i);
                }
                (Err(i), Some(row)) => rows.insert(i, row),
                (Err(_), None) => {}
            }
        }
        Ok(Some(Arc::new(rows)))
    };
    db.memo
        .follow(&db.pools, crate::follow::MINUTES, key, read, update)
        .await
}

/// A person's row from their capacity and worked and billable minutes; none for someone
/// archived who logged nothing in the range.
fn person_row(c: &Capable, (minutes, billable): (i64, i64)) -> Option<PersonUtilization> {
    let p = &c.person;
    if p.archived && minutes == 0 {
        return None;
    }
    Some(PersonUtilization {
        person_id: p.facts.person_id,
        function: p.facts.function,
        region: p.facts.region.clone(),
        manager_id: p.manager_id,
        partner_id: p.partner_id,
        row: row_from_capacity(&c.policy, &c.calendar, Minutes(minutes), Minutes(billable)),
    })
}

/// Minutes on a day, by a person or (`None`) by everyone.
type Day = (Option<PersonId>, Date, Minutes);

/// A project's time by day: everyone's (`people` none: the sum per day) or the people
/// given, each on their own, from `since`.
async fn days_on(
    pools: &Pools,
    project: ProjectId,
    scope: &ListScope,
    people: Option<&[PersonId]>,
    since: Option<Date>,
) -> Result<Vec<Day>> {
    // Everyone's time by day, all of it readable: the project's day rollup.
    if people.is_none() && *scope == ListScope::All {
        let mut q = sql("SELECT day, minutes FROM time_rollup_project_day WHERE project_id = ");
        q.push_bind(project);
        if let Some(since) = since {
            q.push(" AND day >= ").push_bind(day_number(since));
        }
        let rows = pools.integers(q, ["day", "minutes"]).await?;
        return Ok(rows
            .into_iter()
            .map(|[day, minutes]| (None, psops_core::dates::from_day_number(day), Minutes(minutes)))
            .collect());
    }
    let who = if people.is_some() { "person_id" } else { "NULL" };
    // A few people's time: sought person by person (the unary `+` keeps the planner off
    // the project's index, which would read all of its people).
    let project_column = if people.is_some() { "+project_id" } else { "project_id" };
    let mut q = sql(format!(
        "SELECT {who} AS person_id, entry_date, CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_entries \
         WHERE {project_column} = "
    ));
    q.push_bind(project);
    crate::common::scope(&mut q, scope, ListKind::TimeEntries);
    if let Some(since) = since {
        q.push(" AND entry_date >= ").push_bind(since);
    }
    if let Some(people) = people {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        q.push(" AND person_id IN (");
        let raw: Vec<i64> = people.iter().map(|p| p.get()).collect();
        crate::rollups::push_list(&mut q, &raw);
        q.push(") GROUP BY person_id, entry_date");
    } else {
        q.push(" GROUP BY entry_date");
    }
    let rows = pools.all(q).await?;
    rows.iter()
        .map(|r| Ok((r.opt_id("person_id")?, r.get("entry_date")?, Minutes(r.get("minutes")?))))
        .collect()
}
