//! Opportunities from a CRM export, inside the records import's transaction. A row is
//! matched by its CRM id: a new one opens an opportunity and its scoping record (the
//! territory's engagement manager when the row names none), a known one is updated when
//! any field it carries differs and left alone otherwise. What psops keeps that the CRM
//! does not (pain points, constraints, the EM's status and override) survives an update.
//! A row with `ps_value` and `edu_value` is a quote: it overwrites both and discards the
//! edu override, as a quote in psops does.

use std::collections::HashMap;

use psops_core::Result;
use psops_core::accounts::Account;
use psops_core::imports::ImportReport;
use psops_core::people::Person;
use psops_core::rule::Rule;
use psops_core::scoping::crm::OpportunityRow;
use psops_core::scoping::opportunities::{EmStatus, Opportunity, OpportunityFields, Quote};
use psops_core::store::WriteCtx;

use super::directory::key;
use super::records::{all, err, refused};
use crate::db::{Tx, now, sql};
use crate::opportunities as opp;
use crate::record::{self, Stored, create_in};

pub(crate) async fn run(
    tx: &mut Tx,
    ctx: &WriteCtx,
    rows: Vec<OpportunityRow>,
    report: &mut ImportReport,
) -> Result<()> {
    let mut accounts: HashMap<String, Option<Account>> = HashMap::new();
    for a in all::<Account>(tx).await? {
        for k in std::iter::once(a.fields.name.as_str()).chain(a.fields.code.as_deref()) {
            // A name two accounts share matches neither.
            accounts
                .entry(key(k))
                .and_modify(|e| *e = None)
                .or_insert_with(|| Some(a.clone()));
        }
    }
    let people: HashMap<String, Person> = all::<Person>(tx)
        .await?
        .into_iter()
        .map(|p| (key(&p.fields.email), p))
        .collect();
    let mut known: HashMap<String, Opportunity> = HashMap::new();
    let q = sql(format!(
        "SELECT {} FROM opportunities WHERE crm_id IS NOT NULL",
        record::table::<Opportunity>().columns
    ));
    for r in tx.all(q).await? {
        let o = Opportunity::read(&r)?;
        if let Some(id) = &o.fields.crm_id {
            known.insert(key(id), o);
        }
    }
    let settings = crate::org::load(tx).await?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in rows {
        report.rows_read += 1;
        let line = row.line;
        if let Some(first) = seen.insert(key(&row.crm_id), line) {
            let msg = format!("{} is already on line {first}", row.crm_id);
            report.fail(err(line, "crm_id", &row.crm_id, Rule::Duplicate, msg));
            continue;
        }
        let Some(Some(account)) = accounts.get(&key(&row.account)) else {
            let msg = format!("no single account is called or coded '{}'", row.account);
            report.fail(err(line, "account", &row.account, Rule::UnmatchedAccount, msg));
            continue;
        };
        let em = match row.engagement_manager_email.as_deref() {
            None => None,
            Some(email) => match people.get(&key(email)) {
                Some(p) => Some(p.id),
                None => {
                    let msg = format!("no person has the e-mail {email}");
                    report.fail(err(line, "engagement_manager_email", email, Rule::UnknownPerson, msg));
                    continue;
                }
            },
        };
        let before = known.get(&key(&row.crm_id)).cloned();
        let base = before.as_ref().map(|o| o.fields.clone());
        let fields = OpportunityFields {
            name: row.name.clone(),
            account_id: account.id,
            crm_id: Some(row.crm_id.trim().to_string()),
            sales_owner: row.sales_owner.clone(),
            engagement_manager_id: em
                .or(base.as_ref().and_then(|b| b.engagement_manager_id))
                .or_else(|| settings.scoping.manager_of(row.segment)),
            segment: row.segment,
            public_sector: row
                .public_sector
                .unwrap_or(base.as_ref().is_some_and(|b| b.public_sector)),
            stage: row.stage.clone(),
            close_date: row.close_date,
            currency: row.currency,
            amount: row.amount,
            ps_value: if row.edu_value.is_some() {
                base.as_ref().and_then(|b| b.ps_value)
            } else {
                row.ps_value.or(base.as_ref().and_then(|b| b.ps_value))
            },
            edu_value_override: base.as_ref().and_then(|b| b.edu_value_override),
            em_confidence: base.as_ref().and_then(|b| b.em_confidence.clone()),
            em_status: base.as_ref().map_or(EmStatus::ToDo, |b| b.em_status),
            pain_points: base.as_ref().and_then(|b| b.pain_points.clone()),
            constraints: base.as_ref().and_then(|b| b.constraints.clone()),
            keep_open: base.as_ref().is_some_and(|b| b.keep_open),
        };
        let quote = match (row.ps_value, row.edu_value) {
            (Some(ps_value), Some(edu_value)) => Some(Quote { ps_value, edu_value }),
            _ => None,
        };
        match write(tx, ctx, before.as_ref(), fields, quote).await {
            Ok(Some(o)) => {
                if before.is_some() {
                    report.updated += 1;
                } else {
                    report.imported += 1;
                }
                known.insert(key(&row.crm_id), o);
            }
            Ok(None) => report.skipped += 1,
            Err(e) => report.fail(refused(line, e)?),
        }
    }
    Ok(())
}

/// Creates or updates one opportunity; none when nothing differs.
async fn write(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: Option<&Opportunity>,
    fields: OpportunityFields,
    quote: Option<Quote>,
) -> Result<Option<Opportunity>> {
    <Opportunity as psops_core::record::Record>::validate(&fields)?;
    Opportunity::check(tx, &fields, before.map(|b| b.id)).await?;
    let stored = match before {
        Some(b) => b.clone(),
        None => create_in::<Opportunity>(tx, ctx, &fields).await?,
    };
    let mut after = stored.clone();
    after.fields = fields;
    if let Some(q) = quote {
        after.set_values(after.values().quoted(q, after.fields.currency)?);
    }
    let unchanged = after.fields == stored.fields && after.values() == stored.values();
    match (before, unchanged) {
        (Some(_), true) => Ok(None),
        (None, true) => Ok(Some(stored)),
        _ => {
            after.last_activity_at = now();
            Ok(Some(opp::save(tx, ctx, &stored, &after).await?))
        }
    }
}
