//! Defaults and the one way every command opens the database: migrated, and logged
//! without the password that a PostgreSQL URL may carry.

use anyhow::Context as _;
use psops_store::{Db, OpenOptions};

/// With no configuration psops keeps its data in this file beside where it runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://psops.db";
/// Loopback only, so a first run never exposes anything to the network.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Connections per process: enough for a node's concurrent requests while leaving room
/// for several nodes on one PostgreSQL.
const MAX_CONNECTIONS: u32 = 16;

/// Opens the database and applies pending migrations, so every command works on a
/// fresh file or an upgraded binary without a separate step.
pub async fn open_db(url: &str) -> anyhow::Result<Db> {
    let db = connect(url).await?;
    let migrated = migrate(&db, url).await;
    match migrated {
        Ok(applied) if applied.is_empty() => {
            tracing::debug!(database = %redact(url), "database is up to date");
        }
        Ok(applied) => {
            tracing::info!(database = %redact(url), versions = ?applied, "applied migrations");
        }
        Err(e) => {
            db.close().await;
            return Err(e);
        }
    }
    Ok(db)
}

/// Opens the database without touching its schema.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    let options = OpenOptions {
        migrate: false,
        max_connections: MAX_CONNECTIONS,
    };
    Db::open(url, options)
        .await
        .with_context(|| format!("database {}", redact(url)))
}

/// The migration that made the catalog's tables.
const CATALOG_MIGRATION: i64 = 14;

/// Applies pending migrations; returns the versions applied now. A database that gets
/// the catalog's tables now (a new organisation, or one upgraded to them) is given the
/// handbook's catalog.
pub async fn migrate(db: &Db, url: &str) -> anyhow::Result<Vec<i64>> {
    let applied = db
        .migrate()
        .await
        .with_context(|| format!("migrating {}", redact(url)))?;
    if applied.contains(&CATALOG_MIGRATION) {
        let mut ctx = psops_core::store::WriteCtx::trusted();
        ctx.via = Some("psops:handbook-catalog".into());
        let handbook = psops_core::catalog::file::handbook();
        let report = psops_core::catalog::file::apply(db, &ctx, &handbook, false)
            .await
            .context("loading the handbook's catalog")?;
        tracing::info!(created = report.created, "loaded the handbook's catalog");
    }
    Ok(applied)
}

/// The URL with any password replaced by `***`, for logs and error messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/psops?sslmode=require"),
            "postgres://app:***@db:5432/psops?sslmode=require"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/psops"),
            "postgres://postgres@127.0.0.1/psops"
        );
        assert_eq!(redact("sqlite://psops.db"), "sqlite://psops.db");
        assert_eq!(redact("not a url"), "not a url");
    }
}
