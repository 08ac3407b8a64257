//! Time imports: every format's reader, and the detecting one, on noise and on each
//! format's sample export broken. Refusals name a line (and a message); rows that are
//! accepted carry their line and a date within psops's bounds.

use proptest::prelude::*;

use super::mutate::{mutated, noise};
use crate::interchange::{self, Format, Options, RowError, Rows};

const HARVEST: &str = include_str!("../../tests/fixtures/interchange/harvest_detailed.csv");
const TOGGL: &str = include_str!("../../tests/fixtures/interchange/toggl_detailed.csv");
const KIMAI_EN: &str = include_str!("../../tests/fixtures/interchange/kimai_en.csv");
const KIMAI_DE: &str = include_str!("../../tests/fixtures/interchange/kimai_de.csv");
const KIMAI_KEYS: &str = include_str!("../../tests/fixtures/interchange/kimai_keys.csv");
const CLOCKIFY: &str = include_str!("../../tests/fixtures/interchange/clockify_detailed.csv");
const KANTATA_CSV: &str = include_str!("../../tests/fixtures/interchange/kantata_time_entries.csv");
const KANTATA_JSON: &str = include_str!("../../tests/fixtures/interchange/kantata_time_entries.json");
const PSOPS: &str = include_str!("../../tests/fixtures/interchange/psops_time.csv");

/// More rows than any input here can hold: a reader that never ends fails instead of hanging.
const MAX_ROWS: usize = 10_000;

fn check_error(e: &RowError) -> Result<(), TestCaseError> {
    prop_assert!(e.line >= 1, "an error without a line: {e:?}");
    prop_assert!(!e.message.trim().is_empty(), "an error without a message: {e:?}");
    Ok(())
}

fn check_rows(rows: Rows<'_>) -> Result<(), TestCaseError> {
    let mut seen = 0;
    for row in rows {
        seen += 1;
        prop_assert!(seen <= MAX_ROWS, "the reader does not end");
        match row {
            Ok(r) => {
                prop_assert!(r.line >= 1, "a row without a line: {r:?}");
                prop_assert!(crate::dates::in_bounds(r.date), "a date out of bounds: {r:?}");
                prop_assert!(!r.source_key.is_empty(), "a row without a key: {r:?}");
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty(), "a refused row with no reason");
                for e in &errors {
                    check_error(e)?;
                }
            }
        }
    }
    Ok(())
}

/// Reads `input` as `format` (or detecting it), checking whatever comes out.
fn read_any(format: Option<Format>, input: &[u8]) -> Result<(), TestCaseError> {
    match interchange::open(format, input, Options::default()) {
        Ok((_, rows)) => check_rows(rows),
        Err(e) => check_error(&e),
    }
}

fn every_reader(input: &[u8]) -> Result<(), TestCaseError> {
    read_any(None, input)?;
    for f in Format::ALL {
        read_any(Some(f), input)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn noise_never_panics_any_reader(input in noise()) {
        every_reader(&input)?;
    }

    #[test]
    fn harvest_broken(input in mutated(HARVEST)) {
        read_any(Some(Format::Harvest), &input)?;
        read_any(None, &input)?;
    }

    #[test]
    fn toggl_broken(input in mutated(TOGGL)) {
        read_any(Some(Format::Toggl), &input)?;
        read_any(None, &input)?;
    }

    #[test]
    fn kimai_broken(input in prop_oneof![mutated(KIMAI_EN), mutated(KIMAI_DE), mutated(KIMAI_KEYS)]) {
        read_any(Some(Format::Kimai), &input)?;
        read_any(None, &input)?;
    }

    #[test]
    fn clockify_broken(input in mutated(CLOCKIFY)) {
        read_any(Some(Format::Clockify), &input)?;
        read_any(None, &input)?;
    }

    #[test]
    fn kantata_broken(input in prop_oneof![mutated(KANTATA_CSV), mutated(KANTATA_JSON)]) {
        read_any(Some(Format::Kantata), &input)?;
        read_any(None, &input)?;
    }

    #[test]
    fn psops_broken(input in mutated(PSOPS)) {
        read_any(Some(Format::Psops), &input)?;
        read_any(None, &input)?;
    }
}
