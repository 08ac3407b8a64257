//! Interchange: other tools' files, read and written. Time entries read from their exports
//! (Harvest, Toggl, Kimai, Clockify, Kantata, psops's own CSV) into one normalised
//! [`SourceRow`] and written back out; holiday lists (iCalendar, CSV) in [`holidays`].
//! What an import then does with the rows — options, reports, record batches — is
//! `crate::imports`.
//!
//! Everything here is pure: parsers take any `std::io::Read` and yield one result per record,
//! so a file of any size is read in constant memory (Kantata's JSON, a bounded API page, is
//! the one shape read whole). A bad record yields its [`RowError`]s and reading goes on, so
//! an import can report every bad row at once. Matching rows to people and projects lives in
//! [`mapping`]; the storage side (transactions, `--create-missing`) lives outside the core.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;
use time::{Date, Time};

use crate::money::{Currency, Money};
use crate::rule::Rule;
use crate::time_entries::InternalCategory;
use crate::{Error, Minutes};

mod clockify;
pub mod export;
mod harvest;
pub mod holidays;
mod kantata;
mod key;
mod kimai;
pub mod mapping;
pub mod psops_csv;
mod reader;
mod table;
mod toggl;
pub mod values;

pub use export::{ExportRow, csv_chunk, write_harvest, write_kimai, write_psops};

/// The exports psops reads, and the shapes it writes (psops, Kimai, Harvest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Harvest,
    Toggl,
    Kimai,
    Clockify,
    /// Kantata time entries, as a flat CSV of its API fields or the API's JSON.
    Kantata,
    Psops,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Harvest,
        Format::Toggl,
        Format::Kimai,
        Format::Clockify,
        Format::Kantata,
        Format::Psops,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Format::Harvest => "harvest",
            Format::Toggl => "toggl",
            Format::Kimai => "kimai",
            Format::Clockify => "clockify",
            Format::Kantata => "kantata",
            Format::Psops => "psops",
        }
    }

    /// How the format writes ambiguous `a/b/yyyy` dates when the caller does not say.
    pub fn default_date_order(self) -> DateOrder {
        match self {
            // Both are US products whose reports follow the US locale by default.
            Format::Clockify | Format::Harvest => DateOrder::MonthFirst,
            _ => DateOrder::DayFirst,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        let s = s.trim().to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.code() == s).ok_or_else(|| {
            Error::invalid(
                "format",
                Rule::OneOf,
                "format must be one of: harvest, toggl, kimai, clockify, kantata, psops",
            )
        })
    }
}

/// Which number comes first in a date written `a/b/yyyy` (ISO and `dd.mm.yyyy` are never ambiguous).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// Choices the file itself cannot tell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Overrides the format's [`Format::default_date_order`].
    pub date_order: Option<DateOrder>,
    /// Currency of amounts when the export names none (psops CSV, a Kimai export without it).
    pub default_currency: Option<Currency>,
}

/// Who did the work, as the export names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    /// Lower-cased, when the export has one.
    pub email: Option<String>,
    pub name: Option<String>,
}

/// The record as it was in the file, for error reports and audit: header → raw value.
/// The header is shared by every row of a file, so a row costs only its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    pub headers: Arc<[String]>,
    pub values: Vec<String>,
}

impl Serialize for Original {
    /// As an object in file order, `{"Date": "2026-03-02", ...}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (i, value) in self.values.iter().enumerate() {
            let header = self.headers.get(i).map_or("", String::as_str);
            map.serialize_entry(header, value)?;
        }
        map.end()
    }
}

impl Original {
    /// The raw value under a header, compared without regard to case.
    pub fn get(&self, header: &str) -> Option<&str> {
        let i = self.headers.iter().position(|h| h.eq_ignore_ascii_case(header))?;
        self.values.get(i).map(String::as_str)
    }
}

/// One time record from any export, normalised; nothing is matched to psops ids yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    pub format: Format,
    /// Line of the record's first line in the file (1 is the header); the entry's position
    /// (1-based) for Kantata JSON.
    pub line: u64,
    /// Stable across re-imports of the same data: the source's own id when it has one
    /// (`kantata:81`), else the format and a hash of the normalised content.
    pub source_key: String,
    pub person: PersonRef,
    pub account: Option<String>,
    pub account_code: Option<String>,
    pub project: Option<String>,
    pub project_code: Option<String>,
    /// Task or activity within the project.
    pub task: Option<String>,
    /// Internal work category, when the export says (psops CSV).
    pub category: Option<InternalCategory>,
    pub date: Date,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub minutes: Minutes,
    /// None when the export does not carry the flag: the project's default applies.
    pub billable: Option<bool>,
    pub note: Option<String>,
    pub currency: Option<Currency>,
    pub bill_rate: Option<Money>,
    pub bill_amount: Option<Money>,
    pub cost_rate: Option<Money>,
    pub cost_amount: Option<Money>,
    pub tags: Vec<String>,
    pub original: Original,
}

/// One broken rule in one record: where (line, column as the file names it), what was there,
/// which rule (a stable code) and why in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub value: String,
    pub rule: Rule,
    pub message: String,
}

