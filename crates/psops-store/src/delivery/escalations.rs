//! Escalations in SQL: the record with the columns its actions own (status, the dates of
//! each move, the cadence's next due time, the close), its timeline in
//! `escalation_updates`, and the notices to the DRI queued in the same transaction as
//! the change that causes them.

use async_trait::async_trait;
use psops_core::accounts::Account;
use psops_core::auth::UserId;
use psops_core::code::Code;
use psops_core::delivery::escalations::{
    self as esc, Escalation, EscalationClose, EscalationClosure, EscalationFields, EscalationFilter, EscalationId,
    EscalationMove, EscalationNote, EscalationPatch, EscalationScope, EscalationSettings, EscalationSort,
    EscalationStatus, EscalationStore, EscalationSummary, EscalationUpdate, NewEscalation, OverdueEscalation, Severity,
    SeverityCount, StatusDates,
};
use psops_core::notify::{Notice, NoticeKind};
use psops_core::people::{Person, PersonId};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::store::{Created, IfVersion, WriteCtx};
use psops_core::webhooks::EventKind;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::Db;
use crate::catalog::live;
use crate::common::{check_version, eq, meta};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored, create_in, persist, table};
use crate::{idempotency, outbox};

/// Escalation times are kept to the second, so that they compare as text on SQLite.
fn second(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t)
}

#[async_trait]
impl Stored for Escalation {
    const TABLE: &'static str = "escalations";
    const LABEL: &'static str = "title";
    const TIES: Option<&'static str> = Some("LOWER(title)");
    const FIXED: &'static [&'static str] = &[
        "status",
        "raised_by",
        "opened_at",
        "last_update_at",
        "next_update_due",
        "standup_set_at",
        "investigating_at",
        "mitigated_at",
        "resolved_at",
        "closed_at",
        "closure",
        "overdue_notice_until",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "account_id",
        "project_id",
        "severity",
        "title",
        "description",
        "dri_id",
        "exit_criteria",
        "standup_cadence",
        "product_at_fault",
    ];

    fn read(r: &Row) -> Result<Escalation> {
        let closure: Option<String> = r.get("closure")?;
        Ok(Escalation {
            id: r.id("id")?,
            fields: EscalationFields {
                account_id: r.opt_id("account_id")?,
                project_id: r.opt_id("project_id")?,
                severity: r.code("severity")?,
                title: r.get("title")?,
                description: r.get("description")?,
                dri_id: r.opt_id("dri_id")?,
                exit_criteria: r.get("exit_criteria")?,
                standup_cadence: r.get("standup_cadence")?,
                product_at_fault: r.get("product_at_fault")?,
            },
            status: r.code("status")?,
            raised_by: r.opt_id("raised_by")?,
            opened_at: r.get("opened_at")?,
            last_update_at: r.get("last_update_at")?,
            next_update_due: r.get("next_update_due")?,
            standup_set_at: r.get("standup_set_at")?,
            dates: StatusDates {
                investigating_at: r.get("investigating_at")?,
                mitigated_at: r.get("mitigated_at")?,
                resolved_at: r.get("resolved_at")?,
                closed_at: r.get("closed_at")?,
            },
            closure: closure
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(|e| Error::internal(format!("column closure holds bad JSON: {e}")))?,
            overdue_notice_until: r.get("overdue_notice_until")?,
            meta: meta(r)?,
        })
    }

    fn fixed(new: &NewEscalation) -> Vec<Value> {
        // A create through the plain path (bulk loads) opens now; `raise_escalation`
        // writes the real values through `persist` in the same transaction.
        let at = second(crate::db::now());
        let due = EscalationSettings::default().next_due(new.fields.severity, at);
        vec![
            EscalationStatus::Open.code().into(),
            new.raised_by.into(),
            at.into(),
            at.into(),
            due.into(),
            new.fields.standup_cadence.as_ref().map(|_| at).into(),
            Option::<OffsetDateTime>::None.into(),
            Option::<OffsetDateTime>::None.into(),
            Option::<OffsetDateTime>::None.into(),
            Option::<OffsetDateTime>::None.into(),
            Option::<String>::None.into(),
            Option::<OffsetDateTime>::None.into(),
        ]
    }

    fn values(f: &EscalationFields) -> Vec<Value> {
        vec![
            f.account_id.into(),
            f.project_id.into(),
            f.severity.code().into(),
            f.title.trim().into(),
            f.description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .into(),
            f.dri_id.into(),
            f.exit_criteria.trim().into(),
            f.standup_cadence
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .into(),
            f.product_at_fault.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &EscalationFields, _me: Option<EscalationId>) -> Result<()> {
        let account = f
            .account_id
            .ok_or_else(|| Error::invalid("account_id", Rule::Required, "account_id is required"))?;
        live::<Account>(tx, account, "account_id", "account").await?;
        if let Some(p) = f.project_id {
            let project = live::<Project>(tx, p, "project_id", "project").await?;
            if project.fields.account_id != Some(account) {
                return Err(Error::invalid(
                    "account_id",
                    Rule::AccountMismatch,
                    format!("project {p} is not one of account {account}'s projects"),
                ));
            }
        }
        let dri = f.dri_id.ok_or_else(|| {
            Error::invalid(
                "dri_id",
                Rule::Required,
                "dri_id is required: name the directly responsible individual",
            )
        })?;
        live::<Person>(tx, dri, "dri_id", "person").await?;
        Ok(())
    }

    fn filter(q: &mut Sql, f: &EscalationFilter) {
        eq(q, "account_id", f.account_id);
        eq(q, "project_id", f.project_id);
        eq(q, "severity", f.severity.map(|s| s.code()));
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "dri_id", f.dri_id);
        if f.open_only {
            q.push(" AND status <> 'closed'");
        }
        if let Some(now) = f.overdue_at {
            q.push(" AND status <> 'closed' AND next_update_due < ")
                .push_bind(second(now));
        }
        scope(q, &f.scope);
    }

    fn order(key: EscalationSort) -> Order {
        match key {
            EscalationSort::Due => Order::By("next_update_due"),
            EscalationSort::Severity => {
                Order::By("CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END")
            }
            EscalationSort::Status => Order::By(
                "CASE status WHEN 'open' THEN 0 WHEN 'investigating' THEN 1 WHEN 'mitigated' THEN 2 \
                 WHEN 'resolved' THEN 3 ELSE 4 END",
            ),
            EscalationSort::Opened => Order::By("opened_at"),
            EscalationSort::Title => Order::By("LOWER(title)"),
        }
    }
}

