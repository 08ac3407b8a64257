//! Invoices in SQL: drafting from what a project has earned and not yet billed, editing
//! and discarding drafts, issuing (the next number of the kind's counter and a lock per
//! billed entry, milestone or fee part, in one transaction) and crediting (a numbered
//! credit note that reverses every line and releases the locks).

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::finance::invoices::{
    self as inv, AcceptedMilestone, BillableEntry, Billed, FeeFacts, Invoice, InvoiceFilter, InvoiceId, InvoiceKind,
    InvoiceLine, InvoicePatch, InvoiceScope, InvoiceSort, InvoiceStatus, InvoiceStore, NewInvoice,
};
use psops_core::page::{Page, PageRequest, encode_cursor};
use psops_core::projects::{BillingType, ProjectStatus};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scoping::sows::BillingTerms;
use psops_core::sort::{Direction, Numbered, Sorted};
use psops_core::store::{IfVersion, OrgStore, WriteCtx};
use psops_core::webhooks::EventKind;
use psops_core::{Error, Minutes, Money, Result};
use time::{Date, Duration, OffsetDateTime};

use super::invoice_locks;
use crate::Db;
use crate::common::{Exec, check_version, eq};
use crate::db::{Row, Sql, Tx, now, sql};

const HEAD: &str = "SELECT i.id, i.number, i.kind, i.status, i.project_id, p.name AS project_name, i.account_id, \
     a.name AS account_name, i.currency, i.invoice_date, i.due_date, i.period_from, i.period_to, i.billing_terms, \
     i.credits_invoice_id, (SELECT c.id FROM invoices c WHERE c.credits_invoice_id = i.id) AS credited_by_id, \
     i.total_minor, i.note, i.reason, i.issued_by, i.issued_at, i.version, i.created_at, i.updated_at \
     FROM invoices i JOIN projects p ON p.id = i.project_id LEFT JOIN accounts a ON a.id = i.account_id";

const LINE_COLUMNS: &str = "invoice_id, position, kind, description, time_entry_id, milestone_id, fee_part, minutes, \
     rate_minor, quantity_hundredths, amount_minor";

fn read_head(r: &Row) -> Result<Invoice> {
    let currency = r.currency("currency")?;
    Ok(Invoice {
        id: r.id("id")?,
        number: r.get("number")?,
        kind: r.code("kind")?,
        status: r.code("status")?,
        project_id: r.id("project_id")?,
        project_name: r.get("project_name")?,
        account_id: r.opt_id("account_id")?,
        account_name: r.get("account_name")?,
        currency,
        invoice_date: r.get("invoice_date")?,
        due_date: r.get("due_date")?,
        period_from: r.get("period_from")?,
        period_to: r.get("period_to")?,
        billing_terms: r.opt_code("billing_terms")?,
        credits_invoice_id: r.opt_id("credits_invoice_id")?,
        credited_by_id: r.opt_id("credited_by_id")?,
        total: Money::new(r.get("total_minor")?, currency),
        note: r.get("note")?,
        reason: r.get("reason")?,
        issued_by: r.opt_id("issued_by")?,
        issued_at: r.get("issued_at")?,
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        lines: Vec::new(),
    })
}

fn read_line(r: &Row, currency: psops_core::Currency) -> Result<InvoiceLine> {
    Ok(InvoiceLine {
        position: r.get("position")?,
        kind: r.code("kind")?,
        description: r.get("description")?,
        time_entry_id: r.opt_id("time_entry_id")?,
        milestone_id: r.opt_id("milestone_id")?,
        fee_part: r.opt_code("fee_part")?,
        minutes: r.get("minutes")?,
        rate_minor: r.get("rate_minor")?,
        quantity_hundredths: r.get("quantity_hundredths")?,
        amount: Money::new(r.get("amount_minor")?, currency),
    })
}

fn in_list(q: &mut Sql, ids: &[i64]) {
    q.push("(");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(")");
}

