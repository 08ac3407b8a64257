//! A partner invoice as a CSV file: one row per line, under exactly this header —
//! `partner,po,from,to,consultant,project,hours,rate,total` — with the partner's name,
//! the PO it quotes, the first and last day (YYYY-MM-DD), the consultant's e-mail, the
//! project's code (or its name when it has none), hours (`37.5` or `37:30`), and the
//! hourly rate and the line's total as plain decimals in the invoice's currency. Read
//! here; the consultants and projects are looked up by the store.

use crate::csv_file::{CsvFile, Delimiter};
use crate::rule::Rule;
use crate::{Currency, Error, FieldError, Minutes, Money, Result};
use time::Date;

/// The header a partner invoice CSV carries, in this order.
pub const HEADER: [&str; 9] = [
    "partner",
    "po",
    "from",
    "to",
    "consultant",
    "project",
    "hours",
    "rate",
    "total",
];

/// One row read, its consultant and project still as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLine {
    /// The file's line it was on.
    pub line: u64,
    pub partner: String,
    pub po: String,
    pub from_date: Date,
    pub to_date: Date,
    /// The consultant's e-mail.
    pub consultant: String,
    /// The project's code or name.
    pub project: String,
    pub minutes: Minutes,
    pub rate: Money,
    pub total: Money,
}

/// Reads the rows of a partner invoice CSV; every bad cell is reported at once, each
/// under the field `csv` with its line and column.
pub fn read(text: &str, currency: Currency) -> Result<Vec<CsvLine>> {
    let bad = |line: u64, rule: Rule, message: String| FieldError::new("csv", rule, format!("line {line}: {message}"));
    let mut file = CsvFile::open(text.as_bytes(), Delimiter::Sniff, true)
        .map_err(|e| Error::Invalid(vec![bad(e.line, e.rule, e.message)]))?;
    let header = file
        .header()
        .map_err(|e| Error::Invalid(vec![bad(e.line, e.rule, e.message)]))?;
    let names: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    if names != HEADER {
        return Err(Error::Invalid(vec![bad(
            1,
            Rule::Header,
            format!("the header must be exactly: {}", HEADER.join(",")),
        )]));
    }
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for rec in file {
        let (line, r) = match rec {
            Ok(x) => x,
            Err(e) => {
                errors.push(bad(e.line, e.rule, e.message));
                continue;
            }
        };
        let cell = |i: usize| r.get(i).unwrap_or("").trim().to_string();
        let mut field = |what: &str, res: Result<()>| {
            if let Err(e) = res {
                let why = match e {
                    Error::Invalid(v) => v.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "),
                    other => other.to_string(),
                };
                errors.push(bad(line, Rule::InvalidValue, format!("{what}: {why}")));
            }
        };
        let mut date = |i: usize| {
            let v = crate::dates::parse_date(HEADER[i], &cell(i));
            let d = v.as_ref().ok().copied();
            field(HEADER[i], v.map(|_| ()));
            d
        };
        let (from, to) = (date(2), date(3));
        let minutes = Minutes::parse(&cell(6));
        let rate = Money::parse(&cell(7), currency);
        let total = Money::parse(&cell(8), currency);
        let (m, ra, t) = (
            minutes.as_ref().ok().copied(),
            rate.as_ref().ok().copied(),
            total.as_ref().ok().copied(),
        );
        field("hours", minutes.map(|_| ()));
        field("rate", rate.map(|_| ()));
        field("total", total.map(|_| ()));
        for i in [0usize, 1, 4, 5] {
            if cell(i).is_empty() {
                errors.push(bad(line, Rule::Required, format!("{} is empty", HEADER[i])));
            }
        }
        if let (Some(from_date), Some(to_date), Some(minutes), Some(rate), Some(total)) = (from, to, m, ra, t) {
            out.push(CsvLine {
                line,
                partner: cell(0),
                po: cell(1),
                from_date,
                to_date,
                consultant: cell(4),
                project: cell(5),
                minutes,
                rate,
                total,
            });
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(bad(1, Rule::Required, "the file has no lines".into()));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lines_and_reports_every_bad_cell() {
        let usd = Currency::USD;
        let text = "partner,po,from,to,consultant,project,hours,rate,total\n\
                    Meridian,WA-1,2026-03-01,2026-03-31,a@m.example,ALPHA,37.5,100.00,3750.00\n";
        let rows = read(text, usd).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].minutes, Minutes(2250));
        assert_eq!(rows[0].total, Money::new(375_000, usd));
        assert_eq!(rows[0].line, 2);
        let bad = "partner,po,from,to,consultant,project,hours,rate,total\n\
                   Meridian,WA-1,2026-03-xx,2026-03-31,a@m.example,ALPHA,abc,100.00,3750.00\n";
        let Err(Error::Invalid(errs)) = read(bad, usd) else {
            panic!()
        };
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|e| e.message.starts_with("line 2:")), "{errs:?}");
        let header = "partner,po,from,to,who,project,hours,rate,total\nx,y,2026-03-01,2026-03-01,a,b,1,1,1\n";
        let Err(Error::Invalid(errs)) = read(header, usd) else {
            panic!()
        };
        assert_eq!(errs[0].rule, Rule::Header);
    }
}
