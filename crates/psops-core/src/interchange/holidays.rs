//! Reading holiday lists people already have: iCalendar (`.ics`) feeds and CSV files
//! (`date,name[,hours]`). Parsing is pure; every broken line is reported by its number
//! (field `line N`), and nothing is returned unless the whole file reads.
//!
//! The iCalendar reader is ours because the crates cannot report what an import must:
//! `icalendar` 0.17's parser stops at the first problem and numbers lines of the unfolded
//! text, and `ical` 0.11 gives properties no line numbers (nor undoes TEXT escapes) —
//! while this reports every broken event at once by its line in the file. See `ical` for
//! the build cost the crates would add.

use std::collections::BTreeMap;

use time::{Date, Duration, Month};

use crate::Minutes;
use crate::capacity::Holiday;
use crate::csv_file::{CsvError, CsvFile, Delimiter};
use crate::dates::parse_date;
use crate::error::{Error, FieldError, Result};
use crate::rule::Rule;

/// A multi-day event longer than this is almost certainly not a holiday (a whole-year
/// "event" would otherwise flood the calendar).
const MAX_EVENT_DAYS: i64 = 31;

fn at(line: usize, rule: Rule, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("line {line}"), rule, format!("line {line}: {}", message.into()))
}

/// Holidays in date order; a date given twice is an error on its second line.
fn finish(found: Vec<(usize, Holiday)>, mut errors: Vec<FieldError>) -> Result<Vec<Holiday>> {
    let mut by_date: BTreeMap<Date, Holiday> = BTreeMap::new();
    for (line, h) in found {
        match by_date.entry(h.date) {
            std::collections::btree_map::Entry::Occupied(_) => errors.push(at(
                line,
                Rule::DuplicateDate,
                format!("{} is listed more than once", crate::dates::format_date(h.date)),
            )),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(h);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if by_date.is_empty() {
        return Err(Error::invalid("file", Rule::Empty, "the file lists no holidays"));
    }
    Ok(by_date.into_values().collect())
}

/// Joins folded lines (a line starting with a space or tab continues the previous one),
/// keeping the number of the line each logical line starts on.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, prev))) => prev.push_str(rest),
            _ => out.push((i + 1, raw.to_string())),
        }
    }
    out
}

fn ics_date(value: &str) -> Option<Date> {
    let digits = value.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(value.len() == 8 || value[8..].starts_with('T')) {
        return None;
    }
    let year: i32 = digits[..4].parse().ok()?;
    let month = Month::try_from(digits[4..6].parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year, month, digits[6..].parse().ok()?).ok()
}

fn ics_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.trim().to_string()
}

#[derive(Default)]
struct Event {
    start_line: usize,
    start: Option<Date>,
    end: Option<Date>,
    summary: String,
}

/// Reads the VEVENTs of an iCalendar file: `DTSTART` (a date, or the date part of a
/// date-time), `DTEND` (exclusive, so a two-day holiday lists both days) and `SUMMARY`.
/// Recurring events (`RRULE`) are refused rather than imported as one occurrence.
pub fn parse_ics(text: &str) -> Result<Vec<Holiday>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut event: Option<Event> = None;
    for (line, content) in unfold(text) {
        let Some((name_params, value)) = content.split_once(':') else {
            continue;
        };
        let name = name_params.split(';').next().unwrap_or("").to_ascii_uppercase();
        let value = value.trim();
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", _) if value.eq_ignore_ascii_case("VEVENT") => {
                event = Some(Event {
                    start_line: line,
                    ..Event::default()
                });
            }
            ("END", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                if let Some(e) = event.take() {
                    expand(e, &mut found, &mut errors);
                }
            }
            ("DTSTART" | "DTEND", Some(e)) => match ics_date(value) {
                Some(d) if name == "DTSTART" => e.start = Some(d),
                Some(d) => e.end = Some(d),
                None => errors.push(at(
                    line,
                    Rule::Date,
                    format!("{name} '{value}' is not a date like 20261225"),
                )),
            },
            ("SUMMARY", Some(e)) => e.summary = ics_text(value),
            ("RRULE", Some(_)) => errors.push(at(
                line,
                Rule::Recurring,
                "recurring events (RRULE) are not imported: list each year's date",
            )),
            _ => {}
        }
    }
    if let Some(e) = event {
        errors.push(at(e.start_line, Rule::Unterminated, "BEGIN:VEVENT has no END:VEVENT"));
    }
    finish(found, errors)
}

