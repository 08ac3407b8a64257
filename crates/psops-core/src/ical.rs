//! iCalendar (RFC 5545) feeds of all-day events — assignments, time off, holidays — written
//! as calendar clients expect: CRLF lines folded at 75 octets, TEXT values escaped, and
//! `DTEND` the day after the last day (the end of an all-day event is exclusive).
//!
//! Hand-written on purpose, after trying the crates (2026-12): `ical` 0.11's writer folds
//! at 75 characters rather than 75 octets and does not escape TEXT values, both of which
//! calendar clients trip over; `icalendar` 0.17 writes correctly but builds the whole
//! calendar in memory from `chrono` dates (psops uses `time` and streams a feed event by
//! event), and with its parser it brings chrono, iana-time-zone, iso8601, nom and
//! nom-language into the build — about 11 s of CPU from clean on this machine, against a
//! rule that the workspace build must not get slower — for what is here 150 lines
//! checked against RFC 5545 by the tests below. `interchange::holidays` reads the other way.

use std::io::{self, Write};

use time::{Date, OffsetDateTime, UtcOffset};

/// One all-day event spanning `start..=last_day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across feed refreshes, e.g. `assignment-12@psops`.
    pub uid: String,
    pub start: Date,
    /// The last day the event covers (inclusive); written as `DTEND` = the day after.
    pub last_day: Date,
    pub summary: String,
    pub description: Option<String>,
    /// Time off blocks the day (`OPAQUE`); an assignment only informs (`TRANSPARENT`).
    pub busy: bool,
}

impl Event {
    pub fn all_day(uid: impl Into<String>, start: Date, last_day: Date, summary: impl Into<String>) -> Event {
        Event {
            uid: uid.into(),
            start,
            last_day: last_day.max(start),
            summary: summary.into(),
            description: None,
            busy: false,
        }
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Event {
        self.description = Some(description.into());
        self
    }

    pub fn busy(mut self) -> Event {
        self.busy = true;
        self
    }
}

/// A stable UID for a psops record: `uid("assignment", 12)` is `assignment-12@psops`.
pub fn uid(kind: &str, id: i64) -> String {
    format!("{kind}-{id}@psops")
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, `;`, `,` and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT (§3.1).
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line (§3.1): no line longer than 75 octets before its CRLF, each
/// continuation starting with one space, and never inside a UTF-8 character.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut rest = line;
    let mut limit = 75;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return out;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        // The leading space counts toward the 75 octets of every continuation line.
        limit = 74;
    }
}

fn ics_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

fn ics_utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{}T{:02}{:02}{:02}Z",
        ics_date(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Writes a feed one event at a time, so a feed of any length needs no list in memory.
pub struct FeedWriter<W: Write> {
    out: W,
    dtstamp: String,
}

impl<W: Write> FeedWriter<W> {
    /// Starts a `VCALENDAR`. `generated_at` becomes every event's `DTSTAMP`.
    pub fn begin(mut out: W, name: Option<&str>, generated_at: OffsetDateTime) -> io::Result<Self> {
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//psops//psops calendar feed//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
        ] {
            out.write_all(fold_line(line).as_bytes())?;
        }
        if let Some(name) = name {
            out.write_all(fold_line(&format!("X-WR-CALNAME:{}", escape_text(name))).as_bytes())?;
        }
        Ok(FeedWriter {
            out,
            dtstamp: ics_utc(generated_at),
        })
    }

    pub fn event(&mut self, e: &Event) -> io::Result<()> {
        let end = e.last_day.max(e.start).next_day().unwrap_or(e.last_day);
        let mut lines = vec![
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", e.uid),
            format!("DTSTAMP:{}", self.dtstamp),
            format!("DTSTART;VALUE=DATE:{}", ics_date(e.start)),
            format!("DTEND;VALUE=DATE:{}", ics_date(end)),
            format!("SUMMARY:{}", escape_text(&e.summary)),
        ];
        if let Some(d) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape_text(d)));
        }
        lines.push(format!("TRANSP:{}", if e.busy { "OPAQUE" } else { "TRANSPARENT" }));
        lines.push("END:VEVENT".to_string());
        for line in lines {
            self.out.write_all(fold_line(&line).as_bytes())?;
        }
        Ok(())
    }

    /// Ends the calendar and hands the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(fold_line("END:VCALENDAR").as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a whole feed.
pub fn write_feed<W: Write>(
    out: W,
    name: Option<&str>,
    generated_at: OffsetDateTime,
    events: impl IntoIterator<Item = Event>,
) -> io::Result<W> {
    let mut w = FeedWriter::begin(out, name, generated_at)?;
    for e in events {
        w.event(&e)?;
    }
    w.finish()
}

