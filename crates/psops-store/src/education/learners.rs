//! Learners in SQL: a plain record kind, checked against the person, partner, account
//! and contact it names.

use async_trait::async_trait;
use psops_core::accounts::{Account, Contact};
use psops_core::code::Code;
use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg, LearnerSort};
use psops_core::partners::Partner;
use psops_core::people::Person;
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::{Error, Id, Result};

use super::opt_text;
use crate::catalog::live;
use crate::common::{code_index, eq, meta, search};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::{Order, Stored};

#[async_trait]
impl Stored for Learner {
    const TABLE: &'static str = "learners";
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "email",
        "organisation",
        "person_id",
        "partner_id",
        "account_id",
        "contact_id",
    ];

    fn read(r: &Row) -> Result<Learner> {
        Ok(Learner {
            id: r.id("id")?,
            fields: LearnerFields {
                name: r.get("name")?,
                email: r.get("email")?,
                organisation: r.code("organisation")?,
                person_id: r.opt_id("person_id")?,
                partner_id: r.opt_id("partner_id")?,
                account_id: r.opt_id("account_id")?,
                contact_id: r.opt_id("contact_id")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &LearnerFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            opt_text(&f.email.as_ref().map(|e| e.trim().to_lowercase())),
            f.organisation.code().into(),
            f.person_id.into(),
            f.partner_id.into(),
            f.account_id.into(),
            f.contact_id.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &LearnerFields, _me: Option<Id<Learner>>) -> Result<()> {
        if let Some(person) = f.person_id {
            let p = live::<Person>(tx, person, "person_id", "person").await?;
            // The person's employer is the learner's: an employee is the company's own, a
            // partner consultant works for the partner the learner names.
            let fits = match f.organisation {
                LearnerOrg::Employee => p.fields.partner_id.is_none(),
                LearnerOrg::PartnerConsultant => p.fields.partner_id == f.partner_id,
                LearnerOrg::CustomerContact => false,
            };
            if !fits {
                return Err(Error::invalid(
                    "person_id",
                    Rule::NotForKind,
                    format!(
                        "{} does not belong to the learner's organisation ({})",
                        p.fields.name,
                        f.organisation.code()
                    ),
                ));
            }
        }
        if let Some(partner) = f.partner_id {
            live::<Partner>(tx, partner, "partner_id", "partner").await?;
        }
        if let Some(account) = f.account_id {
            live::<Account>(tx, account, "account_id", "account").await?;
        }
        if let Some(contact) = f.contact_id {
            let c = live::<Contact>(tx, contact, "contact_id", "contact").await?;
            if Some(c.account_id) != f.account_id {
                return Err(Error::invalid(
                    "contact_id",
                    Rule::AccountMismatch,
                    "the contact belongs to another account than the learner's",
                ));
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &LearnerFilter) {
        if let ListScope::Limited { partner, .. } = f.scope {
            match partner {
                Some(org) => {
                    q.push(" AND partner_id = ").push_bind(org.get());
                }
                None => {
                    q.push(" AND 1 = 0");
                }
            }
        }
        eq(q, "organisation", f.organisation.map(|o| o.code()));
        eq(q, "partner_id", f.partner_id);
        eq(q, "account_id", f.account_id);
        eq(q, "person_id", f.person_id);
        search(q, &["name", "email"], f.q.as_deref());
    }

    fn order(key: LearnerSort) -> Order {
        static ORG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        match key {
            LearnerSort::Name => Order::By("LOWER(name)"),
            LearnerSort::Email => Order::By("LOWER(email)"),
            LearnerSort::Organisation => Order::By(ORG.get_or_init(|| code_index::<LearnerOrg>("organisation"))),
        }
    }
}
