//! Matching import rows to psops's people, accounts and projects: people by e-mail, else by
//! full name; accounts and projects by name or code; then an explicit mapping file for the
//! rest. What stays unmatched is reported as [`Unmatched`] so `--create-missing` can create it.
//!
//! The mapping file is CSV with the header `kind,source,target`: `kind` is `person`,
//! `account` or `project`; `source` is the name, e-mail or code as the export writes it;
//! `target` is a psops e-mail or full name (people), account name or code, or project code or
//! name — or, for a project, an internal category code such as `admin`. Case is ignored.

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;

use super::RowError;
use super::table::norm;
use crate::accounts::AccountId;
use crate::csv_file::{CsvFile, Delimiter};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::time_entries::InternalCategory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Account,
    Project,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The explicit mapping: (kind, lower-cased source) → target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    entries: HashMap<(EntityKind, String), String>,
}

impl Mapping {
    pub fn insert(&mut self, kind: EntityKind, source: &str, target: &str) {
        self.entries.insert((kind, key(source)), target.trim().to_string());
    }

    pub fn target(&self, kind: EntityKind, source: &str) -> Option<&str> {
        self.entries.get(&(kind, key(source))).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a mapping file, reporting every bad line rather than the first.
    pub fn parse(input: impl Read) -> Result<Mapping, Vec<RowError>> {
        let mut file = CsvFile::open(input, Delimiter::Comma, true).map_err(|e| vec![e.into()])?;
        let header: Vec<String> = match file.header() {
            Ok(h) => h.iter().map(|h| norm(h)).collect(),
            Err(e) => {
                return Err(vec![RowError::new(
                    1,
                    "",
                    "",
                    e.rule,
                    format!("the mapping is not CSV: {}", e.message),
                )]);
            }
        };
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(k), Some(s), Some(t)) = (col("kind"), col("source"), col("target")) else {
            let missing = ["kind", "source", "target"]
                .into_iter()
                .find(|n| col(n).is_none())
                .unwrap_or("kind");
            return Err(vec![RowError::new(
                1,
                missing,
                "",
                Rule::MissingColumn,
                format!("the mapping's header has no '{missing}' column (kind,source,target)"),
            )]);
        };
        let (mut mapping, mut errors) = (Mapping::default(), Vec::new());
        for next in file {
            let Ok((line, record)) = next.map_err(|e| errors.push(e.into())) else {
                continue;
            };
            let field = |i: usize| record.get(i).unwrap_or_default().trim();
            let kind = match field(k).to_lowercase().as_str() {
                "person" => Some(EntityKind::Person),
                "account" => Some(EntityKind::Account),
                "project" => Some(EntityKind::Project),
                _ => None,
            };
            if kind.is_none() {
                let msg = "kind must be one of: person, account, project";
                errors.push(RowError::new(line, "kind", field(k), Rule::OneOf, msg));
            }
            for (i, name) in [(s, "source"), (t, "target")] {
                if field(i).is_empty() {
                    errors.push(RowError::new(
                        line,
                        name,
                        "",
                        Rule::Required,
                        format!("{name} must not be blank"),
                    ));
                }
            }
            let Some(kind) = kind.filter(|_| !field(s).is_empty() && !field(t).is_empty()) else {
                continue;
            };
            match mapping.target(kind, field(s)) {
                Some(earlier) if !earlier.eq_ignore_ascii_case(field(t)) => errors.push(RowError::new(
                    line,
                    "source",
                    field(s),
                    Rule::Duplicate,
                    format!("'{}' is already mapped to '{earlier}'", field(s)),
                )),
                _ => mapping.insert(kind, field(s), field(t)),
            }
        }
        if errors.is_empty() { Ok(mapping) } else { Err(errors) }
    }
}

/// A name that more than one object answers to cannot pick one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hit<T> {
    One(T),
    Many,
}

fn add<T: Copy + PartialEq>(map: &mut HashMap<String, Hit<T>>, k: &str, v: T) {
    let k = key(k);
    if k.is_empty() {
        return;
    }
    map.entry(k)
        .and_modify(|h| {
            if *h != Hit::One(v) {
                *h = Hit::Many
            }
        })
        .or_insert(Hit::One(v));
}

/// psops's people, accounts and projects, indexed the ways an import looks them up.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    people_by_email: HashMap<String, Hit<PersonId>>,
    people_by_name: HashMap<String, Hit<PersonId>>,
    accounts: HashMap<String, Hit<AccountId>>,
    project_codes: HashMap<String, Hit<ProjectId>>,
    project_names: HashMap<String, Vec<(ProjectId, Option<AccountId>)>>,
    project_account: HashMap<ProjectId, Option<AccountId>>,
}

impl Directory {
    pub fn add_person(&mut self, id: PersonId, email: &str, name: &str) {
        add(&mut self.people_by_email, email, id);
        add(&mut self.people_by_name, name, id);
    }

    pub fn add_account(&mut self, id: AccountId, name: &str, code: Option<&str>) {
        add(&mut self.accounts, name, id);
        if let Some(code) = code {
            add(&mut self.accounts, code, id);
        }
    }

    /// Project names repeat across accounts ("Implementation"); codes are unique.
    pub fn add_project(&mut self, id: ProjectId, account: Option<AccountId>, name: &str, code: Option<&str>) {
        if let Some(code) = code {
            add(&mut self.project_codes, code, id);
        }
        self.project_names.entry(key(name)).or_default().push((id, account));
        self.project_account.insert(id, account);
    }
}

/// The psops ids a row resolved to: a project, or an internal category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub person_id: PersonId,
    pub account_id: Option<AccountId>,
    pub project_id: Option<ProjectId>,
    pub category: Option<InternalCategory>,
}

/// Something the row names that psops does not have; `--create-missing` creates these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unmatched {
    Person {
        email: Option<String>,
        name: Option<String>,
    },
    Account {
        name: Option<String>,
        code: Option<String>,
    },
    Project {
        account: Option<String>,
        name: Option<String>,
        code: Option<String>,
    },
}

/// Why a row could not be resolved: every broken rule, and which of them are entities that
/// could be created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub errors: Vec<RowError>,
    pub missing: Vec<Unmatched>,
}

impl Unresolved {
    /// Every error is a missing entity, so creating them would let the row through.
    pub fn only_missing(&self) -> bool {
        self.errors.iter().all(|e| e.rule.is_unmatched())
    }
}

mod resolve;
pub use resolve::resolve;
