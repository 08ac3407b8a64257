//! What every CSV format shares: columns matched by their header spellings, and access to
//! one record's cells that records each broken rule as a row error.

use std::sync::Arc;

use csv::StringRecord;

use super::values;
use super::{DateOrder, Format, Options, RowError, SourceRow};
use crate::money::Currency;
use crate::rule::Rule;

/// One column a format knows: the name used when reporting it missing, the header spellings
/// it goes by (compared by [`norm`]), and whether the header must have it.
pub(crate) struct Col {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// The header carries the currency, as in Toggl's `Amount (USD)`.
    pub currency_suffix: bool,
}

impl Col {
    pub const fn req(name: &'static str, aliases: &'static [&'static str]) -> Col {
        Col {
            name,
            aliases,
            required: true,
            currency_suffix: false,
        }
    }
    pub const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Col {
        Col {
            name,
            aliases,
            required: false,
            currency_suffix: false,
        }
    }
    pub const fn money(name: &'static str, aliases: &'static [&'static str]) -> Col {
        Col {
            name,
            aliases,
            required: false,
            currency_suffix: true,
        }
    }
}

/// Where a format keeps what an import matches and checks, by canonical column name
/// (a `Col::name` of its `COLS`): the one place that says which column an error names.
pub(crate) struct Fields {
    pub email: &'static str,
    pub name: &'static str,
    pub account: &'static str,
    pub project: &'static str,
    pub project_code: &'static str,
    /// Candidates in order of preference (Kimai's field keys have no date, only `begin`).
    pub date: &'static [&'static str],
    pub minutes: &'static [&'static str],
    pub note: &'static str,
    pub billable: &'static str,
}

impl SourceRow {
    /// The header, as this file spells it, that an error about `field` names: a canonical
    /// column of the row's format (`Hours`), or a field of a time entry that a rule names
    /// (`minutes`, `person_id`) — the column the row took it from. Falls back to the
    /// canonical name when the file has no such column.
    pub fn column(&self, field: &str) -> String {
        let f = super::fields(self.format);
        let candidates: Vec<&str> = match field {
            "person_id" if self.person.email.is_some() => vec![f.email],
            "person_id" => vec![f.name],
            "project_id" if self.project.is_some() => vec![f.project],
            "project_id" => vec![f.project_code],
            "date" => f.date.to_vec(),
            "minutes" => f.minutes.to_vec(),
            "note" => vec![f.note],
            "billable" => vec![f.billable],
            canonical => vec![canonical],
        };
        let headers: Vec<&String> = candidates.iter().filter_map(|c| self.header_of(c)).collect();
        // A column holding a value in this row names it better than an empty one.
        let filled = headers
            .iter()
            .find(|h| self.original.get(h).is_some_and(|v| !v.trim().is_empty()));
        filled
            .or(headers.first())
            .map_or_else(|| candidates[0].to_string(), |h| h.to_string())
    }

    /// The file's header for a canonical column of the row's format.
    fn header_of(&self, canonical: &str) -> Option<&String> {
        let col = super::csv_columns(self.format).iter().find(|c| c.name == canonical)?;
        self.original.headers.iter().find(|h| {
            let h = norm(h);
            col.aliases.iter().any(|a| norm(a) == h)
        })
    }
}

/// Header comparison ignores case, spacing and punctuation, so `Internal rate`,
/// `internalRate` and `internal_rate` are one column; letters outside ASCII are kept.
pub(crate) fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `Amount (USD)` → (`amount`, USD).
fn split_currency(h: &str) -> Option<(String, Currency)> {
    let open = h.rfind('(')?;
    let code = h[open + 1..].trim().strip_suffix(')')?.trim();
    Some((norm(&h[..open]), code.parse().ok()?))
}

/// The file's header row, matched against a format's columns.
pub(crate) struct Header {
    pub names: Arc<[String]>,
    index: Vec<Option<usize>>,
    currency: Vec<Option<Currency>>,
}

impl Header {
    pub fn resolve(names: Vec<String>, cols: &[Col]) -> Result<Header, RowError> {
        let normed: Vec<String> = names.iter().map(|n| norm(n)).collect();
        let mut index = Vec::with_capacity(cols.len());
        let mut currency = Vec::with_capacity(cols.len());
        for col in cols {
            let aliases: Vec<String> = col.aliases.iter().map(|a| norm(a)).collect();
            let plain = normed.iter().position(|n| aliases.contains(n));
            let suffixed = || {
                names.iter().enumerate().find_map(|(i, n)| {
                    let (base, cur) = split_currency(n)?;
                    aliases.contains(&base).then_some((i, cur))
                })
            };
            let (found, cur) = match (plain, col.currency_suffix) {
                (Some(i), _) => (Some(i), None),
                (None, true) => suffixed().map_or((None, None), |(i, c)| (Some(i), Some(c))),
                (None, false) => (None, None),
            };
            if found.is_none() && col.required {
                return Err(RowError::new(
                    1,
                    col.name,
                    "",
                    Rule::MissingColumn,
                    format!("the header has no '{}' column", col.name),
                ));
            }
            index.push(found);
            currency.push(cur);
        }
        Ok(Header {
            names: names.into(),
            index,
            currency,
        })
    }