/// These invoices with their lines.
async fn with_lines<E: Exec>(e: &mut E, mut heads: Vec<Invoice>) -> Result<Vec<Invoice>> {
    let ids: Vec<i64> = heads.iter().map(|i| i.id.get()).collect();
    let currency: HashMap<i64, psops_core::Currency> = heads.iter().map(|i| (i.id.get(), i.currency)).collect();
    let mut by: HashMap<i64, Vec<InvoiceLine>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut q = sql(format!("SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_id IN "));
        in_list(&mut q, chunk);
        q.push(" ORDER BY invoice_id, position");
        for r in e.all(q).await? {
            let id: i64 = r.get("invoice_id")?;
            by.entry(id).or_default().push(read_line(&r, currency[&id])?);
        }
    }
    for h in &mut heads {
        h.lines = by.remove(&h.id.get()).unwrap_or_default();
    }
    Ok(heads)
}

async fn load<E: Exec>(e: &mut E, id: InvoiceId) -> Result<Invoice> {
    let q = sql(format!("{HEAD} WHERE i.id = $1")).bind(id);
    let Some(r) = e.all(q).await?.into_iter().next() else {
        return Err(Error::not_found(Entity::Invoice, id));
    };
    let head = read_head(&r)?;
    Ok(with_lines(e, vec![head]).await?.remove(0))
}

/// The invoice, its row locked for the rest of the transaction, at the version the
/// caller saw.
async fn locked(tx: &mut Tx, id: InvoiceId, v: IfVersion) -> Result<Invoice> {
    let q = sql(format!("SELECT id FROM invoices WHERE id = $1{}", tx.for_update())).bind(id);
    if tx.optional(q).await?.is_none() {
        return Err(Error::not_found(Entity::Invoice, id));
    }
    let found = load(tx, id).await?;
    check_version(found.version, v)?;
    Ok(found)
}

