//! The weekly timesheet grid as data, apart from any I/O: which rows a week shows (one per
//! project or internal category × billable), which entries fall in each cell, the totals,
//! and the keys that name rows and cells in forms and element ids.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use psops_core::Minutes;
use psops_core::code::Code;
use psops_core::projects::ProjectId;
use psops_core::time_entries::{EntryStatus, InternalCategory, TimeEntry};
use serde::Serialize;

use super::filters::label;
use time::{Date, Duration};

/// What a row's time is logged against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Work {
    Project(ProjectId),
    Category(InternalCategory),
}

/// One row of the grid. Its key (`p12-b`, `c-admin-n`) uses only letters, digits, `-` and
/// `_`, so it is safe in form field names, element ids and CSS selectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub work: Work,
    pub billable: bool,
}

impl RowKey {
    pub fn of(entry: &TimeEntry) -> Option<RowKey> {
        let work = match (entry.project_id, entry.category) {
            (Some(p), _) => Work::Project(p),
            (None, Some(c)) => Work::Category(c),
            (None, None) => return None,
        };
        Some(RowKey {
            work,
            billable: entry.billable,
        })
    }

    pub fn key(&self) -> String {
        let flag = if self.billable { "b" } else { "n" };
        match self.work {
            Work::Project(p) => format!("p{p}-{flag}"),
            Work::Category(c) => format!("c-{}-{flag}", c.code()),
        }
    }

    /// Reads a key; `None` for anything that is not one. Internal time is never billable.
    pub fn parse(key: &str) -> Option<RowKey> {
        let (work, flag) = key.rsplit_once('-')?;
        let billable = match flag {
            "b" => true,
            "n" => false,
            _ => return None,
        };
        let work = match (work.strip_prefix("c-"), work.strip_prefix('p')) {
            (Some(code), _) => Work::Category(InternalCategory::from_code(code).ok()?),
            (None, Some(id)) => Work::Project(ProjectId::new(id.parse().ok().filter(|n: &i64| *n > 0)?)),
            _ => return None,
        };
        if matches!(work, Work::Category(_)) && billable {
            return None;
        }
        Some(RowKey { work, billable })
    }
}

/// A list of row keys as one query value, `p12-b,c-admin-n`; unknown keys are dropped.
pub fn parse_rows(list: &str) -> Vec<RowKey> {
    list.split(',').filter_map(|k| RowKey::parse(k.trim())).collect()
}

pub fn rows_param(rows: &[RowKey]) -> String {
    rows.iter().map(RowKey::key).collect::<Vec<_>>().join(",")
}

/// Minutes as a person reads them in the grid: `7:30`, blank for none.
pub fn clock(m: i64) -> String {
    if m == 0 {
        return String::new();
    }
    Minutes(m).clock_text()
}

/// What was typed into a cell that could not be saved, shown back with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub value: String,
    pub note: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    pub day: usize,
    pub date: String,
    pub value: String,
    pub note: String,
    pub editable: bool,
    /// Why a cell is read-only, or what else to know about it.
    pub hint: String,
    pub error: String,
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub key: String,
    pub index: usize,
    pub label: String,
    pub billable: bool,
    pub cells: Vec<CellView>,
    pub total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub days: Vec<String>,
    pub week: String,
    pub billable: String,
}

/// A week's entries sorted into cells.
pub struct Grid {
    pub monday: Date,
    cells: HashMap<(RowKey, usize), Vec<TimeEntry>>,
    rows: Vec<RowKey>,
}

impl Grid {
    /// Rows with entries, then the extra (empty) rows asked for, each once.
    pub fn new(monday: Date, entries: Vec<TimeEntry>, extra: &[RowKey]) -> Grid {
        let mut cells: HashMap<(RowKey, usize), Vec<TimeEntry>> = HashMap::new();
        let mut seen = BTreeSet::new();
        let mut rows = Vec::new();
        for e in entries {
            let Some(key) = RowKey::of(&e) else { continue };
            let day = (e.date - monday).whole_days();
            if !(0..7).contains(&day) {
                continue;
            }
            if seen.insert(key.key()) {
                rows.push(key);
            }
            cells.entry((key, day as usize)).or_default().push(e);
        }
        for key in extra {
            if seen.insert(key.key()) {
                rows.push(*key);
            }
        }
        Grid { monday, cells, rows }
    }

    pub fn rows(&self) -> &[RowKey] {
        &self.rows
    }

    pub fn date(&self, day: usize) -> Date {
        self.monday + Duration::days(day as i64)
    }

