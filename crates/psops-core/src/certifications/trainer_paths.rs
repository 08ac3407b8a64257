//! A trainer candidate's path to teaching a course, as a checklist with its evidence.
//!
//! The staff path (the company's people, subcontractors, train-the-trainer customers):
//! the candidate record, reviewing the course's resources, shadowing a certified trainer
//! of the course (not asked of a course's first trainers, who have nobody to shadow), a
//! train-the-trainer session, passing the course's certification, a dry
//! run of at least an hour, an observed subset delivery whose recorded scores average at
//! least 4 of 5, then a full delivery whose customer survey scores average at least 4.
//!
//! The channel-partner path: passing the course's certification, trainer credentials (a
//! year or more of training others, an educator certificate or another vendor's trainer
//! credential — any one), and two full deliveries whose survey scores together average at
//! least 4, both within two full fiscal quarters: from the path's start to the end of the
//! second quarter after the one it started in.
//!
//! Every survey score carries the respondent's organisation; scores from the trainer's
//! own organisation (the company for its own people, the partner for a partner's) do not
//! count. Completing the path certifies the trainer for the course ([`check_complete`]).

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::accounts::AccountId;
use crate::code::Code;
use crate::education::courses::CourseId;
use crate::education::trainers::TrainerPath;
use crate::fiscal::FiscalCalendar;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Result};

pub type TrainerCandidacyId = Id<TrainerCandidacy>;

/// The average a delivery's counted scores need, out of 5.
pub const PASSING_AVERAGE: i64 = 4;
/// The shortest dry run, in minutes.
pub const DRY_RUN_MINUTES: i64 = 60;
/// The training experience that counts as a credential, in months.
pub const EXPERIENCE_MONTHS: i64 = 12;
/// Scores one delivery may record (a large class's surveys and its observers).
pub const MAX_SCORES: usize = 200;
/// Deliveries one path may record.
pub const MAX_DELIVERIES: usize = 20;

/// What a delivery on the path was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryKind {
    /// Part of the course taught under a certified trainer's observation.
    ObservedSubset,
    /// The whole course taught to customers.
    Full,
}

impl Code for DeliveryKind {
    const FIELD: &'static str = "kind";
}

/// Who gave a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ScoreSource {
    /// The observing trainer's score of an observed delivery.
    Observer,
    /// A learner's survey answer.
    Survey,
}

impl Code for ScoreSource {
    const FIELD: &'static str = "source";
}

/// One recorded score, 1 to 5, with the organisation of whoever gave it: a customer
/// account, a partner, or (neither) the company itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedScore {
    #[schema(minimum = 1, maximum = 5)]
    pub score: i64,
    pub source: ScoreSource,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub respondent_account_id: Option<AccountId>,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub respondent_partner_id: Option<PartnerId>,
}

