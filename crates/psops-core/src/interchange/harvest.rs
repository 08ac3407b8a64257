//! Harvest's detailed time report: one row per entry, hours as decimals, people by first and
//! last name (the report has no e-mail), rates and amounts with a `Currency` column.

use super::SourceRow;
use super::table::{Col, Ctx, Fields, Rec};
use super::values;

use crate::rule::Rule;

pub(crate) const COLS: &[Col] = &[
    Col::req("Date", &["Date"]),
    Col::req("Client", &["Client"]),
    Col::req("Project", &["Project"]),
    Col::opt("Project Code", &["Project Code"]),
    Col::opt("Task", &["Task"]),
    Col::opt("Notes", &["Notes"]),
    Col::req("Hours", &["Hours"]),
    Col::opt("Billable?", &["Billable?"]),
    Col::req("First Name", &["First Name"]),
    Col::req("Last Name", &["Last Name"]),
    Col::opt("Billable Rate", &["Billable Rate"]),
    Col::opt("Billable Amount", &["Billable Amount"]),
    Col::opt("Cost Rate", &["Cost Rate"]),
    Col::opt("Cost Amount", &["Cost Amount"]),
    Col::opt("Currency", &["Currency"]),
    Col::opt("Email", &["Email", "E-mail"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "Email",
    name: "First Name",
    account: "Client",
    project: "Project",
    project_code: "Project Code",
    date: &["Date"],
    minutes: &["Hours"],
    note: "Notes",
    billable: "Billable?",
};
const DATE: usize = 0;
const CLIENT: usize = 1;
const PROJECT: usize = 2;
const PROJECT_CODE: usize = 3;
const TASK: usize = 4;
const NOTES: usize = 5;
const HOURS: usize = 6;
const BILLABLE: usize = 7;
const FIRST: usize = 8;
const LAST: usize = 9;
const BILL_RATE: usize = 10;
const BILL_AMOUNT: usize = 11;
const COST_RATE: usize = 12;
const COST_AMOUNT: usize = 13;
const CURRENCY: usize = 14;
const EMAIL: usize = 15;

pub(crate) fn row(r: &mut Rec<'_>, ctx: &Ctx) -> Option<SourceRow> {
    let date = r.date(DATE, ctx);
    let minutes = r.parse_required(HOURS, Rule::Duration, values::parse_duration, "hours like 1.5 or 1:30");
    let billable = r.boolean(BILLABLE);
    let currency = r
        .parse(CURRENCY, Rule::Currency, values::parse_currency, "a currency like USD")
        .or(ctx.default_currency);
    let bill_rate = r.money(BILL_RATE, currency, ctx);
    let bill_amount = r.money(BILL_AMOUNT, currency, ctx);
    let cost_rate = r.money(COST_RATE, currency, ctx);
    let cost_amount = r.money(COST_AMOUNT, currency, ctx);
    let name = full_name(r.get(FIRST), r.get(LAST));
    if name.is_none() && r.get(EMAIL).is_none() {
        r.fail(FIRST, Rule::Required, "First Name and Last Name must not both be blank");
    }
    let mut row = SourceRow::draft(date?, minutes?);
    row.person.name = name;
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.account = r.text(CLIENT);
    row.project = r.text(PROJECT);
    row.project_code = r.text(PROJECT_CODE);
    row.task = r.text(TASK);
    row.note = values::clean_note(r.get(NOTES));
    row.billable = billable;
    row.currency = currency;
    row.bill_rate = bill_rate;
    row.bill_amount = bill_amount;
    row.cost_rate = cost_rate;
    row.cost_amount = cost_amount;
    Some(row)
}

/// Harvest splits a name in two; psops keeps it whole.
pub(crate) fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let joined = [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// The inverse for writing: the first word is the first name, the rest the last name.
pub(crate) fn split_name(name: &str) -> (&str, &str) {
    let name = name.trim();
    name.split_once(char::is_whitespace)
        .map_or((name, ""), |(first, last)| (first, last.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_and_join_back() {
        assert_eq!(split_name("José da Silva"), ("José", "da Silva"));
        assert_eq!(split_name("Madonna"), ("Madonna", ""));
        assert_eq!(
            full_name(Some("José"), Some("da Silva")).as_deref(),
            Some("José da Silva")
        );
        assert_eq!(full_name(Some("Madonna"), None).as_deref(), Some("Madonna"));
        assert_eq!(full_name(None, None), None);
    }
}
