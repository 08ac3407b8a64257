//! Resolving one [`SourceRow`] against the [`Directory`] and the [`Mapping`].

use super::{Directory, EntityKind, Hit, Mapping, Resolved, Unmatched, Unresolved, key};
use crate::accounts::AccountId;
use crate::code::Code;
use crate::interchange::{RowError, SourceRow};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::time_entries::InternalCategory;

struct Report<'r> {
    row: &'r SourceRow,
    errors: Vec<RowError>,
    missing: Vec<Unmatched>,
}

impl Report<'_> {
    fn fail(&mut self, col: &str, value: &str, rule: Rule, message: String) {
        let column = self.row.column(col);
        self.errors
            .push(RowError::new(self.row.line, column, value, rule, message));
    }
}

/// Internal work names its category as the task in shapes without a category column
/// (`Pre-sales` and `pre_sales` are one category).
fn category_named(s: &str) -> Option<InternalCategory> {
    let code: String = s.trim().to_lowercase().replace([' ', '-'], "_");
    InternalCategory::from_code(&code).ok()
}

fn person_by(dir: &Directory, who: &str) -> Option<Hit<PersonId>> {
    let table = if who.contains('@') {
        &dir.people_by_email
    } else {
        &dir.people_by_name
    };
    table.get(&key(who)).copied()
}

/// A project by code, else by name — narrowed to the row's account when a name repeats.
fn project_by(dir: &Directory, text: &str, account: Option<AccountId>) -> Option<Hit<ProjectId>> {
    if let Some(hit) = dir.project_codes.get(&key(text)) {
        return Some(*hit);
    }
    let named = dir.project_names.get(&key(text))?;
    let fitting: Vec<ProjectId> = named
        .iter()
        .filter(|(_, a)| account.is_none() || *a == account)
        .map(|(p, _)| *p)
        .collect();
    match fitting.as_slice() {
        [] => None,
        [one] => Some(Hit::One(*one)),
        _ => Some(Hit::Many),
    }
}

