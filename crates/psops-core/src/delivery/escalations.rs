//! Escalations: a customer problem on an account, or on one of its projects, that needs
//! more than the project's own rhythm. Each has a severity whose update cadence the
//! customer can count on (critical daily, high several times a week, medium weekly to
//! bi-weekly, low with standard communication), a directly responsible individual (the
//! project's manager when it is on a PS project, unless another is named), exit criteria,
//! an internal stand-up cadence set within a day, and a timeline of updates. Its status
//! moves open → investigating → mitigated → resolved → closed; it closes only when the
//! customer agreed in writing (with a root-cause analysis when the product was at fault),
//! and the outcome and the account's sentiment are recorded then.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;

use crate::accounts::AccountId;
use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Result};

pub type EscalationId = Id<Escalation>;

/// How bad it is, and so how often the customer hears from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Severity {
    /// Major impact; high risk of loss, contraction or brand damage. Updated daily.
    Critical,
    /// Major impact; risk to adoption, renewal or growth. Several updates a week.
    High,
    /// Risk to adoption or renewal. Weekly to bi-weekly.
    Medium,
    /// Risk to value, timeline or CSAT. Standard communication.
    Low,
}

impl Code for Severity {
    const FIELD: &'static str = "severity";
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EscalationStatus {
    Open,
    Investigating,
    Mitigated,
    Resolved,
    Closed,
}

impl Code for EscalationStatus {
    const FIELD: &'static str = "status";
}

impl EscalationStatus {
    pub const ALL: [EscalationStatus; 5] = [
        EscalationStatus::Open,
        EscalationStatus::Investigating,
        EscalationStatus::Mitigated,
        EscalationStatus::Resolved,
        EscalationStatus::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EscalationStatus::Open => "Open",
            EscalationStatus::Investigating => "Investigating",
            EscalationStatus::Mitigated => "Mitigated",
            EscalationStatus::Resolved => "Resolved",
            EscalationStatus::Closed => "Closed",
        }
    }

    /// The statuses a move (not a close) may go to from here: forward through the
    /// sequence, and back to investigating when a mitigation or a fix does not hold.
    /// Closed is reached only by closing with the customer's agreement.
    pub fn moves(self) -> &'static [EscalationStatus] {
        use EscalationStatus as S;
        match self {
            S::Open => &[S::Investigating, S::Mitigated, S::Resolved],
            S::Investigating => &[S::Mitigated, S::Resolved],
            S::Mitigated => &[S::Investigating, S::Resolved],
            S::Resolved => &[S::Investigating],
            S::Closed => &[],
        }
    }

    /// Whether the escalation still runs: every status but closed, resolved included
    /// (the customer keeps hearing from us until they agree it is over).
    pub fn is_open(self) -> bool {
        self != EscalationStatus::Closed
    }
}

/// How the customer feels: in a weekly health report, and the account at an escalation's close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Sentiment {
    Happy,
    Engaged,
    Frustrated,
    Disengaged,
}

impl Code for Sentiment {
    const FIELD: &'static str = "sentiment";
}

impl Sentiment {
    pub const ALL: [Sentiment; 4] = [
        Sentiment::Happy,
        Sentiment::Engaged,
        Sentiment::Frustrated,
        Sentiment::Disengaged,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Sentiment::Happy => "Happy",
            Sentiment::Engaged => "Engaged",
            Sentiment::Frustrated => "Frustrated",
            Sentiment::Disengaged => "Disengaged",
        }
    }
}

/// The update cadence of each severity, in hours: how long after the last update the next
/// is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationSettings {
    /// Critical: daily.
    #[schema(minimum = 1, maximum = 1440)]
    pub critical_hours: i64,
    /// High: several times a week (every two days).
    #[schema(minimum = 1, maximum = 1440)]
    pub high_hours: i64,
    /// Medium: weekly (up to bi-weekly).
    #[schema(minimum = 1, maximum = 1440)]
    pub medium_hours: i64,
    /// Low: standard communication (every two weeks).
    #[schema(minimum = 1, maximum = 1440)]
    pub low_hours: i64,
}

impl Default for EscalationSettings {
    fn default() -> Self {
        EscalationSettings {
            critical_hours: 24,
            high_hours: 48,
            medium_hours: 7 * 24,
            low_hours: 14 * 24,
        }
    }
}