fn expand(e: Event, found: &mut Vec<(usize, Holiday)>, errors: &mut Vec<FieldError>) {
    let Some(start) = e.start else {
        errors.push(at(e.start_line, Rule::Required, "the event has no DTSTART"));
        return;
    };
    let name = if e.summary.is_empty() {
        "Holiday".to_string()
    } else {
        e.summary
    };
    // DTEND is exclusive; a missing or non-later end means a one-day event.
    let days = e.end.map_or(1, |end| (end - start).whole_days().max(1));
    if days > MAX_EVENT_DAYS {
        errors.push(at(
            e.start_line,
            Rule::TooLong,
            format!("the event spans {days} days; at most {MAX_EVENT_DAYS} are imported as holidays"),
        ));
        return;
    }
    if !crate::dates::in_bounds(start) {
        errors.push(at(
            e.start_line,
            Rule::DateBounds,
            "the event's DTSTART must lie between 1900-01-01 and 2200-12-31",
        ));
        return;
    }
    for n in 0..days {
        if let Some(date) = start
            .checked_add(Duration::days(n))
            .filter(|d| crate::dates::in_bounds(*d))
        {
            found.push((
                e.start_line,
                Holiday {
                    date,
                    minutes: None,
                    name: name.clone(),
                },
            ));
        }
    }
}

