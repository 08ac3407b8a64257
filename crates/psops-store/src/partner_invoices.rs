//! Partner invoices in SQL: the record (its lines a JSON list), what its reconciliation
//! reads — the partner's people, the projects it holds live work authorizations on, and
//! its consultants' approved entries in the month priced at the authorised rate by the
//! books — the approve and reject actions, the late list and the CSV's look-ups. The
//! rules are `psops_core::partner_invoices`'.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::finance::month::Month;
use psops_core::partner_invoices::csv::CsvLine;
use psops_core::partner_invoices::reconcile::{
    ApprovedWork, LateInvoice, PartnerFacts, Reconciliation, Unbilled, check_approval, due_on, late_months, reconcile,
};
use psops_core::partner_invoices::{
    InvoiceDecision, PartnerInvoice, PartnerInvoiceFields, PartnerInvoiceFilter, PartnerInvoiceId, PartnerInvoiceLine,
    PartnerInvoiceSort, PartnerInvoiceStatus, PartnerInvoiceStore,
};
use psops_core::partners::PartnerId;
use psops_core::people::Function;
use psops_core::rule::Rule;
use psops_core::store::{IfVersion, OrgStore, WriteCtx};
use psops_core::{Currency, Error, FieldError, Id, Minutes, Money, Result};
use time::Date;

use crate::Db;
use crate::common::{Exec, check_version, ensure_exists, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, now, sql};
use crate::record::{Order, Stored, persist, table};