/// Cuts a list to what the reader may see: the SQL meaning of
/// `EscalationScope::admits`, which a contract story checks against.
fn scope(q: &mut Sql, s: &EscalationScope) {
    let dri = |q: &mut Sql, person: Option<PersonId>| {
        q.push("dri_id = ").push_bind(person.map_or(0, |p| p.get()));
    };
    match *s {
        EscalationScope::All => {}
        EscalationScope::Nothing => {
            q.push(" AND 1 = 0");
        }
        EscalationScope::Staff { person, manages } => {
            q.push(" AND (project_id IS NULL OR ");
            dri(q, person);
            if let Some(m) = manages {
                q.push(" OR project_id IN (SELECT id FROM projects WHERE project_manager_id = ")
                    .push_bind(m)
                    .push(")");
            }
            if let Some(p) = person {
                q.push(
                    " OR project_id IN (SELECT project_id FROM assignments WHERE archived_at IS NULL AND person_id = ",
                )
                .push_bind(p)
                .push(")");
            }
            q.push(")");
        }
        EscalationScope::Partner {
            person,
            partner,
            manager,
        } => {
            q.push(" AND (");
            dri(q, person);
            q.push(" OR project_id IN (SELECT id FROM projects WHERE partner_id = ")
                .push_bind(partner)
                .push(")");
            if manager {
                q.push(" OR project_id IS NULL AND account_id IN (SELECT account_id FROM projects WHERE partner_id = ")
                    .push_bind(partner)
                    .push(")");
            }
            q.push(")");
        }
    }
}

fn fixed_of(e: &Escalation) -> Vec<Value> {
    vec![
        e.status.code().into(),
        e.raised_by.into(),
        e.opened_at.into(),
        e.last_update_at.into(),
        e.next_update_due.into(),
        e.standup_set_at.into(),
        e.dates.investigating_at.into(),
        e.dates.mitigated_at.into(),
        e.dates.resolved_at.into(),
        e.dates.closed_at.into(),
        e.closure
            .as_ref()
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .into(),
        e.overdue_notice_until.into(),
    ]
}

