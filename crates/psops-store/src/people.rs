//! People in SQL.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::people::{Fte, Person, PersonFields, PersonFilter, PersonId, PersonSort};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::{Error, Result};

use crate::common::{ensure_exists, eq, meta, scope, search};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::Stored;

#[async_trait]
impl Stored for Person {
    const TABLE: &'static str = "people";
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "email",
        "function",
        "region",
        "time_zone",
        "fte_bp",
        "employment_start",
        "employment_end",
        "manager_id",
        "partner_id",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("email", "email is already used by another person"));
    /// People who share a name are told apart by their e-mail, wherever they are named.
    const TWINS: Option<&'static str> = Some("email");
    const COUNTED: crate::follow::Kinds = crate::follow::PEOPLE;

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

    fn values(f: &PersonFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.email.trim().into(),
            f.function.code().into(),
            f.region.trim().into(),
            f.time_zone.as_str().into(),
            f.fte.basis_points().into(),
            f.employment_start.into(),
            f.employment_end.into(),
            f.manager_id.into(),
            f.partner_id.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &PersonFields, me: Option<PersonId>) -> Result<()> {
        if f.manager_id.is_some() && f.manager_id == me {
            return Err(Error::invalid(
                "manager_id",
                Rule::NotSelf,
                "a person cannot be their own manager",
            ));
        }
        ensure_exists(tx, "people", f.manager_id.map(|i| i.get()), "manager_id", "person").await?;
        ensure_exists(tx, "partners", f.partner_id.map(|i| i.get()), "partner_id", "partner").await
    }

    /// Someone who becomes a partner's consultant brings their recognised time into the
    /// partner ledger, which recognition fills with partner consultants' time only.
    async fn changing(
        tx: &mut Tx,
        _ctx: &psops_core::store::WriteCtx,
        before: &Person,
        after: &PersonFields,
    ) -> Result<()> {
        if before.fields.partner_id.is_none() && after.partner_id.is_some() {
            crate::partnering::report::person_joins_partner(tx, before.id.get()).await?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &PersonFilter) {
        scope(q, &f.scope, ListKind::People);
        eq(q, "function", f.function.map(|f| f.code()));
        crate::common::same_text(q, "region", f.region.as_deref());
        eq(q, "manager_id", f.manager_id);
        eq(q, "partner_id", f.partner_id);
        search(q, &["name", "email"], f.q.as_deref());
    }

    fn order(key: PersonSort) -> crate::record::Order {
        use crate::record::Order::{By, NameOrFirst};
        match key {
            PersonSort::Name => By("LOWER(name)"),
            PersonSort::Email => By("LOWER(email)"),
            PersonSort::Function => By("function"),
            PersonSort::Region => By("LOWER(region)"),
            // The company's own people (no partner) first, then partners by name.
            PersonSort::Employer => NameOrFirst("partners", "partner_id"),
            PersonSort::Fte => By("fte_bp"),
        }
    }
}
