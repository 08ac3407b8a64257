//! The partner report's sums in SQL, a fixed handful of queries whatever the size:
//! approved minutes, revenue and partner cost from the partner ledger — each ledger
//! line's sources summed per partner consultant, written with the line by recognition
//! (the ledger's own amounts, so the rule that priced them stays the ledger's); the
//! company's hours and revenue from the same monthly cells the margin report reads; the
//! CSAT of the projects each partner delivered on; the funds of their active prime
//! SOWs; and every partner's vetting pipeline from one read of their consultants.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use psops_core::Result;
use psops_core::finance::Month;
use psops_core::finance::margin::LineKind;
use psops_core::partner_funds::{PartnerFundsStore, PrimeSowId};
use psops_core::partnering::report::{
    PartnerReport, PartnerReportStore, PartnerSums, VettingCounts, add_money, partner_report,
};
use psops_core::store::OrgStore;
use time::Date;

use crate::Db;
use crate::bulk_copy::copy_rows;
use crate::db::{Tx, Value, sql};

/// The people who are partner consultants now, whose time the partner ledger sums.
pub(crate) async fn consultants(tx: &mut Tx) -> Result<HashSet<i64>> {
    tx.all(sql("SELECT id FROM people WHERE partner_id IS NOT NULL"))
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect()
}

/// Ledger lines' sources summed per partner consultant: (line, its month, person) →
/// (reporting minor units, minutes).
#[derive(Default)]
pub(crate) struct LineSums(HashMap<(i64, Month, i64), (i64, i64)>);

impl LineSums {
    pub(crate) fn add(&mut self, key: (i64, Month, i64), minor: i64, minutes: i64) {
        let s = self.0.entry(key).or_insert((0, 0));
        s.0 += minor;
        s.1 += minutes;
    }

    /// Adds the sums to the partner ledger (migration 38).
    pub(crate) async fn write(self, tx: &mut Tx) -> Result<u64> {
        let rows = self
            .0
            .into_iter()
            .map(|((line, month, person), (minor, minutes))| {
                let row: Vec<Value> = vec![
                    line.into(),
                    month.first().into(),
                    person.into(),
                    minor.into(),
                    minutes.into(),
                ];
                row
            })
            .collect();
        let columns = ["line_id", "month", "person_id", "reporting_minor", "minutes"];
        copy_rows(tx, "partner_ledger", &columns, rows).await
    }
}

/// Sums a person's recognised time into the partner ledger afresh, when they become a
/// partner's consultant: recognition summed only partner consultants' time.
pub(crate) async fn person_joins_partner(tx: &mut Tx, person: i64) -> Result<()> {
    tx.execute(sql("DELETE FROM partner_ledger WHERE person_id = $1").bind(person))
        .await?;
    let q = sql(
        "INSERT INTO partner_ledger (line_id, month, person_id, reporting_minor, minutes) \
         SELECT s.line_id, l.month, t.person_id, CAST(SUM(s.reporting_minor) AS BIGINT), \
         CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) FROM time_entries t \
         JOIN ledger_sources s ON s.source = 'time_entry' AND s.source_id = t.id \
         JOIN ledger_lines l ON l.id = s.line_id WHERE t.person_id = $1 \
         GROUP BY s.line_id, l.month, t.person_id",
    )
    .bind(person);
    tx.execute(q).await?;
    Ok(())
}

#[async_trait]
impl PartnerReportStore for Db {
    async fn partner_report(&self, from: Month, to: Month, today: Date) -> Result<PartnerReport> {
        psops_core::finance::margin::check_span(from, to)?;
        // Its sums read every partner hour of the span through the ledger: kept until
        // something it reads changes; after time entries, only if any was a partner
        // consultant's (the company's own time is in the ledger's cells, which move only
        // with the ledger).
        let key = format!("partner_report:{from:?}:{to:?}:{today}");
        let pools = &self.pools;
        let update = |kept, changed| crate::follow::unless_partner_time(pools, kept, changed);
        let read = self.read_partner_report(from, to, today);
        self.memo
            .follow(pools, crate::follow::PARTNER_REPORT, key, read, update)
            .await
    }
}