/// Joins consecutive days with the same label into spans, so a week of PTO recorded day by
/// day is one event. Input must be ordered by date; returns `(first, last, label)`.
pub fn day_spans<L: PartialEq>(days: impl IntoIterator<Item = (Date, L)>) -> Vec<(Date, Date, L)> {
    let mut spans: Vec<(Date, Date, L)> = Vec::new();
    for (day, label) in days {
        match spans.last_mut() {
            Some((_, last, l)) if *l == label && last.next_day() == Some(day) => *last = day,
            Some((_, last, l)) if *l == label && *last == day => {}
            _ => spans.push((day, day, label)),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// Undoes folding (§3.1): a CRLF followed by one space or tab joins the lines.
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "").replace("\r\n\t", "")
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text("Acme, Inc.; phase 2"), "Acme\\, Inc.\\; phase 2");
        assert_eq!(escape_text("C:\\dir"), "C:\\\\dir");
        assert_eq!(escape_text("one\r\ntwo\nthree"), "one\\ntwo\\nthree");
        assert_eq!(escape_text("bell\u{7}"), "bell");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let short = "SUMMARY:short";
        assert_eq!(fold_line(short), "SUMMARY:short\r\n");
        let long = format!("DESCRIPTION:{}", "Zoë Müller — Łukasz José ".repeat(12));
        let folded = fold_line(&long);
        for (i, physical) in folded.split("\r\n").filter(|l| !l.is_empty()).enumerate() {
            assert!(physical.len() <= 75, "line {i} has {} octets", physical.len());
            assert_eq!(physical.starts_with(' '), i > 0);
        }
        assert_eq!(unfold(&folded), format!("{long}\r\n"));
        // Exactly 75 octets stays on one line; 76 folds after the 75th.
        let x75 = "X".repeat(75);
        assert_eq!(fold_line(&x75), format!("{x75}\r\n"));
        assert_eq!(fold_line(&"X".repeat(76)), format!("{x75}\r\n X\r\n"));
        // A two-octet character straddling octet 75 moves whole to the next line.
        let straddle = format!("{}é", "X".repeat(74));
        assert_eq!(fold_line(&straddle), format!("{}\r\n é\r\n", "X".repeat(74)));
    }

    #[test]
    fn writes_a_feed_with_exclusive_all_day_ends() {
        let events = vec![
            Event::all_day(
                uid("assignment", 12),
                date!(2026 - 03 - 02),
                date!(2026 - 03 - 06),
                "Acme, Inc.: Migration",
            )
            .with_description("Engineer, 20 h/week\nPM: Łukasz"),
            Event::all_day(uid("time-off", 7), date!(2026 - 12 - 31), date!(2026 - 12 - 31), "PTO").busy(),
        ];
        let out = write_feed(
            Vec::new(),
            Some("Zoë's work"),
            datetime!(2026-03-01 10:30:05 +1),
            events,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
        let lines: Vec<&str> = text.split("\r\n").collect();
        for want in [
            "CALSCALE:GREGORIAN",
            "X-WR-CALNAME:Zoë's work",
            "UID:assignment-12@psops",
            "DTSTAMP:20260301T093005Z",
            "DTSTART;VALUE=DATE:20260302",
            "DTEND;VALUE=DATE:20260307",
            "SUMMARY:Acme\\, Inc.: Migration",
            "DESCRIPTION:Engineer\\, 20 h/week\\nPM: Łukasz",
            "TRANSP:TRANSPARENT",
            "UID:time-off-7@psops",
            "DTSTART;VALUE=DATE:20261231",
            "DTEND;VALUE=DATE:20270101",
            "TRANSP:OPAQUE",
        ] {
            assert!(lines.contains(&want), "missing {want} in\n{text}");
        }
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 2);
        assert_eq!(lines.iter().filter(|l| **l == "END:VEVENT").count(), 2);
    }

    #[test]
    fn a_backwards_event_still_covers_its_start_day() {
        let e = Event::all_day("x@psops", date!(2026 - 05 - 05), date!(2026 - 05 - 01), "odd");
        assert_eq!(e.last_day, date!(2026 - 05 - 05));
    }

    #[test]
    fn joins_consecutive_days_into_spans() {
        let days = [
            (date!(2026 - 07 - 06), "pto"),
            (date!(2026 - 07 - 07), "pto"),
            (date!(2026 - 07 - 07), "pto"),
            (date!(2026 - 07 - 08), "pto"),
            (date!(2026 - 07 - 09), "sick"),
            (date!(2026 - 07 - 13), "sick"),
        ];
        assert_eq!(
            day_spans(days),
            vec![
                (date!(2026 - 07 - 06), date!(2026 - 07 - 08), "pto"),
                (date!(2026 - 07 - 09), date!(2026 - 07 - 09), "sick"),
                (date!(2026 - 07 - 13), date!(2026 - 07 - 13), "sick"),
            ]
        );
    }
}
