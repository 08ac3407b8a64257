//! What a bulk load writes — the store's own batch types: the organisation's records with
//! their ids fixed in advance, and time in batches of whole people. `store::BulkStore`
//! takes these; the demo generator (and any other loader) makes them. Everything here is
//! valid by construction of its producer: the store checks no rules on this path.

use time::{Date, OffsetDateTime};

use crate::accounts::{AccountFields, NewContact};
use crate::assignments::AssignmentFields;
use crate::calendars::{CalendarFields, TimeOffStatus};
use crate::capacity::{Holiday, TimeOffKind};
use crate::dates::DateRange;
use crate::partners::PartnerFields;
use crate::people::PersonFields;
use crate::projects::ProjectFields;
use crate::time_entries::{EntryStatus, InternalCategory};
use crate::timesheet::IsoWeek;

/// A record with the id it will have in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded<T> {
    pub id: i64,
    pub fields: T,
}

/// The organisation without its time: small, held in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgRecords {
    pub partners: Vec<Seeded<PartnerFields>>,
    pub calendars: Vec<Seeded<CalendarFields>>,
    /// `(calendar id, holiday)`.
    pub holidays: Vec<(i64, Holiday)>,
    pub accounts: Vec<Seeded<AccountFields>>,
    pub contacts: Vec<Seeded<NewContact>>,
    /// Managers come before the people they manage.
    pub people: Vec<Seeded<PersonFields>>,
    pub projects: Vec<Seeded<ProjectFields>>,
    pub assignments: Vec<Seeded<AssignmentFields>>,
    /// Periods finance has closed.
    pub locked_periods: Vec<DateRange>,
    /// Rate cards: bill rates and standard costs.
    pub role_rates: Vec<Seeded<crate::rates::cards::RoleRateFields>>,
    /// People's cost rates.
    pub cost_rates: Vec<Seeded<crate::rates::cards::CostRateFields>>,
    pub fx_rates: Vec<Seeded<crate::rates::fx::FxRateFields>>,
    /// People's skills and certifications (what staffing matches on).
    pub person_skills: Vec<Seeded<crate::skills::NewPersonSkill>>,
    pub person_certifications: Vec<Seeded<crate::skills::NewPersonCertification>>,
}

/// One time entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkEntry {
    pub person_id: i64,
    pub project_id: Option<i64>,
    pub category: Option<InternalCategory>,
    pub date: Date,
    pub minutes: i64,
    pub billable: bool,
    pub note: Option<String>,
    pub status: EntryStatus,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One day (or part of one) off, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkTimeOff {
    pub person_id: i64,
    pub date: Date,
    pub minutes: i64,
    pub kind: TimeOffKind,
    pub note: Option<String>,
    pub status: TimeOffStatus,
    pub decided_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A submitted week (its latest submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkWeek {
    pub person_id: i64,
    pub week: IsoWeek,
    pub submitted_at: OffsetDateTime,
}

/// One project's (or the internal time's, `None`) entries of a week, approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkApproval {
    pub person_id: i64,
    pub week: IsoWeek,
    pub project_id: Option<i64>,
    pub approved_at: OffsetDateTime,
}

/// A rejection of one project's entries in a week, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRejection {
    pub person_id: i64,
    pub week: IsoWeek,
    pub project_id: Option<i64>,
    pub reason: String,
    pub rejected_at: OffsetDateTime,
    pub entries: i64,
}

/// The time of some people. A person's time is wholly inside one batch, so the store can
/// compute the rollup rows of a batch from the batch alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeBatch {
    pub entries: Vec<BulkEntry>,
    pub time_off: Vec<BulkTimeOff>,
    pub weeks: Vec<BulkWeek>,
    pub approvals: Vec<BulkApproval>,
    pub rejections: Vec<BulkRejection>,
}

impl TimeBatch {
    pub fn append(&mut self, mut other: TimeBatch) {
        self.entries.append(&mut other.entries);
        self.time_off.append(&mut other.time_off);
        self.weeks.append(&mut other.weeks);
        self.approvals.append(&mut other.approvals);
        self.rejections.append(&mut other.rejections);
    }
}

/// What a bulk load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadStats {
    pub partners: u64,
    pub calendars: u64,
    pub holidays: u64,
    pub accounts: u64,
    pub contacts: u64,
    pub people: u64,
    pub projects: u64,
    pub assignments: u64,
    /// Rate card lines, cost rates and FX rates.
    pub rates: u64,
    pub entries: u64,
    pub time_off: u64,
    pub weeks: u64,
    pub approvals: u64,
    pub rejections: u64,
    pub rollup_rows: u64,
}
