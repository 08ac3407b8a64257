//! The audit log: who changed what, when, under which request, with the values before
//! and after. Entries are written in the same transaction as the change and never
//! change or disappear afterwards.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;

pub type AuditEntryId = Id<AuditEntry>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AuditAction {
    Create,
    Update,
    Archive,
    Unarchive,
    Delete,
}

impl Code for AuditAction {
    const FIELD: &'static str = "action";
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user who made the change; absent for changes made by the system itself.
    pub user_id: Option<UserId>,
    /// What made the change when no user did: `cli:<operating-system user>` for the
    /// command line.
    pub via: Option<String>,
    pub request_id: Option<String>,
    /// The kind of object, e.g. `person`, `time_entry`.
    pub entity: String,
    pub entity_id: i64,
    pub action: AuditAction,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub user_id: Option<UserId>,
    pub action: Option<AuditAction>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Newest first (a page of the log as people read it); oldest first otherwise.
    pub newest_first: bool,
}
