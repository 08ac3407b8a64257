//! Opportunities and their scoping records in SQL. Fields change as a plain kind; the
//! scoping state, PS values, TA and clock events change through the actions here, each
//! computed by `psops_core::scoping` on the locked row and written whole.

use async_trait::async_trait;
use psops_core::accounts::Account;
use psops_core::code::Code;
use psops_core::people::PersonId;
use psops_core::rule::Rule;
use psops_core::scoping::clocks::WorkDays;
use psops_core::scoping::opportunities::{
    Event, Opportunity, OpportunityFields, OpportunityFilter, OpportunityId, OpportunitySort, Stamp,
};
use psops_core::scoping::states::{Facts, ScopingState, TaStatus};
use psops_core::scoping::wins::WinCount;
use psops_core::store::{IfVersion, WriteCtx};
use psops_core::{Error, Id, Money, Result};
use time::{Date, OffsetDateTime};

use crate::catalog::live;
use crate::common::{check_version, ensure_exists, eq, meta, same_text, search};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, persist, table};

fn minor(m: Option<Money>) -> Value {
    m.map(|m| m.amount_minor).into()
}

#[async_trait]
impl Stored for Opportunity {
    const TABLE: &'static str = "opportunities";
    const FIXED: &'static [&'static str] = &[
        "state",
        "held_from",
        "edu_value_minor",
        "investment_minor",
        "technical_architect_id",
        "ta_status",
        "ta_needed_by",
        "events",
        "last_activity_at",
        "closed_quarter",
        "reason",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "account_id",
        "crm_id",
        "sales_owner",
        "engagement_manager_id",
        "segment",
        "public_sector",
        "stage",
        "close_date",
        "currency",
        "amount_minor",
        "ps_value_minor",
        "edu_override_minor",
        "em_confidence",
        "em_status",
        "pain_points",
        "constraints",
        "keep_open",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("crm_id", "an opportunity with this crm_id already exists"));

    fn read(r: &Row) -> Result<Opportunity> {
        let currency = r.currency("currency")?;
        let money =
            |col: &str| -> Result<Option<Money>> { Ok(r.get::<Option<i64>>(col)?.map(|m| Money::new(m, currency))) };
        Ok(Opportunity {
            id: r.id("id")?,
            fields: OpportunityFields {
                name: r.get("name")?,
                account_id: r.id("account_id")?,
                crm_id: r.get("crm_id")?,
                sales_owner: r.get("sales_owner")?,
                engagement_manager_id: r.opt_id("engagement_manager_id")?,
                segment: r.code("segment")?,
                public_sector: r.get("public_sector")?,
                stage: r.get("stage")?,
                close_date: r.get("close_date")?,
                currency,
                amount: money("amount_minor")?,
                ps_value: money("ps_value_minor")?,
                edu_value_override: money("edu_override_minor")?,
                em_confidence: r.get("em_confidence")?,
                em_status: r.code("em_status")?,
                pain_points: r.get("pain_points")?,
                constraints: r.get("constraints")?,
                keep_open: r.get("keep_open")?,
            },
            state: r.code("state")?,
            held_from: r.opt_code("held_from")?,
            edu_value: money("edu_value_minor")?,
            investment_value: money("investment_minor")?,
            technical_architect_id: r.opt_id("technical_architect_id")?,
            ta_status: r.code("ta_status")?,
            ta_needed_by: r.get("ta_needed_by")?,
            events: r.json("events")?,
            last_activity_at: r.get("last_activity_at")?,
            closed_quarter: r.get("closed_quarter")?,
            reason: r.get("reason")?,
            meta: meta(r)?,
        })
    }

    fn fixed(_new: &OpportunityFields) -> Vec<Value> {
        let at = crate::db::now();
        let events: psops_core::scoping::opportunities::Events = [(Event::Created, Stamp(at))].into_iter().collect();
        vec![
            ScopingState::Open.code().into(),
            Option::<String>::None.into(),
            Option::<i64>::None.into(),
            Option::<i64>::None.into(),
            Option::<i64>::None.into(),
            TaStatus::None.code().into(),
            Option::<Date>::None.into(),
            json_text(&events),
            at.into(),
            Option::<String>::None.into(),
            Option::<String>::None.into(),
        ]
    }

    fn values(f: &OpportunityFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.account_id.into(),
            f.crm_id.as_deref().map(str::trim).into(),
            f.sales_owner.clone().into(),
            f.engagement_manager_id.into(),
            f.segment.code().into(),
            f.public_sector.into(),
            f.stage.clone().into(),
            f.close_date.into(),
            f.currency.to_string().into(),
            minor(f.amount),
            minor(f.ps_value),
            minor(f.edu_value_override),
            f.em_confidence.clone().into(),
            f.em_status.code().into(),
            f.pain_points.clone().into(),
            f.constraints.clone().into(),
            f.keep_open.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &OpportunityFields, _me: Option<OpportunityId>) -> Result<()> {
        live::<Account>(tx, f.account_id, "account_id", "account").await?;
        let em = f.engagement_manager_id.map(Id::get);
        ensure_exists(tx, "people", em, "engagement_manager_id", "person").await
    }

    fn filter(q: &mut Sql, f: &OpportunityFilter) {
        eq(q, "account_id", f.account_id);
        eq(q, "engagement_manager_id", f.engagement_manager_id);
        eq(q, "segment", f.segment.map(|s| s.code()));
        eq(q, "state", f.state.map(|s| s.code()));
        match f.open {
            Some(true) => {
                q.push(" AND state NOT IN ('closed_won', 'closed_lost')");
            }
            Some(false) => {
                q.push(" AND state IN ('closed_won', 'closed_lost')");
            }
            None => {}
        }
        eq(q, "closed_quarter", f.closed_quarter.clone());
        same_text(q, "crm_id", f.crm_id.as_deref());
        search(q, &["name", "crm_id", "sales_owner"], f.q.as_deref());
        visible(q, "id", f.visible_to);
    }

    fn order(key: OpportunitySort) -> Order {
        match key {
            OpportunitySort::Name => Order::By("LOWER(name)"),
            OpportunitySort::State => Order::By(STATE_ORDER),
            OpportunitySort::CloseDate => Order::By("close_date"),
            OpportunitySort::Updated => Order::By("updated_at"),
        }
    }
}

