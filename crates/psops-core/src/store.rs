//! The store contract: what psops needs from a database, implemented for SQLite and
//! PostgreSQL in psops-store. Every write is one transaction and checks the domain rules
//! itself, so no interface (API, CLI, import) can bypass them.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};

use crate::Id;
use crate::Result;
use crate::accounts::{Account, AccountId, Contact};
use crate::assignments::Assignment;
use crate::audit::{AuditEntry, AuditFilter};
use crate::auth::{ApiToken, NewApiToken, NewUser, User, UserId, UserPatch};
use crate::calendars::{
    CalendarFields, HolidayCalendar, HolidayCalendarId, HolidayId, HolidayRecord, NewTimeOff, RulesOverrideId,
    StoredOverride, TimeOffDecision, TimeOffFilter, TimeOffId, TimeOffRecord,
};
use crate::capacity::{Capacity, CapacityRules, CapacityView, Holiday, RulesOverride};
use crate::dates::DateRange;
use crate::page::{Page, PageRequest};
use crate::partners::{Partner, PartnerId};
use crate::people::{Person, PersonId};
use crate::policy::Grant;
use crate::policy::ProjectFacts;
use crate::projects::{Project, ProjectId};
use crate::record::{ListFilter, NewRecord, Record};
use crate::reporting::{
    ComplianceReport, LockRecord, Rejection, Reminder, RollupDifference, TimesheetActor, UtilizationFilter,
    WeekApproval,
};
use crate::sessions::{Session, SessionLimits};
use crate::settings::{Settings, SettingsPatch};
use crate::sort::{Numbered, Sorted};
use crate::time_entries::{NewTimeEntry, TimeEntry, TimeEntryFilter, TimeEntryId, TimeEntryPatch};
use crate::timesheet::IsoWeek;
use crate::utilization::{GroupBy, UtilizationReport};
use crate::utilization_weeks::WeeklyUtilization;

/// Who writes, and under which request: carried into every write for the audit trail.
/// Made only by [`WriteCtx::granted`] — from the policy's [`Grant`] — or by
/// [`WriteCtx::trusted`] for callers that answer to no policy decision.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WriteCtx {
    pub user_id: Option<UserId>,
    /// What acted when no user did, e.g. `cli:alice` — the command line, run by the
    /// operating-system user alice with the authority of whoever can reach the database.
    pub via: Option<String>,
    pub request_id: Option<String>,
    /// Present when the client sent `Idempotency-Key` on a create.
    pub idempotency: Option<IdempotencyKey>,
}

impl WriteCtx {
    /// A signed-in user's write that the policy allowed.
    pub fn granted(_grant: Grant, user_id: UserId, request_id: Option<String>) -> WriteCtx {
        WriteCtx {
            user_id: Some(user_id),
            request_id,
            ..WriteCtx::trusted()
        }
    }

    /// A write that answers to no policy decision: the command line (which acts with the
    /// authority of whoever reaches the database and sets `via`), the first
    /// administrator's setup, the demo and tests. psops-web's lints refuse it elsewhere.
    pub fn trusted() -> WriteCtx {
        WriteCtx {
            user_id: None,
            via: None,
            request_id: None,
            idempotency: None,
        }
    }
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