impl EscalationSettings {
    pub fn validate(&self, c: &mut Checks) {
        for (field, v) in [
            ("escalations.critical_hours", self.critical_hours),
            ("escalations.high_hours", self.high_hours),
            ("escalations.medium_hours", self.medium_hours),
            ("escalations.low_hours", self.low_hours),
        ] {
            c.check(
                (1..=24 * 60).contains(&v),
                field,
                Rule::Range,
                format!("{field} must be 1 to 1440 (60 days)"),
            );
        }
    }

    /// How long after an update the next one is due.
    pub fn cadence(&self, s: Severity) -> Duration {
        Duration::hours(match s {
            Severity::Critical => self.critical_hours,
            Severity::High => self.high_hours,
            Severity::Medium => self.medium_hours,
            Severity::Low => self.low_hours,
        })
    }

    /// When the next update is due after one at `last`.
    pub fn next_due(&self, s: Severity, last: OffsetDateTime) -> OffsetDateTime {
        last + self.cadence(s)
    }
}

/// The hours within which an escalation gets its internal stand-up cadence.
pub const STANDUP_WITHIN_HOURS: i64 = 24;

/// What whoever raises or keeps an escalation sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationFields {
    /// The account; taken from the project when the escalation is on one.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<AccountId>,
    /// The project, when the escalation is on one of the account's projects.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The directly responsible individual; the project's manager when left out on a
    /// project, required on an account.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub dri_id: Option<PersonId>,
    /// What has to be true for the escalation to end.
    pub exit_criteria: String,
    /// The internal stand-up's rhythm, e.g. "daily 09:00 CET"; set within 24 hours.
    #[serde(default)]
    pub standup_cadence: Option<String>,
    /// Whether the product (not PS or the customer) was at fault: closing then needs a
    /// root-cause analysis.
    #[serde(default)]
    pub product_at_fault: bool,
}

impl EscalationFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.title, "title", 200)
            .optional_text(self.description.as_deref(), "description", 20_000)
            .optional_text(self.standup_cadence.as_deref(), "standup_cadence", 200);
        c.check(
            !self.exit_criteria.trim().is_empty(),
            "exit_criteria",
            Rule::Required,
            "exit_criteria is required: say what has to be true for the escalation to end",
        );
        c.check(
            self.exit_criteria.chars().count() <= 5_000,
            "exit_criteria",
            Rule::TooLong,
            "exit_criteria must be at most 5000 characters",
        );
        c.check(
            self.account_id.is_some() || self.project_id.is_some(),
            "account_id",
            Rule::DependsOn,
            "account_id is required: an escalation is on an account or one of its projects",
        );
        c.into_result()
    }
}

/// The customer's written agreement to close, and what the close records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationClose {
    /// Who agreed for the customer (name and role).
    #[serde(default)]
    pub agreed_by: String,
    /// The day they agreed.
    #[serde(default)]
    pub agreed_on: Option<Date>,
    /// How and where they agreed: the e-mail's subject, a link to the ticket or the minutes.
    #[serde(default)]
    pub agreement: String,
    /// The root-cause analysis (text or a link); required when the product was at fault.
    #[serde(default)]
    pub rca: Option<String>,
    /// How it ended.
    #[serde(default)]
    pub outcome: String,
    /// The account's sentiment at the close.
    #[serde(default)]
    pub sentiment: Option<Sentiment>,
}

