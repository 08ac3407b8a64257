//! `psops rates import|export`: rate cards (`bill`), standard costs (`standard-cost`),
//! people's cost rates (`cost`) and FX rates (`fx`) as CSV. An import checks every row
//! first — its fields, and that no two periods of one rate overlap, with what is stored
//! or within the file — and writes nothing if any row is wrong: the errors print as a
//! table (line, column, rule, message) and the exit code is 1. A row matching a stored
//! rate (same rate, same first day) changes it; an identical one is left unchanged, so
//! importing the same file twice changes nothing.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use psops_core::code::Code;
use psops_core::every;
use psops_core::people::{Function, PersonFilter};
use psops_core::rates::cards::{CostRateFields, CostRateFilter, RoleRateFields, RoleRateFilter};
use psops_core::rates::fx::{FxRateFields, FxRateFilter};
use psops_core::rates::{CostRate, FxRate, Rate, RateKind, RoleRate, overlaps};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Currency, FieldError, Money};
use psops_store::Db;
use time::Date;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::progress::Progress;
use crate::{config, stdout_line, table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Bill rates by role, region and currency.
    Bill,
    /// Standard costs by role, region and currency.
    StandardCost,
    /// People's cost rates, by e-mail.
    Cost,
    /// FX rates into the reporting currency.
    Fx,
}

#[derive(Debug, Subcommand)]
pub enum RatesCommand {
    /// Create or update rates from a CSV file.
    Import(ImportArgs),
    /// Write rates as CSV (stdout by default).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The CSV file. bill / standard-cost: role,region,currency,rate,effective_from,effective_to;
    /// cost: person_email,currency,rate,effective_from,effective_to; fx: currency,quote,date,rate.
    pub file: PathBuf,
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Check every row and print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub async fn run(cmd: RatesCommand) -> anyhow::Result<()> {
    match cmd {
        RatesCommand::Import(a) => {
            let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
            let db = config::open_db(&a.db.database_url).await?;
            let done = import(&db, a.kind, &text, a.dry_run).await;
            db.close().await;
            done
        }
        RatesCommand::Export(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let text = export(&db, a.kind).await;
            db.close().await;
            let text = text?;
            match a.output {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("writing {}", path.display())),
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes())
                        .and_then(|()| out.flush())
                        .map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}"))
                }
            }
        }
    }
}

fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Bill | Kind::StandardCost => &["role", "region", "currency", "rate", "effective_from", "effective_to"],
        Kind::Cost => &["person_email", "currency", "rate", "effective_from", "effective_to"],
        Kind::Fx => &["currency", "quote", "date", "rate"],
    }
}

/// One row's cells by column, with the line it came from.
struct Line {
    at: u64,
    cells: HashMap<String, String>,
}

/// A row's parsed values, or the errors of its line.
struct Cells<'a> {
    line: &'a Line,
    errors: &'a mut Vec<(u64, FieldError)>,
}

impl Cells<'_> {
    fn text(&mut self, col: &str) -> Option<String> {
        let v = self
            .line
            .cells
            .get(col)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if v.is_empty() {
            self.errors.push((
                self.line.at,
                FieldError::new(col, Rule::Required, format!("{col} must not be empty")),
            ));
            return None;
        }
        Some(v)
    }

    fn optional(&self, col: &str) -> Option<String> {
        self.line
            .cells
            .get(col)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn keep<T>(&mut self, col: &str, v: psops_core::Result<T>) -> Option<T> {
        match v {
            Ok(v) => Some(v),
            Err(psops_core::Error::Invalid(list)) => {
                let at = self.line.at;
                self.errors.extend(list.into_iter().map(|e| {
                    (
                        at,
                        FieldError {
                            field: col.to_string(),
                            ..e
                        },
                    )
                }));
                None
            }
            Err(other) => {
                self.errors.push((
                    self.line.at,
                    FieldError::new(col, Rule::InvalidValue, other.to_string()),
                ));
                None
            }
        }
    }

    fn date(&mut self, col: &str, text: Option<String>) -> Option<Date> {
        let t = text?;
        let v = psops_core::dates::parse_date(col, &t);
        self.keep(col, v)
    }

    fn currency(&mut self, col: &str) -> Option<Currency> {
        let t = self.text(col)?;
        self.keep(col, t.parse())
    }

    fn money(&mut self, currency: Option<Currency>) -> Option<Money> {
        let t = self.text("rate")?;
        let c = currency?;
        self.keep("rate", Money::parse(&t, c))
    }
}

