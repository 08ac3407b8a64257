//! The records behind the calendar view of capacity: regional holiday calendars with
//! their holidays, time off with its approval, and stored capacity-policy overrides.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::Minutes;
use crate::auth::UserId;
use crate::capacity::{Holiday, RulesOverride, TimeOffKind};
use crate::code::Code;
use crate::error::{Error, Result};
use crate::id::Id;
use crate::people::PersonId;
use crate::rule::Rule;
use crate::settings::Settings;
use crate::validate::Checks;

pub type HolidayCalendarId = Id<HolidayCalendar>;
pub type HolidayId = Id<HolidayRecord>;
pub type TimeOffId = Id<TimeOffRecord>;
pub type RulesOverrideId = Id<StoredOverride>;

/// A region's holiday calendar; people use the calendar of their region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarFields {
    pub name: String,
    /// Unique (without regard to case): one calendar per region.
    pub region: String,
}

impl CalendarFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200).text(&self.region, "region", 100);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HolidayCalendar {
    pub id: HolidayCalendarId,
    #[serde(flatten)]
    pub fields: CalendarFields,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A stored holiday on one calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HolidayRecord {
    pub id: HolidayId,
    pub calendar_id: HolidayCalendarId,
    #[serde(flatten)]
    pub holiday: Holiday,
}

/// The rules a holiday obeys on its own; `field` prefixes the field names (for bulk adds).
pub fn validate_holiday(h: &Holiday, field: &str) -> Result<()> {
    let mut c = Checks::new();
    c.text(&h.name, &format!("{field}name"), 200);
    if let Some(m) = h.minutes {
        c.check(
            m.get() > 0 && m <= Minutes::DAY,
            &format!("{field}minutes"),
            Rule::Range,
            "a part holiday's minutes must be more than 0 and at most 24 h",
        );
    }
    c.into_result()
}

/// Where a time-off request stands. Only approved time off reduces calendar capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TimeOffStatus {
    Requested,
    Approved,
    Rejected,
}

impl Code for TimeOffStatus {
    const FIELD: &'static str = "status";
}

/// An approver's answer to a request. JSON: `{"action":"reject","reason":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TimeOffDecision {
    Approve,
    Reject { reason: String },
}

impl TimeOffStatus {
    /// requested → approved or rejected (with a reason); nothing else moves.
    pub fn decide(self, decision: &TimeOffDecision) -> Result<TimeOffStatus> {
        if self != TimeOffStatus::Requested {
            return Err(Error::conflict(
                "status",
                Rule::AlreadyDecided,
                format!(
                    "the request is already {}; only a requested one can be decided",
                    self.code()
                ),
            ));
        }
        match decision {
            TimeOffDecision::Approve => Ok(TimeOffStatus::Approved),
            TimeOffDecision::Reject { reason } => {
                let mut c = Checks::new();
                c.text(reason, "reason", 2000);
                c.into_result()?;
                Ok(TimeOffStatus::Rejected)
            }
        }
    }
}

/// What a person asks for: one day (or part of one) off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimeOff {
    pub person_id: PersonId,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    #[schema(value_type = i64, minimum = 1, maximum = 1440)]
    pub minutes: Minutes,
    pub kind: TimeOffKind,
    #[serde(default)]
    pub note: Option<String>,
}

