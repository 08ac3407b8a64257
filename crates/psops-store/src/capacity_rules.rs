//! The capacity rules in SQL: the base policy is one JSON document in `settings` (absent
//! numbers take the handbook's defaults), overrides are rows with their scope, effective
//! dates and changes as JSON.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::calendars::{RulesOverrideId, StoredOverride};
use psops_core::capacity::{CapacityRules, OverrideScope, PersonFacts, RulesChanges, RulesOverride, resolve};
use psops_core::code::Code;
use psops_core::people::{Function, PersonId};
use psops_core::record::Entity;
use psops_core::store::{CapacityRulesStore, RecordStore, WriteCtx};
use psops_core::{Error, Result};
use time::Date;

use crate::Db;
use crate::common::{Exec, ensure_exists};
use crate::db::{Row, now, sql};

const KEY: &str = "capacity_policy";
const COLUMNS: &str = "id, scope_kind, scope_value, effective_from, effective_to, changes, created_at";

/// The base policy, read through a pool or inside a transaction. Its fiscal-year start
/// is the organisation's setting, so quarters mean the same everywhere.
pub(crate) async fn base<E: Exec>(e: &mut E) -> Result<CapacityRules> {
    let rows = e
        .all(sql("SELECT value FROM settings WHERE key = $1").bind(KEY))
        .await?;
    let mut policy: CapacityRules = match rows.first() {
        None => CapacityRules::handbook(),
        Some(r) => serde_json::from_str(&r.get::<String>("value")?).map_err(Error::internal)?,
    };
    policy.fiscal_year_start_month = crate::org::load(e).await?.fiscal_year_start_month;
    Ok(policy)
}

fn read(r: &Row) -> Result<StoredOverride> {
    let kind: String = r.get("scope_kind")?;
    let value: String = r.get("scope_value")?;
    let scope = match kind.as_str() {
        "region" => OverrideScope::Region(value),
        "function" => OverrideScope::Function(Function::from_code(&value)?),
        _ => OverrideScope::Person(value.parse().map_err(Error::internal)?),
    };
    let changes: RulesChanges = serde_json::from_str(&r.get::<String>("changes")?).map_err(Error::internal)?;
    Ok(StoredOverride {
        id: r.id("id")?,
        policy_override: RulesOverride {
            scope,
            effective_from: r.get("effective_from")?,
            effective_to: r.get("effective_to")?,
            changes,
        },
        created_at: r.get("created_at")?,
    })
}

/// Every override in creation order, the order `resolve` breaks ties by.
pub(crate) async fn overrides<E: Exec>(e: &mut E) -> Result<Vec<RulesOverride>> {
    let rows = e
        .all(sql(format!("SELECT {COLUMNS} FROM policy_overrides ORDER BY id")))
        .await?;
    rows.iter().map(|r| read(r).map(|o| o.policy_override)).collect()
}

fn scope_columns(scope: &OverrideScope) -> (&'static str, String) {
    match scope {
        OverrideScope::Region(r) => ("region", r.trim().to_string()),
        OverrideScope::Function(f) => ("function", f.code().to_string()),
        OverrideScope::Person(p) => ("person", p.get().to_string()),
    }
}

/// Field errors of a policy, renamed to sit under `prefix`.
fn prefixed(e: Error, prefix: &str) -> Error {
    match e {
        Error::Invalid(errors) => Error::Invalid(
            errors
                .into_iter()
                .map(|mut f| {
                    f.field = format!("{prefix}{}", f.field);
                    f
                })
                .collect(),
        ),
        other => other,
    }
}

#[async_trait]
impl CapacityRulesStore for Db {
    async fn capacity_rules(&self) -> Result<CapacityRules> {
        // Read by every report and page: kept until the settings or the rules change.
        let mut pools = &self.pools;
        let read = base(&mut pools);
        self.memo
            .get_counts(&self.pools, crate::follow::CAPACITY, "capacity_rules".into(), read)
            .await
    }

    async fn update_capacity_rules(&self, ctx: &WriteCtx, policy: CapacityRules) -> Result<CapacityRules> {
        policy.validate()?;
        let mut tx = self.pools.begin().await?;
        let before = base(&mut tx).await?;
        let text = serde_json::to_string(&policy).map_err(Error::internal)?;
        let q = sql(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(KEY)
        .bind(text);
        tx.execute(q).await?;
        // One fiscal calendar: a new start month in the policy moves the setting with it.
        let mut settings = crate::org::load(&mut tx).await?;
        if settings.fiscal_year_start_month != policy.fiscal_year_start_month {
            settings.fiscal_year_start_month = policy.fiscal_year_start_month;
            crate::org::save(&mut tx, &settings).await?;
        }
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::CapacityRules,
            0,
            AuditAction::Update,
            Some(&before),
            Some(&policy),
        )
        .await?;
        tx.commit().await?;
        Ok(policy)
    }

    async fn create_rules_override(&self, ctx: &WriteCtx, new: RulesOverride) -> Result<StoredOverride> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let OverrideScope::Person(p) = &new.scope {
            ensure_exists(&mut tx, "people", Some(p.get()), "scope.person", "person").await?;
        }
        // On its own over today's base the override must still give a possible year.
        let mut probe = base(&mut tx).await?;
        new.changes.apply_to(&mut probe);
        probe.validate().map_err(|e| prefixed(e, "changes."))?;
        let (kind, value) = scope_columns(&new.scope);
        let changes = serde_json::to_string(&new.changes).map_err(Error::internal)?;
        let q = sql(format!(
            "INSERT INTO policy_overrides (scope_kind, scope_value, effective_from, effective_to, changes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
        ))
        .bind(kind)
        .bind(value)
        .bind(new.effective_from)
        .bind(new.effective_to)
        .bind(changes)
        .bind(now());
        let stored = read(&tx.one(q).await?)?;
        let id = stored.id.get();
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::RulesOverride,
            id,
            AuditAction::Create,
            None,
            Some(&stored),
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn list_rules_overrides(&self) -> Result<Vec<StoredOverride>> {
        let rows = self
            .pools
            .all(sql(format!("SELECT {COLUMNS} FROM policy_overrides ORDER BY id")))
            .await?;
        rows.iter().map(read).collect()
    }

    async fn delete_rules_override(&self, ctx: &WriteCtx, id: RulesOverrideId) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let q = sql(format!(
            "SELECT {COLUMNS} FROM policy_overrides WHERE id = $1{}",
            tx.for_update()
        ))
        .bind(id);
        let row = tx
            .optional(q)
            .await?
            .ok_or_else(|| Error::not_found(Entity::RulesOverride, id))?;
        let before = read(&row)?;
        tx.execute(sql("DELETE FROM policy_overrides WHERE id = $1").bind(id))
            .await?;
        crate::audit::deleted(&mut tx, ctx, Entity::RulesOverride, id.get(), &before).await?;
        tx.commit().await
    }

    async fn policy_inputs(&self, person: PersonId) -> Result<(CapacityRules, Vec<RulesOverride>)> {
        let facts = PersonFacts::from(&self.get(person).await?);
        let mut pools = &self.pools;
        let all = overrides(&mut pools).await?;
        let mine = all.into_iter().filter(|o| o.scope.matches(&facts)).collect();
        Ok((base(&mut pools).await?, mine))
    }

    async fn resolved_rules(&self, person: PersonId, on: Date) -> Result<CapacityRules> {
        let facts = PersonFacts::from(&self.get(person).await?);
        let (base, overrides) = self.policy_inputs(person).await?;
        resolve(&base, &overrides, &facts, on)
    }
}
