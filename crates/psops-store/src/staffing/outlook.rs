//! The coming weeks in SQL: the utilization forecast from bookings, one person's
//! bookings, and the list of requests across projects.

use psops_core::code::Code;
use psops_core::people::{Person, PersonId};
use psops_core::plan::{Booking, ResourceRequest};
use psops_core::reporting::UtilizationFilter;
use psops_core::sort::Direction;
use psops_core::staffing::availability::{week_count, weekly_minutes, weeks as weeks_of};
use psops_core::staffing::forecast::{Booked, ForecastGroup, UtilizationForecast, everyone as everyone_row, groups};
use psops_core::staffing::store::{
    BookingLine, ForecastQuery, PersonBookings, RequestOrder, RequestRow, RequestView, Requests, RequestsQuery,
};
use psops_core::store::RecordStore;
use psops_core::{Error, Id, Result};
use time::Date;

use crate::Db;
use crate::db::sql;
use crate::record::Stored;

/// Weeks the forecast covers when none are asked for.
const FORECAST_WEEKS: usize = 13;

pub(crate) async fn utilization_forecast(db: &Db, q: &ForecastQuery, today: Date) -> Result<UtilizationForecast> {
    let weeks = weeks_of(q.from.unwrap_or(today), week_count(q.weeks, FORECAST_WEEKS)?);
    let filter = UtilizationFilter {
        function: q.function,
        region: q.region.clone(),
        ..Default::default()
    };
    let (everyone, hard, soft) = tokio::try_join!(
        super::weeks::everyone(db, &weeks, &filter),
        super::weeks::hard(db, &weeks),
        super::weeks::soft(db, &weeks)
    )?;
    let settings = crate::org::load(&mut &db.pools).await?;
    let base = crate::capacity_rules::base(&mut &db.pools).await?;
    let n = weeks.len();
    // Everyone's weeks in one buffer (capacity, billable hard, billable soft), each
    // person's a slice of it: nothing is allocated a person.
    let internal: Vec<_> = everyone.each().filter(|p| p.1.is_none()).collect();
    // A person's billable minutes a week, hard or soft (none when they have no booking).
    fn billable<'a>(booked: &'a super::weeks::Booked, id: &i64) -> &'a [i64] {
        booked.get(id).map_or(&[], |(_, b)| b.as_slice())
    }
    let mut flat = Vec::with_capacity(internal.len() * n);
    for (id, _, _, _, kept) in &internal {
        let (h, s) = (billable(&hard, id), billable(&soft, id));
        let at = |v: &[i64], i: usize| v.get(i).copied().unwrap_or(0);
        for i in 0..n {
            flat.push((kept.get(i).map_or(0, |w| w.0), at(h, i), at(s, i)));
        }
    }
    let names = match q.group {
        ForecastGroup::Person => {
            let ids: Vec<Id<Person>> = internal.iter().map(|p| Id::new(p.0)).collect();
            Some(RecordStore::<Person>::names(db, &ids).await?)
        }
        _ => None,
    };
    let people: Vec<Booked> = internal
        .iter()
        .zip(flat.chunks(n.max(1)))
        .map(|((id, _, function, region, _), weeks)| Booked {
            person_id: Id::new(*id),
            name: names.as_ref().and_then(|m| m.get(id)).map_or("", String::as_str),
            function: *function,
            region,
            target_bp: base.billable_target_bp(*function),
            weeks,
        })
        .collect();
    let weights = (settings.finance.soft_weight_bp, settings.finance.hard_weight_bp);
    let all = everyone_row(&people, n, weights);
    let (total, rows) = match q.group {
        // A group a person: only the page's people are grouped (thousands of rows would be
        // built to show fifty), in the order the groups sort in — name, then id as text.
        ForecastGroup::Person => {
            let mut people = people;
            people.sort_by_cached_key(|p| (p.name.to_lowercase(), p.person_id.to_string()));
            let total = people.len();
            let page: Vec<Booked> = people.into_iter().skip(q.offset).take(q.limit.max(1)).collect();
            (total, groups(&page, n, ForecastGroup::Person, weights))
        }
        group => {
            let rows = groups(&people, n, group, weights);
            let total = rows.len();
            (total, rows.into_iter().skip(q.offset).take(q.limit.max(1)).collect())
        }
    };
    Ok(UtilizationForecast {
        group: q.group,
        weeks: weeks.iter().map(|w| w.start).collect(),
        soft_weight_bp: weights.0,
        hard_weight_bp: weights.1,
        total,
        rows,
        all,
    })
}

