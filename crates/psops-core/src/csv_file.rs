//! Reading the CSV files people hand psops — time exports, record imports, mapping files,
//! holiday lists — one way, through the `csv` crate: a UTF-8 byte-order mark dropped,
//! `;` or tab found from the header line where a file may use them, rows of empty cells
//! skipped (spreadsheets leave them at the end), and every error on the line the record
//! starts on, Windows line ends included.

use std::io::{BufRead, BufReader, Read};

use csv::StringRecord;

use crate::rule::Rule;

/// Which character separates fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delimiter {
    Comma,
    /// `,`, `;` or tab, whichever the first line uses most outside quotes: spreadsheets in
    /// European locales save `;`-separated CSV.
    Sniff,
}

/// Why a file or one of its records could not be read, and on which line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    pub line: u64,
    /// `io`, `utf8` or `csv`.
    pub rule: Rule,
    pub message: String,
}

/// A CSV reader over any input, one record at a time.
pub(crate) struct CsvFile<R> {
    reader: csv::Reader<R>,
    done: bool,
}

impl<R: Read> CsvFile<BufReader<R>> {
    /// `has_header`: the first line names the columns (read it with [`CsvFile::header`]).
    pub fn open(input: R, delimiter: Delimiter, has_header: bool) -> Result<Self, CsvError> {
        Self::from_buffered(BufReader::new(input), delimiter, has_header)
    }

    pub fn from_buffered(mut input: BufReader<R>, delimiter: Delimiter, has_header: bool) -> Result<Self, CsvError> {
        let io = |e: std::io::Error| CsvError {
            line: 1,
            rule: Rule::Io,
            message: format!("the file could not be read: {e}"),
        };
        if input.fill_buf().map_err(io)?.starts_with(b"\xef\xbb\xbf") {
            input.consume(3);
        }
        let delimiter = match delimiter {
            Delimiter::Comma => b',',
            Delimiter::Sniff => sniff_delimiter(input.fill_buf().map_err(io)?),
        };
        // With the default CRLF terminator the csv crate counts a record's line before
        // taking the `\n` of the previous `\r\n`, so every record of a Windows file would be
        // reported one line early. Ending records at `\n` keeps lines right; cells are
        // trimmed, so the `\r` left at the end of a line goes too.
        let reader = csv::ReaderBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(has_header)
            .from_reader(input);
        Ok(CsvFile { reader, done: false })
    }
}

impl<R: Read> CsvFile<R> {
    /// The header's names, trimmed.
    pub fn header(&mut self) -> Result<Vec<String>, CsvError> {
        let header = self.reader.headers().map_err(|e| csv_error(&e, 1))?;
        Ok(header.iter().map(|h| h.trim().to_string()).collect())
    }

    /// Reads the next record that has a non-blank cell into `record`; its first line, or
    /// why it is not a record (that record only: an I/O error ends the file); `None` at
    /// the end.
    pub fn next_record(&mut self, record: &mut StringRecord) -> Option<Result<u64, CsvError>> {
        while !self.done {
            match self.reader.read_record(record) {
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = matches!(e.kind(), csv::ErrorKind::Io(_));
                    return Some(Err(csv_error(&e, 0)));
                }
                Ok(true) if record.iter().all(|v| v.trim().is_empty()) => {}
                Ok(true) => return Some(Ok(record.position().map_or(0, csv::Position::line))),
            }
        }
        None
    }
}

impl<R: Read> Iterator for CsvFile<R> {
    /// A record that has a non-blank cell and its first line, or why it is not a record.
    type Item = Result<(u64, StringRecord), CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut record = StringRecord::new();
        let line = self.next_record(&mut record)?;
        Some(line.map(|line| (line, record)))
    }
}

/// Counts `,`, `;` and tabs outside quotes on the first line; a tie goes to the comma.
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

fn csv_error(e: &csv::Error, fallback_line: u64) -> CsvError {
    let line = e.position().map_or(fallback_line, csv::Position::line);
    let (rule, message) = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => (
            Rule::Utf8,
            "the record is not valid UTF-8: save the file as UTF-8".to_string(),
        ),
        csv::ErrorKind::Io(io) => (Rule::Io, format!("the file could not be read: {io}")),
        _ => (Rule::Csv, format!("the record is not valid CSV: {e}")),
    };
    CsvError { line, rule, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], delimiter: Delimiter, has_header: bool) -> Vec<(u64, Vec<String>)> {
        let mut file = CsvFile::open(text, delimiter, has_header).unwrap();
        let mut record = StringRecord::new();
        let mut out = Vec::new();
        while let Some(line) = file.next_record(&mut record) {
            let cells = record.iter().map(|c| c.trim().to_string()).collect();
            out.push((line.unwrap(), cells));
        }
        out
    }

    #[test]
    fn sniffs_the_delimiter_of_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"Datum;Von;\"Bis,x\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn windows_line_ends_keep_line_numbers_and_blank_rows_are_skipped() {
        let text = b"\xef\xbb\xbfdate,name\r\n2026-12-24,Eve\r\n\r\n,\r\n\"2026-12-25\",\"Christmas\r\nDay\"\r\n2026-12-26,Boxing\r\n";
        let mut file = CsvFile::open(&text[..], Delimiter::Comma, true).unwrap();
        assert_eq!(file.header().unwrap(), ["date", "name"]);
        let rows = lines(text, Delimiter::Comma, true);
        let found: Vec<(u64, &str)> = rows.iter().map(|(l, c)| (*l, c[0].as_str())).collect();
        assert_eq!(found, [(2, "2026-12-24"), (5, "2026-12-25"), (7, "2026-12-26")]);
        assert_eq!(rows[1].1[1], "Christmas\r\nDay");
        let headerless = lines(b"\xef\xbb\xbf2026-12-24;Eve\n", Delimiter::Sniff, false);
        assert_eq!(headerless, [(1, vec!["2026-12-24".to_string(), "Eve".to_string()])]);
    }

    #[test]
    fn a_bad_record_is_an_error_on_its_line_and_reading_goes_on() {
        let text = b"a,b\n1,2\n3,\xff\n5,6\n";
        let mut file = CsvFile::open(&text[..], Delimiter::Comma, true).unwrap();
        file.header().unwrap();
        let mut record = StringRecord::new();
        let got: Vec<Result<u64, Rule>> = std::iter::from_fn(|| file.next_record(&mut record))
            .map(|r| r.map_err(|e| e.rule))
            .collect();
        assert_eq!(got, [Ok(2), Err(Rule::Utf8), Ok(4)]);
    }
}
