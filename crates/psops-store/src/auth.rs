//! Users and API tokens in SQL.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::auth::{
    ApiToken, ApiTokenId, NewApiToken, NewUser, User, UserId, UserPatch, check_token_expiry, keeps_an_admin,
    roles_from_text, roles_to_text,
};
use psops_core::code::Code;
use psops_core::page::{Page, PageRequest};
use psops_core::people::PersonId;
use psops_core::record::Entity;
use psops_core::store::AuthStore;
use psops_core::store::WriteCtx;
use psops_core::{Error, Result};
use time::OffsetDateTime;

use crate::common::ensure_exists;
use crate::db::{Row, now, on_unique, sql};
use crate::{Db, audit};

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
    async fn create_user(&self, ctx: &WriteCtx, new: NewUser) -> Result<User> {
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
        audit::record(
            &mut tx,
            ctx,
            Entity::User,
            user.id.get(),
            AuditAction::Create,
            None,
            Some(&user),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user(&self, id: UserId) -> Result<User> {
        let q = sql(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")).bind(id);
        read_user(
            &self
                .pools
                .optional(q)
                .await?
                .ok_or_else(|| Error::not_found(Entity::User, id))?,
        )
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let q = sql(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
        ))
        .bind(email.trim());
        self.pools.optional(q).await?.as_ref().map(read_user).transpose()
    }

    async fn users_of_person(&self, person: PersonId) -> Result<Vec<User>> {
        let q = sql(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE person_id = $1 ORDER BY id"
        ))
        .bind(person);
        self.pools.all(q).await?.iter().map(read_user).collect()
    }

    async fn update_user(&self, ctx: &WriteCtx, id: UserId, patch: UserPatch) -> Result<User> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        // A change of roles or a disabling may take away the last administrator: lock the
        // enabled users first, in id order, so two such changes cannot both pass.
        let enabled = if patch.roles.is_some() || patch.disabled == Some(true) {
            let q = sql(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE disabled_at IS NULL ORDER BY id{lock}"
            ));
            tx.all(q).await?.iter().map(read_user).collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let q = sql(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1{lock}")).bind(id);
        let before = read_user(
            &tx.optional(q)
                .await?
                .ok_or_else(|| Error::not_found(Entity::User, id))?,
        )?;
        let mut next = NewUser {
            email: before.email.clone(),
            name: patch.name.unwrap_or_else(|| before.name.clone()),
            roles: patch.roles.unwrap_or_else(|| before.roles.clone()),
            person_id: patch.person_id.unwrap_or(before.person_id),
            password_hash: None,
        };
        next.roles.sort();
        next.roles.dedup();
        next.validate()?;
        ensure_exists(
            &mut tx,
            "people",
            next.person_id.map(|i| i.get()),
            "person_id",
            "person",
        )
        .await?;
        let disabled_at = match patch.disabled {
            Some(true) => before.disabled_at.or(Some(now())),
            Some(false) => None,
            None => before.disabled_at,
        };
        let q = sql(format!(
            "UPDATE users SET name = $2, roles = $3, person_id = $4, disabled_at = $5 WHERE id = $1 \
             RETURNING {USER_COLUMNS}"
        ))
        .bind(id)
        .bind(next.name.trim())
        .bind(roles_to_text(&next.roles))
        .bind(next.person_id)
        .bind(disabled_at);
        let after = read_user(&tx.one(q).await?)?;
        let other_admins = enabled.iter().filter(|u| u.id != id && u.is_active_admin()).count();
        keeps_an_admin(&before, &after, other_admins)?;
        audit::record(
            &mut tx,
            ctx,
            Entity::User,
            id.get(),
            AuditAction::Update,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn list_users(&self, page: PageRequest) -> Result<Page<User>> {
        self.users_matching(None, page).await
    }

    async fn find_users(&self, text: &str, page: PageRequest) -> Result<Page<User>> {
        self.users_matching(Some(text), page).await
    }

    async fn password_hash(&self, id: UserId) -> Result<Option<String>> {
        let row = self
            .pools
            .optional(sql("SELECT password_hash FROM users WHERE id = $1").bind(id))
            .await?;
        row.ok_or_else(|| Error::not_found(Entity::User, id))?
            .get("password_hash")
    }

    async fn set_password_hash(&self, ctx: &WriteCtx, id: UserId, hash: &str) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let n = tx
            .execute(
                sql("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(id)
                    .bind(hash),
            )
            .await?;
        if n == 0 {
            return Err(Error::not_found(Entity::User, id));
        }
        // The hash itself never enters the log; that the password changed does.
        let change = serde_json::json!({ "password": "changed" });
        audit::record(
            &mut tx,
            ctx,
            Entity::User,
            id.get(),
            AuditAction::Update,
            None,
            Some(&change),
        )
        .await?;
        tx.commit().await
    }

    async fn count_users(&self) -> Result<i64> {
        self.pools.one(sql("SELECT COUNT(*) AS n FROM users")).await?.get("n")
    }

    async fn create_api_token(&self, ctx: &WriteCtx, new: NewApiToken) -> Result<ApiToken> {
        let mut c = psops_core::validate::Checks::new();
        c.text(&new.name, "name", 100);
        if let Err(psops_core::Error::Invalid(errors)) = check_token_expiry(new.expires_at, now()) {
            for e in errors {
                c.push(e);
            }
        }
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
        let token = read_token(&tx.one(q).await?)?;
        audit::record(
            &mut tx,
            ctx,
            Entity::ApiToken,
            token.id.get(),
            AuditAction::Create,
            None,
            Some(&token),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn api_token(&self, id: ApiTokenId) -> Result<ApiToken> {
        let q = sql(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1")).bind(id);
        read_token(
            &self
                .pools
                .optional(q)
                .await?
                .ok_or_else(|| Error::not_found(Entity::ApiToken, id))?,
        )
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
        if token.last_used_at.is_none_or(|t| at - t >= time::Duration::minutes(1)) {
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

    async fn revoke_api_token(&self, ctx: &WriteCtx, id: ApiTokenId, at: OffsetDateTime) -> Result<ApiToken> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let q = sql(format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1{lock}")).bind(id);
        let before = read_token(
            &tx.optional(q)
                .await?
                .ok_or_else(|| Error::not_found(Entity::ApiToken, id))?,
        )?;
        let q = sql(format!(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(id)
        .bind(at);
        let token = read_token(&tx.one(q).await?)?;
        if before.revoked_at.is_none() {
            let action = AuditAction::Update;
            audit::record(
                &mut tx,
                ctx,
                Entity::ApiToken,
                id.get(),
                action,
                Some(&before),
                Some(&token),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(token)
    }
}

impl Db {
    /// A page of users by id; with `text`, those whose name or e-mail contains it.
    async fn users_matching(&self, text: Option<&str>, page: PageRequest) -> Result<Page<User>> {
        let mut q = sql(format!("SELECT {USER_COLUMNS} FROM users WHERE 1=1"));
        crate::common::search(&mut q, &["name", "email"], text);
        if let Some(after) = page.after {
            q.push(" AND id > ").push_bind(after);
        }
        q.push(&format!(" ORDER BY id LIMIT {}", page.limit as i64 + 1));
        let users = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(read_user)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::from_rows(users, page.limit, |u| u.id.get()))
    }
}