impl EscalationClose {
    /// The close gate: the customer's written agreement (who, when, how), the outcome and
    /// the sentiment, and a root-cause analysis when the product was at fault.
    pub fn validate(&self, product_at_fault: bool, today: Date) -> Result<()> {
        let mut c = Checks::new();
        let needs = |c: &mut Checks, ok: bool, field: &str, why: &str| {
            c.check(ok, field, Rule::Required, format!("{field} is required: {why}"));
        };
        needs(
            &mut c,
            !self.agreed_by.trim().is_empty(),
            "agreed_by",
            "an escalation closes only with the customer's written agreement — who agreed",
        );
        needs(
            &mut c,
            self.agreed_on.is_some(),
            "agreed_on",
            "an escalation closes only with the customer's written agreement — the day they agreed",
        );
        needs(
            &mut c,
            !self.agreement.trim().is_empty(),
            "agreement",
            "an escalation closes only with the customer's written agreement — how or where (text or link)",
        );
        needs(
            &mut c,
            !self.outcome.trim().is_empty(),
            "outcome",
            "the outcome is recorded at close",
        );
        needs(
            &mut c,
            self.sentiment.is_some(),
            "sentiment",
            "the account's sentiment is recorded at close: happy, engaged, frustrated or disengaged",
        );
        if product_at_fault {
            needs(
                &mut c,
                self.rca.as_deref().is_some_and(|r| !r.trim().is_empty()),
                "rca",
                "the product was at fault, so closing needs a root-cause analysis (text or link)",
            );
        }
        if let Some(d) = self.agreed_on {
            c.check(
                d <= today,
                "agreed_on",
                Rule::Future,
                "agreed_on must not be in the future",
            );
        }
        for (value, field, max) in [
            (self.agreed_by.as_str(), "agreed_by", 200),
            (self.agreement.as_str(), "agreement", 2_000),
            (self.outcome.as_str(), "outcome", 5_000),
            (self.rca.as_deref().unwrap_or(""), "rca", 20_000),
        ] {
            c.check(
                value.chars().count() <= max,
                field,
                Rule::TooLong,
                format!("{field} must be at most {max} characters"),
            );
        }
        c.into_result()
    }
}

/// What the close recorded, kept with the escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EscalationClosure {
    pub agreed_by: String,
    pub agreed_on: Date,
    pub agreement: String,
    pub rca: Option<String>,
    pub outcome: String,
    pub sentiment: Sentiment,
}

/// When the escalation entered each status after open (the latest time, when it
/// entered one twice).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusDates {
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub investigating_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub mitigated_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub resolved_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub closed_at: Option<OffsetDateTime>,
}

impl StatusDates {
    pub fn stamp(&mut self, to: EscalationStatus, at: OffsetDateTime) {
        let slot = match to {
            EscalationStatus::Open => return,
            EscalationStatus::Investigating => &mut self.investigating_at,
            EscalationStatus::Mitigated => &mut self.mitigated_at,
            EscalationStatus::Resolved => &mut self.resolved_at,
            EscalationStatus::Closed => &mut self.closed_at,
        };
        *slot = Some(at);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Escalation {
    pub id: EscalationId,
    #[serde(flatten)]
    pub fields: EscalationFields,
    pub status: EscalationStatus,
    #[schema(value_type = Option<i64>)]
    pub raised_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    /// The latest update on the timeline (the opening counts as the first).
    #[serde(with = "time::serde::rfc3339")]
    pub last_update_at: OffsetDateTime,
    /// When the next update is due: the last update plus the severity's cadence.
    #[serde(with = "time::serde::rfc3339")]
    pub next_update_due: OffsetDateTime,
    /// When the stand-up cadence was recorded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub standup_set_at: Option<OffsetDateTime>,
    #[serde(flatten)]
    pub dates: StatusDates,
    /// What the close recorded.
    pub closure: Option<EscalationClosure>,
    /// Until when the DRI has been told the current update is overdue: one notice per
    /// cadence period while it stays overdue.
    #[serde(with = "time::serde::rfc3339::option")]
    pub overdue_notice_until: Option<OffsetDateTime>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Escalation {
    /// The account it is on (always set once stored).
    pub fn account(&self) -> Option<AccountId> {
        self.fields.account_id
    }

    /// Whether an update is overdue at `now`.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        is_overdue(self.status, self.next_update_due, now)
    }

    /// Whether the stand-up cadence is missing past its 24 hours at `now`.
    pub fn standup_late(&self, now: OffsetDateTime) -> bool {
        self.status.is_open()
            && self.standup_set_at.is_none()
            && now > self.opened_at + Duration::hours(STANDUP_WITHIN_HOURS)
    }

    /// Whether the DRI is to be told now that the update is overdue: overdue, and not
    /// told already for this cadence period.
    pub fn overdue_notice_due(&self, now: OffsetDateTime) -> bool {
        self.is_overdue(now) && self.overdue_notice_until.is_none_or(|until| now >= until)
    }
}

/// Whether an update due at `due` is overdue at `now` for an escalation in `status`.
pub fn is_overdue(status: EscalationStatus, due: OffsetDateTime, now: OffsetDateTime) -> bool {
    status.is_open() && now > due
}

/// The end of the cadence period of being overdue that `now` falls in: due + k × cadence,
/// the first such instant after `now`. The DRI is told once per period.
pub fn overdue_period_end(due: OffsetDateTime, cadence: Duration, now: OffsetDateTime) -> OffsetDateTime {
    let step = cadence.whole_seconds().max(1);
    let late = (now - due).whole_seconds().max(0);
    due + Duration::seconds((late / step + 1) * step)
}

/// Whether `from` may move to `to` (not a close), as a refusal naming the rule.
pub fn check_move(id: EscalationId, from: EscalationStatus, to: EscalationStatus) -> Result<()> {
    if to == EscalationStatus::Closed {
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            "an escalation closes only through its close, with the customer's written agreement",
        ));
    }
    if !from.moves().contains(&to) {
        let allowed: Vec<&str> = from.moves().iter().map(|s| s.code()).collect();
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "escalation {id} is {}: it moves to {} only",
                from.code(),
                if allowed.is_empty() {
                    "nothing (it is closed)".to_string()
                } else {
                    allowed.join(" or ")
                }
            ),
        ));
    }
    Ok(())
}

