//! Accounts and their contacts in SQL.

use async_trait::async_trait;
use psops_core::accounts::{
    Account, AccountFields, AccountFilter, AccountId, Contact, ContactFields, ContactFilter, NewContact,
};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::sort::ByName;
use psops_core::{Currency, Error, Result};

use crate::common::{eq, meta, scope, search};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Stored, table};

#[async_trait]
impl Stored for Account {
    const TABLE: &'static str = "accounts";
    const COLUMNS: &'static [&'static str] = &["name", "code", "region", "industry", "currency"];
    const UNIQUE: Option<(&'static str, &'static str)> =
        Some(("name", "an account with this name or code already exists"));

    fn read(r: &Row) -> Result<Account> {
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

    fn values(f: &AccountFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.code.as_deref().map(str::trim).into(),
            f.region.clone().into(),
            f.industry.clone().into(),
            f.currency.map(|c| c.to_string()).into(),
        ]
    }

    /// Both unique indexes are checked up front so the error names the right field on
    /// either backend.
    async fn check(tx: &mut Tx, f: &AccountFields, me: Option<AccountId>) -> Result<()> {
        let me = me.map(|i| i.get()).unwrap_or(0);
        let q = sql("SELECT id FROM accounts WHERE lower(name) = lower($1) AND id <> $2")
            .bind(f.name.trim())
            .bind(me);
        if tx.optional(q).await?.is_some() {
            return Err(Error::conflict(
                "name",
                Rule::Unique,
                "an account with this name already exists",
            ));
        }
        if let Some(code) = &f.code {
            let q = sql("SELECT id FROM accounts WHERE lower(code) = lower($1) AND id <> $2")
                .bind(code.trim())
                .bind(me);
            if tx.optional(q).await?.is_some() {
                return Err(Error::conflict(
                    "code",
                    Rule::Unique,
                    "an account with this code already exists",
                ));
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &AccountFilter) {
        scope(q, &f.scope, ListKind::Accounts);
        search(q, &["name", "code"], f.q.as_deref());
    }

    fn order(key: ByName) -> crate::record::Order {
        match key {
            ByName::Name => crate::record::Order::By("LOWER(name)"),
        }
    }
}

#[async_trait]
impl Stored for Contact {
    const TABLE: &'static str = "contacts";
    const FIXED: &'static [&'static str] = &["account_id"];
    const COLUMNS: &'static [&'static str] = &["name", "email", "title", "phone"];

    fn read(r: &Row) -> Result<Contact> {
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

    fn values(f: &ContactFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.email.clone().into(),
            f.title.clone().into(),
            f.phone.clone().into(),
        ]
    }

    fn fixed(new: &NewContact) -> Vec<Value> {
        vec![new.account_id.into()]
    }

    /// The account comes from the path: a missing one is a 404, not a bad field.
    async fn check_new(tx: &mut Tx, new: &NewContact) -> Result<()> {
        table::<Account>().get(tx, new.account_id.get(), "").await.map(drop)
    }

    fn filter(q: &mut Sql, f: &ContactFilter) {
        eq(q, "account_id", Some(f.account_id));
    }

    fn order(key: ByName) -> crate::record::Order {
        match key {
            ByName::Name => crate::record::Order::By("LOWER(name)"),
        }
    }
}
