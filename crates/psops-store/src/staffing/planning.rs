//! The master planning view in SQL: people × weeks, a page at a time, with the open
//! requests reaching into the weeks.

use std::collections::HashSet;

use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::reporting::UtilizationFilter;
use psops_core::staffing::availability::{week_count, weekly_minutes, weeks as weeks_of};
use psops_core::staffing::store::{Availability, AvailabilityQuery, OpenRequest, PersonWeeks};
use psops_core::{Id, Result};
use time::Date;

use crate::Db;
use crate::db::sql;

/// Weeks the map covers when none are asked for.
const MAP_WEEKS: usize = 26;
/// Open requests listed beside the heatmap.
const OPEN_LISTED: usize = 50;

pub(crate) async fn availability(db: &Db, q: &AvailabilityQuery, today: Date) -> Result<Availability> {
    let weeks = weeks_of(q.from.unwrap_or(today), week_count(q.weeks, MAP_WEEKS)?);
    let filter = UtilizationFilter {
        function: q.function,
        region: q.region.clone(),
        ..Default::default()
    };
    let everyone = super::weeks::everyone(db, &weeks, &filter).await?;
    // Partners' consultants are planned through their partner, not on the company's map.
    let mut ids: Vec<i64> = everyone
        .people()
        .filter(|(_, partner)| partner.is_none())
        .map(|(id, _)| id)
        .collect();
    if let Some(skill) = q.skill.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let s = sql("SELECT DISTINCT person_id FROM person_skills WHERE archived_at IS NULL AND LOWER(skill) = $1")
            .bind(skill.to_lowercase());
        let with: HashSet<i64> = db
            .pools
            .all(s)
            .await?
            .iter()
            .map(|r| r.get("person_id"))
            .collect::<Result<_>>()?;
        ids.retain(|id| with.contains(id));
    }
    // Only over-booked people: everyone's bookings decide who is listed. Otherwise only
    // the page's people are booked (the bookings are read for all, but rows are built
    // and filled for fifty rather than thousands).
    let conflicted = if q.conflicts_only {
        let mut rows = everyone.rows(&ids);
        super::weeks::bookings(db, &weeks, &mut rows).await?;
        rows.retain(|_, r| r.weeks.iter().any(|w| w.conflict()));
        ids = rows.keys().copied().collect();
        Some(rows)
    } else {
        None
    };
    let typed: Vec<Id<psops_core::people::Person>> = ids.iter().map(|id| Id::new(*id)).collect();
    let names = psops_core::store::RecordStore::<psops_core::people::Person>::names(db, &typed).await?;
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    // Each name lowered once, not twice a comparison (5,000 people: 120,000 strings).
    ids.sort_by_cached_key(|id| (name(id).to_lowercase(), *id));
    let total = ids.len();
    let page: Vec<i64> = ids.into_iter().skip(q.offset).take(q.limit.max(1)).collect();
    let mut rows = match conflicted {
        Some(rows) => rows,
        None => {
            let mut rows = everyone.rows(&page);
            super::weeks::bookings(db, &weeks, &mut rows).await?;
            rows
        }
    };
    let people: Vec<PersonWeeks> = page
        .iter()
        .filter_map(|id| rows.remove(id).map(|r| (id, r)))
        .map(|(id, r)| PersonWeeks {
            person_id: Id::new(*id),
            name: name(id),
            function: r.function,
            region: r.region,
            conflicts: r.weeks.iter().filter(|w| w.conflict()).count(),
            weeks: r.weeks,
        })
        .collect();

    let (open_requests, open_total) = match (weeks.first(), weeks.last()) {
        (Some(first), Some(last)) => {
            open(
                db,
                DateRange {
                    start: first.start,
                    end: last.end,
                },
                q,
            )
            .await?
        }
        _ => (Vec::new(), 0),
    };
    Ok(Availability {
        weeks: weeks.iter().map(|w| w.start).collect(),
        total,
        people,
        open_requests,
        open_total,
    })
}

async fn open(db: &Db, window: DateRange, q: &AvailabilityQuery) -> Result<(Vec<OpenRequest>, usize)> {
    let mut s = sql(
        "SELECT r.id, r.project_id, p.name AS project_name, r.role, r.booking, r.priority, \
         COALESCE(r.start_date, p.start_date) AS start_date, COALESCE(r.end_date, p.end_date) AS end_date, \
         r.minutes, r.minutes_per_week, COUNT(*) OVER () AS total \
         FROM resource_requests r JOIN projects p ON p.id = r.project_id \
         WHERE r.archived_at IS NULL AND r.status = 'open' AND r.person_id IS NULL \
         AND COALESCE(r.start_date, p.start_date) <= $1 AND COALESCE(r.end_date, p.end_date) >= $2",
    )
    .bind(window.end)
    .bind(window.start);
    if let Some(f) = q.function {
        s.push(" AND r.role = ").push_bind(f.code());
    }
    // Only the listed rows cross from the database (hundreds are open at 5,000 people);
    // the count comes with each.
    s.push(" ORDER BY r.priority, 7, r.id LIMIT ")
        .push_bind(OPEN_LISTED as i64);
    let rows = db.pools.all(s).await?;
    let total = match rows.first() {
        Some(r) => usize::try_from(r.get::<i64>("total")?).unwrap_or(0),
        None => 0,
    };
    let mut out = Vec::new();
    for r in &rows {
        let span = DateRange::new(r.get("start_date")?, r.get("end_date")?)?;
        out.push(OpenRequest {
            request_id: r.id("id")?,
            project_id: r.id("project_id")?,
            project_name: r.get("project_name")?,
            role: r.code("role")?,
            booking: r.code("booking")?,
            priority: r.get("priority")?,
            start_date: span.start,
            end_date: span.end,
            minutes_per_week: weekly_minutes(r.get("minutes")?, r.get("minutes_per_week")?, span),
        });
    }
    Ok((out, total))
}