fn read(kind: Kind, text: &str) -> anyhow::Result<Vec<Line>> {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = r.headers()?.iter().map(|h| h.trim().to_lowercase()).collect();
    let missing: Vec<_> = columns(kind)
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "the file lacks the column(s) {} (rule missing_column): a {} file has {}",
            missing.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
            kind.to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default(),
            columns(kind).join(",")
        );
    }
    let mut lines = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("line {}", i + 2))?;
        let cells = header.iter().cloned().zip(rec.iter().map(str::to_string)).collect();
        lines.push(Line {
            at: i as u64 + 2,
            cells,
        });
    }
    Ok(lines)
}

/// A row to write: the stored record it matches (if any) and whether it differs.
enum Plan<F> {
    Create(F),
    Update(i64, F),
    Same,
}

impl<F: PartialEq> Plan<F> {
    /// What a row does given the stored record it matches, by id and fields.
    fn of(found: Option<(i64, &F)>, f: F) -> Plan<F> {
        match found {
            Some((_, stored)) if *stored == f => Plan::Same,
            Some((id, _)) => Plan::Update(id, f),
            None => Plan::Create(f),
        }
    }
}

async fn import(db: &Db, kind: Kind, text: &str, dry_run: bool) -> anyhow::Result<()> {
    let lines = read(kind, text)?;
    let mut errors: Vec<(u64, FieldError)> = Vec::new();
    let (created, updated, unchanged) = match kind {
        Kind::Bill | Kind::StandardCost => {
            let rk = if kind == Kind::Bill {
                RateKind::Bill
            } else {
                RateKind::StandardCost
            };
            let stored: Vec<RoleRate> = every!(
                db,
                RoleRateFilter {
                    kinds: vec![rk],
                    ..Default::default()
                }
            );
            let mut rows = Vec::new();
            for l in &lines {
                let mut c = Cells {
                    line: l,
                    errors: &mut errors,
                };
                let role = c.text("role").and_then(|t| {
                    let v = Function::from_code(&t);
                    c.keep("role", v)
                });
                let region = c.text("region");
                let currency = c.currency("currency");
                let rate = c.money(currency);
                let from = c.text("effective_from");
                let from = c.date("effective_from", from);
                let to = c.optional("effective_to");
                let to = c.date("effective_to", to);
                if let (Some(role), Some(region), Some(rate), Some(from)) = (role, region, rate, from) {
                    let f = RoleRateFields {
                        kind: rk,
                        role,
                        region,
                        rate,
                        effective_from: from,
                        effective_to: to,
                    };
                    let v = f.validate();
                    if c.keep("rate", v).is_some() {
                        rows.push((l.at, f));
                    }
                }
            }
            let same = |a: &RoleRateFields, b: &RoleRateFields| {
                a.role == b.role && a.region.eq_ignore_ascii_case(b.region.trim()) && a.rate.currency == b.rate.currency
            };
            let plans: Vec<(u64, Plan<RoleRateFields>)> = rows
                .into_iter()
                .map(|(at, f)| {
                    let found = stored
                        .iter()
                        .find(|s| same(&s.fields, &f) && s.fields.effective_from == f.effective_from);
                    let plan = Plan::of(found.map(|s| (s.id.get(), &s.fields)), f);
                    (at, plan)
                })
                .collect();
            let periods = |p: &Plan<RoleRateFields>| match p {
                Plan::Create(f) | Plan::Update(_, f) => Some(f.clone()),
                Plan::Same => None,
            };
            check_overlaps(
                &plans,
                &stored
                    .iter()
                    .map(|s| (s.id.get(), s.fields.clone()))
                    .collect::<Vec<_>>(),
                periods,
                |a, b| same(a, b),
                |f| (f.effective_from, f.effective_to),
                &mut errors,
            );
            write(db, plans, &errors, dry_run, |f, id| async move {
                match id {
                    None => db
                        .create(&cli_ctx(), f)
                        .await
                        .map(|_: psops_core::store::Created<RoleRate>| ()),
                    Some(id) => {
                        let patch = psops_core::rates::cards::RoleRatePatch {
                            rate: Some(f.rate),
                            effective_from: None,
                            effective_to: Some(f.effective_to),
                        };
                        db.update(&cli_ctx(), psops_core::Id::<RoleRate>::new(id), None, patch)
                            .await
                            .map(|_| ())
                    }
                }
            })
            .await?
        }
        Kind::Cost => {
            let people: Vec<psops_core::people::Person> = every!(db, PersonFilter::default());
            let by_email: HashMap<String, psops_core::people::PersonId> =
                people.iter().map(|p| (p.fields.email.to_lowercase(), p.id)).collect();
            let stored: Vec<CostRate> = every!(db, CostRateFilter::default());
            let mut rows = Vec::new();
            for l in &lines {
                let mut c = Cells {
                    line: l,
                    errors: &mut errors,
                };
                let person = c
                    .text("person_email")
                    .and_then(|e| match by_email.get(&e.to_lowercase()) {
                        Some(id) => Some(*id),
                        None => {
                            c.errors.push((
                                l.at,
                                FieldError::new(
                                    "person_email",
                                    Rule::UnknownPerson,
                                    format!("no person has the e-mail {e}"),
                                ),
                            ));
                            None
                        }
                    });
                let currency = c.currency("currency");
                let rate = c.money(currency);
                let from = c.text("effective_from");
                let from = c.date("effective_from", from);
                let to = c.optional("effective_to");
                let to = c.date("effective_to", to);
                if let (Some(person_id), Some(rate), Some(from)) = (person, rate, from) {
                    let f = CostRateFields {
                        person_id,
                        rate,
                        effective_from: from,
                        effective_to: to,
                    };
                    let v = f.validate();
                    if c.keep("rate", v).is_some() {
                        rows.push((l.at, f));
                    }
                }
            }
            let plans: Vec<(u64, Plan<CostRateFields>)> = rows
                .into_iter()
                .map(|(at, f)| {
                    let found = stored
                        .iter()
                        .find(|s| s.fields.person_id == f.person_id && s.fields.effective_from == f.effective_from);
                    let plan = Plan::of(found.map(|s| (s.id.get(), &s.fields)), f);
                    (at, plan)
                })
                .collect();
            let periods = |p: &Plan<CostRateFields>| match p {
                Plan::Create(f) | Plan::Update(_, f) => Some(f.clone()),
                Plan::Same => None,
            };
            check_overlaps(
                &plans,
                &stored
                    .iter()
                    .map(|s| (s.id.get(), s.fields.clone()))
                    .collect::<Vec<_>>(),
                periods,
                |a, b| a.person_id == b.person_id,
                |f| (f.effective_from, f.effective_to),
                &mut errors,
            );
            write(db, plans, &errors, dry_run, |f, id| async move {
                match id {
                    None => db
                        .create(&cli_ctx(), f)
                        .await
                        .map(|_: psops_core::store::Created<CostRate>| ()),
                    Some(id) => {
                        let patch = psops_core::rates::cards::CostRatePatch {
                            rate: Some(f.rate),
                            effective_from: None,
                            effective_to: Some(f.effective_to),
                        };
                        db.update(&cli_ctx(), psops_core::Id::<CostRate>::new(id), None, patch)
                            .await
                            .map(|_| ())
                    }
                }
            })
            .await?
        }
        Kind::Fx => {
            let reporting = db.settings().await?.default_currency;
            let stored: Vec<FxRate> = every!(db, FxRateFilter::default());
            let mut plans = Vec::new();
            let mut seen = HashMap::new();
            for l in &lines {
                let mut c = Cells {
                    line: l,
                    errors: &mut errors,
                };
                let currency = c.currency("currency");
                let quote = c.currency("quote");
                let day = c.text("date");
                let day = c.date("date", day);
                let rate = c.text("rate").and_then(|t| {
                    let v = Rate::parse(&t, "rate");
                    c.keep("rate", v)
                });
                if quote.is_some_and(|q| q != reporting) {
                    c.errors.push((
                        l.at,
                        FieldError::new(
                            "quote",
                            Rule::Currency,
                            format!("quote must be the reporting currency, {reporting}"),
                        ),
                    ));
                    continue;
                }
                let (Some(currency), Some(quote), Some(date), Some(rate)) = (currency, quote, day, rate) else {
                    continue;
                };
                let f = FxRateFields {
                    currency,
                    quote,
                    date,
                    rate,
                };
                let v = f.validate();
                if c.keep("currency", v).is_none() {
                    continue;
                }
                if let Some(first) = seen.insert((currency, date), l.at) {
                    c.errors.push((
                        l.at,
                        FieldError::new(
                            "date",
                            Rule::Duplicate,
                            format!("line {first} already gives {currency} on {date}"),
                        ),
                    ));
                    continue;
                }
                let found = stored
                    .iter()
                    .find(|s| s.fields.currency == currency && s.fields.quote == quote && s.fields.date == date);
                let plan = Plan::of(found.map(|s| (s.id.get(), &s.fields)), f);
                plans.push((l.at, plan));
            }
            write(db, plans, &errors, dry_run, |f, id| async move {
                match id {
                    None => db
                        .create(&cli_ctx(), f)
                        .await
                        .map(|_: psops_core::store::Created<FxRate>| ()),
                    Some(id) => {
                        let patch = psops_core::rates::fx::FxRatePatch {
                            date: None,
                            rate: Some(f.rate),
                        };
                        db.update(&cli_ctx(), psops_core::Id::<FxRate>::new(id), None, patch)
                            .await
                            .map(|_| ())
                    }
                }
            })
            .await?
        }
    };
    if !errors.is_empty() {
        let mut errors = errors;
        errors.sort_by_key(|(at, _)| *at);
        let rows: Vec<Vec<String>> = errors
            .iter()
            .map(|(at, e)| vec![at.to_string(), e.field.clone(), e.rule.to_string(), e.message.clone()])
            .collect();
        table::print(&["LINE", "COLUMN", "RULE", "MESSAGE"], &rows)?;
        anyhow::bail!("{} errors in {} rows; nothing was imported", errors.len(), lines.len());
    }
    let verb = if dry_run { "would be " } else { "" };
    stdout_line(format_args!(
        "rates: {} rows read, {created} {verb}new, {updated} {verb}updated, {unchanged} unchanged{}",
        lines.len(),
        if dry_run { "; nothing written (dry run)" } else { "" }
    ))
}

