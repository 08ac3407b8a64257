//! The forecast's inputs in SQL: live projects still to deliver with their pricing terms,
//! assignments and open resource requests reaching into the forecast's months, fixed-fee
//! milestones due and not yet accepted, the fee left on percent-complete projects, and
//! each project's offerings and class (the money reports' project tags). Seven reads, run
//! together; the rest is `psops_core::finance::forecast`.

use std::collections::HashMap;

use psops_core::finance::Month;
use psops_core::finance::forecast::{self as f, Booked, Class, Due, Forecast, Plan, PlanProject, Spread};
use psops_core::finance::pricing::Books;
use psops_core::plan::Booking;
use psops_core::projects::{BillingType, ProjectId};
use psops_core::rates::{FxRate, ProjectRate, RoleRate};
use psops_core::store::OrgStore;
use psops_core::{Money, Result};
use time::Date;

use super::books::live;
use crate::Db;
use crate::db::{Pools, Row, sql};

/// The forecast of `months` months from `from`.
pub(crate) async fn compute(db: &Db, from: Month, months: u32, with_lines: bool) -> Result<Forecast> {
    f::check_months(months)?;
    let settings = db.settings().await?;
    let (start, end) = (from.first(), f::last_month(from, months).last());
    let pools = &db.pools;
    let (books, terms, projects, bookings, due, tags, recognised) = tokio::try_join!(
        rate_books(db),
        super::books::terms(db, &[]),
        rows(pools, projects_sql()),
        bookings(pools, start, end),
        milestones(pools, start, end),
        db.project_tags(),
        rows(
            pools,
            sql(
                "SELECT project_id, CAST(SUM(amount_minor) AS BIGINT) AS amount FROM ledger_lines \
                 WHERE kind = 'revenue' GROUP BY project_id"
            )
        ),
    )?;
    let own: std::collections::HashSet<ProjectId> = books.1.iter().map(|r| r.fields.project_id).collect();
    let books = books.0;
    let recognised: HashMap<ProjectId, i64> = recognised
        .iter()
        .map(|r| Ok((r.id("project_id")?, r.get::<Option<i64>>("amount")?.unwrap_or(0))))
        .collect::<Result<_>>()?;
    let mut plan = HashMap::new();
    for r in &projects {
        let id: ProjectId = r.id("id")?;
        let Some(t) = terms.get(&id) else { continue };
        let by_percent = r.get::<Option<String>>("revenue_method")?.as_deref() == Some("percent_complete");
        let remaining_fee = match (t.billing_type, by_percent, r.get::<Option<i64>>("budget_amount_minor")?) {
            (BillingType::FixedFee, true, Some(fee)) => Some(Money::new(
                (fee - recognised.get(&id).copied().unwrap_or(0)).max(0),
                t.currency,
            )),
            (BillingType::FixedFee, true, None) => Some(Money::new(0, t.currency)),
            _ => None,
        };
        let (offering, class) = tags
            .get(&id)
            .map_or((None, Class::Standard), |t| (t.offerings.clone(), t.class));
        plan.insert(
            id,
            PlanProject {
                terms: t.clone(),
                name: r.get("name")?,
                status: r.code("status")?,
                end_date: r.get("end_date")?,
                remaining_fee,
                offering,
                class,
                own_rates: own.contains(&id),
            },
        );
    }
    let bookings: Vec<Booked> = bookings
        .into_iter()
        .filter_map(|mut b| {
            let p = plan.get(&b.0.project)?;
            if b.spread_is_assignment() {
                b.0.booking = p.booking();
            }
            Some(b.0)
        })
        .collect();
    let due: Vec<Due> = due
        .into_iter()
        .filter_map(|(project, due, amount)| {
            let p = plan.get(&project)?;
            // A milestone priced in another currency is counted in the project's at the
            // day it falls due.
            let amount = books.in_currency(amount, p.terms.currency, due).ok()?;
            Some(Due { project, due, amount })
        })
        .collect();
    let plan = Plan {
        projects: plan,
        bookings,
        due,
    };
    f::forecast(&books, &settings.finance, from, months, &plan, with_lines)
}

