//! The one CSV writer of psops. Every CSV psops writes — time exports in each shape, the
//! utilization, compliance and capacity reports, the audit log, through the API, the
//! pages and the CLI — goes through [`CsvWriter`], which quotes as RFC 4180 asks and
//! neutralises spreadsheet formulas the way OWASP recommends: a cell that begins with
//! `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed (or their full-width
//! forms) gets a leading `'`, so a spreadsheet shows it as text instead of running it.
//! Plain numbers (`-5`, `+1.25`) are left alone: they are not formulas. A cell that
//! already begins with `'` before such a character gets one more, so [`restore`] gives
//! back exactly what was written.

use std::borrow::Cow;
use std::io::{self, Write};

/// How records end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnd {
    /// `\n`, what the other tools' exports use.
    Lf,
    /// `\r\n`, as RFC 4180 writes it.
    CrLf,
}

/// A CSV writer whose every cell is neutralised; see the module documentation.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W, line_end: LineEnd) -> Self {
        let terminator = match line_end {
            LineEnd::Lf => csv::Terminator::Any(b'\n'),
            LineEnd::CrLf => csv::Terminator::CRLF,
        };
        Self {
            inner: csv::WriterBuilder::new().terminator(terminator).from_writer(out),
        }
    }

    /// Writes one record, each cell neutralised.
    pub fn row<I, S>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.inner
            .write_record(cells.into_iter().map(|c| safe(c.as_ref()).into_owned()))
            .map_err(io::Error::other)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// The underlying writer, flushed.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|e| io::Error::other(e.to_string()))
    }
}

/// A whole CSV document in memory: a header and rows.
pub fn document<I, R, S>(line_end: LineEnd, header: &[&str], rows: I) -> io::Result<String>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut w = CsvWriter::new(Vec::new(), line_end);
    w.row(header)?;
    for r in rows {
        w.row(r)?;
    }
    String::from_utf8(w.into_inner()?).map_err(io::Error::other)
}

/// Characters that make a spreadsheet read a cell as a formula (or shift it into the
/// next cell) when they come first.
fn starts_a_formula(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
    )
}

/// `-12`, `+3.5`: numbers, which spreadsheets read as numbers, never as formulas.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
}

/// The cell as it is safe to write: prefixed with `'` when it would start a formula.
pub fn safe(cell: &str) -> Cow<'_, str> {
    let after_quotes = cell.trim_start_matches('\'');
    match after_quotes.chars().next() {
        Some(c) if starts_a_formula(c) && !is_plain_number(after_quotes) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The cell as it was before [`safe`]: for readers of psops's own CSV.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if safe(rest).len() != rest.len() => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for formula in [
            "=cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "\u{FF1D}1+1",
            "'=already quoted",
        ] {
            let out = safe(formula);
            assert_eq!(out, format!("'{formula}"), "{formula:?}");
            assert_eq!(restore(&out), formula);
        }
        for plain in ["-5", "+1.25", "0.50", "Ada", "a=b", "", "'quoted", "2026-03-02", "-"] {
            let expected = if plain == "-" { "'-" } else { plain };
            assert_eq!(safe(plain), expected, "{plain:?}");
            assert_eq!(restore(&safe(plain)), plain);
        }
    }

    #[test]
    fn documents_quote_and_neutralise() {
        let doc = document(LineEnd::CrLf, &["name", "note"], [["=1+1", "a, \"b\""]]).unwrap();
        assert_eq!(doc, "name,note\r\n'=1+1,\"a, \"\"b\"\"\"\r\n");
        let lf = document(LineEnd::Lf, &["n"], [["-3"]]).unwrap();
        assert_eq!(lf, "n\n-3\n");
    }

    proptest! {
        #[test]
        fn every_cell_is_safe_and_comes_back(cell in "\\PC{0,12}") {
            let out = safe(&cell);
            let first = out.trim_start_matches('\'').chars().next();
            prop_assert!(out.starts_with('\'') || !first.is_some_and(starts_a_formula) || is_plain_number(&out));
            prop_assert_eq!(restore(&out), cell.as_str());
        }
    }
}