pub(crate) async fn bookings_of(db: &Db, person: PersonId, from: Date, count: usize) -> Result<PersonBookings> {
    let who: Person = db.get(person).await?;
    let weeks = weeks_of(from, week_count(Some(count), count)?);
    let (Some(first), Some(last)) = (weeks.first().copied(), weeks.last().copied()) else {
        return Err(Error::Internal("a count of weeks from 1 on gave none".into()));
    };
    let filter = UtilizationFilter {
        person_id: Some(person),
        ..Default::default()
    };
    let mut rows = super::weeks::capacity(db, &weeks, &filter).await?;
    super::weeks::bookings(db, &weeks, &mut rows).await?;
    let loads = rows
        .remove(&person.get())
        .map(|r| r.weeks)
        .unwrap_or_else(|| vec![Default::default(); weeks.len()]);

    let hard = sql(
        "SELECT a.id, a.project_id, p.name AS project_name, a.role, a.start_date, a.end_date, a.minutes_per_week \
         FROM assignments a JOIN projects p ON p.id = a.project_id WHERE a.archived_at IS NULL AND a.person_id = $1 \
         AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date >= $3)",
    )
    .bind(person)
    .bind(last.end)
    .bind(first.start);
    let soft = sql(
        "SELECT r.id, r.project_id, p.name AS project_name, r.role, r.minutes, r.minutes_per_week, \
         COALESCE(r.start_date, p.start_date) AS start_date, COALESCE(r.end_date, p.end_date) AS end_date \
         FROM resource_requests r JOIN projects p ON p.id = r.project_id WHERE r.archived_at IS NULL \
         AND r.person_id = $1 AND r.status = 'open' AND r.booking = 'soft' \
         AND COALESCE(r.start_date, p.start_date) <= $2 AND COALESCE(r.end_date, p.end_date) >= $3",
    )
    .bind(person)
    .bind(last.end)
    .bind(first.start);
    let (hard, soft) = tokio::try_join!(db.pools.all(hard), db.pools.all(soft))?;
    let mut bookings = Vec::with_capacity(hard.len() + soft.len());
    for r in &hard {
        bookings.push(BookingLine {
            booking: Booking::Hard,
            project_id: r.id("project_id")?,
            project_name: r.get("project_name")?,
            role: r.code("role")?,
            start_date: r.get("start_date")?,
            end_date: r.get("end_date")?,
            minutes_per_week: r.get("minutes_per_week")?,
            assignment_id: Some(r.id("id")?),
            request_id: None,
        });
    }
    for r in &soft {
        let start: Date = r.get("start_date")?;
        let end: Date = r.get("end_date")?;
        let span = psops_core::dates::DateRange::new(start, end)?;
        bookings.push(BookingLine {
            booking: Booking::Soft,
            project_id: r.id("project_id")?,
            project_name: r.get("project_name")?,
            role: r.code("role")?,
            start_date: start,
            end_date: Some(end),
            minutes_per_week: weekly_minutes(r.get("minutes")?, r.get("minutes_per_week")?, span),
            assignment_id: None,
            request_id: Some(r.id("id")?),
        });
    }
    bookings.sort_by(|a, b| {
        a.start_date
            .cmp(&b.start_date)
            .then(a.project_name.cmp(&b.project_name))
    });
    Ok(PersonBookings {
        person_id: person,
        name: who.fields.name,
        weeks: weeks.iter().map(|w| w.start).collect(),
        loads,
        bookings,
    })
}

pub(crate) async fn requests(db: &Db, q: &RequestsQuery) -> Result<Requests> {
    let cols = <ResourceRequest as Stored>::COLUMNS
        .iter()
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // The page's rows only cross from the database, each with the count; a page past the
    // end has no row to carry it, so it is counted apart.
    let mut s = sql(format!(
        "SELECT r.id, {cols}, r.version, r.created_at, r.updated_at, r.archived_at, p.name AS project_name, \
         COALESCE(r.start_date, p.start_date) AS span_start, COALESCE(r.end_date, p.end_date) AS span_end, \
         h.name AS person_name, COUNT(*) OVER () AS total FROM resource_requests r \
         JOIN projects p ON p.id = r.project_id LEFT JOIN people h ON h.id = r.person_id WHERE "
    ));
    let mut count = sql("SELECT COUNT(*) AS total FROM resource_requests r WHERE ");
    for w in [&mut s, &mut count] {
        w.push(match q.view {
            RequestView::Open => "r.archived_at IS NULL AND r.status = 'open' AND r.person_id IS NULL",
            RequestView::Held => "r.archived_at IS NULL AND r.status = 'open' AND r.person_id IS NOT NULL",
            RequestView::Filled => "r.archived_at IS NULL AND r.status = 'filled'",
            RequestView::Cancelled => "r.archived_at IS NULL AND r.status = 'cancelled'",
        });
        if let Some(project) = q.project {
            w.push(" AND r.project_id = ").push_bind(project);
        }
        if let Some(role) = q.role {
            w.push(" AND r.role = ").push_bind(role.code());
        }
        if let Some(b) = q.booking {
            w.push(" AND r.booking = ").push_bind(b.code());
        }
    }
    let dir = match q.direction {
        Direction::Asc => "",
        Direction::Desc => " DESC",
    };
    let order = match q.sort {
        RequestOrder::Priority => format!(" ORDER BY r.priority{dir}, span_start, r.id"),
        RequestOrder::Start => format!(" ORDER BY span_start{dir}, r.priority, r.id"),
        RequestOrder::Project => format!(" ORDER BY LOWER(p.name){dir}, r.priority, r.id"),
    };
    s.push(&order)
        .push(" LIMIT ")
        .push_bind(q.limit.max(1) as i64)
        .push(" OFFSET ")
        .push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
    let page = db.pools.all(s).await?;
    let total = match page.first() {
        Some(r) => r.get::<i64>("total")?,
        None if q.offset > 0 => db.pools.one(count).await?.get::<i64>("total")?,
        None => 0,
    };
    let total = usize::try_from(total).unwrap_or(0);
    let mut rows = Vec::with_capacity(page.len());
    for r in &page {
        rows.push(RequestRow {
            request: <ResourceRequest as Stored>::read(r)?,
            project_name: r.get("project_name")?,
            start_date: r.get("span_start")?,
            end_date: r.get("span_end")?,
            person_name: r.get("person_name")?,
        });
    }
    Ok(Requests { total, rows })
}
