//! People's weeks in SQL: the contracted week and what the calendar leaves of it, from
//! the utilization report's batched read (kept between calls, one per week), less hard bookings (assignments) and soft bookings
//! (soft requests held by someone), each read once over the whole window.

use std::collections::HashMap;

use psops_core::Result;
use psops_core::dates::DateRange;
use psops_core::reporting::UtilizationFilter;
use psops_core::staffing::availability::{WeekLoad, loads, weekly_minutes};
use time::Date;

use crate::Db;
use crate::db::sql;

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

/// The weeks of everyone `filter` keeps (the archived left out), by person id.
pub(crate) async fn capacity(db: &Db, weeks: &[DateRange], filter: &UtilizationFilter) -> Result<HashMap<i64, Row>> {
    let mut out: HashMap<i64, Row> = HashMap::new();
    for (i, w) in weeks.iter().enumerate() {
        for c in crate::reports::capacities(db, *w, filter).await?.iter() {
            if c.person.archived {
                continue;
            }
            let row = out.entry(c.person.facts.person_id.get()).or_insert_with(|| Row {
                function: c.person.facts.function,
                region: c.person.facts.region.clone(),
                partner_id: c.person.partner_id.map(|p| p.get()),
                weeks: vec![WeekLoad::default(); weeks.len()],
                billable: vec![0; weeks.len()],
                soft_billable: vec![0; weeks.len()],
            });
            row.weeks[i].capacity = c.calendar.weekday_minutes.get();
            row.weeks[i].available = c.calendar.available_minutes.get();
        }
    }
    Ok(out)
}

/// Adds everyone's hard and soft bookings over `weeks` to their rows, the billable hard
/// ones (assignments on projects that are not non-billable) also apart.
pub(crate) async fn bookings(db: &Db, weeks: &[DateRange], rows: &mut HashMap<i64, Row>) -> Result<()> {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return Ok(());
    };
    let window = DateRange {
        start: first.start,
        end: last.end,
    };
    let hard = sql(
        "SELECT a.person_id, a.start_date, a.end_date, a.minutes_per_week, p.billing_type FROM assignments a \
         JOIN projects p ON p.id = a.project_id WHERE a.archived_at IS NULL \
         AND a.start_date <= $1 AND (a.end_date IS NULL OR a.end_date >= $2)",
    )
    .bind(window.end)
    .bind(window.start);
    let soft = sql(
        "SELECT r.person_id, COALESCE(r.start_date, p.start_date) AS start_date, \
         COALESCE(r.end_date, p.end_date) AS end_date, r.minutes, r.minutes_per_week, p.billing_type \
         FROM resource_requests r \
         JOIN projects p ON p.id = r.project_id WHERE r.archived_at IS NULL AND r.person_id IS NOT NULL \
         AND r.status = 'open' AND r.booking = 'soft' \
         AND COALESCE(r.start_date, p.start_date) <= $1 AND COALESCE(r.end_date, p.end_date) >= $2",
    )
    .bind(window.end)
    .bind(window.start);
    let (hard, soft) = tokio::try_join!(db.pools.all(hard), db.pools.all(soft))?;
    for r in &hard {
        let person: i64 = r.get("person_id")?;
        let per_week: i64 = r.get("minutes_per_week")?;
        let start: Date = r.get("start_date")?;
        let s = DateRange {
            start,
            end: r.get::<Option<Date>>("end_date")?.unwrap_or(window.end).max(start),
        };
        if let Some(row) = rows.get_mut(&person) {
            let billable = r.get::<String>("billing_type")? != "non_billable";
            for (i, load) in loads(per_week, s, weeks).into_iter().enumerate() {
                row.weeks[i].hard += load;
                if billable {
                    row.billable[i] += load;
                }
            }
        }
    }
    for r in &soft {
        let person: i64 = r.get("person_id")?;
        let Some(row) = rows.get_mut(&person) else { continue };
        let (Some(start), Some(end)) = (r.get::<Option<Date>>("start_date")?, r.get::<Option<Date>>("end_date")?)
        else {
            continue;
        };
        let Ok(s) = DateRange::new(start, end) else { continue };
        let per_week = weekly_minutes(r.get("minutes")?, r.get("minutes_per_week")?, s);
        let billable = r.get::<String>("billing_type")? != "non_billable";
        for (i, load) in loads(per_week, s, weeks).into_iter().enumerate() {
            row.weeks[i].soft += load;
            if billable {
                row.soft_billable[i] += load;
            }
        }
    }
    Ok(())
}
