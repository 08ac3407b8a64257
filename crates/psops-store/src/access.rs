//! Sessions, setup links, sign-in failures and authorization facts in SQL.

use async_trait::async_trait;
use psops_core::accounts::AccountId;
use psops_core::auth::UserId;
use psops_core::partners::PartnerId;
use psops_core::people::PersonId;
use psops_core::policy::ProjectFacts;
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::sessions::{Session, SessionLimits};
use psops_core::store::AccessStore;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::Db;
use crate::auth::{USER_COLUMNS, read_user};
use crate::db::{Row, sql};

const SESSION_COLUMNS: &str = "id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ended_at";

fn read_session(r: &Row) -> Result<Session> {
    Ok(Session {
        id_hash: r.get("id_hash")?,
        user_id: r.id("user_id")?,
        csrf_token: r.get("csrf_token")?,
        created_at: r.get("created_at")?,
        last_seen_at: r.get("last_seen_at")?,
        expires_at: r.get("expires_at")?,
        ended_at: r.get("ended_at")?,
    })
}

/// The settings row holding the key that signs pre-sign-in forms.
const FORM_KEY: &str = "form_key";

/// Sessions note use to the minute: a write per page view would queue every reader
/// behind SQLite's single writer for nothing.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);

#[async_trait]
impl AccessStore for Db {
    async fn create_session(&self, s: &Session) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let q = sql(format!(
            "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(s.id_hash.as_str())
        .bind(s.user_id)
        .bind(s.csrf_token.as_str())
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(s.ended_at);
        tx.execute(q).await?;
        tx.commit().await
    }

    async fn live_session(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
        limits: SessionLimits,
    ) -> Result<Option<(Session, psops_core::auth::User)>> {
        let q = sql(format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = $1")).bind(id_hash);
        let Some(row) = self.pools.optional(q).await? else {
            return Ok(None);
        };
        let session = read_session(&row)?;
        if !session.is_live(now, limits) {
            return Ok(None);
        }
        let q = sql(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(session.user_id);
        let Some(row) = self.pools.optional(q).await? else {
            return Ok(None);
        };
        let user = read_user(&row)?;
        if user.disabled_at.is_some() {
            return Ok(None);
        }
        if now - session.last_seen_at >= TOUCH_EVERY {
            let mut tx = self.pools.begin().await?;
            tx.execute(
                sql("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                    .bind(id_hash)
                    .bind(now),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(Some((session, user)))
    }

    async fn end_session(&self, id_hash: &str, now: OffsetDateTime) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let q = sql("UPDATE sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL")
            .bind(id_hash)
            .bind(now);
        tx.execute(q).await?;
        tx.commit().await
    }

    async fn end_user_sessions(&self, user: UserId, now: OffsetDateTime) -> Result<u64> {
        let mut tx = self.pools.begin().await?;
        let q = sql("UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL")
            .bind(user)
            .bind(now);
        let n = tx.execute(q).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn create_setup_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let q = sql("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(now)
            .bind(expires_at);
        tx.execute(q).await?;
        tx.commit().await
    }

    async fn form_key(&self, fresh: &str) -> Result<String> {
        // The first node to ask stores its key; every later one reads the same. Read
        // first: a write, even one that changes nothing, moves PostgreSQL's count of
        // changes to settings (a statement trigger), which drops every kept report.
        let q = sql("SELECT value FROM settings WHERE key = $1").bind(FORM_KEY);
        if let Some(row) = self.pools.optional(q).await? {
            return row.get("value");
        }
        let mut tx = self.pools.begin().await?;
        let q = sql("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(FORM_KEY)
            .bind(fresh);
        tx.execute(q).await?;
        tx.commit().await?;
        let q = sql("SELECT value FROM settings WHERE key = $1").bind(FORM_KEY);
        self.pools.one(q).await?.get("value")
    }

    async fn use_setup_token(&self, token_hash: &str, now: OffsetDateTime) -> Result<bool> {
        let mut tx = self.pools.begin().await?;
        let q =
            sql("UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
                .bind(token_hash)
                .bind(now);
        let used = tx.execute(q).await? == 1;
        tx.commit().await?;
        Ok(used)
    }

    async fn record_sign_in_failure(&self, subject: &str, at: OffsetDateTime) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        tx.execute(
            sql("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(at),
        )
        .await?;
        tx.commit().await
    }

    async fn sign_in_failures_since(&self, subject: &str, since: OffsetDateTime) -> Result<i64> {
        let q = sql("SELECT COUNT(*) AS n FROM sign_in_failures WHERE subject = $1 AND at >= $2")
            .bind(subject)
            .bind(since);
        self.pools.one(q).await?.get("n")
    }

    async fn project_facts(&self, project: ProjectId, person: Option<PersonId>) -> Result<ProjectFacts> {
        let q = sql("SELECT project_manager_id, partner_id, \
             (SELECT COUNT(*) FROM assignments a WHERE a.project_id = p.id AND a.person_id = $2 \
              AND a.archived_at IS NULL) AS assigned \
             FROM projects p WHERE p.id = $1")
        .bind(project)
        .bind(person.map(|p| p.get()).unwrap_or(0));
        let row = self
            .pools
            .optional(q)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Project, project))?;
        Ok(ProjectFacts {
            id: project,
            manager_id: row.opt_id("project_manager_id")?,
            partner_id: row.opt_id("partner_id")?,
            subject_assigned: row.get::<i64>("assigned")? > 0,
        })
    }

    async fn partner_delivers_for(&self, partner: PartnerId, account: AccountId) -> Result<bool> {
        let q = sql("SELECT COUNT(*) AS n FROM projects WHERE partner_id = $1 AND account_id = $2")
            .bind(partner)
            .bind(account);
        Ok(self.pools.one(q).await?.get::<i64>("n")? > 0)
    }
}
