//! The time import pipeline: chunk by chunk, rows are resolved against the directory
//! (creating what is missing when asked), checked by the entry rules with the day's total
//! counted across the file and the database, and inserted; the transaction commits once,
//! at the end, only when every row passed and it is not a dry run.

mod batch;

use std::collections::{HashMap, HashSet};

use psops_core::accounts::Account;
use psops_core::assignments::Assignment;
use psops_core::imports::{ImportAudit, ImportReport, RowStream, TimeImportOptions};
use psops_core::interchange::mapping::{Resolved, Unmatched, resolve};
use psops_core::interchange::{Format, RowError, RowResult, SourceRow};
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::settings::Settings;
use psops_core::store::WriteCtx;
use psops_core::time_entries::{CheckedEntry, EntryContext, NewTimeEntry, check_entry};
use psops_core::timesheet::EntryLock;
use psops_core::{Error, Result};
use time::Date;

use super::create::{self, OPEN_START};
use super::directory::{self, Names};
use crate::db::{Pools, Tx, sql};
use crate::record::save;
use crate::rollups::Deltas;
use crate::{locks, org};

/// An assignment an import created, and the first day, last day and minutes of the rows
/// that needed it.
struct Spread {
    assignment: Assignment,
    first: Date,
    last: Date,
    minutes: i64,
}

/// A row that passed every rule, waiting for its INSERT.
pub(crate) struct Fresh {
    pub checked: CheckedEntry,
    pub source_key: String,
}

struct Run<'a> {
    ctx: &'a WriteCtx,
    /// The entries written so far, for the import's one audit record.
    entry_ids: Vec<i64>,
    options: &'a TimeImportOptions,
    settings: Settings,
    names: Names,
    people: HashMap<i64, Person>,
    projects: HashMap<i64, Project>,
    /// Minutes per (person, day): the database's, plus every row of this import so far.
    day: HashMap<(i64, Date), i64>,
    seen: HashSet<(i64, String)>,
    /// People this import created, with the earliest day they logged.
    created_people: HashMap<i64, Date>,
    /// Whether each (person, project) pair looked at holds a live assignment.
    assigned: HashMap<(i64, i64), bool>,
    /// Assignments this import created, with the days and minutes of their rows.
    created_assignments: HashMap<(i64, i64), Spread>,
    /// The work authorizations' dates by (partner, project), for partner people's rows.
    windows: HashMap<(i64, i64), Vec<(Date, Date)>>,
    deltas: Deltas,
    report: ImportReport,
}

pub(crate) async fn run(
    pools: &Pools,
    ctx: &WriteCtx,
    format: Format,
    rows: RowStream,
    options: &TimeImportOptions,
) -> Result<ImportReport> {
    // An import is one transaction: with SQLite's default page cache (8 MB) a large one
    // spills its pages to the WAL and reads them back again and again (300,000 rows:
    // 13.2 s, 7.1 s of it in the kernel; 10.0 s with this). A cache that holds it —
    // pages are only taken as they are used — then the default again.
    pools.sqlite_pragmas("PRAGMA cache_size = -262144").await?;
    let done = import(pools, ctx, format, rows, options).await;
    pools.sqlite_pragmas("PRAGMA cache_size = -2000").await?;
    done
}

async fn import(
    pools: &Pools,
    ctx: &WriteCtx,
    format: Format,
    mut rows: RowStream,
    options: &TimeImportOptions,
) -> Result<ImportReport> {
    let mut tx = pools.begin().await?;
    let mut run = Run {
        ctx,
        options,
        settings: org::load(&mut tx).await?,
        names: directory::load(&mut tx).await?,
        people: HashMap::new(),
        projects: HashMap::new(),
        day: HashMap::new(),
        seen: HashSet::new(),
        created_people: HashMap::new(),
        assigned: HashMap::new(),
        created_assignments: HashMap::new(),
        windows: crate::partner_funds::all_windows(&mut tx).await?,
        deltas: Deltas::default(),
        entry_ids: Vec::new(),
        report: ImportReport::new("time", Some(format), options.dry_run),
    };
    let mut progress = rows.progress.take();
    let mut chunks = super::reader::spawn(rows);
    while let Some(chunk) = chunks.recv().await {
        run.chunk(&mut tx, chunk).await?;
        if let Some(f) = &mut progress {
            f(run.report.rows_read);
        }
    }
    run.finish(tx).await
}

