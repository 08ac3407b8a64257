//! What every stored record carries besides its own fields: its version and its history.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Meta {
    /// Increases by one on every change; send it back in `If-Match` to update safely.
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Set when the record is archived: it stays readable but takes no new work.
    #[serde(with = "time::serde::rfc3339::option")]
    pub archived_at: Option<OffsetDateTime>,
}

impl Meta {
    /// A record's first version, made at `at`.
    pub fn fresh(at: OffsetDateTime) -> Meta {
        Meta {
            version: 1,
            created_at: at,
            updated_at: at,
            archived_at: None,
        }
    }

    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }
}
