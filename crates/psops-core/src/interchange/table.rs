//! CSV plumbing shared by every format: delimiter sniffing, header matching by aliases,
//! record access, and the record-by-record iterator that turns records into rows or errors.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use csv::StringRecord;

use super::key::KeyCounter;
use super::values;
use super::{DateOrder, Format, Options, Original, RowError, RowResult, SourceRow};
use crate::money::Currency;

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
                    "missing_column",
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
    /// The trimmed value, or None when blank or when the file lacks the column.
    pub fn get(&self, col: usize) -> Option<&str> {
        let i = self.header.index[col]?;
        let v = self.record.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }

    pub fn text(&self, col: usize) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    pub fn fail(&mut self, col: usize, rule: &str, message: impl Into<String>) {
        let value = self.get(col).unwrap_or_default().to_string();
        let column = self.header.label(col, self.cols);
        self.errors.push(RowError::new(self.line, column, value, rule, message));
    }

    /// A value that must be present.
    pub fn required(&mut self, col: usize) -> Option<String> {
        let v = self.text(col);
        if v.is_none() {
            let name = self.header.label(col, self.cols);
            self.fail(col, "required", format!("{name} must not be blank"));
        }
        v
    }

    /// Parses a present value; a value that does not parse is a broken `rule`.
    pub fn parse<T>(&mut self, col: usize, rule: &str, f: impl FnOnce(&str) -> Option<T>, expect: &str) -> Option<T> {
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
        rule: &str,
        f: impl FnOnce(&str) -> Option<T>,
        expect: &str,
    ) -> Option<T> {
        self.required(col)?;
        self.parse(col, rule, f, expect)
    }

    pub fn date(&mut self, col: usize, ctx: &Ctx) -> Option<time::Date> {
        let order = ctx.date_order;
        self.parse_required(col, "date", |v| values::parse_date(v, order), "a date")
    }

    pub fn boolean(&mut self, col: usize) -> Option<bool> {
        self.parse(
            col,
            "boolean",
            values::parse_bool,
            "yes or no (also true/false, 1/0, ja/nein)",
        )
    }

    pub fn time(&mut self, col: usize) -> Option<time::Time> {
        self.parse(col, "time", values::parse_time, "a time of day like 09:30 or 01:30 PM")
    }

    /// An amount in `currency`; an amount with no known currency is an error, never a guess.
    pub fn money(&mut self, col: usize, currency: Option<Currency>, ctx: &Ctx) -> Option<crate::Money> {
        self.get(col)?;
        let Some(cur) = currency else {
            self.fail(col, "currency", "the amount has no currency: the export names none");
            return None;
        };
        let comma = ctx.decimal_comma;
        self.parse(
            col,
            "decimal",
            |v| values::parse_money(v, cur, comma),
            "a decimal amount",
        )
    }
}

/// A row parser: fills what it can, records broken rules in `rec.errors`.
pub(crate) type ParseFn = fn(&mut Rec<'_>, &Ctx) -> Option<SourceRow>;

/// A CSV reader over the input, with the delimiter the header line uses (`,`, `;` or tab).
pub(crate) fn csv_reader<R: Read>(mut input: BufReader<R>) -> Result<csv::Reader<BufReader<R>>, RowError> {
    let buf = input
        .fill_buf()
        .map_err(|e| RowError::new(1, "", "", "io", format!("the file could not be read: {e}")))?;
    let delimiter = sniff_delimiter(buf);
    // With the default CRLF terminator the csv crate counts a record's line before taking
    // the `\n` of the previous `\r\n`, so every record of a Windows file would be reported
    // one line early. Ending records at `\n` keeps lines right; values are trimmed, so
    // the `\r` left at the end of a line goes too.
    Ok(csv::ReaderBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(input))
}

/// Spreadsheets in European locales save `;`-separated CSV; count outside quotes on line one.
fn sniff_delimiter(buf: &[u8]) -> u8 {
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for &b in buf {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

pub(crate) fn header_names<R: Read>(reader: &mut csv::Reader<R>) -> Result<Vec<String>, RowError> {
    let header = reader.headers().map_err(|e| csv_error(&e, 1))?;
    Ok(header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect())
}

fn csv_error(e: &csv::Error, fallback_line: u64) -> RowError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    let (rule, message) = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            "utf8",
            "the record is not valid UTF-8: export the file as UTF-8".to_string(),
        ),
        csv::ErrorKind::Io(io) => ("io", format!("the file could not be read: {io}")),
        _ => ("csv", format!("the record is not valid CSV: {e}")),
    };
    RowError::new(line, "", "", rule, message)
}