/// The board's order, open to closed.
const STATE_ORDER: &str = "CASE state WHEN 'open' THEN 0 WHEN 'awaiting_discovery' THEN 1 WHEN 'strawman_wip' THEN 2 \
     WHEN 'estimate_feedback' THEN 3 WHEN 'sow_wip' THEN 4 WHEN 'ready_for_approval' THEN 5 WHEN 'approved' THEN 6 \
     WHEN 'on_hold' THEN 7 WHEN 'closed_won' THEN 8 ELSE 9 END";

/// The columns the actions own, in `FIXED` order, from the record.
pub(crate) fn fixed_of(o: &Opportunity) -> Vec<Value> {
    vec![
        o.state.code().into(),
        o.held_from.map(|s| s.code()).into(),
        minor(o.edu_value),
        minor(o.investment_value),
        o.technical_architect_id.into(),
        o.ta_status.code().into(),
        o.ta_needed_by.into(),
        json_text(&o.events),
        o.last_activity_at.into(),
        o.closed_quarter.clone().into(),
        o.reason.clone().into(),
    ]
}

/// Loads a scoping record for a change, locked, at the version the caller read (any
/// version when `v` says none).
pub(crate) async fn current(tx: &mut Tx, id: OpportunityId, v: IfVersion) -> Result<Opportunity> {
    let lock = tx.for_update();
    let o = table::<Opportunity>().get(tx, id.get(), lock).await?;
    check_version(o.meta.version, v)?;
    Ok(o)
}

/// Writes a changed scoping record and audits it.
pub(crate) async fn save(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: &Opportunity,
    after: &Opportunity,
) -> Result<Opportunity> {
    persist(tx, ctx, before, fixed_of(after), &after.fields).await
}

/// What the gates read: the opportunity's estimates and its current SOW's approvals.
pub(crate) async fn facts(tx: &mut Tx, id: OpportunityId) -> Result<Facts> {
    let rows = tx
        .all(
            sql("SELECT status, ta_review FROM estimates WHERE opportunity_id = $1 AND archived_at IS NULL ORDER BY number")
                .bind(id),
        )
        .await?;
    let mut facts = Facts::default();
    for r in rows {
        let status: String = r.get("status")?;
        let ta: String = r.get("ta_review")?;
        if status != "draft" {
            facts.estimate_shared = true;
        }
        if status == "agreed" {
            let cleared = ta == "not_needed" || ta == "approved";
            facts.agreed = Some(facts.agreed == Some(true) || cleared);
        }
    }
    let (rdm, director) = crate::sows::approvals(tx, id).await?;
    facts.rdm_approved = rdm;
    facts.director_approved = director;
    Ok(facts)
}

/// The fiscal quarter a record closing on `day` closes in.
pub(crate) async fn quarter_of(tx: &mut Tx, day: Date) -> Result<String> {
    let settings = crate::org::load(tx).await?;
    Ok(settings.fiscal_calendar().quarter_of(day).label())
}