/// Reads `date,name[,hours]` lines (`2026-12-25,Christmas Day` or
/// `2026-12-24,Christmas Eve,4` for a half day). A first line starting with `date` is a
/// header; blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<Holiday>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let to_error = |e: CsvError| at(e.line as usize, e.rule, e.message);
    let file =
        CsvFile::open(text.as_bytes(), Delimiter::Comma, false).map_err(|e| Error::Invalid(vec![to_error(e)]))?;
    let mut first = true;
    for next in file {
        let Ok((line, record)) = next.map_err(|e| errors.push(to_error(e))) else {
            continue;
        };
        let line = line as usize;
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if std::mem::take(&mut first) && fields[0].to_lowercase().starts_with("date") {
            continue;
        }
        // A holiday is one line: a line break inside a cell is a quote left open.
        if record.iter().any(|f| f.contains('\n')) {
            errors.push(at(line, Rule::Quotes, "a quoted field is not closed on its line"));
            continue;
        }
        if !(2..=3).contains(&fields.len()) {
            errors.push(at(
                line,
                Rule::Columns,
                format!("expected date,name[,hours] but found {} columns", fields.len()),
            ));
            continue;
        }
        let date = parse_date("date", &fields[0]);
        let minutes = match fields.get(2).filter(|h| !h.is_empty()) {
            None => Ok(None),
            Some(h) => match Minutes::parse(h) {
                Ok(m) if m.get() > 0 && m <= Minutes::DAY => Ok(Some(m)),
                _ => Err(at(
                    line,
                    Rule::Hours,
                    format!("hours '{h}' must be more than 0 and at most 24, e.g. 4 or 3.5"),
                )),
            },
        };
        if fields[1].is_empty() {
            errors.push(at(line, Rule::Required, "the holiday needs a name"));
        } else if fields[1].chars().count() > 200 {
            errors.push(at(line, Rule::TooLong, "the name must be at most 200 characters"));
        }
        match (date, minutes) {
            (Ok(date), Ok(minutes)) if !fields[1].is_empty() => found.push((
                line,
                Holiday {
                    date,
                    minutes,
                    name: fields[1].clone(),
                },
            )),
            (Err(crate::Error::Invalid(e)), _) if e.iter().any(|e| e.rule == Rule::DateBounds) => errors.push(at(
                line,
                Rule::DateBounds,
                format!("'{}' lies outside 1900-01-01 to 2200-12-31", fields[0]),
            )),
            (Err(_), _) => errors.push(at(
                line,
                Rule::Date,
                format!("'{}' is not a date written YYYY-MM-DD", fields[0]),
            )),
            (_, Err(e)) => errors.push(e),
            _ => {}
        }
    }
    finish(found, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn lines(e: Error) -> Vec<(String, Rule)> {
        match e {
            Error::Invalid(v) => v.into_iter().map(|e| (e.field, e.rule)).collect(),
            other => panic!("{other}"),
        }
    }

    const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\n\
DTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\n  and Boxing Day\\, UK\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nSUMMARY:New Year\r\nDTSTART;VALUE=DATE:20270101\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART:20261126T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn ics_events_unfold_and_multi_day_events_expand() {
        let hs = parse_ics(ICS).unwrap();
        let got: Vec<(Date, &str)> = hs.iter().map(|h| (h.date, h.name.as_str())).collect();
        assert_eq!(
            got,
            [
                (date!(2026 - 11 - 26), "Holiday"),
                (date!(2026 - 12 - 25), "Christmas and Boxing Day, UK"),
                (date!(2026 - 12 - 26), "Christmas and Boxing Day, UK"),
                (date!(2027 - 01 - 01), "New Year"),
            ]
        );
        assert!(hs.iter().all(|h| h.minutes.is_none()));
    }

    #[test]
    fn ics_errors_name_their_lines() {
        let bad = "BEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-25\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n\
BEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nRRULE:FREQ=YEARLY\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART:20260101\n\
DTEND:20270101\nEND:VEVENT\nBEGIN:VEVENT\n";
        assert_eq!(
            lines(parse_ics(bad).unwrap_err()),
            [
                ("line 2".into(), Rule::Date),
                ("line 1".into(), Rule::Required),
                ("line 4".into(), Rule::Required),
                ("line 9".into(), Rule::Recurring),
                ("line 11".into(), Rule::TooLong),
                ("line 15".into(), Rule::Unterminated)
            ]
        );
        assert_eq!(
            lines(parse_ics("BEGIN:VCALENDAR\nEND:VCALENDAR").unwrap_err()),
            [("file".into(), Rule::Empty)]
        );
    }

    #[test]
    fn csv_reads_names_half_days_and_quotes() {
        let text = "date,name,hours\n2026-12-24,Christmas Eve,4\n\n2026-12-25,\"Christmas Day, \"\"the\"\" one\"\n\
2026-11-26 , Thanksgiving , 3.5\n";
        let hs = parse_csv(text).unwrap();
        assert_eq!(hs.len(), 3);
        assert_eq!(hs[0].date, date!(2026 - 11 - 26));
        assert_eq!(hs[0].minutes, Some(Minutes(210)));
        assert_eq!(hs[0].name, "Thanksgiving");
        assert_eq!(hs[1].minutes, Some(Minutes(240)));
        assert_eq!(hs[2].name, "Christmas Day, \"the\" one");
        assert_eq!(hs[2].minutes, None);
    }

    #[test]
    fn csv_errors_name_their_lines() {
        let text = "2026-12-24,Eve\n24/12/2026,Eve\n2026-12-25\n2026-12-26,,\n2026-12-27,Boxing,30\n\
2026-12-24,Again\n2026-12-28,\"open\n";
        assert_eq!(
            lines(parse_csv(text).unwrap_err()),
            [
                ("line 2".into(), Rule::Date),
                ("line 3".into(), Rule::Columns),
                ("line 4".into(), Rule::Required),
                ("line 5".into(), Rule::Hours),
                ("line 7".into(), Rule::Quotes),
                ("line 6".into(), Rule::DuplicateDate)
            ]
        );
        let err = parse_csv("2026-13-01,Nope").unwrap_err();
        assert!(err.to_string().contains("line 1: '2026-13-01' is not a date"), "{err}");
    }
}
