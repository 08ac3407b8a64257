//! What a project is to deliver, as signing its SOW sets it up: milestones with their
//! amounts, resource requests for the planned hours by role, and the offering's
//! delivery-kit checklist. Each belongs to its project.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::Function;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Minutes, Money, Result};

pub type MilestoneId = Id<Milestone>;
pub type ResourceRequestId = Id<ResourceRequest>;
pub type ChecklistItemId = Id<ChecklistItem>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum MilestoneStatus {
    Open,
    Completed,
}

impl Code for MilestoneStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub name: String,
    #[serde(default)]
    pub due_date: Option<Date>,
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub amount: Option<Money>,
    pub status: MilestoneStatus,
}

impl MilestoneFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200);
        if let Some(a) = self.amount {
            c.check(
                a.amount_minor >= 0,
                "amount",
                Rule::NotNegative,
                "amount must not be negative",
            );
        }
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Milestone {
    pub id: MilestoneId,
    #[serde(flatten)]
    pub fields: MilestoneFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestonePatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub due_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub amount: Option<Option<Money>>,
    pub status: Option<MilestoneStatus>,
}

impl MilestonePatch {
    pub fn apply(self, mut f: MilestoneFields) -> MilestoneFields {
        set(&mut f.name, self.name);
        set(&mut f.due_date, self.due_date);
        set(&mut f.amount, self.amount);
        set(&mut f.status, self.status);
        f
    }
}

crate::sort_columns!(
    /// The order a project's plan lists in.
    PlanSort { Position }
);

crate::plain_record!(
    Milestone,
    Milestone,
    MilestoneFields,
    MilestonePatch,
    MilestoneFilter,
    PlanSort
);
pub type MilestoneFilter = PlanFilterOf<Milestone>;

/// A project's plan filter for one kind.
#[derive(Debug, Clone)]
pub struct PlanFilterOf<R> {
    pub project_id: Option<ProjectId>,
    pub archived: Option<bool>,
    pub kind: std::marker::PhantomData<R>,
}

impl<R> Default for PlanFilterOf<R> {
    fn default() -> Self {
        PlanFilterOf {
            project_id: None,
            archived: None,
            kind: std::marker::PhantomData,
        }
    }
}

impl<R> PlanFilterOf<R> {
    pub fn of(project: ProjectId) -> Self {
        PlanFilterOf {
            project_id: Some(project),
            ..Default::default()
        }
    }
}

/// Soft (likely, not yet signed) or hard (signed) — a booking's firmness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Booking {
    Soft,
    Hard,
}

impl Code for Booking {
    const FIELD: &'static str = "booking";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Filled,
    Cancelled,
}

impl Code for RequestStatus {
    const FIELD: &'static str = "status";
}

/// A skill a resource request asks for, at least at a level of the 1–5 scale people's
/// skills are kept on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredSkill {
    /// The skill as people's skills name it (compared without case).
    pub skill: String,
    /// 1 (aware) to 5 (expert): the least level that will do.
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: i64,
}

/// At most this many skills per request: a request names what matters, not a CV.
pub const MAX_REQUIRED_SKILLS: usize = 20;

fn check_skills(c: &mut Checks, skills: &[RequiredSkill], name: &str) {
    c.check(
        skills.len() <= MAX_REQUIRED_SKILLS,
        name,
        Rule::Range,
        format!("{name}: a request names at most 20 skills"),
    );
    let mut seen = std::collections::HashSet::new();
    for (i, s) in skills.iter().enumerate() {
        let field = format!("{name}[{i}]");
        c.text(&s.skill, &format!("{field}.skill"), 100);
        c.check(
            (1..=5).contains(&s.min_level),
            &format!("{field}.min_level"),
            Rule::Range,
            "min_level must be a whole number from 1 to 5",
        );
        c.check(
            seen.insert(s.skill.trim().to_lowercase()),
            &format!("{field}.skill"),
            Rule::Duplicate,
            "a skill is asked for once",
        );
    }
}

