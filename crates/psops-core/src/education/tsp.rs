//! Training service partners: partners enrolled to deliver the company's courses. Each is
//! held to the programme's terms — enough certified trainers and courses by the end of a
//! ramp-up counted from the end of the quarter it enrolled in, a training CSAT floor, and
//! every delivery's registrations (its roster) and surveys in within a few days of the
//! class's end — and its compliance names what is missing.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::education::classes::ClassId;
use crate::finance::Month;
use crate::fiscal::FiscalCalendar;
use crate::partners::PartnerId;
use crate::rule::Rule;
use crate::validate::Checks;

/// The programme's terms, each a setting with the handbook's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TspSettings {
    /// Certified trainers a partner needs (2).
    #[schema(minimum = 1, maximum = 100)]
    pub min_trainers: i64,
    /// Courses its trainers are certified for, together (4).
    #[schema(minimum = 1, maximum = 100)]
    pub min_courses: i64,
    /// Months after the end of the enrolment quarter by which it has both (6).
    #[schema(minimum = 0, maximum = 36)]
    pub ramp_months: i64,
    /// The share of training survey answers scoring 4 or 5 it keeps, in percent (80).
    #[schema(minimum = 0, maximum = 100)]
    pub csat_floor_percent: i64,
    /// Days after a class ends by which its roster and surveys are in (30).
    #[schema(minimum = 1, maximum = 365)]
    pub paperwork_days: i64,
    /// Months of deliveries the CSAT and the paperwork are judged over (12).
    #[schema(minimum = 1, maximum = 36)]
    pub window_months: i64,
}

impl Default for TspSettings {
    fn default() -> Self {
        TspSettings {
            min_trainers: 2,
            min_courses: 4,
            ramp_months: 6,
            csat_floor_percent: 80,
            paperwork_days: 30,
            window_months: 12,
        }
    }
}

impl TspSettings {
    pub fn validate(&self, c: &mut Checks) {
        let terms = [
            ("training_partners.min_trainers", self.min_trainers, 1, 100),
            ("training_partners.min_courses", self.min_courses, 1, 100),
            ("training_partners.ramp_months", self.ramp_months, 0, 36),
            ("training_partners.csat_floor_percent", self.csat_floor_percent, 0, 100),
            ("training_partners.paperwork_days", self.paperwork_days, 1, 365),
            ("training_partners.window_months", self.window_months, 1, 36),
        ];
        for (field, value, low, high) in terms {
            c.check(
                (low..=high).contains(&value),
                field,
                Rule::Range,
                format!("{field} must be from {low} to {high}"),
            );
        }
    }

    /// The last day a partner enrolled on `enrolled_on` has to reach its trainers and
    /// courses: the end of the month `ramp_months` after its enrolment quarter ends.
    pub fn ramp_ends_on(&self, fiscal: &FiscalCalendar, enrolled_on: Date) -> Date {
        let quarter_end = fiscal.quarter_range(fiscal.quarter_of(enrolled_on)).end;
        let mut month = Month::of(quarter_end);
        for _ in 0..self.ramp_months {
            month = month.next();
        }
        month.last()
    }

    /// The first day of the deliveries judged on `as_of`: `window_months` before it.
    pub fn window_start(&self, as_of: Date) -> Date {
        crate::certifications::add_months(as_of, -self.window_months) + time::Duration::days(1)
    }
}

/// What the store counts for one partner on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TspFacts {
    /// The partner's people holding a course trainer certification current that day.
    pub trainers: i64,
    /// The courses those certifications cover together.
    pub courses: i64,
    /// Training surveys answered in the window on its trainers' classes, not counting
    /// learners employed by the partner itself.
    pub answers: i64,
    /// Of those, the answers scoring 4 or 5.
    pub satisfied: i64,
    /// Its trainers' classes ended in the window.
    pub delivered: i64,
    /// Of those, the ones whose roster or surveys were not in by the paperwork deadline
    /// (or still are not, past it), by end date.
    pub late: Vec<ClassId>,
}

/// Where a partner stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TspStatus {
    /// Every term met.
    Compliant,
    /// Still short of trainers or courses, with the ramp-up not over; nothing else wrong.
    RampingUp,
    /// A term missed.
    NotCompliant,
}

/// One of the programme's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TspTerm {
    Trainers,
    Courses,
    Csat,
    Paperwork,
}

/// A term: the partner's figure against what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TspCheck {
    pub term: TspTerm,
    pub met: bool,
    /// Trainers, courses, CSAT percent, or classes late; none for a CSAT with no answer.
    pub actual: Option<i64>,
    /// What is needed: at least this many trainers, courses or percent; at most this many
    /// late classes.
    pub required: i64,
    /// What is missing, in words; none when met.
    pub missing: Option<String>,
}