/// Resolves a row to ids: direct matches first, then the mapping. On failure, every broken
/// rule is an error and every unknown entity is listed in `missing`.
pub fn resolve(row: &SourceRow, dir: &Directory, mapping: &Mapping) -> Result<Resolved, Unresolved> {
    let f = super::super::fields(row.format);
    let (email_col, name_col, account_col, project_col, code_col) =
        (f.email, f.name, f.account, f.project, f.project_code);
    let mut report = Report {
        row,
        errors: Vec::new(),
        missing: Vec::new(),
    };
    let person = resolve_person(&mut report, dir, mapping, email_col, name_col);
    let account_text = row.account.as_deref().or(row.account_code.as_deref());
    let account = [row.account_code.as_deref(), row.account.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|t| match dir.accounts.get(&key(t)) {
            Some(Hit::One(id)) => Some(*id),
            _ => mapping
                .target(EntityKind::Account, t)
                .and_then(|target| match dir.accounts.get(&key(target)) {
                    Some(Hit::One(id)) => Some(*id),
                    _ => None,
                }),
        });
    let mut project_id = None;
    let mut category = row.category;
    let project_texts: Vec<&str> = [row.project_code.as_deref(), row.project.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if project_texts.is_empty() {
        category = category.or_else(|| row.task.as_deref().and_then(category_named));
        if category.is_none() {
            let msg = "the row names no project and no internal category".to_string();
            report.fail(project_col, "", Rule::ProjectOrCategory, msg);
        }
    } else {
        let direct = project_texts.iter().find_map(|t| project_by(dir, t, account));
        let mapped = || {
            project_texts.iter().find_map(|t| {
                let target = mapping.target(EntityKind::Project, t)?;
                Some(project_by(dir, target, account).ok_or(target))
            })
        };
        let shown = row
            .project
            .as_deref()
            .or(row.project_code.as_deref())
            .unwrap_or_default();
        let col = if row.project.is_some() { project_col } else { code_col };
        // The mapping settles what a direct match cannot: an unknown or a repeated name.
        let outcome = match direct {
            Some(Hit::One(id)) => Some(Ok(Hit::One(id))),
            other => mapped().or(other.map(Ok)),
        };
        match outcome {
            Some(Ok(Hit::One(id))) => project_id = Some(id),
            Some(Ok(Hit::Many)) => {
                let msg = format!("more than one project is called '{shown}': give its code or a mapping");
                report.fail(col, shown, Rule::AmbiguousProject, msg);
            }
            // A mapping may send an export's internal "project" to a category.
            Some(Err(target)) if category_named(target).is_some() => category = category_named(target),
            Some(Err(target)) => {
                let msg = format!("the mapping sends '{shown}' to '{target}', which is no project");
                report.fail(col, shown, Rule::UnmatchedProject, msg);
                report.missing.push(missing_project(row));
            }
            None => {
                report.fail(
                    col,
                    shown,
                    Rule::UnmatchedProject,
                    format!("no project is called '{shown}'"),
                );
                report.missing.push(missing_project(row));
            }
        }
    }
    let account_id = match (project_id, account) {
        (Some(p), given) => {
            let owner = dir.project_account.get(&p).copied().flatten();
            if let (Some(given), Some(owner)) = (given, owner)
                && given != owner
            {
                let shown = account_text.unwrap_or_default();
                let msg = format!("the project does not belong to the account '{shown}'");
                report.fail(account_col, shown, Rule::AccountMismatch, msg);
            }
            owner
        }
        (None, Some(a)) => Some(a),
        (None, None) => {
            // An unknown account matters only when the project must be created under it.
            if let Some(shown) = account_text.filter(|_| !project_texts.is_empty()) {
                let msg = format!("no account is called '{shown}'");
                report.fail(account_col, shown, Rule::UnmatchedAccount, msg);
                report.missing.push(Unmatched::Account {
                    name: row.account.clone(),
                    code: row.account_code.clone(),
                });
            }
            None
        }
    };
    match person {
        Some(person_id) if report.errors.is_empty() => Ok(Resolved {
            person_id,
            account_id,
            project_id,
            category: if project_id.is_some() { None } else { category },
        }),
        _ => Err(Unresolved {
            errors: report.errors,
            missing: report.missing,
        }),
    }
}

fn missing_project(row: &SourceRow) -> Unmatched {
    Unmatched::Project {
        account: row.account.clone().or_else(|| row.account_code.clone()),
        name: row.project.clone(),
        code: row.project_code.clone(),
    }
}

fn resolve_person(
    report: &mut Report<'_>,
    dir: &Directory,
    mapping: &Mapping,
    email_col: &str,
    name_col: &str,
) -> Option<PersonId> {
    let row = report.row;
    let texts: Vec<&str> = [row.person.email.as_deref(), row.person.name.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let direct = texts.iter().find_map(|t| person_by(dir, t));
    let mapped = || {
        texts
            .iter()
            .find_map(|t| mapping.target(EntityKind::Person, t))
            .and_then(|target| person_by(dir, target))
    };
    let (col, shown) = match (&row.person.email, &row.person.name) {
        (Some(e), _) => (email_col, e.as_str()),
        (None, Some(n)) => (name_col, n.as_str()),
        (None, None) => (name_col, ""),
    };
    let outcome = match direct {
        Some(Hit::One(id)) => Some(Hit::One(id)),
        other => mapped().or(other),
    };
    match outcome {
        Some(Hit::One(id)) => Some(id),
        Some(Hit::Many) => {
            let msg = format!("more than one person is called '{shown}': give an e-mail or a mapping");
            report.fail(col, shown, Rule::AmbiguousPerson, msg);
            None
        }
        None => {
            report.fail(
                col,
                shown,
                Rule::UnmatchedPerson,
                format!("no person matches '{shown}'"),
            );
            report.missing.push(Unmatched::Person {
                email: row.person.email.clone(),
                name: row.person.name.clone(),
            });
            None
        }
    }
}
