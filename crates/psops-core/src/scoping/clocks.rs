//! Service-level clocks. Each runs from one event to another and is due a number of
//! business hours after it starts: hours count on the engagement manager's working days
//! (weekdays that are not holidays of their region's calendar), all 24 of them, and stop
//! on weekends and holidays — so 72 hours is three business days, as the handbook's older
//! page puts it. Days are UTC days.

use std::collections::BTreeSet;

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, Time, Weekday};
use utoipa::ToSchema;

use super::ScopingSettings;
use super::opportunities::{Event, Opportunity, Stamp};
use crate::code::Code;

/// The days a clock runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkDays {
    holidays: BTreeSet<Date>,
}

/// The most days a clock looks ahead for a working day; a calendar with none is broken.
const HORIZON_DAYS: i64 = 3_700;

impl WorkDays {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> WorkDays {
        WorkDays {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn works(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains(&d)
    }

    /// `start` plus `hours` of working days.
    pub fn add_hours(&self, start: OffsetDateTime, hours: i64) -> OffsetDateTime {
        let start = start.to_offset(time::UtcOffset::UTC);
        let mut left = Duration::hours(hours);
        let mut at = start;
        for _ in 0..HORIZON_DAYS {
            let next_day = at.date().next_day().map(|d| d.with_time(Time::MIDNIGHT).assume_utc());
            let Some(next_day) = next_day else { break };
            if self.works(at.date()) {
                let room = next_day - at;
                if left <= room {
                    return at + left;
                }
                left -= room;
            }
            at = next_day;
        }
        at
    }

    /// The working day `n` working days after `d` (`n` = 1: the next one).
    pub fn add_days(&self, d: Date, n: i64) -> Date {
        let mut at = d;
        let mut left = n;
        for _ in 0..HORIZON_DAYS {
            if left <= 0 {
                break;
            }
            let Some(next) = at.next_day() else { break };
            at = next;
            if self.works(at) {
                left -= 1;
            }
        }
        at
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClockKind {
    /// From creation to the EM's first action.
    FirstAction,
    /// From the scoping call to an estimate with the customer.
    Estimate,
    /// From intent to proceed to a draft SOW.
    DraftSow,
    /// From final content to a stamped SOW.
    StampedSow,
}

impl Code for ClockKind {
    const FIELD: &'static str = "clock";
}

impl ClockKind {
    pub fn events(self) -> (Event, Event) {
        match self {
            ClockKind::FirstAction => (Event::Created, Event::FirstAction),
            ClockKind::Estimate => (Event::ScopingCall, Event::EstimateShared),
            ClockKind::DraftSow => (Event::IntentToProceed, Event::SowDrafted),
            ClockKind::StampedSow => (Event::FinalContent, Event::SowStamped),
        }
    }

    pub fn hours(self, s: &ScopingSettings) -> i64 {
        match self {
            ClockKind::FirstAction => s.first_action_hours,
            ClockKind::Estimate => s.estimate_hours,
            ClockKind::DraftSow => s.draft_sow_hours,
            ClockKind::StampedSow => s.stamped_sow_hours,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClockKind::FirstAction => "First action",
            ClockKind::Estimate => "Estimate to customer",
            ClockKind::DraftSow => "Draft SOW",
            ClockKind::StampedSow => "Stamped SOW",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClockStatus {
    /// Its start has not happened.
    NotStarted,
    /// Started, not yet due.
    Running,
    /// Started, past due, not stopped.
    Overdue,
    /// Stopped by its due time.
    Met,
    /// Stopped after its due time.
    Missed,
    /// The record closed before the clock stopped.
    Closed,
}

impl Code for ClockStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Clock {
    pub kind: ClockKind,
    pub hours: i64,
    pub started_at: Option<Stamp>,
    pub due_at: Option<Stamp>,
    pub stopped_at: Option<Stamp>,
    pub status: ClockStatus,
}

/// The four clocks of a scoping record at `now`.
pub fn clocks(o: &Opportunity, s: &ScopingSettings, days: &WorkDays, now: OffsetDateTime) -> Vec<Clock> {
    ClockKind::ALL
        .iter()
        .map(|&kind| {
            let (from, to) = kind.events();
            let hours = kind.hours(s);
            let started = o.event(from);
            let stopped = o.event(to);
            let due = started.map(|t| days.add_hours(t, hours));
            let status = match (due, stopped) {
                (None, _) => ClockStatus::NotStarted,
                (Some(d), Some(end)) if end <= d => ClockStatus::Met,
                (Some(_), Some(_)) => ClockStatus::Missed,
                (Some(_), None) if o.state.is_closed() => ClockStatus::Closed,
                (Some(d), None) if now > d => ClockStatus::Overdue,
                (Some(_), None) => ClockStatus::Running,
            };
            Clock {
                kind,
                hours,
                started_at: started.map(Stamp),
                due_at: due.map(Stamp),
                stopped_at: stopped.map(Stamp),
                status,
            }
        })
        .collect()
}

/// A clock past due on an open scoping record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Overdue {
    #[schema(value_type = i64)]
    pub opportunity_id: super::opportunities::OpportunityId,
    pub name: String,
    #[schema(value_type = Option<i64>)]
    pub engagement_manager_id: Option<crate::people::PersonId>,
    pub state: super::states::ScopingState,
    pub clock: ClockKind,
    pub due_at: Stamp,
}

/// Every overdue clock of these records at `now`, most overdue first; `days` gives each
/// engagement manager's working days (missing: weekdays only).
pub fn overdue(
    records: &[Opportunity],
    s: &ScopingSettings,
    days: &std::collections::HashMap<Option<crate::people::PersonId>, WorkDays>,
    now: OffsetDateTime,
) -> Vec<Overdue> {
    let weekdays = WorkDays::default();
    let mut out = Vec::new();
    for o in records {
        let em = o.fields.engagement_manager_id;
        for c in clocks(o, s, days.get(&em).unwrap_or(&weekdays), now) {
            if let (ClockStatus::Overdue, Some(due)) = (c.status, c.due_at) {
                out.push(Overdue {
                    opportunity_id: o.id,
                    name: o.fields.name.clone(),
                    engagement_manager_id: em,
                    state: o.state,
                    clock: c.kind,
                    due_at: due,
                });
            }
        }
    }
    out.sort_by_key(|o| (o.due_at, o.opportunity_id.get()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn hours_stop_on_weekends_and_holidays() {
        let days = WorkDays::new([date!(2026 - 12 - 08)]);
        // Friday 15:00 + 24 h: 9 h of Friday, then Monday 15:00.
        let fri = datetime!(2026-12-04 15:00 UTC);
        assert_eq!(days.add_hours(fri, 24), datetime!(2026-12-07 15:00 UTC));
        // + 48 h skips the Tuesday holiday: Wednesday 15:00.
        assert_eq!(days.add_hours(fri, 48), datetime!(2026-12-09 15:00 UTC));
        // Starting on a Saturday counts from Monday's midnight: Monday, (the Tuesday
        // holiday,) Wednesday and Thursday.
        assert_eq!(
            days.add_hours(datetime!(2026-12-05 10:00 UTC), 72),
            datetime!(2026-12-11 00:00 UTC)
        );
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let days = WorkDays::new([date!(2026 - 12 - 07)]);
        assert_eq!(days.add_days(date!(2026 - 12 - 04), 1), date!(2026 - 12 - 08));
        assert_eq!(days.add_days(date!(2026 - 12 - 04), 2), date!(2026 - 12 - 09));
        assert_eq!(days.add_days(date!(2026 - 12 - 04), 0), date!(2026 - 12 - 04));
    }
}
