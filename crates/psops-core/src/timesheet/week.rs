//! ISO weeks (`2026-W48`, Monday first), a week's due day and the compliance classes the
//! timesheet-compliance report lists.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Weekday};
use utoipa::ToSchema;

use crate::code::Code;
use crate::dates::{DateRange, EARLIEST, LATEST};
use crate::error::{Error, Result};
use crate::rule::Rule;
use crate::settings::{Settings, WEEKDAYS};

/// An ISO 8601 week: weeks start on Monday and week 1 holds the year's first Thursday,
/// so `year` is the ISO week-numbering year (2026-12-31 lies in 2026-W53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u8,
}

impl IsoWeek {
    /// A week of the ISO years 1900 to 2200 — the weeks whose days psops works in.
    pub fn new(year: i32, week: u8) -> Result<IsoWeek> {
        if !(EARLIEST.year()..=LATEST.year()).contains(&year) {
            return Err(Error::invalid(
                "week",
                Rule::DateBounds,
                format!("week must lie in the years 1900 to 2200, got {year}"),
            ));
        }
        Date::from_iso_week_date(year, week, Weekday::Monday)
            .map(|_| IsoWeek { year, week })
            .map_err(|_| Error::invalid("week", Rule::IsoWeek, format!("{year} has no ISO week {week}")))
    }

    pub fn of(d: Date) -> IsoWeek {
        let (year, week, _) = d.to_iso_week_date();
        IsoWeek { year, week }
    }

    pub fn monday(self) -> Date {
        // Every constructed IsoWeek names a real week; MIN is unreachable in practice.
        Date::from_iso_week_date(self.year, self.week, Weekday::Monday).unwrap_or(Date::MIN)
    }

    /// Monday to Sunday.
    pub fn range(self) -> DateRange {
        let monday = self.monday();
        DateRange {
            start: monday,
            end: monday.checked_add(Duration::days(6)).unwrap_or(Date::MAX),
        }
    }

    pub fn next(self) -> Option<IsoWeek> {
        self.monday().checked_add(Duration::days(7)).map(IsoWeek::of)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = Error;
    fn from_str(s: &str) -> Result<IsoWeek> {
        let bad = || Error::invalid("week", Rule::IsoWeek, format!("'{s}' is not an ISO week like 2026-W48"));
        let (year, week) = s.trim().split_once("-W").ok_or_else(bad)?;
        if year.len() != 4 || week.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let week: u8 = week.parse().map_err(|_| bad())?;
        IsoWeek::new(year, week)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoWeek {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for IsoWeek {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}-W\d{2}$"))
            .description(Some("ISO 8601 week, e.g. 2026-W48"))
            .into()
    }
}
impl ToSchema for IsoWeek {}

/// The weekday named by a setting such as `friday`.
pub fn parse_weekday(name: &str) -> Result<Weekday> {
    const DAYS: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let lower = name.trim().to_lowercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == lower)
        .map(|i| DAYS[i])
        .ok_or_else(|| {
            Error::invalid(
                "timesheet_due_weekday",
                Rule::Weekday,
                format!("'{name}' is not a weekday name such as friday"),
            )
        })
}

/// The day a week's timesheet is due: that weekday inside the same ISO week (the
/// handbook's Friday gives the Friday of the week being reported).
pub fn due_date(week: IsoWeek, due: Weekday) -> Date {
    let monday = week.monday();
    monday
        .checked_add(Duration::days(i64::from(due.number_days_from_monday())))
        .unwrap_or(monday)
}

pub fn due_date_for(week: IsoWeek, settings: &Settings) -> Result<Date> {
    Ok(due_date(week, parse_weekday(&settings.timesheet_due_weekday)?))
}

/// Where a person's week stands against its due day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Compliance {
    /// Submitted and approved by the due day.
    OnTime,
    /// Not submitted by the due day.
    NotSubmitted,
    /// Submitted by the due day but not approved by it.
    NotApproved,
    /// Neither late nor complete yet: the due day has not passed.
    NotDue,
}

impl Code for Compliance {
    const FIELD: &'static str = "compliance";
}

