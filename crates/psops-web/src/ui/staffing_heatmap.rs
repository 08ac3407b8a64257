//! What the master planning page shows, built from the store's answer: the weeks as
//! column heads, one row of cells per person (a band class, the booked share as text and
//! the hours in the title — nothing more, so a page of 50 people × 53 weeks stays small),
//! the legend, the pager and the open requests beside the map.

use psops_core::code::Code;
use psops_core::staffing::availability::WeekLoad;
use psops_core::staffing::store::{OpenRequest, PersonWeeks};
use serde::Serialize;

use super::filters::{Pairs, label, span};
use super::table::Pager;

/// People a page of the map.
pub const PAGE: usize = 50;

#[derive(Serialize)]
pub struct Week {
    /// The Monday, short (`03-02`, `Mar 2`).
    pub label: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct Cell {
    /// 0 to 5, the class `b0`…`b5`.
    pub band: u8,
    pub text: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct Row {
    pub person_id: i64,
    pub name: String,
    pub function: String,
    pub region: String,
    pub conflicts: usize,
    pub cells: Vec<Cell>,
}

#[derive(Serialize)]
pub struct Open {
    pub request_id: i64,
    pub project_id: i64,
    pub project: String,
    pub role: String,
    pub booking: String,
    pub hard: bool,
    pub priority: i64,
    pub dates: String,
    pub per_week: String,
}

/// The bands as the legend names them, in order.
pub const LEGEND: [(u8, &str); 6] = [
    (0, "Under 25 % booked"),
    (1, "25–50 %"),
    (2, "50–75 %"),
    (3, "75–100 %"),
    (4, "Fully booked (or no capacity)"),
    (5, "Over-booked"),
];

/// Hours as short as they read: `40`, `37.5`, `-2.25`; written straight into the text
/// that holds them (a page of the map writes five for each of 1,300 cells).
pub struct Hours(pub i64);

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        // Hundredths of an hour, rounded half up, as `Minutes::hours_text` rounds them.
        let hundredths = (u128::from(self.0.unsigned_abs()) * 100 + 30) / 60;
        let (whole, part) = (hundredths / 100, hundredths % 100);
        match part {
            0 => write!(f, "{sign}{whole}"),
            p if p % 10 == 0 => write!(f, "{sign}{whole}.{}", p / 10),
            p => write!(f, "{sign}{whole}.{p:02}"),
        }
    }
}

pub fn hours(minutes: i64) -> String {
    Hours(minutes).to_string()
}

pub fn cell(w: &WeekLoad) -> Cell {
    let text = match w.booked_bp() {
        Some(bp) => ((bp + 50) / 100).to_string(),
        None if w.hard + w.soft > 0 => "!".into(),
        None => "–".into(),
    };
    Cell {
        band: w.band(),
        text,
        title: format!(
            "Available {} h of {} h, hard {} h, soft {} h, free {} h",
            Hours(w.available),
            Hours(w.capacity),
            Hours(w.worked(w.hard)),
            Hours(w.worked(w.soft)),
            Hours(w.worked(w.free()))
        ),
    }
}

pub fn row(p: &PersonWeeks) -> Row {
    Row {
        person_id: p.person_id.get(),
        name: p.name.clone(),
        function: label(p.function.code()),
        region: p.region.clone(),
        conflicts: p.conflicts,
        cells: p.weeks.iter().map(cell).collect(),
    }
}

pub fn open(o: &OpenRequest) -> Open {
    Open {
        request_id: o.request_id.get(),
        project_id: o.project_id.get(),
        project: o.project_name.clone(),
        role: label(o.role.code()),
        booking: label(o.booking.code()),
        hard: o.booking == psops_core::plan::Booking::Hard,
        priority: o.priority,
        dates: span(Some(o.start_date), Some(o.end_date)),
        per_week: hours(o.minutes_per_week),
    }
}

/// The column heads of these Mondays.
pub fn weeks(mondays: &[time::Date]) -> Vec<Week> {
    mondays
        .iter()
        .map(|d| Week {
            label: super::locale::shown_short(*d),
            title: format!("Week of {}", super::locale::shown(*d)),
        })
        .collect()
}

/// The pager of a page's rows at `path`, by `offset`, keeping the filters.
pub fn pager(path: &str, p: &Pairs, offset: usize, total: usize) -> Pager {
    let link = |at: usize| {
        let rest = p.encoded_without(&["offset", "made"]);
        match (rest.is_empty(), at) {
            (true, 0) => path.to_string(),
            (true, n) => format!("{path}?offset={n}"),
            (false, 0) => format!("{path}?{rest}"),
            (false, n) => format!("{path}?{rest}&offset={n}"),
        }
    };
    let past = offset >= total;
    Pager {
        total: total as u64,
        from: if past { 0 } else { offset as u64 + 1 },
        to: if past { 0 } else { (offset + PAGE).min(total) as u64 },
        page: (offset / PAGE + 1).min(u32::MAX as usize) as u32,
        pages: total.div_ceil(PAGE).max(1) as u64,
        prev: (offset > 0).then(|| link(offset.saturating_sub(PAGE).min(total.saturating_sub(1) / PAGE * PAGE))),
        next: (offset + PAGE < total).then(|| link(offset + PAGE)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::Minutes;

    #[test]
    fn a_cell_is_its_band_its_share_and_its_hours() {
        let c = cell(&WeekLoad {
            capacity: 2_400,
            available: 2_400,
            hard: 1_800,
            soft: 1_200,
        });
        assert_eq!((c.band, c.text.as_str()), (5, "125"));
        assert_eq!(c.title, "Available 40 h of 40 h, hard 30 h, soft 20 h, free -10 h");
        let holiday = cell(&WeekLoad {
            capacity: 2_400,
            available: 1_920,
            hard: 2_400,
            soft: 0,
        });
        assert_eq!(
            (holiday.band, holiday.text.as_str()),
            (4, "100"),
            "a holiday week is not over-booked"
        );
        assert_eq!(holiday.title, "Available 32 h of 40 h, hard 32 h, soft 0 h, free 0 h");
        let empty = cell(&WeekLoad::default());
        assert_eq!((empty.band, empty.text.as_str()), (4, "–"));
        assert_eq!(hours(2_250), "37.5");
        assert_eq!(hours(0), "0");
        // As short as `Minutes::hours_text` with its trailing zeros cut, for any minutes.
        for m in [-135, -1, 1, 7, 59, 61, 90, 2_255, i64::MAX, i64::MIN] {
            let long = Minutes(m).hours_text();
            let short = long.trim_end_matches('0').trim_end_matches('.');
            assert_eq!(hours(m), short, "{m} minutes");
        }
    }

    #[test]
    fn the_pager_steps_by_fifty_and_keeps_the_filters() {
        let p = Pairs(vec![("region".into(), "EMEA".into()), ("offset".into(), "50".into())]);
        let g = pager("/staffing", &p, 50, 120);
        assert_eq!((g.from, g.to, g.page, g.pages), (51, 100, 2, 3));
        assert_eq!(g.prev.as_deref(), Some("/staffing?region=EMEA"));
        assert_eq!(g.next.as_deref(), Some("/staffing?region=EMEA&offset=100"));
        let last = pager("/staffing", &Pairs::default(), 100, 120);
        assert_eq!((last.to, last.next), (120, None));
        let past = pager("/staffing", &Pairs::default(), 500, 120);
        assert_eq!((past.from, past.prev.as_deref()), (0, Some("/staffing?offset=100")));
    }
}
