//! The one error vocabulary of psops: what the user did wrong (invalid input, a missing
//! or hidden object, a conflict) versus what went wrong inside (logged, never shown).

use serde::Serialize;
use utoipa::ToSchema;

use crate::record::Entity;
use crate::rule::Rule;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One broken rule on one field: `field` names it as the API spells it, `rule` is a
/// stable machine-readable code, `message` says it in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    // A Rule, answered as its code: a string in the JSON and in the OpenAPI document (this
    // struct's doc comment is the schema's description there, so it is left as it was).
    #[schema(value_type = String)]
    pub rule: Rule,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input breaks one or more rules (HTTP 422).
    #[error("invalid input: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// The object does not exist, or the actor may not know that it does (HTTP 404).
    #[error("{entity}{}{id} not found", if id.is_empty() { "" } else { " " })]
    NotFound { entity: Thing, id: String },
    /// The write conflicts with what is stored, e.g. a duplicate unique value (HTTP 409).
    #[error("conflict: {}", .0.message)]
    Conflict(FieldError),
    /// The caller's version of the object is stale (HTTP 412).
    #[error("the object changed since it was read (current version {current})")]
    PreconditionFailed { current: i64 },
    /// The actor is known but lacks the right (HTTP 403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No valid credentials (HTTP 401).
    #[error("authentication required")]
    Unauthorized,
    /// Something failed inside psops; the text is logged, never shown to the user.
    #[error("internal error: {0}")]
    Internal(String),
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn invalid(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, rule, message)])
    }

    pub fn not_found(entity: impl Into<Thing>, id: impl ToString) -> Self {
        Self::NotFound {
            entity: entity.into(),
            id: id.to_string(),
        }
    }

    pub fn conflict(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self::Conflict(FieldError::new(field, rule, message))
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

/// What a request acts on, as a 404 (`person 12 not found`) or a refusal (`your roles do
/// not allow you to read this person`) names it: a kind of record, or one of the few
/// things psops guards that are no record.
///
/// Those few are not [`Entity`] variants on purpose: `Entity` is the vocabulary of what is
/// stored — the audit log's `entity`, the resource of an idempotent create — and a
/// timesheet (a person's week of entries), a report, an import or an id that is not even
/// a number is never stored as a kind of its own. Each keeps the name it had as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Thing {
    /// A kind of record, named as the audit log names it (`time_entry`).
    Entity(Entity),
    /// A person's week of time entries (`timesheet`).
    Timesheet,
    /// The holiday calendars as the API guards them (`calendar`; the pages say
    /// `holiday_calendar`).
    Calendar,
    /// The timesheet compliance report in the API (`compliance_report`).
    ComplianceReport,
    /// The timesheet compliance report on its page (`compliance report`).
    ComplianceReportPage,
    /// The audit log (`audit_log`).
    AuditLog,
    /// A person's utilization page (`utilization`).
    Utilization,
    /// A file import (`import`).
    Import,
    /// The delivery portfolio (`portfolio`).
    Portfolio,
    Staffing,
    /// The organisation's money figures: the finance dashboard and reports (`finance`).
    Finance,
    /// The partner report (`partner_report`).
    PartnerReport,
    /// What a path names by an id that is not a number, so of no kind (`object`).
    Object,
}

impl Thing {
    /// The name a message gives it, e.g. `time_entry` or `timesheet`.
    pub fn name(self) -> &'static str {
        match self {
            Thing::Entity(e) => e.name(),
            Thing::Timesheet => "timesheet",
            Thing::Portfolio => "portfolio",
            Thing::Staffing => "staffing",
            Thing::Finance => "finance",
            Thing::Calendar => "calendar",
            Thing::ComplianceReport => "compliance_report",
            Thing::ComplianceReportPage => "compliance report",
            Thing::AuditLog => "audit_log",
            Thing::Utilization => "utilization",
            Thing::Import => "import",
            Thing::PartnerReport => "partner_report",
            Thing::Object => "object",
        }
    }
}

impl From<Entity> for Thing {
    fn from(e: Entity) -> Self {
        Thing::Entity(e)
    }
}

impl std::fmt::Display for Thing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_404_names_the_kind_as_before() {
        assert_eq!(
            Error::not_found(Entity::TimeEntry, 12).to_string(),
            "time_entry 12 not found"
        );
        assert_eq!(
            Error::not_found(Thing::Timesheet, "").to_string(),
            "timesheet not found"
        );
        assert_eq!(
            Error::not_found(Thing::Object, "abc").to_string(),
            "object abc not found"
        );
        assert_eq!(Thing::ComplianceReportPage.to_string(), "compliance report");
    }
}
