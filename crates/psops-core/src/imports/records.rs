//! psops's CSV shapes for bringing a whole organisation in: people, accounts and projects.
//! UTF-8 (a BOM is accepted), one header row, columns found by name (order free, extra
//! columns ignored), blank cells meaning "not given".
//!
//! | file | columns (required in bold in the README) |
//! |---|---|
//! | `people.csv` | name, email, function, region, time_zone, fte, employment_start, employment_end, manager_email, partner |
//! | `accounts.csv` | name, code, region, industry, currency |
//! | `projects.csv` | name, code, account, project_type, billing_type, status, start_date, end_date, project_manager_email, budget_hours, budget_amount, currency, partner |
//!
//! Each row is parsed whole here; references (manager, partner, account) are resolved by
//! the store, which also decides whether a row creates, updates or leaves a record alone.

use std::io::Read;
use std::str::FromStr;

use time::Date;

use crate::accounts::AccountFields;
use crate::code::Code;
use crate::csv_file::{CsvFile, Delimiter};
use crate::interchange::RowError;
use crate::interchange::values::{parse_duration, parse_money};
use crate::money::{Currency, Money};
use crate::people::{Fte, Function};
use crate::projects::{BillingType, ProjectStatus, ProjectType};
use crate::rule::Rule;
use crate::{Error, Minutes};

/// One row of `people.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub line: u64,
    pub name: String,
    pub email: String,
    pub function: Function,
    pub region: String,
    pub time_zone: String,
    pub fte: Fte,
    pub employment_start: Date,
    pub employment_end: Option<Date>,
    pub manager_email: Option<String>,
    /// The employing partner organisation, by name.
    pub partner: Option<String>,
}

/// One row of `accounts.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub line: u64,
    pub fields: AccountFields,
}

/// One row of `projects.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub line: u64,
    pub name: String,
    pub code: Option<String>,
    /// The account by name or code.
    pub account: Option<String>,
    pub project_type: ProjectType,
    pub billing_type: BillingType,
    pub status: ProjectStatus,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub project_manager_email: Option<String>,
    pub budget_minutes: Option<Minutes>,
    pub budget: Option<Money>,
    /// The delivering partner organisation, by name.
    pub partner: Option<String>,
}

/// A parsed file of one kind, ready for `ImportStore::import_records`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordBatch {
    People(Vec<PersonRow>),
    Accounts(Vec<AccountRow>),
    Projects(Vec<ProjectRow>),
    Opportunities(Vec<crate::scoping::crm::OpportunityRow>),
}

impl RecordBatch {
    pub fn kind(&self) -> &'static str {
        match self {
            RecordBatch::People(_) => "people",
            RecordBatch::Accounts(_) => "accounts",
            RecordBatch::Projects(_) => "projects",
            RecordBatch::Opportunities(_) => "opportunities",
        }
    }
}

/// One record with its header, reporting errors by line and column.
pub(crate) struct Cells<'a> {
    pub line: u64,
    header: &'a [String],
    record: &'a csv::StringRecord,
    pub errors: Vec<RowError>,
}

