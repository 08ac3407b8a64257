//! The directory an import matches names against, read once inside the import's
//! transaction, and kept current as `--create-missing` adds to it.

use std::collections::HashMap;

use psops_core::Result;
use psops_core::interchange::mapping::Directory;

use crate::db::{Tx, sql};

/// The core [`Directory`] plus the account lookup the creation of projects needs.
pub(crate) struct Names {
    pub dir: Directory,
    /// Lower-cased account name or code → id (a name two accounts share is left out).
    pub accounts: HashMap<String, Option<i64>>,
}

pub(crate) fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Names {
    pub fn add_account(&mut self, id: i64, name: &str, code: Option<&str>) {
        self.dir.add_account(psops_core::Id::new(id), name, code);
        for k in std::iter::once(name).chain(code) {
            let k = key(k);
            if k.is_empty() {
                continue;
            }
            self.accounts
                .entry(k)
                .and_modify(|v| {
                    if *v != Some(id) {
                        *v = None
                    }
                })
                .or_insert(Some(id));
        }
    }

    pub fn account(&self, text: &str) -> Option<i64> {
        self.accounts.get(&key(text)).copied().flatten()
    }
}

/// Every person, account and project, archived ones included (a row naming an archived
/// project then fails with the rule that says so, rather than as unknown).
pub(crate) async fn load(tx: &mut Tx) -> Result<Names> {
    let mut names = Names {
        dir: Directory::default(),
        accounts: HashMap::new(),
    };
    for r in tx.all(sql("SELECT id, email, name FROM people")).await? {
        let (email, name): (String, String) = (r.get("email")?, r.get("name")?);
        names.dir.add_person(r.id("id")?, &email, &name);
    }
    for r in tx.all(sql("SELECT id, name, code FROM accounts")).await? {
        let code: Option<String> = r.get("code")?;
        names.add_account(r.get("id")?, &r.get::<String>("name")?, code.as_deref());
    }
    for r in tx.all(sql("SELECT id, account_id, name, code FROM projects")).await? {
        let code: Option<String> = r.get("code")?;
        let name: String = r.get("name")?;
        names
            .dir
            .add_project(r.id("id")?, r.opt_id("account_id")?, &name, code.as_deref());
    }
    Ok(names)
}
