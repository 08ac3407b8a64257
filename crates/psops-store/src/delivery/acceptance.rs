//! Milestone acceptance in SQL: the request (its notice queued to the contact in the
//! same transaction), the sign-off, the passive-acceptance sweep and the evidence kept
//! with a milestone. A milestone's acceptance is one row of `milestone_acceptances`
//! (none: not requested); every change bumps the milestone's version and is audited as
//! a change of the milestone.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::accounts::ContactId;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::delivery::acceptance::{
    self as acc, Acceptance, AcceptanceMethod, AcceptanceRequest, AcceptanceState, AcceptanceStore, AwaitingAcceptance,
    Evidence, EvidenceFile, EvidenceId, EvidenceKind, MilestoneAcceptance, NewEvidence, PassiveAcceptance, SignOff,
};
use psops_core::notify::{Notice, NoticeKind};
use psops_core::plan::{Milestone, MilestoneId, MilestoneStatus};
use psops_core::projects::{Project, ProjectId};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scope::{ListKind, ListScope};
use psops_core::scoping::clocks::WorkDays;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::webhooks::EventKind;
use psops_core::{Error, Result};
use time::Date;

use crate::Db;
use crate::common::{Exec, check_version};
use crate::db::{Row, Tx, now, sql};
use crate::record::table;

const ACCEPTANCE_COLUMNS: &str = "a.state, a.requested_on, a.contact_id, a.contact_name, a.contact_email, \
     a.passive_days, a.passive_on, a.requests_sent, a.accepted_on, a.accepted_by, a.method, a.note, a.passive_used";

const EVIDENCE_COLUMNS: &str = "id, milestone_id, kind, url, file_name, content_type, size_bytes, note, added_at";

/// A row of [`ACCEPTANCE_COLUMNS`]; a milestone without one is not requested.
fn read_acceptance(r: &Row) -> Result<Acceptance> {
    let Some(state) = r.opt_code::<AcceptanceState>("state")? else {
        return Ok(Acceptance::default());
    };
    Ok(Acceptance {
        state,
        requested_on: r.get("requested_on")?,
        contact_id: r.opt_id("contact_id")?,
        contact_name: r.get("contact_name")?,
        contact_email: r.get("contact_email")?,
        passive_days: r.get("passive_days")?,
        passive_on: r.get("passive_on")?,
        requests_sent: r.get("requests_sent")?,
        accepted_on: r.get("accepted_on")?,
        accepted_by: r.get("accepted_by")?,
        method: r.opt_code("method")?,
        note: r.get("note")?,
        passive_used: r.get("passive_used")?,
    })
}

fn read_evidence(r: &Row) -> Result<Evidence> {
    Ok(Evidence {
        id: r.id("id")?,
        milestone_id: r.id("milestone_id")?,
        kind: r.code("kind")?,
        url: r.get("url")?,
        file_name: r.get("file_name")?,
        content_type: r.get("content_type")?,
        size_bytes: r.get("size_bytes")?,
        note: r.get("note")?,
        added_at: r.get("added_at")?,
    })
}

async fn acceptance_of<E: Exec>(e: &mut E, id: MilestoneId) -> Result<Acceptance> {
    let q = sql(format!(
        "SELECT {ACCEPTANCE_COLUMNS} FROM milestone_acceptances a WHERE a.milestone_id = $1"
    ))
    .bind(id);
    match e.all(q).await?.first() {
        Some(r) => read_acceptance(r),
        None => Ok(Acceptance::default()),
    }
}

/// The evidence of these milestones (without file content), oldest first.
async fn evidence_of<E: Exec>(e: &mut E, ids: &[i64]) -> Result<HashMap<i64, Vec<Evidence>>> {
    let mut by: HashMap<i64, Vec<Evidence>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut q = sql(format!(
            "SELECT {EVIDENCE_COLUMNS} FROM milestone_evidence WHERE milestone_id IN ("
        ));
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(*id);
        }
        q.push(") ORDER BY id");
        for r in e.all(q).await? {
            let ev = read_evidence(&r)?;
            by.entry(ev.milestone_id.get()).or_default().push(ev);
        }
    }
    Ok(by)
}