/// A delivery recorded on the path, with its scores and evidence (a link, a class).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub kind: DeliveryKind,
    pub delivered_on: Date,
    #[serde(default)]
    pub evidence: Option<String>,
    pub scores: Vec<RecordedScore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidacyFields {
    /// The trainer candidate.
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    pub path: TrainerPath,
    /// The day the candidate record was opened: the path's start.
    pub started_on: Date,
    /// Staff path: the day the candidate finished reviewing the course's resources.
    #[serde(default)]
    pub resources_reviewed_on: Option<Date>,
    /// Staff path: the certified trainer shadowed, and when.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub shadowed_trainer_id: Option<PersonId>,
    #[serde(default)]
    pub shadowed_on: Option<Date>,
    /// Staff path: the train-the-trainer session attended.
    #[serde(default)]
    pub ttt_session_on: Option<Date>,
    /// Staff path: the dry run, and how long it ran in minutes.
    #[serde(default)]
    pub dry_run_on: Option<Date>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 600)]
    pub dry_run_minutes: Option<i64>,
    /// Channel-partner path: months of training others.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 600)]
    pub training_experience_months: Option<i64>,
    /// Channel-partner path: an educator certificate held (its name or link).
    #[serde(default)]
    pub educator_certificate: Option<String>,
    /// Channel-partner path: another vendor's trainer credential (its name or link).
    #[serde(default)]
    pub vendor_trainer_credential: Option<String>,
    /// The deliveries recorded, with their scores.
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl CandidacyFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.optional_text(self.educator_certificate.as_deref(), "educator_certificate", 500)
            .optional_text(
                self.vendor_trainer_credential.as_deref(),
                "vendor_trainer_credential",
                500,
            )
            .optional_text(self.notes.as_deref(), "notes", 4000);
        c.check(
            self.shadowed_trainer_id.is_some() == self.shadowed_on.is_some(),
            "shadowed_on",
            Rule::DependsOn,
            "shadowing records the trainer shadowed and the day together",
        );
        c.check(
            self.dry_run_on.is_some() == self.dry_run_minutes.is_some(),
            "dry_run_minutes",
            Rule::DependsOn,
            "a dry run records its day and its minutes together",
        );
        if let Some(m) = self.dry_run_minutes {
            c.check(
                (1..=600).contains(&m),
                "dry_run_minutes",
                Rule::Range,
                "dry_run_minutes must be from 1 to 600",
            );
        }
        if let Some(m) = self.training_experience_months {
            c.check(
                (0..=600).contains(&m),
                "training_experience_months",
                Rule::Range,
                "training_experience_months must be from 0 to 600",
            );
        }
        c.check(
            self.shadowed_trainer_id != Some(self.person_id),
            "shadowed_trainer_id",
            Rule::NotSelf,
            "a candidate shadows another trainer, not themselves",
        );
        c.check(
            self.deliveries.len() <= MAX_DELIVERIES,
            "deliveries",
            Rule::TooLong,
            format!("a path records at most {MAX_DELIVERIES} deliveries"),
        );
        for (i, d) in self.deliveries.iter().enumerate() {
            c.optional_text(d.evidence.as_deref(), &format!("deliveries[{i}].evidence"), 1000);
            c.check(
                d.delivered_on >= self.started_on,
                &format!("deliveries[{i}].delivered_on"),
                Rule::AfterStart,
                format!("deliveries[{i}].delivered_on must be on or after started_on"),
            );
            c.check(
                d.scores.len() <= MAX_SCORES,
                &format!("deliveries[{i}].scores"),
                Rule::TooLong,
                format!("a delivery records at most {MAX_SCORES} scores"),
            );
            for (j, s) in d.scores.iter().enumerate() {
                let f = format!("deliveries[{i}].scores[{j}]");
                c.check(
                    (1..=5).contains(&s.score),
                    &format!("{f}.score"),
                    Rule::Score,
                    format!("{f}.score must be a whole number from 1 to 5"),
                );
                c.check(
                    s.respondent_account_id.is_none() || s.respondent_partner_id.is_none(),
                    &format!("{f}.respondent_partner_id"),
                    Rule::Exclusive,
                    format!("{f} names one respondent organisation: an account or a partner"),
                );
            }
        }
        for (field, day) in [
            ("resources_reviewed_on", self.resources_reviewed_on),
            ("shadowed_on", self.shadowed_on),
            ("ttt_session_on", self.ttt_session_on),
            ("dry_run_on", self.dry_run_on),
        ] {
            c.check(
                day.is_none_or(|d| d >= self.started_on),
                field,
                Rule::AfterStart,
                format!("{field} must be on or after started_on"),
            );
        }
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrainerCandidacy {
    #[schema(value_type = i64)]
    pub id: TrainerCandidacyId,
    #[serde(flatten)]
    pub fields: CandidacyFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// A change to a path's evidence; its person, course and path stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidacyPatch {
    pub started_on: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub resources_reviewed_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub shadowed_trainer_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub shadowed_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub ttt_session_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub dry_run_on: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub dry_run_minutes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub training_experience_months: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub educator_certificate: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub vendor_trainer_credential: Option<Option<String>>,
    pub deliveries: Option<Vec<Delivery>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

impl CandidacyPatch {
    pub fn apply(self, mut f: CandidacyFields) -> CandidacyFields {
        set(&mut f.started_on, self.started_on);
        set(&mut f.resources_reviewed_on, self.resources_reviewed_on);
        set(&mut f.shadowed_trainer_id, self.shadowed_trainer_id);
        set(&mut f.shadowed_on, self.shadowed_on);
        set(&mut f.ttt_session_on, self.ttt_session_on);
        set(&mut f.dry_run_on, self.dry_run_on);
        set(&mut f.dry_run_minutes, self.dry_run_minutes);
        set(&mut f.training_experience_months, self.training_experience_months);
        set(&mut f.educator_certificate, self.educator_certificate);
        set(&mut f.vendor_trainer_credential, self.vendor_trainer_credential);
        set(&mut f.deliveries, self.deliveries);
        set(&mut f.notes, self.notes);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct CandidacyFilter {
    pub person_id: Option<PersonId>,
    pub course_id: Option<CourseId>,
    /// Only the people of this partner organisation (a partner's own users).
    pub partner_id: Option<PartnerId>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of trainer paths sorts by.
    CandidacySort { StartedOn, Path }
);

crate::plain_record!(
    TrainerCandidacy,
    TrainerCandidacy,
    CandidacyFields,
    CandidacyPatch,
    CandidacyFilter,
    CandidacySort
);

/// What the checklist reads beyond the path's own record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFacts {
    /// The trainer's own organisation: their partner, or none for the company's people.
    pub own_partner: Option<PartnerId>,
    /// Whether the person shadowed held a current certification to teach the course on
    /// the day they were shadowed.
    pub shadowed_trainer_certified: bool,
    /// Whether anyone was a certified trainer of the course on the day the path started.
    /// A course's first trainers (from its pilot delivery) have nobody to shadow, so
    /// shadowing is not asked of them.
    pub course_had_trainer: bool,
    /// The name of the course's certification, if the course has one.
    pub course_certification: Option<String>,
    /// The certificate of it the trainer holds in force (number, expiry), if any.
    pub certificate: Option<(String, Date)>,
    pub fiscal: FiscalCalendar,
}

/// One item of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Item {
    CandidateRecord,
    ResourcesReviewed,
    Shadowing,
    TrainTheTrainer,
    Certification,
    DryRun,
    ObservedDelivery,
    FullDelivery,
    Credentials,
    TwoFullDeliveries,
}

/// An item, whether it is done, and what shows it or what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = TrainerPathStep)]
pub struct Step {
    pub item: Item,
    pub label: &'static str,
    pub done: bool,
    /// What shows it (done) or what is missing (not done).
    pub text: String,
}

/// The path as a checklist: its steps in order, and whether every one is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Checklist {
    pub path: TrainerPath,
    pub steps: Vec<Step>,
    pub complete: bool,
}

