//! People, accounts and projects from psops CSV, all or nothing. A row matches an existing
//! record — people by e-mail, accounts by code else name, projects by code else name within
//! their account — and updates it when any field differs (`updated`) or leaves it alone
//! (`skipped`); otherwise it creates one (`imported`). A row describes the whole record:
//! a blank optional cell clears that value. Uniqueness is checked before any statement
//! runs, so a bad row is a row error and never an aborted transaction.

use std::collections::HashMap;

use psops_core::accounts::Account;
use psops_core::imports::ImportReport;
use psops_core::imports::records::{AccountRow, PersonRow, ProjectRow, RecordBatch};
use psops_core::interchange::RowError;
use psops_core::people::{Person, PersonFields};
use psops_core::projects::{Project, ProjectFields};
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::{Error, Id, Result};

use super::directory::key;
use crate::db::{Pools, Tx, sql};
use crate::record;

pub(crate) async fn run(pools: &Pools, ctx: &WriteCtx, batch: RecordBatch, dry_run: bool) -> Result<ImportReport> {
    let mut report = ImportReport::new(batch.kind(), None, dry_run);
    let mut tx = pools.begin().await?;
    match batch {
        RecordBatch::People(rows) => people(&mut tx, ctx, rows, &mut report).await?,
        RecordBatch::Accounts(rows) => accounts(&mut tx, ctx, rows, &mut report).await?,
        RecordBatch::Projects(rows) => projects(&mut tx, ctx, rows, &mut report).await?,
        RecordBatch::Opportunities(rows) => super::opportunities::run(&mut tx, ctx, rows, &mut report).await?,
    }
    if report.ok() && !dry_run {
        tx.commit().await?;
        report.written = true;
    }
    Ok(report)
}

pub(super) fn err(line: u64, column: &str, value: &str, rule: Rule, message: String) -> Vec<RowError> {
    vec![RowError::new(line, column, value, rule, message)]
}

/// A domain refusal as row errors; anything else stops the import.
pub(super) fn refused(line: u64, e: Error) -> Result<Vec<RowError>> {
    let fields = match e {
        Error::Invalid(f) => f,
        Error::Conflict(f) => vec![f],
        other => return Err(other),
    };
    Ok(fields
        .into_iter()
        .map(|f| RowError::new(line, f.field, "", f.rule, f.message))
        .collect())
}

pub(super) async fn all<R: record::Stored>(tx: &mut Tx) -> Result<Vec<R>> {
    let t = record::table::<R>();
    let q = sql(format!("SELECT {} FROM {} ORDER BY id", t.columns, t.table));
    tx.all(q).await?.iter().map(t.read).collect()
}

async fn partners(tx: &mut Tx) -> Result<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for r in tx.all(sql("SELECT id, name FROM partners")).await? {
        out.insert(key(&r.get::<String>("name")?), r.get("id")?);
    }
    Ok(out)
}

fn partner_of(partners: &HashMap<String, i64>, line: u64, name: Option<&str>) -> Result<Option<i64>, Vec<RowError>> {
    let Some(name) = name else { return Ok(None) };
    partners.get(&key(name)).copied().map(Some).ok_or_else(|| {
        err(
            line,
            "partner",
            name,
            Rule::UnknownPartner,
            format!("no partner organisation is called '{name}'"),
        )
    })
}

/// Creates, updates or leaves alone; returns the record as stored.
async fn save<T: Clone, F: PartialEq>(
    report: &mut ImportReport,
    current: Option<(&T, &F)>,
    new: &F,
    write: impl AsyncFnOnce(Option<&T>) -> Result<T>,
) -> Result<T> {
    match current {
        Some((stored, fields)) if fields == new => {
            report.skipped += 1;
            Ok(stored.clone())
        }
        Some((stored, _)) => {
            report.updated += 1;
            write(Some(stored)).await
        }
        None => {
            report.imported += 1;
            write(None).await
        }
    }
}

async fn people(tx: &mut Tx, ctx: &WriteCtx, rows: Vec<PersonRow>, report: &mut ImportReport) -> Result<()> {
    let partners = partners(tx).await?;
    let mut by_email: HashMap<String, Person> = all::<Person>(tx)
        .await?
        .into_iter()
        .map(|p| (key(&p.fields.email), p))
        .collect();
    let mut seen = HashMap::new();
    // Each saved row, its person, and whether the first pass left it alone.
    let mut saved: Vec<(PersonRow, Person, bool)> = Vec::new();
    for row in rows {
        report.rows_read += 1;
        if let Some(first) = seen.insert(row.email.clone(), row.line) {
            let msg = format!("{} is already on line {first}", row.email);
            report.fail(err(row.line, "email", &row.email, Rule::Duplicate, msg));
            continue;
        }
        let partner_id = match partner_of(&partners, row.line, row.partner.as_deref()) {
            Ok(p) => p.map(Id::new),
            Err(e) => {
                report.fail(e);
                continue;
            }
        };
        let current = by_email.get(&row.email);
        let fields = PersonFields {
            name: row.name.clone(),
            email: row.email.clone(),
            function: row.function,
            region: row.region.clone(),
            time_zone: row.time_zone.clone(),
            fte: row.fte,
            employment_start: row.employment_start,
            employment_end: row.employment_end,
            // Managers are set in a second pass, once everyone in the file exists.
            manager_id: current.and_then(|p| p.fields.manager_id),
            partner_id,
        };
        let stored = current.map(|p| (p, &p.fields));
        let skipped = report.skipped;
        match save(report, stored, &fields, async |before| {
            record::save(tx, ctx, before, &fields).await
        })
        .await
        {
            Ok(p) => {
                by_email.insert(key(&p.fields.email), p.clone());
                saved.push((row, p, report.skipped > skipped));
            }
            Err(e) => report.fail(refused(row.line, e)?),
        }
    }
    for (row, person, left_alone) in saved {
        let manager = match row.manager_email.as_deref() {
            None => None,
            Some(m) => match by_email.get(m) {
                Some(p) if p.id == person.id => {
                    report.fail(err(
                        row.line,
                        "manager_email",
                        m,
                        Rule::NotSelf,
                        "a person cannot be their own manager".into(),
                    ));
                    continue;
                }
                Some(p) => Some(p.id),
                None => {
                    let msg = format!("no person has the e-mail {m}");
                    report.fail(err(row.line, "manager_email", m, Rule::UnknownManager, msg));
                    continue;
                }
            },
        };
        if manager != person.fields.manager_id && report.ok() {
            let mut f = person.fields.clone();
            f.manager_id = manager;
            record::save(tx, ctx, Some(&person), &f).await?;
            if left_alone {
                report.skipped -= 1;
                report.updated += 1;
            }
        }
    }
    Ok(())
}

