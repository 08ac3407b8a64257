//! What the time-reporting store hands back beyond the pure calculations: who acts on a
//! timesheet, rejections and locked periods as stored, the compliance report, report
//! filters, the integer keys rollups are cut by and the differences `verify` finds.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::auth::UserId;
use crate::dates::DateRange;
use crate::id::Id;
use crate::partners::PartnerId;
use crate::people::{Function, PersonId};
use crate::projects::ProjectId;
use crate::timesheet::{Compliance, IsoWeek};

pub type RejectionId = Id<Rejection>;
pub type ReminderId = Id<Reminder>;
pub type LockedPeriodId = Id<LockRecord>;

/// Who asks for a timesheet step, as authorization established it. The store works out
/// the `timesheet::ActorFacts` of each entry from this: the owner is the entry's person;
/// the approver is the project's PM (for internal time, the person's manager), or anyone
/// the authorization policy lets approve every timesheet (ops, admin).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimesheetActor {
    pub person_id: Option<PersonId>,
    pub approves_all: bool,
    /// Whether they may approve their own time (an administrator).
    pub approves_own: bool,
}

impl TimesheetActor {
    /// Whether they approve `owner`'s time whose approver is `approver` (the project's PM,
    /// or for internal time the person's manager): the approver or ops, never the owner
    /// unless they approve their own.
    pub fn approves(&self, owner: PersonId, approver: Option<PersonId>) -> bool {
        let mine = self.person_id == Some(owner);
        (self.approves_all || (approver.is_some() && self.person_id == approver)) && (!mine || self.approves_own)
    }
}

/// A project's entries in a person's week approved: when, and by whom (the last time, if
/// some were sent back and approved again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WeekApproval {
    /// Absent for internal time.
    pub project_id: Option<ProjectId>,
    pub approved_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub approved_at: OffsetDateTime,
}

/// A project's entries in a person's week sent back to draft, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Rejection {
    pub id: RejectionId,
    pub person_id: PersonId,
    pub week: IsoWeek,
    /// Absent for internal time.
    pub project_id: Option<ProjectId>,
    pub reason: String,
    pub rejected_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub rejected_at: OffsetDateTime,
    /// How many entries went back to draft.
    pub entries: i64,
}

/// A nudge to a person about one week's timesheet. Each is also a notification in the
/// outbox, mailed to the person when an SMTP server is configured; `mailed` is true once
/// the SMTP server took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reminder {
    pub id: ReminderId,
    pub person_id: PersonId,
    pub week: IsoWeek,
    pub message: String,
    pub sent_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    pub mailed: bool,
}

impl Reminder {
    /// The words of a reminder about a week due on `due`.
    pub fn message_for(week: IsoWeek, due: Date) -> String {
        format!(
            "Your timesheet for the week of {} was due on {}. Please fill it in and submit it.",
            crate::dates::spoken(week.monday()),
            crate::dates::spoken(due)
        )
    }

    /// A message must say something, in at most 1,000 characters.
    pub fn check(message: &str) -> crate::Result<()> {
        let mut c = crate::validate::Checks::new();
        c.text(message, "message", 1000);
        c.into_result()
    }
}

/// Submitted minutes waiting for approval in one person's ISO week on one project
/// (internal time has no project and is approved by ops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub person_id: PersonId,
    pub project_id: Option<ProjectId>,
    pub week: IsoWeek,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub entries: i64,
}

/// A period finance closed, who closed it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LockRecord {
    pub id: LockedPeriodId,
    pub range: DateRange,
    pub locked_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub locked_at: OffsetDateTime,
}

/// Which people a utilization report covers; absent fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct UtilizationFilter {
    pub person_id: Option<PersonId>,
    pub function: Option<Function>,
    pub region: Option<String>,
    pub manager_id: Option<PersonId>,
    pub partner_id: Option<PartnerId>,
    /// Whom the one asking may see (`ListKind::Figures`): cuts every other filter.
    pub scope: crate::scope::ListScope,
}