/// Whether a close may start from `from`: only a resolved escalation closes.
pub fn check_close(id: EscalationId, from: EscalationStatus) -> Result<()> {
    if from != EscalationStatus::Resolved {
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!("escalation {id} is {}: only a resolved escalation closes", from.code()),
        ));
    }
    Ok(())
}

/// A refusal for a change to a closed escalation.
pub fn check_open(e: &Escalation) -> Result<()> {
    if !e.status.is_open() {
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!("escalation {} is closed: it changes no more", e.id),
        ));
    }
    Ok(())
}

/// A new escalation: its fields and who raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEscalation {
    pub raised_by: Option<UserId>,
    pub fields: EscalationFields,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationPatch {
    pub severity: Option<Severity>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<i64>)]
    pub dri_id: Option<PersonId>,
    pub exit_criteria: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub standup_cadence: Option<Option<String>>,
    pub product_at_fault: Option<bool>,
}

impl EscalationPatch {
    pub fn apply(self, mut f: EscalationFields) -> EscalationFields {
        set(&mut f.severity, self.severity);
        set(&mut f.title, self.title);
        set(&mut f.description, self.description);
        if let Some(d) = self.dri_id {
            f.dri_id = Some(d);
        }
        set(&mut f.exit_criteria, self.exit_criteria);
        set(&mut f.standup_cadence, self.standup_cadence);
        set(&mut f.product_at_fault, self.product_at_fault);
        f
    }
}

/// Who may see which escalations in a list: the SQL meaning of the policy's read rule
/// for escalations (see `policy::escalation_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EscalationScope {
    /// Every escalation (those who oversee delivery, leadership).
    #[default]
    All,
    /// The company's staff who do not oversee delivery: every account escalation, the
    /// escalations they are DRI of, and those of projects they manage or are assigned to.
    Staff {
        person: Option<PersonId>,
        /// Set when the subject is a project manager: the projects they manage.
        manages: Option<PersonId>,
    },
    /// A partner's people: their organisation's projects' escalations, the ones they are
    /// DRI of, and — for partner managers — account escalations of accounts their
    /// organisation delivers for.
    Partner {
        person: Option<PersonId>,
        partner: PartnerId,
        manager: bool,
    },
    /// Nothing.
    Nothing,
}

