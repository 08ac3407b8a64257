//! Users and API tokens in SQL.

use async_trait::async_trait;
use psops_core::auth::{ApiToken, ApiTokenId, NewApiToken, NewUser, User, UserId, roles_from_text, roles_to_text};
use psops_core::code::Code;
use psops_core::store::AuthStore;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::Db;
use crate::common::ensure_exists;
use crate::db::{Row, now, on_unique, sql};

pub(crate) const USER_COLUMNS: &str = "id, email, name, roles, person_id, created_at, disabled_at";
const TOKEN_COLUMNS: &str = "id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at";

pub(crate) fn read_user(r: &Row) -> Result<User> {
    Ok(User {
        id: r.id("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        roles: roles_from_text(&r.get::<String>("roles")?)?,
        person_id: r.opt_id("person_id")?,
        created_at: r.get("created_at")?,
        disabled_at: r.get("disabled_at")?,
    })
}

fn read_token(r: &Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: r.id("id")?,
        user_id: r.id("user_id")?,
        name: r.get("name")?,
        scope: r.code("scope")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        last_used_at: r.get("last_used_at")?,
        revoked_at: r.get("revoked_at")?,
    })
}

#[async_trait]
impl AuthStore for Db {
    async fn create_user(&self, new: NewUser) -> Result<User> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        ensure_exists(&mut tx, "people", new.person_id.map(|i| i.get()), "person_id", "person").await?;
        let q = sql(format!(
            "INSERT INTO users (email, name, password_hash, roles, person_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
        ))
        .bind(new.email.trim())
        .bind(new.name.trim())
        .bind(new.password_hash)
        .bind(roles_to_text(&new.roles))
        .bind(new.person_id)
        .bind(now());
        let row = tx
            .one(q)
            .await
            .map_err(on_unique("email", "a user with this email already exists"))?;
        let user = read_user(&row)?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let q = sql(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
        ))
        .bind(email.trim());
        self.pools.optional(q).await?.as_ref().map(read_user).transpose()
    }

    async fn password_hash(&self, id: UserId) -> Result<Option<String>> {
        let row = self
            .pools
            .optional(sql("SELECT password_hash FROM users WHERE id = $1").bind(id))
            .await?;
        Ok(row.ok_or_else(|| Error::not_found("user", id))?.get("password_hash")?)
    }

    async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let n = tx
            .execute(
                sql("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(id)
                    .bind(hash),
            )
            .await?;
        if n == 0 {
            return Err(Error::not_found("user", id));
        }
        tx.commit().await
    }

    async fn count_users(&self) -> Result<i64> {
        self.pools.one(sql("SELECT COUNT(*) AS n FROM users")).await?.get("n")
    }

    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiToken> {
        let mut c = psops_core::validate::Checks::new();
        c.text(&new.name, "name", 100);
        c.into_result()?;
        let mut tx = self.pools.begin().await?;
        ensure_exists(&mut tx, "users", Some(new.user_id.get()), "user_id", "user").await?;
        let q = sql(format!(
            "INSERT INTO api_tokens (user_id, name, scope, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(new.user_id)
        .bind(new.name.trim())
        .bind(new.scope.code())
        .bind(new.token_hash)
        .bind(now())
        .bind(new.expires_at);
        let row = tx.one(q).await?;
        let token = read_token(&row)?;
        tx.commit().await?;
        Ok(token)
    }

    async fn authenticate_token(&self, token_hash: &str, at: OffsetDateTime) -> Result<Option<(User, ApiToken)>> {
        let q = sql(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1")).bind(token_hash);
        let Some(row) = self.pools.optional(q).await? else {
            return Ok(None);
        };
        let token = read_token(&row)?;
        if !token.is_live(at) {
            return Ok(None);
        }
        let q = sql(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(token.user_id);
        let Some(row) = self.pools.optional(q).await? else {
            return Ok(None);
        };
        let user = read_user(&row)?;
        if user.disabled_at.is_some() {
            return Ok(None);
        }
        // Last use is kept to the minute: a write per request would serialise every
        // reader behind SQLite's single writer.
        let stale = token.last_used_at.is_none_or(|t| at - t >= time::Duration::minutes(1));
        if stale {
            let mut tx = self.pools.begin().await?;
            tx.execute(
                sql("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(token.id)
                    .bind(at),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(Some((user, token)))
    }

    async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let q = sql(format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id"
        ))
        .bind(user);
        self.pools.all(q).await?.iter().map(read_token).collect()
    }

    async fn revoke_api_token(&self, id: ApiTokenId, at: OffsetDateTime) -> Result<ApiToken> {
        let mut tx = self.pools.begin().await?;
        let q = sql(format!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(id)
        .bind(at);
        let row = tx.optional(q).await?.ok_or_else(|| Error::not_found("api token", id))?;
        let token = read_token(&row)?;
        tx.commit().await?;
        Ok(token)
    }
}