/// A training service partner's compliance on a day. Named apart in the API document:
/// `Compliance` there is a timesheet week's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = TrainingPartnerCompliance)]
pub struct Compliance {
    #[schema(value_type = i64)]
    pub partner_id: PartnerId,
    pub partner: String,
    pub enrolled_on: Date,
    /// The last day of the ramp-up for trainers and courses.
    pub ramp_ends_on: Date,
    pub as_of: Date,
    pub status: TspStatus,
    /// Classes its trainers delivered in the window.
    pub delivered: i64,
    /// Training surveys answered in the window, and those scoring 4 or 5.
    pub answers: i64,
    pub satisfied: i64,
    /// The late classes, by end date.
    #[schema(value_type = Vec<i64>)]
    pub late_classes: Vec<ClassId>,
    pub checks: Vec<TspCheck>,
}

impl Compliance {
    /// What is missing, each term's in words.
    pub fn missing(&self) -> Vec<&str> {
        self.checks.iter().filter_map(|c| c.missing.as_deref()).collect()
    }
}

/// A noun for a count: `one` for 1, `many` otherwise.
fn noun<'a>(n: i64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A partner's compliance on `as_of` from what the store counted.
pub fn assess(
    terms: &TspSettings,
    fiscal: &FiscalCalendar,
    partner: (PartnerId, String),
    enrolled_on: Date,
    as_of: Date,
    facts: TspFacts,
) -> Compliance {
    let ramp_ends_on = terms.ramp_ends_on(fiscal, enrolled_on);
    let ramping = as_of <= ramp_ends_on;
    let by = if ramping {
        format!(" by {ramp_ends_on}")
    } else {
        format!(" (was due by {ramp_ends_on})")
    };
    let floor = |term, have: i64, need: i64, (one, many): (&str, &str)| TspCheck {
        term,
        met: have >= need,
        actual: Some(have),
        required: need,
        missing: (have < need).then(|| {
            let short = need - have;
            format!("{short} more {} (has {have} of {need}){by}", noun(short, one, many))
        }),
    };
    let trainers = floor(
        TspTerm::Trainers,
        facts.trainers,
        terms.min_trainers,
        ("certified trainer", "certified trainers"),
    );
    let courses = floor(
        TspTerm::Courses,
        facts.courses,
        terms.min_courses,
        ("course", "courses"),
    );
    let percent = crate::certifications::reports::percent(facts.satisfied, facts.answers);
    let csat_met = percent.is_none_or(|p| p >= terms.csat_floor_percent);
    let csat = TspCheck {
        term: TspTerm::Csat,
        met: csat_met,
        actual: percent,
        required: terms.csat_floor_percent,
        missing: (!csat_met).then(|| {
            format!(
                "training CSAT {} % is below {} % ({} of {} answers scored 4 or 5)",
                percent.unwrap_or(0),
                terms.csat_floor_percent,
                facts.satisfied,
                facts.answers
            )
        }),
    };
    let late = facts.late.len() as i64;
    let paperwork = TspCheck {
        term: TspTerm::Paperwork,
        met: late == 0,
        actual: Some(late),
        required: 0,
        missing: (late > 0).then(|| {
            let ids: Vec<String> = facts.late.iter().take(5).map(|id| format!("#{id}")).collect();
            let more = if facts.late.len() > 5 { ", …" } else { "" };
            format!(
                "{late} {} without roster or surveys within {} days of delivery: {}{more}",
                noun(late, "class", "classes"),
                terms.paperwork_days,
                ids.join(", ")
            )
        }),
    };
    let status = if [&trainers, &courses, &csat, &paperwork].iter().all(|c| c.met) {
        TspStatus::Compliant
    } else if ramping && csat.met && paperwork.met {
        TspStatus::RampingUp
    } else {
        TspStatus::NotCompliant
    };
    Compliance {
        partner_id: partner.0,
        partner: partner.1,
        enrolled_on,
        ramp_ends_on,
        as_of,
        status,
        delivered: facts.delivered,
        answers: facts.answers,
        satisfied: facts.satisfied,
        late_classes: facts.late,
        checks: vec![trainers, courses, csat, paperwork],
    }
}

/// Whether a class's paperwork missed its deadline, seen on `as_of`: its roster (the
/// registrations and attendance) or its first survey in more than `days` after the class
/// ended, or the roster still not in past that.
pub fn late(ended: Date, roster_on: Option<Date>, surveys_on: Option<Date>, as_of: Date, days: i64) -> bool {
    let due = ended + time::Duration::days(days);
    match roster_on {
        None => as_of > due,
        Some(on) => on > due || surveys_on.is_some_and(|s| s > due),
    }
}

/// Training service partners' compliance, as the store counts it.
#[async_trait::async_trait]
pub trait TspStore: Send + Sync {
    /// The compliance on `as_of` of every live partner enrolled as a training service
    /// partner by that day (or only `partner`), by name.
    async fn tsp_compliance(
        &self,
        terms: &TspSettings,
        fiscal: &FiscalCalendar,
        as_of: Date,
        partner: Option<PartnerId>,
    ) -> crate::Result<Vec<Compliance>>;
}

#[cfg(test)]
#[path = "tsp_tests.rs"]
mod tests;