impl Checklist {
    /// The steps not done, as one sentence.
    pub fn missing(&self) -> String {
        self.steps
            .iter()
            .filter(|s| !s.done)
            .map(|s| format!("{}: {}", s.label, s.text))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Counted scores of a delivery: their sum and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub sum: i64,
    pub count: i64,
}

impl Tally {
    pub fn plus(self, other: Tally) -> Tally {
        Tally {
            sum: self.sum + other.sum,
            count: self.count + other.count,
        }
    }

    /// Whether the average is at least [`PASSING_AVERAGE`], with at least one score.
    pub fn passes(self) -> bool {
        self.count > 0 && self.sum >= PASSING_AVERAGE * self.count
    }

    /// The average to one decimal, e.g. `4.3`, or `no scores`.
    pub fn text(self) -> String {
        if self.count == 0 {
            return "no counted scores".into();
        }
        let tenths = (self.sum * 20 + self.count) / (self.count * 2);
        format!(
            "{}.{} over {} score{}",
            tenths / 10,
            tenths % 10,
            self.count,
            if self.count == 1 { "" } else { "s" }
        )
    }
}

/// Whether a survey score came from the trainer's own organisation.
fn own(s: &RecordedScore, own_partner: Option<PartnerId>) -> bool {
    own_organisation(s.respondent_account_id, s.respondent_partner_id, own_partner)
}

/// Whether a respondent — of a customer account, of a partner, or (neither) of the
/// company itself — works for the trainer's own organisation (`own_partner`: the
/// trainer's partner, none for the company's people). Their answers do not count.
pub fn own_organisation(
    account: Option<AccountId>,
    partner: Option<PartnerId>,
    own_partner: Option<PartnerId>,
) -> bool {
    account.is_none() && partner == own_partner
}

/// The scores of a delivery that count: observers' scores when `observers` is set, and
/// survey answers from outside the trainer's own organisation.
pub fn tally(d: &Delivery, own_partner: Option<PartnerId>, observers: bool) -> Tally {
    d.scores
        .iter()
        .filter(|s| match s.source {
            ScoreSource::Observer => observers,
            ScoreSource::Survey => !own(s, own_partner),
        })
        .fold(Tally::default(), |t, s| Tally {
            sum: t.sum + s.score,
            count: t.count + 1,
        })
}

/// The last day of the channel-partner path's delivery window: the end of the second
/// full fiscal quarter after the quarter the path started in.
pub fn delivery_deadline(started_on: Date, fiscal: &FiscalCalendar) -> Date {
    let first = fiscal.quarter_range(fiscal.quarter_of(started_on)).start;
    super::add_months(first, 9) - Duration::days(1)
}

fn step(item: Item, label: &'static str, done: bool, text: String) -> Step {
    Step {
        item,
        label,
        done,
        text,
    }
}

fn dated(day: Option<Date>, done: &str, missing: &str) -> (bool, String) {
    match day {
        Some(d) => (true, format!("{done} on {d}")),
        None => (false, missing.to_string()),
    }
}

fn certification_step(facts: &PathFacts) -> Step {
    let (done, text) = match (&facts.course_certification, &facts.certificate) {
        (None, _) => (false, "the course has no certification to pass yet".to_string()),
        (Some(name), None) => (false, format!("no certificate of {name} in force")),
        (Some(name), Some((number, until))) => (true, format!("{name}, certificate {number}, valid until {until}")),
    };
    step(Item::Certification, "Course certification passed", done, text)
}

/// The best delivery of a kind by its counted average, with its tally.
fn best<'a>(
    f: &'a CandidacyFields,
    kind: DeliveryKind,
    facts: &PathFacts,
    observers: bool,
) -> Option<(&'a Delivery, Tally)> {
    f.deliveries
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| (d, tally(d, facts.own_partner, observers)))
        .max_by(|(_, a), (_, b)| (a.sum * b.count.max(1)).cmp(&(b.sum * a.count.max(1))))
}