impl EscalationScope {
    /// Whether an escalation shows in a list under this scope — the meaning the store
    /// gives the scope in SQL, stated once in plain Rust.
    pub fn admits(&self, r: &crate::policy::Resource) -> bool {
        let crate::policy::Resource::Escalation {
            project,
            partner_delivers,
            dri,
        } = r
        else {
            return false;
        };
        let is = |person: Option<PersonId>| person.is_some() && *dri == person;
        match *self {
            EscalationScope::All => true,
            EscalationScope::Nothing => false,
            EscalationScope::Staff { person, manages } => {
                is(person)
                    || match project {
                        None => true,
                        Some(p) => manages.is_some() && p.manager_id == manages || p.subject_assigned,
                    }
            }
            EscalationScope::Partner {
                person,
                partner,
                manager,
            } => {
                is(person)
                    || match project {
                        Some(p) => p.partner_id == Some(partner),
                        None => manager && *partner_delivers,
                    }
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EscalationFilter {
    pub account_id: Option<AccountId>,
    pub project_id: Option<ProjectId>,
    pub severity: Option<Severity>,
    pub status: Option<EscalationStatus>,
    /// Only those still running (every status but closed).
    pub open_only: bool,
    /// Only those with an update overdue at this instant.
    pub overdue_at: Option<OffsetDateTime>,
    pub dri_id: Option<PersonId>,
    /// What the reader may see.
    pub scope: EscalationScope,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of escalations sorts by.
    EscalationSort { Due, Severity, Status, Opened, Title }
);

impl crate::record::Record for Escalation {
    const ENTITY: crate::record::Entity = crate::record::Entity::Escalation;
    type New = NewEscalation;
    type Fields = EscalationFields;
    type Patch = EscalationPatch;
    type Filter = EscalationFilter;
    type Sort = EscalationSort;
    fn id(&self) -> EscalationId {
        self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn fields(&self) -> &EscalationFields {
        &self.fields
    }
    fn validate(fields: &EscalationFields) -> Result<()> {
        fields.validate()
    }
    fn patched(&self, patch: EscalationPatch) -> EscalationFields {
        patch.apply(self.fields.clone())
    }
}

impl crate::record::NewRecord for NewEscalation {
    type Record = Escalation;
    fn fields(&self) -> &EscalationFields {
        &self.fields
    }
}

impl crate::record::ListFilter for EscalationFilter {
    type Record = Escalation;
    fn archived(&self) -> Option<bool> {
        self.archived
    }
}

/// One entry of an escalation's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EscalationUpdate {
    pub id: i64,
    #[schema(value_type = i64)]
    pub escalation_id: EscalationId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user who wrote it; none for the command line or the demo.
    #[schema(value_type = Option<i64>)]
    pub by_user: Option<UserId>,
    /// Who wrote it, as shown.
    pub by: String,
    pub text: String,
    /// The status change it records, if any.
    pub from_status: Option<EscalationStatus>,
    pub to_status: Option<EscalationStatus>,
}

/// An update to add to the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationNote {
    pub text: String,
}

impl EscalationNote {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.text, "text", 20_000);
        c.into_result()
    }
}

/// A status move, with the update that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationMove {
    pub to: EscalationStatus,
    pub text: String,
}

/// Open escalations of one severity, for the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SeverityCount {
    pub severity: Severity,
    pub open: i64,
    /// How many of them have an update overdue.
    pub overdue: i64,
}

/// The open escalations a reader may see: counted by severity, and listed (most severe,
/// then most overdue, first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EscalationSummary {
    pub by_severity: Vec<SeverityCount>,
    pub open: Vec<Escalation>,
}

/// One overdue escalation as the overdue list reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OverdueEscalation {
    pub escalation: Escalation,
    pub dri_name: Option<String>,
    pub dri_email: Option<String>,
    /// Whether a notice went to the DRI now.
    pub notified: bool,
}