async fn whole<E: Exec>(e: &mut E, m: Milestone) -> Result<MilestoneAcceptance> {
    let acceptance = acceptance_of(e, m.id).await?;
    let evidence = evidence_of(e, &[m.id.get()])
        .await?
        .remove(&m.id.get())
        .unwrap_or_default();
    Ok(MilestoneAcceptance {
        milestone: m,
        acceptance,
        evidence,
    })
}

/// The milestone, locked, at the version the caller saw, and live.
async fn current(tx: &mut Tx, id: MilestoneId, v: IfVersion) -> Result<MilestoneAcceptance> {
    let lock = tx.for_update();
    let m = table::<Milestone>().get(tx, id.get(), lock).await?;
    check_version(m.meta.version, v)?;
    if m.meta.archived_at.is_some() {
        return Err(Error::conflict(
            "archived",
            Rule::Archived,
            "the milestone is archived: restore it first",
        ));
    }
    whole(tx, m).await
}

/// Weekdays less the full-day holidays of a region's calendar (weekdays only without a
/// region or a calendar).
async fn region_days<E: Exec>(e: &mut E, region: Option<&str>) -> Result<WorkDays> {
    let Some(region) = region.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(WorkDays::default());
    };
    let rows = e
        .all(
            sql(
                "SELECT h.holiday_date FROM holidays h JOIN holiday_calendars c ON c.id = h.calendar_id \
                 WHERE lower(c.region) = lower($1) AND h.minutes IS NULL",
            )
            .bind(region),
        )
        .await?;
    let days = rows
        .iter()
        .map(|r| r.get::<Date>("holiday_date"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(WorkDays::new(days))
}

/// The business days of notice: the signed SOW's term when the project came from one,
/// otherwise the organisation's setting.
async fn notice_days(tx: &mut Tx, project: ProjectId) -> Result<i64> {
    let signed = tx
        .optional(
            sql("SELECT passive_days FROM sows WHERE project_id = $1 AND status = $2 ORDER BY id DESC LIMIT 1")
                .bind(project)
                .bind("signed"),
        )
        .await?;
    if let Some(r) = signed {
        return r.get("passive_days");
    }
    Ok(crate::org::load(tx).await?.scoping.passive_acceptance_days)
}

/// Writes the acceptance row, completes the milestone when accepted, bumps its version
/// and audits the change; answers the milestone as it now is.
async fn save(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &MilestoneAcceptance,
    a: &Acceptance,
    notice_id: Option<i64>,
) -> Result<MilestoneAcceptance> {
    let id = before.milestone.id;
    tx.execute(sql("DELETE FROM milestone_acceptances WHERE milestone_id = $1").bind(id))
        .await?;
    tx.execute(
        sql(
            "INSERT INTO milestone_acceptances (milestone_id, state, requested_on, contact_id, contact_name, \
             contact_email, passive_days, passive_on, notice_id, requests_sent, accepted_on, accepted_by, method, \
             note, passive_used) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(id)
        .bind(a.state.code())
        .bind(a.requested_on)
        .bind(a.contact_id)
        .bind(a.contact_name.clone())
        .bind(a.contact_email.clone())
        .bind(a.passive_days)
        .bind(a.passive_on)
        .bind(notice_id)
        .bind(a.requests_sent)
        .bind(a.accepted_on)
        .bind(a.accepted_by.clone())
        .bind(a.method.map(|m| m.code()))
        .bind(a.note.clone())
        .bind(a.passive_used),
    )
    .await?;
    let status = if a.state == AcceptanceState::Accepted {
        MilestoneStatus::Completed
    } else {
        before.milestone.fields.status
    };
    tx.execute(
        sql("UPDATE milestones SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(now())
            .bind(id),
    )
    .await?;
    let m = table::<Milestone>().get(tx, id.get(), "").await?;
    let after = whole(tx, m).await?;
    crate::audit::record(
        tx,
        ctx,
        Entity::Milestone,
        id.get(),
        AuditAction::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    if a.state == AcceptanceState::Accepted && before.acceptance.state != AcceptanceState::Accepted {
        crate::webhooks::emit(tx, EventKind::MilestoneAccepted, &after).await?;
    }
    Ok(after)
}

/// Keeps a link or a file with the milestone, audited (without the file's content).
async fn insert_evidence(tx: &mut Tx, ctx: &WriteCtx, id: MilestoneId, e: &NewEvidence) -> Result<Evidence> {
    e.validate()?;
    let q = match e {
        NewEvidence::Link { url, note } => sql(format!(
            "INSERT INTO milestone_evidence (milestone_id, kind, url, note, added_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {EVIDENCE_COLUMNS}"
        ))
        .bind(id)
        .bind(EvidenceKind::Link.code())
        .bind(url.trim())
        .bind(note.as_deref().map(str::trim).filter(|n| !n.is_empty())),
        NewEvidence::File {
            file_name,
            content_type,
            bytes,
            note,
        } => sql(format!(
            "INSERT INTO milestone_evidence (milestone_id, kind, file_name, content_type, size_bytes, content, note, \
             added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {EVIDENCE_COLUMNS}"
        ))
        .bind(id)
        .bind(EvidenceKind::File.code())
        .bind(file_name.trim())
        .bind(content_type.trim().to_ascii_lowercase())
        .bind(bytes.len() as i64)
        .bind(acc::base64::encode(bytes))
        .bind(note.as_deref().map(str::trim).filter(|n| !n.is_empty())),
    };
    let ev = read_evidence(&tx.one(q.bind(now())).await?)?;
    crate::audit::record(
        tx,
        ctx,
        Entity::MilestoneEvidence,
        ev.id.get(),
        AuditAction::Create,
        None,
        Some(&ev),
    )
    .await?;
    Ok(ev)
}

/// The contact a request goes to: live, of the project's account, with an address.
async fn contact_for(tx: &mut Tx, project: &Project, contact: ContactId) -> Result<(String, String)> {
    let Some(account) = project.fields.account_id else {
        return Err(Error::conflict(
            "contact_id",
            Rule::AccountMismatch,
            "the project has no customer account: an internal project's milestones have no customer to accept them",
        ));
    };
    let row = tx
        .optional(sql("SELECT account_id, name, email, archived_at FROM contacts WHERE id = $1").bind(contact))
        .await?;
    let Some(row) = row else {
        return Err(Error::invalid(
            "contact_id",
            Rule::Exists,
            format!("contact_id: contact {contact} does not exist"),
        ));
    };
    let archived: Option<time::OffsetDateTime> = row.get("archived_at")?;
    if row.id::<psops_core::accounts::Account>("account_id")? != account || archived.is_some() {
        return Err(Error::invalid(
            "contact_id",
            Rule::AccountMismatch,
            format!("contact_id: contact {contact} is not a live contact of the project's account"),
        ));
    }
    let name: String = row.get("name")?;
    let email = row
        .get::<Option<String>>("email")?
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    let Some(email) = email else {
        return Err(Error::invalid(
            "contact_id",
            Rule::NoEmail,
            format!("contact_id: {name} has no e-mail address to send the request to"),
        ));
    };
    Ok((name, email))
}

#[async_trait]
impl AcceptanceStore for Db {
    async fn milestone_acceptance(&self, id: MilestoneId) -> Result<MilestoneAcceptance> {
        let mut e = &self.pools;
        let m = table::<Milestone>().get(&mut e, id.get(), "").await?;
        whole(&mut e, m).await
    }

    async fn project_acceptances(&self, project: ProjectId) -> Result<Vec<MilestoneAcceptance>> {
        let mut e = &self.pools;
        let t = table::<Milestone>();
        let q = sql(format!(
            "SELECT {}, {ACCEPTANCE_COLUMNS} FROM milestones LEFT JOIN milestone_acceptances a \
             ON a.milestone_id = milestones.id WHERE milestones.project_id = $1 AND milestones.archived_at IS NULL \
             ORDER BY milestones.due_date IS NULL, milestones.due_date, milestones.id",
            t.columns
                .split(", ")
                .map(|c| format!("milestones.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(project);
        let rows = e.all(q).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(MilestoneAcceptance {
                milestone: (t.read)(r)?,
                acceptance: read_acceptance(r)?,
                evidence: Vec::new(),
            });
        }
        let ids: Vec<i64> = out.iter().map(|m| m.milestone.id.get()).collect();
        let mut evidence = evidence_of(&mut e, &ids).await?;
        for m in &mut out {
            m.evidence = evidence.remove(&m.milestone.id.get()).unwrap_or_default();
        }
        Ok(out)
    }

    async fn request_acceptance(
        &self,
        ctx: &WriteCtx,
        id: MilestoneId,
        v: IfVersion,
        r: AcceptanceRequest,
    ) -> Result<MilestoneAcceptance> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        crate::finance::invoice_locks::ensure_milestone_open(&mut tx, id, "state").await?;
        acc::not_accepted(&before.acceptance)?;
        let project = table::<Project>()
            .get(&mut tx, before.milestone.fields.project_id.get(), "")
            .await?;
        let (contact_name, contact_email) = contact_for(&mut tx, &project, r.contact_id).await?;
        let region: Option<String> = match project.fields.account_id {
            Some(a) => tx
                .one(sql("SELECT region FROM accounts WHERE id = $1").bind(a))
                .await?
                .get("region")?,
            None => None,
        };
        let days = region_days(&mut tx, region.as_deref()).await?;
        let n = notice_days(&mut tx, project.id).await?;
        let passive_on = acc::passive_on(&days, r.today, n);
        let provider = crate::org::load(&mut tx).await?.scoping.provider_name;
        let (subject, body) = acc::request_text(
            &provider,
            project.fields.name.trim(),
            &before.milestone,
            &contact_name,
            passive_on,
            n,
        );
        let notice = Notice {
            kind: NoticeKind::AcceptanceRequest,
            to_email: contact_email.clone(),
            to_name: contact_name.clone(),
            subject,
            body,
            project_id: Some(project.id),
            about: Some(format!("milestone:{id}")),
        };
        let notice_id = crate::outbox::queue(&mut tx, &notice).await?;
        let after = Acceptance {
            state: AcceptanceState::Requested,
            requested_on: Some(r.today),
            contact_id: Some(r.contact_id),
            contact_name: Some(contact_name),
            contact_email: Some(contact_email),
            passive_days: Some(n),
            passive_on: Some(passive_on),
            requests_sent: before.acceptance.requests_sent + 1,
            ..Acceptance::default()
        };
        let saved = save(&mut tx, ctx, &before, &after, Some(notice_id)).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn record_acceptance(
        &self,
        ctx: &WriteCtx,
        id: MilestoneId,
        v: IfVersion,
        s: SignOff,
    ) -> Result<MilestoneAcceptance> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        crate::finance::invoice_locks::ensure_milestone_open(&mut tx, id, "state").await?;
        acc::not_accepted(&before.acceptance)?;
        let on = s.validate(&before.acceptance, !before.evidence.is_empty())?;
        if let Some(e) = &s.evidence {
            insert_evidence(&mut tx, ctx, id, e).await?;
        }
        let after = Acceptance {
            state: AcceptanceState::Accepted,
            accepted_on: Some(on),
            accepted_by: Some(s.accepted_by.trim().to_string()),
            method: Some(s.method),
            note: s.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            passive_used: false,
            ..before.acceptance.clone()
        };
        let notice = tx
            .optional(sql("SELECT notice_id FROM milestone_acceptances WHERE milestone_id = $1").bind(id))
            .await?
            .map(|r| r.get::<Option<i64>>("notice_id"))
            .transpose()?
            .flatten();
        let saved = save(&mut tx, ctx, &before, &after, notice).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn add_evidence(&self, ctx: &WriteCtx, id: MilestoneId, e: NewEvidence) -> Result<Evidence> {
        let mut tx = self.pools.begin().await?;
        current(&mut tx, id, None).await?;
        let ev = insert_evidence(&mut tx, ctx, id, &e).await?;
        tx.commit().await?;
        Ok(ev)
    }

    async fn evidence_file(&self, id: MilestoneId, evidence: EvidenceId) -> Result<EvidenceFile> {
        let row = self
            .pools
            .optional(
                sql("SELECT file_name, content_type, content FROM milestone_evidence \
                     WHERE id = $1 AND milestone_id = $2 AND kind = $3")
                .bind(evidence)
                .bind(id)
                .bind(EvidenceKind::File.code()),
            )
            .await?;
        let Some(row) = row else {
            return Err(Error::not_found(Entity::MilestoneEvidence, evidence));
        };
        let content: String = row.get("content")?;
        let bytes = acc::base64::decode(&content)
            .ok_or_else(|| Error::internal(format!("evidence {evidence}: its stored content is not base64")))?;
        Ok(EvidenceFile {
            file_name: row.get("file_name")?,
            content_type: row.get("content_type")?,
            bytes,
        })
    }

    async fn sweep_acceptance(&self, ctx: &WriteCtx, today: Date) -> Result<Vec<PassiveAcceptance>> {
        let rows = self
            .pools
            .all(
                sql(
                    "SELECT a.milestone_id FROM milestone_acceptances a JOIN milestones m ON m.id = a.milestone_id \
                     WHERE a.state = $1 AND a.passive_on < $2 AND m.archived_at IS NULL \
                     ORDER BY a.passive_on, a.milestone_id",
                )
                .bind(AcceptanceState::Requested.code())
                .bind(today),
            )
            .await?;
        let mut accepted = Vec::new();
        for r in rows {
            let id: MilestoneId = r.id("milestone_id")?;
            let mut tx = self.pools.begin().await?;
            let before = current(&mut tx, id, None).await?;
            // Someone may have accepted it or sent it again since the list was read.
            if !acc::overdue(&before.acceptance, today) {
                continue;
            }
            let (Some(requested_on), Some(passive_on)) = (before.acceptance.requested_on, before.acceptance.passive_on)
            else {
                continue;
            };
            let after = Acceptance {
                state: AcceptanceState::Accepted,
                accepted_on: Some(passive_on),
                accepted_by: None,
                method: Some(AcceptanceMethod::Passive),
                note: Some(format!(
                    "passive acceptance used: no answer within {} business days of the request sent on {requested_on}",
                    before.acceptance.passive_days.unwrap_or_default()
                )),
                passive_used: true,
                ..before.acceptance.clone()
            };
            let notice = tx
                .optional(sql("SELECT notice_id FROM milestone_acceptances WHERE milestone_id = $1").bind(id))
                .await?
                .map(|r| r.get::<Option<i64>>("notice_id"))
                .transpose()?
                .flatten();
            let saved = save(&mut tx, ctx, &before, &after, notice).await?;
            let project = tx
                .one(sql("SELECT name FROM projects WHERE id = $1").bind(saved.milestone.fields.project_id))
                .await?;
            tx.commit().await?;
            accepted.push(PassiveAcceptance {
                milestone_id: id,
                project_id: saved.milestone.fields.project_id,
                project_name: project.get("name")?,
                milestone_name: saved.milestone.fields.name.clone(),
                requested_on,
                accepted_on: passive_on,
            });
        }
        Ok(accepted)
    }

    async fn awaiting_acceptance(&self, scope: ListScope) -> Result<Vec<AwaitingAcceptance>> {
        let mut q = sql(
            "SELECT m.id, m.project_id, p.name AS project_name, m.name, m.amount_minor, m.currency, \
             a.requested_on, a.passive_on, a.contact_name FROM milestone_acceptances a \
             JOIN milestones m ON m.id = a.milestone_id JOIN projects p ON p.id = m.project_id \
             WHERE a.state = $1 AND m.archived_at IS NULL AND p.archived_at IS NULL AND m.project_id IN \
             (SELECT id FROM projects WHERE archived_at IS NULL",
        )
        .bind(AcceptanceState::Requested.code());
        crate::common::scope(&mut q, &scope, ListKind::Projects);
        q.push(") ORDER BY a.passive_on, m.id");
        let rows = self.pools.all(q).await?;
        rows.iter()
            .map(|r| {
                let amount = match r.get::<Option<i64>>("amount_minor")? {
                    Some(_) => Some(r.money("amount_minor", "currency")?),
                    None => None,
                };
                Ok(AwaitingAcceptance {
                    milestone_id: r.id("id")?,
                    project_id: r.id("project_id")?,
                    project_name: r.get("project_name")?,
                    milestone_name: r.get("name")?,
                    amount,
                    requested_on: r.get("requested_on")?,
                    passive_on: r.get("passive_on")?,
                    contact_name: r.get("contact_name")?,
                })
            })
            .collect()
    }
}

/// Whether a milestone's acceptance is recorded: an accepted milestone is not reopened.
pub(crate) async fn accepted(tx: &mut Tx, id: MilestoneId) -> Result<bool> {
    Ok(acceptance_of(tx, id).await?.state == AcceptanceState::Accepted)
}