    /// The record made now; a replay (the same idempotency key again) made nothing, so
    /// it is an internal error where no key was sent.
    pub fn made(self) -> crate::Result<T> {
        match self {
            Created::New(v) => Ok(v),
            Created::Replayed(_) => Err(crate::Error::internal(
                "a write without an idempotency key was replayed",
            )),
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
    /// Claims this period's run of a scheduled job for `node`: true for exactly one
    /// caller of all the nodes sharing the database when the last run is at least
    /// `every` before `now`.
    async fn claim_run(&self, job: &str, node: &str, every: time::Duration, now: OffsetDateTime) -> Result<bool>;
    async fn settings(&self) -> Result<Settings>;
    async fn update_settings(&self, ctx: &WriteCtx, patch: SettingsPatch) -> Result<Settings>;
}

/// The life every plain record kind shares (see [`crate::record`]): one implementation
/// in the store serves people, partners, accounts, contacts, projects, assignments and
/// every kind added the same way. `get`, `update` and `archive` know the kind from the
/// typed id; [`Records::create`] and [`Records::list`] from their input.
#[async_trait]
pub trait RecordStore<R: Record>: Send + Sync {
    /// Validates, checks references and uniqueness, writes and audits, all or nothing.
    async fn create_record(&self, ctx: &WriteCtx, new: R::New) -> Result<Created<R>>;
    async fn get(&self, id: Id<R>) -> Result<R>;
    /// What each of these records goes by (a name), for the ids that exist, archived or
    /// not, in one read: whole-organisation reports name thousands at once, so the store
    /// keeps large answers until the data changes.
    async fn names(&self, ids: &[Id<R>]) -> Result<std::sync::Arc<std::collections::HashMap<i64, String>>>;
    async fn update(&self, ctx: &WriteCtx, id: Id<R>, v: IfVersion, patch: R::Patch) -> Result<R>;
    /// Archives (`true`) or restores a record; it stays readable either way.
    async fn archive(&self, ctx: &WriteCtx, id: Id<R>, v: IfVersion, archived: bool) -> Result<R>;
    async fn list_records(&self, filter: &R::Filter, page: PageRequest) -> Result<Page<R>>;
    /// One numbered page of the list sorted by a column, with the list's total.
    async fn list_sorted(&self, filter: &R::Filter, at: Sorted<R::Sort>) -> Result<Numbered<R>>;
}

/// A boxed future, as `async_trait` makes them.
pub type Pending<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

/// `create` and `list` for any store, picking the record kind from the input's type.
pub trait Records {
    fn create<'a, N: NewRecord>(&'a self, ctx: &'a WriteCtx, new: N) -> Pending<'a, Created<N::Record>>
    where
        Self: RecordStore<N::Record>;

    fn list<'a, F: ListFilter>(&'a self, filter: &'a F, page: PageRequest) -> Pending<'a, Page<F::Record>>
    where
        Self: RecordStore<F::Record>;
    fn sorted<'a, F: ListFilter>(
        &'a self,
        filter: &'a F,
        at: Sorted<<F::Record as Record>::Sort>,
    ) -> Pending<'a, Numbered<F::Record>>
    where
        Self: RecordStore<F::Record>;
    /// Every record the filter lets through, read page after page in id order: for a
    /// screen that needs the whole list (a project's staffing, a manager's projects).
    fn every<'a, F: ListFilter>(&'a self, filter: &'a F) -> Pending<'a, Vec<F::Record>>
    where
        Self: RecordStore<F::Record>;
}

impl<S: ?Sized + Store> Records for S {
    fn create<'a, N: NewRecord>(&'a self, ctx: &'a WriteCtx, new: N) -> Pending<'a, Created<N::Record>>
    where
        Self: RecordStore<N::Record>,
    {
        RecordStore::<N::Record>::create_record(self, ctx, new)
    }

    fn list<'a, F: ListFilter>(&'a self, filter: &'a F, page: PageRequest) -> Pending<'a, Page<F::Record>>
    where
        Self: RecordStore<F::Record>,
    {
        RecordStore::<F::Record>::list_records(self, filter, page)
    }

    fn sorted<'a, F: ListFilter>(
        &'a self,
        filter: &'a F,
        at: Sorted<<F::Record as Record>::Sort>,
    ) -> Pending<'a, Numbered<F::Record>>
    where
        Self: RecordStore<F::Record>,
    {
        RecordStore::<F::Record>::list_sorted(self, filter, at)
    }