#[async_trait]
impl Stored for PartnerInvoice {
    const TABLE: &'static str = "partner_invoices";
    /// Moved only by approve and reject.
    const FIXED: &'static [&'static str] = &["status", "variance_minor", "reason", "decided_by", "decided_at"];
    const COLUMNS: &'static [&'static str] = &[
        "partner_id",
        "number",
        "month",
        "received_on",
        "currency",
        "lines",
        "notes",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "month",
        "the partner already has a live invoice for this month: reject or withdraw it first",
    ));
    const LABEL: &'static str = "number";
    const TIES: Option<&'static str> = Some("LOWER(number)");
    /// A page of invoices holds each one's lines (a partner's month: hundreds): kept
    /// until an invoice, or a partner's name it sorts by, changes (migration 38).
    const COUNTED: crate::follow::Kinds = &["partner_invoices", "partners"];
    /// A withdrawn invoice restored must still be the only live one of its month.
    const CHECK_ON_RESTORE: bool = true;

    fn read(r: &Row) -> Result<PartnerInvoice> {
        let currency = r.currency("currency")?;
        let variance: Option<i64> = r.get("variance_minor")?;
        Ok(PartnerInvoice {
            id: r.id("id")?,
            fields: PartnerInvoiceFields {
                partner_id: r.id("partner_id")?,
                number: r.get("number")?,
                month: Month::of(r.get::<Date>("month")?),
                received_on: r.get("received_on")?,
                currency,
                lines: r.json("lines")?,
                notes: r.get("notes")?,
            },
            status: r.code("status")?,
            accepted_variance: variance.map(|v| Money::new(v, currency)),
            reason: r.get("reason")?,
            decided_by: r.get::<Option<i64>>("decided_by")?.map(Id::new),
            decided_at: r.get("decided_at")?,
            meta: meta(r)?,
        })
    }

    fn values(f: &PartnerInvoiceFields) -> Vec<Value> {
        let lines: Vec<PartnerInvoiceLine> = f
            .lines
            .iter()
            .map(|l| PartnerInvoiceLine {
                po: l.po.trim().to_string(),
                ..l.clone()
            })
            .collect();
        vec![
            f.partner_id.into(),
            f.number.trim().into(),
            f.month.first().into(),
            f.received_on.into(),
            f.currency.to_string().into(),
            json_text(&lines),
            f.notes.clone().into(),
        ]
    }

    fn fixed(_new: &PartnerInvoiceFields) -> Vec<Value> {
        vec![
            PartnerInvoiceStatus::Received.code().into(),
            Value::from(None::<i64>),
            Value::from(None::<String>),
            Value::from(None::<i64>),
            Value::from(None::<time::OffsetDateTime>),
        ]
    }

    async fn check(tx: &mut Tx, f: &PartnerInvoiceFields, me: Option<Id<PartnerInvoice>>) -> Result<()> {
        ensure_exists(tx, "partners", Some(f.partner_id.get()), "partner_id", "partner").await?;
        let me = me.map(|i| i.get()).unwrap_or(0);
        let taken =
            sql("SELECT id FROM partner_invoices WHERE partner_id = $1 AND LOWER(number) = LOWER($2) AND id <> $3")
                .bind(f.partner_id)
                .bind(f.number.trim())
                .bind(me);
        if tx.optional(taken).await?.is_some() {
            return Err(Error::conflict(
                "number",
                Rule::Unique,
                "the partner already sent an invoice with this number",
            ));
        }
        let month = sql(
            "SELECT id FROM partner_invoices WHERE partner_id = $1 AND month = $2 AND id <> $3 \
             AND archived_at IS NULL AND status <> 'rejected'",
        )
        .bind(f.partner_id)
        .bind(f.month.first())
        .bind(me);
        if tx.optional(month).await?.is_some() {
            return Err(Error::conflict(
                "month",
                Rule::Unique,
                format!(
                    "the partner already has a live invoice for {}: reject or withdraw it first",
                    f.month
                ),
            ));
        }
        let mut errors = Vec::new();
        for (i, l) in f.lines.iter().enumerate() {
            ensure_exists(
                tx,
                "people",
                Some(l.person_id.get()),
                &format!("lines[{i}].person_id"),
                "person",
            )
            .await?;
            ensure_exists(
                tx,
                "projects",
                Some(l.project_id.get()),
                &format!("lines[{i}].project_id"),
                "project",
            )
            .await?;
        }
        // The currency must be the work authorizations': their rates are what the lines
        // are reconciled with.
        let projects: HashSet<i64> = f.lines.iter().map(|l| l.project_id.get()).collect();
        let mut q = sql("SELECT DISTINCT w.project_id, w.currency FROM work_authorizations w \
             JOIN prime_sows s ON s.id = w.prime_sow_id WHERE s.partner_id = ");
        q.push_bind(f.partner_id)
            .push(" AND w.archived_at IS NULL AND w.project_id IN (");
        for (i, p) in projects.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).push_bind(*p);
        }
        q.push(")");
        let mut currencies: HashMap<i64, Vec<String>> = HashMap::new();
        if !projects.is_empty() {
            for r in tx.all(q).await? {
                currencies
                    .entry(r.get("project_id")?)
                    .or_default()
                    .push(r.get("currency")?);
            }
        }
        for (i, l) in f.lines.iter().enumerate() {
            if let Some(c) = currencies.get(&l.project_id.get())
                && !c.iter().any(|c| c == f.currency.as_str())
            {
                errors.push(FieldError::new(
                    format!("lines[{i}].rate"),
                    Rule::Currency,
                    format!(
                        "the partner's work authorization on this project is in {}: the invoice must be too",
                        c.join(", ")
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(errors))
        }
    }

    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, before: &Self, after: &PartnerInvoiceFields) -> Result<()> {
        if before.status != PartnerInvoiceStatus::Received {
            return Err(decided(before));
        }
        if after.partner_id != before.fields.partner_id {
            return Err(Error::invalid(
                "partner_id",
                Rule::InvalidValue,
                "an invoice's partner does not change",
            ));
        }
        Ok(())
    }

    fn archiving(current: &Self) -> Result<()> {
        current.withdrawable()
    }

    fn filter(q: &mut Sql, f: &PartnerInvoiceFilter) {
        eq(q, "partner_id", f.partner_id);
        eq(q, "month", f.month.map(|m| m.first()));
        eq(q, "status", f.status.map(|s| s.code()));
    }

    fn order(key: PartnerInvoiceSort) -> Order {
        match key {
            PartnerInvoiceSort::Month => Order::By("month"),
            PartnerInvoiceSort::Partner => Order::Name("partners", "partner_id"),
            PartnerInvoiceSort::Number => Order::By("LOWER(number)"),
            PartnerInvoiceSort::ReceivedOn => Order::By("received_on"),
            PartnerInvoiceSort::Status => Order::By("status"),
        }
    }
}

