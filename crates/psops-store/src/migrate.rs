//! Embedded migrations, numbered the same for both backends and applied in order, each
//! in its own transaction. Several `psops serve` nodes starting together on PostgreSQL
//! queue on an advisory lock, so each migration runs once.

use psops_core::{Error, Result};

use crate::db::{Backend, Pools, sql};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "core_records",
        sql: include_str!("../migrations/sqlite/0001_core_records.sql"),
    },
    Migration {
        version: 2,
        name: "access_control",
        sql: include_str!("../migrations/sqlite/0002_access_control.sql"),
    },
    Migration {
        version: 3,
        name: "time_reporting",
        sql: include_str!("../migrations/sqlite/0003_time_reporting.sql"),
    },
    Migration {
        version: 4,
        name: "interchange",
        sql: include_str!("../migrations/sqlite/0004_interchange.sql"),
    },
    Migration {
        version: 5,
        name: "audit_via",
        sql: include_str!("../migrations/sqlite/0005_audit_via.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "core_records",
        sql: include_str!("../migrations/postgres/0001_core_records.sql"),
    },
    Migration {
        version: 2,
        name: "access_control",
        sql: include_str!("../migrations/postgres/0002_access_control.sql"),
    },
    Migration {
        version: 3,
        name: "time_reporting",
        sql: include_str!("../migrations/postgres/0003_time_reporting.sql"),
    },
    Migration {
        version: 4,
        name: "interchange",
        sql: include_str!("../migrations/postgres/0004_interchange.sql"),
    },
    Migration {
        version: 5,
        name: "audit_via",
        sql: include_str!("../migrations/postgres/0005_audit_via.sql"),
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Applies every migration not yet applied; returns the versions it applied.
pub(crate) async fn run(pools: &Pools) -> Result<Vec<i64>> {
    let list = match pools.backend() {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let mut applied = Vec::new();
    for m in list {
        let mut tx = pools.begin().await?;
        if tx.backend() == Backend::Postgres {
            tx.execute(sql("SELECT pg_advisory_xact_lock(727700001)")).await?;
        }
        tx.execute(sql(LEDGER)).await?;
        let done = tx
            .optional(sql("SELECT version FROM schema_migrations WHERE version = $1").bind(m.version))
            .await?;
        if done.is_some() {
            continue;
        }
        tx.execute_script(m.sql)
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
    fn both_backends_have_the_same_migrations() {
        let a: Vec<_> = SQLITE.iter().map(|m| (m.version, m.name)).collect();
        let b: Vec<_> = POSTGRES.iter().map(|m| (m.version, m.name)).collect();
        assert_eq!(a, b);
        assert!(a.windows(2).all(|w| w[0].0 < w[1].0), "versions ascend");
    }

    #[test]
    fn every_migration_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        for (backend, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let files = std::fs::read_dir(format!("{dir}/{backend}")).unwrap().count();
            assert_eq!(
                files,
                list.len(),
                "{backend}: a migration file is not listed in migrate.rs"
            );
        }
    }
}