    fn every<'a, F: ListFilter>(&'a self, filter: &'a F) -> Pending<'a, Vec<F::Record>>
    where
        Self: RecordStore<F::Record>,
    {
        Box::pin(async move {
            let mut all = Vec::new();
            let mut page = PageRequest {
                after: None,
                limit: crate::page::MAX_LIMIT,
            };
            loop {
                let got = RecordStore::<F::Record>::list_records(self, filter, page).await?;
                let last = got.items.last().map(|r| r.id().get());
                all.extend(got.items);
                match (got.next_cursor, last) {
                    (Some(_), Some(after)) => page.after = Some(after),
                    _ => return Ok(all),
                }
            }
        })
    }
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
    async fn create_user(&self, ctx: &WriteCtx, new: NewUser) -> Result<User>;
    async fn user(&self, id: UserId) -> Result<User>;
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    /// The users who sign in as this person (usually one, or none).
    async fn users_of_person(&self, person: PersonId) -> Result<Vec<User>>;
    async fn update_user(&self, ctx: &WriteCtx, id: UserId, patch: UserPatch) -> Result<User>;
    async fn list_users(&self, page: PageRequest) -> Result<Page<User>>;
    /// Users whose name or e-mail contains `text` (any case), by id.
    async fn find_users(&self, text: &str, page: PageRequest) -> Result<Page<User>>;
    /// The stored argon2id hash of a user's password, if one is set.
    async fn password_hash(&self, id: UserId) -> Result<Option<String>>;
    async fn set_password_hash(&self, ctx: &WriteCtx, id: UserId, hash: &str) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;
    async fn create_api_token(&self, ctx: &WriteCtx, new: NewApiToken) -> Result<ApiToken>;
    async fn api_token(&self, id: crate::auth::ApiTokenId) -> Result<ApiToken>;
    /// Finds the live token with this hash and its user, recording `now` as last use.
    async fn authenticate_token(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<(User, ApiToken)>>;
    async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>>;
    async fn revoke_api_token(
        &self,
        ctx: &WriteCtx,
        id: crate::auth::ApiTokenId,
        now: OffsetDateTime,
    ) -> Result<ApiToken>;
}

/// The capacity policy and its overrides per region, function and person.
#[async_trait]
pub trait CapacityRulesStore: Send + Sync {
    /// The organisation's base policy; the handbook's until someone changes it.
    async fn capacity_rules(&self) -> Result<CapacityRules>;
    /// Replaces the base policy after validating it.
    async fn update_capacity_rules(&self, ctx: &WriteCtx, policy: CapacityRules) -> Result<CapacityRules>;
    async fn create_rules_override(&self, ctx: &WriteCtx, new: RulesOverride) -> Result<StoredOverride>;
    /// Every override, oldest first (the order `capacity::resolve` breaks ties by).
    async fn list_rules_overrides(&self) -> Result<Vec<StoredOverride>>;
    async fn delete_rules_override(&self, ctx: &WriteCtx, id: RulesOverrideId) -> Result<()>;
    /// The base policy and the overrides that apply to a person, ready for
    /// `capacity::resolve` and the `*_resolved` capacity views.
    async fn policy_inputs(&self, person: PersonId) -> Result<(CapacityRules, Vec<RulesOverride>)>;
    /// The policy that holds for a person on a day.
    async fn resolved_rules(&self, person: PersonId, on: Date) -> Result<CapacityRules>;
}

/// Regional holiday calendars and their holidays.
#[async_trait]
pub trait CalendarStore: Send + Sync {
    async fn create_calendar(&self, ctx: &WriteCtx, new: CalendarFields) -> Result<HolidayCalendar>;
    async fn calendar(&self, id: HolidayCalendarId) -> Result<HolidayCalendar>;
    async fn update_calendar(
        &self,
        ctx: &WriteCtx,
        id: HolidayCalendarId,
        v: IfVersion,
        fields: CalendarFields,
    ) -> Result<HolidayCalendar>;
    /// Deletes a calendar with its holidays.
    async fn delete_calendar(&self, ctx: &WriteCtx, id: HolidayCalendarId) -> Result<()>;
    async fn list_calendars(&self) -> Result<Vec<HolidayCalendar>>;
    /// Adds holidays all or nothing (a date already on the calendar is a conflict);
    /// imports from `.ics` and CSV come through here.
    async fn add_holidays(
        &self,
        ctx: &WriteCtx,
        calendar: HolidayCalendarId,
        holidays: Vec<Holiday>,
    ) -> Result<Vec<HolidayRecord>>;
    async fn update_holiday(&self, ctx: &WriteCtx, id: HolidayId, holiday: Holiday) -> Result<HolidayRecord>;
    async fn delete_holiday(&self, ctx: &WriteCtx, id: HolidayId) -> Result<()>;
    /// A calendar's holidays in date order, optionally within a range.
    async fn list_holidays(&self, calendar: HolidayCalendarId, range: Option<DateRange>) -> Result<Vec<HolidayRecord>>;
}

/// Time off, kept apart from time entries. Who may decide is the web layer's question;
/// the store records the transitions.
#[async_trait]
pub trait TimeOffStore: Send + Sync {
    async fn request_time_off(&self, ctx: &WriteCtx, new: NewTimeOff) -> Result<TimeOffRecord>;
    /// Several days requested together: all of them, or none when one breaks a rule (its
    /// errors then start with its date).
    async fn request_days(&self, ctx: &WriteCtx, days: Vec<NewTimeOff>) -> Result<Vec<TimeOffRecord>>;
    async fn time_off(&self, id: TimeOffId) -> Result<TimeOffRecord>;
    /// requested → approved, or → rejected with a reason.
    async fn decide_time_off(
        &self,
        ctx: &WriteCtx,
        id: TimeOffId,
        v: IfVersion,
        decision: TimeOffDecision,
    ) -> Result<TimeOffRecord>;
    /// Several days (a run) decided together: all of them, or none.
    async fn decide_time_off_days(
        &self,
        ctx: &WriteCtx,
        days: &[(TimeOffId, IfVersion)],
        decision: TimeOffDecision,
    ) -> Result<Vec<TimeOffRecord>>;
    /// Withdraws a request or cancels approved time off.
    async fn delete_time_off(&self, ctx: &WriteCtx, id: TimeOffId, v: IfVersion) -> Result<()>;
    /// Several days withdrawn together: all of them, or none.
    async fn delete_time_off_days(&self, ctx: &WriteCtx, days: &[(TimeOffId, IfVersion)]) -> Result<()>;
    async fn list_time_off(&self, filter: &TimeOffFilter, page: PageRequest) -> Result<Page<TimeOffRecord>>;
}

/// The weekly timesheet cycle and finance's locked periods. Every step goes through
/// `timesheet::apply` for each entry it moves and refuses as a whole if any entry may not.
#[async_trait]
pub trait TimesheetStore: Send + Sync {
    /// The person's draft entries in the week → submitted; records when.
    async fn submit_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
    ) -> Result<Vec<TimeEntry>>;
    /// The person's submitted entries in the week → draft.
    async fn withdraw_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
    ) -> Result<Vec<TimeEntry>>;
    /// The submitted entries of one project (`None`: internal time) in the week → approved.
    async fn approve_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
        project: Option<ProjectId>,
    ) -> Result<Vec<TimeEntry>>;
    /// Like `approve_week`, back to draft, with the reason recorded.
    async fn reject_week(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        person: PersonId,
        week: IsoWeek,
        project: Option<ProjectId>,
        reason: &str,
    ) -> Result<Rejection>;
    /// Approved entries → draft, by their approver.
    async fn reopen_entries(
        &self,
        ctx: &WriteCtx,
        actor: TimesheetActor,
        ids: &[TimeEntryId],
    ) -> Result<Vec<TimeEntry>>;
    /// When the person last submitted the week, if they have.
    async fn week_submitted_at(&self, person: PersonId, week: IsoWeek) -> Result<Option<OffsetDateTime>>;
    /// Submitted time waiting for approval, summed per person, project and ISO week: what
    /// the scope lets its subject approve.
    async fn waiting(&self, scope: &crate::scope::ApprovalScope) -> Result<Vec<crate::reporting::Waiting>>;
    /// Records a reminder to each person about the week, in the outbox: all or none.
    async fn remind(&self, ctx: &WriteCtx, people: &[PersonId], week: IsoWeek, message: &str) -> Result<Vec<Reminder>>;
    /// Reminders, newest first: one person's or everyone's, of the people `scope` lets
    /// the reader see as figures, at most `limit`.
    async fn reminders(
        &self,
        person: Option<PersonId>,
        scope: &crate::scope::ListScope,
        limit: u32,
    ) -> Result<Vec<Reminder>>;
    /// Rejections of the person's week, oldest first.
    async fn list_rejections(&self, person: PersonId, week: IsoWeek) -> Result<Vec<Rejection>>;
    /// Approvals of the person's week, one a project, oldest first.
    async fn list_approvals(&self, person: PersonId, week: IsoWeek) -> Result<Vec<WeekApproval>>;
    /// Closes a period: from now on no entry dated in it changes for anyone.
    async fn lock_period(&self, ctx: &WriteCtx, range: DateRange) -> Result<LockRecord>;
    async fn list_locked_periods(&self) -> Result<Vec<LockRecord>>;
}