/// The invoice as the write left it, audited, and the write committed.
async fn saved(
    mut tx: Tx,
    ctx: &WriteCtx,
    id: InvoiceId,
    action: AuditAction,
    before: Option<&Invoice>,
) -> Result<Invoice> {
    let after = load(&mut tx, id).await?;
    crate::audit::record(&mut tx, ctx, Entity::Invoice, id.get(), action, before, Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// [`saved`] for a write that issues the invoice or credit note: `invoice_issued` is
/// queued for webhooks in the same transaction.
async fn issued(
    tx: Tx,
    ctx: &WriteCtx,
    id: InvoiceId,
    action: AuditAction,
    before: Option<&Invoice>,
) -> Result<Invoice> {
    let mut tx = tx;
    let after = load(&mut tx, id).await?;
    crate::webhooks::emit(&mut tx, EventKind::InvoiceIssued, &after).await?;
    crate::audit::record(&mut tx, ctx, Entity::Invoice, id.get(), action, before, Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

async fn insert_lines(tx: &mut Tx, id: InvoiceId, lines: &[InvoiceLine]) -> Result<()> {
    for chunk in lines.chunks(50) {
        let mut q = sql(format!("INSERT INTO invoice_lines ({LINE_COLUMNS}) VALUES "));
        for (i, l) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push("(")
                .push_bind(id)
                .push(", ")
                .push_bind(l.position)
                .push(", ")
                .push_bind(l.kind.code())
                .push(", ")
                .push_bind(l.description.as_str())
                .push(", ")
                .push_bind(l.time_entry_id)
                .push(", ")
                .push_bind(l.milestone_id)
                .push(", ")
                .push_bind(l.fee_part.map(|p| p.code()))
                .push(", ")
                .push_bind(l.minutes)
                .push(", ")
                .push_bind(l.rate_minor)
                .push(", ")
                .push_bind(l.quantity_hundredths)
                .push(", ")
                .push_bind(l.amount.amount_minor)
                .push(")");
        }
        tx.execute(q).await?;
    }
    Ok(())
}

/// A new invoice row (draft or, for a credit note, issued) with its lines.
async fn insert(tx: &mut Tx, i: &Invoice) -> Result<InvoiceId> {
    let q = sql(
        "INSERT INTO invoices (number, kind, status, project_id, account_id, currency, invoice_date, due_date, \
         period_from, period_to, billing_terms, credits_invoice_id, total_minor, note, reason, issued_by, issued_at, \
         version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $18) RETURNING id",
    )
    .bind(i.number.clone())
    .bind(i.kind.code())
    .bind(i.status.code())
    .bind(i.project_id)
    .bind(i.account_id)
    .bind(i.currency.as_str())
    .bind(i.invoice_date)
    .bind(i.due_date)
    .bind(i.period_from)
    .bind(i.period_to)
    .bind(i.billing_terms.map(|t| t.code()))
    .bind(i.credits_invoice_id)
    .bind(i.total.amount_minor)
    .bind(i.note.clone())
    .bind(i.reason.clone())
    .bind(i.issued_by)
    .bind(i.issued_at)
    .bind(now());
    let id: InvoiceId = tx.one(q).await?.id("id")?;
    insert_lines(tx, id, &i.lines).await?;
    Ok(id)
}

/// The next number of a kind: the counter's row stays locked until the transaction ends,
/// so concurrent issues queue behind it and a rolled-back issue leaves no gap.
async fn next_number(tx: &mut Tx, kind: InvoiceKind) -> Result<String> {
    let settings = crate::org::load(tx).await?.finance;
    let prefix = match kind {
        InvoiceKind::Invoice => settings.invoice_prefix,
        InvoiceKind::CreditNote => settings.credit_note_prefix,
    };
    let n: i64 = tx
        .one(sql("UPDATE invoice_counters SET last = last + 1 WHERE kind = $1 RETURNING last").bind(kind.code()))
        .await?
        .get("last")?;
    Ok(inv::number(&prefix, n))
}

struct ProjectFacts {
    name: String,
    account_id: Option<psops_core::accounts::AccountId>,
    account_name: Option<String>,
    billing_type: BillingType,
    status: ProjectStatus,
    end_date: Option<Date>,
    budget: Option<Money>,
}

async fn project_facts(db: &Db, id: psops_core::projects::ProjectId) -> Result<ProjectFacts> {
    let q = sql(
        "SELECT p.name, p.account_id, a.name AS account_name, p.billing_type, p.status, p.end_date, \
         p.budget_amount_minor, p.budget_currency FROM projects p LEFT JOIN accounts a ON a.id = p.account_id \
         WHERE p.id = $1",
    )
    .bind(id);
    let Some(r) = db.pools.optional(q).await? else {
        return Err(Error::invalid(
            "project_id",
            Rule::Exists,
            format!("project_id: project {id} does not exist"),
        ));
    };
    let budget = match r.get::<Option<i64>>("budget_amount_minor")? {
        Some(_) => Some(r.money("budget_amount_minor", "budget_currency")?),
        None => None,
    };
    Ok(ProjectFacts {
        name: r.get("name")?,
        account_id: r.opt_id("account_id")?,
        account_name: r.get("account_name")?,
        billing_type: r.code("billing_type")?,
        status: r.code("status")?,
        end_date: r.get("end_date")?,
        budget,
    })
}

async fn billable_entries(
    db: &Db,
    project: psops_core::projects::ProjectId,
    through: Date,
) -> Result<Vec<BillableEntry>> {
    let q = sql(
        "SELECT e.id, e.person_id, pe.name, pe.function, e.entry_date, e.minutes FROM time_entries e \
         JOIN people pe ON pe.id = e.person_id \
         WHERE e.project_id = $1 AND e.status = $2 AND e.billable = $3 AND e.entry_date <= $4 \
         AND NOT EXISTS (SELECT 1 FROM invoice_locks l WHERE l.source = $5 AND l.source_id = e.id) \
         ORDER BY e.entry_date, e.id",
    )
    .bind(project)
    .bind("approved")
    .bind(true)
    .bind(through)
    .bind("time_entry");
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(BillableEntry {
                id: r.id("id")?,
                person_id: r.id("person_id")?,
                person_name: r.get("name")?,
                function: r.code("function")?,
                date: r.get("entry_date")?,
                minutes: Minutes(r.get("minutes")?),
            })
        })
        .collect()
}

async fn fee_facts(
    db: &Db,
    project: psops_core::projects::ProjectId,
    p: &ProjectFacts,
    currency: psops_core::Currency,
    through: Date,
) -> Result<FeeFacts> {
    let sow = db
        .pools
        .optional(
            sql("SELECT billing_terms, signed_at FROM sows WHERE project_id = $1 AND status = $2 ORDER BY id DESC LIMIT 1")
                .bind(project)
                .bind("signed"),
        )
        .await?;
    let (terms, signed_on) = match sow {
        Some(r) => (
            Some(r.code::<BillingTerms>("billing_terms")?),
            r.get::<Option<OffsetDateTime>>("signed_at")?.map(|t| t.date()),
        ),
        None => (None, None),
    };
    let rows = db
        .pools
        .all(
            sql(
                "SELECT m.id, m.name, m.amount_minor, m.currency, a.state, a.accepted_on FROM milestones m \
                 LEFT JOIN milestone_acceptances a ON a.milestone_id = m.id \
                 WHERE m.project_id = $1 AND m.archived_at IS NULL ORDER BY a.accepted_on, m.id",
            )
            .bind(project),
        )
        .await?;
    let mut milestones = Vec::new();
    let mut all_accepted = !rows.is_empty();
    for r in &rows {
        let accepted_on: Option<Date> = r.get("accepted_on")?;
        let state: Option<String> = r.get("state")?;
        match accepted_on.filter(|_| state.as_deref() == Some("accepted")) {
            Some(on) => milestones.push(AcceptedMilestone {
                id: r.id("id")?,
                name: r.get("name")?,
                amount: match r.get::<Option<i64>>("amount_minor")? {
                    Some(_) => Some(r.money("amount_minor", "currency")?),
                    None => None,
                },
                accepted_on: on,
            }),
            None => all_accepted = false,
        }
    }
    let completed_on = if p.status == ProjectStatus::Completed {
        Some(p.end_date.unwrap_or(through).min(through))
    } else if all_accepted {
        milestones.iter().map(|m| m.accepted_on).max()
    } else {
        None
    };
    let mut wanted: Vec<Billed> = milestones.iter().map(|m| Billed::Milestone(m.id)).collect();
    for part in inv::FeePart::ALL {
        wanted.push(Billed::Fee(project, *part));
    }
    let billed: BTreeSet<Billed> = invoice_locks::held(&mut &db.pools, &wanted)
        .await?
        .into_iter()
        .collect();
    Ok(FeeFacts {
        project_id: project,
        currency,
        terms,
        fee: p.budget,
        signed_on,
        completed_on,
        milestones,
        billed,
    })
}

/// Refuses to issue when a billed entry or milestone changed since the draft was made.
async fn still_billable(tx: &mut Tx, i: &Invoice) -> Result<()> {
    let entries: Vec<i64> = i
        .lines
        .iter()
        .filter_map(|l| l.time_entry_id.map(|e| e.get()))
        .collect();
    for chunk in entries.chunks(500) {
        let mut q = sql("SELECT id, project_id, status, billable, minutes FROM time_entries WHERE id IN ");
        in_list(&mut q, chunk);
        q.push(tx.for_update());
        let rows = tx.all(q).await?;
        let found: HashMap<i64, &Row> = rows
            .iter()
            .map(|r| Ok((r.get::<i64>("id")?, r)))
            .collect::<Result<_>>()?;
        for l in i.lines.iter().filter(|l| l.time_entry_id.is_some()) {
            let Some(id) = l.time_entry_id.map(|e| e.get()).filter(|id| chunk.contains(id)) else {
                continue;
            };
            let ok = match found.get(&id) {
                Some(r) => {
                    r.get::<Option<i64>>("project_id")? == Some(i.project_id.get())
                        && r.get::<String>("status")? == "approved"
                        && r.get::<bool>("billable")?
                        && Some(r.get::<i64>("minutes")?) == l.minutes
                }
                None => false,
            };
            if !ok {
                return Err(Error::conflict(
                    "lines",
                    Rule::Gate,
                    format!(
                        "time entry {id} (line {}) is no longer the approved, billable time the draft priced: \
                         discard this draft and draft the invoice again",
                        l.position
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn push_filter(q: &mut Sql, f: &InvoiceFilter) {
    q.push(" WHERE 1 = 1");
    match f.scope {
        InvoiceScope::All => {}
        InvoiceScope::Managed(person) => {
            q.push(" AND p.project_manager_id = ").push_bind(person);
        }
        InvoiceScope::Nothing => {
            q.push(" AND 1 = 0");
        }
    }
    eq(q, "i.status", f.status.map(|s| s.code()));
    eq(q, "i.kind", f.kind.map(|k| k.code()));
    eq(q, "i.project_id", f.project_id);
    eq(q, "i.account_id", f.account_id);
    if let Some(from) = f.from {
        q.push(" AND i.invoice_date >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        q.push(" AND i.invoice_date <= ").push_bind(to);
    }
}

fn sort_column(k: InvoiceSort) -> &'static str {
    match k {
        InvoiceSort::Date => "i.invoice_date",
        InvoiceSort::Number => "i.number",
        InvoiceSort::Project => "lower(p.name)",
        InvoiceSort::Account => "lower(a.name)",
        InvoiceSort::Total => "i.total_minor",
        InvoiceSort::Status => "i.status",
    }
}

#[async_trait]
impl InvoiceStore for Db {
    async fn draft_invoice(&self, ctx: &WriteCtx, new: NewInvoice, today: Date) -> Result<Invoice> {
        let project = new.project_id;
        let p = project_facts(self, project).await?;
        let terms = super::books::terms(self, &[project])
            .await?
            .remove(&project)
            .ok_or_else(|| Error::not_found(Entity::Project, project))?;
        let (lines, period_from, billing_terms) = match p.billing_type {
            BillingType::NonBillable => {
                return Err(Error::invalid(
                    "project_id",
                    Rule::ProjectNotBillable,
                    format!("{} is not billable: it has nothing to invoice", p.name),
                ));
            }
            BillingType::TimeAndMaterials => {
                let entries = billable_entries(self, project, new.through).await?;
                let books = super::books::books(self).await?;
                let lines = inv::time_lines(&books, &terms, &entries)?;
                (lines, entries.first().map(|e| e.date), None)
            }
            BillingType::FixedFee => {
                let f = fee_facts(self, project, &p, terms.currency, new.through).await?;
                (inv::fee_lines(&f, new.through)?, None, f.terms)
            }
        };
        if lines.is_empty() {
            return Err(Error::conflict(
                "through",
                Rule::NothingToBill,
                format!(
                    "{} has nothing to bill through {}: no approved, billable, un-invoiced time, accepted milestone \
                     or fee part due",
                    p.name,
                    psops_core::dates::format_date(new.through)
                ),
            ));
        }
        let lines = inv::numbered(lines);
        let payment_days = self.settings().await?.finance.payment_days;
        let draft = Invoice {
            id: InvoiceId::new(0),
            number: None,
            kind: InvoiceKind::Invoice,
            status: InvoiceStatus::Draft,
            project_id: project,
            project_name: p.name,
            account_id: p.account_id,
            account_name: p.account_name,
            currency: terms.currency,
            invoice_date: today,
            due_date: today + Duration::days(payment_days),
            period_from,
            period_to: new.through,
            billing_terms,
            credits_invoice_id: None,
            credited_by_id: None,
            total: inv::total(terms.currency, &lines)?,
            note: None,
            reason: None,
            issued_by: None,
            issued_at: None,
            version: 1,
            created_at: now(),
            updated_at: now(),
            lines,
        };
        let mut tx = self.pools.begin().await?;
        let id = insert(&mut tx, &draft).await?;
        saved(tx, ctx, id, AuditAction::Create, None).await
    }

    async fn invoice(&self, id: InvoiceId) -> Result<Invoice> {
        load(&mut &self.pools, id).await
    }

    async fn list_invoices(&self, filter: &InvoiceFilter, page: PageRequest) -> Result<Page<Invoice>> {
        let mut q = sql(HEAD);
        push_filter(&mut q, filter);
        if let Some(after) = page.after {
            q.push(" AND i.id > ").push_bind(after);
        }
        q.push(" ORDER BY i.id LIMIT ").push_bind(i64::from(page.limit) + 1);
        let mut items = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(read_head)
            .collect::<Result<Vec<_>>>()?;
        let more = items.len() > page.limit as usize;
        items.truncate(page.limit as usize);
        let next_cursor = more.then(|| items.last().map(|i| encode_cursor(i.id.get()))).flatten();
        Ok(Page { items, next_cursor })
    }

    async fn invoices_sorted(&self, filter: &InvoiceFilter, at: Sorted<InvoiceSort>) -> Result<Numbered<Invoice>> {
        let mut count = sql(
            "SELECT count(*) AS n FROM invoices i JOIN projects p ON p.id = i.project_id \
             LEFT JOIN accounts a ON a.id = i.account_id",
        );
        push_filter(&mut count, filter);
        let total: i64 = self.pools.one(count).await?.get("n")?;
        let mut q = sql(HEAD);
        push_filter(&mut q, filter);
        let dir = match at.direction {
            Direction::Asc => "ASC",
            Direction::Desc => "DESC",
        };
        q.push(&format!(" ORDER BY {} {dir}, i.id {dir} LIMIT ", sort_column(at.key)))
            .push_bind(i64::from(at.size))
            .push(" OFFSET ")
            .push_bind(at.offset() as i64);
        let items = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(read_head)
            .collect::<Result<Vec<_>>>()?;
        Ok(Numbered {
            items,
            total: total as u64,
        })
    }

    async fn change_invoice(
        &self,
        ctx: &WriteCtx,
        id: InvoiceId,
        v: IfVersion,
        patch: InvoicePatch,
    ) -> Result<Invoice> {
        let mut tx = self.pools.begin().await?;
        let before = locked(&mut tx, id, v).await?;
        before.ensure_draft()?;
        let after = patch.apply(before.clone())?;
        tx.execute(
            sql(
                "UPDATE invoices SET invoice_date = $2, due_date = $3, note = $4, total_minor = $5, \
                 version = version + 1, updated_at = $6 WHERE id = $1",
            )
            .bind(id)
            .bind(after.invoice_date)
            .bind(after.due_date)
            .bind(after.note.clone())
            .bind(after.total.amount_minor)
            .bind(now()),
        )
        .await?;
        if !patch.drop_lines.is_empty() {
            let mut q = sql("DELETE FROM invoice_lines WHERE invoice_id = $1 AND position IN ").bind(id);
            in_list(&mut q, &patch.drop_lines);
            tx.execute(q).await?;
        }
        saved(tx, ctx, id, AuditAction::Update, Some(&before)).await
    }

    async fn discard_invoice(&self, ctx: &WriteCtx, id: InvoiceId, v: IfVersion) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let before = locked(&mut tx, id, v).await?;
        before.ensure_draft()?;
        tx.execute(sql("DELETE FROM invoice_lines WHERE invoice_id = $1").bind(id))
            .await?;
        tx.execute(sql("DELETE FROM invoices WHERE id = $1").bind(id)).await?;
        crate::audit::deleted(&mut tx, ctx, Entity::Invoice, id.get(), &before).await?;
        tx.commit().await
    }

    async fn issue_invoice(&self, ctx: &WriteCtx, id: InvoiceId, v: IfVersion, _today: Date) -> Result<Invoice> {
        let mut tx = self.pools.begin().await?;
        let before = locked(&mut tx, id, v).await?;
        before.ensure_draft()?;
        still_billable(&mut tx, &before).await?;
        for l in &before.lines {
            let Some(b) = l.billed(before.project_id) else { continue };
            let (source, source_id) = b.key();
            let n = tx
                .execute(
                    sql(
                        "INSERT INTO invoice_locks (source, source_id, invoice_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (source, source_id) DO NOTHING",
                    )
                    .bind(source)
                    .bind(source_id)
                    .bind(id),
                )
                .await?;
            if n == 0 {
                let holder = invoice_locks::holders(&mut tx, source, &[source_id]).await?;
                let number = holder.get(&source_id).cloned().unwrap_or_default();
                // Dropping the transaction writes nothing: no number is taken.
                return Err(Error::conflict(
                    "lines",
                    Rule::Invoiced,
                    format!(
                        "{} (line {}) is already billed on invoice {number}: discard this draft, or credit {number} \
                         first",
                        b.describe(),
                        l.position
                    ),
                ));
            }
        }
        let number = next_number(&mut tx, InvoiceKind::Invoice).await?;
        tx.execute(
            sql(
                "UPDATE invoices SET number = $2, status = $3, issued_by = $4, issued_at = $5, version = version + 1, \
                 updated_at = $5 WHERE id = $1",
            )
            .bind(id)
            .bind(number)
            .bind(InvoiceStatus::Issued.code())
            .bind(ctx.user_id)
            .bind(now()),
        )
        .await?;
        issued(tx, ctx, id, AuditAction::Update, Some(&before)).await
    }

    async fn credit_invoice(&self, ctx: &WriteCtx, id: InvoiceId, reason: &str, today: Date) -> Result<Invoice> {
        let reason = inv::check_reason(reason)?;
        let mut tx = self.pools.begin().await?;
        let credited = locked(&mut tx, id, None).await?;
        if credited.is_draft() || credited.kind != InvoiceKind::Invoice {
            return Err(Error::conflict(
                "status",
                Rule::InvalidTransition,
                format!(
                    "{} is not an issued invoice: only an issued invoice is credited (a draft is discarded)",
                    credited.label()
                ),
            ));
        }
        if let Some(by) = credited.credited_by_id {
            return Err(Error::conflict(
                "status",
                Rule::InvalidTransition,
                format!("{} is already credited by credit note {by}", credited.label()),
            ));
        }
        let lines = inv::credit_lines(&credited);
        let number = next_number(&mut tx, InvoiceKind::CreditNote).await?;
        let payment_days = crate::org::load(&mut tx).await?.finance.payment_days;
        let note = Invoice {
            id: InvoiceId::new(0),
            number: Some(number),
            kind: InvoiceKind::CreditNote,
            status: InvoiceStatus::Issued,
            invoice_date: today,
            due_date: today + Duration::days(payment_days),
            credits_invoice_id: Some(id),
            credited_by_id: None,
            total: inv::total(credited.currency, &lines)?,
            note: None,
            reason: Some(reason),
            issued_by: ctx.user_id,
            issued_at: Some(now()),
            lines,
            ..credited.clone()
        };
        let cn = insert(&mut tx, &note).await?;
        tx.execute(sql("DELETE FROM invoice_locks WHERE invoice_id = $1").bind(id))
            .await?;
        issued(tx, ctx, cn, AuditAction::Create, None).await
    }

    async fn invoices_for_export(&self, from: Date, to: Date) -> Result<Vec<Invoice>> {
        let q = sql(format!(
            "{HEAD} WHERE i.status = $1 AND i.invoice_date >= $2 AND i.invoice_date <= $3 ORDER BY i.kind DESC, i.number"
        ))
        .bind(InvoiceStatus::Issued.code())
        .bind(from)
        .bind(to);
        let heads = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(read_head)
            .collect::<Result<Vec<_>>>()?;
        with_lines(&mut &self.pools, heads).await
    }
}