/// Refuses rows whose period shares a day with another period of the same rate: one
/// stored (and not being replaced) or another row of the file.
fn check_overlaps<F: Clone>(
    plans: &[(u64, Plan<F>)],
    stored: &[(i64, F)],
    wanted: impl Fn(&Plan<F>) -> Option<F>,
    same: impl Fn(&F, &F) -> bool,
    period: impl Fn(&F) -> (Date, Option<Date>),
    errors: &mut Vec<(u64, FieldError)>,
) {
    let replaced: Vec<i64> = plans
        .iter()
        .filter_map(|(_, p)| match p {
            Plan::Update(id, _) => Some(*id),
            _ => None,
        })
        .collect();
    let rows: Vec<(u64, F)> = plans.iter().filter_map(|(at, p)| wanted(p).map(|f| (*at, f))).collect();
    for (i, (at, f)) in rows.iter().enumerate() {
        let clash_stored = stored
            .iter()
            .filter(|(id, _)| !replaced.contains(id))
            .find(|(_, s)| same(s, f) && period(s) != period(f) && overlaps(period(s), period(f)));
        let clash_row = rows[..i]
            .iter()
            .find(|(_, g)| same(g, f) && overlaps(period(g), period(f)));
        if let Some((_, s)) = clash_stored {
            let (from, to) = period(s);
            errors.push((
                *at,
                FieldError::new(
                    "effective_from",
                    Rule::Overlap,
                    format!(
                        "overlaps the stored period from {from}{}",
                        to.map(|t| format!(" to {t}")).unwrap_or_default()
                    ),
                ),
            ));
        } else if let Some((line, _)) = clash_row {
            errors.push((
                *at,
                FieldError::new(
                    "effective_from",
                    Rule::Overlap,
                    format!("overlaps the period of line {line}"),
                ),
            ));
        }
    }
}

