//! The demo organisation: a realistic, deterministic PS organisation — people across
//! the handbook's functions in three regions with their holiday calendars, two partner
//! organisations, customers and their contacts, projects in every status, assignments,
//! and years of time, time off and timesheets that look real. The same seed gives the
//! same organisation; time is produced as a stream of batches, so ten million entries
//! never sit in memory at once. Pure: no I/O; `install` writes it through the store.
#![forbid(unsafe_code)]

mod catalog;
pub mod certifications;
mod delivery_acceptance;
mod delivery_csat;
mod delivery_escalations;
mod delivery_health;
mod delivery_notifications;
mod education;
mod finance;
mod install;
mod names;
mod org;
mod org_projects;
mod partner_funds;
mod partner_invoices;
pub mod partners;
mod rates;
mod rng;
mod scoping;
mod scoping_changes;
mod scoping_docs;
mod scoping_plan;
mod skills;
mod staffing;
mod time_gen;
pub mod vetting;

#[cfg(test)]
mod scoping_tests;
#[cfg(test)]
mod tests;

use time::{Date, Duration};

use psops_core::auth::Role;
use psops_core::bulk::{OrgRecords, TimeBatch};
use psops_core::dates::DateRange;
use psops_core::rule::Rule;
use psops_core::validate::Checks;
use psops_core::{Error, Result};

pub use install::{DemoUser, install};
pub use rng::Rng;
pub use scoping::PROVIDER_NAME;
pub use scoping_changes::REJECTED_BECAUSE as CHANGE_REJECTED_BECAUSE;

/// How big an organisation to make, from which seed, up to which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    /// People in the organisation, partner consultants included (at least 12).
    pub people: usize,
    /// Years of time ending on `end`.
    pub years: u32,
    pub seed: u64,
    /// The last day with time: "today" of the demo. Its week is the current, draft week.
    pub end: Date,
}

impl DemoSpec {
    pub const DEFAULT_PEOPLE: usize = 60;
    pub const MIN_PEOPLE: usize = 12;
    pub const MAX_PEOPLE: usize = 100_000;
    pub const MAX_YEARS: u32 = 10;

    /// The default organisation (60 people, one year, seed 42) ending on `end`.
    pub fn new(end: Date) -> DemoSpec {
        DemoSpec {
            people: Self::DEFAULT_PEOPLE,
            years: 1,
            seed: 42,
            end,
        }
    }

    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            (Self::MIN_PEOPLE..=Self::MAX_PEOPLE).contains(&self.people),
            "people",
            Rule::Range,
            format!("people must be from {} to {}", Self::MIN_PEOPLE, Self::MAX_PEOPLE),
        );
        c.check(
            (1..=Self::MAX_YEARS).contains(&self.years),
            "years",
            Rule::Range,
            format!("years must be from 1 to {}", Self::MAX_YEARS),
        );
        c.check(
            (2000..=9000).contains(&self.end.year()),
            "end",
            Rule::Range,
            "end must lie between the years 2000 and 9000",
        );
        c.into_result()
    }

    /// The days that carry time: `years` × 365 days ending on `end`.
    pub fn range(&self) -> DateRange {
        DateRange {
            start: self.end - Duration::days(i64::from(self.years) * 365 - 1),
            end: self.end,
        }
    }
}

/// A generated organisation: its records, and a plan from which its time is streamed.
#[derive(Debug, Clone)]
pub struct DemoOrg {
    spec: DemoSpec,
    built: org::Built,
}

impl DemoOrg {
    pub fn generate(spec: DemoSpec) -> Result<DemoOrg> {
        spec.validate()?;
        let built = org::build(&spec);
        if built.records.people.len() != spec.people {
            return Err(Error::internal("the demo generator made the wrong number of people"));
        }
        Ok(DemoOrg { spec, built })
    }

    pub fn spec(&self) -> &DemoSpec {
        &self.spec
    }

    pub fn records(&self) -> &OrgRecords {
        &self.built.records
    }

    /// Every partner's prime SOWs and the work authorizations drawn on them.
    pub(crate) fn partner_funds(&self) -> Vec<partner_funds::Planned> {
        partner_funds::plan(&self.built)
    }

    /// One user per role, linked to a fitting person (see `install`).
    pub fn users(&self) -> &[DemoUser] {
        &self.built.users
    }

    /// The time of `people_per_batch` people at a time, in person order.
    pub fn time_batches(&self, people_per_batch: usize) -> TimeBatches<'_> {
        TimeBatches {
            org: self,
            next: 0,
            per_batch: people_per_batch.max(1),
        }
    }

    /// All the time of one person (by position in `records().people`).
    fn person_time(&self, index: usize) -> TimeBatch {
        time_gen::person_time(&self.built, &self.built.plans[index], self.spec.seed)
    }
}

/// The stream of time batches; see `DemoOrg::time_batches`.
pub struct TimeBatches<'a> {
    org: &'a DemoOrg,
    next: usize,
    per_batch: usize,
}

impl Iterator for TimeBatches<'_> {
    type Item = TimeBatch;

    fn next(&mut self) -> Option<TimeBatch> {
        let total = self.org.built.plans.len();
        if self.next >= total {
            return None;
        }
        let end = (self.next + self.per_batch).min(total);
        let mut batch = TimeBatch::default();
        for i in self.next..end {
            batch.append(self.org.person_time(i));
        }
        self.next = end;
        Some(batch)
    }
}

/// The roles a demo user is made for, in the order they are printed.
pub const DEMO_ROLES: [Role; 10] = [
    Role::Admin,
    Role::Ops,
    Role::Finance,
    Role::PracticeManager,
    Role::EngagementManager,
    Role::ProjectManager,
    Role::Consultant,
    Role::PartnerManager,
    Role::PartnerConsultant,
    Role::Leadership,
];
