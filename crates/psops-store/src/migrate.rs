//! Embedded migrations: one list whose entries carry both backends' SQL, applied in order,
//! each in its own transaction and recorded in `schema_migrations`. Several `psops serve`
//! nodes starting together on PostgreSQL queue on an advisory lock, so each migration runs
//! once. (Not `sqlx::migrate!`: SQLite runs on rusqlite, which sqlx cannot migrate.)

use psops_core::{Error, Result};

use crate::db::{Backend, Pools, sql};

/// One schema change, written for each backend under the same number and name.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// Every migration, in order: a new one is a file in each backend's folder, named
/// `NNNN_name.sql` alike, and an entry here (a test checks the three agree).
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "core_records",
        sqlite: include_str!("../migrations/sqlite/0001_core_records.sql"),
        postgres: include_str!("../migrations/postgres/0001_core_records.sql"),
    },
    Migration {
        version: 2,
        name: "access_control",
        sqlite: include_str!("../migrations/sqlite/0002_access_control.sql"),
        postgres: include_str!("../migrations/postgres/0002_access_control.sql"),
    },
    Migration {
        version: 3,
        name: "time_reporting",
        sqlite: include_str!("../migrations/sqlite/0003_time_reporting.sql"),
        postgres: include_str!("../migrations/postgres/0003_time_reporting.sql"),
    },
    Migration {
        version: 4,
        name: "interchange",
        sqlite: include_str!("../migrations/sqlite/0004_interchange.sql"),
        postgres: include_str!("../migrations/postgres/0004_interchange.sql"),
    },
    Migration {
        version: 5,
        name: "audit_via",
        sqlite: include_str!("../migrations/sqlite/0005_audit_via.sql"),
        postgres: include_str!("../migrations/postgres/0005_audit_via.sql"),
    },
    Migration {
        version: 6,
        name: "rollup_week",
        sqlite: include_str!("../migrations/sqlite/0006_rollup_week.sql"),
        postgres: include_str!("../migrations/postgres/0006_rollup_week.sql"),
    },
    Migration {
        version: 7,
        name: "change_counts",
        sqlite: include_str!("../migrations/sqlite/0007_change_counts.sql"),
        postgres: include_str!("../migrations/postgres/0007_change_counts.sql"),
    },
    Migration {
        version: 8,
        name: "reminders",
        sqlite: include_str!("../migrations/sqlite/0008_reminders.sql"),
        postgres: include_str!("../migrations/postgres/0008_reminders.sql"),
    },
    Migration {
        version: 9,
        name: "people_name",
        sqlite: include_str!("../migrations/sqlite/0009_people_name.sql"),
        postgres: include_str!("../migrations/postgres/0009_people_name.sql"),
    },
    Migration {
        version: 10,
        name: "project_rollups",
        sqlite: include_str!("../migrations/sqlite/0010_project_rollups.sql"),
        postgres: include_str!("../migrations/postgres/0010_project_rollups.sql"),
    },
    Migration {
        version: 11,
        name: "rollup_counts",
        sqlite: include_str!("../migrations/sqlite/0011_rollup_counts.sql"),
        postgres: include_str!("../migrations/postgres/0011_rollup_counts.sql"),
    },
    Migration {
        version: 12,
        name: "change_log",
        sqlite: include_str!("../migrations/sqlite/0012_change_log.sql"),
        postgres: include_str!("../migrations/postgres/0012_change_log.sql"),
    },
    Migration {
        version: 13,
        name: "counts_and_covering",
        sqlite: include_str!("../migrations/sqlite/0013_counts_and_covering.sql"),
        postgres: include_str!("../migrations/postgres/0013_counts_and_covering.sql"),
    },
    Migration {
        version: 14,
        name: "catalog",
        sqlite: include_str!("../migrations/sqlite/0014_catalog.sql"),
        postgres: include_str!("../migrations/postgres/0014_catalog.sql"),
    },
    Migration {
        version: 15,
        name: "scoping",
        sqlite: include_str!("../migrations/sqlite/0015_scoping.sql"),
        postgres: include_str!("../migrations/postgres/0015_scoping.sql"),
    },
    Migration {
        version: 16,
        name: "notifications",
        sqlite: include_str!("../migrations/sqlite/0016_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0016_notifications.sql"),
    },
    Migration {
        version: 17,
        name: "lifecycle",
        sqlite: include_str!("../migrations/sqlite/0017_lifecycle.sql"),
        postgres: include_str!("../migrations/postgres/0017_lifecycle.sql"),
    },
    Migration {
        version: 18,
        name: "acceptance",
        sqlite: include_str!("../migrations/sqlite/0018_acceptance.sql"),
        postgres: include_str!("../migrations/postgres/0018_acceptance.sql"),
    },
    Migration {
        version: 19,
        name: "escalations",
        sqlite: include_str!("../migrations/sqlite/0019_escalations.sql"),
        postgres: include_str!("../migrations/postgres/0019_escalations.sql"),
    },
    Migration {
        version: 20,
        name: "health_raid",
        sqlite: include_str!("../migrations/sqlite/0020_health_raid.sql"),
        postgres: include_str!("../migrations/postgres/0020_health_raid.sql"),
    },
    Migration {
        version: 21,
        name: "closure_csat",
        sqlite: include_str!("../migrations/sqlite/0021_closure_csat.sql"),
        postgres: include_str!("../migrations/postgres/0021_closure_csat.sql"),
    },
    Migration {
        version: 22,
        name: "outbox_delivery",
        sqlite: include_str!("../migrations/sqlite/0022_outbox_delivery.sql"),
        postgres: include_str!("../migrations/postgres/0022_outbox_delivery.sql"),
    },
    Migration {
        version: 23,
        name: "ledger",
        sqlite: include_str!("../migrations/sqlite/0023_ledger.sql"),
        postgres: include_str!("../migrations/postgres/0023_ledger.sql"),
    },
    Migration {
        version: 24,
        name: "invoices",
        sqlite: include_str!("../migrations/sqlite/0024_invoices.sql"),
        postgres: include_str!("../migrations/postgres/0024_invoices.sql"),
    },
    Migration {
        version: 25,
        name: "forecasts",
        sqlite: include_str!("../migrations/sqlite/0025_forecasts.sql"),
        postgres: include_str!("../migrations/postgres/0025_forecasts.sql"),
    },
    Migration {
        version: 26,
        name: "partner_onboarding",
        sqlite: include_str!("../migrations/sqlite/0026_partner_onboarding.sql"),
        postgres: include_str!("../migrations/postgres/0026_partner_onboarding.sql"),
    },
    Migration {
        version: 27,
        name: "partner_funds",
        sqlite: include_str!("../migrations/sqlite/0027_partner_funds.sql"),
        postgres: include_str!("../migrations/postgres/0027_partner_funds.sql"),
    },
    Migration {
        version: 28,
        name: "partner_invoices",
        sqlite: include_str!("../migrations/sqlite/0028_partner_invoices.sql"),
        postgres: include_str!("../migrations/postgres/0028_partner_invoices.sql"),
    },
    Migration {
        version: 29,
        name: "request_skills",
        sqlite: include_str!("../migrations/sqlite/0029_request_skills.sql"),
        postgres: include_str!("../migrations/postgres/0029_request_skills.sql"),
    },
    Migration {
        version: 30,
        name: "ledger_pending",
        sqlite: include_str!("../migrations/sqlite/0030_ledger_pending.sql"),
        postgres: include_str!("../migrations/postgres/0030_ledger_pending.sql"),
    },
    Migration {
        version: 31,
        name: "education",
        sqlite: include_str!("../migrations/sqlite/0031_education.sql"),
        postgres: include_str!("../migrations/postgres/0031_education.sql"),
    },
    Migration {
        version: 32,
        name: "classes",
        sqlite: include_str!("../migrations/sqlite/0032_classes.sql"),
        postgres: include_str!("../migrations/postgres/0032_classes.sql"),
    },
    Migration {
        version: 33,
        name: "certifications",
        sqlite: include_str!("../migrations/sqlite/0033_certifications.sql"),
        postgres: include_str!("../migrations/postgres/0033_certifications.sql"),
    },
    Migration {
        version: 34,
        name: "partner_funds_count",
        sqlite: include_str!("../migrations/sqlite/0034_partner_funds_count.sql"),
        postgres: include_str!("../migrations/postgres/0034_partner_funds_count.sql"),
    },
    Migration {
        version: 35,
        name: "trainer_paths",
        sqlite: include_str!("../migrations/sqlite/0035_trainer_paths.sql"),
        postgres: include_str!("../migrations/postgres/0035_trainer_paths.sql"),
    },
    Migration {
        version: 36,
        name: "training_partners",
        sqlite: include_str!("../migrations/sqlite/0036_training_partners.sql"),
        postgres: include_str!("../migrations/postgres/0036_training_partners.sql"),
    },
    Migration {
        version: 37,
        name: "class_seats",
        sqlite: include_str!("../migrations/sqlite/0037_class_seats.sql"),
        postgres: include_str!("../migrations/postgres/0037_class_seats.sql"),
    },
    Migration {
        version: 38,
        name: "report_counts",
        sqlite: include_str!("../migrations/sqlite/0038_report_counts.sql"),
        postgres: include_str!("../migrations/postgres/0038_report_counts.sql"),
    },
    Migration {
        version: 39,
        name: "staffing",
        sqlite: include_str!("../migrations/sqlite/0039_staffing.sql"),
        postgres: include_str!("../migrations/postgres/0039_staffing.sql"),
    },
    Migration {
        version: 40,
        name: "webhooks",
        sqlite: include_str!("../migrations/sqlite/0040_webhooks.sql"),
        postgres: include_str!("../migrations/postgres/0040_webhooks.sql"),
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// PostgreSQL answers `CREATE TABLE IF NOT EXISTS` on an existing ledger with a notice,
/// which every command would log; within this transaction only warnings come back.
async fn quiet(tx: &mut crate::db::Tx) -> Result<()> {
    tx.execute(sql("SET LOCAL client_min_messages = warning")).await?;
    Ok(())
}

/// Applies every migration not yet applied; returns the versions it applied.
pub(crate) async fn run(pools: &Pools) -> Result<Vec<i64>> {
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        let mut tx = pools.begin().await?;
        if tx.backend() == Backend::Postgres {
            tx.execute(sql("SELECT pg_advisory_xact_lock(727700001)")).await?;
            quiet(&mut tx).await?;
        }
        tx.execute(sql(LEDGER)).await?;
        let done = tx
            .optional(sql("SELECT version FROM schema_migrations WHERE version = $1").bind(m.version))
            .await?;
        if done.is_some() {
            continue;
        }
        tx.execute_script(m.sql(pools.backend()))
            .await
            .map_err(|e| Error::internal(format!("migration {} ({}) failed: {e:?}", m.version, m.name)))?;
        let at = crate::db::now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        tx.execute(
            sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(m.version)
                .bind(m.name)
                .bind(at),
        )
        .await?;
        tx.commit().await?;
        applied.push(m.version);
    }
    Ok(applied)
}

/// Versions recorded as applied, in order.
pub(crate) async fn applied(pools: &Pools) -> Result<Vec<i64>> {
    let mut tx = pools.begin().await?;
    if tx.backend() == Backend::Postgres {
        quiet(&mut tx).await?;
    }
    tx.execute(sql(LEDGER)).await?;
    let rows = tx
        .all(sql("SELECT version FROM schema_migrations ORDER BY version"))
        .await?;
    tx.commit().await?;
    rows.iter().map(|r| r.get::<i64>("version")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_ascend_and_every_file_is_listed() {
        assert!(
            MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version),
            "versions ascend"
        );
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        for backend in ["sqlite", "postgres"] {
            let mut files: Vec<String> = std::fs::read_dir(format!("{dir}/{backend}"))
                .unwrap()
                .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            let listed: Vec<String> = MIGRATIONS
                .iter()
                .map(|m| format!("{:04}_{}.sql", m.version, m.name))
                .collect();
            assert_eq!(files, listed, "{backend}: the files and MIGRATIONS differ");
        }
    }
}
