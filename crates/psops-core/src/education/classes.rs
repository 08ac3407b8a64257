//! A class: a course on dates, in a time zone, remote or on site (with its location),
//! public or private (for one account, under a project, with its fee). A class seats the
//! 12 learners it includes plus the add-on seats sold on its order; its trainer must hold
//! a certification for its course current on every day of it; only a course in
//! production is scheduled. Submitting the roster at close completes the class, which
//! releases a private class's fee as training revenue and sends each attending learner
//! the training survey.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::accounts::AccountId;
use crate::code::Code;
use crate::education::courses::{Course, CourseId};
use crate::education::workflow::ClassStep;
use crate::finance::training::TrainingId;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::scope::ListScope;
use crate::validate::Checks;
use crate::{Error, Money, Result};

pub type ClassId = Id<TrainingClass>;

/// The learners a class seats before add-on seats (the handbook's class of 12).
pub const INCLUDED_SEATS: i32 = 12;
/// The most add-on seats one class takes.
pub const MAX_ADDON_SEATS: i32 = 100;
/// The longest class, in days.
pub const MAX_CLASS_DAYS: i64 = 30;

/// Where a class is taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClassDelivery {
    Remote,
    OnSite,
}

impl Code for ClassDelivery {
    const FIELD: &'static str = "delivery";
}

/// Who a class is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClassAudience {
    /// Open to anyone who registers.
    Public,
    /// For one account, delivered under a project.
    Private,
}

impl Code for ClassAudience {
    const FIELD: &'static str = "audience";
}

/// Where a class is: scheduled until its roster completes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClassStatus {
    Scheduled,
    /// Its roster was submitted: delivered, its revenue released.
    Completed,
}

impl Code for ClassStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingClassFields {
    #[schema(value_type = i64)]
    pub course_id: CourseId,
    /// The person teaching it: certified for the course on every day of the class.
    #[schema(value_type = i64)]
    pub trainer_id: PersonId,
    pub start_date: Date,
    pub end_date: Date,
    /// The IANA time zone its days are in, e.g. `Europe/Berlin`.
    pub time_zone: String,
    pub delivery: ClassDelivery,
    /// Where an on-site class is taught (required for one).
    #[serde(default)]
    pub location: Option<String>,
    pub audience: ClassAudience,
    /// The account a private class is for (required for one, empty for a public class).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<AccountId>,
    /// The project a private class is delivered under (required for one).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// A private class's fee: its training revenue once complete and rostered.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub fee: Option<Money>,
    /// Seats sold on the order beyond the 12 a class includes.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub addon_seats: i32,
    /// A public class's price of a seat: each seat a customer's project bought (its
    /// registration names the project) is that project's training revenue once the class
    /// is complete and rostered. None on a private class, paid by its fee.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub seat_price: Option<Money>,
}

