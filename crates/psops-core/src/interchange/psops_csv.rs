//! psops's own time CSV, the shape `psops export` writes and `psops import` reads back.
//!
//! ```text
//! date,person_email,person_name,account,project,project_code,category,minutes,billable,note,source_key
//! 2026-03-02,zoe@example.com,Zoë Müller,"Acme, Inc.",Migration,ACME-MIG,,90,true,"Cut-over plan",
//! 2026-03-02,zoe@example.com,Zoë Müller,,,,admin,30,false,Expenses,
//! ```
//!
//! UTF-8 (a BOM is accepted), comma-separated, quoted per RFC 4180, one header row; columns
//! are found by name, so their order is free and extra columns are ignored.
//!
//! | column | meaning |
//! |---|---|
//! | `date` | `YYYY-MM-DD`; required |
//! | `person_email` | who did the work; required unless `person_name` is given |
//! | `person_name` | full name, used when there is no e-mail |
//! | `account` | the customer's name or code (informative; the project decides) |
//! | `project`, `project_code` | the project by name and/or code; blank for internal work |
//! | `category` | internal work: `admin`, `pre_sales`, `training`, `tools_enablement`, `internal_non_creditable`; blank for project work |
//! | `minutes` | whole minutes, e.g. `90`; required |
//! | `billable` | `true` / `false`; blank takes the project's default |
//! | `note` | free text; newlines allowed inside quotes |
//! | `source_key` | the entry's stable import key; blank lets psops derive one from the content |

use super::SourceRow;
use super::table::{Col, Ctx, Fields, Rec};
use super::values;
use crate::code::Code;
use crate::rule::Rule;
use crate::time_entries::InternalCategory;

/// The header `psops export` writes, in this order.
pub const HEADER: [&str; 11] = [
    "date",
    "person_email",
    "person_name",
    "account",
    "project",
    "project_code",
    "category",
    "minutes",
    "billable",
    "note",
    "source_key",
];

pub(crate) const COLS: &[Col] = &[
    Col::req("date", &["date"]),
    Col::req("person_email", &["person_email"]),
    Col::opt("person_name", &["person_name"]),
    Col::opt("account", &["account"]),
    Col::opt("project", &["project"]),
    Col::opt("project_code", &["project_code"]),
    Col::opt("category", &["category"]),
    Col::req("minutes", &["minutes"]),
    Col::opt("billable", &["billable"]),
    Col::opt("note", &["note"]),
    Col::opt("source_key", &["source_key"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "person_email",
    name: "person_name",
    account: "account",
    project: "project",
    project_code: "project_code",
    date: &["date"],
    minutes: &["minutes"],
    note: "note",
    billable: "billable",
};
const DATE: usize = 0;
const EMAIL: usize = 1;
const NAME: usize = 2;
const ACCOUNT: usize = 3;
const PROJECT: usize = 4;
const PROJECT_CODE: usize = 5;
const CATEGORY: usize = 6;
const MINUTES: usize = 7;
const BILLABLE: usize = 8;
const NOTE: usize = 9;
const SOURCE_KEY: usize = 10;

pub(crate) fn row(r: &mut Rec<'_>, _ctx: &Ctx) -> Option<SourceRow> {
    // psops writes one date format only, so it reads only that one.
    let date = r.parse_required(
        DATE,
        Rule::Date,
        |v| crate::dates::parse_date("date", v).ok(),
        "a date written YYYY-MM-DD, from 1900-01-01 to 2200-12-31",
    );
    let minutes = r.parse_required(
        MINUTES,
        Rule::Minutes,
        values::whole_minutes,
        "a whole number of minutes, like 90",
    );
    let billable = r.boolean(BILLABLE);
    let category = r.parse(
        CATEGORY,
        Rule::OneOf,
        |v| InternalCategory::from_code(v).ok(),
        "one of: admin, pre_sales, training, tools_enablement, internal_non_creditable",
    );
    if r.get(EMAIL).is_none() && r.get(NAME).is_none() {
        r.fail(EMAIL, Rule::Required, "person_email must not be blank");
    }
    let mut row = SourceRow::draft(date?, minutes?);
    row.source_key = r.text(SOURCE_KEY).unwrap_or_default();
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.person.name = r.text(NAME);
    row.account = r.text(ACCOUNT);
    row.project = r.text(PROJECT);
    row.project_code = r.text(PROJECT_CODE);
    row.category = category;
    row.billable = billable;
    row.note = values::clean_note(r.get(NOTE));
    Some(row)
}
