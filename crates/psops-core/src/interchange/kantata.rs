//! Kantata (Mavenlink) time entries: a flat CSV of the API's fields, or the API's own JSON
//! (`time_entries`, `users`, `workspaces`, `stories` keyed by id). Each entry has an id, so
//! the source key is `kantata:<id>` and survives edits to the entry.

use std::io::Read;

use csv::StringRecord;
use serde_json::{Map, Value};

use super::key::KeyCounter;
use super::reader::parse_record;
use super::table::{Col, Ctx, Fields, Header, Rec};
use super::values;
use super::{Format, Options, RowError, Rows, SourceRow};
use crate::money::Money;
use crate::rule::Rule;

pub(crate) const COLS: &[Col] = &[
    Col::opt("id", &["id", "time_entry_id"]),
    Col::req("date_performed", &["date_performed"]),
    Col::req("time_in_minutes", &["time_in_minutes"]),
    Col::opt("billable", &["billable"]),
    Col::opt("notes", &["notes"]),
    Col::opt("rate_in_cents", &["rate_in_cents"]),
    Col::opt("cost_rate_in_cents", &["cost_rate_in_cents"]),
    Col::opt("currency", &["currency"]),
    Col::opt("user_email", &["user_email", "email_address"]),
    Col::opt("user_name", &["user_name", "full_name"]),
    Col::opt("project_name", &["project_name", "workspace_title", "workspace_name"]),
    Col::opt("project_code", &["project_code", "workspace_code"]),
    Col::opt("account_name", &["account_name", "client_name"]),
    Col::opt("task", &["task", "story_title", "story_name"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "user_email",
    name: "user_name",
    account: "account_name",
    project: "project_name",
    project_code: "project_code",
    date: &["date_performed"],
    minutes: &["time_in_minutes"],
    note: "notes",
    billable: "billable",
};
const ID: usize = 0;
const DATE: usize = 1;
const MINUTES: usize = 2;
const BILLABLE: usize = 3;
const NOTES: usize = 4;
const RATE: usize = 5;
const COST_RATE: usize = 6;
const CURRENCY: usize = 7;
const EMAIL: usize = 8;
const NAME: usize = 9;
const PROJECT: usize = 10;
const PROJECT_CODE: usize = 11;
const ACCOUNT: usize = 12;
const TASK: usize = 13;

fn cents(s: &str) -> Option<i64> {
    s.trim().parse::<i64>().ok()
}

pub(crate) fn row(r: &mut Rec<'_>, ctx: &Ctx) -> Option<SourceRow> {
    let date = r.date(DATE, ctx);
    let minutes = r.parse_required(
        MINUTES,
        Rule::Minutes,
        values::whole_minutes,
        "a whole number of minutes",
    );
    let billable = r.boolean(BILLABLE);
    let currency = r
        .parse(CURRENCY, Rule::Currency, values::parse_currency, "a currency like USD")
        .or(ctx.default_currency);
    let amount = |r: &mut Rec<'_>, col: usize| {
        let minor = r.parse(col, Rule::Integer, cents, "a whole number of cents")?;
        match currency {
            Some(c) => Some(Money::new(minor, c)),
            None => {
                r.fail(col, Rule::Currency, "the rate has no currency: give a currency column");
                None
            }
        }
    };
    let bill_rate = amount(r, RATE);
    let cost_rate = amount(r, COST_RATE);
    if r.get(EMAIL).is_none() && r.get(NAME).is_none() {
        r.fail(EMAIL, Rule::Required, "user_email or user_name must be given");
    }
    let mut row = SourceRow::draft(date?, minutes?);
    row.source_key = r.get(ID).map(|id| format!("kantata:{id}")).unwrap_or_default();
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.person.name = r.text(NAME);
    row.account = r.text(ACCOUNT);
    row.project = r.text(PROJECT);
    row.project_code = r.text(PROJECT_CODE);
    row.task = r.text(TASK);
    row.note = values::clean_note(r.get(NOTES));
    row.billable = billable;
    row.currency = currency.filter(|_| bill_rate.is_some() || cost_rate.is_some());
    row.bill_rate = bill_rate;
    row.cost_rate = cost_rate;
    Some(row)
}

/// Reads the API's JSON. A page of the API is bounded, so the document is read whole; each
/// entry is then flattened into the CSV columns and checked by the same rules.
pub(crate) fn read_json<'a, R: Read + 'a>(input: R, options: Options) -> Result<Rows<'a>, RowError> {
    let doc: Value = serde_json::from_reader(input).map_err(|e| {
        RowError::new(
            e.line() as u64,
            "",
            "",
            Rule::Json,
            format!("the file is not valid JSON: {e}"),
        )
    })?;
    let Some(entries) = doc.get("time_entries").and_then(Value::as_object) else {
        return Err(RowError::new(
            1,
            "time_entries",
            "",
            Rule::MissingColumn,
            "the JSON has no 'time_entries' object",
        ));
    };
    let order = entry_order(&doc, entries);
    let names: Vec<String> = COLS.iter().map(|c| c.name.to_string()).collect();
    let ctx = Ctx::new(Format::Kantata, options, &names);
    let header = Header::resolve(names, COLS)?;
    let mut keys = KeyCounter::default();
    let records: Vec<StringRecord> = order
        .iter()
        .map(|id| flatten(&doc, id, entries.get(id).unwrap_or(&Value::Null)))
        .collect();
    let rows = records.into_iter().enumerate().map(move |(i, record)| {
        parse_record(
            Format::Kantata,
            i as u64 + 1,
            &header,
            COLS,
            &record,
            row,
            &ctx,
            &mut keys,
        )
    });
    Ok(Box::new(rows))
}

/// The API's `results` list gives the order; without it, ids in numeric order.
fn entry_order(doc: &Value, entries: &Map<String, Value>) -> Vec<String> {
    let listed: Vec<String> = doc
        .get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|r| r.get("key").and_then(Value::as_str) == Some("time_entries"))
        .filter_map(|r| r.get("id").map(scalar))
        .filter(|id| entries.contains_key(id))
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    let mut ids: Vec<String> = entries.keys().cloned().collect();
    ids.sort_by_key(|id| (id.parse::<u64>().unwrap_or(u64::MAX), id.clone()));
    ids
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One entry as a CSV record in [`COLS`] order, with its user, workspace and story joined in.
fn flatten(doc: &Value, id: &str, entry: &Value) -> StringRecord {
    let field = |v: &Value, k: &str| v.get(k).map(scalar).unwrap_or_default();
    let linked = |collection: &str, key: &str| {
        let link = field(entry, key);
        doc.get(collection)
            .and_then(|c| c.get(&link))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let user = linked("users", "user_id");
    let workspace = linked("workspaces", "workspace_id");
    let story = linked("stories", "story_id");
    let currency = Some(field(entry, "currency"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| field(&workspace, "currency"));
    let account = Some(field(&workspace, "account_name"))
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| field(&workspace, "client_name"));
    StringRecord::from(vec![
        Some(field(entry, "id"))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| id.to_string()),
        field(entry, "date_performed"),
        field(entry, "time_in_minutes"),
        field(entry, "billable"),
        field(entry, "notes"),
        field(entry, "rate_in_cents"),
        field(entry, "cost_rate_in_cents"),
        currency,
        field(&user, "email_address"),
        field(&user, "full_name"),
        field(&workspace, "title"),
        field(&workspace, "code"),
        account,
        field(&story, "title"),
    ])
}