/// The books as bill rates need them — the assignment roles left out: a booking's role is
/// its own — and the projects' own rates (to know which have any).
async fn rate_books(db: &Db) -> Result<(Books, Vec<ProjectRate>)> {
    let reporting = db.settings().await?.default_currency;
    let pools = &db.pools;
    let (card, overrides, fx) = tokio::try_join!(
        live::<RoleRate>(pools),
        live::<ProjectRate>(pools),
        live::<FxRate>(pools)
    )?;
    Ok((Books::new(reporting, &card, &overrides, &[], &fx, &[]), overrides))
}

pub(crate) async fn rows(pools: &Pools, q: crate::db::Sql) -> Result<Vec<Row>> {
    Ok(pools.all(q).await?)
}

/// Projects still to deliver: not closed, completed or cancelled.
fn projects_sql() -> crate::db::Sql {
    sql(
        "SELECT p.id, p.name, p.status, p.end_date, p.budget_amount_minor, pf.revenue_method \
         FROM projects p LEFT JOIN project_finance pf ON pf.project_id = p.id \
         WHERE p.archived_at IS NULL AND p.status NOT IN ('closed', 'completed', 'cancelled')",
    )
}

/// A booking read, marked when it is an assignment (whose firmness is its project's).
struct Read(Booked, bool);

impl Read {
    fn spread_is_assignment(&self) -> bool {
        self.1
    }
}

async fn bookings(pools: &Pools, start: Date, end: Date) -> Result<Vec<Read>> {
    let assignments = sql(
        "SELECT project_id, role, start_date, end_date, minutes_per_week FROM assignments \
         WHERE archived_at IS NULL AND minutes_per_week > 0 AND start_date <= $1 AND (end_date IS NULL OR end_date >= $2)",
    )
    .bind(end)
    .bind(start);
    let requests = sql(
        "SELECT project_id, role, start_date, end_date, minutes, booking FROM resource_requests \
         WHERE archived_at IS NULL AND status = 'open' AND minutes > 0 AND start_date IS NOT NULL \
         AND end_date IS NOT NULL AND start_date <= $1 AND end_date >= $2",
    )
    .bind(end)
    .bind(start);
    let (a, r) = tokio::try_join!(pools.all(assignments), pools.all(requests))?;
    let mut out = Vec::with_capacity(a.len() + r.len());
    for row in &a {
        out.push(Read(
            Booked {
                project: row.id("project_id")?,
                booking: Booking::Hard,
                role: row.code("role")?,
                start: row.get("start_date")?,
                end: row.get("end_date")?,
                spread: Spread::PerWeek(row.get("minutes_per_week")?),
            },
            true,
        ));
    }
    for row in &r {
        out.push(Read(
            Booked {
                project: row.id("project_id")?,
                booking: row.code("booking")?,
                role: row.code("role")?,
                start: row.get("start_date")?,
                end: row.get("end_date")?,
                spread: Spread::Total(row.get("minutes")?),
            },
            false,
        ));
    }
    Ok(out)
}

/// Open milestones with an amount, due inside the forecast and not accepted.
async fn milestones(pools: &Pools, start: Date, end: Date) -> Result<Vec<(ProjectId, Date, Money)>> {
    let q = sql(
        "SELECT m.project_id, m.due_date, m.amount_minor, m.currency FROM milestones m \
         LEFT JOIN milestone_acceptances a ON a.milestone_id = m.id \
         WHERE m.archived_at IS NULL AND m.status = 'open' AND m.amount_minor IS NOT NULL \
         AND m.currency IS NOT NULL AND m.due_date >= $1 AND m.due_date <= $2 \
         AND (a.state IS NULL OR a.state <> 'accepted')",
    )
    .bind(start)
    .bind(end);
    pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.id("project_id")?,
                r.get("due_date")?,
                r.money("amount_minor", "currency")?,
            ))
        })
        .collect()
}
