//! The catalog's plain kinds in SQL: offering types, offerings, SKUs, their prices and
//! bundles. Lists inside a record are JSON text read and written whole.

use async_trait::async_trait;
use psops_core::catalog::bundles::{Bundle, BundleFields, BundleFilter};
use psops_core::catalog::offerings::{
    Offering, OfferingFields, OfferingFilter, OfferingSort, OfferingType, OfferingTypeFields, OfferingTypeFilter,
};
use psops_core::catalog::skus::{
    PriceSort, Sku, SkuFields, SkuFilter, SkuId, SkuPrice, SkuPriceFields, SkuPriceFilter, SkuSort,
};
use psops_core::code::Code;
use psops_core::rule::Rule;
use psops_core::sort::ByName;
use psops_core::{Error, Id, Minutes, Result};

use crate::assignments::missing;
use crate::common::{eq, meta, same_text, search};
use crate::db::{Row, Sql, Tx, Value, json_text};
use crate::record::{Order, Stored, table};

#[async_trait]
impl Stored for OfferingType {
    const TABLE: &'static str = "offering_types";
    const COLUMNS: &'static [&'static str] = &["category", "name", "description"];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("name", "an offering type with this name already exists in its category"));

    fn read(r: &Row) -> Result<OfferingType> {
        Ok(OfferingType {
            id: r.id("id")?,
            fields: OfferingTypeFields {
                category: r.get("category")?,
                name: r.get("name")?,
                description: r.get("description")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &OfferingTypeFields) -> Vec<Value> {
        vec![
            f.category.trim().into(),
            f.name.trim().into(),
            f.description.clone().into(),
        ]
    }

    fn filter(q: &mut Sql, f: &OfferingTypeFilter) {
        same_text(q, "category", f.category.as_deref());
        search(q, &["name", "category"], f.q.as_deref());
    }

    fn order(key: ByName) -> Order {
        match key {
            ByName::Name => Order::By("LOWER(category), LOWER(name)"),
        }
    }
}

#[async_trait]
impl Stored for Offering {
    const TABLE: &'static str = "offerings";
    const COLUMNS: &'static [&'static str] = &[
        "type_id",
        "name",
        "maturity",
        "description",
        "kit_links",
        "checklist",
        "effort",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("name", "an offering with this name already exists in its type"));

    fn read(r: &Row) -> Result<Offering> {
        Ok(Offering {
            id: r.id("id")?,
            fields: OfferingFields {
                type_id: r.id("type_id")?,
                name: r.get("name")?,
                maturity: r.code("maturity")?,
                description: r.get("description")?,
                kit_links: r.json("kit_links")?,
                checklist: r.json("checklist")?,
                effort: r.json("effort")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &OfferingFields) -> Vec<Value> {
        vec![
            f.type_id.into(),
            f.name.trim().into(),
            f.maturity.code().into(),
            f.description.clone().into(),
            json_text(&f.kit_links),
            json_text(&f.checklist),
            json_text(&f.effort),
        ]
    }

    async fn check(tx: &mut Tx, f: &OfferingFields, _me: Option<Id<Offering>>) -> Result<()> {
        live::<OfferingType>(tx, f.type_id, "type_id", "offering type").await?;
        Ok(())
    }

    fn filter(q: &mut Sql, f: &OfferingFilter) {
        eq(q, "type_id", f.type_id);
        eq(q, "maturity", f.maturity.map(|m| m.code()));
        if let Some(c) = f.channel {
            q.push(" AND id IN (SELECT offering_id FROM skus WHERE archived_at IS NULL AND channel = ")
                .push_bind(c.code())
                .push(")");
        }
        if let Some(c) = f.category.as_deref() {
            q.push(" AND type_id IN (SELECT id FROM offering_types WHERE lower(category) = lower(")
                .push_bind(c.trim())
                .push("))");
        }
        search(q, &["name", "description"], f.q.as_deref());
    }

    fn order(key: OfferingSort) -> Order {
        match key {
            OfferingSort::Name => Order::By("LOWER(name)"),
            OfferingSort::Maturity => Order::By(MATURITY_ORDER),
            OfferingSort::Type => Order::Name("offering_types", "type_id"),
        }
    }
}

/// Maturity from planned to lovable, not A to Z.
const MATURITY_ORDER: &str = "CASE maturity WHEN 'planned' THEN 0 WHEN 'minimal' THEN 1 WHEN 'viable' THEN 2 \
     WHEN 'complete' THEN 3 ELSE 4 END";

/// A referenced record must exist and take new work.
pub(crate) async fn live<R: Stored>(tx: &mut Tx, id: Id<R>, field: &str, what: &str) -> Result<R> {
    let r = table::<R>()
        .get(tx, id.get(), "")
        .await
        .map_err(|e| missing(e, field, what))?;
    if r.meta().is_archived() {
        return Err(Error::invalid(
            field,
            Rule::Archived,
            format!("{field} {id} is an archived {what}: restore it first"),
        ));
    }
    Ok(r)
}

#[async_trait]
impl Stored for Sku {
    const TABLE: &'static str = "skus";
    const LABEL: &'static str = "code || ' ' || name";
    const COLUMNS: &'static [&'static str] = &[
        "offering_id",
        "code",
        "name",
        "unit",
        "block_minutes",
        "term_months",
        "currency",
        "seat_limit",
        "addon_sku_id",
        "bounds",
        "bounds_note",
        "always_custom",
        "standard_sow",
        "te_separate",
        "channel",
        "status",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("code", "a SKU with this code already exists"));
    const TIES: Option<&'static str> = Some("LOWER(code)");

    fn read(r: &Row) -> Result<Sku> {
        Ok(Sku {
            id: r.id("id")?,
            fields: SkuFields {
                offering_id: r.id("offering_id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                unit: r.code("unit")?,
                block_minutes: r.get::<Option<i64>>("block_minutes")?.map(Minutes),
                term_months: r.get::<Option<i64>>("term_months")?.map(|t| t as i32),
                currency: r.currency("currency")?,
                seat_limit: r.get::<Option<i64>>("seat_limit")?.map(|s| s as i32),
                addon_sku_id: r.opt_id("addon_sku_id")?,
                bounds: r.json("bounds")?,
                bounds_note: r.get("bounds_note")?,
                always_custom: r.get("always_custom")?,
                standard_sow: r.get("standard_sow")?,
                te_separate: r.get("te_separate")?,
                channel: r.code("channel")?,
                status: r.code("status")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &SkuFields) -> Vec<Value> {
        vec![
            f.offering_id.into(),
            f.code.trim().into(),
            f.name.trim().into(),
            f.unit.code().into(),
            f.block_minutes.map(|m| m.get()).into(),
            f.term_months.map(i64::from).into(),
            f.currency.to_string().into(),
            f.seat_limit.map(i64::from).into(),
            f.addon_sku_id.into(),
            json_text(&f.bounds),
            f.bounds_note.clone().into(),
            f.always_custom.into(),
            f.standard_sow.into(),
            f.te_separate.into(),
            f.channel.code().into(),
            f.status.code().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &SkuFields, me: Option<SkuId>) -> Result<()> {
        live::<Offering>(tx, f.offering_id, "offering_id", "offering").await?;
        if let Some(addon) = f.addon_sku_id {
            if Some(addon) == me {
                return Err(Error::invalid(
                    "addon_sku_id",
                    Rule::NotSelf,
                    "addon_sku_id must name another SKU",
                ));
            }
            live::<Sku>(tx, addon, "addon_sku_id", "SKU").await?;
        }
        if let Some(me) = me {
            // Prices are in the SKU's currency: it cannot change under them.
            let q = crate::db::sql("SELECT currency FROM sku_prices WHERE sku_id = $1 AND currency <> $2")
                .bind(me)
                .bind(f.currency.to_string());
            if tx.optional(q).await?.is_some() {
                return Err(Error::invalid(
                    "currency",
                    Rule::Currency,
                    "currency cannot change while the SKU has prices in another currency",
                ));
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &SkuFilter) {
        eq(q, "offering_id", f.offering_id);
        eq(q, "channel", f.channel.map(|c| c.code()));
        eq(q, "status", f.status.map(|s| s.code()));
        search(q, &["code", "name"], f.q.as_deref());
    }

    fn order(key: SkuSort) -> Order {
        match key {
            SkuSort::Code => Order::By("LOWER(code)"),
            SkuSort::Name => Order::By("LOWER(name)"),
            SkuSort::Unit => Order::By("unit"),
        }
    }
}

#[async_trait]
impl Stored for SkuPrice {
    const TABLE: &'static str = "sku_prices";
    const LABEL: &'static str = "CAST(effective_from AS TEXT)";
    const COLUMNS: &'static [&'static str] = &["sku_id", "effective_from", "price_minor", "currency", "note"];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "effective_from",
        "the SKU already has a price from this date: change that price instead",
    ));
    const TIES: Option<&'static str> = None;

    fn read(r: &Row) -> Result<SkuPrice> {
        Ok(SkuPrice {
            id: r.id("id")?,
            fields: SkuPriceFields {
                sku_id: r.id("sku_id")?,
                effective_from: r.get("effective_from")?,
                price: r.money("price_minor", "currency")?,
                note: r.get("note")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &SkuPriceFields) -> Vec<Value> {
        vec![
            f.sku_id.into(),
            f.effective_from.into(),
            f.price.amount_minor.into(),
            f.price.currency.to_string().into(),
            f.note.clone().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &SkuPriceFields, _me: Option<Id<SkuPrice>>) -> Result<()> {
        let sku = table::<Sku>()
            .get(tx, f.sku_id.get(), "")
            .await
            .map_err(|e| missing(e, "sku_id", "SKU"))?;
        if sku.fields.currency != f.price.currency {
            return Err(Error::invalid(
                "price",
                Rule::Currency,
                format!("price must be in the SKU's currency, {}", sku.fields.currency),
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &SkuPriceFilter) {
        eq(q, "sku_id", f.sku_id);
    }

    fn order(key: PriceSort) -> Order {
        match key {
            PriceSort::EffectiveFrom => Order::By("effective_from"),
        }
    }
}

#[async_trait]
impl Stored for Bundle {
    const TABLE: &'static str = "bundles";
    const COLUMNS: &'static [&'static str] = &["name", "description", "offering_ids"];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("name", "a bundle with this name already exists"));

    fn read(r: &Row) -> Result<Bundle> {
        Ok(Bundle {
            id: r.id("id")?,
            fields: BundleFields {
                name: r.get("name")?,
                description: r.get("description")?,
                offering_ids: r.json("offering_ids")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &BundleFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.description.clone().into(),
            json_text(&f.offering_ids),
        ]
    }

    async fn check(tx: &mut Tx, f: &BundleFields, _me: Option<Id<Bundle>>) -> Result<()> {
        for (i, id) in f.offering_ids.iter().enumerate() {
            live::<Offering>(tx, *id, &format!("offering_ids[{i}]"), "offering").await?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &BundleFilter) {
        search(q, &["name", "description"], f.q.as_deref());
    }

    fn order(key: ByName) -> Order {
        match key {
            ByName::Name => Order::By("LOWER(name)"),
        }
    }
}