/// Writes the plans unless there are errors or it is a dry run; counts (new, updated,
/// unchanged).
async fn write<F, Fut>(
    _db: &Db,
    plans: Vec<(u64, Plan<F>)>,
    errors: &[(u64, FieldError)],
    dry_run: bool,
    save: impl Fn(F, Option<i64>) -> Fut,
) -> anyhow::Result<(u64, u64, u64)>
where
    Fut: std::future::Future<Output = psops_core::Result<()>>,
{
    let count = |want: fn(&Plan<F>) -> bool| plans.iter().filter(|(_, p)| want(p)).count() as u64;
    let counts = (
        count(|p| matches!(p, Plan::Create(_))),
        count(|p| matches!(p, Plan::Update(..))),
        count(|p| matches!(p, Plan::Same)),
    );
    if !errors.is_empty() || dry_run {
        return Ok(counts);
    }
    let progress = Progress::count("importing", "rates");
    for (i, (at, plan)) in plans.into_iter().enumerate() {
        let done = match plan {
            Plan::Create(f) => save(f, None).await,
            Plan::Update(id, f) => save(f, Some(id)).await,
            Plan::Same => Ok(()),
        };
        done.with_context(|| format!("line {at}"))?;
        progress.set(i as u64 + 1);
    }
    progress.finish();
    Ok(counts)
}