impl Cells<'_> {
    pub fn get(&self, col: &str) -> Option<&str> {
        let i = self.header.iter().position(|h| h == col)?;
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn text(&self, col: &str) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    pub fn fail(&mut self, col: &str, rule: Rule, message: String) {
        let value = self.get(col).unwrap_or_default().to_string();
        self.errors.push(RowError::new(self.line, col, value, rule, message));
    }

    pub fn required(&mut self, col: &str) -> Option<String> {
        let v = self.text(col);
        if v.is_none() {
            self.fail(col, Rule::Required, format!("{col} must not be blank"));
        }
        v
    }

    /// A cell parsed by `parse`, or its error; `None` both when blank and when bad.
    pub fn parsed<T>(&mut self, col: &str, rule: Rule, what: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let v = self.get(col)?;
        let parsed = parse(v);
        if parsed.is_none() {
            self.fail(col, rule, format!("{col} must be {what}"));
        }
        parsed
    }

    pub fn code<T: Code>(&mut self, col: &str, default: Option<T>) -> Option<T> {
        let all: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
        match self.get(col) {
            None if default.is_some() => default,
            None => {
                self.fail(col, Rule::Required, format!("{col} must not be blank"));
                None
            }
            Some(v) => {
                let v = v.to_lowercase().replace([' ', '-'], "_");
                let found = T::from_code(&v).ok();
                if found.is_none() {
                    self.fail(col, Rule::OneOf, format!("{col} must be one of: {}", all.join(", ")));
                }
                found
            }
        }
    }

    pub fn date(&mut self, col: &str) -> Option<Date> {
        self.parsed(
            col,
            Rule::Date,
            "a date written YYYY-MM-DD, from 1900-01-01 to 2200-12-31",
            |v| crate::dates::parse_date(col, v).ok(),
        )
    }

    pub fn currency(&mut self, col: &str) -> Option<Currency> {
        self.parsed(col, Rule::Iso4217, "an ISO 4217 code such as USD", |v| {
            Currency::from_str(&v.to_ascii_uppercase()).ok()
        })
    }
}

