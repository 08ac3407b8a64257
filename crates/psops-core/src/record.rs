//! What every plain stored record kind has in common — an id, its fields, a patch, a list
//! filter, its version and history — described once, so the store, the API and the audit
//! log handle a new kind without new plumbing. See `docs/adding-a-record-kind.md`.

use serde::Serialize;

use crate::Result;
use crate::id::Id;
use crate::meta::Meta;

/// The kinds of object psops records changes of: the `entity` of an audit entry, the
/// resource of an idempotent create and the kind named in a 404.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Entity {
    Person,
    Partner,
    Account,
    Contact,
    Project,
    Assignment,
    TimeEntry,
    TimesheetRejection,
    /// A reminder about a week's timesheet, kept in the outbox.
    Reminder,
    LockedPeriod,
    TimeOff,
    HolidayCalendar,
    Holiday,
    /// Stored and answered under its first name, `capacity_policy`.
    #[strum(serialize = "capacity_policy")]
    #[serde(rename = "capacity_policy")]
    CapacityRules,
    /// Stored and answered under its first name, `policy_override`.
    #[strum(serialize = "policy_override")]
    #[serde(rename = "policy_override")]
    RulesOverride,
    Settings,
    User,
    ApiToken,
    FeedToken,
    AuditEntry,
    /// A time import as a whole: one audit record per import, not one per entry.
    TimeImport,
    OfferingType,
    Offering,
    Sku,
    SkuPrice,
    Bundle,
    SkuRequest,
    RoleRate,
    ProjectRate,
    CostRate,
    FxRate,
    Opportunity,
    Estimate,
    Sow,
    Milestone,
    ResourceRequest,
    ChecklistItem,
    Change,
    /// A link or file kept with a milestone as its acceptance evidence.
    MilestoneEvidence,
    Escalation,
    HealthReport,
    RaidItem,
    /// A CSAT survey (its answer is audited as the customer contact).
    Survey,
    /// A project's closure checklist (audited under the project's id).
    Closure,
    /// A notification in the outbox (sent again by a person).
    Notification,
    /// A project's money terms: how its fixed fee is recognised (audited under the
    /// project's id).
    ProjectFinance,
    /// A run of revenue and cost recognition over the open months.
    Recognition,
    /// A month finance closed (and reopened, with the reason).
    PeriodClose,
    /// An invoice or a credit note.
    Invoice,
    /// A month's forecast as it stood when it was kept.
    ForecastSnapshot,
    /// A delivered training class whose fee is recognised once complete and rostered.
    Training,
    PartnerContact,
    /// A partner's onboarding checklist (its id is the partner's).
    PartnerOnboarding,
    PersonSkill,
    PersonCertification,
    VettingReview,
    /// A prime partner SOW: a partner's funds and rates by role.
    PrimeSow,
    /// A project's work authorization drawn on a prime partner SOW.
    WorkAuthorization,
    /// A partner's monthly invoice, reconciled against approved hours.
    PartnerInvoice,
    /// Someone taking training: an employee, a partner's consultant or a customer contact.
    Learner,
    /// A course, sold as a catalog SKU, with its development state.
    Course,
    /// A person's certification to teach one course.
    CourseTrainer,
    /// A course on dates with its trainer, seats and workflow.
    TrainingClass,
    /// A learner registered on a class, with the days they attended.
    Enrolment,
    /// A training survey sent to a class's attending learner.
    ClassSurvey,
    /// A technical certification: its assessments' pass marks, attempts and validity.
    Certification,
    /// A learner's attempt at a certification: a written, then a lab assessment.
    CertificationAttempt,
    /// A certificate issued by a passed attempt.
    Certificate,
    /// A trainer candidate's certification path for a course: its checklist and evidence.
    TrainerCandidacy,
    /// A webhook subscription.
    WebhookSubscription,
    /// A webhook delivery (sent again or pinged by a person).
    WebhookDelivery,
}