impl Compliance {
    /// How soon someone should act, most urgent first: not submitted, then not approved,
    /// then not yet due, then on time.
    pub fn urgency(self) -> u8 {
        match self {
            Compliance::NotSubmitted => 0,
            Compliance::NotApproved => 1,
            Compliance::NotDue => 2,
            Compliance::OnTime => 3,
        }
    }
}

impl Compliance {
    /// The status in words, for counts and filters.
    pub fn label(self) -> &'static str {
        match self {
            Compliance::OnTime => "On time",
            Compliance::NotSubmitted => "Late or missing",
            Compliance::NotApproved => "Approval late",
            Compliance::NotDue => "Not due yet",
        }
    }
}

/// How one person's week reads against its due day: on time, how late it was submitted
/// or approved, or that it is still missing and for how long.
pub fn standing(
    status: Compliance,
    due: Date,
    submitted_on: Option<Date>,
    approved_on: Option<Date>,
    rejected: bool,
    as_of: Date,
) -> String {
    let days = |from: Date, to: Date| match (to - from).whole_days() {
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    };
    match status {
        Compliance::OnTime => "On time".into(),
        _ if rejected && as_of > due => format!("Rejected, not submitted again: {} past the due day", days(due, as_of)),
        _ if rejected => "Rejected, not submitted again; not due yet".into(),
        Compliance::NotDue if submitted_on.is_some() => "Submitted; not due yet".into(),
        Compliance::NotDue => "Not due yet".into(),
        Compliance::NotSubmitted => match submitted_on {
            Some(d) if d > due => format!("Late: submitted {} after the due day", days(due, d)),
            _ => format!("Missing: not submitted, {} past the due day", days(due, as_of)),
        },
        Compliance::NotApproved => match approved_on {
            Some(d) => format!("Approved late: {} after the due day", days(due, d)),
            None => format!("Waiting for approval, {} past the due day", days(due, as_of)),
        },
    }
}

