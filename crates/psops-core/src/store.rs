//! The store contract: what psops needs from a database, implemented for SQLite and
//! PostgreSQL in psops-store. Every write is one transaction and checks the domain rules
//! itself, so no interface (API, CLI, import) can bypass them.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::Result;
use crate::accounts::{
    Account, AccountFields, AccountFilter, AccountId, AccountPatch, Contact, ContactFields, ContactId, ContactPatch,
};
use crate::assignments::{Assignment, AssignmentFields, AssignmentFilter, AssignmentId, AssignmentPatch};
use crate::audit::{AuditEntry, AuditFilter};
use crate::auth::{ApiToken, NewApiToken, NewUser, User, UserId};
use crate::page::{Page, PageRequest};
use crate::partners::{Partner, PartnerFields, PartnerFilter, PartnerId, PartnerPatch};
use crate::people::{Person, PersonFields, PersonFilter, PersonId, PersonPatch};
use crate::policy::ProjectFacts;
use crate::projects::{Project, ProjectFields, ProjectFilter, ProjectId, ProjectPatch};
use crate::sessions::{Session, SessionLimits};
use crate::settings::{Settings, SettingsPatch};
use crate::time_entries::{NewTimeEntry, TimeEntry, TimeEntryFilter, TimeEntryId, TimeEntryPatch};

/// Who writes, and under which request: carried into every write for the audit trail.
#[derive(Debug, Clone, Default)]
pub struct WriteCtx {
    pub user_id: Option<UserId>,
    pub request_id: Option<String>,
    /// Present when the client sent `Idempotency-Key` on a create.
    pub idempotency: Option<IdempotencyKey>,
}

#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub key: String,
    /// A digest of the request (method, path, body): the same key with another request
    /// is refused rather than answered with the first response.
    pub fingerprint: String,
}

/// The result of a create: the new object, or — when the request repeats an earlier
/// one with the same idempotency key — that request's response, and nothing written.
#[derive(Debug, Clone)]
pub enum Created<T> {
    New(T),
    Replayed(serde_json::Value),
}

impl<T: serde::Serialize> Created<T> {
    /// The response body either way.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Created::New(v) => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
            Created::Replayed(v) => v.clone(),
        }
    }

    /// The new object; `None` for a replay.
    pub fn new_value(self) -> Option<T> {
        match self {
            Created::New(v) => Some(v),
            Created::Replayed(_) => None,
        }
    }
}

/// Versioned writes: `if_version` is the version the caller last saw (from `If-Match`).
pub type IfVersion = Option<i64>;

#[async_trait]
pub trait OrgStore: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<()>;
    async fn settings(&self) -> Result<Settings>;
    async fn update_settings(&self, ctx: &WriteCtx, patch: SettingsPatch) -> Result<Settings>;
}

#[async_trait]
pub trait PeopleStore: Send + Sync {
    async fn create_person(&self, ctx: &WriteCtx, new: PersonFields) -> Result<Created<Person>>;
    async fn person(&self, id: PersonId) -> Result<Person>;
    async fn update_person(&self, ctx: &WriteCtx, id: PersonId, v: IfVersion, patch: PersonPatch) -> Result<Person>;
    async fn archive_person(&self, ctx: &WriteCtx, id: PersonId, v: IfVersion, archived: bool) -> Result<Person>;
    async fn list_people(&self, filter: &PersonFilter, page: PageRequest) -> Result<Page<Person>>;
}

#[async_trait]
pub trait PartnerStore: Send + Sync {
    async fn create_partner(&self, ctx: &WriteCtx, new: PartnerFields) -> Result<Created<Partner>>;
    async fn partner(&self, id: PartnerId) -> Result<Partner>;
    async fn update_partner(&self, ctx: &WriteCtx, id: PartnerId, v: IfVersion, patch: PartnerPatch)
    -> Result<Partner>;
    async fn archive_partner(&self, ctx: &WriteCtx, id: PartnerId, v: IfVersion, archived: bool) -> Result<Partner>;
    async fn list_partners(&self, filter: &PartnerFilter, page: PageRequest) -> Result<Page<Partner>>;
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_account(&self, ctx: &WriteCtx, new: AccountFields) -> Result<Created<Account>>;
    async fn account(&self, id: AccountId) -> Result<Account>;
    async fn update_account(&self, ctx: &WriteCtx, id: AccountId, v: IfVersion, patch: AccountPatch)
    -> Result<Account>;
    async fn archive_account(&self, ctx: &WriteCtx, id: AccountId, v: IfVersion, archived: bool) -> Result<Account>;
    async fn list_accounts(&self, filter: &AccountFilter, page: PageRequest) -> Result<Page<Account>>;