/// One person's week in the compliance report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ComplianceRow {
    pub person_id: PersonId,
    pub name: String,
    pub manager_id: Option<PersonId>,
    #[schema(value_type = Option<String>, format = Date)]
    pub submitted_on: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub approved_on: Option<Date>,
    pub status: Compliance,
    /// Sent back by an approver and not submitted again since.
    pub rejected: bool,
}

crate::sort_columns!(
    /// How the approvals queue sorts the lines inside each project: by person (the
    /// default), week or hours.
    WaitingSort { Person, Week, Hours }
);

crate::sort_columns!(
    /// The columns a compliance list sorts by; by default the late first.
    ComplianceSort { Status, Person, Submitted, Approved }
);

impl ComplianceRow {
    /// The figure a sort column orders by (the person's name sorts as the label).
    pub fn figure(&self, key: ComplianceSort) -> Option<i64> {
        match key {
            ComplianceSort::Status => Some(i64::from(self.status.urgency())),
            ComplianceSort::Person => None,
            ComplianceSort::Submitted => self.submitted_on.map(|d| i64::from(d.to_julian_day())),
            ComplianceSort::Approved => self.approved_on.map(|d| i64::from(d.to_julian_day())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ComplianceReport {
    pub week: IsoWeek,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    #[schema(value_type = String, format = Date)]
    pub as_of: Date,
    pub rows: Vec<ComplianceRow>,
}

impl ComplianceRow {
    /// Late or missing with nothing submitted, or sent back and not submitted again: the
    /// cases where the person must act, so a reminder is for them.
    pub fn needs_reminder(&self) -> bool {
        self.status != Compliance::OnTime
            && self.status != Compliance::NotDue
            && (self.submitted_on.is_none() || self.rejected)
    }
}

impl ComplianceReport {
    /// Who a reminder is for ([`ComplianceRow::needs_reminder`]), of `only` when given.
    pub fn to_remind(&self, only: Option<&[PersonId]>) -> Vec<PersonId> {
        self.rows
            .iter()
            .filter(|r| r.needs_reminder() && only.is_none_or(|o| o.contains(&r.person_id)))
            .map(|r| r.person_id)
            .collect()
    }

    /// Only the people whose figures `scope` lets its subject read (a project manager:
    /// themselves and their reports).
    pub fn within(mut self, scope: &crate::scope::ListScope) -> Self {
        self.rows.retain(|r| {
            scope.admits(&crate::policy::Resource::Figures {
                person_id: r.person_id,
                partner_id: None,
                manager_id: r.manager_id,
            })
        });
        self
    }
}

/// The figures one rollup row holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RollupFigures {
    pub minutes: i64,
    pub billable_minutes: i64,
    /// Always 0 in the monthly rollup, which does not keep it.
    pub approved_minutes: i64,
}

/// A rollup row that differs from what the raw entries add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RollupDifference {
    /// `day`, `week` or `month`.
    pub rollup: String,
    pub person_id: PersonId,
    /// Days since 1970-01-01 for `day`, the day number of the Monday for `week`,
    /// `year × 12 + month − 1` for `month`.
    pub key: i64,
    /// 0 for internal time; always 0 in the weekly and monthly rollups.
    pub project_id: i64,
    /// The internal category code; empty for project time and in the weekly and monthly
    /// rollups.
    pub category: String,
    pub expected: RollupFigures,
    pub stored: RollupFigures,
}

/// `year × 12 + month − 1`: consecutive months are consecutive integers.
pub fn month_key(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1
}

/// The first and last day of the month a `month_key` names.
pub fn month_range(key: i64) -> Option<DateRange> {
    let year = i32::try_from(key.div_euclid(12)).ok()?;
    let month = time::Month::try_from(u8::try_from(key.rem_euclid(12) + 1).ok()?).ok()?;
    let start = Date::from_calendar_date(year, month, 1).ok()?;
    let end = Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()?;
    Some(DateRange { start, end })
}

/// `year × 100 + week`, e.g. 202648: an ISO week as one sortable integer.
pub fn week_key(w: IsoWeek) -> i64 {
    i64::from(w.year) * 100 + i64::from(w.week)
}

pub fn week_from_key(key: i64) -> Option<IsoWeek> {
    let year = i32::try_from(key / 100).ok()?;
    IsoWeek::new(year, u8::try_from(key % 100).ok()?).ok()
}

/// A range cut into whole calendar months (as month keys) and the days at either edge
/// that do not fill a month, so reports read the coarse rollup wherever they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeCut {
    pub months: Option<(i64, i64)>,
    pub edges: Vec<DateRange>,
}

pub fn cut_by_month(range: DateRange) -> RangeCut {
    let first = month_key(range.start);
    let last = month_key(range.end);
    let first_full = if range.start.day() == 1 { first } else { first + 1 };
    let last_full = match range.end.next_day() {
        Some(next) if next.day() == 1 => last,
        None => last,
        _ => last - 1,
    };
    if first_full > last_full {
        return RangeCut {
            months: None,
            edges: vec![range],
        };
    }
    let mut edges = Vec::new();
    if let Some(m) = month_range(first_full).filter(|m| m.start > range.start) {
        edges.push(DateRange {
            start: range.start,
            end: m.start.previous_day().unwrap_or(m.start),
        });
    }
    if let Some(m) = month_range(last_full).filter(|m| m.end < range.end) {
        edges.push(DateRange {
            start: m.end.next_day().unwrap_or(m.end),
            end: range.end,
        });
    }
    RangeCut {
        months: Some((first_full, last_full)),
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::date;

    fn r(a: Date, b: Date) -> DateRange {
        DateRange::new(a, b).unwrap()
    }

    #[test]
    fn keys_round_trip() {
        assert_eq!(month_key(date!(2026 - 01 - 15)), 2026 * 12);
        assert_eq!(
            month_range(2026 * 12 + 1).unwrap(),
            r(date!(2026 - 02 - 01), date!(2026 - 02 - 28))
        );
        let w = IsoWeek::new(2026, 48).unwrap();
        assert_eq!(week_key(w), 202_648);
        assert_eq!(week_from_key(202_648), Some(w));
        assert_eq!(week_from_key(202_699), None);
    }

    #[test]
    fn a_quarter_is_three_whole_months_and_odd_ranges_keep_their_edges() {
        let q = cut_by_month(r(date!(2026 - 01 - 01), date!(2026 - 03 - 31)));
        assert_eq!(q.months, Some((2026 * 12, 2026 * 12 + 2)));
        assert!(q.edges.is_empty());
        let odd = cut_by_month(r(date!(2026 - 01 - 15), date!(2026 - 04 - 02)));
        assert_eq!(odd.months, Some((2026 * 12 + 1, 2026 * 12 + 2)));
        assert_eq!(
            odd.edges,
            [
                r(date!(2026 - 01 - 15), date!(2026 - 01 - 31)),
                r(date!(2026 - 04 - 01), date!(2026 - 04 - 02))
            ]
        );
        let inside = cut_by_month(r(date!(2026 - 02 - 02), date!(2026 - 02 - 27)));
        assert_eq!(inside.months, None);
        assert_eq!(inside.edges.len(), 1);
    }

    proptest! {
        #[test]
        fn a_cut_covers_every_day_once(start in 0i64..3000, len in 0i64..500) {
            let s = date!(2020 - 01 - 01) + Duration::days(start);
            let range = r(s, s + Duration::days(len));
            let cut = cut_by_month(range);
            let mut days: i64 = cut.edges.iter().map(DateRange::days).sum();
            if let Some((a, b)) = cut.months {
                for k in a..=b {
                    let m = month_range(k).unwrap();
                    prop_assert!(range.contains(m.start) && range.contains(m.end));
                    days += m.days();
                }
            }
            prop_assert_eq!(days, range.days());
            for e in &cut.edges {
                prop_assert!(range.contains(e.start) && range.contains(e.end));
            }
        }
    }
}
