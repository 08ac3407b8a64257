//! The ledger in SQL: a recognition run rewrites the unfrozen lines (those of open
//! months) from the raw rows in one transaction, lines first and then their sources in
//! bulk; reads page lines and list a line's sources; a project's revenue method.

use std::collections::HashMap;

use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::finance::Month;
use psops_core::finance::ledger::{
    LedgerLine, LedgerLineId, LedgerSource, LineFilter, LineKind, ProjectFinance, ProjectFinanceInput,
    RecognitionSummary, RevenueMethod,
};
use psops_core::finance::recognition::{self, Line};
use psops_core::page::{Page, PageRequest};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Money, Result};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Db;
use crate::bulk_copy::{copy_rows, insert_returning};
use crate::common::{check_version, eq};
use crate::db::{Backend, Row, Tx, Value, now, sql};

/// Serialises recognition runs on PostgreSQL (SQLite's one writer already does).
const RUN_GUARD: i64 = 727_700_018;

const LINE_COLUMNS: &str = "id, project_id, month, kind, basis, amount_minor, currency, reporting_minor, reporting_currency, minutes, frozen, computed_at";

const SOURCE_COLUMNS: [&str; 7] = [
    "line_id",
    "source",
    "source_id",
    "minutes",
    "rate_minor",
    "amount_minor",
    "reporting_minor",
];

/// What the audit log keeps of a run: its months, totals and problem count.
#[derive(Serialize)]
struct RunAudit<'a> {
    through: Date,
    months: &'a [Month],
    lines: u64,
    revenue: Money,
    cost: Money,
    problems: usize,
}

/// Recognises through `through` inside `tx`: deletes the unfrozen lines and their
/// sources, recomputes from the raw rows and writes the lines and sources again. Then
/// freezes the `closing` months' lines and keeps the closed months' unsettled entries for
/// the next runs (see `ledger_pending`).
pub(crate) async fn recognise_in(
    db: &Db,
    tx: &mut Tx,
    ctx: &WriteCtx,
    through: Date,
    closing: &[Month],
) -> Result<RecognitionSummary> {
    if tx.backend() == Backend::Postgres {
        tx.execute(sql("SELECT pg_advisory_xact_lock($1)").bind(RUN_GUARD))
            .await?;
    }
    let books = super::books::books(db).await?;
    let terms = super::books::terms(db, &[]).await?;
    let inputs = super::inputs::load(tx, terms, through).await?;
    let out = recognition::recognise(&books, &inputs);
    for table in ["ledger_sources", "partner_ledger"] {
        let q = format!("DELETE FROM {table} WHERE line_id IN (SELECT id FROM ledger_lines WHERE NOT frozen)");
        tx.execute(sql(q)).await?;
    }
    tx.execute(sql("DELETE FROM ledger_lines WHERE NOT frozen")).await?;
    let partners = crate::partnering::report::consultants(tx).await?;
    let of_partners: HashMap<i64, i64> = inputs
        .entries
        .iter()
        .filter(|e| partners.contains(&e.person.get()))
        .map(|e| (e.id.get(), e.person.get()))
        .collect();
    let (lines, sources) = write_lines(tx, &out.lines, &of_partners).await?;
    if !closing.is_empty() {
        for month in closing {
            tx.execute(sql("UPDATE ledger_lines SET frozen = TRUE WHERE month = $1").bind(month.first()))
                .await?;
        }
        let mut closed = inputs.closed.clone();
        closed.extend(closing.iter().copied());
        keep_pending(tx, &recognition::unsettled(&inputs, &out.lines, &closed)).await?;
    }
    crate::follow::ledger(tx).await?;
    let reporting = books.reporting();
    let sum = |k: LineKind| {
        Money::new(
            out.lines
                .iter()
                .filter(|l| l.kind == k)
                .map(|l| l.reporting.amount_minor)
                .sum(),
            reporting,
        )
    };
    let mut months: Vec<Month> = out.lines.iter().map(|l| l.month).collect();
    months.sort();
    months.dedup();
    let summary = RecognitionSummary {
        through,
        months,
        lines,
        sources,
        revenue: sum(LineKind::Revenue),
        cost: sum(LineKind::Cost),
        at_risk: out.at_risk,
        problems: out.problems,
    };
    let audit = RunAudit {
        through,
        months: &summary.months,
        lines,
        revenue: summary.revenue,
        cost: summary.cost,
        problems: summary.problems.len(),
    };
    crate::audit::record(tx, ctx, Entity::Recognition, 0, AuditAction::Create, None, Some(&audit)).await?;
    Ok(summary)
}

