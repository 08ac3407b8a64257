//! Writing time entries out in psops's, Kimai's and Harvest's CSV shapes, one row at a time,
//! so that an export can be read back by the matching parser with nothing lost. Every
//! cell goes through [`crate::csv_writer`], which neutralises spreadsheet formulas.

use std::io::{self, Write};

use serde::Serialize;
use time::Date;

use super::harvest::split_name;
use super::psops_csv::HEADER as PSOPS_HEADER;
use crate::Minutes;
use crate::code::Code;
use crate::csv_writer::{CsvWriter, LineEnd};
use crate::dates::format_date;
use crate::money::Money;
use crate::time_entries::InternalCategory;

/// A time entry joined with the names an export shows (the store fills it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    pub date: Date,
    pub person_name: String,
    pub person_email: String,
    pub account: Option<String>,
    pub account_code: Option<String>,
    pub project: Option<String>,
    pub project_code: Option<String>,
    /// Internal work has a category instead of a project.
    pub category: Option<InternalCategory>,
    /// Task or milestone, written where the shape has a column for it.
    pub task: Option<String>,
    pub minutes: Minutes,
    pub billable: bool,
    pub note: Option<String>,
    /// Bill rate per hour.
    pub bill_rate: Option<Money>,
    /// Cost rate per hour.
    pub cost_rate: Option<Money>,
    /// The key the entry was imported under, so a re-import of the export adds nothing.
    pub source_key: Option<String>,
}