impl NewTimeOff {
    /// Rules that need no stored data; employment and the rounding step are checked
    /// with the person and the settings.
    pub fn validate(&self, settings: &Settings, employed: bool) -> Result<()> {
        let mut c = Checks::new();
        let m = self.minutes.get();
        let step = settings.rounding_step_minutes.max(1);
        c.check(
            m > 0 && self.minutes <= Minutes::DAY,
            "minutes",
            Rule::Range,
            "minutes must be more than 0 and at most 24 h",
        )
        .check(
            m % step == 0,
            "minutes",
            Rule::RoundingStep,
            format!("minutes must be a multiple of {step} (the rounding step)"),
        )
        .check(
            employed,
            "date",
            Rule::Employment,
            "date must lie inside the person's employment dates",
        )
        .optional_text(self.note.as_deref(), "note", 2000);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TimeOffRecord {
    pub id: TimeOffId,
    pub person_id: PersonId,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub minutes: Minutes,
    pub kind: TimeOffKind,
    pub note: Option<String>,
    pub status: TimeOffStatus,
    /// Who approved or rejected it, and when.
    pub decided_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct TimeOffFilter {
    pub person_id: Option<PersonId>,
    pub status: Option<TimeOffStatus>,
    pub kind: Option<TimeOffKind>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// What the one asking may see (`ListKind::TimeOff`).
    pub scope: crate::scope::ListScope,
}

/// A policy override as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StoredOverride {
    pub id: RulesOverrideId,
    #[serde(flatten)]
    pub policy_override: RulesOverride,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Days of time off read as runs, as people ask for them ("the week of 7 December"):
/// one person's consecutive days of the same kind, hours, state, note and reason; a
/// weekend between two days does not break a run. Runs come in the order of their first
/// day's position in `days` after sorting by person and date.
pub fn runs(days: &[TimeOffRecord]) -> Vec<Vec<&TimeOffRecord>> {
    let mut sorted: Vec<&TimeOffRecord> = days.iter().collect();
    sorted.sort_by_key(|t| (t.person_id, t.date));
    let mut out: Vec<Vec<&TimeOffRecord>> = Vec::new();
    for t in sorted {
        let joins = out.last().and_then(|run| run.last()).is_some_and(|last| {
            let alike = (
                last.person_id,
                last.kind,
                last.minutes,
                last.status,
                &last.note,
                &last.reason,
            ) == (t.person_id, t.kind, t.minutes, t.status, &t.note, &t.reason);
            let mut between =
                (last.date.to_julian_day() + 1..t.date.to_julian_day()).filter_map(|d| Date::from_julian_day(d).ok());
            alike && t.date > last.date && between.all(|d| d.weekday().number_from_monday() > 5)
        });
        match out.last_mut() {
            Some(run) if joins => run.push(t),
            _ => out.push(vec![t]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;
    use time::macros::date;

    fn record(id: i64, date: Date, status: TimeOffStatus) -> TimeOffRecord {
        let at = OffsetDateTime::UNIX_EPOCH;
        TimeOffRecord {
            id: Id::new(id),
            person_id: Id::new(1),
            date,
            minutes: Minutes(480),
            kind: TimeOffKind::Pto,
            note: None,
            status,
            decided_by: None,
            decided_at: None,
            reason: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn consecutive_days_read_as_runs_across_weekends() {
        use TimeOffStatus::{Approved, Requested};
        let days = [
            // Thursday, Friday, then Monday and Tuesday: one run over the weekend.
            record(1, date!(2026 - 12 - 03), Requested),
            record(2, date!(2026 - 12 - 04), Requested),
            record(4, date!(2026 - 12 - 08), Requested),
            record(3, date!(2026 - 12 - 07), Requested),
            // A Wednesday gap breaks it; so does another state.
            record(5, date!(2026 - 12 - 10), Requested),
            record(6, date!(2026 - 12 - 11), Approved),
        ];
        let ids: Vec<Vec<i64>> = runs(&days)
            .iter()
            .map(|r| r.iter().map(|t| t.id.get()).collect())
            .collect();
        assert_eq!(ids, [vec![1, 2, 3, 4], vec![5], vec![6]]);
        let mut other = record(7, date!(2026 - 12 - 09), Requested);
        other.person_id = Id::new(2);
        assert_eq!(runs(&[days[0].clone(), other]).len(), 2, "people never share a run");
    }

    fn off(minutes: i64) -> NewTimeOff {
        NewTimeOff {
            person_id: Id::new(1),
            date: date!(2026 - 11 - 27),
            minutes: Minutes(minutes),
            kind: TimeOffKind::Pto,
            note: None,
        }
    }

    fn rules(r: Result<()>) -> Vec<(String, Rule)> {
        match r {
            Ok(()) => vec![],
            Err(Error::Invalid(v)) => v.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn time_off_is_a_positive_part_of_a_day_on_the_step() {
        let s = Settings::default();
        assert!(rules(off(480).validate(&s, true)).is_empty());
        assert_eq!(rules(off(0).validate(&s, true)), [("minutes".into(), Rule::Range)]);
        assert_eq!(rules(off(1500).validate(&s, true)), [("minutes".into(), Rule::Range)]);
        assert_eq!(
            rules(off(50).validate(&s, false)),
            [
                ("minutes".into(), Rule::RoundingStep),
                ("date".into(), Rule::Employment)
            ]
        );
    }

    #[test]
    fn requests_are_decided_once_and_rejections_need_reasons() {
        use TimeOffStatus::*;
        assert_eq!(Requested.decide(&TimeOffDecision::Approve).unwrap(), Approved);
        let no_reason = TimeOffDecision::Reject { reason: " ".into() };
        assert_eq!(
            rules(Requested.decide(&no_reason).map(drop)),
            [("reason".into(), Rule::Required)]
        );
        let why = TimeOffDecision::Reject {
            reason: "team offsite".into(),
        };
        assert_eq!(Requested.decide(&why).unwrap(), Rejected);
        for s in [Approved, Rejected] {
            let err = s.decide(&TimeOffDecision::Approve).unwrap_err();
            assert!(
                matches!(err, Error::Conflict(ref f) if f.rule == Rule::AlreadyDecided),
                "{err}"
            );
        }
    }

    #[test]
    fn holidays_validate_names_and_part_days() {
        let h = Holiday {
            date: date!(2026 - 12 - 24),
            minutes: Some(Minutes(0)),
            name: " ".into(),
        };
        assert_eq!(
            rules(validate_holiday(&h, "holidays[0].")),
            [
                ("holidays[0].name".into(), Rule::Required),
                ("holidays[0].minutes".into(), Rule::Range)
            ]
        );
        let fields = CalendarFields {
            name: "UK".into(),
            region: "".into(),
        };
        assert_eq!(rules(fields.validate()), [("region".into(), Rule::Required)]);
    }
}
