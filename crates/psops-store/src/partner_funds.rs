//! Prime partner SOWs and work authorizations in SQL, the authorizations a partner
//! consultant's time entry is checked against, what pricing reads of them, and the
//! funds of prime SOWs. The rules themselves are `psops_core::partner_funds::funds`'s.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::finance::pricing::{Authorized, Terms, Work};
use psops_core::partner_funds::authorizations::WorkAuthorizationFilter;
use psops_core::partner_funds::funds::{check_authorization, check_prime_sow, consumed_by, fund_position, rate_for};
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
use crate::rollups::push_list;

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
    authorized_where(e, None).await
}

/// The same for one partner's.
pub(crate) async fn authorized_of<E: Exec>(e: &mut E, partner: PartnerId) -> Result<Vec<Authorized>> {
    authorized_where(e, Some(partner)).await
}

async fn authorized_where<E: Exec>(e: &mut E, partner: Option<PartnerId>) -> Result<Vec<Authorized>> {
    let mut q = sql(
        "SELECT w.id, s.partner_id, w.project_id, w.start_date, w.end_date, w.rates FROM work_authorizations w \
         JOIN prime_sows s ON s.id = w.prime_sow_id WHERE w.archived_at IS NULL AND s.archived_at IS NULL",
    );
    if let Some(p) = partner {
        q.push(" AND s.partner_id = ").push_bind(p);
    }
    q.push(" ORDER BY w.id");
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

/// One partner's consultants.
pub(crate) async fn partner_people_of<E: Exec>(e: &mut E, partner: PartnerId) -> Result<Vec<(PersonId, PartnerId)>> {
    let q = sql("SELECT id FROM people WHERE partner_id = $1").bind(partner);
    e.all(q).await?.iter().map(|r| Ok((r.id("id")?, partner))).collect()
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
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Consumption reads every approved partner hour under the authorizations: kept
        // until what it is read from changes; after time entries, only if any was a
        // partner consultant's (staff time consumes no partner funds).
        let key = ids.iter().fold("prime_sow_funds:".to_string(), |mut k, id| {
            k.push_str(&id.get().to_string());
            k.push(',');
            k
        });
        let pools = &self.pools;
        let update = |kept, changed| crate::follow::unless_partner_time(pools, kept, changed);
        let read = self.read_prime_sow_funds(ids);
        self.memo
            .follow(pools, crate::follow::PARTNER_FUNDS, key, read, update)
            .await
    }
}

