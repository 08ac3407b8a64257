//! Users, roles and API tokens: who may call psops. The authorization policy that decides
//! what each role may do builds on these.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::people::PersonId;
use crate::validate::Checks;

pub type UserId = Id<User>;
pub type ApiTokenId = Id<ApiToken>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    Ops,
    Finance,
    PracticeManager,
    EngagementManager,
    ProjectManager,
    Consultant,
    PartnerManager,
    PartnerConsultant,
}

impl Code for Role {
    const FIELD: &'static str = "role";
}

/// Roles as stored: a comma-separated list of codes.
pub fn roles_to_text(roles: &[Role]) -> String {
    roles.iter().map(Role::code).collect::<Vec<_>>().join(",")
}

pub fn roles_from_text(text: &str) -> Result<Vec<Role>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Role::from_code)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// The person this user is, when the user logs time or is staffed.
    pub person_id: Option<PersonId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub disabled_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub person_id: Option<PersonId>,
    /// An argon2id PHC string; never the password itself.
    pub password_hash: Option<String>,
}

impl NewUser {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.email(&self.email, "email").text(&self.name, "name", 200);
        c.check(
            !self.roles.is_empty(),
            "role",
            "required",
            "a user needs at least one role",
        );
        c.into_result()
    }
}

/// What an admin may change about a user.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub name: Option<String>,
    pub roles: Option<Vec<Role>>,
    #[serde(default, deserialize_with = "crate::patch::double_option")]
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<Option<PersonId>>,
    /// `true` disables sign-in and every token of the user; `false` enables them again.
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TokenScope {
    Read,
    ReadWrite,
}

impl Code for TokenScope {
    const FIELD: &'static str = "scope";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub scope: TokenScope,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiToken {
    /// A token works until it is revoked or expires.
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: UserId,
    pub name: String,
    pub scope: TokenScope,
    /// SHA-256 of the secret, hex; the secret itself is shown once and never stored.
    pub token_hash: String,
    pub expires_at: Option<OffsetDateTime>,
}

/// Who is acting: the signed-in user or the owner of the presented token.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub scope: TokenScope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        let roles = vec![Role::Admin, Role::PartnerConsultant];
        assert_eq!(roles_to_text(&roles), "admin,partner_consultant");
        assert_eq!(roles_from_text("admin, partner_consultant").unwrap(), roles);
        assert!(roles_from_text("admin,root").is_err());
    }

    #[test]
    fn revoked_or_expired_tokens_are_dead() {
        let now = time::macros::datetime!(2026-06-01 12:00 UTC);
        let mut t = ApiToken {
            id: Id::new(1),
            user_id: Id::new(1),
            name: "ci".into(),
            scope: TokenScope::ReadWrite,
            created_at: now,
            expires_at: None,
            last_used_at: None,
            revoked_at: None,
        };
        assert!(t.is_live(now));
        t.expires_at = Some(now);
        assert!(!t.is_live(now));
        t.expires_at = None;
        t.revoked_at = Some(now);
        assert!(!t.is_live(now));
    }
}