/// Moves a locked record to `to`, stamping what the move means. The gates are the
/// caller's.
pub(crate) async fn moved(
    tx: &mut Tx,
    before: &Opportunity,
    to: ScopingState,
    reason: Option<String>,
    at: OffsetDateTime,
) -> Result<Opportunity> {
    let mut o = before.clone();
    o.held_from = match to {
        ScopingState::OnHold => Some(before.state),
        _ => None,
    };
    o.state = to;
    o.reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    o.closed_quarter = if to.is_closed() {
        Some(quarter_of(tx, at.date()).await?)
    } else {
        None
    };
    o.stamp(Event::FirstAction, at);
    match to {
        ScopingState::StrawmanWip => o.stamp(Event::ScopingCall, at),
        ScopingState::SowWip => o.stamp(Event::IntentToProceed, at),
        _ => {}
    }
    Ok(o)
}

/// Counts closed records for win rates.
pub(crate) async fn win_counts(pools: &crate::db::Pools) -> Result<Vec<WinCount>> {
    let rows = pools
        .all(sql("SELECT engagement_manager_id, segment, closed_quarter, \
             SUM(CASE WHEN state = 'closed_won' THEN 1 ELSE 0 END) AS won, \
             SUM(CASE WHEN state = 'closed_lost' THEN 1 ELSE 0 END) AS lost \
             FROM opportunities WHERE state IN ('closed_won', 'closed_lost') AND archived_at IS NULL \
             GROUP BY engagement_manager_id, segment, closed_quarter"))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(WinCount {
                engagement_manager_id: r.opt_id("engagement_manager_id")?,
                segment: r.code("segment")?,
                quarter: r.get::<Option<String>>("closed_quarter")?.unwrap_or_default(),
                won: r.get("won")?,
                lost: r.get("lost")?,
            })
        })
        .collect()
}

/// Weekdays less the full-day holidays of the person's region's calendar.
pub(crate) async fn work_days(pools: &crate::db::Pools, person: Option<PersonId>) -> Result<WorkDays> {
    let Some(person) = person else {
        return Ok(WorkDays::default());
    };
    let rows = pools
        .all(
            sql(
                "SELECT h.holiday_date FROM holidays h JOIN holiday_calendars c ON c.id = h.calendar_id \
                 JOIN people p ON lower(p.region) = lower(c.region) WHERE p.id = $1 AND h.minutes IS NULL",
            )
            .bind(person),
        )
        .await?;
    let days = rows
        .iter()
        .map(|r| r.get::<Date>("holiday_date"))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(WorkDays::new(days))
}

/// The working days of each person, from one query over their regions' calendars.
pub(crate) async fn work_days_of(
    pools: &crate::db::Pools,
    people: &[Option<PersonId>],
) -> Result<std::collections::HashMap<Option<PersonId>, WorkDays>> {
    let ids: Vec<i64> = {
        let mut v: Vec<i64> = people.iter().flatten().map(|p| p.get()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut holidays: std::collections::HashMap<i64, Vec<Date>> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let mut q = sql("SELECT p.id AS person, h.holiday_date FROM holidays h \
             JOIN holiday_calendars c ON c.id = h.calendar_id \
             JOIN people p ON lower(p.region) = lower(c.region) WHERE h.minutes IS NULL AND p.id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(*id);
        }
        q.push(")");
        for r in pools.all(q).await? {
            holidays
                .entry(r.get("person")?)
                .or_default()
                .push(r.get("holiday_date")?);
        }
    }
    Ok(people
        .iter()
        .map(|p| {
            let days = p
                .and_then(|p| holidays.get(&p.get()))
                .map(|d| WorkDays::new(d.iter().copied()))
                .unwrap_or_default();
            (*p, days)
        })
        .collect())
}

/// A person must exist to be named.
pub(crate) async fn person(tx: &mut Tx, id: PersonId, field: &str) -> Result<()> {
    let found = tx
        .optional(sql("SELECT id FROM people WHERE id = $1 AND archived_at IS NULL").bind(id))
        .await?;
    if found.is_none() {
        return Err(Error::invalid(
            field,
            Rule::UnknownPerson,
            format!("{field}: person {id} does not exist"),
        ));
    }
    Ok(())
}

/// Cuts a list to the opportunities (by the column holding their id) a subject sees.
pub(crate) fn visible(q: &mut Sql, column: &str, v: Option<psops_core::scoping::opportunities::Visible>) {
    let Some(v) = v else { return };
    q.push(&format!(" AND {column} IN (SELECT id FROM opportunities WHERE "));
    if let Some(p) = v.person {
        q.push("engagement_manager_id = ")
            .push_bind(p)
            .push(" OR technical_architect_id = ")
            .push_bind(p)
            .push(" OR ");
    }
    q.push("id IN (SELECT opportunity_id FROM sows WHERE waiting_for = ")
        .push_bind(v.user)
        .push(") OR id IN (SELECT s.opportunity_id FROM sow_decisions d JOIN sows s ON s.id = d.sow_id WHERE d.decided_by = ")
        .push_bind(v.user)
        .push("))");
}