fn decided(inv: &PartnerInvoice) -> Error {
    Error::conflict(
        "status",
        Rule::InvalidTransition,
        format!(
            "the invoice is {}: a decided invoice no longer changes",
            <&str>::from(inv.status)
        ),
    )
}

/// The partner's people and the projects of its live work authorizations.
async fn partner_facts<E: Exec>(e: &mut E, partner: PartnerId) -> Result<PartnerFacts> {
    let mut facts = PartnerFacts::default();
    for r in e
        .all(sql("SELECT id FROM people WHERE partner_id = $1").bind(partner))
        .await?
    {
        facts.people.insert(r.id("id")?);
    }
    let q = sql(
        "SELECT DISTINCT w.project_id FROM work_authorizations w JOIN prime_sows s ON s.id = w.prime_sow_id \
         WHERE s.partner_id = $1 AND w.archived_at IS NULL AND s.archived_at IS NULL",
    )
    .bind(partner);
    for r in e.all(q).await? {
        facts.projects.insert(r.id("project_id")?);
    }
    Ok(facts)
}

impl Db {
    /// The partner's people, the projects of its live work authorizations, and its
    /// consultants' approved entries in the month priced at the authorised rate.
    async fn invoice_inputs<E: Exec>(
        &self,
        e: &mut E,
        partner: PartnerId,
        from: Month,
        to: Month,
    ) -> Result<(PartnerFacts, Vec<ApprovedWork>)> {
        let facts = partner_facts(e, partner).await?;
        let reporting = self.settings().await?.default_currency;
        let books = crate::finance::books::partner_books(e, reporting, partner).await?;
        let q = sql(
            "SELECT t.person_id, pe.function, t.project_id, t.entry_date, t.minutes FROM time_entries t \
             JOIN people pe ON pe.id = t.person_id WHERE pe.partner_id = $1 AND t.status = 'approved' \
             AND t.project_id IS NOT NULL AND t.entry_date >= $2 AND t.entry_date <= $3 ORDER BY t.entry_date, t.id",
        )
        .bind(partner)
        .bind(from.first())
        .bind(to.last());
        let mut work = Vec::new();
        for r in e.all(q).await? {
            let person = r.id("person_id")?;
            let project = r.id("project_id")?;
            let date: Date = r.get("entry_date")?;
            let role = books.role(person, r.code::<Function>("function")?, project, date);
            work.push(ApprovedWork {
                person_id: person,
                project_id: project,
                date,
                minutes: Minutes(r.get("minutes")?),
                rate: books.authorized_rate(person, project, role, date),
            });
        }
        Ok((facts, work))
    }

    async fn reconciled<E: Exec>(&self, e: &mut E, inv: &PartnerInvoice) -> Result<Reconciliation> {
        let month = inv.fields.month;
        let (facts, work) = self.invoice_inputs(e, inv.fields.partner_id, month, month).await?;
        reconcile(inv.id, &inv.fields, &facts, &work)
    }

    async fn decide(
        &self,
        ctx: &WriteCtx,
        id: PartnerInvoiceId,
        v: IfVersion,
        d: InvoiceDecision,
        approve: bool,
    ) -> Result<PartnerInvoice> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let before = table::<PartnerInvoice>().get(&mut tx, id.get(), lock).await?;
        check_version(before.meta.version, v)?;
        if before.status != PartnerInvoiceStatus::Received || before.meta.is_archived() {
            return Err(if before.meta.is_archived() {
                Error::conflict("status", Rule::Archived, "the invoice was withdrawn (archived)")
            } else {
                decided(&before)
            });
        }
        let (status, variance, reason) = if approve {
            let r = self.reconciled(&mut tx, &before).await?;
            let (variance, reason) = check_approval(&r, d.reason.as_deref())?;
            (PartnerInvoiceStatus::Approved, variance, reason)
        } else {
            let reason = d.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
            let Some(reason) = reason else {
                return Err(Error::invalid(
                    "reason",
                    Rule::Required,
                    "say why the invoice is rejected",
                ));
            };
            (PartnerInvoiceStatus::Rejected, None, Some(reason.to_string()))
        };
        let reason_ok = reason.as_deref().is_none_or(|r| r.chars().count() <= 4000);
        if !reason_ok {
            return Err(Error::invalid(
                "reason",
                Rule::TooLong,
                "reason is at most 4000 characters",
            ));
        }
        let fixed: Vec<Value> = vec![
            status.code().into(),
            variance.map(|m| m.amount_minor).into(),
            reason.into(),
            ctx.user_id.map(|u| u.get()).into(),
            Some(now()).into(),
        ];
        let after = persist(&mut tx, ctx, &before, fixed, &before.fields).await?;
        tx.commit().await?;
        Ok(after)
    }
}