/// The closed months' unsettled entries become the pending list, which the next runs
/// read beside the open months' time: every other entry of a closed month is final.
async fn keep_pending(tx: &mut Tx, entries: &[psops_core::time_entries::TimeEntryId]) -> Result<()> {
    tx.execute(sql("DELETE FROM ledger_pending")).await?;
    let rows = entries.iter().map(|e| vec![Value::I64(Some(e.get()))]).collect();
    copy_rows(tx, "ledger_pending", &["entry_id"], rows).await?;
    Ok(())
}

/// Writes the lines (their ids come back), then every source in bulk, and each line's
/// sums per partner consultant for the partner report (`consultant`: the time entries of
/// partner consultants, with whose they are).
async fn write_lines(tx: &mut Tx, lines: &[Line], consultant: &HashMap<i64, i64>) -> Result<(u64, u64)> {
    let at = now();
    let columns = [
        "project_id",
        "month",
        "kind",
        "basis",
        "amount_minor",
        "currency",
        "reporting_minor",
        "reporting_currency",
        "minutes",
        "frozen",
        "computed_at",
    ];
    let rows: Vec<Vec<Value>> = lines
        .iter()
        .map(|l| {
            vec![
                l.project.into(),
                l.month.first().into(),
                l.kind.code().into(),
                l.basis.code().into(),
                l.amount.amount_minor.into(),
                l.amount.currency.to_string().into(),
                l.reporting.amount_minor.into(),
                l.reporting.currency.to_string().into(),
                l.minutes.into(),
                false.into(),
                at.into(),
            ]
        })
        .collect();
    let returned = insert_returning(
        tx,
        "ledger_lines",
        &columns,
        &["id", "project_id", "month", "kind", "basis"],
        rows,
    )
    .await?;
    // PostgreSQL does not promise RETURNING's order: match each id by the line's key.
    let mut ids: HashMap<(i64, Date, String, String), i64> = HashMap::with_capacity(returned.len());
    for r in &returned {
        ids.insert(
            (r.get("project_id")?, r.get("month")?, r.get("kind")?, r.get("basis")?),
            r.get("id")?,
        );
    }
    // Sources go in chunks: millions of rows of values at once would cost gigabytes.
    const CHUNK: usize = 100_000;
    let mut sources: Vec<Vec<Value>> = Vec::with_capacity(CHUNK);
    let mut n = 0;
    let mut partner = crate::partnering::report::LineSums::default();
    for l in lines {
        let key = (
            l.project.get(),
            l.month.first(),
            l.kind.code().to_string(),
            l.basis.code().to_string(),
        );
        let id = *ids
            .get(&key)
            .ok_or_else(|| Error::internal("a ledger line's id did not come back"))?;
        for s in &l.sources {
            if s.kind == psops_core::finance::ledger::SourceKind::TimeEntry
                && let Some(person) = consultant.get(&s.id)
            {
                partner.add((id, l.month, *person), s.reporting.amount_minor, s.minutes.unwrap_or(0));
            }
            sources.push(vec![
                id.into(),
                s.kind.code().into(),
                s.id.into(),
                s.minutes.into(),
                s.rate.map(|r| r.amount_minor).into(),
                s.amount.amount_minor.into(),
                s.reporting.amount_minor.into(),
            ]);
            if sources.len() == CHUNK {
                n += copy_rows(tx, "ledger_sources", &SOURCE_COLUMNS, std::mem::take(&mut sources)).await?;
            }
        }
    }
    n += copy_rows(tx, "ledger_sources", &SOURCE_COLUMNS, sources).await?;
    partner.write(tx).await?;
    Ok((lines.len() as u64, n))
}

fn read_line(r: &Row) -> Result<LedgerLine> {
    Ok(LedgerLine {
        id: r.id("id")?,
        project_id: r.id("project_id")?,
        month: Month::of(r.get("month")?),
        kind: r.code("kind")?,
        basis: r.code("basis")?,
        amount: r.money("amount_minor", "currency")?,
        reporting: r.money("reporting_minor", "reporting_currency")?,
        minutes: r.get("minutes")?,
        frozen: r.get("frozen")?,
        computed_at: r.get::<OffsetDateTime>("computed_at")?,
    })
}