fn delivery_step(f: &CandidacyFields, facts: &PathFacts, kind: DeliveryKind) -> Step {
    let (item, label, observers, what) = match kind {
        DeliveryKind::ObservedSubset => (
            Item::ObservedDelivery,
            "Observed subset delivery averaging 4/5",
            true,
            "an observed subset delivery",
        ),
        DeliveryKind::Full => (
            Item::FullDelivery,
            "Full delivery with surveys averaging 4/5",
            false,
            "a full delivery",
        ),
    };
    let (done, text) = match best(f, kind, facts, observers) {
        None => (false, format!("no {what} recorded")),
        Some((d, t)) if t.passes() => (true, format!("{} delivered on {}: {}", what, d.delivered_on, t.text())),
        Some((d, t)) => (
            false,
            format!(
                "the best, on {}, averages {} (below {PASSING_AVERAGE}; own-organisation surveys not counted)",
                d.delivered_on,
                t.text()
            ),
        ),
    };
    step(item, label, done, text)
}

fn staff_steps(f: &CandidacyFields, facts: &PathFacts) -> Vec<Step> {
    let mut steps = Vec::new();
    let (done, text) = dated(
        f.resources_reviewed_on,
        "reviewed",
        "the course's resources are not reviewed yet",
    );
    steps.push(step(Item::ResourcesReviewed, "Resources reviewed", done, text));
    let (done, text) = match (f.shadowed_trainer_id, f.shadowed_on) {
        (Some(t), Some(d)) if facts.shadowed_trainer_certified => {
            (true, format!("shadowed certified trainer {t} on {d}"))
        }
        (Some(t), Some(d)) => (
            false,
            format!("person {t} was not a certified trainer of the course on {d}"),
        ),
        _ if !facts.course_had_trainer => (
            true,
            "the course had no certified trainer to shadow when the path started (a first trainer)".to_string(),
        ),
        _ => (false, "no certified trainer shadowed yet".to_string()),
    };
    steps.push(step(Item::Shadowing, "Shadowed a certified trainer", done, text));
    let (done, text) = dated(f.ttt_session_on, "attended", "no train-the-trainer session attended");
    steps.push(step(Item::TrainTheTrainer, "Train-the-trainer session", done, text));
    steps.push(certification_step(facts));
    let (done, text) = match (f.dry_run_on, f.dry_run_minutes) {
        (Some(d), Some(m)) if m >= DRY_RUN_MINUTES => (true, format!("{m} minutes on {d}")),
        (Some(d), Some(m)) => (
            false,
            format!("the dry run on {d} ran {m} minutes, under {DRY_RUN_MINUTES}"),
        ),
        _ => (false, "no dry run recorded".to_string()),
    };
    steps.push(step(Item::DryRun, "1-hour dry run", done, text));
    steps.push(delivery_step(f, facts, DeliveryKind::ObservedSubset));
    steps.push(delivery_step(f, facts, DeliveryKind::Full));
    steps
}

