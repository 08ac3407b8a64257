//! A partner's status moves and onboarding checklist in SQL. Each move rewrites the
//! partner's row (audited as a change of the partner); each tick and untick is audited
//! under `partner_onboarding` with the partner's id.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::partnering::onboarding::{
    Onboarding, OnboardingItem, OnboardingLine, OnboardingStore, PartnerMove, check_move, check_tick, check_untick,
    checklist, missing,
};
use psops_core::partners::{Partner, PartnerId};
use psops_core::record::Entity;
use psops_core::store::{IfVersion, WriteCtx};
use serde::Serialize;
use time::Date;

use crate::Db;
use crate::common::Exec;
use crate::common::check_version;
use crate::db::{Tx, Value, now, sql};
use crate::record::{persist, table};

/// One tick as the audit log keeps it.
#[derive(Serialize)]
struct Ticked {
    item: OnboardingItem,
    done_on: Date,
}

async fn ticked<E: Exec>(e: &mut E, id: PartnerId) -> Result<Vec<(OnboardingItem, Date, Option<i64>, Option<String>)>> {
    let q = sql(
        "SELECT o.item, o.done_on, o.ticked_by, u.name AS by_name FROM partner_onboarding o \
         LEFT JOIN users u ON u.id = o.ticked_by WHERE o.partner_id = $1",
    )
    .bind(id.get());
    let mut out = Vec::new();
    for r in e.all(q).await? {
        out.push((
            r.code("item")?,
            r.get("done_on")?,
            r.get("ticked_by")?,
            r.get("by_name")?,
        ));
    }
    Ok(out)
}

pub(crate) async fn read<E: Exec>(e: &mut E, id: PartnerId) -> Result<Onboarding> {
    let partner = table::<Partner>().get(e, id.get(), "").await?;
    let rows = ticked(e, id).await?;
    let t = partner.fields.partner_type;
    let done: Vec<OnboardingItem> = rows.iter().map(|r| r.0).collect();
    let items = checklist(t)
        .iter()
        .map(|item| {
            let row = rows.iter().find(|r| r.0 == *item);
            OnboardingLine {
                item: *item,
                label: item.label().into(),
                done_on: row.map(|r| r.1),
                ticked_by: row.and_then(|r| r.2).map(psops_core::Id::new),
                ticked_by_name: row.and_then(|r| r.3.clone()),
            }
        })
        .collect();
    let open = missing(t, &done);
    Ok(Onboarding {
        partner_id: id,
        partner_type: t,
        status: partner.status,
        status_since: partner.status_since,
        items,
        complete: open.is_empty(),
        open,
    })
}

async fn locked(tx: &mut Tx, id: PartnerId) -> Result<Partner> {
    let lock = tx.for_update();
    table::<Partner>().get(tx, id.get(), lock).await
}

#[async_trait]
impl OnboardingStore for Db {
    async fn move_partner(
        &self,
        ctx: &WriteCtx,
        id: PartnerId,
        v: IfVersion,
        m: PartnerMove,
        today: Date,
    ) -> Result<Partner> {
        let mut tx = self.pools.begin().await?;
        let before = locked(&mut tx, id).await?;
        check_version(before.meta.version, v)?;
        let done: Vec<OnboardingItem> = ticked(&mut tx, id).await?.into_iter().map(|r| r.0).collect();
        check_move(before.status, m.to, &missing(before.fields.partner_type, &done))?;
        let on = m.on.unwrap_or(today);
        let fixed: Vec<Value> = vec![m.to.code().into(), on.into()];
        let after = persist(&mut tx, ctx, &before, fixed, &before.fields).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn onboarding(&self, id: PartnerId) -> Result<Onboarding> {
        read(&mut &self.pools, id).await
    }

    async fn tick(&self, ctx: &WriteCtx, id: PartnerId, item: OnboardingItem, done_on: Date) -> Result<Onboarding> {
        let mut tx = self.pools.begin().await?;
        let partner = locked(&mut tx, id).await?;
        let rows = ticked(&mut tx, id).await?;
        let done: Vec<OnboardingItem> = rows.iter().map(|r| r.0).collect();
        check_tick(partner.fields.partner_type, partner.status, item, &done)?;
        let before = rows.iter().find(|r| r.0 == item).map(|r| Ticked { item, done_on: r.1 });
        tx.execute(
            sql("DELETE FROM partner_onboarding WHERE partner_id = $1 AND item = $2")
                .bind(id.get())
                .bind(item.code()),
        )
        .await?;
        let q = sql("INSERT INTO partner_onboarding (partner_id, item, done_on, ticked_by, ticked_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.get())
            .bind(item.code())
            .bind(done_on)
            .bind(ctx.user_id.map(|u| u.get()))
            .bind(now());
        tx.execute(q).await?;
        let after = Ticked { item, done_on };
        let action = if before.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::PartnerOnboarding,
            id.get(),
            action,
            before.as_ref(),
            Some(&after),
        )
        .await?;
        let out = read(&mut tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn untick(&self, ctx: &WriteCtx, id: PartnerId, item: OnboardingItem) -> Result<Onboarding> {
        let mut tx = self.pools.begin().await?;
        let partner = locked(&mut tx, id).await?;
        check_untick(partner.status)?;
        let rows = ticked(&mut tx, id).await?;
        if let Some(r) = rows.iter().find(|r| r.0 == item) {
            let before = Ticked { item, done_on: r.1 };
            tx.execute(
                sql("DELETE FROM partner_onboarding WHERE partner_id = $1 AND item = $2")
                    .bind(id.get())
                    .bind(item.code()),
            )
            .await?;
            crate::audit::record(
                &mut tx,
                ctx,
                Entity::PartnerOnboarding,
                id.get(),
                AuditAction::Delete,
                Some(&before),
                None,
            )
            .await?;
        }
        let out = read(&mut tx, id).await?;
        tx.commit().await?;
        Ok(out)
    }
}
