//! Estimates in SQL: one row a version, priced inside the transaction that saves it from
//! the SKUs, list prices and rate card in force on its price date, and never rewritten —
//! only its status and TA review move.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::catalog::offerings::Offering;
use psops_core::catalog::skus::{Sku, SkuPrice};
use psops_core::code::Code;
use psops_core::rates::{FxRate, RoleRate};
use psops_core::scoping::estimates::{
    Estimate, EstimateFields, EstimateFilter, EstimateId, EstimateSort, NewEstimate, review_for,
};
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::pricing::{Book, BookSku, LineInput, price};
use psops_core::scoping::store::Preview;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Money, Result};
use time::OffsetDateTime;

use crate::common::{Exec, check_version, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, persist, table};

#[async_trait]
impl Stored for Estimate {
    const TABLE: &'static str = "estimates";
    const LABEL: &'static str = "'v' || CAST(number AS TEXT)";
    const TIES: Option<&'static str> = Some("number");
    const FIXED: &'static [&'static str] = &[
        "number",
        "status",
        "priced",
        "totals",
        "price_minor",
        "ta_review",
        "ta_due_at",
        "ta_decided_by",
        "ta_reason",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "opportunity_id",
        "title",
        "currency",
        "region",
        "price_date",
        "lines",
        "te_minor",
        "discount_bp",
        "notes",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "opportunity_id",
        "another version with this number was saved at the same time: save again",
    ));

    fn read(r: &Row) -> Result<Estimate> {
        let currency = r.currency("currency")?;
        Ok(Estimate {
            id: r.id("id")?,
            fields: EstimateFields {
                opportunity_id: r.id("opportunity_id")?,
                title: r.get("title")?,
                currency,
                region: r.get("region")?,
                price_date: r.get("price_date")?,
                lines: r.json("lines")?,
                travel_and_expenses: r.get::<Option<i64>>("te_minor")?.map(|m| Money::new(m, currency)),
                discount_bp: r.get("discount_bp")?,
                notes: r.get("notes")?,
            },
            number: r.get::<i64>("number")? as i32,
            status: r.code("status")?,
            priced: r.json("priced")?,
            totals: r.json("totals")?,
            ta_review: r.code("ta_review")?,
            ta_due_at: r.get("ta_due_at")?,
            ta_decided_by: r.opt_id("ta_decided_by")?,
            ta_reason: r.get("ta_reason")?,
            meta: meta(r)?,
        })
    }

    fn fixed(new: &NewEstimate) -> Vec<Value> {
        vec![
            i64::from(new.number).into(),
            "draft".into(),
            json_text(&new.lines),
            json_text(&new.totals),
            new.totals.price.amount_minor.into(),
            new.ta_review.code().into(),
            Option::<OffsetDateTime>::None.into(),
            Option::<i64>::None.into(),
            Option::<String>::None.into(),
        ]
    }

    fn values(f: &EstimateFields) -> Vec<Value> {
        vec![
            f.opportunity_id.into(),
            f.title.clone().into(),
            f.currency.to_string().into(),
            f.region.trim().into(),
            f.price_date.into(),
            json_text(&f.lines),
            f.travel_and_expenses.map(|m| m.amount_minor).into(),
            f.discount_bp.into(),
            f.notes.clone().into(),
        ]
    }

    fn filter(q: &mut Sql, f: &EstimateFilter) {
        eq(q, "opportunity_id", f.opportunity_id);
        crate::opportunities::visible(q, "opportunity_id", f.visible_to);
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "ta_review", f.ta_review.map(|s| s.code()));
        if let Some(p) = f.ta_person {
            q.push(" AND opportunity_id IN (SELECT id FROM opportunities WHERE technical_architect_id = ")
                .push_bind(p)
                .push(")");
        }
    }

    fn order(key: EstimateSort) -> Order {
        match key {
            EstimateSort::Number => Order::By("number"),
            EstimateSort::Total => Order::By("price_minor"),
            EstimateSort::Updated => Order::By("updated_at"),
        }
    }
}

/// The columns the actions own, in `FIXED` order.
pub(crate) fn fixed_of(e: &Estimate) -> Vec<Value> {
    vec![
        i64::from(e.number).into(),
        e.status.code().into(),
        json_text(&e.priced),
        json_text(&e.totals),
        e.totals.price.amount_minor.into(),
        e.ta_review.code().into(),
        e.ta_due_at.into(),
        e.ta_decided_by.into(),
        e.ta_reason.clone().into(),
    ]
}

