//! psops-store: the only crate that speaks SQL. It implements the store traits of
//! psops-core for SQLite and PostgreSQL, chosen once from the database URL.
#![forbid(unsafe_code)]

mod access;
mod accounts;
mod assignments;
mod audit;
mod auth;
pub mod backup;
mod bulk;
mod bulk_copy;
mod bulk_records;
mod calendars;
mod capacity_rules;
mod catalog;
mod certifications;
mod changes;
mod claims;
mod common;
mod db;
pub(crate) mod delivery;
mod education;
mod estimates;
mod finance;
mod follow;
mod idempotency;
pub mod import;
mod locks;
mod memo;
mod migrate;
mod opportunities;
mod org;
mod outbox;
mod partner_funds;
mod partner_invoices;
mod partnering;
mod partners;
mod people;
mod plan;
mod projects;
mod rates;
mod record;
mod reminders;
mod reports;
mod reports_weekly;
mod rollups;
mod scoping;
mod signing;
mod sku_requests;
mod sows;
mod staffing;
pub mod testing;
mod time_entries;
mod time_off;
mod timesheet_steps;
mod timesheets;
mod trainer_paths;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use psops_core::rule::Rule;
use psops_core::{Error, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use db::{Backend, PoolStatus};

/// A psops database: SQLite or PostgreSQL behind the same store traits.
#[derive(Clone, Debug)]
pub struct Db {
    pools: db::Pools,
    url: String,
    memo: std::sync::Arc<memo::Memo>,
    /// Kept list pages, apart from `memo`: a screen of rows is cheap to read again and
    /// users make many of them, which must not push out reports that take tens of
    /// milliseconds to compute.
    pages: std::sync::Arc<memo::Memo>,
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Apply pending migrations on open.
    pub migrate: bool,
    /// Connections for readers (SQLite: opened as needed, beside the one writer) or for
    /// everything (PostgreSQL).
    pub max_connections: u32,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            migrate: true,
            max_connections: 8,
        }
    }
}

impl Db {
    /// The connections open, idle and allowed at most now (for the `/metrics` gauges).
    pub fn pool_status(&self) -> PoolStatus {
        self.pools.pool_status()
    }

    /// Opens `sqlite://path` (the file is created if missing) or `postgres://…`.
    pub async fn open(url: &str, opts: OpenOptions) -> Result<Db> {
        let pools = if url.starts_with("sqlite:") {
            let readers = opts.max_connections.max(1) as usize;
            db::Pools::Sqlite(std::sync::Arc::new(db::Sqlite::open(url, readers)?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            open_postgres(url, &opts).await?
        } else {
            return Err(Error::invalid(
                "database_url",
                Rule::Scheme,
                "database_url must start with sqlite:// or postgres://",
            ));
        };
        let db = Db {
            pools,
            url: url.to_string(),
            memo: Default::default(),
            pages: Default::default(),
        };
        if opts.migrate {
            db.migrate().await?;
        }
        Ok(db)
    }

    /// Applies pending migrations; returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::run(&self.pools).await
    }

    /// Versions already applied.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        migrate::applied(&self.pools).await
    }

    /// The URL the database was opened with.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn kind(&self) -> Backend {
        self.pools.backend()
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.pools.close().await;
    }
}

fn connect_error(e: sqlx::Error) -> Error {
    Error::Internal(format!("cannot open the database: {e}"))
}

async fn open_postgres(url: &str, opts: &OpenOptions) -> Result<db::Pools> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| Error::invalid("database_url", Rule::PostgresUrl, format!("not a PostgreSQL URL: {e}")))?;
    let pool = PgPoolOptions::new()
        .max_connections(opts.max_connections.max(2))
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(connect_error)?;
    Ok(db::Pools::Pg(pool))
}
