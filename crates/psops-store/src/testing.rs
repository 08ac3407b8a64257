//! Fresh, throwaway databases for tests in every crate: a SQLite file in the temp
//! directory, or a new PostgreSQL database beside the one `PSOPS_TEST_POSTGRES_URL`
//! names. Each test gets its own and drops it afterwards.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{Db, OpenOptions};

/// The environment variable that switches the PostgreSQL variants of the suites on.
pub const POSTGRES_ENV: &str = "PSOPS_TEST_POSTGRES_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{}_{n}", std::process::id(), nanos % 1_000_000_000)
}

/// A database made for one test.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

impl TestDatabase {
    /// A new SQLite file (created when first opened).
    pub fn sqlite() -> TestDatabase {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name("psops_test")));
        TestDatabase {
            url: format!("sqlite://{}", path.display()),
            cleanup: Cleanup::File(path),
        }
    }

    /// A new PostgreSQL database, or `None` when `PSOPS_TEST_POSTGRES_URL` is not set.
    pub async fn postgres() -> Option<TestDatabase> {
        let admin = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
        let name = unique_name("psops_t");
        let mut conn = connect(&admin).await;
        let create = format!("CREATE DATABASE {name}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let options = PgConnectOptions::from_str(&admin)
            .expect("PSOPS_TEST_POSTGRES_URL is a PostgreSQL URL")
            .database(&name);
        let url = options.to_url_lossy().to_string();
        Some(TestDatabase {
            url,
            cleanup: Cleanup::Postgres { admin, name },
        })
    }

    /// Opens the database as psops does, migrated.
    pub async fn open(&self) -> Db {
        Db::open(
            &self.url,
            OpenOptions {
                migrate: true,
                max_connections: 4,
            },
        )
        .await
        .expect("open test database")
    }

    /// Removes the file or drops the database.
    pub async fn destroy(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Postgres { admin, name } => {
                let mut conn = connect(&admin).await;
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut conn).await.ok();
                conn.close().await.ok();
            }
        }
    }
}

async fn connect(url: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(url)
        .await
        .expect("connect to PSOPS_TEST_POSTGRES_URL")
}

/// The counts of changes kept results are stamped with, by kind (`rollup` summed over
/// its rows): for tests that a read, or a write that changes nothing, leaves them be.
pub async fn change_counts(db: &Db) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    let rows = db.pools.all(crate::db::sql("SELECT kind, n FROM change_counts")).await;
    for row in rows.expect("read change_counts") {
        let kind: String = row.get("kind").expect("kind");
        let family = kind.split(':').next().unwrap_or_default().to_string();
        *out.entry(family).or_default() += row.get::<i64>("n").expect("n");
    }
    out
}

/// The outbox's notifications about one record (`entity:id`), oldest first, as
/// `(kind, to_email, subject, body)`: for tests that a change queued its message.
pub async fn notices_about(db: &Db, about: &str) -> Vec<(String, String, String, String)> {
    let rows = db
        .pools
        .all(
            crate::db::sql("SELECT kind, to_email, subject, body FROM notifications WHERE about = $1 ORDER BY id")
                .bind(about),
        )
        .await
        .expect("read notifications");
    rows.iter()
        .map(|r| {
            (
                r.get("kind").expect("kind"),
                r.get("to_email").expect("to_email"),
                r.get("subject").expect("subject"),
                r.get("body").expect("body"),
            )
        })
        .collect()
}

/// The notifications in the outbox, oldest first: kind, address and what each is about.
pub async fn queued_notices(db: &Db) -> Vec<(String, String, Option<String>)> {
    let rows = db
        .pools
        .all(crate::db::sql(
            "SELECT kind, to_email, about FROM notifications ORDER BY id",
        ))
        .await
        .expect("read notifications");
    rows.iter()
        .map(|r| {
            (
                r.get("kind").expect("kind"),
                r.get("to_email").expect("to_email"),
                r.get("about").expect("about"),
            )
        })
        .collect()
}

/// The closure gate the move to completed asks (in a transaction of its own): for tests
/// of the gate outside the status move.
pub async fn closure_missing(db: &Db, project: psops_core::projects::ProjectId) -> psops_core::Result<Vec<String>> {
    let mut tx = db.pools.begin().await?;
    crate::delivery::closure::closure_missing(&mut tx, project).await
}

