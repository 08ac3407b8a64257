//! Structure-aware inputs: a valid document with a few edits of the kinds hostile or
//! broken files carry — cut short, a field swapped or doubled, huge numbers, odd Unicode,
//! byte-order marks, CRLF or bare CR line ends, stray quotes and delimiters.

use proptest::prelude::*;

/// Text dropped into a document: each one has broken a parser somewhere.
const CHUNKS: &[&str] = &[
    "\u{feff}",
    "\r\n",
    "\r",
    "\n",
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    ":",
    "{",
    "}",
    "[",
    "]",
    "\\",
    "'",
    "=",
    "-",
    "+",
    "@",
    "0",
    "99999999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "1e308",
    "NaN",
    "0x10",
    "1:99",
    "99:59:59",
    "2026-02-30",
    "9999-12-31",
    "0000-01-01",
    "\u{0}",
    "\u{202e}",
    "\u{200b}",
    "é",
    "\u{1F600}",
    "Ⅻ",
    "٣",
    "\u{fffd}",
    "&anchor *anchor ",
    "!!binary ",
    "\n  - ",
    "BEGIN:VEVENT\r\n",
    "END:VEVENT\r\n",
    "DTSTART:20261225\r\n",
    "DTEND;VALUE=DATE:99991231\r\n",
];

#[derive(Debug, Clone)]
enum Edit {
    Truncate(usize),
    Delete(usize, usize),
    Insert(usize, usize),
    Byte(usize, u8),
    SwapFields(usize, usize, usize),
    DoubleLine(usize),
    Bom,
    Crlf,
    BareCr,
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        at.prop_map(Edit::Truncate),
        (at, 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (at, 0..CHUNKS.len()).prop_map(|(a, c)| Edit::Insert(a, c)),
        (at, any::<u8>()).prop_map(|(a, b)| Edit::Byte(a, b)),
        (at, any::<usize>(), any::<usize>()).prop_map(|(l, a, b)| Edit::SwapFields(l, a, b)),
        at.prop_map(Edit::DoubleLine),
        Just(Edit::Bom),
        Just(Edit::Crlf),
        Just(Edit::BareCr),
    ]
}

/// `seed` with one to five edits.
pub fn mutated(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(edit(), 1..6).prop_map(move |edits| {
        let mut doc = seed.as_bytes().to_vec();
        for e in &edits {
            apply(&mut doc, e);
        }
        doc
    })
}

/// Arbitrary bytes, and arbitrary text made of the characters documents are built from.
pub fn noise() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        "[a-zA-Z0-9 ,;:.\"'\\-\r\n\t{}\\[\\]é€\u{feff}]{0,400}".prop_map(String::into_bytes),
    ]
}

fn apply(doc: &mut Vec<u8>, edit: &Edit) {
    let len = doc.len();
    let pos = |a: usize| if len == 0 { 0 } else { a % (len + 1) };
    match *edit {
        Edit::Truncate(a) => doc.truncate(pos(a)),
        Edit::Delete(a, n) => {
            let from = pos(a);
            doc.drain(from..(from + n).min(len));
        }
        Edit::Insert(a, c) => {
            let at = pos(a);
            doc.splice(at..at, CHUNKS[c].bytes());
        }
        Edit::Byte(a, b) if len > 0 => doc[a % len] = b,
        Edit::Byte(..) => {}
        Edit::SwapFields(l, a, b) => swap_fields(doc, l, a, b),
        Edit::DoubleLine(l) => {
            let mut lines: Vec<Vec<u8>> = doc.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let line = lines[l % lines.len()].clone();
            lines.insert(l % lines.len(), line);
            *doc = lines.join(&b'\n');
        }
        Edit::Bom => doc.splice(0..0, *b"\xef\xbb\xbf").for_each(drop),
        Edit::Crlf => *doc = replace(doc, b"\n", b"\r\n"),
        Edit::BareCr => *doc = replace(doc, b"\n", b"\r"),
    }
}

/// Swaps two fields of one line, split at its commonest delimiter.
fn swap_fields(doc: &mut Vec<u8>, line: usize, a: usize, b: usize) {
    let mut lines: Vec<Vec<u8>> = doc.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let n = line % lines.len();
    let target = &lines[n];
    let count = |d: u8| target.iter().filter(|b| **b == d).count();
    let delim = [b',', b';', b':'].into_iter().max_by_key(|d| count(*d)).unwrap_or(b',');
    let mut fields: Vec<Vec<u8>> = target.split(|b| *b == delim).map(<[u8]>::to_vec).collect();
    let k = fields.len();
    fields.swap(a % k, b % k);
    lines[n] = fields.join(&delim);
    *doc = lines.join(&b'\n');
}

fn replace(doc: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.len() + doc.len() / 20);
    let mut rest = doc;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}
