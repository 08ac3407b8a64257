//! Rates in SQL: rate cards, project overrides, cost rates and FX rates. The periods of
//! one rate never overlap; each write checks that inside its transaction.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::rates::cards::{
    CostRateFields, CostRateFilter, CostSort, ProjectRateFields, ProjectRateFilter, RateSort, RoleRateFields,
    RoleRateFilter,
};
use psops_core::rates::fx::{FxRateFields, FxRateFilter, FxSort};
use psops_core::rates::{CostRate, FxRate, ProjectRate, Rate, RoleRate, overlap_error};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::{Error, Id, Result};
use time::Date;

use crate::catalog::live;
use crate::common::{eq, meta, same_text, scope};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored};

/// Refuses a period that shares a day with another live period of the same rate: `same`
/// adds the conditions that pick the same rate's other rows.
async fn no_overlap(
    tx: &mut Tx,
    table: &str,
    same: impl FnOnce(&mut Sql),
    me: Option<i64>,
    period: (Date, Option<Date>),
    what: &str,
) -> Result<()> {
    let mut q = sql(format!(
        "SELECT effective_from, effective_to FROM {table} WHERE archived_at IS NULL"
    ));
    q.push(" AND (effective_to IS NULL OR effective_to >= ")
        .push_bind(period.0)
        .push(")");
    if let Some(to) = period.1 {
        q.push(" AND effective_from <= ").push_bind(to);
    }
    if let Some(me) = me {
        q.push(" AND id <> ").push_bind(me);
    }
    same(&mut q);
    q.push(" ORDER BY effective_from LIMIT 1");
    if let Some(row) = tx.optional(q).await? {
        return Err(overlap_error(
            what,
            row.get("effective_from")?,
            row.get("effective_to")?,
        ));
    }
    Ok(())
}

fn period_order(key: RateSort) -> Order {
    match key {
        RateSort::Role => Order::By("role"),
        RateSort::Region => Order::By("LOWER(region)"),
        RateSort::EffectiveFrom => Order::By("effective_from"),
        RateSort::Rate => Order::By("rate_minor"),
    }
}