fn channel_steps(f: &CandidacyFields, facts: &PathFacts) -> Vec<Step> {
    let mut steps = vec![certification_step(facts)];
    let experience = f.training_experience_months.filter(|m| *m >= EXPERIENCE_MONTHS);
    let educator = f
        .educator_certificate
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let vendor = f
        .vendor_trainer_credential
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let (done, text) = match (experience, educator, vendor) {
        (Some(m), _, _) => (true, format!("{m} months of training experience")),
        (_, Some(e), _) => (true, format!("educator certificate: {e}")),
        (_, _, Some(v)) => (true, format!("trainer credential: {v}")),
        _ => (
            false,
            format!(
                "no credential: {EXPERIENCE_MONTHS} months of training, an educator certificate or another vendor's trainer credential"
            ),
        ),
    };
    steps.push(step(Item::Credentials, "Trainer credentials", done, text));
    let deadline = delivery_deadline(f.started_on, &facts.fiscal);
    let within: Vec<(&Delivery, Tally)> = f
        .deliveries
        .iter()
        .filter(|d| d.kind == DeliveryKind::Full && d.delivered_on <= deadline)
        .map(|d| (d, tally(d, facts.own_partner, false)))
        .filter(|(_, t)| t.count > 0)
        .collect();
    let total = within.iter().fold(Tally::default(), |a, (_, t)| a.plus(*t));
    let (done, text) = if within.len() < 2 {
        (
            false,
            format!(
                "{} of 2 full deliveries with counted surveys by {deadline} (own-organisation surveys not counted)",
                within.len()
            ),
        )
    } else if total.passes() {
        (
            true,
            format!("{} full deliveries by {deadline}: {}", within.len(), total.text()),
        )
    } else {
        (
            false,
            format!(
                "{} full deliveries by {deadline} average {}, below {PASSING_AVERAGE}",
                within.len(),
                total.text()
            ),
        )
    };
    steps.push(step(
        Item::TwoFullDeliveries,
        "Two full deliveries averaging 4/5 within two quarters",
        done,
        text,
    ));
    steps
}

/// The path's checklist.
pub fn checklist(f: &CandidacyFields, facts: &PathFacts) -> Checklist {
    let mut steps = vec![step(
        Item::CandidateRecord,
        "Candidate record",
        true,
        format!("opened on {}", f.started_on),
    )];
    steps.extend(match f.path {
        TrainerPath::Staff => staff_steps(f, facts),
        TrainerPath::ChannelPartner => channel_steps(f, facts),
    });
    let complete = steps.iter().all(|s| s.done);
    Checklist {
        path: f.path,
        steps,
        complete,
    }
}

/// Certifying a trainer needs their complete path: the error names what is missing.
pub fn check_complete(list: Option<&Checklist>) -> Result<()> {
    match list {
        None => Err(Error::conflict(
            "person_id",
            Rule::TrainerPath,
            "no certification path is recorded for this trainer, course and path: a trainer is certified by completing one",
        )),
        Some(l) if !l.complete => Err(Error::conflict(
            "person_id",
            Rule::TrainerPath,
            format!("the trainer's certification path is not complete: {}", l.missing()),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
#[path = "trainer_paths_tests.rs"]
mod tests;

/// Trainer paths beyond their plain record life: the checklist and certifying.
#[async_trait::async_trait]
pub trait TrainerPathStore: Send + Sync {
    /// The path's checklist as its evidence stands on `today`.
    async fn trainer_checklist(&self, id: TrainerCandidacyId, today: Date) -> Result<Checklist>;
    /// Certifies the trainer for the course by their complete path: writes the course
    /// trainer record (certified today, until their course certificate expires). Refused,
    /// naming what is missing, while the path is incomplete.
    async fn certify_trainer(
        &self,
        ctx: &crate::store::WriteCtx,
        id: TrainerCandidacyId,
        today: Date,
    ) -> Result<crate::education::trainers::CourseTrainer>;
}
