//! New-SKU requests in SQL: a plain kind while a draft, then the approval chain's steps
//! (`submit`, `decide`, `revise`) written here, each in one transaction with its audit
//! entry. The last approval creates the SKU and its first price in the same transaction.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::catalog::CatalogStore;
use std::collections::HashMap;

use psops_core::catalog::offerings::{Offering, OfferingId};
use psops_core::catalog::requests::{
    self, Decision, NewSkuRequest, Outcome, SkuRequest, SkuRequestFields, SkuRequestFilter, SkuRequestId,
    SkuRequestSort, SkuRequestStatus, Step, Verdict,
};
use psops_core::catalog::skus::{Sku, SkuFields, SkuId, SkuPrice, SkuPriceFields, SkuStatus};
use psops_core::code::Code;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Id, Minutes, Money, Result};
use time::Date;

use crate::Db;
use crate::catalog::live;
use crate::common::{check_version, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, now, sql};
use crate::record::{Order, Stored, create_in, table};

#[async_trait]
impl Stored for SkuRequest {
    const TABLE: &'static str = "sku_requests";
    const FIXED: &'static [&'static str] = &["status", "requested_by", "round", "chain", "sku_id", "waiting_for"];
    const COLUMNS: &'static [&'static str] = &[
        "offering_id",
        "name",
        "unit",
        "block_minutes",
        "term_months",
        "channel",
        "list_price_minor",
        "minutes",
        "hourly_cost_minor",
        "currency",
        "te_assumption",
        "assumptions",
        "specimen_sow",
    ];

    fn read(r: &Row) -> Result<SkuRequest> {
        let currency = r.currency("currency")?;
        let fields = SkuRequestFields {
            offering_id: r.id("offering_id")?,
            name: r.get("name")?,
            unit: r.code("unit")?,
            block_minutes: r.get::<Option<i64>>("block_minutes")?.map(Minutes),
            term_months: r.get::<Option<i64>>("term_months")?.map(|t| t as i32),
            channel: r.code("channel")?,
            list_price: r
                .get::<Option<i64>>("list_price_minor")?
                .map(|m| Money::new(m, currency)),
            minutes: Minutes(r.get("minutes")?),
            hourly_cost: Money::new(r.get("hourly_cost_minor")?, currency),
            te_assumption: r.get("te_assumption")?,
            assumptions: r.get("assumptions")?,
            specimen_sow: r.get("specimen_sow")?,
        };
        Ok(SkuRequest {
            id: r.id("id")?,
            delivery_cost: fields.delivery_cost()?,
            fields,
            status: r.code("status")?,
            requested_by: r.opt_id("requested_by")?,
            round: r.get::<i64>("round")? as i32,
            chain: r.json("chain")?,
            sku_id: r.opt_id("sku_id")?,
            meta: meta(r)?,
        })
    }

    fn fixed(new: &NewSkuRequest) -> Vec<Value> {
        vec![
            SkuRequestStatus::Draft.code().into(),
            new.requested_by.into(),
            0i64.into(),
            json_text(&Vec::<Step>::new()),
            Option::<SkuId>::None.into(),
            Option::<i64>::None.into(),
        ]
    }

    fn values(f: &SkuRequestFields) -> Vec<Value> {
        vec![
            f.offering_id.into(),
            f.name.trim().into(),
            f.unit.code().into(),
            f.block_minutes.map(|m| m.get()).into(),
            f.term_months.map(i64::from).into(),
            f.channel.code().into(),
            f.list_price.map(|p| p.amount_minor).into(),
            f.minutes.get().into(),
            f.hourly_cost.amount_minor.into(),
            f.currency().to_string().into(),
            f.te_assumption.clone().into(),
            f.assumptions.clone().into(),
            f.specimen_sow.clone().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &SkuRequestFields, me: Option<SkuRequestId>) -> Result<()> {
        if let Some(me) = me {
            table::<SkuRequest>().get(tx, me.get(), "").await?.editable()?;
        }
        live::<Offering>(tx, f.offering_id, "offering_id", "offering").await?;
        Ok(())
    }

    fn filter(q: &mut Sql, f: &SkuRequestFilter) {
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "waiting_for", f.waiting_for);
        if let Some(u) = f.visible_to {
            q.push(" AND (requested_by = ")
                .push_bind(u)
                .push(" OR waiting_for = ")
                .push_bind(u)
                .push(" OR id IN (SELECT request_id FROM sku_request_decisions WHERE decided_by = ")
                .push_bind(u)
                .push("))");
        }
    }

    fn order(key: SkuRequestSort) -> Order {
        match key {
            SkuRequestSort::Name => Order::By("LOWER(name)"),
            // Drafts, then those in review, rejected and approved: the life of a request.
            SkuRequestSort::Status => {
                Order::By("CASE status WHEN 'draft' THEN 0 WHEN 'in_review' THEN 1 WHEN 'rejected' THEN 2 ELSE 3 END")
            }
            SkuRequestSort::Updated => Order::By("updated_at"),
        }
    }
}