async fn export(db: &Db, kind: Kind) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns(kind))?;
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let amount = |m: Money| psops_core::catalog::file::amount_text(m);
    match kind {
        Kind::Bill | Kind::StandardCost => {
            let rk = if kind == Kind::Bill {
                RateKind::Bill
            } else {
                RateKind::StandardCost
            };
            let mut all: Vec<RoleRate> = every!(
                db,
                RoleRateFilter {
                    kinds: vec![rk],
                    ..Default::default()
                }
            );
            all.sort_by(|a, b| {
                let k = |r: &RoleRate| {
                    (
                        r.fields.role.code(),
                        r.fields.region.to_lowercase(),
                        r.fields.rate.currency.to_string(),
                        r.fields.effective_from,
                    )
                };
                k(a).cmp(&k(b))
            });
            for r in all {
                let f = r.fields;
                w.write_record([
                    f.role.code().to_string(),
                    f.region,
                    f.rate.currency.to_string(),
                    amount(f.rate),
                    f.effective_from.to_string(),
                    date(f.effective_to),
                ])?;
            }
        }
        Kind::Cost => {
            let people: Vec<psops_core::people::Person> = every!(db, PersonFilter::default());
            let email: HashMap<_, _> = people.into_iter().map(|p| (p.id, p.fields.email)).collect();
            let mut all: Vec<CostRate> = every!(db, CostRateFilter::default());
            all.sort_by(|a, b| {
                let k = |r: &CostRate| {
                    (
                        email.get(&r.fields.person_id).cloned().unwrap_or_default(),
                        r.fields.effective_from,
                    )
                };
                k(a).cmp(&k(b))
            });
            for r in all {
                let f = r.fields;
                let who = email.get(&f.person_id).cloned().unwrap_or_default();
                w.write_record([
                    who,
                    f.rate.currency.to_string(),
                    amount(f.rate),
                    f.effective_from.to_string(),
                    date(f.effective_to),
                ])?;
            }
        }
        Kind::Fx => {
            let mut all: Vec<FxRate> = every!(db, FxRateFilter::default());
            all.sort_by_key(|r| (r.fields.date, r.fields.currency.to_string()));
            for r in all {
                let f = r.fields;
                w.write_record([
                    f.currency.to_string(),
                    f.quote.to_string(),
                    f.date.to_string(),
                    f.rate.to_string(),
                ])?;
            }
        }
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {e}"))?;
    Ok(String::from_utf8(bytes)?)
}