/// Planned hours of a role on a project, waiting to be staffed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceRequestFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub role: Function,
    #[schema(value_type = i64, minimum = 1, maximum = 6000000)]
    pub minutes: Minutes,
    #[serde(default)]
    pub start_date: Option<Date>,
    #[serde(default)]
    pub end_date: Option<Date>,
    pub booking: Booking,
    pub status: RequestStatus,
    /// The skills the work needs; finding candidates shows each person's level in them.
    #[serde(default)]
    pub required_skills: Vec<RequiredSkill>,
    /// Skills that help but are not required: they raise a candidate's fit.
    #[serde(default)]
    pub desired_skills: Vec<RequiredSkill>,
    /// Certifications a candidate must hold, by code (as people's certifications name
    /// them, e.g. `migration`), each valid through the request's end.
    #[serde(default)]
    pub certifications: Vec<String>,
    /// Only people of this region (as people's region names it).
    #[serde(default)]
    // Not blank when given: the API document states `min_length = 1` as not blank.
    #[schema(min_length = 1)]
    pub region: Option<String>,
    /// The customer's IANA time zone: candidates' working hours are compared with its.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// At most this many hours between a candidate's time zone and `time_zone` (0–12).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 12)]
    pub max_hours_apart: Option<i64>,
    /// The weekly load; when absent the minutes are spread evenly over the dates' weekdays.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10080)]
    pub minutes_per_week: Option<Minutes>,
    /// 1 (most urgent) to 5; the optimizer weighs fit by it.
    #[serde(default = "middle_priority")]
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    /// Who it is booked to: a soft request held by someone is their soft booking; a hard
    /// one is filled by an assignment to them. Set by booking, not by editing.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<crate::people::PersonId>,
}

/// The priority a request has when nobody says otherwise: the middle of 1–5.
pub const DEFAULT_PRIORITY: i64 = 3;

fn middle_priority() -> i64 {
    DEFAULT_PRIORITY
}

/// At most this many certifications per request.
pub const MAX_CERTIFICATIONS: usize = 10;