impl Db {
    async fn read_partner_report(&self, from: Month, to: Month, today: Date) -> Result<PartnerReport> {
        let settings = self.settings().await?;
        let (first, last) = (from.first(), to.last());
        let e = &mut &self.pools;

        let mut sums: HashMap<i64, PartnerSums> = HashMap::new();
        let mut partners = Vec::new();
        for r in self
            .pools
            .all(sql(
                "SELECT id, name FROM partners WHERE archived_at IS NULL ORDER BY LOWER(name), id",
            ))
            .await?
        {
            let id: i64 = r.get("id")?;
            sums.insert(id, PartnerSums::default());
            partners.push((id, r.get::<String>("name")?));
        }

        // The ledger's lines of the months, summed per partner consultant: revenue,
        // staff cost (the authorised rate) and the minutes the staff cost counts — every
        // approved hour on a project, once recognised, in the month recognition placed
        // it (as the company's minutes below are). The join runs from the partners'
        // people (few) outwards: `CROSS JOIN` keeps SQLite in that order; PostgreSQL
        // plans it as an inner join.
        let q = sql(
            "SELECT p.partner_id, l.project_id, l.kind, CAST(SUM(a.reporting_minor) AS BIGINT) AS minor, \
             CAST(SUM(a.minutes) AS BIGINT) AS minutes FROM people p CROSS JOIN partner_ledger a \
             CROSS JOIN ledger_lines l WHERE a.person_id = p.id AND l.id = a.line_id \
             AND p.partner_id IS NOT NULL AND a.month >= $1 AND a.month <= $2 \
             GROUP BY p.partner_id, l.project_id, l.kind",
        )
        .bind(from.first())
        .bind(to.first());
        // Projects each partner delivered on in the span, for CSAT.
        let mut delivered: HashMap<i64, Vec<i64>> = HashMap::new();
        for r in self.pools.all(q).await? {
            let partner: i64 = r.get("partner_id")?;
            let Some(s) = sums.get_mut(&partner) else {
                continue;
            };
            let minor: i64 = r.get::<Option<i64>>("minor")?.unwrap_or(0);
            match r.code::<LineKind>("kind")? {
                LineKind::Revenue => s.revenue_minor += minor,
                LineKind::Cost => {
                    s.cost_minor += minor;
                    let minutes = r.get::<Option<i64>>("minutes")?.unwrap_or(0);
                    s.approved_minutes += minutes;
                    let on = delivered.entry(r.get("project_id")?).or_default();
                    if minutes > 0 && !on.contains(&partner) {
                        on.push(partner);
                    }
                }
            }
        }
        // The company's figures: the margin report's monthly cells.
        let cells = self.cells(from, to).await?;
        let of = |kind: LineKind| cells.iter().filter(move |c| c.kind == kind);
        let all_revenue: i64 = of(LineKind::Revenue).map(|c| c.reporting_minor).sum();
        let all_minutes: i64 = of(LineKind::Cost).map(|c| c.minutes).sum();

        // CSAT: surveys answered in the span on projects each partner delivered on then.
        let q = sql(
            "SELECT project_id, score FROM surveys WHERE score IS NOT NULL AND project_id IS NOT NULL \
             AND answered_at >= $1 AND answered_at < $2",
        )
        .bind(first.midnight().assume_utc())
        .bind(last.next_day().unwrap_or(last).midnight().assume_utc());
        for r in self.pools.all(q).await? {
            let score: i64 = r.get("score")?;
            for p in delivered.get(&r.get::<i64>("project_id")?).into_iter().flatten() {
                if let Some(s) = sums.get_mut(p) {
                    s.csat_answered += 1;
                    s.csat_score_sum += score;
                }
            }
        }

        // Funds left on each partner's active prime SOWs.
        let q =
            sql("SELECT id, partner_id FROM prime_sows WHERE archived_at IS NULL AND status = 'active' ORDER BY id");
        let mut owner: HashMap<i64, i64> = HashMap::new();
        for r in self.pools.all(q).await? {
            owner.insert(r.get("id")?, r.get("partner_id")?);
        }
        let ids: Vec<PrimeSowId> = owner.keys().map(|i| PrimeSowId::new(*i)).collect();
        for f in self.prime_sow_funds(&ids).await? {
            if let Some(s) = owner.get(&f.prime_sow_id.get()).and_then(|p| sums.get_mut(p)) {
                add_money(&mut s.funds_remaining, f.position.remaining)?;
            }
        }

        let pipelines = crate::partnering::vetting::pipelines(e, today).await?;
        for (partner, p) in pipelines {
            if let Some(s) = sums.get_mut(&partner) {
                s.vetting = VettingCounts {
                    vetted: p.vetted,
                    in_vetting: p.in_vetting,
                    not_started: p.not_started,
                    failed: p.failed,
                };
            }
        }

        let rows = partners
            .into_iter()
            .map(|(id, name)| {
                let s = sums.remove(&id).unwrap_or_default();
                (psops_core::Id::new(id), name, s)
            })
            .collect();
        partner_report((from, to, settings.default_currency), rows, all_minutes, all_revenue)
    }
}
