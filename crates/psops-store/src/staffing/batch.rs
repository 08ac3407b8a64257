//! The batch plan in SQL: the open requests of a window and everyone who may take them,
//! handed to `psops_core::staffing::planner`; and accepting a plan's lines as bookings.

use std::collections::HashMap;
use std::time::Duration;

use psops_core::plan::ResourceRequest;
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::staffing::availability::{MAX_WEEKS, monday, weeks as weeks_of};
use psops_core::staffing::planner::{Open, Proposal, Unfilled, Window, propose};
use psops_core::staffing::store::{Accept, BookRequest, Booked, MAX_PICKS};
use psops_core::store::WriteCtx;
use psops_core::{Error, FieldError, Result};
use time::Date;

use crate::Db;
use crate::record::table;

fn window_checked(w: Window) -> Result<()> {
    if w.to < w.from {
        return Err(Error::invalid("to", Rule::AfterStart, "to must be on or after from"));
    }
    if (w.to - w.from).whole_days() > 366 {
        return Err(Error::invalid(
            "to",
            Rule::Range,
            "a plan covers at most a year of request starts",
        ));
    }
    Ok(())
}

pub(crate) async fn plan(db: &Db, window: Window, today: Date, time: Duration) -> Result<Proposal> {
    window_checked(window)?;
    let mut q = table::<ResourceRequest>().select();
    q.push(" AND archived_at IS NULL AND status = 'open' AND person_id IS NULL ORDER BY id");
    let requests: Vec<ResourceRequest> = db
        .pools
        .all(q)
        .await?
        .iter()
        .map(<ResourceRequest as crate::record::Stored>::read)
        .collect::<Result<_>>()?;
    let mut q = table::<Project>().select();
    q.push(" AND archived_at IS NULL");
    let projects: HashMap<i64, Project> = db
        .pools
        .all(q)
        .await?
        .iter()
        .map(|r| <Project as crate::record::Stored>::read(r).map(|p| (p.id.get(), p)))
        .collect::<Result<_>>()?;
    let first = monday(window.from);
    let mut open: Vec<Open> = Vec::new();
    let mut blocked: Vec<Unfilled> = Vec::new();
    for r in requests {
        let Some(project) = projects.get(&r.fields.project_id.get()) else {
            continue;
        };
        // Requests without dates, or starting outside the window, are not planned.
        let Ok(o) = super::suggest::open_of(r, project, first) else {
            continue;
        };
        if o.span.start < window.from || o.span.start > window.to || o.first_week + o.load.len() > MAX_WEEKS {
            continue;
        }
        // One that cannot be booked as it stands is listed as left open, with why.
        if let Some(psops_core::Error::Invalid(e)) = super::suggest::outside_project(o.span, project) {
            let f = &o.request.fields;
            blocked.push(Unfilled {
                request_id: o.request.id,
                project_name: o.project_name.clone(),
                role: f.role,
                booking: f.booking,
                priority: f.priority,
                start_date: o.span.start,
                reason: e.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "),
            });
            continue;
        }
        open.push(o);
    }
    let count = open.iter().map(|o| o.first_week + o.load.len()).max().unwrap_or(1);
    let weeks = weeks_of(first, count);
    let (mut staff, soft, history) = tokio::try_join!(
        super::suggest::staff(db, &weeks, None, today),
        super::weeks::soft(db, &weeks),
        super::facts::history(db, None),
    )?;
    super::suggest::settle(&mut staff, &soft, history);
    let n = weeks.len();
    let mut plan = tokio::task::spawn_blocking(move || propose(window, first, n, &staff, &open, today, time))
        .await
        .map_err(|e| Error::Internal(format!("the staffing plan stopped: {e}")))??;
    plan.figures.requests += blocked.len();
    plan.figures.hard_requests += blocked
        .iter()
        .filter(|u| u.booking == psops_core::plan::Booking::Hard)
        .count();
    plan.figures.hard_fill_bp = (plan.figures.hard_filled * 10_000)
        .checked_div(plan.figures.hard_requests)
        .map_or(10_000, |bp| bp as i64);
    plan.unfilled.extend(blocked);
    Ok(plan)
}

/// Names a pick's refusal after the pick, so the caller knows which line failed.
fn of_pick(i: usize, e: Error) -> Error {
    let rename = |f: FieldError| FieldError {
        field: format!("picks[{i}].{}", f.field),
        ..f
    };
    match e {
        Error::Invalid(fields) => Error::Invalid(fields.into_iter().map(rename).collect()),
        Error::Conflict(f) => Error::Conflict(rename(f)),
        Error::NotFound { .. } => Error::invalid(
            format!("picks[{i}].request_id"),
            Rule::Exists,
            "no such resource request or person",
        ),
        e => e,
    }
}

pub(crate) async fn accept(db: &Db, ctx: &WriteCtx, a: &Accept) -> Result<Vec<Booked>> {
    if a.picks.is_empty() || a.picks.len() > MAX_PICKS {
        return Err(Error::invalid(
            "picks",
            Rule::Range,
            "accept from 1 to 2000 picks at once",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, p) in a.picks.iter().enumerate() {
        if !seen.insert(p.request_id) {
            return Err(Error::invalid(
                format!("picks[{i}].request_id"),
                Rule::Duplicate,
                "a request is picked once",
            ));
        }
    }
    let mut tx = db.pools.begin().await?;
    let mut out = Vec::with_capacity(a.picks.len());
    for (i, p) in a.picks.iter().enumerate() {
        let lock = tx.for_update();
        let request: ResourceRequest = table::<ResourceRequest>()
            .get(&mut tx, p.request_id.get(), lock)
            .await
            .map_err(|e| of_pick(i, e))?;
        let b = BookRequest {
            person_id: p.person_id,
            booking: None,
        };
        out.push(
            super::book::book_in(&mut tx, ctx, &request, &b)
                .await
                .map_err(|e| of_pick(i, e))?,
        );
    }
    tx.commit().await?;
    Ok(out)
}