pub(crate) async fn lines(db: &Db, f: &LineFilter, page: PageRequest) -> Result<Page<LedgerLine>> {
    let mut q = sql(format!("SELECT {LINE_COLUMNS} FROM ledger_lines WHERE 1 = 1"));
    eq(&mut q, "project_id", f.project_id);
    eq(&mut q, "month", f.month.map(Month::first));
    eq(&mut q, "kind", f.kind.map(|k| k.code()));
    if let Some(after) = page.after {
        q.push(" AND id > ").push_bind(after);
    }
    q.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
    let rows = db
        .pools
        .all(q)
        .await?
        .iter()
        .map(read_line)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, page.limit, |l| l.id.get()))
}

pub(crate) async fn line(db: &Db, id: LedgerLineId) -> Result<LedgerLine> {
    let q = sql(format!("SELECT {LINE_COLUMNS} FROM ledger_lines WHERE id = $1")).bind(id);
    match db.pools.optional(q).await? {
        Some(r) => read_line(&r),
        None => Err(Error::NotFound {
            entity: Thing::Finance,
            id: format!("ledger line {id}"),
        }),
    }
}

pub(crate) async fn sources(db: &Db, id: LedgerLineId) -> Result<Vec<LedgerSource>> {
    let l = line(db, id).await?;
    let q = sql(
        "SELECT source, source_id, minutes, rate_minor, amount_minor, reporting_minor FROM ledger_sources \
         WHERE line_id = $1 ORDER BY source, source_id",
    )
    .bind(id);
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(LedgerSource {
                source: r.code("source")?,
                source_id: r.get("source_id")?,
                minutes: r.get("minutes")?,
                rate: r
                    .get::<Option<i64>>("rate_minor")?
                    .map(|m| Money::new(m, l.amount.currency)),
                amount: Money::new(r.get("amount_minor")?, l.amount.currency),
                reporting: Money::new(r.get("reporting_minor")?, l.reporting.currency),
            })
        })
        .collect()
}

pub(crate) async fn project_finance(db: &Db, project: ProjectId) -> Result<ProjectFinance> {
    let mut tx = db.pools.begin().await?;
    let f = finance_of(&mut tx, project).await?;
    drop(tx);
    Ok(f)
}

async fn finance_of(tx: &mut Tx, project: ProjectId) -> Result<ProjectFinance> {
    if tx
        .optional(sql("SELECT id FROM projects WHERE id = $1").bind(project))
        .await?
        .is_none()
    {
        return Err(Error::NotFound {
            entity: Thing::Entity(Entity::Project),
            id: project.to_string(),
        });
    }
    let q = sql("SELECT revenue_method, version FROM project_finance WHERE project_id = $1").bind(project);
    Ok(match tx.optional(q).await? {
        Some(r) => ProjectFinance {
            project_id: project,
            revenue_method: r.code("revenue_method")?,
            version: r.get("version")?,
        },
        None => ProjectFinance {
            project_id: project,
            revenue_method: RevenueMethod::Milestones,
            version: 0,
        },
    })
}

pub(crate) async fn set_project_finance(
    db: &Db,
    ctx: &WriteCtx,
    project: ProjectId,
    v: IfVersion,
    input: ProjectFinanceInput,
) -> Result<ProjectFinance> {
    let mut tx = db.pools.begin().await?;
    let before = finance_of(&mut tx, project).await?;
    check_version(before.version, v)?;
    let q = if before.version == 0 {
        sql("INSERT INTO project_finance (project_id, revenue_method, version, updated_at) VALUES ($1, $2, 1, $3)")
    } else {
        sql("UPDATE project_finance SET revenue_method = $2, version = version + 1, updated_at = $3 WHERE project_id = $1")
    }
    .bind(project)
    .bind(input.revenue_method.code())
    .bind(now());
    tx.execute(q).await?;
    let after = finance_of(&mut tx, project).await?;
    let action = if before.version == 0 {
        AuditAction::Create
    } else {
        AuditAction::Update
    };
    let prior = (before.version > 0).then_some(&before);
    crate::audit::record(
        &mut tx,
        ctx,
        Entity::ProjectFinance,
        project.get(),
        action,
        prior,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Recognises in a transaction of its own.
pub(crate) async fn recognise(db: &Db, ctx: &WriteCtx, through: Date) -> Result<RecognitionSummary> {
    let mut tx = db.pools.begin().await?;
    let summary = recognise_in(db, &mut tx, ctx, through, &[]).await?;
    tx.commit().await?;
    Ok(summary)
}