#[async_trait]
impl PartnerInvoiceStore for Db {
    async fn reconcile_partner_invoice(&self, id: PartnerInvoiceId) -> Result<Reconciliation> {
        // It reads the partner's month of approved time and its books: kept until what it
        // reads changes; after time entries, only if any was a partner consultant's.
        let pools = &self.pools;
        let update = |kept, changed| crate::follow::unless_partner_time(pools, kept, changed);
        let read = async {
            let inv = table::<PartnerInvoice>().get(&mut &self.pools, id.get(), "").await?;
            self.reconciled(&mut &self.pools, &inv).await
        };
        let key = format!("reconcile_partner_invoice:{id}");
        self.memo
            .follow(pools, crate::follow::RECONCILIATION, key, read, update)
            .await
    }

    async fn approve_partner_invoice(
        &self,
        ctx: &WriteCtx,
        id: PartnerInvoiceId,
        v: IfVersion,
        d: InvoiceDecision,
    ) -> Result<PartnerInvoice> {
        self.decide(ctx, id, v, d, true).await
    }

    async fn reject_partner_invoice(
        &self,
        ctx: &WriteCtx,
        id: PartnerInvoiceId,
        v: IfVersion,
        d: InvoiceDecision,
    ) -> Result<PartnerInvoice> {
        self.decide(ctx, id, v, d, false).await
    }

