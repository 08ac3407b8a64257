//! What a recognition run reads, inside its transaction: projects with their terms,
//! revenue method, fee and SOW signature; approved time; accepted milestones; delivered
//! trainings; assignments' plans; closed months and what their frozen lines hold.

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

/// Every input of a run through `through`, given the projects' pricing terms.
pub(crate) async fn load(tx: &mut Tx, terms: HashMap<ProjectId, Terms>, through: Date) -> Result<Inputs> {
    let mut inputs = Inputs {
        through: Some(through),
        ..Inputs::default()
    };
    inputs.closed = closed_months(tx).await?;
    projects(tx, terms, &mut inputs).await?;
    entries(tx, through, &mut inputs).await?;
    fees(tx, &mut inputs).await?;
    plans(tx, &mut inputs).await?;
    frozen(tx, &mut inputs).await?;
    Ok(inputs)
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
    let q = sql(format!(
        "SELECT id, project_id, person_id, {} AS day, minutes, billable \
         FROM time_entries WHERE status = 'approved' AND project_id IS NOT NULL AND entry_date <= $1",
        day_number(tx.backend(), "entry_date")
    ))
    .bind(through);
    let rows = tx.all(q).await?;
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
    let q = sql(
        "SELECT l.kind, s.source, s.source_id FROM ledger_sources s JOIN ledger_lines l ON l.id = s.line_id \
         WHERE l.frozen",
    );
    for r in tx.all(q).await? {
        let kind: LineKind = r.code("kind")?;
        let source: SourceKind = r.code("source")?;
        inputs.frozen.insert((kind, source, r.get("source_id")?));
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