impl ResourceRequestFields {
    /// An open request for `minutes` of `role`, asking nothing more of who takes it: no
    /// skills, certifications, region or time zone, no weekly load, the default priority,
    /// held by nobody. Callers that ask more set those fields on the result.
    pub fn new(
        project_id: ProjectId,
        role: Function,
        minutes: Minutes,
        start_date: Option<Date>,
        end_date: Option<Date>,
        booking: Booking,
    ) -> ResourceRequestFields {
        ResourceRequestFields {
            project_id,
            role,
            minutes,
            start_date,
            end_date,
            booking,
            status: RequestStatus::Open,
            required_skills: Vec::new(),
            desired_skills: Vec::new(),
            certifications: Vec::new(),
            region: None,
            time_zone: None,
            max_hours_apart: None,
            minutes_per_week: None,
            priority: DEFAULT_PRIORITY,
            person_id: None,
        }
    }

    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            (1..=100_000 * 60).contains(&self.minutes.get()),
            "minutes",
            Rule::Range,
            "minutes must be more than 0 and at most 6000000 (100,000 hours)",
        );
        if let (Some(s), Some(e)) = (self.start_date, self.end_date) {
            c.check(
                e >= s,
                "end_date",
                Rule::AfterStart,
                "end_date must be on or after start_date",
            );
        }
        check_skills(&mut c, &self.required_skills, "required_skills");
        check_skills(&mut c, &self.desired_skills, "desired_skills");
        c.check(
            self.certifications.len() <= MAX_CERTIFICATIONS,
            "certifications",
            Rule::Range,
            "a request requires at most 10 certifications",
        );
        for (i, name) in self.certifications.iter().enumerate() {
            c.text(name, &format!("certifications[{i}]"), 200);
        }
        if let Some(r) = &self.region {
            c.text(r, "region", 100);
        }
        if let Some(tz) = &self.time_zone {
            c.check(
                crate::people::valid_time_zone(tz),
                "time_zone",
                Rule::TimeZone,
                "time_zone must be an IANA name such as Europe/Berlin or UTC",
            );
        }
        if let Some(h) = self.max_hours_apart {
            c.check(
                (0..=12).contains(&h),
                "max_hours_apart",
                Rule::Range,
                "max_hours_apart must be a whole number of hours from 0 to 12",
            );
            c.check(
                self.time_zone.is_some(),
                "max_hours_apart",
                Rule::DependsOn,
                "max_hours_apart needs the request's time_zone to measure from",
            );
        }
        if let Some(m) = self.minutes_per_week {
            c.check(
                (1..=crate::assignments::MAX_MINUTES_PER_WEEK).contains(&m.get()),
                "minutes_per_week",
                Rule::Range,
                "minutes_per_week must be more than 0 and at most 10080 (168 hours)",
            );
        }
        c.check(
            (1..=5).contains(&self.priority),
            "priority",
            Rule::Range,
            "priority must be a whole number from 1 (most urgent) to 5",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ResourceRequest {
    pub id: ResourceRequestId,
    #[serde(flatten)]
    pub fields: ResourceRequestFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceRequestPatch {
    pub role: Option<Function>,
    pub minutes: Option<Minutes>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub start_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub end_date: Option<Option<Date>>,
    pub booking: Option<Booking>,
    pub status: Option<RequestStatus>,
    pub required_skills: Option<Vec<RequiredSkill>>,
    pub desired_skills: Option<Vec<RequiredSkill>>,
    pub certifications: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub max_hours_apart: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub minutes_per_week: Option<Option<Minutes>>,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: Option<i64>,
}

impl ResourceRequestPatch {
    pub fn apply(self, mut f: ResourceRequestFields) -> ResourceRequestFields {
        set(&mut f.role, self.role);
        set(&mut f.minutes, self.minutes);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.booking, self.booking);
        set(&mut f.status, self.status);
        set(&mut f.required_skills, self.required_skills);
        set(&mut f.desired_skills, self.desired_skills);
        set(&mut f.certifications, self.certifications);
        set(&mut f.region, self.region);
        set(&mut f.time_zone, self.time_zone);
        set(&mut f.max_hours_apart, self.max_hours_apart);
        set(&mut f.minutes_per_week, self.minutes_per_week);
        set(&mut f.priority, self.priority);
        f
    }
}

pub type ResourceRequestFilter = PlanFilterOf<ResourceRequest>;

crate::plain_record!(
    ResourceRequest,
    ResourceRequest,
    ResourceRequestFields,
    ResourceRequestPatch,
    ResourceRequestFilter,
    PlanSort
);

/// One item of a project's delivery checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    /// Its place in the list, from 1.
    #[schema(minimum = 1, maximum = 10000)]
    pub position: i64,
    pub item: String,
    #[serde(default)]
    pub done: bool,
}

impl ChecklistItemFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.item, "item", 500).check(
            (1..=10_000).contains(&self.position),
            "position",
            Rule::Range,
            "position must be 1 to 10000",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChecklistItem {
    pub id: ChecklistItemId,
    #[serde(flatten)]
    pub fields: ChecklistItemFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemPatch {
    #[schema(minimum = 1, maximum = 10000)]
    pub position: Option<i64>,
    pub item: Option<String>,
    pub done: Option<bool>,
}

impl ChecklistItemPatch {
    pub fn apply(self, mut f: ChecklistItemFields) -> ChecklistItemFields {
        set(&mut f.position, self.position);
        set(&mut f.item, self.item);
        set(&mut f.done, self.done);
        f
    }
}

pub type ChecklistItemFilter = PlanFilterOf<ChecklistItem>;

crate::plain_record!(
    ChecklistItem,
    ChecklistItem,
    ChecklistItemFields,
    ChecklistItemPatch,
    ChecklistItemFilter,
    PlanSort
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_request_is_open_valid_and_asks_nothing_more() {
        let f = ResourceRequestFields::new(Id::new(1), Function::Engineer, Minutes(600), None, None, Booking::Soft);
        assert_eq!(f.status, RequestStatus::Open);
        assert_eq!(
            f.priority,
            middle_priority(),
            "the priority a request read without one gets"
        );
        assert!(f.required_skills.is_empty() && f.person_id.is_none() && f.minutes_per_week.is_none());
        f.validate().expect("valid");
    }
}
