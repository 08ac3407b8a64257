//! The RAID log: a project's risks, actions, issues and decisions, each with a priority,
//! the areas it affects (timeline, scope, quality, budget — any of them), an owner, its
//! mitigation, a due date and a status (open or closed). The escalated flag lifts an item
//! into the portfolio view, listed across projects.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::scope::ListScope;
use crate::store::RecordStore;
use crate::validate::Checks;

pub type RaidItemId = Id<RaidItem>;

/// Risk, action, issue or decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RaidKind {
    Risk,
    Action,
    Issue,
    Decision,
}

impl Code for RaidKind {
    const FIELD: &'static str = "kind";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RaidPriority {
    High,
    Medium,
    Low,
}

impl Code for RaidPriority {
    const FIELD: &'static str = "priority";
}

/// What an item affects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ImpactArea {
    Timeline,
    Scope,
    Quality,
    Budget,
}

impl Code for ImpactArea {
    const FIELD: &'static str = "impacts";
}

/// Open or closed: one status for every kind (a risk that passed, an action done, an
/// issue resolved and a decision made all close), so the log filters alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum RaidStatus {
    Open,
    Closed,
}

impl Code for RaidStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaidItemFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub kind: RaidKind,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub priority: RaidPriority,
    /// The areas it affects, any of them (stored sorted, without repeats).
    #[serde(default)]
    pub impacts: Vec<ImpactArea>,
    /// The person who owns it.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<PersonId>,
    #[serde(default)]
    pub mitigation: Option<String>,
    #[serde(default)]
    pub due_date: Option<Date>,
    pub status: RaidStatus,
    /// Lifts the item into the portfolio view.
    #[serde(default)]
    pub escalated: bool,
}

impl RaidItemFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.title, "title", 200)
            .optional_text(self.description.as_deref(), "description", 4000)
            .optional_text(self.mitigation.as_deref(), "mitigation", 4000);
        c.check(
            !self.escalated || self.status == RaidStatus::Open,
            "escalated",
            Rule::InvalidValue,
            "a closed item cannot be escalated",
        );
        c.into_result()
    }

    /// The impacts as stored: sorted, without repeats.
    pub fn impacts_sorted(&self) -> Vec<ImpactArea> {
        let mut v = self.impacts.clone();
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RaidItem {
    #[schema(value_type = i64)]
    pub id: RaidItemId,
    #[serde(flatten)]
    pub fields: RaidItemFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaidItemPatch {
    pub kind: Option<RaidKind>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub priority: Option<RaidPriority>,
    pub impacts: Option<Vec<ImpactArea>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub mitigation: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub due_date: Option<Option<Date>>,
    pub status: Option<RaidStatus>,
    pub escalated: Option<bool>,
}

impl RaidItemPatch {
    pub fn apply(self, mut f: RaidItemFields) -> RaidItemFields {
        set(&mut f.kind, self.kind);
        set(&mut f.title, self.title);
        set(&mut f.description, self.description);
        set(&mut f.priority, self.priority);
        set(&mut f.impacts, self.impacts);
        set(&mut f.owner_id, self.owner_id);
        set(&mut f.mitigation, self.mitigation);
        set(&mut f.due_date, self.due_date);
        set(&mut f.status, self.status);
        // Closing an item takes it out of the portfolio.
        if f.status == RaidStatus::Closed && self.escalated.is_none() {
            f.escalated = false;
        }
        set(&mut f.escalated, self.escalated);
        f
    }
}

crate::sort_columns!(
    /// The order a project's RAID log lists in.
    RaidSort { Due, Priority, Kind, Title, Status, Updated }
);

#[derive(Debug, Clone, Default)]
pub struct RaidItemFilter {
    pub project_id: Option<ProjectId>,
    pub kind: Option<RaidKind>,
    pub status: Option<RaidStatus>,
    pub escalated: Option<bool>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    RaidItem,
    RaidItem,
    RaidItemFields,
    RaidItemPatch,
    RaidItemFilter,
    RaidSort
);

/// An escalated item with its project, for the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EscalatedItem {
    pub item: RaidItem,
    pub project_name: String,
    pub owner_name: Option<String>,
}

#[async_trait]
pub trait RaidStore: RecordStore<RaidItem> {
    /// The open escalated items of the projects under `scope`, high priority first, then
    /// by due date; at most `limit`.
    async fn escalated_raid(&self, scope: &ListScope, limit: u32) -> Result<Vec<EscalatedItem>>;
}