async fn current(tx: &mut Tx, id: EscalationId, v: IfVersion) -> Result<Escalation> {
    let lock = tx.for_update();
    let e = table::<Escalation>().get(tx, id.get(), lock).await?;
    check_version(e.meta.version, v)?;
    Ok(e)
}

async fn cadences(tx: &mut Tx) -> Result<EscalationSettings> {
    Ok(crate::org::load(tx).await?.escalations)
}

/// Who acts, as the timeline shows them, and the person they are (if any).
async fn actor(tx: &mut Tx, ctx: &WriteCtx) -> Result<(String, Option<PersonId>)> {
    if let Some(u) = ctx.user_id {
        let rows = tx
            .all(sql("SELECT name, person_id FROM users WHERE id = $1").bind(u))
            .await?;
        if let Some(r) = rows.first() {
            return Ok((r.get("name")?, r.opt_id("person_id")?));
        }
    }
    Ok((ctx.via.clone().unwrap_or_else(|| "psops".to_string()), None))
}

async fn log(
    tx: &mut Tx,
    ctx: &WriteCtx,
    id: EscalationId,
    at: OffsetDateTime,
    by: &str,
    text: &str,
    change: Option<(EscalationStatus, EscalationStatus)>,
) -> Result<()> {
    let q = sql(
        "INSERT INTO escalation_updates (escalation_id, at, by_user, by_name, text, from_status, to_status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(at)
    .bind(ctx.user_id.map(|u: UserId| u.get()))
    .bind(by.to_string())
    .bind(text.trim().to_string())
    .bind(change.map(|c| c.0.code()))
    .bind(change.map(|c| c.1.code()));
    tx.execute(q).await?;
    Ok(())
}

fn notice(kind: NoticeKind, dri: &Person, e: &Escalation, subject: String, body: String) -> Notice {
    Notice {
        kind,
        to_email: dri.fields.email.clone(),
        to_name: dri.fields.name.clone(),
        subject,
        body,
        project_id: e.fields.project_id,
        about: Some(format!("escalation:{}", e.id)),
    }
}

/// Tells the DRI of a change someone else made. Writes with no actor at all (the demo,
/// seeding) tell nobody.
async fn tell_dri(tx: &mut Tx, ctx: &WriteCtx, e: &Escalation, by: (&str, Option<PersonId>), what: &str) -> Result<()> {
    let Some(dri) = e.fields.dri_id else { return Ok(()) };
    if by.1 == Some(dri) || ctx.user_id.is_none() && ctx.via.is_none() {
        return Ok(());
    }
    let person = table::<Person>().get(tx, dri.get(), "").await?;
    let subject = format!(
        "[{}] Escalation {}: {}",
        e.fields.severity.label(),
        e.id,
        e.fields.title
    );
    let body = format!(
        "{} {what}\n\nStatus: {}\nNext update due: {}\n",
        by.0,
        e.status.label(),
        e.next_update_due
    );
    outbox::queue(tx, &notice(NoticeKind::EscalationUpdate, &person, e, subject, body)).await?;
    Ok(())
}

/// The account and DRI a new escalation takes from its project when it names none.
async fn complete(tx: &mut Tx, mut f: EscalationFields) -> Result<EscalationFields> {
    if let Some(p) = f.project_id {
        let project = live::<Project>(tx, p, "project_id", "project").await?;
        if f.account_id.is_none() {
            f.account_id = project.fields.account_id;
            if f.account_id.is_none() {
                return Err(Error::invalid(
                    "project_id",
                    Rule::Required,
                    format!("project {p} has no account: an escalation is on an account's project"),
                ));
            }
        }
        if f.dri_id.is_none() {
            f.dri_id = project.fields.project_manager_id;
            if f.dri_id.is_none() {
                return Err(Error::invalid(
                    "dri_id",
                    Rule::Required,
                    format!("dri_id is required: project {p} has no project manager to default to"),
                ));
            }
        }
    } else if f.dri_id.is_none() {
        return Err(Error::invalid(
            "dri_id",
            Rule::Required,
            "dri_id is required on an account's escalation (on a PS project it defaults to the project manager)",
        ));
    }
    Ok(f)
}

/// Rewrites the row from `before` to `after`, audited.
async fn save(tx: &mut Tx, ctx: &WriteCtx, before: &Escalation, after: &Escalation) -> Result<Escalation> {
    persist(tx, ctx, before, fixed_of(after), &after.fields).await
}

async fn summary_rows(db: &Db, scope_: EscalationScope) -> Result<Vec<Escalation>> {
    let t = table::<Escalation>();
    let mut q = t.select();
    q.push(" AND archived_at IS NULL AND status <> 'closed'");
    scope(&mut q, &scope_);
    q.push(
        " ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, \
         next_update_due, id",
    );
    db.pools.all(q).await?.iter().map(Escalation::read).collect()
}

#[async_trait]
impl EscalationStore for Db {
    async fn raise_escalation(
        &self,
        ctx: &WriteCtx,
        new: NewEscalation,
        now: OffsetDateTime,
    ) -> Result<Created<Escalation>> {
        let now = second(now);
        new.fields.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, psops_core::record::Entity::Escalation).await? {
            return Ok(Created::Replayed(previous));
        }
        let fields = complete(&mut tx, new.fields).await?;
        let new = NewEscalation {
            raised_by: new.raised_by.or(ctx.user_id),
            fields,
        };
        let made = create_in::<Escalation>(&mut tx, ctx, &new).await?;
        let settings = cadences(&mut tx).await?;
        let opened = Escalation {
            opened_at: now,
            last_update_at: now,
            next_update_due: settings.next_due(made.fields.severity, now),
            standup_set_at: made.fields.standup_cadence.as_ref().map(|_| now),
            ..made.clone()
        };
        let opened = save(&mut tx, ctx, &made, &opened).await?;
        let by = actor(&mut tx, ctx).await?;
        let text = format!(
            "Opened ({} severity). Exit criteria: {}",
            opened.fields.severity.code(),
            opened.fields.exit_criteria.trim()
        );
        log(&mut tx, ctx, opened.id, now, &by.0, &text, None).await?;
        crate::webhooks::emit(&mut tx, EventKind::EscalationOpened, &opened).await?;
        tell_dri(
            &mut tx,
            ctx,
            &opened,
            (&by.0, by.1),
            "opened this escalation with you as its DRI.",
        )
        .await?;
        idempotency::commit(&self.pools, tx, ctx, psops_core::record::Entity::Escalation, opened).await
    }

    async fn change_escalation(
        &self,
        ctx: &WriteCtx,
        id: EscalationId,
        v: IfVersion,
        patch: EscalationPatch,
        now: OffsetDateTime,
    ) -> Result<Escalation> {
        let now = second(now);
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        esc::check_open(&before)?;
        let fields = patch.apply(before.fields.clone());
        fields.validate()?;
        Escalation::check(&mut tx, &fields, Some(id)).await?;
        let settings = cadences(&mut tx).await?;
        let mut after = Escalation {
            fields,
            ..before.clone()
        };
        if after.fields.severity != before.fields.severity {
            after.next_update_due = settings.next_due(after.fields.severity, after.last_update_at);
            after.overdue_notice_until = None;
        }
        if after.standup_set_at.is_none() && after.fields.standup_cadence.is_some() {
            after.standup_set_at = Some(now);
        }
        let done = save(&mut tx, ctx, &before, &after).await?;
        let by = actor(&mut tx, ctx).await?;
        let mut said = Vec::new();
        if done.fields.severity != before.fields.severity {
            said.push(format!(
                "Severity {} → {}.",
                before.fields.severity.code(),
                done.fields.severity.code()
            ));
        }
        if done.fields.dri_id != before.fields.dri_id {
            said.push("DRI changed.".to_string());
        }
        if done.fields.standup_cadence != before.fields.standup_cadence {
            said.push(format!(
                "Stand-up cadence: {}.",
                done.fields.standup_cadence.as_deref().unwrap_or("none")
            ));
        }
        if !said.is_empty() {
            log(&mut tx, ctx, id, now, &by.0, &said.join(" "), None).await?;
        }
        crate::webhooks::emit(&mut tx, EventKind::EscalationUpdated, &done).await?;
        tell_dri(&mut tx, ctx, &done, (&by.0, by.1), "changed this escalation.").await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn add_escalation_update(
        &self,
        ctx: &WriteCtx,
        id: EscalationId,
        v: IfVersion,
        note: EscalationNote,
        now: OffsetDateTime,
    ) -> Result<Escalation> {
        let now = second(now);
        note.validate()?;
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        esc::check_open(&before)?;
        let settings = cadences(&mut tx).await?;
        let after = Escalation {
            last_update_at: now,
            next_update_due: settings.next_due(before.fields.severity, now),
            overdue_notice_until: None,
            ..before.clone()
        };
        let done = save(&mut tx, ctx, &before, &after).await?;
        let by = actor(&mut tx, ctx).await?;
        log(&mut tx, ctx, id, now, &by.0, &note.text, None).await?;
        let what = format!("added an update:\n\n{}", note.text.trim());
        crate::webhooks::emit(&mut tx, EventKind::EscalationUpdated, &done).await?;
        tell_dri(&mut tx, ctx, &done, (&by.0, by.1), &what).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn move_escalation(
        &self,
        ctx: &WriteCtx,
        id: EscalationId,
        v: IfVersion,
        m: EscalationMove,
        now: OffsetDateTime,
    ) -> Result<Escalation> {
        let now = second(now);
        EscalationNote { text: m.text.clone() }.validate()?;
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        esc::check_move(id, before.status, m.to)?;
        let settings = cadences(&mut tx).await?;
        let mut after = Escalation {
            status: m.to,
            last_update_at: now,
            next_update_due: settings.next_due(before.fields.severity, now),
            overdue_notice_until: None,
            ..before.clone()
        };
        after.dates.stamp(m.to, now);
        let done = save(&mut tx, ctx, &before, &after).await?;
        let by = actor(&mut tx, ctx).await?;
        log(&mut tx, ctx, id, now, &by.0, &m.text, Some((before.status, m.to))).await?;
        let what = format!(
            "moved this escalation from {} to {}:\n\n{}",
            before.status.code(),
            m.to.code(),
            m.text.trim()
        );
        crate::webhooks::emit(&mut tx, EventKind::EscalationUpdated, &done).await?;
        tell_dri(&mut tx, ctx, &done, (&by.0, by.1), &what).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn close_escalation(
        &self,
        ctx: &WriteCtx,
        id: EscalationId,
        v: IfVersion,
        close: EscalationClose,
        now: OffsetDateTime,
    ) -> Result<Escalation> {
        let now = second(now);
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        esc::check_close(id, before.status)?;
        close.validate(before.fields.product_at_fault, now.date())?;
        let (Some(agreed_on), Some(sentiment)) = (close.agreed_on, close.sentiment) else {
            return Err(Error::internal("a validated close has its date and sentiment"));
        };
        let closure = EscalationClosure {
            agreed_by: close.agreed_by.trim().to_string(),
            agreed_on,
            agreement: close.agreement.trim().to_string(),
            rca: close.rca.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()),
            outcome: close.outcome.trim().to_string(),
            sentiment,
        };
        let mut after = Escalation {
            status: EscalationStatus::Closed,
            last_update_at: now,
            closure: Some(closure.clone()),
            overdue_notice_until: None,
            ..before.clone()
        };
        after.dates.stamp(EscalationStatus::Closed, now);
        let done = save(&mut tx, ctx, &before, &after).await?;
        let by = actor(&mut tx, ctx).await?;
        let text = format!(
            "Closed with the customer's written agreement: {} on {} ({}). Outcome: {} Sentiment: {}.",
            closure.agreed_by,
            closure.agreed_on,
            closure.agreement,
            closure.outcome,
            closure.sentiment.code()
        );
        log(
            &mut tx,
            ctx,
            id,
            now,
            &by.0,
            &text,
            Some((before.status, EscalationStatus::Closed)),
        )
        .await?;
        crate::webhooks::emit(&mut tx, EventKind::EscalationUpdated, &done).await?;
        tell_dri(&mut tx, ctx, &done, (&by.0, by.1), "closed this escalation.").await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn escalation_timeline(&self, id: EscalationId) -> Result<Vec<EscalationUpdate>> {
        let rows = self
            .pools
            .all(
                sql(
                    "SELECT id, escalation_id, at, by_user, by_name, text, from_status, to_status \
                     FROM escalation_updates WHERE escalation_id = $1 ORDER BY at, id",
                )
                .bind(id),
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EscalationUpdate {
                    id: r.get("id")?,
                    escalation_id: r.id("escalation_id")?,
                    at: r.get("at")?,
                    by_user: r.opt_id("by_user")?,
                    by: r.get("by_name")?,
                    text: r.get("text")?,
                    from_status: r.opt_code("from_status")?,
                    to_status: r.opt_code("to_status")?,
                })
            })
            .collect()
    }

    async fn overdue_escalations(
        &self,
        ctx: &WriteCtx,
        scope_: EscalationScope,
        now: OffsetDateTime,
        notify: bool,
    ) -> Result<Vec<OverdueEscalation>> {
        let now = second(now);
        let t = table::<Escalation>();
        let mut q = t.select();
        q.push(" AND archived_at IS NULL AND status <> 'closed' AND next_update_due < ")
            .push_bind(now);
        scope(&mut q, &scope_);
        q.push(" ORDER BY next_update_due, id");
        let found: Vec<Escalation> = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(Escalation::read)
            .collect::<Result<_>>()?;
        let dris: Vec<PersonId> = found.iter().filter_map(|e| e.fields.dri_id).collect();
        let mut people = std::collections::HashMap::new();
        for id in dris {
            if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(id) {
                match table::<Person>().get(&mut &self.pools, id.get(), "").await {
                    Ok(p) => {
                        slot.insert(p);
                    }
                    Err(Error::NotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let mut out = Vec::with_capacity(found.len());
        for e in found {
            let dri = e.fields.dri_id.and_then(|d| people.get(&d));
            let mut notified = false;
            let mut escalation = e.clone();
            if notify && e.overdue_notice_due(now) {
                let mut tx = self.pools.begin().await?;
                // Read again under the lock: another node may have told the DRI already.
                let before = current(&mut tx, e.id, None).await?;
                if before.overdue_notice_due(now) {
                    let settings = cadences(&mut tx).await?;
                    let cadence = settings.cadence(before.fields.severity);
                    let after = Escalation {
                        overdue_notice_until: Some(esc::overdue_period_end(before.next_update_due, cadence, now)),
                        ..before.clone()
                    };
                    escalation = save(&mut tx, ctx, &before, &after).await?;
                    if let Some(person) = dri {
                        let late = now - before.next_update_due;
                        let subject = format!(
                            "[{}] Escalation {} update overdue: {}",
                            before.fields.severity.label(),
                            before.id,
                            before.fields.title
                        );
                        let body = format!(
                            "The customer update on escalation {} ({} severity, {}) was due at {} and is {} hours late. \
                             Add an update to the escalation's timeline.\n",
                            before.id,
                            before.fields.severity.code(),
                            before.status.code(),
                            before.next_update_due,
                            late.whole_hours()
                        );
                        outbox::queue(
                            &mut tx,
                            &notice(NoticeKind::EscalationOverdue, person, &before, subject, body),
                        )
                        .await?;
                        notified = true;
                    }
                }
                tx.commit().await?;
            }
            out.push(OverdueEscalation {
                escalation,
                dri_name: dri.map(|p| p.fields.name.clone()),
                dri_email: dri.map(|p| p.fields.email.clone()),
                notified,
            });
        }
        Ok(out)
    }

    async fn escalation_summary(&self, scope_: EscalationScope, now: OffsetDateTime) -> Result<EscalationSummary> {
        let now = second(now);
        let open = summary_rows(self, scope_).await?;
        let by_severity = Severity::ALL
            .iter()
            .map(|s| {
                let of: Vec<&Escalation> = open.iter().filter(|e| e.fields.severity == *s).collect();
                SeverityCount {
                    severity: *s,
                    open: of.len() as i64,
                    overdue: of.iter().filter(|e| e.is_overdue(now)).count() as i64,
                }
            })
            .collect();
        Ok(EscalationSummary { by_severity, open })
    }
}