impl ExportRow {
    /// What the shapes without a category column write as the task: the category's code.
    fn task_or_category(&self) -> &str {
        match (&self.task, self.category) {
            (Some(t), _) => t,
            (None, Some(c)) => c.code(),
            (None, None) => "",
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

/// An amount as a plain decimal in the currency's minor digits, e.g. `150.00`.
pub fn decimal_text(m: Money) -> String {
    let exp = m.currency.exponent();
    let sign = if m.amount_minor < 0 { "-" } else { "" };
    let abs = m.amount_minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let p = 10u64.pow(exp);
    format!("{sign}{}.{:0w$}", abs / p, abs % p, w = exp as usize)
}

/// Rate per hour × minutes, rounded half away from zero to the minor unit.
pub fn amount_for(rate: Money, minutes: Minutes) -> Money {
    let exact = i128::from(rate.amount_minor) * i128::from(minutes.get());
    let rounded = (exact.abs() + 30) / 60 * exact.signum();
    Money::new(i64::try_from(rounded).unwrap_or(i64::MAX), rate.currency)
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or_default()
}

fn money_text(m: Option<Money>) -> String {
    m.map(decimal_text).unwrap_or_default()
}

/// psops's own CSV (see [`super::psops_csv`]).
pub fn write_psops<W: Write>(out: W, rows: impl IntoIterator<Item = ExportRow>) -> io::Result<()> {
    let mut w = CsvWriter::new(out, LineEnd::Lf);
    w.row(PSOPS_HEADER)?;
    for r in rows {
        let minutes = r.minutes.get().to_string();
        w.row([
            format_date(r.date).as_str(),
            &r.person_email,
            &r.person_name,
            opt(&r.account),
            opt(&r.project),
            opt(&r.project_code),
            r.category.map(|c| c.code()).unwrap_or_default(),
            &minutes,
            if r.billable { "true" } else { "false" },
            opt(&r.note),
            opt(&r.source_key),
        ])?;
    }
    w.flush()
}

/// The columns of Kimai's English timesheet export.
pub const KIMAI_HEADER: [&str; 25] = [
    "Date",
    "From",
    "To",
    "Duration",
    "Currency",
    "Rate",
    "Internal rate",
    "Hourly rate",
    "Fixed rate",
    "User",
    "Name",
    "E-mail",
    "Account number",
    "Customer",
    "Project",
    "Activity",
    "Description",
    "Billable",
    "Tags",
    "Type",
    "Category",
    "Customer number",
    "Project number",
    "VAT-ID",
    "Order number",
];

/// Kimai's English export. Internal work has no project and its category as the activity.
pub fn write_kimai<W: Write>(out: W, rows: impl IntoIterator<Item = ExportRow>) -> io::Result<()> {
    let mut w = CsvWriter::new(out, LineEnd::Lf);
    w.row(KIMAI_HEADER)?;
    for r in rows {
        let currency = r.bill_rate.or(r.cost_rate).map(|m| m.currency.to_string());
        let amount = r
            .bill_rate
            .filter(|_| r.billable)
            .map(|rate| amount_for(rate, r.minutes));
        let cost = r.cost_rate.map(|rate| amount_for(rate, r.minutes));
        w.row([
            format_date(r.date).as_str(),
            "",
            "",
            &r.minutes.to_string(),
            currency.as_deref().unwrap_or_default(),
            &money_text(amount),
            &money_text(cost),
            &money_text(r.bill_rate),
            "",
            &r.person_name,
            // Kimai's username column; e-mail addresses are the usual usernames.
            &r.person_email,
            &r.person_email,
            "",
            opt(&r.account),
            opt(&r.project),
            r.task_or_category(),
            opt(&r.note),
            yes_no(r.billable),
            "",
            "timesheet",
            "work",
            opt(&r.account_code),
            opt(&r.project_code),
            "",
            "",
        ])?;
    }
    w.flush()
}

/// The columns of Harvest's detailed time report.
pub const HARVEST_HEADER: [&str; 20] = [
    "Date",
    "Client",
    "Project",
    "Project Code",
    "Task",
    "Notes",
    "Hours",
    "Billable?",
    "Invoiced?",
    "Approved?",
    "First Name",
    "Last Name",
    "Roles",
    "Employee?",
    "Billable Rate",
    "Billable Amount",
    "Cost Rate",
    "Cost Amount",
    "Currency",
    "External Reference URL",
];

/// Harvest's detailed report. Hours have two decimals, which Harvest's reader and psops's
/// round back to the same whole minute.
pub fn write_harvest<W: Write>(out: W, rows: impl IntoIterator<Item = ExportRow>) -> io::Result<()> {
    let mut w = CsvWriter::new(out, LineEnd::Lf);
    w.row(HARVEST_HEADER)?;
    for r in rows {
        let (first, last) = split_name(&r.person_name);
        let currency = r.bill_rate.or(r.cost_rate).map(|m| m.currency.to_string());
        let amount = r.bill_rate.map(|rate| {
            if r.billable {
                amount_for(rate, r.minutes)
            } else {
                Money::new(0, rate.currency)
            }
        });
        let cost = r.cost_rate.map(|rate| amount_for(rate, r.minutes));
        w.row([
            format_date(r.date).as_str(),
            opt(&r.account),
            opt(&r.project),
            opt(&r.project_code),
            r.task_or_category(),
            opt(&r.note),
            &r.minutes.hours_text(),
            yes_no(r.billable),
            "",
            "",
            first,
            last,
            "",
            "Yes",
            &money_text(r.bill_rate),
            &money_text(amount),
            &money_text(r.cost_rate),
            &money_text(cost),
            currency.as_deref().unwrap_or_default(),
            "",
        ])?;
    }
    w.flush()
}

/// One page of a streamed export as CSV in `format`'s shape (psops's own for formats
/// psops does not write); only the first page (`header`) carries the header line.
pub fn csv_chunk(format: super::Format, rows: Vec<ExportRow>, header: bool) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        super::Format::Kimai => write_kimai(&mut out, rows)?,
        super::Format::Harvest => write_harvest(&mut out, rows)?,
        _ => write_psops(&mut out, rows)?,
    }
    if !header {
        let first = out.iter().position(|b| *b == b'\n').map_or(out.len(), |i| i + 1);
        out.drain(..first);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn amounts_round_half_away_from_zero() {
        let usd = Currency::USD;
        assert_eq!(amount_for(Money::new(15000, usd), Minutes(90)).amount_minor, 22500);
        // 100.00/h for 20 min is 33.333… → 33.33; 0.01/h for 30 min is 0.005 → 0.01
        assert_eq!(amount_for(Money::new(10000, usd), Minutes(20)).amount_minor, 3333);
        assert_eq!(amount_for(Money::new(1, usd), Minutes(30)).amount_minor, 1);
        assert_eq!(amount_for(Money::new(-1, usd), Minutes(30)).amount_minor, -1);
        assert_eq!(decimal_text(Money::new(-5, usd)), "-0.05");
        assert_eq!(decimal_text(Money::new(1200, "JPY".parse().unwrap())), "1200");
    }

    fn chunk_row() -> ExportRow {
        ExportRow {
            date: time::macros::date!(2026 - 03 - 02),
            person_name: "Zoë Müller".into(),
            person_email: "zoe@example.com".into(),
            account: Some("Acme, Inc.".into()),
            account_code: None,
            project: Some("Cloud Migration".into()),
            project_code: Some("ACME-MIG".into()),
            category: None,
            task: None,
            minutes: Minutes(90),
            billable: true,
            note: Some("line one\nline two".into()),
            bill_rate: None,
            cost_rate: None,
            source_key: None,
        }
    }

    #[test]
    fn later_chunks_carry_no_header() {
        use super::super::Format;
        let first = String::from_utf8(csv_chunk(Format::Psops, vec![chunk_row()], true).unwrap()).unwrap();
        let next = String::from_utf8(csv_chunk(Format::Psops, vec![chunk_row()], false).unwrap()).unwrap();
        assert!(first.starts_with("date,person_email"), "{first}");
        assert!(next.starts_with("2026-03-02,zoe@example.com"), "{next}");
        assert_eq!(first.len(), next.len() + first.find('\n').unwrap() + 1);
        assert!(csv_chunk(Format::Harvest, vec![], false).unwrap().is_empty());
    }
}
