//! Clockify's detailed report: US dates and 12-hour times by default, the duration twice
//! (`h:mm:ss` and decimal), and currencies in the rate and amount headers.

use super::SourceRow;
use super::table::{Col, Ctx, Fields, Rec};
use super::values;

use crate::rule::Rule;

pub(crate) const COLS: &[Col] = &[
    Col::opt("Project", &["Project"]),
    Col::opt("Client", &["Client"]),
    Col::opt("Description", &["Description"]),
    Col::opt("Task", &["Task"]),
    Col::req("User", &["User"]),
    Col::opt("Email", &["Email"]),
    Col::opt("Tags", &["Tags"]),
    Col::opt("Billable", &["Billable"]),
    Col::req("Start Date", &["Start Date"]),
    Col::opt("Start Time", &["Start Time"]),
    Col::opt("End Time", &["End Time"]),
    Col::req("Duration (h)", &["Duration (h)"]),
    Col::opt("Duration (decimal)", &["Duration (decimal)"]),
    Col::money("Billable Rate", &["Billable Rate"]),
    Col::money("Billable Amount", &["Billable Amount"]),
    Col::money("Cost Rate", &["Cost Rate"]),
    Col::money("Cost Amount", &["Cost Amount"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "Email",
    name: "User",
    account: "Client",
    project: "Project",
    project_code: "Project",
    date: &["Start Date"],
    minutes: &["Duration (h)", "Duration (decimal)"],
    note: "Description",
    billable: "Billable",
};
const PROJECT: usize = 0;
const CLIENT: usize = 1;
const DESCRIPTION: usize = 2;
const TASK: usize = 3;
const USER: usize = 4;
const EMAIL: usize = 5;
const TAGS: usize = 6;
const BILLABLE: usize = 7;
const START_DATE: usize = 8;
const START_TIME: usize = 9;
const END_TIME: usize = 10;
const DURATION: usize = 11;
const DECIMAL: usize = 12;
const BILL_RATE: usize = 13;
const BILL_AMOUNT: usize = 14;
const COST_RATE: usize = 15;
const COST_AMOUNT: usize = 16;

pub(crate) fn row(r: &mut Rec<'_>, ctx: &Ctx) -> Option<SourceRow> {
    let date = r.date(START_DATE, ctx);
    // `h:mm:ss` is exact to the second; the decimal column is rounded to two places.
    let minutes = if r.get(DURATION).is_some() || r.get(DECIMAL).is_none() {
        r.parse_required(
            DURATION,
            Rule::Duration,
            values::parse_duration,
            "a duration like 1:30:00",
        )
    } else {
        r.parse(
            DECIMAL,
            Rule::Duration,
            values::parse_duration,
            "decimal hours like 1.50",
        )
    };
    let start = r.time(START_TIME);
    let end = r.time(END_TIME);
    let billable = r.boolean(BILLABLE);
    let currency = [BILL_RATE, BILL_AMOUNT, COST_RATE, COST_AMOUNT]
        .into_iter()
        .find_map(|c| r.header.currency(c))
        .or(ctx.default_currency);
    let money = |r: &mut Rec<'_>, col: usize| r.money(col, r.header.currency(col).or(currency), ctx);
    let bill_rate = money(r, BILL_RATE);
    let bill_amount = money(r, BILL_AMOUNT);
    let cost_rate = money(r, COST_RATE);
    let cost_amount = money(r, COST_AMOUNT);
    let user = r.required(USER);
    let mut row = SourceRow::draft(date?, minutes?);
    row.person.name = user;
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.account = r.text(CLIENT);
    row.project = r.text(PROJECT);
    row.task = r.text(TASK);
    row.note = values::clean_note(r.get(DESCRIPTION));
    row.start = start;
    row.end = end;
    row.billable = billable;
    let any_money = [bill_rate, bill_amount, cost_rate, cost_amount]
        .iter()
        .any(Option::is_some);
    row.currency = currency.filter(|_| any_money);
    row.bill_rate = bill_rate;
    row.bill_amount = bill_amount;
    row.cost_rate = cost_rate;
    row.cost_amount = cost_amount;
    row.tags = r.get(TAGS).map(values::split_tags).unwrap_or_default();
    Some(row)
}
