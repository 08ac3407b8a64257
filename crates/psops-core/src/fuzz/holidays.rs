//! Holiday files: iCalendar and CSV, as noise and as valid files broken. A file reads
//! whole or is refused with every broken line named (`line N`, or `file` when it is empty).

use proptest::prelude::*;

use super::mutate::{mutated, noise};
use crate::error::{Error, Result};
use crate::interchange::holidays::{parse_csv, parse_ics};

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Holidays//EN\r\n\
BEGIN:VEVENT\r\nUID:xmas@example.com\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\n\
SUMMARY:Christmas\\, Boxing Day\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\n\
SUMMARY:New Year's Day with a long name folded over more than seventy-five octets of\r\n  text\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

const CSV: &str = "date,name,hours\n2026-12-24,Christmas Eve,4\n2026-12-25,\"Christmas Day, observed\"\n\
2026-12-31,New Year's Eve,3.5\n";

fn check(parsed: Result<Vec<crate::capacity::Holiday>>) -> std::result::Result<(), TestCaseError> {
    match parsed {
        Ok(days) => {
            prop_assert!(!days.is_empty());
            prop_assert!(days.windows(2).all(|w| w[0].date < w[1].date), "not in date order");
            prop_assert!(days.iter().all(|h| crate::dates::in_bounds(h.date)));
        }
        Err(Error::Invalid(errors)) => {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!(e.field.starts_with("line ") || e.field == "file", "{e:?}");
                prop_assert!(!e.message.is_empty(), "{e:?}");
            }
        }
        Err(other) => prop_assert!(false, "not a field error: {other:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn ics_files_read_or_name_their_lines(input in prop_oneof![noise(), mutated(ICS)]) {
        check(parse_ics(&String::from_utf8_lossy(&input)))?;
    }

    #[test]
    fn csv_files_read_or_name_their_lines(input in prop_oneof![noise(), mutated(CSV)]) {
        check(parse_csv(&String::from_utf8_lossy(&input)))?;
    }
}

#[test]
fn the_seeds_are_valid() {
    assert_eq!(parse_ics(ICS).map(|d| d.len()).ok(), Some(3));
    assert_eq!(parse_csv(CSV).map(|d| d.len()).ok(), Some(3));
}