/// Loads a request for a change, locked, at the version the caller read.
async fn current(tx: &mut Tx, id: SkuRequestId, v: IfVersion) -> Result<SkuRequest> {
    let lock = tx.for_update();
    let r = table::<SkuRequest>().get(tx, id.get(), lock).await?;
    check_version(r.meta.version, v)?;
    Ok(r)
}

/// A request's state after a step of its chain.
struct Next<'a> {
    status: SkuRequestStatus,
    round: i32,
    chain: &'a [Step],
    waiting_for: Option<i64>,
    sku: Option<SkuId>,
}

/// Writes a request's state and audits the change.
async fn set_state(tx: &mut Tx, ctx: &WriteCtx, before: &SkuRequest, next: Next<'_>) -> Result<SkuRequest> {
    let Next {
        status,
        round,
        chain,
        waiting_for,
        sku,
    } = next;
    let q = sql(format!(
        "UPDATE sku_requests SET status = $1, round = $2, chain = $3, waiting_for = $4, sku_id = $5, \
         version = version + 1, updated_at = $6 WHERE id = $7 RETURNING id, {}, {}, version, created_at, updated_at, archived_at",
        SkuRequest::FIXED.join(", "),
        SkuRequest::COLUMNS.join(", ")
    ))
    .bind(status.code())
    .bind(i64::from(round))
    .bind(json_text(&chain))
    .bind(waiting_for)
    .bind(sku)
    .bind(now())
    .bind(before.id);
    let after = SkuRequest::read(&tx.one(q).await?)?;
    crate::audit::record(
        tx,
        ctx,
        <SkuRequest as psops_core::record::Record>::ENTITY,
        after.id.get(),
        AuditAction::Update,
        Some(before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

async fn decided(tx: &mut Tx, id: SkuRequestId, round: i32) -> Result<usize> {
    let q = sql("SELECT COUNT(*) AS n FROM sku_request_decisions WHERE request_id = $1 AND round = $2")
        .bind(id)
        .bind(i64::from(round));
    Ok(tx.one(q).await?.get::<i64>("n")? as usize)
}

/// Makes the SKU an approved request asks for: numbered after the highest number with
/// the organisation's prefix, active, with its proposed price from today.
async fn make_sku(tx: &mut Tx, ctx: &WriteCtx, r: &SkuRequest, prefix: &str) -> Result<Sku> {
    let taken = tx
        .all(sql("SELECT code FROM skus WHERE code LIKE $1").bind(format!("{prefix}%")))
        .await?
        .iter()
        .map(|row| row.get::<String>("code"))
        .collect::<Result<Vec<_>>>()?;
    let f = &r.fields;
    let sku = create_in::<Sku>(
        tx,
        ctx,
        &SkuFields {
            offering_id: f.offering_id,
            code: requests::next_code(prefix, taken),
            name: f.name.clone(),
            unit: f.unit,
            block_minutes: f.block_minutes,
            term_months: f.term_months,
            currency: f.currency(),
            seat_limit: None,
            addon_sku_id: None,
            bounds: vec![],
            bounds_note: None,
            always_custom: false,
            standard_sow: true,
            te_separate: false,
            channel: f.channel,
            status: SkuStatus::Active,
        },
    )
    .await?;
    if let Some(price) = f.list_price {
        let today = now().date();
        create_in::<SkuPrice>(
            tx,
            ctx,
            &SkuPriceFields {
                sku_id: sku.id,
                effective_from: today,
                price,
                note: Some(format!("proposed in SKU request {}", r.id)),
            },
        )
        .await?;
    }
    Ok(sku)
}

fn read_decision(row: &Row) -> Result<Decision> {
    Ok(Decision {
        round: row.get::<i64>("round")? as i32,
        step: row.get::<i64>("step")? as i32,
        step_name: row.get("step_name")?,
        decided_by: row.id("decided_by")?,
        decision: row.code("decision")?,
        reason: row.get("reason")?,
        decided_at: row.get("decided_at")?,
    })
}

#[async_trait]
impl CatalogStore for Db {
    async fn submit_sku_request(&self, ctx: &WriteCtx, id: SkuRequestId, v: IfVersion) -> Result<SkuRequest> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let settings = crate::org::load(&mut tx).await?;
        let chain = requests::submit(&before, &settings.sku_approval_chain)?;
        live::<Offering>(&mut tx, before.fields.offering_id, "offering_id", "offering").await?;
        let first = chain.first().and_then(|s| s.approver).map(Id::get);
        let after = set_state(
            &mut tx,
            ctx,
            &before,
            Next {
                status: SkuRequestStatus::InReview,
                round: before.round + 1,
                chain: &chain,
                waiting_for: first,
                sku: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn decide_sku_request(
        &self,
        ctx: &WriteCtx,
        id: SkuRequestId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<SkuRequest> {
        let actor = ctx
            .user_id
            .ok_or_else(|| Error::Forbidden("a step is decided by its approver, a signed-in user".into()))?;
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let done = decided(&mut tx, id, before.round).await?;
        let outcome = requests::decide(&before, done, actor, verdict, reason.as_deref())?;
        let step = &before.chain[done];
        tx.execute(
            sql("INSERT INTO sku_request_decisions (request_id, round, step, step_name, decided_by, decision, reason, decided_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(i64::from(before.round))
            .bind(done as i64)
            .bind(step.name.as_str())
            .bind(actor)
            .bind(verdict.code())
            .bind(reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()))
            .bind(now()),
        )
        .await?;
        let after = match outcome {
            Outcome::Next => {
                let next = before.chain.get(done + 1).and_then(|s| s.approver).map(Id::get);
                let status = SkuRequestStatus::InReview;
                set_state(
                    &mut tx,
                    ctx,
                    &before,
                    Next {
                        status,
                        round: before.round,
                        chain: &before.chain,
                        waiting_for: next,
                        sku: None,
                    },
                )
                .await?
            }
            Outcome::Rejected => {
                let status = SkuRequestStatus::Rejected;
                set_state(
                    &mut tx,
                    ctx,
                    &before,
                    Next {
                        status,
                        round: before.round,
                        chain: &before.chain,
                        waiting_for: None,
                        sku: None,
                    },
                )
                .await?
            }
            Outcome::Approved => {
                let prefix = crate::org::load(&mut tx).await?.sku_code_prefix;
                let sku = make_sku(&mut tx, ctx, &before, &prefix).await?;
                let status = SkuRequestStatus::Approved;
                set_state(
                    &mut tx,
                    ctx,
                    &before,
                    Next {
                        status,
                        round: before.round,
                        chain: &before.chain,
                        waiting_for: None,
                        sku: Some(sku.id),
                    },
                )
                .await?
            }
        };
        tx.commit().await?;
        Ok(after)
    }

    async fn revise_sku_request(&self, ctx: &WriteCtx, id: SkuRequestId, v: IfVersion) -> Result<SkuRequest> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        if before.status != SkuRequestStatus::Rejected {
            return Err(Error::invalid(
                "status",
                psops_core::rule::Rule::InvalidTransition,
                format!(
                    "SKU request {id} is {}: only a rejected request goes back to a draft",
                    before.status.code()
                ),
            ));
        }
        let after = set_state(
            &mut tx,
            ctx,
            &before,
            Next {
                status: SkuRequestStatus::Draft,
                round: before.round,
                chain: &before.chain,
                waiting_for: None,
                sku: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn sku_request_decisions(&self, id: SkuRequestId) -> Result<Vec<Decision>> {
        let rows = self
            .pools
            .all(sql(
                "SELECT round, step, step_name, decided_by, decision, reason, decided_at FROM sku_request_decisions \
                 WHERE request_id = $1 ORDER BY round, step",
            )
            .bind(id))
            .await?;
        rows.iter().map(read_decision).collect()
    }

    async fn sku_prices(&self, id: SkuId) -> Result<Vec<SkuPrice>> {
        let t = table::<SkuPrice>();
        let q = sql(format!(
            "SELECT {} FROM sku_prices WHERE sku_id = $1 ORDER BY effective_from",
            t.columns
        ))
        .bind(id);
        self.pools.all(q).await?.iter().map(t.read).collect()
    }

    async fn quote_sku(&self, id: SkuId, date: Date) -> Result<Money> {
        let sku = psops_core::store::RecordStore::<Sku>::get(self, id).await?;
        let prices = self.sku_prices(id).await?;
        psops_core::catalog::skus::quote(&sku, &prices, date)
    }

    async fn sku_counts(&self, offerings: &[OfferingId]) -> Result<HashMap<i64, i64>> {
        let mut out = HashMap::new();
        if offerings.is_empty() {
            return Ok(out);
        }
        let mut q = sql("SELECT offering_id, COUNT(*) AS n FROM skus WHERE archived_at IS NULL AND offering_id IN (");
        let raw: Vec<i64> = offerings.iter().map(|id| id.get()).collect();
        crate::rollups::push_list(&mut q, &raw);
        q.push(") GROUP BY offering_id");
        for row in self.pools.all(q).await? {
            out.insert(row.get("offering_id")?, row.get("n")?);
        }
        Ok(out)
    }
}