impl TrainingClassFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            self.end_date >= self.start_date,
            "end_date",
            Rule::AfterStart,
            "a class ends on or after the day it starts",
        );
        c.check(
            (self.end_date - self.start_date).whole_days() < MAX_CLASS_DAYS,
            "end_date",
            Rule::Span,
            format!("a class runs at most {MAX_CLASS_DAYS} days"),
        );
        c.check(
            crate::people::valid_time_zone(&self.time_zone),
            "time_zone",
            Rule::TimeZone,
            "time_zone must be an IANA time zone such as Europe/Berlin",
        );
        c.optional_text(self.location.as_deref(), "location", 300);
        let on_site = self.delivery == ClassDelivery::OnSite;
        c.check(
            !on_site || self.location.as_deref().is_some_and(|l| !l.trim().is_empty()),
            "location",
            Rule::DependsOn,
            "an on-site class names where it is taught",
        );
        let private = self.audience == ClassAudience::Private;
        for (field, given, what) in [
            ("account_id", self.account_id.is_some(), "the account it is for"),
            (
                "project_id",
                self.project_id.is_some(),
                "the project it is delivered under",
            ),
            ("fee", self.fee.is_some(), "its fee"),
        ] {
            c.check(
                given == private,
                field,
                Rule::DependsOn,
                if private {
                    format!("a private class names {what}")
                } else {
                    format!("a public class has no {}", field.trim_end_matches("_id"))
                },
            );
        }
        for (field, money) in [("fee", self.fee), ("seat_price", self.seat_price)] {
            c.check(
                money.is_none_or(|m| m.amount_minor >= 0),
                field,
                Rule::NotNegative,
                format!("{field} must not be negative"),
            );
        }
        c.check(
            !private || self.seat_price.is_none(),
            "seat_price",
            Rule::DependsOn,
            "a private class is paid by its fee: it has no seat price",
        );
        c.check(
            (0..=MAX_ADDON_SEATS).contains(&self.addon_seats),
            "addon_seats",
            Rule::Range,
            format!("addon_seats is from 0 to {MAX_ADDON_SEATS}"),
        );
        c.into_result()
    }

    /// The learners the class seats: the 12 included plus its add-on seats.
    pub fn seats(&self) -> i32 {
        seats_for(self.addon_seats)
    }

    /// Its days, first to last.
    pub fn days(&self) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = self.start_date;
        while d <= self.end_date && out.len() < MAX_CLASS_DAYS as usize {
            out.push(d);
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        out
    }
}

/// The learners a class with these add-on seats seats: the 12 included plus those.
pub fn seats_for(addon_seats: i32) -> i32 {
    INCLUDED_SEATS + addon_seats
}

/// Only a course in production is put on dates.
pub fn course_gate(course: &Course) -> Result<()> {
    if course.fields.schedulable() {
        return Ok(());
    }
    Err(Error::invalid(
        "course_id",
        Rule::NotInProduction,
        format!(
            "{} is in {}, not production: only a course in production is scheduled",
            course.fields.name,
            course.fields.state.code()
        ),
    ))
}

/// The trainer must hold a certification for the course current on every class day.
pub fn trainer_gate(certified: bool, trainer: &str, course: &str, f: &TrainingClassFields) -> Result<()> {
    if certified {
        return Ok(());
    }
    Err(Error::invalid(
        "trainer_id",
        Rule::NotCertified,
        format!(
            "{trainer} holds no certification to teach {course} current from {} to {}",
            f.start_date, f.end_date
        ),
    ))
}