impl Entity {
    /// The stable name stored in the audit log, e.g. `time_entry`.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Every kind, as a filter offers them.
    pub fn all() -> &'static [Entity] {
        <Self as strum::VariantArray>::VARIANTS
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind of record with the life every plain record has: created from `New`, read by
/// id, changed by `Patch` (checked against `If-Match`), archived and listed by `Filter`.
pub trait Record: Serialize + Clone + Send + Sync + 'static {
    const ENTITY: Entity;
    /// What a create takes: usually the fields themselves.
    type New: NewRecord<Record = Self>;
    /// What a user sets; a patch turns one set of fields into another.
    type Fields: Clone + Send + Sync;
    type Patch: Send + Sync;
    type Filter: ListFilter<Record = Self>;
    /// The columns a numbered list of this kind sorts by.
    type Sort: crate::sort::SortKey;

    fn id(&self) -> Id<Self>;
    fn meta(&self) -> &Meta;
    fn fields(&self) -> &Self::Fields;
    /// The rules that need no stored data; the store checks references itself.
    fn validate(fields: &Self::Fields) -> Result<()>;
    /// The fields after a patch: left-out fields keep their value, `null` clears.
    fn patched(&self, patch: Self::Patch) -> Self::Fields;
}

/// The input of a create, tied back to its record kind so `store.create(ctx, new)` knows
/// which kind it makes.
pub trait NewRecord: Send + Sync + 'static {
    type Record: Record<New = Self>;
    fn fields(&self) -> &<Self::Record as Record>::Fields;
}

/// A list's filter, tied back to its record kind like [`NewRecord`].
pub trait ListFilter: std::fmt::Debug + Send + Sync + 'static {
    type Record: Record<Filter = Self>;
    /// `Some(true)`: archived records only; otherwise live ones.
    fn archived(&self) -> Option<bool>;
}

/// The [`Record`] and [`ListFilter`] impls every `{ id, fields, meta }` kind shares, with
/// an `apply`ing patch and a validating fields type; `$new` is its create input.
#[doc(hidden)]
#[macro_export]
macro_rules! record_impl {
    ($record:ty, $entity:ident, $new:ty, $fields:ty, $patch:ty, $filter:ty, $sort:ty) => {
        impl $crate::record::Record for $record {
            const ENTITY: $crate::record::Entity = $crate::record::Entity::$entity;
            type New = $new;
            type Fields = $fields;
            type Patch = $patch;
            type Filter = $filter;
            type Sort = $sort;
            fn id(&self) -> $crate::Id<Self> {
                self.id
            }
            fn meta(&self) -> &$crate::meta::Meta {
                &self.meta
            }
            fn fields(&self) -> &$fields {
                &self.fields
            }
            fn validate(fields: &$fields) -> $crate::Result<()> {
                fields.validate()
            }
            fn patched(&self, patch: $patch) -> $fields {
                patch.apply(self.fields.clone())
            }
        }

        impl $crate::record::ListFilter for $filter {
            type Record = $record;
            fn archived(&self) -> Option<bool> {
                self.archived
            }
        }
    };
}

/// Implements [`Record`] for a kind whose create input is its fields.
#[macro_export]
macro_rules! plain_record {
    ($record:ty, $entity:ident, $fields:ty, $patch:ty, $filter:ty, $sort:ty) => {
        $crate::record_impl!($record, $entity, $fields, $fields, $patch, $filter, $sort);

        impl $crate::record::NewRecord for $fields {
            type Record = $record;
            fn fields(&self) -> &$fields {
                self
            }
        }
    };
}

/// Implements [`Record`] for a kind created under a parent from the path (an account's
/// contact, a partner's contact, a person's skill): `$new` carries the parent's id and
/// the `fields`, `$filter` lists one parent's records.
#[macro_export]
macro_rules! child_record {
    ($record:ty, $entity:ident, $new:ty, $fields:ty, $patch:ty, $filter:ty, $sort:ty) => {
        $crate::record_impl!($record, $entity, $new, $fields, $patch, $filter, $sort);

        impl $crate::record::NewRecord for $new {
            type Record = $record;
            fn fields(&self) -> &$fields {
                &self.fields
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn entity_names_are_snake_case_and_round_trip() {
        for e in Entity::VARIANTS {
            let name = e.name();
            assert_eq!(name.parse::<Entity>().unwrap(), *e);
            assert_eq!(serde_json::to_value(e).unwrap(), name);
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
        }
        assert_eq!(Entity::TimeEntry.name(), "time_entry");
    }
}
