//! Restoring a backup into an empty database of either backend: the target is migrated,
//! checked empty, and every row goes in within ONE transaction — so a restore that fails
//! (a corrupt line, a checksum that does not match, a count that is off) leaves the
//! database as empty as it found it. Values are read by the target's own column types.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;

use psops_core::rule::Rule;
use psops_core::{Error, Result};
use rusqlite::types::Value as SqlValue;

use super::catalog::{self, SEEDED, Table};
use super::format::{Digester, End, FORMAT, FORMAT_VERSION, Header, Kind, Section};
use super::{Summary, Tick};
use crate::bulk_copy::copy_rows;
use crate::db::column::{parse_date, parse_ts};
use crate::db::{Backend, Pools, Tx, Value, sql};

/// Rows written at a time.
const BATCH: usize = 5000;
/// Rows between progress reports.
const TICK_EVERY: u64 = 5000;

fn corrupt(line: u64, what: impl std::fmt::Display) -> Error {
    Error::invalid(
        "file",
        Rule::Json,
        format!("the backup is damaged at line {line}: {what}"),
    )
}

fn not_a_backup(why: impl std::fmt::Display) -> Error {
    Error::invalid("file", Rule::Header, format!("not a psops backup: {why}"))
}

fn read_error(e: std::io::Error) -> Error {
    Error::invalid("file", Rule::Readable, format!("cannot read the backup: {e}"))
}

/// Reads the header line and checks it is a backup this psops restores.
pub(crate) fn header(input: &mut dyn BufRead, digest: &mut Digester) -> Result<Header> {
    let mut line = String::new();
    let n = input.read_line(&mut line).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidData => not_a_backup("it is not text"),
        _ => read_error(e),
    })?;
    if n == 0 {
        return Err(not_a_backup("the file is empty"));
    }
    digest.update(line.as_bytes());
    let value: serde_json::Value =
        serde_json::from_str(&line).map_err(|_| not_a_backup("its first line is not a psops backup header"))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_a_backup("its first line is not a psops backup header"));
    }
    let version = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(FORMAT_VERSION) {
        return Err(Error::invalid(
            "file",
            Rule::Header,
            format!(
                "the backup is in format version {version}, newer than this psops reads ({FORMAT_VERSION}): \
                 restore it with a newer psops"
            ),
        ));
    }
    serde_json::from_value(value).map_err(|e| not_a_backup(format!("its header is incomplete: {e}")))
}

/// The latest migration this psops knows.
pub(crate) fn latest_migration() -> i64 {
    crate::migrate::MIGRATIONS.last().map_or(0, |m| m.version)
}

