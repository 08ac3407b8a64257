//! Toggl Track's detailed report: start and end as separate date and time columns, duration
//! as `hh:mm:ss`, tags in one cell, and the currency in the amount's header (`Amount (USD)`).

use super::SourceRow;
use super::table::{Col, Ctx, Fields, Rec};
use super::values;

use crate::rule::Rule;

pub(crate) const COLS: &[Col] = &[
    Col::req("User", &["User", "Member"]),
    Col::opt("Email", &["Email"]),
    Col::opt("Client", &["Client"]),
    Col::opt("Project", &["Project"]),
    Col::opt("Task", &["Task"]),
    Col::opt("Description", &["Description"]),
    Col::opt("Billable", &["Billable"]),
    Col::req("Start date", &["Start date"]),
    Col::opt("Start time", &["Start time"]),
    Col::opt("End time", &["End time"]),
    Col::req("Duration", &["Duration"]),
    Col::opt("Tags", &["Tags"]),
    Col::money("Amount", &["Amount"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "Email",
    name: "User",
    account: "Client",
    project: "Project",
    project_code: "Project",
    date: &["Start date"],
    minutes: &["Duration"],
    note: "Description",
    billable: "Billable",
};
const USER: usize = 0;
const EMAIL: usize = 1;
const CLIENT: usize = 2;
const PROJECT: usize = 3;
const TASK: usize = 4;
const DESCRIPTION: usize = 5;
const BILLABLE: usize = 6;
const START_DATE: usize = 7;
const START_TIME: usize = 8;
const END_TIME: usize = 9;
const DURATION: usize = 10;
const TAGS: usize = 11;
const AMOUNT: usize = 12;

pub(crate) fn row(r: &mut Rec<'_>, ctx: &Ctx) -> Option<SourceRow> {
    let date = r.date(START_DATE, ctx);
    let minutes = r.parse_required(
        DURATION,
        Rule::Duration,
        values::parse_duration,
        "a duration like 01:30:00",
    );
    let start = r.time(START_TIME);
    let end = r.time(END_TIME);
    let billable = r.boolean(BILLABLE);
    let currency = r.header.currency(AMOUNT).or(ctx.default_currency);
    let amount = r.money(AMOUNT, currency, ctx);
    if r.get(USER).is_none() && r.get(EMAIL).is_none() {
        r.fail(USER, Rule::Required, "User must not be blank");
    }
    let mut row = SourceRow::draft(date?, minutes?);
    row.person.name = r.text(USER);
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.account = r.text(CLIENT);
    row.project = r.text(PROJECT);
    row.task = r.text(TASK);
    row.note = values::clean_note(r.get(DESCRIPTION));
    row.start = start;
    row.end = end;
    row.billable = billable;
    row.currency = currency.filter(|_| amount.is_some());
    row.bill_amount = amount;
    row.tags = r.get(TAGS).map(values::split_tags).unwrap_or_default();
    Some(row)
}
