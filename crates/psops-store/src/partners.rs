//! Partner organisations in SQL.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::partners::{Partner, PartnerFields, PartnerFilter, PartnerId, PartnerPatch};
use psops_core::store::{Created, IfVersion, PartnerStore, WriteCtx};

use crate::common::{Table, check_version, meta, search};
use crate::db::{Row, now, on_unique, sql};
use crate::{Db, idempotency};

pub(crate) const PARTNERS: Table<Partner> = Table {
    table: "partners",
    entity: "partner",
    columns: "id, name, partner_type, region, notes, version, created_at, updated_at, archived_at",
    read,
};

fn read(r: &Row) -> Result<Partner> {
    Ok(Partner {
        id: r.id("id")?,
        fields: PartnerFields {
            name: r.get("name")?,
            partner_type: r.code("partner_type")?,
            region: r.get("region")?,
            notes: r.get("notes")?,
        },
        meta: meta(r)?,
    })
}

const DUPLICATE: &str = "a partner with this name already exists";

#[async_trait]
impl PartnerStore for Db {
    async fn create_partner(&self, ctx: &WriteCtx, new: PartnerFields) -> Result<Created<Partner>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, PARTNERS.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        let q = sql(format!(
            "INSERT INTO partners (name, partner_type, region, notes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING {}",
            PARTNERS.columns
        ))
        .bind(new.name.trim())
        .bind(new.partner_type.code())
        .bind(new.region)
        .bind(new.notes)
        .bind(now());
        let row = tx.one(q).await.map_err(on_unique("name", DUPLICATE))?;
        PARTNERS.created(&self.pools, tx, ctx, read(&row)?).await
    }

    async fn partner(&self, id: PartnerId) -> Result<Partner> {
        PARTNERS.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_partner(
        &self,
        ctx: &WriteCtx,
        id: PartnerId,
        v: IfVersion,
        patch: PartnerPatch,
    ) -> Result<Partner> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = PARTNERS.get(&mut tx, id.get(), lock).await?;
        check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        let q = sql(format!(
            "UPDATE partners SET name = $2, partner_type = $3, region = $4, notes = $5, \
             version = version + 1, updated_at = $6 WHERE id = $1 RETURNING {}",
            PARTNERS.columns
        ))
        .bind(id)
        .bind(f.name.trim())
        .bind(f.partner_type.code())
        .bind(f.region)
        .bind(f.notes)
        .bind(now());
        let row = tx.one(q).await.map_err(on_unique("name", DUPLICATE))?;
        PARTNERS.updated(tx, ctx, &current, read(&row)?).await
    }

    async fn archive_partner(&self, ctx: &WriteCtx, id: PartnerId, v: IfVersion, archived: bool) -> Result<Partner> {
        PARTNERS.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_partners(&self, filter: &PartnerFilter, page: PageRequest) -> Result<Page<Partner>> {
        let mut q = PARTNERS.select();
        crate::common::scope(&mut q, &filter.scope, psops_core::policy::ListKind::Partners);
        search(&mut q, &["name"], filter.q.as_deref());
        PARTNERS.page(&self.pools, q, filter.archived, page).await
    }
}