    async fn create_contact(&self, ctx: &WriteCtx, account: AccountId, new: ContactFields) -> Result<Created<Contact>>;
    async fn contact(&self, id: ContactId) -> Result<Contact>;
    async fn update_contact(&self, ctx: &WriteCtx, id: ContactId, v: IfVersion, patch: ContactPatch)
    -> Result<Contact>;
    async fn archive_contact(&self, ctx: &WriteCtx, id: ContactId, v: IfVersion, archived: bool) -> Result<Contact>;
    async fn list_contacts(
        &self,
        account: AccountId,
        archived: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<Contact>>;
}

#[async_trait]
pub trait ProjectStore: Send + Sync {
    async fn create_project(&self, ctx: &WriteCtx, new: ProjectFields) -> Result<Created<Project>>;
    async fn project(&self, id: ProjectId) -> Result<Project>;
    async fn update_project(&self, ctx: &WriteCtx, id: ProjectId, v: IfVersion, patch: ProjectPatch)
    -> Result<Project>;
    async fn archive_project(&self, ctx: &WriteCtx, id: ProjectId, v: IfVersion, archived: bool) -> Result<Project>;
    async fn list_projects(&self, filter: &ProjectFilter, page: PageRequest) -> Result<Page<Project>>;
}

#[async_trait]
pub trait AssignmentStore: Send + Sync {
    async fn create_assignment(&self, ctx: &WriteCtx, new: AssignmentFields) -> Result<Created<Assignment>>;
    async fn assignment(&self, id: AssignmentId) -> Result<Assignment>;
    async fn update_assignment(
        &self,
        ctx: &WriteCtx,
        id: AssignmentId,
        v: IfVersion,
        patch: AssignmentPatch,
    ) -> Result<Assignment>;
    async fn archive_assignment(
        &self,
        ctx: &WriteCtx,
        id: AssignmentId,
        v: IfVersion,
        archived: bool,
    ) -> Result<Assignment>;
    async fn list_assignments(&self, filter: &AssignmentFilter, page: PageRequest) -> Result<Page<Assignment>>;
}

#[async_trait]
pub trait TimeStore: Send + Sync {
    async fn create_time_entry(&self, ctx: &WriteCtx, new: NewTimeEntry) -> Result<Created<TimeEntry>>;
    async fn time_entry(&self, id: TimeEntryId) -> Result<TimeEntry>;
    async fn update_time_entry(
        &self,
        ctx: &WriteCtx,
        id: TimeEntryId,
        v: IfVersion,
        patch: TimeEntryPatch,
    ) -> Result<TimeEntry>;
    /// Deletes a draft entry; entries further along the timesheet cycle are kept.
    async fn delete_time_entry(&self, ctx: &WriteCtx, id: TimeEntryId, v: IfVersion) -> Result<()>;
    async fn list_time_entries(&self, filter: &TimeEntryFilter, page: PageRequest) -> Result<Page<TimeEntry>>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    async fn create_user(&self, new: NewUser) -> Result<User>;
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    /// The stored argon2id hash of a user's password, if one is set.
    async fn password_hash(&self, id: UserId) -> Result<Option<String>>;
    async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;
    async fn create_api_token(&self, new: NewApiToken) -> Result<ApiToken>;
    /// Finds the live token with this hash and its user, recording `now` as last use.
    async fn authenticate_token(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<(User, ApiToken)>>;
    async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>>;
    async fn revoke_api_token(&self, id: crate::auth::ApiTokenId, now: OffsetDateTime) -> Result<ApiToken>;
}

/// Everything psops stores, behind one object the web layer and the CLI share.
/// Sessions, setup links, sign-in throttling, and the facts the authorization policy
/// needs about an object relative to the one acting.
#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// The session with this hash and its user, if both are live; records `now` as seen.
    async fn live_session(
        &self,
        id_hash: &str,
        now: OffsetDateTime,
        limits: SessionLimits,
    ) -> Result<Option<(Session, User)>>;
    async fn end_session(&self, id_hash: &str, now: OffsetDateTime) -> Result<()>;
    /// Ends every session of a user (sign out everywhere, password reset).
    async fn end_user_sessions(&self, user: UserId, now: OffsetDateTime) -> Result<u64>;
    async fn create_setup_token(&self, token_hash: &str, now: OffsetDateTime, expires_at: OffsetDateTime)
    -> Result<()>;
    /// Marks a setup link used; `false` when it is unknown, used or expired.
    async fn use_setup_token(&self, token_hash: &str, now: OffsetDateTime) -> Result<bool>;
    async fn record_sign_in_failure(&self, subject: &str, at: OffsetDateTime) -> Result<()>;
    async fn sign_in_failures_since(&self, subject: &str, since: OffsetDateTime) -> Result<i64>;
    /// The facts of a project relative to a person (are they assigned to it?).
    async fn project_facts(&self, project: ProjectId, person: Option<PersonId>) -> Result<ProjectFacts>;
    /// Whether a partner organisation delivers any project for an account.
    async fn partner_delivers_for(&self, partner: PartnerId, account: AccountId) -> Result<bool>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Audit entries, oldest first. Nothing can change or delete them.
    async fn list_audit(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>>;
}

pub trait Store:
    OrgStore
    + PeopleStore
    + PartnerStore
    + AccountStore
    + ProjectStore
    + AssignmentStore
    + TimeStore
    + AuthStore
    + AuditStore
    + AccessStore
{
}

impl<T> Store for T where
    T: OrgStore
        + PeopleStore
        + PartnerStore
        + AccountStore
        + ProjectStore
        + AssignmentStore
        + TimeStore
        + AuthStore
        + AuditStore
        + AccessStore
{
}

/// Every store trait at once: `use psops_core::store::prelude::*;`.
pub mod prelude {
    pub use super::{
        AccessStore, AccountStore, AssignmentStore, AuditStore, AuthStore, OrgStore, PartnerStore, PeopleStore,
        ProjectStore, Store, TimeStore,
    };
}
