//! What a recognition run reads, inside its transaction: projects with their terms,
//! revenue method, fee and SOW signature; approved time; accepted milestones; delivered
//! trainings; assignments' plans; closed months and what their frozen lines hold.
//!
//! A closed month's time is locked and its lines frozen, so a run reads only the open
//! months' entries, the closed months' unsettled ones (listed in `ledger_pending` when a
//! month closes) and the closed months' minutes of percent-complete projects as totals:
//! its cost follows the open work, not the organisation's whole history.

use std::collections::{BTreeSet, HashMap};

use psops_core::Result;
use psops_core::code::Code;
use psops_core::dates::from_day_number;
use psops_core::finance::Month;
use psops_core::finance::ledger::{Basis, LineKind, RevenueMethod, SourceKind};
use psops_core::finance::pricing::Terms;
use psops_core::finance::recognition::{EntryIn, FeeIn, Inputs, PlanIn, ProjectIn, Signature};
use psops_core::people::Function;
use psops_core::projects::{BillingType, ProjectId, ProjectType};
use psops_core::{Id, Minutes, Money};
use time::{Date, OffsetDateTime};

use crate::common::day_number;
use crate::db::{Tx, sql};

/// Entry ids per look-up of their frozen sources (ids are integers written into the
/// statement: a list this long stays far below both databases' statement limits).
const ENTRY_CHUNK: usize = 5_000;

/// Every input of a run through `through`, given the projects' pricing terms.
pub(crate) async fn load(tx: &mut Tx, terms: HashMap<ProjectId, Terms>, through: Date) -> Result<Inputs> {
    let mut inputs = Inputs {
        through: Some(through),
        ..Inputs::default()
    };
    inputs.closed = closed_months(tx).await?;
    projects(tx, terms, &mut inputs).await?;
    entries(tx, through, &mut inputs).await?;
    closed_minutes(tx, &mut inputs).await?;
    fees(tx, &mut inputs).await?;
    plans(tx, &mut inputs).await?;
    frozen(tx, &mut inputs).await?;
    Ok(inputs)
}

/// The days outside every closed month through `through`, as `[from, to)` spans (`None`:
/// unbounded) — where a run reads all approved time.
fn open_spans(closed: &BTreeSet<Month>, through: Date) -> Vec<(Option<Date>, Option<Date>)> {
    let mut spans = Vec::new();
    let mut from: Option<Date> = None;
    for m in closed {
        let starts_run = !closed.contains(&m.previous());
        if starts_run && from.is_none_or(|f| f < m.first()) {
            spans.push((from, Some(m.first())));
        }
        if !closed.contains(&m.next()) {
            from = Some(m.next().first());
        }
    }
    if from.is_none_or(|f| f <= through) {
        spans.push((from, None));
    }
    spans
}

/// SQL matching `column` inside one of the open spans, with its binds from `$first`.
fn in_spans(column: &str, spans: &[(Option<Date>, Option<Date>)], first: usize) -> (String, Vec<Date>) {
    let mut binds = Vec::new();
    let mut arms = Vec::new();
    for (from, to) in spans {
        let mut conds = Vec::new();
        for (bound, op) in [(from, ">="), (to, "<")] {
            if let Some(d) = bound {
                binds.push(*d);
                conds.push(format!("{column} {op} ${}", first + binds.len() - 1));
            }
        }
        arms.push(if conds.is_empty() {
            "TRUE".to_string()
        } else {
            conds.join(" AND ")
        });
    }
    if arms.is_empty() {
        return ("FALSE".into(), binds);
    }
    (format!("(({}))", arms.join(") OR (")), binds)
}

/// The months closed now: those whose latest close has not been reopened.
pub(crate) async fn closed_months(tx: &mut Tx) -> Result<BTreeSet<Month>> {
    let q = sql("SELECT month FROM period_closes WHERE reopened_at IS NULL");
    tx.all(q)
        .await?
        .iter()
        .map(|r| Ok(Month::of(r.get::<Date>("month")?)))
        .collect()
}

