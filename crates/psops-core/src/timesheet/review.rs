//! What an approver should notice in a person's week before deciding it: less time than
//! expected (working days less holidays and time off), a very long day, non-billable
//! time on customer projects (with the notes that explain it) and time still in draft. Warnings inform a decision; none of
//! them blocks one.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::Minutes;
use crate::projects::ProjectId;
use crate::time_entries::{EntryStatus, TimeEntry};

/// A day longer than this is worth a look.
pub const LONG_DAY: Minutes = Minutes(12 * 60);

/// One thing worth a look, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `short`, `long_day`, `non_billable` or `draft`.
    pub kind: &'static str,
    pub text: String,
    /// The notes behind non-billable time, each with its day.
    pub notes: Vec<String>,
}

/// The warnings of a week's entries, given the hours expected of the person that week
/// (its working days less holidays and time off) and which projects are customer projects. `expected` is `None` when the
/// entries are only part of the week (an approver who sees only their own projects'
/// lines): whether the week is short is then not theirs to judge from what they see.
/// `day` writes a date as the reader does.
pub fn review(
    entries: &[TimeEntry],
    expected: Option<Minutes>,
    customer: impl Fn(ProjectId) -> bool,
    day: impl Fn(Date) -> String,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let logged: i64 = entries.iter().map(|e| e.minutes.get()).sum();
    if let Some(expected) = expected.filter(|e| logged < e.get()) {
        out.push(Warning {
            kind: "short",
            text: format!(
                "{} h logged of the {} h expected this week after holidays and time off ({} h short).",
                Minutes(logged).clock_text(),
                expected.clock_text(),
                Minutes(expected.get() - logged).clock_text()
            ),
            notes: Vec::new(),
        });
    }
    let mut days: BTreeMap<Date, i64> = BTreeMap::new();
    for e in entries {
        *days.entry(e.date).or_default() += e.minutes.get();
    }
    for (on, minutes) in days.iter().filter(|(_, m)| **m > LONG_DAY.get()) {
        out.push(Warning {
            kind: "long_day",
            text: format!("{} h on {} {}.", Minutes(*minutes).clock_text(), on.weekday(), day(*on)),
            notes: Vec::new(),
        });
    }
    let unbilled: Vec<&TimeEntry> = entries
        .iter()
        .filter(|e| !e.billable && e.project_id.is_some_and(&customer))
        .collect();
    if !unbilled.is_empty() {
        let minutes: i64 = unbilled.iter().map(|e| e.minutes.get()).sum();
        out.push(Warning {
            kind: "non_billable",
            text: format!("{} h non-billable on customer projects.", Minutes(minutes).clock_text()),
            notes: unbilled
                .iter()
                .map(|e| {
                    let note = e.note.as_deref().unwrap_or("no note");
                    format!("{} {}: {note}", e.date.weekday(), day(e.date))
                })
                .collect(),
        });
    }
    let draft: i64 = entries
        .iter()
        .filter(|e| e.status == EntryStatus::Draft)
        .map(|e| e.minutes.get())
        .sum();
    if draft > 0 {
        out.push(Warning {
            kind: "draft",
            text: format!(
                "{} h of the week is still in draft: not submitted, so not decided here.",
                Minutes(draft).clock_text()
            ),
            notes: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;
    use time::OffsetDateTime;
    use time::macros::date;

    fn entry(day: Date, hours: i64, project: i64, billable: bool, status: EntryStatus) -> TimeEntry {
        TimeEntry {
            id: Id::new(1),
            person_id: Id::new(1),
            project_id: Some(Id::new(project)),
            category: None,
            date: day,
            minutes: Minutes(hours * 60),
            billable,
            note: (!billable).then(|| "pre-sales workshop".to_string()),
            status,
            version: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_week_shows_what_an_approver_should_notice() {
        let monday = date!(2026 - 11 - 30);
        let entries = [
            entry(monday, 10, 1, true, EntryStatus::Submitted),
            entry(monday, 3, 2, true, EntryStatus::Submitted),
            entry(date!(2026 - 12 - 01), 4, 1, false, EntryStatus::Submitted),
            entry(date!(2026 - 12 - 02), 2, 3, false, EntryStatus::Draft),
        ];
        let customer = |p: ProjectId| p.get() != 3;
        let found = review(&entries, Some(Minutes(40 * 60)), customer, crate::dates::format_date);
        let kinds: Vec<&str> = found.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, ["short", "long_day", "non_billable", "draft"]);
        assert_eq!(
            found[0].text,
            "19:00 h logged of the 40:00 h expected this week after holidays and time off (21:00 h short)."
        );
        assert_eq!(found[1].text, "13:00 h on Monday 2026-11-30.");
        assert_eq!(found[2].notes, ["Tuesday 2026-12-01: pre-sales workshop"]);
        assert!(found[3].text.starts_with("2:00 h"));
    }

    #[test]
    fn a_full_billable_week_says_nothing() {
        let entries: Vec<TimeEntry> = (0..5)
            .map(|d| {
                entry(
                    date!(2026 - 11 - 30) + time::Duration::days(d),
                    8,
                    1,
                    true,
                    EntryStatus::Submitted,
                )
            })
            .collect();
        assert!(review(&entries, Some(Minutes(40 * 60)), |_| true, crate::dates::format_date).is_empty());
    }
}