/// Reports over the maintained rollups.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Runs `work`, one request, checking whether kept results are still current at
    /// most once until it writes, rather than once per result (a page asks for dozens).
    /// By default it simply runs.
    fn request<'a>(&'a self, work: Pending<'a, ()>) -> Pending<'a, ()> {
        work
    }

    /// One person's capacity over a range in either view.
    async fn capacity(&self, person: PersonId, range: DateRange, view: CapacityView) -> Result<Capacity>;
    async fn utilization(
        &self,
        range: DateRange,
        group_by: GroupBy,
        filter: &UtilizationFilter,
    ) -> Result<UtilizationReport>;
    /// Each group's worked and billable minutes and policy-view capacity in every ISO
    /// week of `range` (at most `utilization_weeks::MAX_WEEKS`), the minutes read from the
    /// rollups in one query whatever the number of people.
    async fn utilization_weeks(
        &self,
        range: DateRange,
        group_by: GroupBy,
        filter: &UtilizationFilter,
    ) -> Result<WeeklyUtilization>;
    /// Each active person's week against its due day, as of a day.
    async fn compliance(&self, week: IsoWeek, as_of: Date) -> Result<ComplianceReport>;
    /// Every minute logged on each of these projects (their burn), by project id; a
    /// project without time is left out.
    async fn project_minutes(&self, ids: &[ProjectId]) -> Result<std::collections::HashMap<ProjectId, crate::Minutes>>;
    /// A project's minutes per person, of the time `scope` lets the reader see.
    async fn project_people(
        &self,
        project: ProjectId,
        scope: &crate::scope::ListScope,
    ) -> Result<Vec<(PersonId, crate::Minutes)>>;
    /// A project's minutes per day for each of `people`, or for everyone together (person
    /// `None`) when `people` is `None`, of the time `scope` lets the reader see, from
    /// `since` on when given.
    async fn project_days(
        &self,
        project: ProjectId,
        scope: &crate::scope::ListScope,
        people: Option<&[PersonId]>,
        since: Option<Date>,
    ) -> Result<Vec<(Option<PersonId>, Date, crate::Minutes)>>;
    /// Recomputes the rollups from the raw entries; empty when they agree.
    async fn verify_rollups(&self) -> Result<Vec<RollupDifference>>;
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
    /// The secret that signs the forms shown before sign-in, shared by every node: the
    /// stored one, or `fresh` when none is stored yet (it is then stored).
    async fn form_key(&self, fresh: &str) -> Result<String>;
    async fn record_sign_in_failure(&self, subject: &str, at: OffsetDateTime) -> Result<()>;
    async fn sign_in_failures_since(&self, subject: &str, since: OffsetDateTime) -> Result<i64>;
    /// The facts of a project relative to a person (are they assigned to it?).
    async fn project_facts(&self, project: ProjectId, person: Option<PersonId>) -> Result<ProjectFacts>;
    /// Whether a partner organisation delivers any project for an account.
    async fn partner_delivers_for(&self, partner: PartnerId, account: AccountId) -> Result<bool>;
}