    /// The status of every entry in the week.
    pub fn statuses(&self) -> impl Iterator<Item = EntryStatus> + '_ {
        self.cells.values().flatten().map(|e| e.status)
    }

    pub fn entries(&self, key: RowKey, day: usize) -> &[TimeEntry] {
        self.cells.get(&(key, day)).map_or(&[], Vec::as_slice)
    }

    pub fn cell(&self, key: RowKey, day: usize, typed: Option<&Typed>) -> CellView {
        let entries = self.entries(key, day);
        let minutes: i64 = entries.iter().map(|e| e.minutes.get()).sum();
        let locked = entries.iter().find(|e| e.status != EntryStatus::Draft);
        let status = locked.map_or(if entries.is_empty() { "" } else { "draft" }, |e| e.status.code());
        let (editable, hint) = match (entries.len(), locked) {
            (n, _) if n > 1 => (
                false,
                format!(
                    "{n} entries ({}); change them one by one through the API or CLI",
                    clock(minutes)
                ),
            ),
            // The week's banner says what its status means; a cell only names its own.
            (_, Some(e)) => (false, label(e.status.code())),
            _ => (true, String::new()),
        };
        let note = entries.first().and_then(|e| e.note.clone()).unwrap_or_default();
        let date = self.date(day);
        let mut view = CellView {
            day,
            date: super::locale::shown(date),
            value: clock(minutes),
            note: if entries.len() > 1 { String::new() } else { note },
            editable,
            hint,
            error: String::new(),
            status,
        };
        if let Some(t) = typed {
            view.value = t.value.clone();
            view.note = t.note.clone();
            view.error = t.error.clone();
        }
        view
    }

    pub fn row_minutes(&self, key: RowKey) -> i64 {
        (0..7).flat_map(|d| self.entries(key, d)).map(|e| e.minutes.get()).sum()
    }

    pub fn row(&self, key: RowKey, index: usize, label: String, typed: &BTreeMap<(String, usize), Typed>) -> RowView {
        let k = key.key();
        RowView {
            cells: (0..7).map(|d| self.cell(key, d, typed.get(&(k.clone(), d)))).collect(),
            total: clock(self.row_minutes(key)),
            key: k,
            index,
            label,
            billable: key.billable,
        }
    }

    pub fn totals(&self) -> Totals {
        let all = || self.cells.values().flatten();
        let days = (0..7)
            .map(|d| {
                let date = self.date(d);
                clock(all().filter(|e| e.date == date).map(|e| e.minutes.get()).sum())
            })
            .collect();
        Totals {
            days,
            week: clock(all().map(|e| e.minutes.get()).sum()),
            billable: clock(all().filter(|e| e.billable).map(|e| e.minutes.get()).sum()),
        }
    }
}

/// Parses a cell's text: blank clears the cell, anything else must be a duration.
pub fn parse_cell(text: &str) -> Result<Option<Minutes>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Minutes::parse(text).map(Some).map_err(|e| match e {
        psops_core::Error::Invalid(errors) => errors.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::Id;
    use time::OffsetDateTime;
    use time::macros::date;

    fn entry(id: i64, project: Option<i64>, day: Date, minutes: i64, billable: bool, status: EntryStatus) -> TimeEntry {
        TimeEntry {
            id: Id::new(id),
            person_id: Id::new(1),
            project_id: project.map(Id::new),
            category: if project.is_none() {
                Some(InternalCategory::Admin)
            } else {
                None
            },
            date: day,
            minutes: Minutes(minutes),
            billable,
            note: None,
            status,
            version: 1,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn keys_round_trip_and_refuse_nonsense() {
        for key in ["p12-b", "p12-n", "c-admin-n", "c-tools_enablement-n"] {
            assert_eq!(RowKey::parse(key).map(|k| k.key()).as_deref(), Some(key));
        }
        for bad in [
            "",
            "p-b",
            "p0-b",
            "px-b",
            "p12-x",
            "c-admin-b",
            "c-nope-n",
            "q12-b",
            "p12",
        ] {
            assert_eq!(RowKey::parse(bad), None, "{bad}");
        }
        assert_eq!(parse_rows("p1-b, junk,c-admin-n").len(), 2);
    }

    #[test]
    fn cells_rows_and_totals_add_up() {
        let mon = date!(2026 - 11 - 23);
        let entries = vec![
            entry(1, Some(7), mon, 480, true, EntryStatus::Draft),
            entry(2, Some(7), mon + Duration::days(1), 450, true, EntryStatus::Submitted),
            entry(3, None, mon, 30, false, EntryStatus::Draft),
            entry(4, None, mon, 15, false, EntryStatus::Draft),
        ];
        let extra = [RowKey::parse("p9-n").unwrap(), RowKey::parse("p7-b").unwrap()];
        let grid = Grid::new(mon, entries, &extra);
        assert_eq!(rows_param(grid.rows()), "p7-b,c-admin-n,p9-n");
        let p7 = grid.rows()[0];
        assert_eq!(grid.cell(p7, 0, None).value, "8:00");
        assert!(grid.cell(p7, 0, None).editable);
        let submitted = grid.cell(p7, 1, None);
        assert!(!submitted.editable && submitted.status == "submitted");
        let doubled = grid.cell(grid.rows()[1], 0, None);
        assert!(!doubled.editable && doubled.value == "0:45" && doubled.hint.starts_with("2 entries"));
        let totals = grid.totals();
        assert_eq!(totals.days[0], "8:45");
        assert_eq!(totals.days[1], "7:30");
        assert_eq!(totals.week, "16:15");
        assert_eq!(totals.billable, "15:30");
        assert_eq!(clock(grid.row_minutes(p7)), "15:30");
    }

    #[test]
    fn typed_values_and_errors_show_over_what_is_stored() {
        let mon = date!(2026 - 11 - 23);
        let grid = Grid::new(mon, vec![], &[RowKey::parse("p1-n").unwrap()]);
        let typed = Typed {
            value: "2".into(),
            note: String::new(),
            error: "non-billable time needs a note".into(),
        };
        let cell = grid.cell(grid.rows()[0], 3, Some(&typed));
        assert_eq!(
            (cell.value.as_str(), cell.error.as_str()),
            ("2", "non-billable time needs a note")
        );
        assert_eq!(cell.date, "2026-11-26");
    }

    #[test]
    fn cell_text_parses_like_minutes_and_blank_clears() {
        assert_eq!(parse_cell("1:30"), Ok(Some(Minutes(90))));
        assert_eq!(parse_cell("1.5"), Ok(Some(Minutes(90))));
        assert_eq!(parse_cell("90m"), Ok(Some(Minutes(90))));
        assert_eq!(parse_cell("  "), Ok(None));
        assert!(parse_cell("soon").unwrap_err().contains("write 1:30"));
        assert_eq!(clock(0), "");
        assert_eq!(clock(61), "1:01");
    }
}
