//! Prime partner SOWs and work authorizations in SQL, the authorizations a partner
//! consultant's time entry is checked against, what pricing reads of them, and the
//! funds of prime SOWs. The rules themselves are `psops_core::partner_funds::funds`'s.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::finance::pricing::{Authorized, Terms, Work};
use psops_core::partner_funds::authorizations::WorkAuthorizationFilter;
use psops_core::partner_funds::funds::{check_authorization, check_prime_sow, fund_position};
use psops_core::partner_funds::prime_sows::PrimeSowFilter;
use psops_core::partner_funds::{
    AuthorizationFunds, PartnerFundsStore, PrimeSow, PrimeSowFields, PrimeSowId, SowFunds, WorkAuthorization,
    WorkAuthorizationFields,
};
use psops_core::partners::PartnerId;
use psops_core::people::{Function, PersonId};
use psops_core::projects::ProjectId;
use psops_core::rule::Rule;
use psops_core::sort::ByName;
use psops_core::{Error, Id, Minutes, Money, Result};
use time::Date;

use crate::Db;
use crate::assignments::missing;
use crate::common::{Exec, ensure_exists, eq, meta, search};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, table};

#[async_trait]
impl Stored for PrimeSow {
    const TABLE: &'static str = "prime_sows";
    const COLUMNS: &'static [&'static str] = &[
        "partner_id",
        "name",
        "funds_minor",
        "currency",
        "rates",
        "start_date",
        "end_date",
        "status",
        "notes",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("name", "a prime SOW with this name already exists"));

    fn read(r: &Row) -> Result<PrimeSow> {
        Ok(PrimeSow {
            id: r.id("id")?,
            fields: PrimeSowFields {
                partner_id: r.id("partner_id")?,
                name: r.get("name")?,
                funds: r.money("funds_minor", "currency")?,
                rates: r.json("rates")?,
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                status: r.code("status")?,
                notes: r.get("notes")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &PrimeSowFields) -> Vec<Value> {
        vec![
            f.partner_id.into(),
            f.name.trim().into(),
            f.funds.amount_minor.into(),
            f.funds.currency.to_string().into(),
            json_text(&f.rates),
            f.start_date.into(),
            f.end_date.into(),
            f.status.code().into(),
            f.notes.clone().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &PrimeSowFields, me: Option<Id<PrimeSow>>) -> Result<()> {
        ensure_exists(tx, "partners", Some(f.partner_id.get()), "partner_id", "partner").await?;
        let Some(me) = me else { return Ok(()) };
        // The partner never changes (the patch has no partner_id); the authorizations
        // drawn on the SOW must still fit it.
        let q = sql(format!(
            "SELECT {} FROM work_authorizations WHERE prime_sow_id = $1 AND archived_at IS NULL",
            table::<WorkAuthorization>().columns
        ))
        .bind(me);
        let was = tx
            .all(q)
            .await?
            .iter()
            .map(|r| <WorkAuthorization as Stored>::read(r).map(|w| w.fields))
            .collect::<Result<Vec<_>>>()?;
        check_prime_sow(f, &was)
    }

    fn filter(q: &mut Sql, f: &PrimeSowFilter) {
        eq(q, "partner_id", f.partner_id);
        eq(q, "status", f.status.map(|s| s.code()));
        search(q, &["name"], f.q.as_deref());
    }

    fn order(key: ByName) -> Order {
        match key {
            ByName::Name => Order::By("LOWER(name)"),
        }
    }
}

#[async_trait]
impl Stored for WorkAuthorization {
    const TABLE: &'static str = "work_authorizations";
    const COLUMNS: &'static [&'static str] = &[
        "prime_sow_id",
        "project_id",
        "name",
        "scope",
        "requirements",
        "background_checks_on",
        "rates",
        "billing_terms",
        "start_date",
        "end_date",
        "expenses_allowed",
        "expenses_cap_minor",
        "committed_minor",
        "currency",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("name", "a work authorization with this name already exists"));

    fn read(r: &Row) -> Result<WorkAuthorization> {
        let committed = r.money("committed_minor", "currency")?;
        let cap: Option<i64> = r.get("expenses_cap_minor")?;
        Ok(WorkAuthorization {
            id: r.id("id")?,
            fields: WorkAuthorizationFields {
                prime_sow_id: r.id("prime_sow_id")?,
                project_id: r.id("project_id")?,
                name: r.get("name")?,
                scope: r.get("scope")?,
                requirements: r.get("requirements")?,
                background_checks_on: r.get("background_checks_on")?,
                rates: r.json("rates")?,
                billing_terms: r.get("billing_terms")?,
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                expenses_allowed: r.get("expenses_allowed")?,
                expenses_cap: cap.map(|m| Money::new(m, committed.currency)),
                committed,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &WorkAuthorizationFields) -> Vec<Value> {
        vec![
            f.prime_sow_id.into(),
            f.project_id.into(),
            f.name.trim().into(),
            f.scope.clone().into(),
            f.requirements.clone().into(),
            f.background_checks_on.into(),
            json_text(&f.rates),
            f.billing_terms.clone().into(),
            f.start_date.into(),
            f.end_date.into(),
            f.expenses_allowed.into(),
            f.expenses_cap.map(|m| m.amount_minor).into(),
            f.committed.amount_minor.into(),
            f.committed.currency.to_string().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &WorkAuthorizationFields, me: Option<Id<WorkAuthorization>>) -> Result<()> {
        ensure_exists(tx, "projects", Some(f.project_id.get()), "project_id", "project").await?;
        // The prime SOW's row is locked on PostgreSQL, so two authorizations cannot both
        // commit the last of its funds.
        let lock = tx.for_update();
        let sow = table::<PrimeSow>()
            .get(tx, f.prime_sow_id.get(), lock)
            .await
            .map_err(|e| missing(e, "prime_sow_id", "prime SOW"))?;
        if sow.meta.is_archived() {
            return Err(Error::invalid(
                "prime_sow_id",
                Rule::Archived,
                "the prime SOW is archived: work authorizations draw only on a live one",
            ));
        }
        let q = sql(
            "SELECT CAST(COALESCE(SUM(committed_minor), 0) AS BIGINT) AS total FROM work_authorizations \
             WHERE prime_sow_id = $1 AND archived_at IS NULL AND id <> $2",
        )
        .bind(f.prime_sow_id)
        .bind(me.map(|i| i.get()).unwrap_or(0));
        let elsewhere: i64 = tx.one(q).await?.get("total")?;
        check_authorization(
            f,
            &sow.fields,
            Money::new(elsewhere, sow.fields.funds.currency),
            me.is_none(),
        )
    }

    fn filter(q: &mut Sql, f: &WorkAuthorizationFilter) {
        eq(q, "prime_sow_id", f.prime_sow_id);
        eq(q, "project_id", f.project_id);
        if let Some(partner) = f.partner_id {
            q.push(" AND prime_sow_id IN (SELECT id FROM prime_sows WHERE partner_id = ")
                .push_bind(partner)
                .push(")");
        }
        search(q, &["name", "scope"], f.q.as_deref());
    }

    fn order(key: ByName) -> Order {
        match key {
            ByName::Name => Order::By("LOWER(name)"),
        }
    }
}

/// The dates of the live work authorizations a partner holds on a project — what a
/// partner consultant's time entry there is checked against. One indexed query, run only
/// for partner people.
pub(crate) async fn windows<E: Exec>(e: &mut E, partner: PartnerId, project: ProjectId) -> Result<Vec<(Date, Date)>> {
    let q = sql(
        "SELECT w.start_date, w.end_date FROM work_authorizations w JOIN prime_sows s ON s.id = w.prime_sow_id \
         WHERE w.project_id = $1 AND s.partner_id = $2 AND w.archived_at IS NULL AND s.archived_at IS NULL \
         ORDER BY w.start_date",
    )
    .bind(project)
    .bind(partner);
    e.all(q)
        .await?
        .iter()
        .map(|r| Ok((r.get("start_date")?, r.get("end_date")?)))
        .collect()
}

/// Every partner's live work-authorization dates by (partner, project), for checks of
/// many entries at once (an import).
pub(crate) async fn all_windows<E: Exec>(e: &mut E) -> Result<HashMap<(i64, i64), Vec<(Date, Date)>>> {
    let mut out: HashMap<(i64, i64), Vec<(Date, Date)>> = HashMap::new();
    for a in authorized(e).await? {
        out.entry((a.partner.get(), a.project.get()))
            .or_default()
            .push((a.start, a.end));
    }
    Ok(out)
}

/// Every live work authorization as pricing reads it, in id order (the first one in
/// force prices a day when two of a partner's overlap on a project).
pub(crate) async fn authorized<E: Exec>(e: &mut E) -> Result<Vec<Authorized>> {
    let q = sql(
        "SELECT w.id, s.partner_id, w.project_id, w.start_date, w.end_date, w.rates FROM work_authorizations w \
         JOIN prime_sows s ON s.id = w.prime_sow_id WHERE w.archived_at IS NULL AND s.archived_at IS NULL \
         ORDER BY w.id",
    );
    e.all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(Authorized {
                id: r.id("id")?,
                partner: r.id("partner_id")?,
                project: r.id("project_id")?,
                start: r.get("start_date")?,
                end: r.get("end_date")?,
                rates: r.json("rates")?,
            })
        })
        .collect()
}

/// The partner consultants with their organisation.
pub(crate) async fn partner_people<E: Exec>(e: &mut E) -> Result<Vec<(PersonId, PartnerId)>> {
    let q = sql("SELECT id, partner_id FROM people WHERE partner_id IS NOT NULL");
    e.all(q)
        .await?
        .iter()
        .map(|r| Ok((r.id("id")?, r.id("partner_id")?)))
        .collect()
}

#[async_trait]
impl PartnerFundsStore for Db {
    async fn prime_sow_funds(&self, ids: &[PrimeSowId]) -> Result<Vec<SowFunds>> {
        let low_bp = crate::org::load(&mut &self.pools).await?.finance.partner_low_funds_bp;
        let mut sows = Vec::with_capacity(ids.len());
        for id in ids {
            sows.push(table::<PrimeSow>().get(&mut &self.pools, id.get(), "").await?);
        }
        if sows.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sql(format!(
            "SELECT {} FROM work_authorizations WHERE archived_at IS NULL AND prime_sow_id IN (",
            table::<WorkAuthorization>().columns
        ));
        for (i, s) in sows.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).push_bind(s.id);
        }
        q.push(") ORDER BY id");
        let was = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(<WorkAuthorization as Stored>::read)
            .collect::<Result<Vec<_>>>()?;
        let consumed = self.consumption(&sows, &was).await?;
        sows.iter()
            .map(|s| {
                let mine: Vec<&WorkAuthorization> = was.iter().filter(|w| w.fields.prime_sow_id == s.id).collect();
                let currency = s.fields.funds.currency;
                let used =
                    |w: &WorkAuthorization| Money::new(consumed.get(&w.id.get()).copied().unwrap_or(0), currency);
                let position = fund_position(
                    s.fields.funds,
                    &mine.iter().map(|w| w.fields.committed).collect::<Vec<_>>(),
                    &mine.iter().map(|w| used(w)).collect::<Vec<_>>(),
                    low_bp,
                )?;
                Ok(SowFunds {
                    prime_sow_id: s.id,
                    position,
                    low_funds_bp: low_bp,
                    authorizations: mine
                        .iter()
                        .map(|w| AuthorizationFunds {
                            id: w.id,
                            name: w.fields.name.clone(),
                            project_id: w.fields.project_id,
                            committed: w.fields.committed,
                            consumed: used(w),
                            remaining: Money::new(w.fields.committed.amount_minor - used(w).amount_minor, currency),
                        })
                        .collect(),
                })
            })
            .collect()
    }
}

impl Db {
    /// What approved time consumed under each of these authorizations, in minor units of
    /// its prime SOW's currency: every approved entry of the partner's consultants on the
    /// project inside the authorization's dates, priced by the books exactly as the
    /// ledger prices it (entry by entry, rounded once each). An entry inside two of the
    /// partner's authorizations counts under the first (by id), as pricing does.
    async fn consumption(&self, sows: &[PrimeSow], was: &[WorkAuthorization]) -> Result<HashMap<i64, i64>> {
        let mut out = HashMap::new();
        if was.is_empty() {
            return Ok(out);
        }
        let partner_of: HashMap<i64, PartnerId> = sows.iter().map(|s| (s.id.get(), s.fields.partner_id)).collect();
        let books = crate::finance::books::books(self).await?;
        let all = authorized(&mut &self.pools).await?;
        let mut q = sql(
            "SELECT t.person_id, pe.function, pe.partner_id, t.project_id, t.entry_date, t.minutes FROM time_entries t \
             JOIN people pe ON pe.id = t.person_id WHERE t.status = 'approved' AND pe.partner_id IS NOT NULL \
             AND t.project_id IN (",
        );
        for (i, w) in was.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).push_bind(w.fields.project_id);
        }
        q.push(")");
        for r in self.pools.all(q).await? {
            let partner: PartnerId = r.id("partner_id")?;
            let project: ProjectId = r.id("project_id")?;
            let date: Date = r.get("entry_date")?;
            // The authorization that prices the day: the first of the partner's in force.
            let Some(first) = all
                .iter()
                .find(|a| a.partner == partner && a.project == project && a.start <= date && date <= a.end)
            else {
                continue;
            };
            let Some(wa) = was
                .iter()
                .find(|w| w.id == first.id && partner_of.get(&w.fields.prime_sow_id.get()) == Some(&partner))
            else {
                continue;
            };
            let terms = Terms {
                id: project,
                currency: wa.fields.committed.currency,
                region: None,
                billing_type: psops_core::projects::BillingType::TimeAndMaterials,
            };
            let work = Work {
                person: r.id("person_id")?,
                function: r.code::<Function>("function")?,
                date,
                minutes: Minutes(r.get("minutes")?),
            };
            let priced = books.price(&terms, &work)?;
            let cost = priced.cost.filter(|c| c.currency == wa.fields.committed.currency);
            *out.entry(wa.id.get()).or_insert(0) += cost.map(|c| c.amount_minor).unwrap_or(0);
        }
        Ok(out)
    }
}