/// One more registration on a class whose seats `taken` already are.
pub fn seat_gate(f: &TrainingClassFields, taken: i64) -> Result<()> {
    if taken < i64::from(f.seats()) {
        return Ok(());
    }
    Err(Error::conflict(
        "class_id",
        Rule::ClassFull,
        format!(
            "the class's {} seats ({INCLUDED_SEATS} included + {} add-on) are all taken: \
             sell an add-on seat on the order to register another learner",
            f.seats(),
            f.addon_seats
        ),
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = TrainingClass)]
pub struct TrainingClass {
    #[schema(value_type = i64)]
    pub id: ClassId,
    #[serde(flatten)]
    pub fields: TrainingClassFields,
    /// Moved only by submitting the roster.
    pub status: ClassStatus,
    /// The day the roster was submitted.
    pub roster_submitted_on: Option<Date>,
    /// The training record its fee is recognised from (a private class, once rostered).
    #[schema(value_type = Option<i64>)]
    pub training_id: Option<TrainingId>,
    /// The workflow steps done, with the day each was.
    #[schema(value_type = Object)]
    pub steps_done: BTreeMap<ClassStep, Date>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingClassPatch {
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<CourseId>,
    #[schema(value_type = Option<i64>)]
    pub trainer_id: Option<PersonId>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub time_zone: Option<String>,
    pub delivery: Option<ClassDelivery>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    pub audience: Option<ClassAudience>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<Option<AccountId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<Option<ProjectId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub fee: Option<Option<Money>>,
    pub addon_seats: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub seat_price: Option<Option<Money>>,
}

impl TrainingClassPatch {
    pub fn apply(self, mut f: TrainingClassFields) -> TrainingClassFields {
        set(&mut f.course_id, self.course_id);
        set(&mut f.trainer_id, self.trainer_id);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.time_zone, self.time_zone);
        set(&mut f.delivery, self.delivery);
        set(&mut f.location, self.location);
        set(&mut f.audience, self.audience);
        set(&mut f.account_id, self.account_id);
        set(&mut f.project_id, self.project_id);
        set(&mut f.fee, self.fee);
        set(&mut f.addon_seats, self.addon_seats);
        set(&mut f.seat_price, self.seat_price);
        f
    }
}

crate::sort_columns!(
    /// The order classes list in.
    ClassSort { Start, End, Status, Audience }
);

/// Classes, cut by course, trainer, dates and status; `scope` cuts the list to what the
/// one asking sees (`own`: the classes they teach; `partner`: its trainers' classes).
#[derive(Debug, Clone, Default)]
pub struct TrainingClassFilter {
    pub course_id: Option<CourseId>,
    pub trainer_id: Option<PersonId>,
    pub project_id: Option<ProjectId>,
    pub status: Option<ClassStatus>,
    pub audience: Option<ClassAudience>,
    /// Classes running on or after this day.
    pub from: Option<Date>,
    /// Classes running on or before this day.
    pub to: Option<Date>,
    pub archived: Option<bool>,
    pub scope: ListScope,
}

crate::plain_record!(
    TrainingClass,
    TrainingClass,
    TrainingClassFields,
    TrainingClassPatch,
    TrainingClassFilter,
    ClassSort
);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn public_class() -> TrainingClassFields {
        TrainingClassFields {
            course_id: Id::new(1),
            trainer_id: Id::new(2),
            start_date: date!(2026 - 03 - 02),
            end_date: date!(2026 - 03 - 04),
            time_zone: "Europe/Berlin".into(),
            delivery: ClassDelivery::Remote,
            location: None,
            audience: ClassAudience::Public,
            account_id: None,
            project_id: None,
            fee: None,
            addon_seats: 0,
            seat_price: None,
        }
    }

    fn rules(f: &TrainingClassFields) -> Vec<(String, Rule)> {
        match f.validate() {
            Err(Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_private_class_names_its_account_project_and_fee_and_on_site_its_place() {
        assert!(public_class().validate().is_ok());
        let private = TrainingClassFields {
            audience: ClassAudience::Private,
            delivery: ClassDelivery::OnSite,
            ..public_class()
        };
        let broken = rules(&private);
        for field in ["account_id", "project_id", "fee", "location"] {
            assert!(
                broken.iter().any(|(f, r)| f == field && *r == Rule::DependsOn),
                "{field}: {broken:?}"
            );
        }
        let backwards = TrainingClassFields {
            end_date: date!(2026 - 03 - 01),
            time_zone: "Berlin time".into(),
            ..public_class()
        };
        let broken = rules(&backwards);
        assert!(broken.contains(&("end_date".into(), Rule::AfterStart)));
        assert!(broken.contains(&("time_zone".into(), Rule::TimeZone)));
    }

    #[test]
    fn a_class_seats_twelve_plus_its_add_on_seats() {
        let mut f = public_class();
        assert_eq!(f.seats(), 12);
        assert!(seat_gate(&f, 11).is_ok());
        let Err(Error::Conflict(e)) = seat_gate(&f, 12) else {
            panic!("the 13th is refused");
        };
        assert_eq!(e.rule, Rule::ClassFull);
        assert!(e.message.contains("add-on seat"), "{}", e.message);
        f.addon_seats = 1;
        assert!(seat_gate(&f, 12).is_ok());
        assert!(seat_gate(&f, 13).is_err());
        assert_eq!(
            f.days(),
            [date!(2026 - 03 - 02), date!(2026 - 03 - 03), date!(2026 - 03 - 04)]
        );
    }
}