/// What the store does for escalations beyond the plain reads: every write that moves
/// one, in one transaction with its audit entry and the notices it causes. Each takes
/// `now`, the instant it happens, so cadences and overdue updates are computed the same
/// way in tests, the demo and the scheduled job.
#[async_trait::async_trait]
pub trait EscalationStore: crate::store::RecordStore<Escalation> {
    /// Opens an escalation: the account taken from its project, the DRI defaulting to the
    /// project's manager, the opening as the first update of its timeline.
    async fn raise_escalation(
        &self,
        ctx: &crate::store::WriteCtx,
        new: NewEscalation,
        now: OffsetDateTime,
    ) -> Result<crate::store::Created<Escalation>>;
    /// Changes its fields; a changed severity moves the next update's due time, a
    /// stand-up cadence set for the first time is dated.
    async fn change_escalation(
        &self,
        ctx: &crate::store::WriteCtx,
        id: EscalationId,
        v: crate::store::IfVersion,
        patch: EscalationPatch,
        now: OffsetDateTime,
    ) -> Result<Escalation>;
    /// Adds an update to the timeline: the next one is due a cadence from now.
    async fn add_escalation_update(
        &self,
        ctx: &crate::store::WriteCtx,
        id: EscalationId,
        v: crate::store::IfVersion,
        note: EscalationNote,
        now: OffsetDateTime,
    ) -> Result<Escalation>;
    /// Moves the status (not to closed), dated, with the update that explains it.
    async fn move_escalation(
        &self,
        ctx: &crate::store::WriteCtx,
        id: EscalationId,
        v: crate::store::IfVersion,
        m: EscalationMove,
        now: OffsetDateTime,
    ) -> Result<Escalation>;
    /// Closes a resolved escalation with the customer's written agreement (and an RCA
    /// when the product was at fault), recording the outcome and the sentiment.
    async fn close_escalation(
        &self,
        ctx: &crate::store::WriteCtx,
        id: EscalationId,
        v: crate::store::IfVersion,
        close: EscalationClose,
        now: OffsetDateTime,
    ) -> Result<Escalation>;
    /// The timeline, oldest first.
    async fn escalation_timeline(&self, id: EscalationId) -> Result<Vec<EscalationUpdate>>;
    /// The escalations the scope sees whose update is overdue at `now`, most overdue
    /// first; with `notify`, each whose DRI was not told yet in this cadence period gets
    /// a notice queued to the DRI (once per period).
    async fn overdue_escalations(
        &self,
        ctx: &crate::store::WriteCtx,
        scope: EscalationScope,
        now: OffsetDateTime,
        notify: bool,
    ) -> Result<Vec<OverdueEscalation>>;
    /// For the portfolio: the open escalations the scope sees, counted by severity with
    /// how many have an overdue update, and listed.
    async fn escalation_summary(&self, scope: EscalationScope, now: OffsetDateTime) -> Result<EscalationSummary>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn fields() -> EscalationFields {
        EscalationFields {
            account_id: Some(Id::new(1)),
            project_id: None,
            severity: Severity::High,
            title: "Go-live blocked".into(),
            description: None,
            dri_id: Some(Id::new(2)),
            exit_criteria: "Orders flow end to end".into(),
            standup_cadence: None,
            product_at_fault: false,
        }
    }