/// What the database holds for a survey's token: for tests that the token is stored
/// hashed.
pub async fn survey_token_hash(db: &Db, survey: psops_core::delivery::surveys::SurveyId) -> psops_core::Result<String> {
    let row = db
        .pools
        .one(crate::db::sql("SELECT token_hash FROM surveys WHERE id = $1").bind(survey))
        .await?;
    row.get("token_hash")
}

/// Queues a notification in a transaction of its own, as a change that causes one would
/// in its transaction: for tests of delivery and of the outbox.
pub async fn queue_notice(db: &Db, notice: &psops_core::notify::Notice) -> psops_core::Result<i64> {
    let mut tx = db.pools.begin().await?;
    let id = crate::outbox::queue(&mut tx, notice).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ties a SOW to a project and sets its signature (none: unsigned), as the scoping flow
/// does over weeks: for ledger tests of work at risk.
pub async fn tie_sow(
    db: &Db,
    sow: i64,
    project: psops_core::projects::ProjectId,
    signed_at: Option<time::OffsetDateTime>,
) -> psops_core::Result<()> {
    let mut tx = db.pools.begin().await?;
    let q = crate::db::sql("UPDATE sows SET project_id = $1, signed_at = $2 WHERE id = $3")
        .bind(project)
        .bind(signed_at)
        .bind(sow);
    tx.execute(q).await?;
    tx.commit().await
}

/// Changes a ledger line's amounts behind the ledger's back: for tests that `verify`
/// finds it.
pub async fn tamper_ledger_line(db: &Db, line: i64, delta: i64) -> psops_core::Result<()> {
    let mut tx = db.pools.begin().await?;
    let q = crate::db::sql(
        "UPDATE ledger_lines SET amount_minor = amount_minor + $1, reporting_minor = reporting_minor + $1 WHERE id = $2",
    )
    .bind(delta)
    .bind(line);
    tx.execute(q).await?;
    tx.commit().await
}

/// Changes an invoice line's amount behind its invoice's total, and takes a number of
/// `kind` that no invoice holds: the two faults `psops verify` must find in invoices.
pub async fn tamper_invoice(db: &Db, invoice: i64, delta: i64, kind: &str) -> psops_core::Result<()> {
    let mut tx = db.pools.begin().await?;
    let line = crate::db::sql(
        "UPDATE invoice_lines SET amount_minor = amount_minor + $1 WHERE invoice_id = $2 AND position = 1",
    )
    .bind(delta)
    .bind(invoice);
    tx.execute(line).await?;
    tx.execute(crate::db::sql("UPDATE invoice_counters SET last = last + 1 WHERE kind = $1").bind(kind.to_string()))
        .await?;
    tx.commit().await
}

/// Writes a revenue line into the ledger as recognition would (in the reporting currency
/// only): for tests of what reads actual revenue, such as forecast accuracy.
pub async fn ledger_revenue(
    db: &Db,
    project: psops_core::projects::ProjectId,
    month: time::Date,
    reporting_minor: i64,
) -> psops_core::Result<()> {
    let currency = psops_core::store::OrgStore::settings(db)
        .await?
        .default_currency
        .to_string();
    let q = crate::db::sql(
        "INSERT INTO ledger_lines (project_id, month, kind, basis, amount_minor, currency, reporting_minor, \
         reporting_currency, minutes, frozen, computed_at) \
         VALUES ($1, $2, 'revenue', 'time_and_materials', $3, $4, $3, $4, 0, FALSE, $5)",
    )
    .bind(project)
    .bind(month)
    .bind(reporting_minor)
    .bind(currency)
    .bind(crate::db::now());
    let mut tx = db.pools.begin().await?;
    tx.execute(q).await?;
    tx.commit().await
}

/// Queues a webhook event in a transaction of its own that commits or, without `commit`,
/// is dropped as a failed change's is: for tests that the webhook outbox keeps only
/// committed events.
pub async fn emit_webhook(
    db: &Db,
    kind: psops_core::webhooks::EventKind,
    data: &serde_json::Value,
    commit: bool,
) -> psops_core::Result<()> {
    let mut tx = db.pools.begin().await?;
    crate::webhooks::emit(&mut tx, kind, data).await?;
    if commit { tx.commit().await } else { Ok(()) }
}

/// The stored payload of a delivery's event: for tests of what receivers get.
pub async fn webhook_body(db: &Db, delivery: psops_core::webhooks::DeliveryId) -> psops_core::Result<String> {
    let q = crate::db::sql(
        "SELECT e.body FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_row WHERE d.id = $1",
    )
    .bind(delivery);
    db.pools.one(q).await?.get("body")
}