fn fte(v: &str) -> Option<Fte> {
    // 0.8 or 80%: exact to four decimals, never through floating point.
    let (text, scale) = match v.strip_suffix('%') {
        Some(p) => (p.trim(), 100),
        None => (v, 10_000),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 4 {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_bp: i64 = format!("{frac:0<4}").parse().ok()?;
    let bp = whole.checked_mul(scale)? + frac_bp * scale / 10_000;
    Fte::from_basis_points(bp).ok()
}

fn header_error(message: String) -> Vec<RowError> {
    vec![RowError::new(1, "", "", Rule::Header, message)]
}

/// Reads any of the three shapes: each record through `row`, or every error at once.
fn read_rows<T>(
    input: impl Read,
    required: &[&str],
    row: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Result<Vec<T>, Vec<RowError>> {
    read_named(input, &|c: &str| c.to_lowercase(), required, row)
}

/// Like `read_rows`, each header cell named by `name` first (a column mapping).
pub(crate) fn read_named<T>(
    input: impl Read,
    name: &dyn Fn(&str) -> String,
    required: &[&str],
    mut row: impl FnMut(&mut Cells<'_>) -> Option<T>,
) -> Result<Vec<T>, Vec<RowError>> {
    let mut file = CsvFile::open(input, Delimiter::Comma, true).map_err(|e| header_error(e.message))?;
    let header: Vec<String> = match file.header() {
        Ok(h) => h.iter().map(|c| name(c)).collect(),
        Err(e) => return Err(header_error(format!("the file is not CSV: {}", e.message))),
    };
    if let Some(missing) = required.iter().find(|c| !header.iter().any(|h| h == *c)) {
        let mut errors = header_error(format!("the header has no '{missing}' column"));
        errors[0].column = missing.to_string();
        errors[0].rule = Rule::MissingColumn;
        return Err(errors);
    }
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for next in file {
        let Ok((line, record)) = next.map_err(|e| errors.push(e.into())) else {
            continue;
        };
        let mut cells = Cells {
            line,
            header: &header,
            record: &record,
            errors: Vec::new(),
        };
        let parsed = row(&mut cells);
        match parsed {
            Some(r) if cells.errors.is_empty() => rows.push(r),
            _ => errors.extend(cells.errors),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

pub(crate) fn check(errors: &mut Vec<RowError>, line: u64, result: crate::Result<()>) {
    if let Err(Error::Invalid(fields)) = result {
        for f in fields {
            errors.push(RowError::new(line, f.field, "", f.rule, f.message));
        }
    }
}

/// Reads `people.csv`.
pub fn read_people(input: impl Read) -> Result<Vec<PersonRow>, Vec<RowError>> {
    read_rows(
        input,
        &["name", "email", "function", "region", "employment_start"],
        |c| {
            let name = c.required("name");
            let email = c.required("email").map(|e| e.to_lowercase());
            let function = c.code::<Function>("function", None);
            let region = c.required("region");
            let fte = match c.get("fte") {
                None => Some(Fte::FULL),
                Some(_) => c.parsed("fte", Rule::Range, "more than 0 and at most 1, like 0.8 or 80%", fte),
            };
            let start = c.date("employment_start");
            if start.is_none() && c.get("employment_start").is_none() {
                c.fail(
                    "employment_start",
                    Rule::Required,
                    "employment_start must not be blank".into(),
                );
            }
            let row = PersonRow {
                line: c.line,
                name: name?,
                email: email?,
                function: function?,
                region: region?,
                time_zone: c.text("time_zone").unwrap_or_else(|| "UTC".into()),
                fte: fte?,
                employment_start: start?,
                employment_end: c.date("employment_end"),
                manager_email: c.text("manager_email").map(|e| e.to_lowercase()),
                partner: c.text("partner"),
            };
            let fields = crate::people::PersonFields {
                name: row.name.clone(),
                email: row.email.clone(),
                function: row.function,
                region: row.region.clone(),
                time_zone: row.time_zone.clone(),
                fte: row.fte,
                employment_start: row.employment_start,
                employment_end: row.employment_end,
                manager_id: None,
                partner_id: None,
            };
            check(&mut c.errors, c.line, fields.validate());
            Some(row)
        },
    )
}

/// Reads `accounts.csv`.
pub fn read_accounts(input: impl Read) -> Result<Vec<AccountRow>, Vec<RowError>> {
    read_rows(input, &["name"], |c| {
        let name = c.required("name");
        let currency = c.currency("currency");
        let fields = AccountFields {
            name: name?,
            code: c.text("code"),
            region: c.text("region"),
            industry: c.text("industry"),
            currency,
        };
        check(&mut c.errors, c.line, fields.validate());
        Some(AccountRow { line: c.line, fields })
    })
}

/// Reads `projects.csv`. Budget hours may be decimal (`120.5`) or `h:mm`.
pub fn read_projects(input: impl Read) -> Result<Vec<ProjectRow>, Vec<RowError>> {
    read_rows(input, &["name", "project_type", "billing_type"], |c| {
        let name = c.required("name");
        let project_type = c.code::<ProjectType>("project_type", None);
        let billing_type = c.code::<BillingType>("billing_type", None);
        let status = c.code::<ProjectStatus>("status", Some(ProjectStatus::Active));
        let currency = c.currency("currency");
        let budget = match (c.get("budget_amount"), currency) {
            (None, _) => None,
            (Some(_), None) => {
                c.fail(
                    "currency",
                    Rule::Required,
                    "currency must be given with budget_amount".into(),
                );
                None
            }
            (Some(_), Some(cur)) => c.parsed("budget_amount", Rule::Money, "an amount like 12500.00", |v| {
                parse_money(v, cur, false)
            }),
        };
        let row = ProjectRow {
            line: c.line,
            name: name?,
            code: c.text("code"),
            account: c.text("account"),
            project_type: project_type?,
            billing_type: billing_type?,
            status: status?,
            start_date: c.date("start_date"),
            end_date: c.date("end_date"),
            project_manager_email: c.text("project_manager_email").map(|e| e.to_lowercase()),
            budget_minutes: c.parsed(
                "budget_hours",
                Rule::Duration,
                "hours like 120 or 120.5",
                parse_duration,
            ),
            budget,
            partner: c.text("partner"),
        };
        if row.account.is_none() && row.project_type != ProjectType::Internal {
            c.fail(
                "account",
                Rule::Required,
                "account must be given unless the project is internal".into(),
            );
        }
        if let (Some(s), Some(e)) = (row.start_date, row.end_date)
            && e < s
        {
            c.fail(
                "end_date",
                Rule::AfterStart,
                "end_date must be on or after start_date".into(),
            );
        }
        Some(row)
    })
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
