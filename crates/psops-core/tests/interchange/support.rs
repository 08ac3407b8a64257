//! Helpers: read a fixture completely and total it the way an import report would.

use std::collections::BTreeMap;

use psops_core::interchange::{self, Format, Options, RowError, SourceRow};
use psops_core::rule::Rule;

pub struct Read {
    pub rows: Vec<SourceRow>,
    pub errors: Vec<RowError>,
}

impl Read {
    pub fn minutes(&self) -> i64 {
        self.rows.iter().map(|r| r.minutes.get()).sum()
    }

    pub fn billable_minutes(&self) -> i64 {
        self.rows
            .iter()
            .filter(|r| r.billable == Some(true))
            .map(|r| r.minutes.get())
            .sum()
    }

    /// Minutes per person, keyed by e-mail when the export has one, else by name.
    pub fn per_person(&self) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for r in &self.rows {
            let who = r
                .person
                .email
                .clone()
                .or_else(|| r.person.name.clone())
                .unwrap_or_default();
            *out.entry(who).or_insert(0) += r.minutes.get();
        }
        out
    }
}

pub fn read(format: Format, bytes: &[u8], options: Options) -> Read {
    let rows = interchange::read(format, bytes, options).expect("the header is readable");
    collect(rows)
}

pub fn collect(rows: interchange::Rows<'_>) -> Read {
    let mut out = Read {
        rows: Vec::new(),
        errors: Vec::new(),
    };
    for r in rows {
        match r {
            Ok(row) => out.rows.push(row),
            Err(errors) => out.errors.extend(errors),
        }
    }
    out
}

pub fn people(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// (line, column, rule) of each error, the part of a report that must be exact.
pub fn where_what(errors: &[RowError]) -> Vec<(u64, String, Rule)> {
    errors.iter().map(|e| (e.line, e.column.clone(), e.rule)).collect()
}
