//! People in SQL.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::people::{Fte, Person, PersonFields, PersonFilter, PersonId, PersonPatch};
use psops_core::store::{Created, IfVersion, PeopleStore, WriteCtx};
use psops_core::{Error, Result};

use crate::common::{Table, ensure_exists, eq, meta, search};
use crate::db::{Row, Tx, now, on_unique, sql};
use crate::{Db, idempotency};

pub(crate) const PEOPLE: Table<Person> = Table {
    table: "people",
    entity: "person",
    columns: "id, name, email, function, region, time_zone, fte_bp, employment_start, employment_end, \
              manager_id, partner_id, version, created_at, updated_at, archived_at",
    read,
};

fn read(r: &Row) -> Result<Person> {
    Ok(Person {
        id: r.id("id")?,
        fields: PersonFields {
            name: r.get("name")?,
            email: r.get("email")?,
            function: r.code("function")?,
            region: r.get("region")?,
            time_zone: r.get("time_zone")?,
            fte: Fte::from_basis_points(r.get("fte_bp")?)?,
            employment_start: r.get("employment_start")?,
            employment_end: r.get("employment_end")?,
            manager_id: r.opt_id("manager_id")?,
            partner_id: r.opt_id("partner_id")?,
        },
        meta: meta(r)?,
    })
}

const DUPLICATE_EMAIL: &str = "email is already used by another person";

/// Inserts a person (`id` None) or rewrites one's fields; callers validate, check
/// references and audit.
pub(crate) async fn write(tx: &mut Tx, id: Option<PersonId>, f: &PersonFields) -> Result<Person> {
    let q = match id {
        None => sql(format!(
            "INSERT INTO people (name, email, function, region, time_zone, fte_bp, employment_start, employment_end, \
             manager_id, partner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
             RETURNING {}",
            PEOPLE.columns
        )),
        Some(_) => sql(format!(
            "UPDATE people SET name = $1, email = $2, function = $3, region = $4, time_zone = $5, fte_bp = $6, \
             employment_start = $7, employment_end = $8, manager_id = $9, partner_id = $10, \
             version = version + 1, updated_at = $11 WHERE id = $12 RETURNING {}",
            PEOPLE.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.email.trim())
    .bind(f.function.code())
    .bind(f.region.trim())
    .bind(f.time_zone.as_str())
    .bind(f.fte.basis_points())
    .bind(f.employment_start)
    .bind(f.employment_end)
    .bind(f.manager_id)
    .bind(f.partner_id)
    .bind(now());
    let q = if let Some(id) = id { q.bind(id) } else { q };
    read(&tx.one(q).await.map_err(on_unique("email", DUPLICATE_EMAIL))?)
}

pub(crate) async fn check_refs(tx: &mut Tx, f: &PersonFields, me: Option<PersonId>) -> Result<()> {
    if f.manager_id.is_some() && f.manager_id == me {
        return Err(Error::invalid(
            "manager_id",
            "not_self",
            "a person cannot be their own manager",
        ));
    }
    ensure_exists(tx, "people", f.manager_id.map(|i| i.get()), "manager_id", "person").await?;
    ensure_exists(tx, "partners", f.partner_id.map(|i| i.get()), "partner_id", "partner").await
}

#[async_trait]
impl PeopleStore for Db {
    async fn create_person(&self, ctx: &WriteCtx, new: PersonFields) -> Result<Created<Person>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, PEOPLE.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        check_refs(&mut tx, &new, None).await?;
        let person = write(&mut tx, None, &new).await?;
        PEOPLE.created(&self.pools, tx, ctx, person).await
    }

    async fn person(&self, id: PersonId) -> Result<Person> {
        PEOPLE.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_person(&self, ctx: &WriteCtx, id: PersonId, v: IfVersion, patch: PersonPatch) -> Result<Person> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = PEOPLE.get(&mut tx, id.get(), lock).await?;
        crate::common::check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        check_refs(&mut tx, &f, Some(id)).await?;
        let updated = write(&mut tx, Some(id), &f).await?;
        PEOPLE.updated(tx, ctx, &current, updated).await
    }

    async fn archive_person(&self, ctx: &WriteCtx, id: PersonId, v: IfVersion, archived: bool) -> Result<Person> {
        PEOPLE.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_people(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>> {
        let mut q = PEOPLE.select();
        crate::common::scope(&mut q, &filter.scope, psops_core::policy::ListKind::People);
        eq(&mut q, "function", filter.function.map(|f| f.code()));
        eq(&mut q, "region", filter.region.as_deref());
        eq(&mut q, "manager_id", filter.manager_id);
        eq(&mut q, "partner_id", filter.partner_id);
        search(&mut q, &["name", "email"], filter.q.as_deref());
        PEOPLE.page(&self.pools, q, filter.archived, page).await
    }
}
