//! Kimai's timesheet export, under its English labels, its field keys (`begin`, `end`,
//! `hourlyRate`, ...) or its German labels; German files also use `1.234,50` amounts.

use super::SourceRow;
use super::table::{Col, Ctx, Fields, Rec};
use super::values;
use crate::Minutes;
use crate::rule::Rule;

pub(crate) const COLS: &[Col] = &[
    Col::opt("Date", &["Date", "Datum"]),
    Col::opt("From", &["From", "begin", "Von", "Beginn"]),
    Col::opt("To", &["To", "end", "Bis", "Ende"]),
    Col::req("Duration", &["Duration", "Dauer"]),
    Col::opt("Currency", &["Currency", "Währung"]),
    Col::opt("Rate", &["Rate", "Preis", "Honorar"]),
    Col::opt("Internal rate", &["Internal rate", "internalRate", "Interner Preis"]),
    Col::opt(
        "Hourly rate",
        &["Hourly rate", "hourlyRate", "Stundenpreis", "Stundensatz"],
    ),
    Col::opt("User", &["User", "alias", "Benutzer"]),
    Col::opt("Name", &["Name", "username", "Benutzername"]),
    Col::opt("E-mail", &["E-mail", "email", "E-Mail"]),
    Col::opt("Customer", &["Customer", "Kunde"]),
    Col::req("Project", &["Project", "Projekt"]),
    Col::req("Activity", &["Activity", "Tätigkeit", "Aktivität"]),
    Col::opt("Description", &["Description", "Beschreibung"]),
    Col::opt("Billable", &["Billable", "Abrechenbar"]),
    Col::opt("Tags", &["Tags", "Schlagworte", "Schlagwörter"]),
    Col::opt(
        "Customer number",
        &["Customer number", "customer_number", "Kundennummer"],
    ),
    Col::opt("Project number", &["Project number", "project_number", "Projektnummer"]),
];
/// Where this format keeps what an import matches and checks.
pub(crate) const FIELDS: Fields = Fields {
    email: "E-mail",
    name: "User",
    account: "Customer",
    project: "Project",
    project_code: "Project number",
    date: &["Date", "From"],
    minutes: &["Duration"],
    note: "Description",
    billable: "Billable",
};
const DATE: usize = 0;
const FROM: usize = 1;
const TO: usize = 2;
const DURATION: usize = 3;
const CURRENCY: usize = 4;
const RATE: usize = 5;
const INTERNAL_RATE: usize = 6;
const HOURLY_RATE: usize = 7;
const USER: usize = 8;
const USERNAME: usize = 9;
const EMAIL: usize = 10;
const CUSTOMER: usize = 11;
const PROJECT: usize = 12;
const ACTIVITY: usize = 13;
const DESCRIPTION: usize = 14;
const BILLABLE: usize = 15;
const TAGS: usize = 16;
const CUSTOMER_NUMBER: usize = 17;
const PROJECT_NUMBER: usize = 18;

/// Kimai's API and its duration field count seconds (`5400`); nobody logs over 24 hours in
/// one record, so a bare whole number above 24 is seconds, anything else a duration.
fn kimai_duration(s: &str) -> Option<Minutes> {
    let t = s.trim();
    match t.parse::<i64>() {
        Ok(secs) if secs > 24 => Some(Minutes(secs.saturating_add(30) / 60)),
        _ => values::parse_duration(t),
    }
}

pub(crate) fn row(r: &mut Rec<'_>, ctx: &Ctx) -> Option<SourceRow> {
    // The field-key shape has no date column: `begin` holds the whole timestamp.
    let date = if r.get(DATE).is_none()
        && r.get(FROM)
            .is_some_and(|b| values::parse_date(b, ctx.date_order).is_some())
    {
        r.get(FROM).and_then(|b| values::parse_date(b, ctx.date_order))
    } else {
        r.date(DATE, ctx)
    };
    let minutes = r.parse_required(DURATION, Rule::Duration, kimai_duration, "a duration like 1:30 or 1.5");
    let start = r.time(FROM);
    let end = r.time(TO);
    let billable = r.boolean(BILLABLE);
    let currency = r
        .parse(CURRENCY, Rule::Currency, values::parse_currency, "a currency like EUR")
        .or(ctx.default_currency);
    let bill_amount = r.money(RATE, currency, ctx);
    let bill_rate = r.money(HOURLY_RATE, currency, ctx);
    let cost_amount = r.money(INTERNAL_RATE, currency, ctx);
    if [USER, USERNAME, EMAIL].iter().all(|&c| r.get(c).is_none()) {
        r.fail(USER, Rule::Required, "User must not be blank");
    }
    let mut row = SourceRow::draft(date?, minutes?);
    row.person.name = r.text(USER).or_else(|| r.text(USERNAME));
    row.person.email = r.get(EMAIL).map(str::to_lowercase);
    row.account = r.text(CUSTOMER);
    row.account_code = r.text(CUSTOMER_NUMBER);
    row.project = r.text(PROJECT);
    row.project_code = r.text(PROJECT_NUMBER);
    row.task = r.text(ACTIVITY);
    row.note = values::clean_note(r.get(DESCRIPTION));
    row.start = start;
    row.end = end;
    row.billable = billable;
    let any_money = [bill_amount, bill_rate, cost_amount].iter().any(Option::is_some);
    row.currency = currency.filter(|_| any_money);
    row.bill_amount = bill_amount;
    row.bill_rate = bill_rate;
    row.cost_amount = cost_amount;
    row.tags = r.get(TAGS).map(values::split_tags).unwrap_or_default();
    Some(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_above_a_day_are_seconds() {
        assert_eq!(kimai_duration("5400"), Some(Minutes(90)));
        assert_eq!(kimai_duration("8"), Some(Minutes(480)));
        assert_eq!(kimai_duration("1:30"), Some(Minutes(90)));
        assert_eq!(kimai_duration("1,25"), Some(Minutes(75)));
        assert_eq!(kimai_duration("soon"), None);
    }
}