/// Loading a whole organisation at once (the demo, benchmarks): large multi-row writes
/// in few transactions, rollups computed from the batches, statuses set directly. Only
/// for an empty database and for records valid by construction.
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// Whether the database holds organisation records (partners, calendars, accounts,
    /// people, projects or time); users alone do not count.
    async fn holds_records(&self) -> Result<bool>;
    /// Writes `records`, then each batch of time, into an empty database; `progress`
    /// hears the running totals after each batch. A database that holds records is
    /// refused with a conflict on `database`.
    async fn bulk_load(
        &self,
        records: &crate::bulk::OrgRecords,
        batches: &mut (dyn Iterator<Item = crate::bulk::TimeBatch> + Send),
        progress: &(dyn for<'s> Fn(&'s crate::bulk::LoadStats) + Send + Sync),
    ) -> Result<crate::bulk::LoadStats>;
    /// After writing many rows outside `bulk_load` (the demo's money, partners and
    /// invoices): statistics for PostgreSQL's planner now rather than whenever autovacuum
    /// gets to them — until then it plans the new rows' tables as if nearly empty.
    async fn refresh_statistics(&self) -> Result<()>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Audit entries, oldest first. Nothing can change or delete them.
    async fn list_audit(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>>;
}

/// Imports (time from other tools' exports; people, accounts and projects from psops
/// CSV), the time export, and the secret tokens of the calendar feeds.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Imports time entries all or nothing, in one transaction; see [`crate::imports`].
    async fn import_time(
        &self,
        ctx: &WriteCtx,
        format: crate::interchange::Format,
        rows: crate::imports::RowStream,
        options: &crate::imports::TimeImportOptions,
    ) -> Result<crate::imports::ImportReport>;
    /// Creates or updates people, accounts or projects all or nothing.
    async fn import_records(
        &self,
        ctx: &WriteCtx,
        batch: crate::imports::records::RecordBatch,
        dry_run: bool,
    ) -> Result<crate::imports::ImportReport>;
    /// One page of entries as exports write them, in id order after `after`.
    async fn export_time_page(
        &self,
        filter: &TimeEntryFilter,
        after: Option<TimeEntryId>,
        limit: u32,
    ) -> Result<Vec<(TimeEntryId, crate::interchange::ExportRow)>>;
    /// Replaces the person's calendar-feed token (only its hash is stored).
    async fn set_feed_token(&self, ctx: &WriteCtx, person: PersonId, token_hash: &str) -> Result<()>;
    /// The person whose feed token has this hash.
    async fn person_by_feed_token(&self, token_hash: &str) -> Result<Option<Person>>;
}