    /// The currency a header names, as in `Amount (EUR)`.
    pub fn currency(&self, col: usize) -> Option<Currency> {
        self.currency[col]
    }

    /// The column as the file spells it, for error reports.
    pub fn label(&self, col: usize, cols: &[Col]) -> String {
        self.index[col].map_or_else(|| cols[col].name.to_string(), |i| self.names[i].clone())
    }
}

/// Settings a row parser needs besides the record.
pub(crate) struct Ctx {
    pub date_order: DateOrder,
    pub default_currency: Option<Currency>,
    /// Amounts use `,` as the decimal mark (German Kimai exports).
    pub decimal_comma: bool,
}

impl Ctx {
    pub fn new(format: Format, options: Options, names: &[String]) -> Ctx {
        Ctx {
            date_order: options.date_order.unwrap_or(format.default_date_order()),
            default_currency: options.default_currency,
            decimal_comma: format == Format::Kimai && values::looks_german(names),
        }
    }
}

/// One record with its header; accessors record broken rules in `errors`.
pub(crate) struct Rec<'a> {
    pub line: u64,
    pub header: &'a Header,
    pub cols: &'static [Col],
    pub record: &'a StringRecord,
    pub errors: Vec<RowError>,
}

impl Rec<'_> {
    /// The trimmed value, or None when blank or when the file lacks the column. The `'`
    /// a spreadsheet-safe export puts before a formula character (see
    /// `csv_writer::restore`) is taken off.
    pub fn get(&self, col: usize) -> Option<&str> {
        let i = self.header.index[col]?;
        // Undo the writer's quote before trimming: a cell written as `'` + tab (a name of
        // white space that starts like a formula) trimmed first would read back as `'`.
        let v = crate::csv_writer::restore(self.record.get(i)?).trim();
        (!v.is_empty()).then_some(v)
    }

    pub fn text(&self, col: usize) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    pub fn fail(&mut self, col: usize, rule: Rule, message: impl Into<String>) {
        let value = self.get(col).unwrap_or_default().to_string();
        let column = self.header.label(col, self.cols);
        self.errors.push(RowError::new(self.line, column, value, rule, message));
    }

    /// A value that must be present.
    pub fn required(&mut self, col: usize) -> Option<String> {
        let v = self.text(col);
        if v.is_none() {
            let name = self.header.label(col, self.cols);
            self.fail(col, Rule::Required, format!("{name} must not be blank"));
        }
        v
    }

    /// Parses a present value; a value that does not parse is a broken `rule`.
    pub fn parse<T>(&mut self, col: usize, rule: Rule, f: impl FnOnce(&str) -> Option<T>, expect: &str) -> Option<T> {
        let v = self.get(col)?;
        let out = f(v);
        if out.is_none() {
            let name = self.header.label(col, self.cols);
            self.fail(col, rule, format!("{name} must be {expect}"));
        }
        out
    }

    /// Like [`Rec::parse`] but blank is a broken `required` rule too.
    pub fn parse_required<T>(
        &mut self,
        col: usize,
        rule: Rule,
        f: impl FnOnce(&str) -> Option<T>,
        expect: &str,
    ) -> Option<T> {
        self.required(col)?;
        self.parse(col, rule, f, expect)
    }

    pub fn date(&mut self, col: usize, ctx: &Ctx) -> Option<time::Date> {
        let order = ctx.date_order;
        self.parse_required(
            col,
            Rule::Date,
            |v| values::parse_date(v, order),
            "a date from 1900 to 2200",
        )
    }

    pub fn boolean(&mut self, col: usize) -> Option<bool> {
        self.parse(
            col,
            Rule::Boolean,
            values::parse_bool,
            "yes or no (also true/false, 1/0, ja/nein)",
        )
    }

    pub fn time(&mut self, col: usize) -> Option<time::Time> {
        self.parse(
            col,
            Rule::Time,
            values::parse_time,
            "a time of day like 09:30 or 01:30 PM",
        )
    }

    /// An amount in `currency`; an amount with no known currency is an error, never a guess.
    pub fn money(&mut self, col: usize, currency: Option<Currency>, ctx: &Ctx) -> Option<crate::Money> {
        self.get(col)?;
        let Some(cur) = currency else {
            self.fail(col, Rule::Currency, "the amount has no currency: the export names none");
            return None;
        };
        let comma = ctx.decimal_comma;
        self.parse(
            col,
            Rule::Decimal,
            |v| values::parse_money(v, cur, comma),
            "a decimal amount",
        )
    }
}

/// A row parser: fills what it can, records broken rules in `rec.errors`.
pub(crate) type ParseFn = fn(&mut Rec<'_>, &Ctx) -> Option<SourceRow>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_across_spellings() {
        assert_eq!(norm("Internal rate"), "internalrate");
        assert_eq!(norm("internalRate"), "internalrate");
        assert_eq!(norm("Billable?"), "billable");
        assert_eq!(norm("\u{feff}Tätigkeit"), "tätigkeit");
        assert_eq!(
            split_currency("Amount (EUR)"),
            Some(("amount".into(), "EUR".parse().unwrap()))
        );
        assert_eq!(split_currency("Amount"), None);
    }
}