/// Classifies a week. `submitted_on` is the day the week was (last) submitted,
/// `approved_on` the day its last entry was approved (`None` while any is not), both in
/// the person's time zone; `as_of` is today. A week is late only once its due day is
/// over, so everything still open on the due day itself is `NotDue`.
pub fn compliance(due: Date, submitted_on: Option<Date>, approved_on: Option<Date>, as_of: Date) -> Compliance {
    let by_due = |d: Option<Date>| d.is_some_and(|d| d <= due);
    if by_due(submitted_on) && by_due(approved_on) {
        Compliance::OnTime
    } else if as_of <= due {
        Compliance::NotDue
    } else if !by_due(submitted_on) {
        Compliance::NotSubmitted
    } else {
        Compliance::NotApproved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn weeks_parse_display_and_span_monday_to_sunday() {
        let w: IsoWeek = "2026-W48".parse().unwrap();
        assert_eq!(w, IsoWeek { year: 2026, week: 48 });
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.range().start, date!(2026 - 11 - 23));
        assert_eq!(w.range().end, date!(2026 - 11 - 29));
        assert_eq!(IsoWeek::of(date!(2026 - 11 - 29)), w);
        assert_eq!(w.next().unwrap().to_string(), "2026-W49");
        // The ISO year differs from the calendar year around New Year.
        assert_eq!(IsoWeek::of(date!(2026 - 12 - 31)).to_string(), "2026-W53");
        assert_eq!(IsoWeek::of(date!(2027 - 01 - 04)).to_string(), "2027-W01");
        assert_eq!(IsoWeek::of(date!(2024 - 12 - 30)).to_string(), "2025-W01");
        assert_eq!(IsoWeek::new(2026, 53).unwrap().next().unwrap().to_string(), "2027-W01");
    }

    #[test]
    fn a_weeks_standing_says_how_late() {
        let due = date!(2026 - 11 - 27);
        let today = date!(2026 - 12 - 04);
        let s = |status, sub, app| standing(status, due, sub, app, false, today);
        assert_eq!(s(Compliance::OnTime, Some(due), Some(due)), "On time");
        assert_eq!(
            s(Compliance::NotSubmitted, Some(date!(2026 - 11 - 30)), None),
            "Late: submitted 3 days after the due day"
        );
        assert_eq!(
            s(Compliance::NotSubmitted, None, None),
            "Missing: not submitted, 7 days past the due day"
        );
        assert_eq!(
            s(Compliance::NotApproved, Some(due), Some(date!(2026 - 11 - 28))),
            "Approved late: 1 day after the due day"
        );
        assert_eq!(
            s(Compliance::NotApproved, Some(due), None),
            "Waiting for approval, 7 days past the due day"
        );
        assert_eq!(s(Compliance::NotDue, None, None), "Not due yet");
        assert_eq!(
            standing(Compliance::NotApproved, due, Some(due), None, true, today),
            "Rejected, not submitted again: 7 days past the due day"
        );
    }

    #[test]
    fn refuses_what_is_not_a_week() {
        for bad in ["2026-48", "2026-W4", "2026-W00", "2027-W53", "26-W01", "2026-Wxx", ""] {
            let err = bad.parse::<IsoWeek>().unwrap_err();
            assert!(matches!(err, Error::Invalid(_)), "{bad}");
        }
        assert!(IsoWeek::new(2026, 53).is_ok());
        assert!(serde_json::from_str::<IsoWeek>("\"2026-W54\"").is_err());
        for outside in ["9999-W52", "2201-W01", "1899-W52"] {
            let Err(Error::Invalid(e)) = outside.parse::<IsoWeek>() else {
                panic!("{outside} was accepted")
            };
            assert_eq!(e[0].rule, Rule::DateBounds, "{outside}");
        }
        for edge in ["1900-W01", "2200-W52"] {
            let w: IsoWeek = edge.parse().unwrap();
            assert!(w.range().check_bounds("week").is_ok(), "{edge}");
        }
        assert_eq!(
            serde_json::to_string(&IsoWeek::new(2026, 5).unwrap()).unwrap(),
            "\"2026-W05\""
        );
    }

    #[test]
    fn the_due_day_is_the_setting_inside_the_week() {
        let w: IsoWeek = "2026-W48".parse().unwrap();
        assert_eq!(due_date_for(w, &Settings::default()).unwrap(), date!(2026 - 11 - 27));
        let monday = Settings {
            timesheet_due_weekday: "Monday".into(),
            ..Settings::default()
        };
        assert_eq!(due_date_for(w, &monday).unwrap(), date!(2026 - 11 - 23));
        assert_eq!(due_date(w, Weekday::Sunday), date!(2026 - 11 - 29));
        let bad = Settings {
            timesheet_due_weekday: "someday".into(),
            ..Settings::default()
        };
        assert!(due_date_for(w, &bad).unwrap_err().to_string().contains("someday"));
    }

    #[test]
    fn compliance_classes() {
        let due = date!(2026 - 11 - 27);
        let (thu, fri, sat, mon) = (date!(2026 - 11 - 26), due, date!(2026 - 11 - 28), date!(2026 - 11 - 30));
        assert_eq!(compliance(due, Some(thu), Some(fri), mon), Compliance::OnTime);
        assert_eq!(compliance(due, Some(thu), Some(fri), fri), Compliance::OnTime);
        assert_eq!(compliance(due, None, None, fri), Compliance::NotDue);
        assert_eq!(compliance(due, Some(fri), None, thu), Compliance::NotDue);
        assert_eq!(compliance(due, None, None, sat), Compliance::NotSubmitted);
        assert_eq!(compliance(due, Some(sat), Some(sat), mon), Compliance::NotSubmitted);
        assert_eq!(compliance(due, Some(thu), None, sat), Compliance::NotApproved);
        assert_eq!(compliance(due, Some(thu), Some(mon), mon), Compliance::NotApproved);
        for c in Compliance::ALL {
            assert_eq!(Compliance::from_code(c.code()).unwrap(), *c);
        }
    }

    proptest! {
        #[test]
        fn every_day_lies_in_its_week(day in 0i64..40_000) {
            let d = date!(1990 - 01 - 01) + Duration::days(day);
            let w = IsoWeek::of(d);
            prop_assert!(w.range().contains(d));
            prop_assert_eq!(w.range().days(), 7);
            prop_assert_eq!(w.to_string().parse::<IsoWeek>().unwrap(), w);
            prop_assert_eq!(w.monday().weekday(), Weekday::Monday);
        }
    }
}