impl Db {
    async fn read_prime_sow_funds(&self, ids: &[PrimeSowId]) -> Result<Vec<SowFunds>> {
        let low_bp = crate::org::load(&mut &self.pools).await?.finance.partner_low_funds_bp;
        // The SOWs in one query, answered in the order asked (a missing one is not found,
        // as a single read would say).
        let mut q = sql(format!(
            "SELECT {} FROM prime_sows WHERE id IN (",
            table::<PrimeSow>().columns
        ));
        push_list(&mut q, &ids.iter().map(|i| i.get()).collect::<Vec<_>>());
        q.push(")");
        let mut found: HashMap<i64, PrimeSow> = HashMap::new();
        for r in self.pools.all(q).await? {
            let s = <PrimeSow as Stored>::read(&r)?;
            found.insert(s.id.get(), s);
        }
        let sows = ids
            .iter()
            .map(|id| {
                found
                    .get(&id.get())
                    .cloned()
                    .ok_or_else(|| Error::not_found(table::<PrimeSow>().entity, id.get()))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut q = sql(format!(
            "SELECT {} FROM work_authorizations WHERE archived_at IS NULL AND prime_sow_id IN (",
            table::<WorkAuthorization>().columns
        ));
        push_list(&mut q, &ids.iter().map(|i| i.get()).collect::<Vec<_>>());
        q.push(")");
        q.push(" ORDER BY id");
        let was = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(<WorkAuthorization as Stored>::read)
            .collect::<Result<Vec<_>>>()?;
        let consumed = self.consumption(ids, &was).await?;
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

/// Approved entries of the partners' consultants under the live work authorizations of
/// some prime SOWs, counted by (authorization, role, minutes): each entry goes to the
/// first of its partner's live authorizations (by id) in force on its day on its
/// project, as pricing picks it, and its role is the consultant's assignment role in
/// force that day (the latest begun), else their function. Equal entries cost the same,
/// so the handful of groups price every entry exactly; the prime SOW ids follow as an
/// `IN` list.
const CONSUMED: &str = "SELECT wa_id, priced_role, minutes, COUNT(*) AS entries FROM (\
    SELECT w.id AS wa_id, t.minutes, COALESCE((SELECT a.role FROM assignments a \
      WHERE a.person_id = t.person_id AND a.project_id = t.project_id AND a.archived_at IS NULL \
      AND a.start_date <= t.entry_date AND (a.end_date IS NULL OR a.end_date >= t.entry_date) \
      ORDER BY a.start_date DESC, a.id DESC LIMIT 1), pe.function) AS priced_role \
    FROM work_authorizations w JOIN prime_sows s ON s.id = w.prime_sow_id \
    JOIN people pe ON pe.partner_id = s.partner_id \
    JOIN time_entries t ON t.person_id = pe.id AND t.project_id = w.project_id \
    WHERE t.status = 'approved' AND t.entry_date >= w.start_date AND t.entry_date <= w.end_date \
    AND w.archived_at IS NULL AND s.archived_at IS NULL \
    AND NOT EXISTS (SELECT 1 FROM work_authorizations v JOIN prime_sows vs ON vs.id = v.prime_sow_id \
      WHERE v.project_id = w.project_id AND vs.partner_id = s.partner_id AND v.id < w.id \
      AND v.archived_at IS NULL AND vs.archived_at IS NULL \
      AND v.start_date <= t.entry_date AND v.end_date >= t.entry_date) \
    AND w.prime_sow_id IN (";

impl Db {
    /// What approved time consumed under each of these authorizations (of the prime SOWs
    /// `sows`), in minor units of its prime SOW's currency: every approved entry of the
    /// partner's consultants on the project inside the authorization's dates, at the
    /// authorization's rate for the entry's role, rounded once each — as the ledger
    /// prices it. One grouped query whatever the number of entries.
    async fn consumption(&self, sows: &[PrimeSowId], was: &[WorkAuthorization]) -> Result<HashMap<i64, i64>> {
        let mut out = HashMap::new();
        if was.is_empty() {
            return Ok(out);
        }
        let by_id: HashMap<i64, &WorkAuthorization> = was.iter().map(|w| (w.id.get(), w)).collect();
        let mut q = sql(CONSUMED);
        push_list(&mut q, &sows.iter().map(|i| i.get()).collect::<Vec<_>>());
        q.push(")");
        q.push(") x GROUP BY wa_id, priced_role, minutes");
        // Authorizations with hours in a role they price no rate for: pricing then looks
        // further (a later authorization in force, the consultant's own cost rate), which
        // only the books can say, entry by entry.
        let mut unpriced = Vec::new();
        for r in self.pools.all(q).await? {
            let id: i64 = r.get("wa_id")?;
            let Some(w) = by_id.get(&id) else { continue };
            let role: Function = r.code("priced_role")?;
            let minutes = Minutes(r.get("minutes")?);
            let entries: i64 = r.get("entries")?;
            let Some(rate) = rate_for(&w.fields.rates, role) else {
                unpriced.push((*w).clone());
                continue;
            };
            let currency = w.fields.committed.currency;
            let cost = consumed_by(rate, minutes, entries, currency)?.map_or(0, |m| m.amount_minor);
            let sum: &mut i64 = out.entry(id).or_insert(0);
            *sum = sum
                .checked_add(cost)
                .ok_or_else(|| Error::invalid("consumed", Rule::Range, "consumed funds are too large to add up"))?;
        }
        if !unpriced.is_empty() {
            unpriced.sort_by_key(|w| w.id.get());
            unpriced.dedup_by_key(|w| w.id.get());
            let exact = self.consumption_by_entry(&unpriced).await?;
            for w in &unpriced {
                out.insert(w.id.get(), exact.get(&w.id.get()).copied().unwrap_or(0));
            }
        }
        Ok(out)
    }

    /// The same for a few authorizations, entry by entry through the books: for hours
    /// in a role an authorization prices no rate for.
    async fn consumption_by_entry(&self, was: &[WorkAuthorization]) -> Result<HashMap<i64, i64>> {
        let mut out = HashMap::new();
        let mut partner_of: HashMap<i64, PartnerId> = HashMap::new();
        let mut q = sql("SELECT id, partner_id FROM prime_sows WHERE id IN (");
        push_list(
            &mut q,
            &was.iter().map(|w| w.fields.prime_sow_id.get()).collect::<Vec<_>>(),
        );
        q.push(")");
        for r in self.pools.all(q).await? {
            partner_of.insert(r.get("id")?, r.id("partner_id")?);
        }
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
