//! Reading a CSV export record by record: delimiter sniffing, the header row, and the
//! iterator that turns each record into a row or its errors while holding one record.

use std::io::{BufRead, BufReader, Read};

use csv::StringRecord;

use super::key::KeyCounter;
use super::table::{Col, Ctx, Header, ParseFn, Rec};
use super::{Format, Options, Original, RowError, RowResult};

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
    fn sniffs_the_delimiter_of_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"Datum;Von;\"Bis,x\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
