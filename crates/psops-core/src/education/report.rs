//! The education report over a range of days: per calendar quarter, the classes delivered
//! (completed, counted in the quarter of their last day), the seats they offered (12 plus
//! add-on seats) and filled (registrations not cancelled), the fill rate, the learners
//! who attended and the training revenue recognition placed in the quarter's months; per
//! trainer, the classes and class days delivered, utilization (class-day hours over their
//! capacity in the range) and training CSAT (the share of 4–5 answers among the training
//! surveys of their classes, leaving out learners of the trainer's own organisation).
//! The store reads the facts in a few grouped queries; the figures are worked out here.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Serialize;
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::accounts::AccountId;
use crate::certifications::reports::percent;
use crate::certifications::trainer_paths::own_organisation;
use crate::dates::DateRange;
use crate::education::classes::{ClassId, seats_for};
use crate::finance::Month;
use crate::fiscal::{FiscalCalendar, FiscalQuarter};
use crate::partners::PartnerId;
use crate::people::PersonId;
use crate::rule::Rule;
use crate::{Currency, Error, Result};

/// The most calendar quarters one report covers: two years side by side, read in a few
/// grouped queries; a longer range is refused rather than paged.
pub const MAX_QUARTERS: usize = 8;

/// How many quarters the report covers when no range is given: this one and the three
/// before it.
pub const DEFAULT_QUARTERS: i64 = 4;

/// Education plans by calendar quarters, whatever month the fiscal year starts in.
const CALENDAR: FiscalCalendar = FiscalCalendar { start_month: 1 };

/// Whose trainers the report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrainerScope {
    #[default]
    All,
    /// Only this partner organisation's trainers (and their classes' figures).
    Partner(PartnerId),
}

/// A calendar quarter as a label, `2026-Q1`.
pub fn quarter_label(q: FiscalQuarter) -> String {
    format!("{}-Q{}", q.year, q.quarter)
}

/// The range the report covers when not told: from the first day of the quarter three
/// before today's, to today.
pub fn default_from(to: Date) -> Date {
    let q = CALENDAR.quarter_of(to);
    let first = CALENDAR.quarter_range(q).start;
    crate::certifications::add_months(first, -3 * (DEFAULT_QUARTERS - 1))
}

/// The range asked for: `to` on or after `from`, within [`MAX_QUARTERS`] calendar quarters.
pub fn check_range(from: Date, to: Date) -> Result<DateRange> {
    if to < from {
        return Err(Error::invalid("to", Rule::AfterStart, "to must be on or after from"));
    }
    let range = DateRange { start: from, end: to };
    let n = quarters(range).len();
    if n > MAX_QUARTERS {
        return Err(Error::invalid(
            "to",
            Rule::Span,
            format!("the report covers at most {MAX_QUARTERS} calendar quarters; {from} to {to} spans {n}"),
        ));
    }
    Ok(range)
}

/// One calendar quarter of the range, cut to the range at either end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterSpan {
    pub quarter: FiscalQuarter,
    pub range: DateRange,
}

