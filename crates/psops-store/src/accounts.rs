//! Accounts and their contacts in SQL.

use async_trait::async_trait;
use psops_core::accounts::{
    Account, AccountFields, AccountFilter, AccountId, AccountPatch, Contact, ContactFields, ContactId, ContactPatch,
};
use psops_core::page::{Page, PageRequest};
use psops_core::store::{AccountStore, Created, IfVersion, WriteCtx};
use psops_core::{Currency, Result};

use crate::common::{Table, check_version, eq, meta, search};
use crate::db::{Row, now, on_unique, sql};
use crate::{Db, idempotency};

pub(crate) const ACCOUNTS: Table<Account> = Table {
    table: "accounts",
    entity: "account",
    columns: "id, name, code, region, industry, currency, version, created_at, updated_at, archived_at",
    read: read_account,
};

pub(crate) const CONTACTS: Table<Contact> = Table {
    table: "contacts",
    entity: "contact",
    columns: "id, account_id, name, email, title, phone, version, created_at, updated_at, archived_at",
    read: read_contact,
};

fn read_account(r: &Row) -> Result<Account> {
    let currency: Option<String> = r.get("currency")?;
    Ok(Account {
        id: r.id("id")?,
        fields: AccountFields {
            name: r.get("name")?,
            code: r.get("code")?,
            region: r.get("region")?,
            industry: r.get("industry")?,
            currency: currency.map(|c| c.parse::<Currency>()).transpose()?,
        },
        meta: meta(r)?,
    })
}

fn read_contact(r: &Row) -> Result<Contact> {
    Ok(Contact {
        id: r.id("id")?,
        account_id: r.id("account_id")?,
        fields: ContactFields {
            name: r.get("name")?,
            email: r.get("email")?,
            title: r.get("title")?,
            phone: r.get("phone")?,
        },
        meta: meta(r)?,
    })
}