async fn projects(tx: &mut Tx, terms: HashMap<ProjectId, Terms>, inputs: &mut Inputs) -> Result<()> {
    let q = sql(
        "SELECT p.id, p.project_type, p.budget_minutes, p.budget_amount_minor, p.budget_currency, \
         f.revenue_method FROM projects p LEFT JOIN project_finance f ON f.project_id = p.id",
    );
    let mut signatures: HashMap<ProjectId, Signature> = HashMap::new();
    for r in tx
        .all(sql(
            "SELECT project_id, signed_at FROM sows WHERE project_id IS NOT NULL",
        ))
        .await?
    {
        let id: ProjectId = r.id("project_id")?;
        let signed: Option<OffsetDateTime> = r.get("signed_at")?;
        let now = match signed {
            Some(t) => Signature::Signed(t.date()),
            None => Signature::Unsigned,
        };
        let s = signatures.entry(id).or_insert(now);
        *s = match (*s, now) {
            (Signature::Signed(a), Signature::Signed(b)) => Signature::Signed(a.min(b)),
            (Signature::Signed(a), _) | (_, Signature::Signed(a)) => Signature::Signed(a),
            _ => Signature::Unsigned,
        };
    }
    for r in tx.all(q).await? {
        let id: ProjectId = r.id("id")?;
        let Some(t) = terms.get(&id) else { continue };
        let kind: ProjectType = r.code("project_type")?;
        let fee = match (
            r.get::<Option<i64>>("budget_amount_minor")?,
            r.get::<Option<String>>("budget_currency")?,
        ) {
            (Some(m), Some(c)) => Some(Money::new(m, c.parse()?)),
            _ => None,
        };
        inputs.projects.insert(
            id,
            ProjectIn {
                terms: t.clone(),
                customer: kind != ProjectType::Internal && t.billing_type != BillingType::NonBillable,
                method: r
                    .opt_code::<RevenueMethod>("revenue_method")?
                    .unwrap_or(RevenueMethod::Milestones),
                fee,
                budget_minutes: r.get::<Option<i64>>("budget_minutes")?.map(Minutes),
                signature: signatures.get(&id).copied().unwrap_or(Signature::NoSow),
            },
        );
    }
    Ok(())
}

/// Approved project time through the day, with each person's function: the big read
/// (a year of a 5,000-person organisation is millions of rows), so dates come back as
/// day numbers and the function as its place in the list.
async fn entries(tx: &mut Tx, through: Date, inputs: &mut Inputs) -> Result<()> {
    let functions: HashMap<i64, Function> = tx
        .all(sql("SELECT id, function FROM people"))
        .await?
        .iter()
        .map(|r| Ok((r.get::<i64>("id")?, r.code("function")?)))
        .collect::<Result<_>>()?;
    let columns = format!(
        "e.id, e.project_id, e.person_id, {} AS day, e.minutes, e.billable",
        day_number(tx.backend(), "e.entry_date")
    );
    let approved = "e.status = 'approved' AND e.project_id IS NOT NULL AND e.entry_date <= $1";
    let (open, binds) = in_spans("e.entry_date", &open_spans(&inputs.closed, through), 2);
    let mut q = sql(format!(
        "SELECT {columns} FROM time_entries e WHERE {approved} AND {open}"
    ))
    .bind(through);
    for d in binds {
        q = q.bind(d);
    }
    let mut rows = tx.all(q).await?;
    let pending = sql(format!(
        "SELECT {columns} FROM ledger_pending p JOIN time_entries e ON e.id = p.entry_id WHERE {approved}"
    ))
    .bind(through);
    for r in tx.all(pending).await? {
        // Only those still in a closed month: the open months' rows are read above.
        if inputs.closed.contains(&Month::of(from_day_number(r.get("day")?))) {
            rows.push(r);
        }
    }
    inputs.entries.reserve(rows.len());
    for r in rows {
        let person: i64 = r.get("person_id")?;
        inputs.entries.push(EntryIn {
            id: Id::new(r.get("id")?),
            project: Id::new(r.get("project_id")?),
            person: Id::new(person),
            function: functions.get(&person).copied().unwrap_or(Function::Engineer),
            date: from_day_number(r.get("day")?),
            minutes: Minutes(r.get("minutes")?),
            billable: r.get("billable")?,
        });
    }
    Ok(())
}