impl RowError {
    pub fn new(
        line: u64,
        column: impl Into<String>,
        value: impl Into<String>,
        rule: Rule,
        message: impl Into<String>,
    ) -> Self {
        Self {
            line,
            column: column.into(),
            value: value.into(),
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if !self.column.is_empty() {
            write!(f, ", column '{}'", self.column)?;
        }
        if !self.value.is_empty() {
            write!(f, ", value '{}'", self.value)?;
        }
        write!(f, ": {} ({})", self.message, self.rule)
    }
}

impl std::error::Error for RowError {}

/// What each record becomes: the row, or every rule it broke (never empty).
pub type RowResult = Result<SourceRow, Vec<RowError>>;

/// The records of an export, one result each, read lazily.
pub type Rows<'a> = Box<dyn Iterator<Item = RowResult> + Send + 'a>;

/// Recognises an export from its header row; `None` when no format's columns are all there.
pub fn detect<S: AsRef<str>>(header: &[S]) -> Option<Format> {
    let names: Vec<String> = header.iter().map(|h| h.as_ref().to_string()).collect();
    // Most specific first: Toggl's and Clockify's headers share names, psops's are unique.
    [
        Format::Psops,
        Format::Kantata,
        Format::Clockify,
        Format::Toggl,
        Format::Harvest,
        Format::Kimai,
    ]
    .into_iter()
    .find(|f| table::Header::resolve(names.clone(), csv_columns(*f)).is_ok())
}

fn csv_columns(format: Format) -> &'static [table::Col] {
    match format {
        Format::Harvest => harvest::COLS,
        Format::Toggl => toggl::COLS,
        Format::Kimai => kimai::COLS,
        Format::Clockify => clockify::COLS,
        Format::Kantata => kantata::COLS,
        Format::Psops => psops_csv::COLS,
    }
}

fn fields(format: Format) -> &'static table::Fields {
    match format {
        Format::Harvest => &harvest::FIELDS,
        Format::Toggl => &toggl::FIELDS,
        Format::Kimai => &kimai::FIELDS,
        Format::Clockify => &clockify::FIELDS,
        Format::Kantata => &kantata::FIELDS,
        Format::Psops => &psops_csv::FIELDS,
    }
}

fn csv_parser(format: Format) -> table::ParseFn {
    match format {
        Format::Harvest => harvest::row,
        Format::Toggl => toggl::row,
        Format::Kimai => kimai::row,
        Format::Clockify => clockify::row,
        Format::Kantata => kantata::row,
        Format::Psops => psops_csv::row,
    }
}

/// Reads an export of a known format. A header that lacks a required column is one error
/// naming the column; everything after that is per record.
pub fn read<'a, R: Read + Send + 'a>(format: Format, input: R, options: Options) -> Result<Rows<'a>, RowError> {
    let mut input = BufReader::new(input);
    if format == Format::Kantata && starts_with_brace(&mut input)? {
        return kantata::read_json(input, options);
    }
    let rows = reader::CsvRows::open(format, input, csv_columns(format), csv_parser(format), options)?;
    Ok(Box::new(rows))
}

/// Reads an export of `format`, or of the format its header shows when `None`: answers
/// once the header is read, the records still to come.
pub fn open<'a, R: Read + Send + 'a>(
    format: Option<Format>,
    input: R,
    options: Options,
) -> Result<(Format, Rows<'a>), RowError> {
    match format {
        Some(f) => read(f, input, options).map(|rows| (f, rows)),
        None => read_auto(input, options),
    }
}

/// Reads an export, recognising its format from the header row (or Kantata's JSON).
pub fn read_auto<'a, R: Read + Send + 'a>(input: R, options: Options) -> Result<(Format, Rows<'a>), RowError> {
    let mut input = BufReader::new(input);
    if starts_with_brace(&mut input)? {
        return Ok((Format::Kantata, kantata::read_json(input, options)?));
    }
    let mut file = reader::csv_file(input)?;
    let names = file.header()?;
    let format = detect(&names).ok_or_else(|| {
        RowError::new(
            1,
            "",
            names.join(","),
            Rule::UnknownFormat,
            "the header row matches no known export (harvest, toggl, kimai, clockify, kantata, psops)",
        )
    })?;
    let rows = reader::CsvRows::from_file(format, file, names, csv_columns(format), csv_parser(format), options)?;
    Ok((format, Box::new(rows)))
}

/// JSON starts with `{` after an optional BOM and whitespace; looking does not consume.
fn starts_with_brace<R: Read>(input: &mut BufReader<R>) -> Result<bool, RowError> {
    let buf = input
        .fill_buf()
        .map_err(|e| RowError::new(1, "", "", Rule::Io, format!("the file could not be read: {e}")))?;
    let buf = buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(buf);
    Ok(buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

impl SourceRow {
    /// A row with only its date and duration; parsers fill the rest, the reader sets
    /// format, line, key and original.
    pub(crate) fn draft(date: Date, minutes: Minutes) -> SourceRow {
        SourceRow {
            format: Format::Psops,
            line: 0,
            source_key: String::new(),
            person: PersonRef::default(),
            account: None,
            account_code: None,
            project: None,
            project_code: None,
            task: None,
            category: None,
            date,
            start: None,
            end: None,
            minutes,
            billable: None,
            note: None,
            currency: None,
            bill_rate: None,
            bill_amount: None,
            cost_rate: None,
            cost_amount: None,
            tags: Vec::new(),
            original: Original {
                headers: Arc::from(Vec::new()),
                values: Vec::new(),
            },
        }
    }
}