impl Run<'_> {
    async fn chunk(&mut self, tx: &mut Tx, chunk: Vec<RowResult>) -> Result<()> {
        let mut resolved: Vec<(SourceRow, Resolved)> = Vec::with_capacity(chunk.len());
        for item in chunk {
            self.report.rows_read += 1;
            let row = match item {
                Ok(row) => row,
                Err(errors) => {
                    self.report.fail(errors);
                    continue;
                }
            };
            match self.resolve(tx, &row).await? {
                Ok(ids) => resolved.push((row, ids)),
                Err(errors) => self.report.fail(errors),
            }
        }
        if resolved.is_empty() {
            return Ok(());
        }
        let person_ids: Vec<i64> = resolved.iter().map(|(_, r)| r.person_id.get()).collect();
        let project_ids: Vec<i64> = resolved
            .iter()
            .filter_map(|(_, r)| r.project_id.map(|p| p.get()))
            .collect();
        batch::load_people(tx, &mut self.people, &person_ids).await?;
        batch::load_projects(tx, &mut self.projects, &project_ids).await?;
        let pairs: Vec<(i64, i64)> = resolved
            .iter()
            .filter_map(|(_, r)| r.project_id.map(|p| (r.person_id.get(), p.get())))
            .collect();
        batch::load_assigned(tx, &mut self.assigned, &pairs).await?;
        let keys: Vec<(i64, &str)> = resolved
            .iter()
            .map(|(row, r)| (r.person_id.get(), row.source_key.as_str()))
            .collect();
        let imported = batch::imported_keys(tx, &keys).await?;
        let pairs: Vec<(i64, Date)> = resolved.iter().map(|(row, r)| (r.person_id.get(), row.date)).collect();
        batch::load_days(tx, &mut self.day, &pairs).await?;
        let (first, last) = pairs
            .iter()
            .fold((Date::MAX, Date::MIN), |(a, b), (_, d)| (a.min(*d), b.max(*d)));
        let periods = locks::overlapping(
            tx,
            psops_core::dates::DateRange {
                start: first,
                end: last,
            },
        )
        .await?;

        let mut fresh = Vec::new();
        for (row, ids) in resolved {
            let person_id = ids.person_id.get();
            let key = (person_id, row.source_key.clone());
            if imported.contains(&key) || !self.seen.insert(key) {
                self.report.skipped += 1;
                continue;
            }
            if let Some(first) = self.created_people.get_mut(&person_id) {
                *first = (*first).min(row.date);
            }
            let mut errors = match EntryLock::for_entry(&periods, row.date).ensure_open() {
                Ok(()) => Vec::new(),
                Err(e) => row_errors(&row, e),
            };
            if let Err(e) = self.assign_if_missing(tx, &row, &ids).await? {
                errors.extend(e);
            }
            match self.check(&row, &ids) {
                Ok(checked) if errors.is_empty() => {
                    if let Some(project) = ids.project_id
                        && let Some(s) = self.created_assignments.get_mut(&(person_id, project.get()))
                    {
                        s.first = s.first.min(row.date);
                        s.last = s.last.max(row.date);
                        s.minutes += checked.input.minutes.get();
                    }
                    *self.day.entry((person_id, row.date)).or_insert(0) += checked.input.minutes.get();
                    self.report.imported += 1;
                    fresh.push(Fresh {
                        checked,
                        source_key: row.source_key,
                    });
                }
                Ok(_) => self.report.fail(errors),
                Err(e) => {
                    errors.extend(row_errors(&row, e));
                    self.report.fail(errors);
                }
            }
        }
        // Once a row has failed nothing will be committed: keep validating, stop writing.
        if self.report.ok() && !self.options.dry_run {
            let ids = batch::insert(tx, fresh, &mut self.deltas).await?;
            self.entry_ids.extend(ids);
        }
        Ok(())
    }

    fn check(&self, row: &SourceRow, ids: &Resolved) -> Result<CheckedEntry> {
        let person = self
            .people
            .get(&ids.person_id.get())
            .ok_or_else(|| Error::internal("a resolved person was not loaded"))?;
        let project = match ids.project_id {
            Some(p) => Some(
                self.projects
                    .get(&p.get())
                    .ok_or_else(|| Error::internal("a resolved project was not loaded"))?,
            ),
            None => None,
        };
        let input = NewTimeEntry {
            person_id: ids.person_id,
            project_id: ids.project_id,
            category: ids.category,
            date: row.date,
            minutes: row.minutes,
            billable: row.billable,
            note: row.note.clone(),
        };
        let assigned = ids
            .project_id
            .is_some_and(|p| self.assigned.get(&(ids.person_id.get(), p.get())) == Some(&true));
        let authorized = match (person.fields.partner_id, ids.project_id) {
            (Some(partner), Some(project)) => self
                .windows
                .get(&(partner.get(), project.get()))
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            _ => &[],
        };
        let ctx = EntryContext {
            settings: &self.settings,
            person,
            project,
            other_minutes_that_day: self.day.get(&(ids.person_id.get(), row.date)).copied().unwrap_or(0),
            assigned,
            authorized,
        };
        check_entry(input, &ctx)
    }

    /// With `create_missing`, assigns the row's person to its project when the rules
    /// need an assignment and there is none; the assignment is widened to all the pair's
    /// rows before commit.
    async fn assign_if_missing(
        &mut self,
        tx: &mut Tx,
        row: &SourceRow,
        ids: &Resolved,
    ) -> Result<Result<(), Vec<RowError>>> {
        let Some(project) = ids.project_id else {
            return Ok(Ok(()));
        };
        let pair = (ids.person_id.get(), project.get());
        if !self.options.create_missing
            || self.settings.time_without_assignment
            || self.assigned.get(&pair) != Some(&false)
        {
            return Ok(Ok(()));
        }
        let Some(person) = self.people.get(&pair.0) else {
            return Ok(Ok(()));
        };
        let fields = create::missing_assignment(person, project, row.date, row.minutes);
        let assignment: Assignment = match save(tx, self.ctx, None, &fields).await {
            Ok(a) => a,
            Err(e @ Error::Internal(_)) => return Err(e),
            Err(e) => return Ok(Err(row_errors(row, e))),
        };
        let project_name = self.projects.get(&pair.1).map_or("", |p| p.fields.name.as_str());
        let name = format!("{} on {project_name}", person.fields.name);
        self.report.created("assignment", assignment.id.get(), &name);
        self.assigned.insert(pair, true);
        self.created_assignments.insert(
            pair,
            Spread {
                assignment,
                first: row.date,
                last: row.date,
                minutes: 0,
            },
        );
        Ok(Ok(()))
    }

    /// Matches the row; with `create_missing`, creates what it names and psops lacks.
    async fn resolve(&mut self, tx: &mut Tx, row: &SourceRow) -> Result<Result<Resolved, Vec<RowError>>> {
        let mapping = &self.options.mapping;
        let unresolved = match resolve(row, &self.names.dir, mapping) {
            Ok(r) => return Ok(Ok(r)),
            Err(u) => u,
        };
        if !self.options.create_missing || !unresolved.only_missing() || unresolved.missing.is_empty() {
            return Ok(Err(unresolved.errors));
        }
        let mut missing = unresolved.missing;
        // Accounts before the projects under them.
        missing.sort_by_key(|m| match m {
            Unmatched::Account { .. } => 0,
            Unmatched::Project { .. } => 1,
            Unmatched::Person { .. } => 2,
        });
        for m in missing {
            if let Err(e) = self.create(tx, row, m).await {
                if matches!(e, Error::Internal(_)) {
                    return Err(e);
                }
                return Ok(Err(row_errors(row, e)));
            }
        }
        Ok(resolve(row, &self.names.dir, mapping).map_err(|u| u.errors))
    }

    async fn create(&mut self, tx: &mut Tx, row: &SourceRow, missing: Unmatched) -> Result<()> {
        let cannot = || {
            Error::invalid(
                "",
                Rule::CreateMissing,
                "the row names too little to create what it needs",
            )
        };
        match missing {
            Unmatched::Account { name, code } => {
                let f = create::missing_account(name.as_deref(), code.as_deref()).ok_or_else(cannot)?;
                let a: Account = save(tx, self.ctx, None, &f).await?;
                self.names
                    .add_account(a.id.get(), &a.fields.name, a.fields.code.as_deref());
                self.report.created("account", a.id.get(), &a.fields.name);
            }
            Unmatched::Project { account, name, code } => {
                let account_id = account.as_deref().and_then(|t| self.names.account(t));
                let f = create::missing_project(account_id, name.as_deref(), code.as_deref()).ok_or_else(cannot)?;
                let p: Project = save(tx, self.ctx, None, &f).await?;
                let account = p.fields.account_id;
                self.names
                    .dir
                    .add_project(p.id, account, &p.fields.name, p.fields.code.as_deref());
                self.report.created("project", p.id.get(), &p.fields.name);
                self.projects.insert(p.id.get(), p);
            }
            Unmatched::Person { email, name } => {
                let f = create::missing_person(email.as_deref(), name.as_deref()).ok_or_else(cannot)?;
                let p: Person = save(tx, self.ctx, None, &f).await?;
                self.names.dir.add_person(p.id, &p.fields.email, &p.fields.name);
                // Export names ("Zoë Müller") match the person next time too.
                if let Some(n) = name.as_deref() {
                    self.names.dir.add_person(p.id, &p.fields.email, n);
                }
                self.report.created("person", p.id.get(), &p.fields.name);
                self.created_people.insert(p.id.get(), row.date);
                self.people.insert(p.id.get(), p);
            }
        }
        Ok(())
    }

    async fn finish(self, mut tx: Tx) -> Result<ImportReport> {
        let mut report = self.report;
        // Within a chunk, rows failing to resolve are found first: report in file order.
        report.row_errors.sort_by_key(|e| e.line);
        if !report.ok() || self.options.dry_run {
            // Dropping the transaction rolls back whatever was written, creations included.
            drop(tx);
            return Ok(report);
        }
        for (id, first) in &self.created_people {
            let Some(before) = self.people.get(id) else { continue };
            if *first == OPEN_START {
                continue;
            }
            let q = sql("UPDATE people SET employment_start = $1 WHERE id = $2")
                .bind(*first)
                .bind(*id);
            tx.execute(q).await?;
            let mut after = before.clone();
            after.fields.employment_start = *first;
            let action = psops_core::audit::AuditAction::Update;
            crate::audit::record(
                &mut tx,
                self.ctx,
                Entity::Person,
                *id,
                action,
                Some(before),
                Some(&after),
            )
            .await?;
        }
        for s in self.created_assignments.values() {
            let wide = create::spread(&s.assignment.fields, s.first, s.last, s.minutes);
            if wide != s.assignment.fields {
                let _: Assignment = save(&mut tx, self.ctx, Some(&s.assignment), &wide).await?;
            }
        }
        self.deltas.write(&mut tx).await?;
        if let Some(&first) = self.entry_ids.iter().min() {
            let audit = ImportAudit {
                source: self.options.source.clone(),
                format: report.format,
                rows: report.rows_read,
                imported: report.imported,
                skipped: report.skipped,
                entries: ImportAudit::runs(self.entry_ids),
            };
            let action = psops_core::audit::AuditAction::Create;
            crate::audit::record(&mut tx, self.ctx, Entity::TimeImport, first, action, None, Some(&audit)).await?;
        }
        tx.commit().await?;
        report.written = true;
        Ok(report)
    }
}

/// A broken rule as the row's report lines: where in the file, what was there.
fn row_errors(row: &SourceRow, e: Error) -> Vec<RowError> {
    let fields = match e {
        Error::Invalid(fields) => fields,
        Error::Conflict(f) => vec![f],
        other => vec![psops_core::FieldError::new("", Rule::Invalid, other.to_string())],
    };
    fields
        .into_iter()
        .map(|f| {
            let column = row.column(&f.field);
            let value = row.original.get(&column).unwrap_or_default().to_string();
            RowError::new(row.line, column, value, f.rule, f.message)
        })
        .collect()
}
