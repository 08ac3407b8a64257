//! The iCalendar writer against its reader: any summary survives a feed (escaped, folded,
//! read back by the holiday import), and every written line is at most 75 octets.

use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime};

use crate::ical::{Event, escape_text, fold_line, write_feed};
use crate::interchange::holidays::parse_ics;

/// Names with what TEXT escaping and folding must survive.
fn summary() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-zA-Z ,;:\\\\\"'\r\n\té€Ł\u{1F600}\u{202e}]{0,120}",]
}

/// What the reader gives back for a summary: control characters dropped, line ends
/// read as spaces, outer white space trimmed, and a default name when nothing is left.
fn expected(summary: &str) -> String {
    let mut out = String::new();
    let mut chars = summary.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push(' ');
            }
            '\n' => out.push(' '),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    let out = out.trim().to_string();
    if out.is_empty() { "Holiday".into() } else { out }
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn folded_lines_are_short_and_unfold_to_the_line(line in any::<String>()) {
        let folded = fold_line(&line);
        prop_assert!(folded.ends_with("\r\n"));
        for part in folded.trim_end_matches("\r\n").split("\r\n") {
            prop_assert!(part.len() <= 75, "{} octets", part.len());
        }
        prop_assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }

    #[test]
    fn escaped_text_has_no_line_ends_or_bare_separators(s in summary()) {
        let e = escape_text(&s);
        prop_assert!(!e.contains(['\r', '\n']));
        let unescaped = e.replace("\\\\", "").replace("\\;", "").replace("\\,", "");
        prop_assert!(!unescaped.contains([';', ',']), "{e:?}");
    }

    #[test]
    fn a_feed_reads_back_as_its_events(
        day in 0i64..3000,
        days in 1i64..=31,
        name in summary(),
    ) {
        let start = Date::from_ordinal_date(2020, 1).unwrap() + Duration::days(day);
        let last = start + Duration::days(days - 1);
        let event = Event::all_day("h-1@psops", start, last, name.clone());
        let feed = write_feed(Vec::new(), Some("Holidays"), OffsetDateTime::UNIX_EPOCH, [event]).unwrap();
        let back = parse_ics(&String::from_utf8(feed).unwrap()).unwrap();
        prop_assert_eq!(back.len() as i64, days);
        prop_assert_eq!(back[0].date, start);
        prop_assert_eq!(back[back.len() - 1].date, last);
        prop_assert_eq!(&back[0].name, &expected(&name));
    }
}
