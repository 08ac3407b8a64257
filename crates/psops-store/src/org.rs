//! Organisation settings and the health check in SQL. Settings are one JSON document,
//! so a new setting needs no migration; absent keys take the handbook's defaults.

use async_trait::async_trait;
use psops_core::record::Entity;
use psops_core::settings::{Settings, SettingsPatch};
use psops_core::store::{OrgStore, WriteCtx};
use psops_core::{Error, Result};

use crate::Db;
use crate::common::Exec;
use crate::db::{Backend, Tx, sql};

const KEY: &str = "org";

/// Reads the settings through a pool or inside a write transaction, so rules see what
/// is committed with them.
pub(crate) async fn load<E: Exec>(e: &mut E) -> Result<Settings> {
    let rows = e
        .all(sql("SELECT value FROM settings WHERE key = $1").bind(KEY))
        .await?;
    parse(rows.first().map(|r| r.get::<String>("value")).transpose()?)
}

/// Writes the settings document.
pub(crate) async fn save(tx: &mut Tx, settings: &Settings) -> Result<()> {
    let text = serde_json::to_string(settings).map_err(Error::internal)?;
    let q =
        sql("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(KEY)
            .bind(text);
    tx.execute(q).await?;
    Ok(())
}

fn parse(stored: Option<String>) -> Result<Settings> {
    let Some(text) = stored else {
        return Ok(Settings::default());
    };
    // Merge over the defaults so settings added later get their default values.
    let mut merged = serde_json::to_value(Settings::default()).map_err(Error::internal)?;
    let stored: serde_json::Value = serde_json::from_str(&text).map_err(Error::internal)?;
    if let (Some(m), Some(s)) = (merged.as_object_mut(), stored.as_object()) {
        for (k, v) in s {
            m.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(merged).map_err(Error::internal)
}

#[async_trait]
impl OrgStore for Db {
    fn backend(&self) -> &'static str {
        match self.kind() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    async fn ping(&self) -> Result<()> {
        self.pools.one(sql("SELECT 1 AS one")).await.map(drop)
    }

    async fn claim_run(&self, job: &str, node: &str, every: time::Duration, now: time::OffsetDateTime) -> Result<bool> {
        let mut tx = self.pools.begin().await?;
        let first = sql("INSERT INTO job_runs (name, ran_at, node) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
            .bind(job)
            .bind(now)
            .bind(node);
        let claimed = if tx.execute(first).await? == 1 {
            true
        } else {
            // The conditional update is the claim: of several nodes, one changes the row.
            let again = sql("UPDATE job_runs SET ran_at = $1, node = $2 WHERE name = $3 AND ran_at <= $4")
                .bind(now)
                .bind(node)
                .bind(job)
                .bind(now - every);
            tx.execute(again).await? == 1
        };
        tx.commit().await?;
        Ok(claimed)
    }

    async fn settings(&self) -> Result<Settings> {
        let mut pools = &self.pools;
        let read = load(&mut pools);
        self.memo
            .get_counts(&self.pools, crate::follow::CAPACITY, "settings".into(), read)
            .await
    }

    async fn update_settings(&self, ctx: &WriteCtx, patch: SettingsPatch) -> Result<Settings> {
        let mut tx = self.pools.begin().await?;
        let before = load(&mut tx).await?;
        let next = before.clone().apply(patch)?;
        save(&mut tx, &next).await?;
        let action = psops_core::audit::AuditAction::Update;
        crate::audit::record(&mut tx, ctx, Entity::Settings, 0, action, Some(&before), Some(&next)).await?;
        tx.commit().await?;
        Ok(next)
    }
}
