//! Users, roles and API tokens: who may call psops. The authorization policy that decides
//! what each role may do builds on these.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::people::PersonId;
use crate::rule::Rule;
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
    /// PS leadership (directors, the VP of Customer Success): reads all delivery and the
    /// money behind it — cost rates and margins — and changes none of it.
    Leadership,
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
            Rule::Required,
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

impl User {
    /// An administrator who can act as one: enabled, holding `admin` and no partner role
    /// (partner roles confine whoever holds them to their organisation).
    pub fn is_active_admin(&self) -> bool {
        self.disabled_at.is_none()
            && self.roles.contains(&Role::Admin)
            && !self
                .roles
                .iter()
                .any(|r| matches!(r, Role::PartnerManager | Role::PartnerConsultant))
    }
}

/// Refuses a change to a user that would leave psops with no active administrator;
/// `other_active_admins` counts the active administrators besides this user.
pub fn keeps_an_admin(before: &User, after: &User, other_active_admins: usize) -> Result<()> {
    if !before.is_active_admin() || after.is_active_admin() || other_active_admins > 0 {
        return Ok(());
    }
    let field = if after.disabled_at.is_some() {
        "disabled"
    } else {
        "roles"
    };
    Err(crate::Error::conflict(
        field,
        Rule::LastAdmin,
        "this is the last active administrator: make someone else an administrator first",
    ))
}

/// The longest an API token may live: ten years, through the API, the pages and the CLI.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// A token's expiry, when it has one, lies after `now` and at most [`MAX_TOKEN_DAYS`] on.
pub fn check_token_expiry(expires_at: Option<OffsetDateTime>, now: OffsetDateTime) -> Result<()> {
    let Some(at) = expires_at else { return Ok(()) };
    let mut c = Checks::new();
    c.check(
        at > now,
        "expires_at",
        Rule::Future,
        "expires_at must lie in the future",
    );
    c.check(
        at <= now + time::Duration::days(MAX_TOKEN_DAYS),
        "expires_at",
        Rule::AtMost3650Days,
        "expires_at must be at most 3650 days (ten years) from now",
    );
    c.into_result()
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

    fn user(roles: Vec<Role>, disabled: bool) -> User {
        let t = time::macros::datetime!(2026-06-01 12:00 UTC);
        User {
            id: Id::new(1),
            email: "a@example.com".into(),
            name: "A".into(),
            roles,
            person_id: None,
            created_at: t,
            disabled_at: disabled.then_some(t),
        }
    }

    #[test]
    fn the_last_active_administrator_stays() {
        let admin = user(vec![Role::Admin], false);
        let demoted = user(vec![Role::Consultant], false);
        let disabled = user(vec![Role::Admin], true);
        let partnered = user(vec![Role::Admin, Role::PartnerManager], false);
        for (after, field) in [(&demoted, "roles"), (&disabled, "disabled"), (&partnered, "roles")] {
            let Err(crate::Error::Conflict(e)) = keeps_an_admin(&admin, after, 0) else {
                panic!("{after:?} was allowed")
            };
            assert_eq!((e.field.as_str(), e.rule), (field, Rule::LastAdmin));
            assert!(keeps_an_admin(&admin, after, 1).is_ok(), "another admin remains");
        }
        assert!(
            keeps_an_admin(&demoted, &demoted, 0).is_ok(),
            "not an admin to begin with"
        );
        assert!(keeps_an_admin(&admin, &admin, 0).is_ok());
    }

    #[test]
    fn token_expiry_lies_ahead_and_within_ten_years() {
        let now = time::macros::datetime!(2026-06-01 12:00 UTC);
        let day = time::Duration::days(1);
        assert!(check_token_expiry(None, now).is_ok());
        assert!(check_token_expiry(Some(now + day), now).is_ok());
        assert!(check_token_expiry(Some(now + day * 3650), now).is_ok());
        let rule = |at| match check_token_expiry(Some(at), now) {
            Err(crate::Error::Invalid(e)) => e[0].rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(rule(time::macros::datetime!(1970-01-01 0:00 UTC)), Rule::Future);
        assert_eq!(rule(now), Rule::Future);
        assert_eq!(rule(now + day * 3651), Rule::AtMost3650Days);
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