/// Iterates records, one [`RowResult`] each, holding one record at a time.
pub(crate) struct CsvRows<R> {
    format: Format,
    reader: csv::Reader<R>,
    header: Header,
    cols: &'static [Col],
    parse: ParseFn,
    ctx: Ctx,
    keys: KeyCounter,
    record: StringRecord,
    done: bool,
}

impl<R: Read> CsvRows<BufReader<R>> {
    pub fn open(
        format: Format,
        input: BufReader<R>,
        cols: &'static [Col],
        parse: ParseFn,
        options: Options,
    ) -> Result<Self, RowError> {
        let mut reader = csv_reader(input)?;
        let names = header_names(&mut reader)?;
        Self::from_reader(format, reader, names, cols, parse, options)
    }
}

impl<R: Read> CsvRows<R> {
    pub fn from_reader(
        format: Format,
        reader: csv::Reader<R>,
        names: Vec<String>,
        cols: &'static [Col],
        parse: ParseFn,
        options: Options,
    ) -> Result<Self, RowError> {
        let ctx = Ctx::new(format, options, &names);
        let header = Header::resolve(names, cols)?;
        Ok(CsvRows {
            format,
            reader,
            header,
            cols,
            parse,
            ctx,
            keys: KeyCounter::default(),
            record: StringRecord::new(),
            done: false,
        })
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        loop {
            if self.done {
                return None;
            }
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    // An I/O failure ends the file; a malformed record only skips itself.
                    self.done = matches!(e.kind(), csv::ErrorKind::Io(_));
                    return Some(Err(vec![csv_error(&e, 0)]));
                }
                Ok(true) => {}
            }
            // Spreadsheets leave rows of empty cells at the end; they are not records.
            if self.record.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let line = self.record.position().map_or(0, csv::Position::line);
            let ctx = &self.ctx;
            return Some(parse_record(
                self.format,
                line,
                &self.header,
                self.cols,
                &self.record,
                self.parse,
                ctx,
                &mut self.keys,
            ));
        }
    }
}

/// Runs a format's row parser over one record and completes the row it makes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn parse_record(
    format: Format,
    line: u64,
    header: &Header,
    cols: &'static [Col],
    record: &StringRecord,
    parse: ParseFn,
    ctx: &Ctx,
    keys: &mut KeyCounter,
) -> RowResult {
    let mut rec = Rec {
        line,
        header,
        cols,
        record,
        errors: Vec::new(),
    };
    let row = parse(&mut rec, ctx);
    let errors = rec.errors;
    match row {
        Some(mut row) if errors.is_empty() => {
            row.format = format;
            row.line = line;
            row.original = Original {
                headers: header.names.clone(),
                values: record.iter().map(|v| v.trim_end_matches('\r').to_string()).collect(),
            };
            if row.source_key.is_empty() {
                row.source_key = keys.key(&row);
            }
            Ok(row)
        }
        _ if errors.is_empty() => Err(vec![RowError::new(
            line,
            "",
            "",
            "invalid",
            "the record could not be read",
        )]),
        _ => Err(errors),
    }
}

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

    #[test]
    fn sniffs_the_delimiter_of_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"Datum;Von;\"Bis,x\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