/// The calendar quarters the range touches, first to last, each cut to the range.
pub fn quarters(range: DateRange) -> Vec<QuarterSpan> {
    let mut out = Vec::new();
    let mut day = range.start;
    while day <= range.end {
        let quarter = CALENDAR.quarter_of(day);
        let whole = CALENDAR.quarter_range(quarter);
        let end = whole.end.min(range.end);
        out.push(QuarterSpan {
            quarter,
            range: DateRange { start: day, end },
        });
        // Past the quarters a report may hold, counting on is pointless: the range is refused.
        if out.len() > MAX_QUARTERS {
            break;
        }
        match end.checked_add(Duration::days(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// A completed class as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredClass {
    pub class_id: ClassId,
    pub trainer_id: PersonId,
    pub start_date: Date,
    pub end_date: Date,
    pub addon_seats: i32,
    /// Registrations not cancelled.
    pub filled: i64,
    /// Registrations not cancelled with at least one day attended.
    pub attending: i64,
    /// The minutes of the trainer's working day under their capacity rules: what one class
    /// day takes of their capacity.
    pub day_minutes: i64,
}

impl DeliveredClass {
    pub fn days(&self) -> i64 {
        DateRange {
            start: self.start_date,
            end: self.end_date,
        }
        .days()
    }
}

/// Answered training surveys of one trainer's classes from learners of one organisation
/// (an account, a partner, or — neither — the company itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyGroup {
    pub trainer_id: PersonId,
    pub respondent_account_id: Option<AccountId>,
    pub respondent_partner_id: Option<PartnerId>,
    pub answered: i64,
    /// Answers scoring 4 or 5.
    pub satisfied: i64,
}

/// A trainer as the report names them, with their capacity in the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainerFacts {
    pub trainer_id: PersonId,
    pub name: String,
    /// Their own organisation: a partner, or none for the company's people.
    pub partner_id: Option<PartnerId>,
    pub partner: Option<String>,
    /// Available minutes in the range, as the utilization report computes them.
    pub capacity_minutes: i64,
}

/// Everything the store reads for one report.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub range: DateRange,
    pub currency: Currency,
    pub classes: Vec<DeliveredClass>,
    /// Training revenue recognised per month, in the reporting currency.
    pub revenue: Vec<(Month, i64)>,
    pub surveys: Vec<SurveyGroup>,
    pub trainers: Vec<TrainerFacts>,
}

/// One calendar quarter's figures (or the range's total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuarterFigures {
    /// `2026-Q1`, or `total`.
    pub quarter: String,
    /// The quarter's days within the range.
    pub start: Date,
    pub end: Date,
    /// Classes completed whose last day falls in the quarter.
    pub classes: i64,
    /// Their seats: 12 each plus the add-on seats sold.
    pub seats_offered: i64,
    /// Their registrations not cancelled.
    pub seats_filled: i64,
    /// Seats filled per seat offered, in whole percent; none without classes.
    pub fill_rate: Option<i64>,
    /// Registrations not cancelled that attended at least one day.
    pub learners_attending: i64,
    /// Training revenue recognition placed in the quarter's months, in minor units of the
    /// reporting currency.
    pub revenue_minor: i64,
}

impl QuarterFigures {
    fn empty(quarter: String, range: DateRange) -> Self {
        Self {
            quarter,
            start: range.start,
            end: range.end,
            classes: 0,
            seats_offered: 0,
            seats_filled: 0,
            fill_rate: None,
            learners_attending: 0,
            revenue_minor: 0,
        }
    }

    fn add_class(&mut self, c: &DeliveredClass) {
        self.classes += 1;
        self.seats_offered += i64::from(seats_for(c.addon_seats));
        self.seats_filled += c.filled;
        self.learners_attending += c.attending;
    }

    fn finish(mut self) -> Self {
        self.fill_rate = percent(self.seats_filled, self.seats_offered);
        self
    }
}

/// One trainer's figures over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrainerFigures {
    #[schema(value_type = i64)]
    pub trainer_id: PersonId,
    pub name: String,
    /// The partner a partner's trainer works for; none for the company's people.
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<PartnerId>,
    pub partner: Option<String>,
    /// Classes completed in the range (by their last day).
    pub classes: i64,
    /// Their days, first to last.
    pub class_days: i64,
    /// The class days as working-day minutes.
    pub class_minutes: i64,
    /// Available minutes in the range, as the utilization report has them.
    pub capacity_minutes: i64,
    /// Class minutes per capacity minute, in whole percent; none without capacity.
    pub utilization: Option<i64>,
    /// Answered surveys of their classes that count (not from their own organisation).
    pub surveys_answered: i64,
    /// Of those, answers of 4 or 5.
    pub surveys_satisfied: i64,
    /// Answers left out: from learners employed by the trainer's own organisation.
    pub surveys_excluded: i64,
    /// Satisfied per counted answer, in whole percent; none without counted answers.
    pub csat: Option<i64>,
}

crate::sort_columns!(
    /// The order the report's trainers list in on the page.
    TrainerSort { Trainer, Partner, Classes, Days, Utilization, Csat }
);