    fn rules(r: Result<()>) -> Vec<(String, Rule)> {
        match r {
            Ok(()) => vec![],
            Err(Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(Error::Conflict(e)) => vec![(e.field, e.rule)],
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn fields_need_exit_criteria_and_an_account_or_project() {
        assert!(rules(fields().validate()).is_empty());
        let mut f = fields();
        f.exit_criteria = "  ".into();
        f.account_id = None;
        assert_eq!(
            rules(f.validate()),
            [
                ("exit_criteria".into(), Rule::Required),
                ("account_id".into(), Rule::DependsOn)
            ]
        );
    }

    #[test]
    fn cadences_default_to_the_handbook_and_give_the_next_due() {
        let s = EscalationSettings::default();
        let at = datetime!(2026-12-01 10:00 UTC);
        assert_eq!(s.next_due(Severity::Critical, at), datetime!(2026-12-02 10:00 UTC));
        assert_eq!(s.next_due(Severity::High, at), datetime!(2026-12-03 10:00 UTC));
        assert_eq!(s.next_due(Severity::Medium, at), datetime!(2026-12-08 10:00 UTC));
        assert_eq!(s.next_due(Severity::Low, at), datetime!(2026-12-15 10:00 UTC));
        let mut c = Checks::new();
        EscalationSettings { critical_hours: 0, ..s }.validate(&mut c);
        assert!(!c.is_empty());
    }

    #[test]
    fn moves_follow_the_sequence() {
        use EscalationStatus as S;
        let id = Id::new(7);
        assert!(check_move(id, S::Open, S::Investigating).is_ok());
        assert!(check_move(id, S::Mitigated, S::Investigating).is_ok());
        assert_eq!(
            rules(check_move(id, S::Resolved, S::Mitigated)),
            [("status".into(), Rule::InvalidTransition)]
        );
        assert!(check_move(id, S::Resolved, S::Closed).is_err());
        assert!(check_move(id, S::Closed, S::Investigating).is_err());
        assert!(check_close(id, S::Resolved).is_ok());
        assert!(check_close(id, S::Mitigated).is_err());
    }

    #[test]
    fn closing_needs_the_agreement_and_an_rca_when_the_product_was_at_fault() {
        let today = date!(2026 - 12 - 06);
        let empty = EscalationClose {
            agreed_by: String::new(),
            agreed_on: None,
            agreement: String::new(),
            rca: None,
            outcome: String::new(),
            sentiment: None,
        };
        let fields: Vec<String> = rules(empty.validate(true, today))
            .into_iter()
            .filter(|(_, r)| *r == Rule::Required)
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            ["agreed_by", "agreed_on", "agreement", "outcome", "sentiment", "rca"]
        );
        let full = EscalationClose {
            agreed_by: "Dana Ortiz, CIO".into(),
            agreed_on: Some(today),
            agreement: "https://tickets.example.com/ESC-1".into(),
            rca: None,
            outcome: "Fixed in 4.2".into(),
            sentiment: Some(Sentiment::Engaged),
        };
        assert!(full.validate(false, today).is_ok());
        assert_eq!(rules(full.validate(true, today)), [("rca".into(), Rule::Required)]);
    }

    #[test]
    fn lists_show_what_the_policy_lets_each_role_read() {
        use crate::auth::Role;
        use crate::policy::{Action, Decision, ProjectFacts, Resource, Subject, decide, escalation_scope};
        let me: PersonId = Id::new(10);
        let org: PartnerId = Id::new(3);
        let other: PartnerId = Id::new(4);
        let subject = |roles: Vec<Role>, partner: Option<PartnerId>| Subject {
            user_id: Id::new(1),
            roles,
            person_id: Some(me),
            partner_id: partner,
            read_only: false,
        };
        let subjects = [
            subject(vec![Role::Leadership], None),
            subject(vec![Role::Ops], None),
            subject(vec![Role::ProjectManager], None),
            subject(vec![Role::Consultant], None),
            subject(vec![Role::PartnerManager], Some(org)),
            subject(vec![Role::PartnerConsultant], Some(org)),
        ];
        let mut resources = Vec::new();
        for dri in [Some(me), Some(Id::new(11)), None] {
            for partner_delivers in [false, true] {
                resources.push(Resource::Escalation {
                    project: None,
                    partner_delivers,
                    dri,
                });
                for manager_id in [Some(me), Some(Id::new(12))] {
                    for partner_id in [None, Some(org), Some(other)] {
                        for subject_assigned in [false, true] {
                            resources.push(Resource::Escalation {
                                project: Some(ProjectFacts {
                                    id: Id::new(5),
                                    manager_id,
                                    partner_id,
                                    subject_assigned,
                                }),
                                partner_delivers,
                                dri,
                            });
                        }
                    }
                }
            }
        }
        for s in &subjects {
            let scope = escalation_scope(s);
            for r in &resources {
                let reads = decide(s, Action::Read, r) == Decision::Allow;
                assert_eq!(scope.admits(r), reads, "{:?} {r:?}", s.roles);
            }
        }
        // A partner's consultant never reads an account's escalation; its manager does
        // when the organisation delivers for the account.
        let account = Resource::Escalation {
            project: None,
            partner_delivers: true,
            dri: None,
        };
        assert_eq!(decide(&subjects[5], Action::Read, &account), Decision::Hidden);
        assert_eq!(decide(&subjects[4], Action::Update, &account), Decision::Forbidden);
        assert_eq!(decide(&subjects[0], Action::Update, &account), Decision::Forbidden);
        assert_eq!(decide(&subjects[1], Action::Update, &account), Decision::Allow);
        assert_eq!(decide(&subjects[3], Action::Read, &account), Decision::Allow);
    }

    #[test]
    fn overdue_periods_step_by_the_cadence() {
        let due = datetime!(2026-12-01 10:00 UTC);
        let day = Duration::hours(24);
        assert_eq!(
            overdue_period_end(due, day, datetime!(2026-12-01 11:00 UTC)),
            datetime!(2026-12-02 10:00 UTC)
        );
        assert_eq!(
            overdue_period_end(due, day, datetime!(2026-12-03 09:00 UTC)),
            datetime!(2026-12-03 10:00 UTC)
        );
        assert!(is_overdue(
            EscalationStatus::Resolved,
            due,
            datetime!(2026-12-01 10:01 UTC)
        ));
        assert!(!is_overdue(
            EscalationStatus::Closed,
            due,
            datetime!(2026-12-09 10:00 UTC)
        ));
        assert!(!is_overdue(EscalationStatus::Open, due, due));
    }
}