pub(crate) async fn current(tx: &mut Tx, id: EstimateId, v: IfVersion) -> Result<Estimate> {
    let lock = tx.for_update();
    let e = table::<Estimate>().get(tx, id.get(), lock).await?;
    check_version(e.meta.version, v)?;
    Ok(e)
}

pub(crate) async fn save(tx: &mut Tx, ctx: &WriteCtx, before: &Estimate, after: &Estimate) -> Result<Estimate> {
    persist(tx, ctx, before, fixed_of(after), &after.fields).await
}

/// [`save`] as of `at`: a TA review's due time is counted from the moment it is asked.
pub(crate) async fn save_at(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &Estimate,
    after: &Estimate,
    at: time::OffsetDateTime,
) -> Result<Estimate> {
    crate::record::persist_at(tx, ctx, before, fixed_of(after), &after.fields, at).await
}

/// What pricing the estimate reads, as stored now.
async fn book<E: Exec>(tx: &mut E, f: &EstimateFields) -> Result<Book> {
    let mut skus = HashMap::new();
    for line in &f.lines {
        let LineInput::Sku { sku_id, .. } = line else { continue };
        add_sku(tx, &mut skus, sku_id.get()).await?;
        // A seat limit's add-on SKU is named in its messages.
        let addon = skus
            .get(&sku_id.get())
            .and_then(|s: &BookSku| s.sku.fields.addon_sku_id);
        if let Some(a) = addon {
            add_sku(tx, &mut skus, a.get()).await?;
        }
    }
    let mut q = table::<RoleRate>().select();
    q.push(" AND archived_at IS NULL AND lower(region) = lower(")
        .push_bind(f.region.trim())
        .push(") AND currency = ")
        .push_bind(f.currency.to_string());
    let card = tx
        .all(q)
        .await?
        .iter()
        .map(RoleRate::read)
        .collect::<Result<Vec<_>>>()?;
    Ok(Book { skus, card })
}

async fn add_sku<E: Exec>(tx: &mut E, skus: &mut HashMap<i64, BookSku>, id: i64) -> Result<()> {
    if skus.contains_key(&id) {
        return Ok(());
    }
    let mut q = table::<Sku>().select();
    q.push(" AND id = ").push_bind(id);
    let Some(row) = tx.all(q).await?.into_iter().next() else {
        return Ok(());
    };
    let sku = Sku::read(&row)?;
    let offering = table::<Offering>().get(tx, sku.fields.offering_id.get(), "").await?;
    let mut q = table::<SkuPrice>().select();
    q.push(" AND sku_id = ").push_bind(id);
    let prices = tx
        .all(q)
        .await?
        .iter()
        .map(SkuPrice::read)
        .collect::<Result<Vec<_>>>()?;
    skus.insert(
        id,
        BookSku {
            sku,
            effort: offering.fields.effort,
            prices,
        },
    );
    Ok(())
}

/// Prices the fields and decides whether the TA must review them.
pub(crate) async fn priced<E: Exec>(tx: &mut E, f: &EstimateFields) -> Result<Preview> {
    f.validate()?;
    let book = book(tx, f).await?;
    let (lines, totals) = price(f, &book)?;
    let settings = crate::org::load(tx).await?;
    let threshold = settings.scoping.ta_threshold;
    let mut q = table::<FxRate>().select();
    q.push(" AND currency = ")
        .push_bind(f.currency.to_string())
        .push(" AND quote = ")
        .push_bind(threshold.currency.to_string());
    let fx = tx.all(q).await?.iter().map(FxRate::read).collect::<Result<Vec<_>>>()?;
    let rate = psops_core::rates::fx::rate_on(&fx, f.currency, threshold.currency, f.price_date);
    let ta_review = review_for(totals.price, threshold, rate)?;
    Ok(Preview {
        lines,
        totals,
        ta_review,
    })
}

/// The next version's number for an opportunity.
pub(crate) async fn next_number(tx: &mut Tx, o: &Opportunity) -> Result<i32> {
    let row = tx
        .one(sql("SELECT COALESCE(MAX(number), 0) AS n FROM estimates WHERE opportunity_id = $1").bind(o.id))
        .await?;
    Ok(row.get::<i64>("n")? as i32 + 1)
}

pub(crate) fn new_estimate(fields: EstimateFields, number: i32, p: Preview) -> NewEstimate {
    NewEstimate {
        fields,
        number,
        lines: p.lines,
        totals: p.totals,
        ta_review: p.ta_review,
    }
}