    async fn late_partner_invoices(&self, on: Date, partner: Option<PartnerId>) -> Result<Vec<LateInvoice>> {
        // A year back is as far as anyone chases an invoice.
        let since = (0..12).fold(Month::of(on), |m, _| m.previous());
        let mut q = sql(
            "SELECT s.partner_id, p.name, w.start_date, w.end_date FROM work_authorizations w \
             JOIN prime_sows s ON s.id = w.prime_sow_id JOIN partners p ON p.id = s.partner_id \
             WHERE w.archived_at IS NULL AND s.archived_at IS NULL AND w.end_date >= ",
        );
        q.push_bind(since.first());
        eq(&mut q, "s.partner_id", partner);
        let mut windows: HashMap<i64, (String, Vec<(Date, Date)>)> = HashMap::new();
        for r in self.pools.all(q).await? {
            let e = windows
                .entry(r.get("partner_id")?)
                .or_insert_with(|| (String::new(), Vec::new()));
            e.0 = r.get("name")?;
            e.1.push((r.get("start_date")?, r.get("end_date")?));
        }
        let mut q = sql(
            "SELECT partner_id, month FROM partner_invoices WHERE archived_at IS NULL AND status <> 'rejected' \
             AND month >= ",
        );
        q.push_bind(since.first());
        eq(&mut q, "partner_id", partner);
        let mut received: HashMap<i64, HashSet<Month>> = HashMap::new();
        for r in self.pools.all(q).await? {
            received
                .entry(r.get("partner_id")?)
                .or_default()
                .insert(Month::of(r.get("month")?));
        }
        let none = HashSet::new();
        let mut out = Vec::new();
        for (partner, (name, w)) in windows {
            for month in late_months(&w, received.get(&partner).unwrap_or(&none), since, on) {
                out.push(LateInvoice {
                    partner_id: Id::new(partner),
                    partner_name: name.clone(),
                    month,
                    due_on: due_on(month),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.month, a.partner_name.to_lowercase(), a.partner_id).cmp(&(
                b.month,
                b.partner_name.to_lowercase(),
                b.partner_id,
            ))
        });
        Ok(out)
    }

    async fn approved_partner_time(
        &self,
        partner: PartnerId,
        from: Month,
        to: Month,
        currency: Currency,
    ) -> Result<Vec<(Month, Vec<Unbilled>)>> {
        let (facts, work) = self.invoice_inputs(&mut &self.pools, partner, from, to).await?;
        let mut out = Vec::new();
        for month in from.through(to) {
            // An invoice billing nothing leaves all the month's time unbilled.
            let empty = PartnerInvoiceFields {
                partner_id: partner,
                number: String::new(),
                month,
                received_on: month.first(),
                currency,
                lines: Vec::new(),
                notes: None,
            };
            let inside: Vec<ApprovedWork> = work.iter().filter(|w| Month::of(w.date) == month).copied().collect();
            out.push((month, reconcile(Id::new(0), &empty, &facts, &inside)?.unbilled));
        }
        Ok(out)
    }

    async fn partner_invoice_facts(&self, partner: PartnerId) -> Result<PartnerFacts> {
        partner_facts(&mut &self.pools, partner).await
    }

    async fn partner_invoice_lines(
        &self,
        partner: PartnerId,
        rows: &[CsvLine],
        currency: Currency,
    ) -> Result<Vec<PartnerInvoiceLine>> {
        let e = &mut &self.pools;
        let p = table::<psops_core::partners::Partner>()
            .get(e, partner.get(), "")
            .await?;
        let mut people: HashMap<String, i64> = HashMap::new();
        for r in e
            .all(sql("SELECT id, email FROM people WHERE partner_id = $1").bind(partner))
            .await?
        {
            let email: String = r.get("email")?;
            people.insert(email.trim().to_lowercase(), r.get("id")?);
        }
        // Projects by code, else by name; only those the partner holds an authorization
        // on are looked up, so a partner learns nothing of other projects.
        let q = sql(
            "SELECT DISTINCT pr.id, pr.code, pr.name FROM projects pr JOIN work_authorizations w ON w.project_id = pr.id \
             JOIN prime_sows s ON s.id = w.prime_sow_id WHERE s.partner_id = $1 AND w.archived_at IS NULL",
        )
        .bind(partner);
        let (mut by_code, mut by_name) = (HashMap::new(), HashMap::new());
        for r in e.all(q).await? {
            let id: i64 = r.get("id")?;
            if let Some(code) = r.get::<Option<String>>("code")? {
                by_code.insert(code.trim().to_lowercase(), id);
            }
            by_name.insert(r.get::<String>("name")?.trim().to_lowercase(), id);
        }
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for row in rows {
            let bad = |msg: String| FieldError::new("csv", Rule::Exists, format!("line {}: {msg}", row.line));
            if !row.partner.trim().eq_ignore_ascii_case(p.fields.name.trim()) {
                errors.push(FieldError::new(
                    "csv",
                    Rule::InvalidValue,
                    format!(
                        "line {}: partner must be {}, the invoice's partner",
                        row.line, p.fields.name
                    ),
                ));
            }
            let person = people.get(&row.consultant.trim().to_lowercase());
            if person.is_none() {
                errors.push(bad(format!(
                    "no consultant of {} has the e-mail {}",
                    p.fields.name, row.consultant
                )));
            }
            let key = row.project.trim().to_lowercase();
            let project = by_code.get(&key).or_else(|| by_name.get(&key));
            if project.is_none() {
                errors.push(bad(format!(
                    "{} holds no work authorization on a project with the code or name {}",
                    p.fields.name, row.project
                )));
            }
            if let (Some(person), Some(project)) = (person, project) {
                out.push(PartnerInvoiceLine {
                    po: row.po.clone(),
                    from_date: row.from_date,
                    to_date: row.to_date,
                    person_id: Id::new(*person),
                    project_id: Id::new(*project),
                    minutes: row.minutes,
                    rate: Money::new(row.rate.amount_minor, currency),
                    total: Money::new(row.total.amount_minor, currency),
                });
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(Error::Invalid(errors))
        }
    }
}