#[async_trait]
impl Stored for RoleRate {
    const TABLE: &'static str = "role_rates";
    const CHECK_ON_RESTORE: bool = true;
    const LABEL: &'static str = "role || ' ' || region";
    const TIES: Option<&'static str> = Some("effective_from");
    const COLUMNS: &'static [&'static str] = &[
        "kind",
        "role",
        "region",
        "rate_minor",
        "currency",
        "effective_from",
        "effective_to",
    ];

    fn read(r: &Row) -> Result<RoleRate> {
        Ok(RoleRate {
            id: r.id("id")?,
            fields: RoleRateFields {
                kind: r.code("kind")?,
                role: r.code("role")?,
                region: r.get("region")?,
                rate: r.money("rate_minor", "currency")?,
                effective_from: r.get("effective_from")?,
                effective_to: r.get("effective_to")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &RoleRateFields) -> Vec<Value> {
        vec![
            f.kind.code().into(),
            f.role.code().into(),
            f.region.trim().into(),
            f.rate.amount_minor.into(),
            f.rate.currency.to_string().into(),
            f.effective_from.into(),
            f.effective_to.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &RoleRateFields, me: Option<Id<RoleRate>>) -> Result<()> {
        let same = |q: &mut Sql| {
            eq(q, "kind", Some(f.kind.code()));
            eq(q, "role", Some(f.role.code()));
            same_text(q, "region", Some(&f.region));
            eq(q, "currency", Some(f.rate.currency.to_string()));
        };
        let what = format!(
            "the {} of {} in {} ({})",
            if f.kind == psops_core::rates::RateKind::Bill {
                "bill rate"
            } else {
                "standard cost"
            },
            f.role.code(),
            f.region.trim(),
            f.rate.currency
        );
        no_overlap(
            tx,
            "role_rates",
            same,
            me.map(Id::get),
            (f.effective_from, f.effective_to),
            &what,
        )
        .await
    }

    fn filter(q: &mut Sql, f: &RoleRateFilter) {
        let kinds: Vec<&str> = f.kinds.iter().map(|k| k.code()).collect();
        match kinds.as_slice() {
            [] => {
                q.push(" AND 1 = 0");
            }
            [one] => eq(q, "kind", Some(*one)),
            _ => {}
        }
        eq(q, "role", f.role.map(|r| r.code()));
        same_text(q, "region", f.region.as_deref());
        eq(q, "currency", f.currency.map(|c| c.to_string()));
        in_force(q, f.on);
    }

    fn order(key: RateSort) -> Order {
        period_order(key)
    }
}

/// Keeps the rows whose period holds the day.
fn in_force(q: &mut Sql, on: Option<Date>) {
    if let Some(on) = on {
        q.push(" AND effective_from <= ").push_bind(on);
        q.push(" AND (effective_to IS NULL OR effective_to >= ")
            .push_bind(on)
            .push(")");
    }
}

#[async_trait]
impl Stored for ProjectRate {
    const TABLE: &'static str = "project_rates";
    const CHECK_ON_RESTORE: bool = true;
    const LABEL: &'static str = "role";
    const TIES: Option<&'static str> = Some("effective_from");
    const COLUMNS: &'static [&'static str] = &[
        "project_id",
        "role",
        "rate_minor",
        "currency",
        "effective_from",
        "effective_to",
    ];

    fn read(r: &Row) -> Result<ProjectRate> {
        Ok(ProjectRate {
            id: r.id("id")?,
            fields: ProjectRateFields {
                project_id: r.id("project_id")?,
                role: r.code("role")?,
                rate: r.money("rate_minor", "currency")?,
                effective_from: r.get("effective_from")?,
                effective_to: r.get("effective_to")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &ProjectRateFields) -> Vec<Value> {
        vec![
            f.project_id.into(),
            f.role.code().into(),
            f.rate.amount_minor.into(),
            f.rate.currency.to_string().into(),
            f.effective_from.into(),
            f.effective_to.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &ProjectRateFields, me: Option<Id<ProjectRate>>) -> Result<()> {
        live::<Project>(tx, f.project_id, "project_id", "project").await?;
        let same = |q: &mut Sql| {
            eq(q, "project_id", Some(f.project_id));
            eq(q, "role", Some(f.role.code()));
        };
        let what = format!("project {} for {}", f.project_id, f.role.code());
        no_overlap(
            tx,
            "project_rates",
            same,
            me.map(Id::get),
            (f.effective_from, f.effective_to),
            &what,
        )
        .await
    }

    fn filter(q: &mut Sql, f: &ProjectRateFilter) {
        scope(q, &f.scope, ListKind::ProjectRates);
        eq(q, "project_id", f.project_id);
    }

    fn order(key: RateSort) -> Order {
        match key {
            RateSort::Region => Order::Name("projects", "project_id"),
            other => period_order(other),
        }
    }
}

#[async_trait]
impl Stored for CostRate {
    const TABLE: &'static str = "cost_rates";
    const CHECK_ON_RESTORE: bool = true;
    const LABEL: &'static str = "(SELECT name FROM people WHERE people.id = cost_rates.person_id)";
    const TIES: Option<&'static str> = Some("effective_from");
    const COLUMNS: &'static [&'static str] = &["person_id", "rate_minor", "currency", "effective_from", "effective_to"];

    fn read(r: &Row) -> Result<CostRate> {
        Ok(CostRate {
            id: r.id("id")?,
            fields: CostRateFields {
                person_id: r.id("person_id")?,
                rate: r.money("rate_minor", "currency")?,
                effective_from: r.get("effective_from")?,
                effective_to: r.get("effective_to")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CostRateFields) -> Vec<Value> {
        vec![
            f.person_id.into(),
            f.rate.amount_minor.into(),
            f.rate.currency.to_string().into(),
            f.effective_from.into(),
            f.effective_to.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &CostRateFields, me: Option<Id<CostRate>>) -> Result<()> {
        let person = live::<Person>(tx, f.person_id, "person_id", "person").await?;
        let same = |q: &mut Sql| eq(q, "person_id", Some(f.person_id));
        let what = format!("{} (person {})", person.fields.name, f.person_id);
        no_overlap(
            tx,
            "cost_rates",
            same,
            me.map(Id::get),
            (f.effective_from, f.effective_to),
            &what,
        )
        .await
    }

    fn filter(q: &mut Sql, f: &CostRateFilter) {
        eq(q, "person_id", f.person_id);
        in_force(q, f.on);
    }

    fn order(key: CostSort) -> Order {
        match key {
            CostSort::Person => Order::Name("people", "person_id"),
            CostSort::EffectiveFrom => Order::By("effective_from"),
            CostSort::Rate => Order::By("rate_minor"),
        }
    }
}

#[async_trait]
impl Stored for FxRate {
    const TABLE: &'static str = "fx_rates";
    const LABEL: &'static str = "currency";
    const TIES: Option<&'static str> = Some("currency");
    const COLUMNS: &'static [&'static str] = &["currency", "quote", "date", "rate_nanos"];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "date",
        "there is already a rate of this currency on this date: change that rate instead",
    ));

    fn read(r: &Row) -> Result<FxRate> {
        Ok(FxRate {
            id: r.id("id")?,
            fields: FxRateFields {
                currency: r.currency("currency")?,
                quote: r.currency("quote")?,
                date: r.get("date")?,
                rate: Rate::from_nanos(r.get("rate_nanos")?),
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &FxRateFields) -> Vec<Value> {
        vec![
            f.currency.to_string().into(),
            f.quote.to_string().into(),
            f.date.into(),
            f.rate.nanos().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &FxRateFields, _me: Option<Id<FxRate>>) -> Result<()> {
        let reporting = crate::org::load(tx).await?.default_currency;
        if f.quote != reporting {
            return Err(Error::invalid(
                "quote",
                Rule::Currency,
                format!("quote must be the reporting currency, {reporting}: rates convert into it"),
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &FxRateFilter) {
        eq(q, "currency", f.currency.map(|c| c.to_string()));
        if let Some(from) = f.from {
            q.push(" AND date >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            q.push(" AND date <= ").push_bind(to);
        }
    }

    fn order(key: FxSort) -> Order {
        match key {
            FxSort::Date => Order::By("date"),
            FxSort::Currency => Order::By("currency"),
        }
    }
}