pub trait Store:
    OrgStore
    + CapacityRulesStore
    + CalendarStore
    + TimeOffStore
    + TimesheetStore
    + ReportStore
    + RecordStore<Person>
    + RecordStore<Partner>
    + RecordStore<Account>
    + RecordStore<Contact>
    + RecordStore<Project>
    + RecordStore<Assignment>
    + TimeStore
    + AuthStore
    + AuditStore
    + AccessStore
    + ImportStore
    + BulkStore
    + crate::catalog::CatalogStore
    + crate::scoping::SowStore
    + crate::scoping::ChangeStore
    + crate::finance::invoices::InvoiceStore
    + crate::delivery::lifecycle::LifecycleStore
    + crate::delivery::portfolio::PortfolioStore
    + RecordStore<crate::plan::Milestone>
    + RecordStore<crate::plan::ResourceRequest>
    + RecordStore<crate::plan::ChecklistItem>
    + crate::delivery::acceptance::AcceptanceStore
    + crate::delivery::escalations::EscalationStore
    + crate::delivery::health::HealthStore
    + crate::delivery::raid::RaidStore
    + crate::delivery::surveys::SurveyStore
    + crate::delivery::closure::ClosureStore
    + crate::notify::NotificationStore
    + crate::finance::FinanceStore
    + crate::finance::ledger::LedgerStore
    + RecordStore<crate::finance::training::Training>
    + RecordStore<crate::partner_funds::PrimeSow>
    + RecordStore<crate::partner_funds::WorkAuthorization>
    + crate::partner_funds::PartnerFundsStore
    + RecordStore<crate::partner_invoices::PartnerInvoice>
    + crate::partner_invoices::PartnerInvoiceStore
    + crate::finance::forecast_store::ForecastStore
    + crate::partnering::onboarding::OnboardingStore
    + crate::partnering::vetting::VettingStore
    + crate::staffing::store::StaffingStore
    + crate::partnering::report::PartnerReportStore
    + RecordStore<crate::partnering::contacts::PartnerContact>
    + RecordStore<crate::skills::PersonSkill>
    + RecordStore<crate::skills::PersonCertification>
    + RecordStore<crate::partnering::vetting::VettingReview>
    + RecordStore<crate::education::learners::Learner>
    + RecordStore<crate::education::courses::Course>
    + RecordStore<crate::education::trainers::CourseTrainer>
    + crate::education::enrolments::ClassStore
    + crate::education::report::EducationReportStore
    + RecordStore<crate::certifications::Certification>
    + RecordStore<crate::certifications::CertificationAttempt>
    + RecordStore<crate::certifications::Certificate>
    + crate::certifications::CertificationStore
    + RecordStore<crate::certifications::trainer_paths::TrainerCandidacy>
    + crate::certifications::trainer_paths::TrainerPathStore
    + crate::education::tsp::TspStore
    + crate::webhooks::WebhookStore
{
}

