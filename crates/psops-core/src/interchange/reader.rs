//! Reading a CSV export record by record: the iterator that turns each record into a row
//! or its errors while holding one record. The file itself is read by [`CsvFile`].

use std::io::{BufReader, Read};

use csv::StringRecord;

use super::key::KeyCounter;
use super::table::{Col, Ctx, Header, ParseFn, Rec};
use super::{Format, Options, Original, RowError, RowResult};
use crate::csv_file::{CsvError, CsvFile, Delimiter};
use crate::rule::Rule;

impl From<CsvError> for RowError {
    fn from(e: CsvError) -> RowError {
        RowError::new(e.line, "", "", e.rule, e.message)
    }
}

/// An export's CSV: the delimiter is whatever its header line uses.
pub(crate) fn csv_file<R: Read>(input: BufReader<R>) -> Result<CsvFile<BufReader<R>>, RowError> {
    Ok(CsvFile::from_buffered(input, Delimiter::Sniff, true)?)
}

/// Iterates records, one [`RowResult`] each, holding one record at a time.
pub(crate) struct CsvRows<R> {
    format: Format,
    file: CsvFile<R>,
    header: Header,
    cols: &'static [Col],
    parse: ParseFn,
    ctx: Ctx,
    keys: KeyCounter,
    record: StringRecord,
}

impl<R: Read> CsvRows<BufReader<R>> {
    pub fn open(
        format: Format,
        input: BufReader<R>,
        cols: &'static [Col],
        parse: ParseFn,
        options: Options,
    ) -> Result<Self, RowError> {
        let mut file = csv_file(input)?;
        let names = file.header()?;
        Self::from_file(format, file, names, cols, parse, options)
    }
}

impl<R: Read> CsvRows<R> {
    pub fn from_file(
        format: Format,
        file: CsvFile<R>,
        names: Vec<String>,
        cols: &'static [Col],
        parse: ParseFn,
        options: Options,
    ) -> Result<Self, RowError> {
        let ctx = Ctx::new(format, options, &names);
        let header = Header::resolve(names, cols)?;
        Ok(CsvRows {
            format,
            file,
            header,
            cols,
            parse,
            ctx,
            keys: KeyCounter::default(),
            record: StringRecord::new(),
        })
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        let line = match self.file.next_record(&mut self.record)? {
            Ok(line) => line,
            Err(e) => return Some(Err(vec![e.into()])),
        };
        Some(parse_record(
            self.format,
            line,
            &self.header,
            self.cols,
            &self.record,
            self.parse,
            &self.ctx,
            &mut self.keys,
        ))
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
            Rule::Invalid,
            "the record could not be read",
        )]),
        _ => Err(errors),
    }
}
