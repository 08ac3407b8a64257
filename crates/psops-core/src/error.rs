//! The one error vocabulary of psops: what the user did wrong (invalid input, a missing
//! or hidden object, a conflict) versus what went wrong inside (logged, never shown).

use serde::Serialize;
use utoipa::ToSchema;

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
    NotFound { entity: &'static str, id: String },
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

    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
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