impl<T> Store for T where
    T: OrgStore
        + CapacityRulesStore
        + CalendarStore
        + TimeOffStore
        + TimesheetStore
        + ReportStore
        + RecordStore<Person>
        + RecordStore<Partner>
        + RecordStore<Account>
        + RecordStore<Contact>
        + RecordStore<Project>
        + RecordStore<Assignment>
        + TimeStore
        + AuthStore
        + AuditStore
        + AccessStore
        + ImportStore
        + BulkStore
        + crate::catalog::CatalogStore
        + crate::scoping::SowStore
        + crate::scoping::ChangeStore
        + crate::finance::invoices::InvoiceStore
        + crate::delivery::lifecycle::LifecycleStore
        + crate::delivery::portfolio::PortfolioStore
        + RecordStore<crate::plan::Milestone>
        + RecordStore<crate::plan::ResourceRequest>
        + RecordStore<crate::plan::ChecklistItem>
        + crate::delivery::acceptance::AcceptanceStore
        + crate::delivery::escalations::EscalationStore
        + crate::delivery::health::HealthStore
        + crate::delivery::raid::RaidStore
        + crate::delivery::surveys::SurveyStore
        + crate::delivery::closure::ClosureStore
        + crate::notify::NotificationStore
        + crate::finance::FinanceStore
        + crate::finance::ledger::LedgerStore
        + RecordStore<crate::finance::training::Training>
        + RecordStore<crate::partner_funds::PrimeSow>
        + RecordStore<crate::partner_funds::WorkAuthorization>
        + crate::partner_funds::PartnerFundsStore
        + RecordStore<crate::partner_invoices::PartnerInvoice>
        + crate::partner_invoices::PartnerInvoiceStore
        + crate::finance::forecast_store::ForecastStore
        + crate::partnering::onboarding::OnboardingStore
        + crate::partnering::vetting::VettingStore
        + crate::staffing::store::StaffingStore
        + crate::partnering::report::PartnerReportStore
        + RecordStore<crate::partnering::contacts::PartnerContact>
        + RecordStore<crate::skills::PersonSkill>
        + RecordStore<crate::skills::PersonCertification>
        + RecordStore<crate::partnering::vetting::VettingReview>
        + RecordStore<crate::education::learners::Learner>
        + RecordStore<crate::education::courses::Course>
        + RecordStore<crate::education::trainers::CourseTrainer>
        + crate::education::enrolments::ClassStore
        + crate::education::report::EducationReportStore
        + RecordStore<crate::certifications::Certification>
        + RecordStore<crate::certifications::CertificationAttempt>
        + RecordStore<crate::certifications::Certificate>
        + crate::certifications::CertificationStore
        + RecordStore<crate::certifications::trainer_paths::TrainerCandidacy>
        + crate::certifications::trainer_paths::TrainerPathStore
        + crate::education::tsp::TspStore
        + crate::webhooks::WebhookStore
{
}