impl TrainerFigures {
    /// What a sort compares: a figure (none sorts last) and then the label.
    pub fn sort_key(&self, key: TrainerSort) -> (Option<i64>, &str) {
        match key {
            TrainerSort::Trainer => (None, &self.name),
            TrainerSort::Partner => (None, self.partner.as_deref().unwrap_or("")),
            TrainerSort::Classes => (Some(self.classes), &self.name),
            TrainerSort::Days => (Some(self.class_days), &self.name),
            TrainerSort::Utilization => (self.utilization, &self.name),
            TrainerSort::Csat => (self.csat, &self.name),
        }
    }
}

/// The education report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EducationReport {
    pub from: Date,
    pub to: Date,
    /// The reporting currency revenue is in.
    pub currency: Currency,
    pub quarters: Vec<QuarterFigures>,
    /// The range's figures added up.
    pub total: QuarterFigures,
    /// Every trainer with a class delivered in the range, by name.
    pub trainers: Vec<TrainerFigures>,
}

/// The report from what the store read.
pub fn build(i: Inputs) -> EducationReport {
    let spans = quarters(i.range);
    let mut rows: Vec<QuarterFigures> = spans
        .iter()
        .map(|s| QuarterFigures::empty(quarter_label(s.quarter), s.range))
        .collect();
    let mut total = QuarterFigures::empty("total".into(), i.range);
    let at = |q: FiscalQuarter| spans.iter().position(|s| s.quarter == q);
    for c in &i.classes {
        if let Some(k) = at(CALENDAR.quarter_of(c.end_date)) {
            rows[k].add_class(c);
            total.add_class(c);
        }
    }
    for (month, minor) in &i.revenue {
        if let Some(k) = at(CALENDAR.quarter_of(month.first())) {
            rows[k].revenue_minor += minor;
            total.revenue_minor += minor;
        }
    }
    let mut trainers: BTreeMap<PersonId, TrainerFigures> = BTreeMap::new();
    let facts: BTreeMap<PersonId, &TrainerFacts> = i.trainers.iter().map(|t| (t.trainer_id, t)).collect();
    for c in &i.classes {
        let t = trainers
            .entry(c.trainer_id)
            .or_insert_with(|| trainer_row(c.trainer_id, &facts));
        t.classes += 1;
        t.class_days += c.days();
        t.class_minutes += c.days() * c.day_minutes;
    }
    for g in &i.surveys {
        let Some(t) = trainers.get_mut(&g.trainer_id) else {
            continue;
        };
        let own_partner = facts.get(&g.trainer_id).and_then(|f| f.partner_id);
        if own_organisation(g.respondent_account_id, g.respondent_partner_id, own_partner) {
            t.surveys_excluded += g.answered;
        } else {
            t.surveys_answered += g.answered;
            t.surveys_satisfied += g.satisfied;
        }
    }
    let mut trainers: Vec<TrainerFigures> = trainers
        .into_values()
        .map(|mut t| {
            t.utilization = percent(t.class_minutes, t.capacity_minutes);
            t.csat = percent(t.surveys_satisfied, t.surveys_answered);
            t
        })
        .collect();
    trainers.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.trainer_id.cmp(&b.trainer_id))
    });
    EducationReport {
        from: i.range.start,
        to: i.range.end,
        currency: i.currency,
        quarters: rows.into_iter().map(QuarterFigures::finish).collect(),
        total: total.finish(),
        trainers,
    }
}

fn trainer_row(id: PersonId, facts: &BTreeMap<PersonId, &TrainerFacts>) -> TrainerFigures {
    let f = facts.get(&id);
    TrainerFigures {
        trainer_id: id,
        name: f.map_or_else(|| format!("person {id}"), |f| f.name.clone()),
        partner_id: f.and_then(|f| f.partner_id),
        partner: f.and_then(|f| f.partner.clone()),
        classes: 0,
        class_days: 0,
        class_minutes: 0,
        capacity_minutes: f.map_or(0, |f| f.capacity_minutes),
        utilization: None,
        surveys_answered: 0,
        surveys_satisfied: 0,
        surveys_excluded: 0,
        csat: None,
    }
}

#[async_trait]
pub trait EducationReportStore: Send + Sync {
    /// The education report over `range` (see [`check_range`]) for the trainers in `scope`.
    async fn education_report(&self, range: DateRange, scope: TrainerScope) -> Result<EducationReport>;
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