pub(crate) async fn restore(pools: &Pools, input: &mut (dyn BufRead + Send), tick: Tick) -> Result<Summary> {
    let mut digest = Digester::new();
    let header = header(input, &mut digest)?;
    let mut bytes = digest.bytes;
    let ours = latest_migration();
    if header.migration != ours {
        return Err(Error::invalid(
            "file",
            Rule::Matches,
            format!(
                "the backup was taken at schema migration {} (psops {}) and this psops {} is at migration {ours}: \
                 restore it with the psops that took it, then upgrade",
                header.migration,
                header.psops_version,
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    crate::migrate::run(pools).await?;
    let applied = crate::migrate::applied(pools).await?;
    if let Some(&newer) = applied.iter().find(|&&v| v > ours) {
        return Err(Error::invalid(
            "database",
            Rule::Matches,
            format!("the database is at migration {newer}, newer than this psops ({ours})"),
        ));
    }
    let mut tx = pools.begin().await?;
    let targets = catalog::read(&mut tx).await?;
    let plan = plan(&header, &targets)?;
    empty(&mut tx, &header, &targets).await?;
    let total = header.rows();
    let mut done = 0u64;
    let mut line = String::new();
    let mut number = 1u64;
    let mut next_table = 0usize;
    let mut current: Option<Loading> = None;
    let end = loop {
        line.clear();
        let n = input.read_line(&mut line).map_err(read_error)?;
        bytes += n as u64;
        number += 1;
        if n == 0 {
            return Err(Error::invalid(
                "file",
                Rule::Readable,
                "the backup is cut short: it has no end line (was it copied whole?)",
            ));
        }
        if line.starts_with('[') {
            digest.update(line.as_bytes());
            let Some(loading) = current.as_mut() else {
                return Err(corrupt(number, "a row before any table"));
            };
            let values: Vec<serde_json::Value> = serde_json::from_str(&line).map_err(|e| corrupt(number, e))?;
            loading.push(&mut tx, values, number).await?;
            done += 1;
            if done.is_multiple_of(TICK_EVERY) {
                tick(done, total);
            }
            continue;
        }
        if let Some(loading) = current.take() {
            loading.finish(&mut tx).await?;
        }
        if let Ok(section) = serde_json::from_str::<Section>(&line) {
            digest.update(line.as_bytes());
            let Some(table) = plan.get(next_table) else {
                return Err(corrupt(number, format!("table {} is not in the header", section.table)));
            };
            if table.header.name != section.table {
                return Err(corrupt(
                    number,
                    format!("table {} where the header has {}", section.table, table.header.name),
                ));
            }
            next_table += 1;
            current = Some(Loading::new(table));
            continue;
        }
        match serde_json::from_str::<End>(&line) {
            Ok(end) => break end,
            Err(_) => return Err(corrupt(number, "neither a row, a table nor the end")),
        }
    };
    line.clear();
    while input.read_line(&mut line).map_err(read_error)? > 0 {
        if !line.trim().is_empty() {
            return Err(corrupt(number + 1, "text after the end line"));
        }
        line.clear();
    }
    let sha256 = digest.hex();
    if sha256 != end.end.sha256 {
        return Err(Error::invalid(
            "file",
            Rule::Matches,
            format!(
                "the backup is damaged: its checksum is {sha256} but its end line says {}",
                end.end.sha256
            ),
        ));
    }
    if next_table != plan.len() || done != total || end.end.rows != total {
        return Err(Error::invalid(
            "file",
            Rule::Matches,
            format!(
                "the backup is damaged: {done} rows in {next_table} tables where its header lists {total} in {}",
                plan.len()
            ),
        ));
    }
    ids(&mut tx, &header, &targets).await?;
    // Every count the in-memory caches are stamped with moves, so no result kept by a
    // process that read this database before the restore is served after it.
    tx.execute(sql("UPDATE change_counts SET n = n + 1")).await?;
    tx.commit().await?;
    tick(done, total);
    // The restore is committed: a failed vacuum only leaves the planner's statistics old,
    // and reporting it as a failed restore would send the user to restore again into a
    // database that is no longer empty.
    if let Err(e) = pools.vacuum().await {
        tracing::warn!(error = ?e, "the restore is complete; refreshing the planner's statistics failed");
    }
    Ok(Summary { header, bytes, sha256 })
}

/// A table of the backup as it goes into the target.
struct Planned {
    header: super::format::TableHeader,
    /// The target's type of each of the backup's columns.
    kinds: Vec<Kind>,
    /// The key column and the columns that refer to the same table, when there are any.
    key: Option<usize>,
    self_refs: Vec<usize>,
}

/// Matches the backup's tables to the target's: the same tables with the same columns
/// (same migration, so this only fails for a database changed by hand), each after the
/// tables it refers to.
fn plan(header: &Header, targets: &BTreeMap<String, Table>) -> Result<Vec<Planned>> {
    let mismatch = |what: String| Error::invalid("file", Rule::Matches, what);
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(header.tables.len());
    for t in &header.tables {
        let Some(target) = targets.get(&t.name) else {
            return Err(mismatch(format!(
                "the backup has table {}, which this database lacks",
                t.name
            )));
        };
        if let Some(parent) = target.parents.iter().find(|p| !seen.contains(p.as_str())) {
            return Err(mismatch(format!(
                "the backup holds table {} before {parent}, which it refers to",
                t.name
            )));
        }
        let mut kinds = Vec::with_capacity(t.columns.len());
        let mut key = None;
        let mut self_refs = Vec::new();
        for (i, c) in t.columns.iter().enumerate() {
            let Some(j) = target.columns.iter().position(|x| x.name == c.name) else {
                return Err(mismatch(format!("this database has no column {}.{}", t.name, c.name)));
            };
            let kind = target.columns[j].kind;
            if !c.kind.fits(kind) {
                return Err(mismatch(format!(
                    "{}.{} holds {:?} values in the backup, {:?} here",
                    t.name, c.name, c.kind, kind
                )));
            }
            kinds.push(kind);
            if target.key.len() == 1 && target.key[0] == j {
                key = Some(i);
            }
            if target.self_refs.contains(&j) {
                self_refs.push(i);
            }
        }
        if let Some(missing) = target
            .columns
            .iter()
            .find(|x| !t.columns.iter().any(|c| c.name == x.name))
        {
            return Err(mismatch(format!(
                "the backup has no column {}.{}",
                t.name, missing.name
            )));
        }
        if !self_refs.is_empty() && key.is_none() {
            return Err(mismatch(format!(
                "{} refers to itself without a one-column key",
                t.name
            )));
        }
        seen.insert(&t.name);
        out.push(Planned {
            header: t.clone(),
            kinds,
            key,
            self_refs,
        });
    }
    if let Some(missing) = targets.keys().find(|name| !seen.contains(name.as_str())) {
        return Err(mismatch(format!("the backup has no table {missing}")));
    }
    Ok(out)
}

/// Refuses a target that holds anything, naming what it holds; empties the tables the
/// migrations filled.
async fn empty(tx: &mut Tx, header: &Header, targets: &BTreeMap<String, Table>) -> Result<()> {
    let mut holding = Vec::new();
    for t in &header.tables {
        if SEEDED.contains(&t.name.as_str()) || !targets.contains_key(&t.name) {
            continue;
        }
        let q = sql(format!("SELECT 1 AS one FROM {} LIMIT 1", t.name));
        if tx.optional(q).await?.is_some() {
            holding.push(t.name.as_str());
        }
    }
    if let Some(first) = holding.first() {
        let more = match holding.len() {
            1 => String::new(),
            n => format!(
                " and {} more: {}",
                n - 1,
                holding[1..].iter().take(6).copied().collect::<Vec<_>>().join(", ")
            ),
        };
        return Err(Error::conflict(
            "database",
            Rule::NotEmpty,
            format!("the database is not empty (table {first} holds rows{more}): restore into a new, empty database"),
        ));
    }
    for name in SEEDED {
        if targets.contains_key(name) {
            tx.execute(sql(format!("DELETE FROM {name}"))).await?;
        }
    }
    Ok(())
}

/// One table's rows on their way in.
struct Loading<'p> {
    table: &'p Planned,
    batch: Vec<Vec<Value>>,
    read: u64,
    /// Keys of the rows written, for tables that refer to themselves.
    written: HashSet<i64>,
    /// (key, column, value) of references to rows not yet written: set afterwards.
    deferred: Vec<(i64, usize, i64)>,
}

impl<'p> Loading<'p> {
    fn new(table: &'p Planned) -> Self {
        Loading {
            table,
            batch: Vec::with_capacity(BATCH.min(table.header.rows as usize)),
            read: 0,
            written: HashSet::new(),
            deferred: Vec::new(),
        }
    }

    async fn push(&mut self, tx: &mut Tx, values: Vec<serde_json::Value>, line: u64) -> Result<()> {
        let t = self.table;
        if values.len() != t.kinds.len() {
            return Err(corrupt(
                line,
                format!(
                    "{} values for the {} columns of {}",
                    values.len(),
                    t.kinds.len(),
                    t.header.name
                ),
            ));
        }
        let mut row = Vec::with_capacity(values.len());
        for (i, (v, &kind)) in values.into_iter().zip(&t.kinds).enumerate() {
            let value = value(kind, v)
                .map_err(|e| corrupt(line, format!("{}.{}: {e}", t.header.name, t.header.columns[i].name)))?;
            row.push(value);
        }
        if let Some(k) = t.key.filter(|_| !t.self_refs.is_empty()) {
            let Value::I64(Some(key)) = row[k] else {
                return Err(corrupt(line, format!("{} without a key", t.header.name)));
            };
            for &c in &t.self_refs {
                if let Value::I64(Some(to)) = row[c]
                    && to != key
                    && !self.written.contains(&to)
                {
                    self.deferred.push((key, c, to));
                    row[c] = Value::I64(None);
                }
            }
            self.written.insert(key);
        }
        self.batch.push(row);
        self.read += 1;
        if self.batch.len() >= BATCH {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = std::mem::take(&mut self.batch);
        let columns: Vec<&str> = self.table.header.columns.iter().map(|c| c.name.as_str()).collect();
        copy_rows(tx, &self.table.header.name, &columns, rows).await?;
        Ok(())
    }

    async fn finish(mut self, tx: &mut Tx) -> Result<()> {
        self.flush(tx).await?;
        let t = self.table;
        if self.read != t.header.rows {
            return Err(Error::invalid(
                "file",
                Rule::Matches,
                format!(
                    "the backup is damaged: table {} has {} rows where its header says {}",
                    t.header.name, self.read, t.header.rows
                ),
            ));
        }
        let Some(k) = t.key else { return Ok(()) };
        let key = &t.header.columns[k].name;
        for &c in &t.self_refs {
            let pairs: Vec<(i64, i64)> = self.deferred.iter().filter(|d| d.1 == c).map(|d| (d.0, d.2)).collect();
            let column = &t.header.columns[c].name;
            for chunk in pairs.chunks(400) {
                let mut q = sql(format!(
                    "UPDATE {} SET {column} = v.column2 FROM (VALUES ",
                    t.header.name
                ));
                for (i, (id, to)) in chunk.iter().enumerate() {
                    q.push(if i == 0 { "(" } else { ", (" });
                    q.push_bind(*id).push(", ").push_bind(*to).push(")");
                }
                q.push(&format!(") AS v WHERE {}.{key} = v.column1", t.header.name));
                tx.execute(q).await?;
            }
        }
        Ok(())
    }
}

/// A value of the backup as the target's column of type `kind` takes it.
fn value(kind: Kind, v: serde_json::Value) -> std::result::Result<Value, String> {
    use serde_json::Value as J;
    Ok(match (kind, v) {
        (Kind::Integer, J::Null) => Value::I64(None),
        (Kind::Boolean, J::Null) => Value::Bool(None),
        (Kind::Text, J::Null) => Value::Text(None),
        (Kind::Date, J::Null) => Value::Date(None),
        (Kind::Timestamp, J::Null) => Value::Ts(None),
        (Kind::Integer, J::Number(n)) => {
            Value::I64(Some(n.as_i64().ok_or_else(|| format!("{n} is not a whole number"))?))
        }
        (Kind::Boolean, J::Bool(b)) => Value::Bool(Some(b)),
        (Kind::Boolean, J::Number(n)) if n.as_i64().is_some() => Value::Bool(Some(n.as_i64() != Some(0))),
        (Kind::Text, J::String(s)) => Value::Text(Some(s)),
        (Kind::Date, J::String(s)) => Value::Date(Some(parse_date(&s).ok_or_else(|| format!("{s:?} is not a date"))?)),
        (Kind::Timestamp, J::String(s)) => {
            let t = parse_ts(&SqlValue::Text(s.clone())).ok_or_else(|| format!("{s:?} is not a timestamp"))?;
            Value::Ts(Some(t))
        }
        (kind, other) => return Err(format!("{other} is not a {kind:?} value")),
    })
}

/// Sets each id sequence past the highest id the backup's database had handed out, or
/// its largest id, whichever is more: new records get new ids, never a deleted one's.
async fn ids(tx: &mut Tx, header: &Header, targets: &BTreeMap<String, Table>) -> Result<()> {
    for t in &header.tables {
        let Some(target) = targets.get(&t.name) else { continue };
        let Some(i) = target.identity else { continue };
        let column = &target.columns[i].name;
        let max: Option<i64> = tx
            .one(sql(format!("SELECT MAX({column}) AS m FROM {}", t.name)))
            .await?
            .get("m")?;
        let high = max.unwrap_or(0).max(t.id_high.unwrap_or(0));
        if high <= 0 {
            continue;
        }
        match tx.backend() {
            Backend::Sqlite => {
                let updated = tx
                    .execute(
                        sql("UPDATE sqlite_sequence SET seq = $1 WHERE name = $2")
                            .bind(high)
                            .bind(t.name.clone()),
                    )
                    .await?;
                if updated == 0 {
                    tx.execute(
                        sql("INSERT INTO sqlite_sequence (name, seq) VALUES ($1, $2)")
                            .bind(t.name.clone())
                            .bind(high),
                    )
                    .await?;
                }
            }
            Backend::Postgres => {
                tx.execute(
                    sql("SELECT setval(CAST(pg_get_serial_sequence($1, $2) AS regclass), $3)")
                        .bind(t.name.clone())
                        .bind(column.clone())
                        .bind(high),
                )
                .await?;
            }
        }
    }
    Ok(())
}