/// Every live record of a list, read page by page through [`Records::list`]:
/// `every!(store, filter)` gives a `Vec` of the filter's records. For the small lists a
/// command or a loader reads whole (the catalog, rates); report-sized reads have their
/// own queries.
#[macro_export]
macro_rules! every {
    ($store:expr, $filter:expr) => {{
        let mut out = Vec::new();
        let mut page = $crate::page::PageRequest {
            after: None,
            limit: 500,
        };
        loop {
            let p = $store.list(&$filter, page).await?;
            let full = p.items.len() == page.limit as usize;
            let last = p.items.last().map(|r| r.id.get());
            out.extend(p.items);
            match last {
                Some(id) if full => page.after = Some(id),
                _ => break,
            }
        }
        out
    }};
}

/// Every store trait at once: `use psops_core::store::prelude::*;`.
pub mod prelude {
    pub use super::{
        AccessStore, AuditStore, AuthStore, BulkStore, CalendarStore, CapacityRulesStore, ImportStore, OrgStore,
        RecordStore, Records, ReportStore, Store, TimeOffStore, TimeStore, TimesheetStore,
    };
    pub use crate::catalog::CatalogStore;
    pub use crate::certifications::CertificationStore;
    pub use crate::certifications::trainer_paths::TrainerPathStore;
    pub use crate::delivery::acceptance::AcceptanceStore;
    pub use crate::delivery::closure::ClosureStore;
    pub use crate::delivery::escalations::EscalationStore;
    pub use crate::delivery::health::HealthStore;
    pub use crate::delivery::lifecycle::LifecycleStore;
    pub use crate::delivery::portfolio::PortfolioStore;
    pub use crate::delivery::raid::RaidStore;
    pub use crate::delivery::surveys::SurveyStore;
    pub use crate::education::enrolments::ClassStore;
    pub use crate::education::report::EducationReportStore;
    pub use crate::education::tsp::TspStore;
    pub use crate::finance::FinanceStore;
    pub use crate::finance::forecast_store::ForecastStore;
    pub use crate::finance::invoices::InvoiceStore;
    pub use crate::finance::ledger::LedgerStore;
    pub use crate::notify::NotificationStore;
    pub use crate::partner_funds::PartnerFundsStore;
    pub use crate::partner_invoices::PartnerInvoiceStore;
    pub use crate::partnering::onboarding::OnboardingStore;
    pub use crate::partnering::report::PartnerReportStore;
    pub use crate::partnering::vetting::VettingStore;
    pub use crate::scoping::{ChangeStore, ScopingStore, SowStore};
    pub use crate::staffing::store::StaffingStore;
    pub use crate::webhooks::WebhookStore;
}