async fn accounts(tx: &mut Tx, ctx: &WriteCtx, rows: Vec<AccountRow>, report: &mut ImportReport) -> Result<()> {
    let mut stored: Vec<Account> = all::<Account>(tx).await?;
    for row in rows {
        report.rows_read += 1;
        let f = &row.fields;
        let by_code = |a: &Account| f.code.is_some() && a.fields.code.as_deref().map(key) == f.code.as_deref().map(key);
        let matched = stored
            .iter()
            .position(by_code)
            .or_else(|| stored.iter().position(|a| key(&a.fields.name) == key(&f.name)));
        // Another account already holding the name or the code would be a duplicate.
        let clash = stored
            .iter()
            .enumerate()
            .find(|(i, a)| Some(*i) != matched && (key(&a.fields.name) == key(&f.name) || by_code(a)));
        if let Some((_, a)) = clash {
            let msg = format!("the account '{}' already has this name or code", a.fields.name);
            report.fail(err(row.line, "name", &f.name, Rule::Unique, msg));
            continue;
        }
        let current = matched.map(|i| (&stored[i], &stored[i].fields));
        match save(report, current, f, async |before| {
            record::save(tx, ctx, before, f).await
        })
        .await
        {
            Ok(a) => match matched {
                Some(i) => stored[i] = a,
                None => stored.push(a),
            },
            Err(e) => report.fail(refused(row.line, e)?),
        }
    }
    Ok(())
}

async fn projects(tx: &mut Tx, ctx: &WriteCtx, rows: Vec<ProjectRow>, report: &mut ImportReport) -> Result<()> {
    let partners = partners(tx).await?;
    let accounts: Vec<Account> = all::<Account>(tx).await?;
    let people: HashMap<String, i64> = all::<Person>(tx)
        .await?
        .into_iter()
        .map(|p| (key(&p.fields.email), p.id.get()))
        .collect();
    let mut stored: Vec<Project> = all::<Project>(tx).await?;
    for row in rows {
        report.rows_read += 1;
        let (line, mut errors) = (row.line, Vec::new());
        let account_id = row.account.as_deref().and_then(|a| {
            let found = accounts
                .iter()
                .find(|x| key(&x.fields.name) == key(a) || x.fields.code.as_deref().map(key) == Some(key(a)));
            if found.is_none() {
                errors.extend(err(
                    line,
                    "account",
                    a,
                    Rule::UnknownAccount,
                    format!("no account is called '{a}'"),
                ));
            }
            found.map(|x| x.id)
        });
        let manager = row.project_manager_email.as_deref().and_then(|m| {
            let found = people.get(m).copied();
            if found.is_none() {
                let msg = format!("no person has the e-mail {m}");
                errors.extend(err(line, "project_manager_email", m, Rule::UnknownPerson, msg));
            }
            found.map(Id::new)
        });
        let partner_id = partner_of(&partners, line, row.partner.as_deref()).unwrap_or_else(|e| {
            errors.extend(e);
            None
        });
        if !errors.is_empty() {
            report.fail(errors);
            continue;
        }
        let f = ProjectFields {
            name: row.name.clone(),
            code: row.code.clone(),
            account_id,
            project_type: row.project_type,
            billing_type: row.billing_type,
            status: row.status,
            phase: None,
            start_date: row.start_date,
            end_date: row.end_date,
            project_manager_id: manager,
            budget_minutes: row.budget_minutes,
            budget: row.budget,
            partner_delivered: partner_id.is_some(),
            partner_id: partner_id.map(Id::new),
        };
        let matched = match &f.code {
            Some(code) => stored
                .iter()
                .position(|p| p.fields.code.as_deref().map(key) == Some(key(code))),
            None => stored.iter().position(|p| {
                p.fields.code.is_none() && key(&p.fields.name) == key(&f.name) && p.fields.account_id == f.account_id
            }),
        };
        let current = matched.map(|i| (&stored[i], &stored[i].fields));
        match save(report, current, &f, async |before| {
            record::save(tx, ctx, before, &f).await
        })
        .await
        {
            Ok(p) => match matched {
                Some(i) => stored[i] = p,
                None => stored.push(p),
            },
            Err(e) => report.fail(refused(line, e)?),
        }
    }
    Ok(())
}