/// The closed months' approved minutes of each percent-complete project.
async fn closed_minutes(tx: &mut Tx, inputs: &mut Inputs) -> Result<()> {
    if inputs.closed.is_empty() {
        return Ok(());
    }
    let q = sql(format!(
        "SELECT project_id, {} AS day, CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_entries \
         WHERE status = 'approved' AND project_id IN (SELECT project_id FROM project_finance WHERE revenue_method = $1) \
         GROUP BY project_id, entry_date",
        day_number(tx.backend(), "entry_date")
    ))
    .bind(RevenueMethod::PercentComplete.code());
    for r in tx.all(q).await? {
        let month = Month::of(from_day_number(r.get("day")?));
        if inputs.closed.contains(&month) {
            *inputs.closed_minutes.entry((r.id("project_id")?, month)).or_insert(0) += r.get::<i64>("minutes")?;
        }
    }
    Ok(())
}

async fn fees(tx: &mut Tx, inputs: &mut Inputs) -> Result<()> {
    let q = sql(
        "SELECT m.id, m.project_id, m.amount_minor, m.currency, a.accepted_on FROM milestones m \
         JOIN milestone_acceptances a ON a.milestone_id = m.id \
         WHERE a.state = 'accepted' AND a.accepted_on IS NOT NULL AND m.amount_minor IS NOT NULL \
         AND m.archived_at IS NULL",
    );
    for r in tx.all(q).await? {
        inputs.milestones.push(FeeIn {
            id: r.get("id")?,
            project: r.id("project_id")?,
            amount: r.money("amount_minor", "currency")?,
            earned_on: r.get("accepted_on")?,
        });
    }
    let q = sql(
        "SELECT id, project_id, amount_minor, currency, completed_on, roster_received_on FROM trainings \
         WHERE archived_at IS NULL AND completed_on IS NOT NULL AND roster_received_on IS NOT NULL",
    );
    for r in tx.all(q).await? {
        let (done, roster): (Date, Date) = (r.get("completed_on")?, r.get("roster_received_on")?);
        inputs.trainings.push(FeeIn {
            id: r.get("id")?,
            project: r.id("project_id")?,
            amount: r.money("amount_minor", "currency")?,
            earned_on: done.max(roster),
        });
    }
    Ok(())
}

async fn plans(tx: &mut Tx, inputs: &mut Inputs) -> Result<()> {
    let q = sql("SELECT project_id, minutes_per_week, start_date, end_date FROM assignments WHERE archived_at IS NULL");
    for r in tx.all(q).await? {
        inputs.plans.push(PlanIn {
            project: r.id("project_id")?,
            minutes_per_week: r.get("minutes_per_week")?,
            start: r.get("start_date")?,
            end: r.get("end_date")?,
        });
    }
    Ok(())
}

/// What frozen lines already hold: their sources (never recognised again) and their
/// percent-complete revenue (what earlier months recognised).
async fn frozen(tx: &mut Tx, inputs: &mut Inputs) -> Result<()> {
    // Milestones and trainings are few: all their frozen sources. Of time, only the
    // entries this run read: looked up entry by entry, not the history's millions.
    let fees = sql(format!(
        "SELECT l.kind, s.source, s.source_id FROM ledger_sources s JOIN ledger_lines l ON l.id = s.line_id \
         WHERE l.frozen AND s.source IN ('{}', '{}')",
        SourceKind::Milestone.code(),
        SourceKind::Training.code()
    ));
    for r in tx.all(fees).await? {
        let kind: LineKind = r.code("kind")?;
        let source: SourceKind = r.code("source")?;
        inputs.frozen.insert((kind, source, r.get("source_id")?));
    }
    let read: Vec<i64> = inputs.entries.iter().map(|e| e.id.get()).collect();
    for ids in read.chunks(ENTRY_CHUNK) {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let q = sql(format!(
            "SELECT l.kind, s.source_id FROM ledger_sources s JOIN ledger_lines l ON l.id = s.line_id \
             WHERE l.frozen AND s.source = '{}' AND s.source_id IN ({list})",
            SourceKind::TimeEntry.code()
        ));
        for r in tx.all(q).await? {
            let kind: LineKind = r.code("kind")?;
            inputs.frozen.insert((kind, SourceKind::TimeEntry, r.get("source_id")?));
        }
    }
    let q = sql(format!(
        "SELECT project_id, month, amount_minor FROM ledger_lines WHERE frozen AND basis = '{}'",
        Basis::PercentComplete.code()
    ));
    for r in tx.all(q).await? {
        let key = (r.id("project_id")?, Month::of(r.get::<Date>("month")?));
        *inputs.frozen_percent.entry(key).or_insert(0) += r.get::<i64>("amount_minor")?;
    }
    Ok(())
}