/// Which unique index a conflicting account write hit: both are checked up front so the
/// error names the right field on either backend.
/// Inserts an account (`id` None) or rewrites one's fields; callers validate, check
/// uniqueness and audit.
pub(crate) async fn write(tx: &mut crate::db::Tx, id: Option<AccountId>, f: &AccountFields) -> Result<Account> {
    let q = match id {
        None => sql(format!(
            "INSERT INTO accounts (name, code, region, industry, currency, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {}",
            ACCOUNTS.columns
        )),
        Some(_) => sql(format!(
            "UPDATE accounts SET name = $1, code = $2, region = $3, industry = $4, currency = $5, \
             version = version + 1, updated_at = $6 WHERE id = $7 RETURNING {}",
            ACCOUNTS.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.code.as_deref().map(str::trim))
    .bind(f.region.clone())
    .bind(f.industry.clone())
    .bind(f.currency.map(|c| c.to_string()))
    .bind(now());
    let q = if let Some(id) = id { q.bind(id) } else { q };
    read_account(&tx.one(q).await.map_err(on_unique("name", DUPLICATE))?)
}

pub(crate) async fn check_unique(tx: &mut crate::db::Tx, f: &AccountFields, me: Option<AccountId>) -> Result<()> {
    let me = me.map(|i| i.get()).unwrap_or(0);
    let q = sql("SELECT id FROM accounts WHERE lower(name) = lower($1) AND id <> $2")
        .bind(f.name.trim())
        .bind(me);
    if tx.optional(q).await?.is_some() {
        return Err(psops_core::Error::conflict(
            "name",
            "unique",
            "an account with this name already exists",
        ));
    }
    if let Some(code) = &f.code {
        let q = sql("SELECT id FROM accounts WHERE lower(code) = lower($1) AND id <> $2")
            .bind(code.trim())
            .bind(me);
        if tx.optional(q).await?.is_some() {
            return Err(psops_core::Error::conflict(
                "code",
                "unique",
                "an account with this code already exists",
            ));
        }
    }
    Ok(())
}

const DUPLICATE: &str = "an account with this name or code already exists";

#[async_trait]
impl AccountStore for Db {
    async fn create_account(&self, ctx: &WriteCtx, new: AccountFields) -> Result<Created<Account>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, ACCOUNTS.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        check_unique(&mut tx, &new, None).await?;
        let account = write(&mut tx, None, &new).await?;
        ACCOUNTS.created(&self.pools, tx, ctx, account).await
    }

    async fn account(&self, id: AccountId) -> Result<Account> {
        ACCOUNTS.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_account(
        &self,
        ctx: &WriteCtx,
        id: AccountId,
        v: IfVersion,
        patch: AccountPatch,
    ) -> Result<Account> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = ACCOUNTS.get(&mut tx, id.get(), lock).await?;
        check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        check_unique(&mut tx, &f, Some(id)).await?;
        let updated = write(&mut tx, Some(id), &f).await?;
        ACCOUNTS.updated(tx, ctx, &current, updated).await
    }

    async fn archive_account(&self, ctx: &WriteCtx, id: AccountId, v: IfVersion, archived: bool) -> Result<Account> {
        ACCOUNTS.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_accounts(&self, filter: &AccountFilter, page: PageRequest) -> Result<Page<Account>> {
        let mut q = ACCOUNTS.select();
        crate::common::scope(&mut q, &filter.scope, psops_core::policy::ListKind::Accounts);
        search(&mut q, &["name", "code"], filter.q.as_deref());
        ACCOUNTS.page(&self.pools, q, filter.archived, page).await
    }

    async fn create_contact(&self, ctx: &WriteCtx, account: AccountId, new: ContactFields) -> Result<Created<Contact>> {
        new.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, CONTACTS.entity).await? {
            return Ok(Created::Replayed(previous));
        }
        // The account comes from the path: a missing one is a 404, not a bad field.
        ACCOUNTS.get(&mut tx, account.get(), "").await?;
        let q = sql(format!(
            "INSERT INTO contacts (account_id, name, email, title, phone, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {}",
            CONTACTS.columns
        ))
        .bind(account)
        .bind(new.name.trim())
        .bind(new.email)
        .bind(new.title)
        .bind(new.phone)
        .bind(now());
        let row = tx.one(q).await?;
        CONTACTS.created(&self.pools, tx, ctx, read_contact(&row)?).await
    }

    async fn contact(&self, id: ContactId) -> Result<Contact> {
        CONTACTS.get(&mut &self.pools, id.get(), "").await
    }

    async fn update_contact(
        &self,
        ctx: &WriteCtx,
        id: ContactId,
        v: IfVersion,
        patch: ContactPatch,
    ) -> Result<Contact> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let current = CONTACTS.get(&mut tx, id.get(), lock).await?;
        check_version(current.meta.version, v)?;
        let f = patch.apply(current.fields.clone());
        f.validate()?;
        let q = sql(format!(
            "UPDATE contacts SET name = $2, email = $3, title = $4, phone = $5, \
             version = version + 1, updated_at = $6 WHERE id = $1 RETURNING {}",
            CONTACTS.columns
        ))
        .bind(id)
        .bind(f.name.trim())
        .bind(f.email)
        .bind(f.title)
        .bind(f.phone)
        .bind(now());
        let row = tx.one(q).await?;
        CONTACTS.updated(tx, ctx, &current, read_contact(&row)?).await
    }

    async fn archive_contact(&self, ctx: &WriteCtx, id: ContactId, v: IfVersion, archived: bool) -> Result<Contact> {
        CONTACTS.archive(&self.pools, ctx, id.get(), v, archived).await
    }

    async fn list_contacts(
        &self,
        account: AccountId,
        archived: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Contact>> {
        ACCOUNTS.get(&mut &self.pools, account.get(), "").await?;
        let mut q = CONTACTS.select();
        eq(&mut q, "account_id", Some(account));
        CONTACTS.page(&self.pools, q, archived, page).await
    }
}
