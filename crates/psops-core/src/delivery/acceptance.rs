//! Milestone acceptance: the customer's sign-off on a delivered milestone.
//!
//! A milestone awaits acceptance once its project manager sends an acceptance request to
//! a contact of the project's account (sign-off sent). The customer then signs it,
//! replies "accepted" by e-mail or accepts it another way (sign-off received); or the
//! customer says nothing and passive acceptance is used once the business days of
//! notice run out. An accepted milestone is completed.
//!
//! The rules a PS operations lead expects, enforced here and in the store:
//!
//! - **Day counting.** Day 1 is the day the notice is sent when that is a business day
//!   (otherwise the next business day); the rest are business days of the project's
//!   region calendar (its account's region): weekends and full-day holidays are skipped.
//!   With 5 days, a notice sent on a Thursday gives the following Wednesday; with a
//!   holiday on the Monday between, Thursday. That last day is the passive-acceptance
//!   date: the customer has all of it, so the sweep accepts a milestone the day after,
//!   recording the passive-acceptance date as the day it was accepted.
//! - **The days** are the signed SOW's passive-acceptance term when the project came
//!   from one, otherwise the organisation's setting (`scoping.passive_acceptance_days`).
//! - **Requesting** needs a live milestone not yet accepted, a project with a customer
//!   account, and a live contact of that account with an e-mail address; the notice is
//!   queued to that address in the same transaction. Sending the request again (to the
//!   same or another contact) restarts the clock from the day it is sent again.
//! - **Recording a sign-off** names who accepted (a person's name), how (signature,
//!   e-mail reply, or other with a note saying what) and the day — not in the future
//!   and not before the request was sent. A sign-off received without a request (a
//!   customer who signs in a meeting) is kept only with evidence: a link or a file
//!   already kept with the milestone or given with the sign-off. Passive acceptance is never recorded by hand; only the sweep uses
//!   it.
//! - **An accepted milestone** is final: it cannot be requested or accepted again, and
//!   is not reopened by an edit of its status.
//! - **Evidence** (links and files) may be added to a milestone at any time, before or
//!   after its acceptance, and is kept with it; a file is at most
//!   [`EVIDENCE_MAX_BYTES`].

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::accounts::ContactId;
use crate::code::Code;
use crate::id::Id;
use crate::plan::{Milestone, MilestoneId};
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::scoping::clocks::WorkDays;
use crate::store::{IfVersion, WriteCtx};
use crate::validate::Checks;
use crate::{Error, Money, Result};

/// The largest evidence file kept: 2 MiB.
pub const EVIDENCE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Where a milestone is in its acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AcceptanceState {
    /// No acceptance request has been sent.
    NotRequested,
    /// Sign-off sent: waiting for the customer, or for the passive-acceptance date.
    Requested,
    /// Accepted (the milestone is completed).
    Accepted,
}

impl Code for AcceptanceState {
    const FIELD: &'static str = "acceptance_state";
}

impl AcceptanceState {
    pub fn label(self) -> &'static str {
        match self {
            AcceptanceState::NotRequested => "Not requested",
            AcceptanceState::Requested => "Awaiting acceptance",
            AcceptanceState::Accepted => "Accepted",
        }
    }
}

/// How a milestone was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AcceptanceMethod {
    /// The customer signed the sign-off.
    Signature,
    /// The customer replied "accepted" by e-mail.
    EmailReply,
    /// Another way, which the note describes.
    Other,
    /// Nobody answered: the business days of notice ran out (set by the sweep only).
    Passive,
}

impl Code for AcceptanceMethod {
    const FIELD: &'static str = "method";
}

impl AcceptanceMethod {
    pub fn label(self) -> &'static str {
        match self {
            AcceptanceMethod::Signature => "Signature",
            AcceptanceMethod::EmailReply => "E-mail reply",
            AcceptanceMethod::Other => "Other",
            AcceptanceMethod::Passive => "Passive acceptance",
        }
    }
}

/// A milestone's acceptance as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Acceptance {
    pub state: AcceptanceState,
    /// The day the latest acceptance request was sent (sign-off sent).
    #[serde(default)]
    pub requested_on: Option<Date>,
    /// The contact of the project's account it was sent to.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub contact_id: Option<ContactId>,
    /// That contact's name and address, as the request was sent.
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    /// The business days of notice the request runs for.
    #[serde(default)]
    pub passive_days: Option<i64>,
    /// The last day of the notice: unanswered by its end, the milestone is accepted
    /// passively. Set while a request is out, and kept once accepted.
    #[serde(default)]
    pub passive_on: Option<Date>,
    /// How many times a request was sent (each restarts the clock).
    pub requests_sent: i64,
    /// The day it was accepted.
    #[serde(default)]
    pub accepted_on: Option<Date>,
    /// Who accepted it for the customer (a name); absent when passive.
    #[serde(default)]
    pub accepted_by: Option<String>,
    #[serde(default)]
    pub method: Option<AcceptanceMethod>,
    /// What "other" was, or any remark on the sign-off.
    #[serde(default)]
    pub note: Option<String>,
    /// Whether passive acceptance was used.
    pub passive_used: bool,
}

impl Default for Acceptance {
    fn default() -> Self {
        Acceptance {
            state: AcceptanceState::NotRequested,
            requested_on: None,
            contact_id: None,
            contact_name: None,
            contact_email: None,
            passive_days: None,
            passive_on: None,
            requests_sent: 0,
            accepted_on: None,
            accepted_by: None,
            method: None,
            note: None,
            passive_used: false,
        }
    }
}

pub type EvidenceId = Id<Evidence>;

/// Whether evidence is a link or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EvidenceKind {
    Link,
    File,
}

impl Code for EvidenceKind {
    const FIELD: &'static str = "kind";
}

/// Acceptance evidence kept with a milestone: a link, or a file (its content is read
/// separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    #[schema(value_type = i64)]
    pub id: EvidenceId,
    #[schema(value_type = i64)]
    pub milestone_id: MilestoneId,
    pub kind: EvidenceKind,
    /// The link (kind `link`).
    #[serde(default)]
    pub url: Option<String>,
    /// The file's name, content type and size in bytes (kind `file`).
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub size_bytes: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: time::OffsetDateTime,
}

/// New evidence: a link or a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewEvidence {
    Link {
        url: String,
        note: Option<String>,
    },
    File {
        file_name: String,
        content_type: String,
        bytes: Vec<u8>,
        note: Option<String>,
    },
}

impl NewEvidence {
    /// Links are http(s) and at most 2,000 characters; files are named (no folders),
    /// typed, not empty and at most [`EVIDENCE_MAX_BYTES`].
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        match self {
            NewEvidence::Link { url, note } => {
                c.text(url, "url", 2000);
                let u = url.trim().to_ascii_lowercase();
                c.check(
                    (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace),
                    "url",
                    Rule::Scheme,
                    "url must be a link starting with https:// or http://",
                );
                c.optional_text(note.as_deref(), "note", 1000);
            }
            NewEvidence::File {
                file_name,
                content_type,
                bytes,
                note,
            } => {
                c.text(file_name, "file_name", 200);
                c.check(
                    !file_name.contains(['/', '\\']) && !file_name.chars().any(char::is_control),
                    "file_name",
                    Rule::InvalidValue,
                    "file_name must be a file's name, without folders",
                );
                c.text(content_type, "content_type", 100);
                c.check(
                    content_type.contains('/') && content_type.is_ascii() && !content_type.contains(['\r', '\n']),
                    "content_type",
                    Rule::InvalidValue,
                    "content_type must be a media type such as application/pdf",
                );
                c.check(!bytes.is_empty(), "file", Rule::Empty, "the file is empty");
                c.check(
                    bytes.len() <= EVIDENCE_MAX_BYTES,
                    "file",
                    Rule::FileTooLarge,
                    format!("the file must be at most {EVIDENCE_MAX_BYTES} bytes (2 MiB)"),
                );
                c.optional_text(note.as_deref(), "note", 1000);
            }
        }
        c.into_result()
    }
}

/// A stored evidence file, to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A milestone with its acceptance and evidence: what the milestones page, the API and
/// the portfolio show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MilestoneAcceptance {
    #[serde(flatten)]
    pub milestone: Milestone,
    pub acceptance: Acceptance,
    pub evidence: Vec<Evidence>,
}

/// An acceptance request to send.
#[derive(Debug, Clone)]
pub struct AcceptanceRequest {
    /// A contact of the project's account, with an e-mail address.
    pub contact_id: ContactId,
    /// The day it is sent: day 1 of the notice.
    pub today: Date,
}

/// The methods a sign-off records: every one but passive acceptance, which only the
/// notice running out records.
pub fn signed_off_methods_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use strum::VariantArray;
    let methods: Vec<&'static str> = AcceptanceMethod::VARIANTS
        .iter()
        .filter(|m| **m != AcceptanceMethod::Passive)
        .map(|m| m.into())
        .collect();
    let schema = serde_json::json!({"type": "string", "enum": methods});
    serde_json::from_value(schema).unwrap_or_else(|_| <AcceptanceMethod as utoipa::PartialSchema>::schema())
}

/// A sign-off received from the customer.
#[derive(Debug, Clone)]
pub struct SignOff {
    /// Who accepted for the customer.
    pub accepted_by: String,
    pub method: AcceptanceMethod,
    /// The day they accepted (today when absent).
    pub accepted_on: Option<Date>,
    /// Required for `other`.
    pub note: Option<String>,
    /// Evidence kept with it; required when no request was sent.
    pub evidence: Option<NewEvidence>,
    pub today: Date,
}

impl SignOff {
    /// The checks of a sign-off on a milestone whose acceptance is `acceptance` and which
    /// already `kept` evidence or not; answers the acceptance day.
    pub fn validate(&self, acceptance: &Acceptance, kept: bool) -> Result<Date> {
        let on = self.accepted_on.unwrap_or(self.today);
        let mut c = Checks::new();
        c.text(&self.accepted_by, "accepted_by", 200);
        c.optional_text(self.note.as_deref(), "note", 1000);
        c.check(
            self.method != AcceptanceMethod::Passive,
            "method",
            Rule::OneOf,
            "method must be signature, email_reply or other: passive acceptance is only used when the \
             notice runs out",
        );
        c.check(
            self.method != AcceptanceMethod::Other || self.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
            "note",
            Rule::DependsOn,
            "note is required when the method is other: say how the customer accepted",
        );
        c.check(
            on <= self.today,
            "accepted_on",
            Rule::Future,
            "accepted_on must not be in the future",
        );
        if let Some(sent) = acceptance
            .requested_on
            .filter(|_| acceptance.state == AcceptanceState::Requested)
        {
            c.check(
                on >= sent,
                "accepted_on",
                Rule::BeforeRequest,
                format!("accepted_on must not be before the acceptance request was sent ({sent})"),
            );
        }
        c.into_result()?;
        if let Some(e) = &self.evidence {
            e.validate()?;
        }
        if acceptance.state == AcceptanceState::NotRequested && self.evidence.is_none() && !kept {
            return Err(Error::invalid(
                "evidence",
                Rule::EvidenceRequired,
                "no acceptance request was sent: a sign-off received directly needs evidence (a link or a file) kept \
                 with the milestone or given with the sign-off",
            ));
        }
        Ok(on)
    }
}

/// Refuses any acceptance action on an accepted milestone.
pub fn not_accepted(a: &Acceptance) -> Result<()> {
    if a.state == AcceptanceState::Accepted {
        return Err(Error::conflict(
            "acceptance_state",
            Rule::AlreadyAccepted,
            "the milestone is already accepted: its acceptance is final",
        ));
    }
    Ok(())
}

/// The passive-acceptance date of a notice sent on `sent`: day 1 is the day sent (the
/// next business day when it is not one), the rest business days.
pub fn passive_on(days: &WorkDays, sent: Date, n: i64) -> Date {
    let first = if days.works(sent) { sent } else { days.add_days(sent, 1) };
    days.add_days(first, n.max(1) - 1)
}

/// Whether the notice has run out on `today`: the passive-acceptance date is over.
pub fn overdue(a: &Acceptance, today: Date) -> bool {
    a.state == AcceptanceState::Requested && a.passive_on.is_some_and(|d| d < today)
}

/// The request's text, naming the milestone, its amount and the passive-acceptance date.
pub fn request_text(
    provider: &str,
    project: &str,
    milestone: &Milestone,
    contact_name: &str,
    passive_on: Date,
    days: i64,
) -> (String, String) {
    let name = milestone.fields.name.trim();
    let subject = format!("Acceptance request: {name} ({project})");
    let amount = milestone
        .fields
        .amount
        .map(|a: Money| a.written())
        .unwrap_or_else(|| "no amount".into());
    let body = format!(
        "Dear {contact_name},\n\n\
         {provider} has delivered the milestone \"{name}\" of the project {project} \
         (amount: {amount}) and asks for your acceptance.\n\n\
         Please reply to this message to accept it, or tell us what is missing. \
         Without an answer by the end of {passive_on} ({days} business days counting today), \
         the milestone is accepted passively, as the statement of work provides.\n\n\
         Kind regards,\n{provider}\n"
    );
    (subject, body)
}

/// One milestone the sweep accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassiveAcceptance {
    #[schema(value_type = i64)]
    pub milestone_id: MilestoneId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub milestone_name: String,
    pub requested_on: Date,
    /// The passive-acceptance date, recorded as the day it was accepted.
    pub accepted_on: Date,
}

/// A milestone awaiting acceptance, for the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AwaitingAcceptance {
    #[schema(value_type = i64)]
    pub milestone_id: MilestoneId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub milestone_name: String,
    #[serde(default)]
    pub amount: Option<Money>,
    pub requested_on: Date,
    pub passive_on: Date,
    #[serde(default)]
    pub contact_name: Option<String>,
}

/// What the store does for acceptance, each write in one transaction with its audit entry.
#[async_trait::async_trait]
pub trait AcceptanceStore: Send + Sync {
    /// A milestone with its acceptance and evidence.
    async fn milestone_acceptance(&self, id: MilestoneId) -> Result<MilestoneAcceptance>;
    /// The live milestones of a project with their acceptance, by due date.
    async fn project_acceptances(&self, project: ProjectId) -> Result<Vec<MilestoneAcceptance>>;
    /// Sends (or sends again) the acceptance request: queues the notice to the contact
    /// and starts the passive-acceptance clock.
    async fn request_acceptance(
        &self,
        ctx: &WriteCtx,
        id: MilestoneId,
        v: IfVersion,
        r: AcceptanceRequest,
    ) -> Result<MilestoneAcceptance>;
    /// Records the customer's sign-off (and its evidence): the milestone is completed.
    async fn record_acceptance(
        &self,
        ctx: &WriteCtx,
        id: MilestoneId,
        v: IfVersion,
        s: SignOff,
    ) -> Result<MilestoneAcceptance>;
    /// Keeps a link or a file with the milestone.
    async fn add_evidence(&self, ctx: &WriteCtx, id: MilestoneId, e: NewEvidence) -> Result<Evidence>;
    /// An evidence file's content.
    async fn evidence_file(&self, id: MilestoneId, evidence: EvidenceId) -> Result<EvidenceFile>;
    /// Accepts passively every milestone whose passive-acceptance date is before `today`;
    /// answers them.
    async fn sweep_acceptance(&self, ctx: &WriteCtx, today: Date) -> Result<Vec<PassiveAcceptance>>;
    /// Milestones awaiting acceptance on projects the scope admits, by passive-acceptance
    /// date.
    async fn awaiting_acceptance(&self, scope: crate::scope::ListScope) -> Result<Vec<AwaitingAcceptance>>;
}

/// Standard base64 (with padding), for evidence files kept as text.
pub mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// `None` when the text is not base64 (whitespace is ignored).
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if !clean.len().is_multiple_of(4) {
            return None;
        }
        let mut out = Vec::with_capacity(clean.len() / 4 * 3);
        for chunk in clean.chunks(4) {
            let mut n = 0u32;
            let mut pad = 0;
            for (i, &c) in chunk.iter().enumerate() {
                let v = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' => 62,
                    b'/' => 63,
                    b'=' if i >= 2 => {
                        pad += 1;
                        0
                    }
                    _ => return None,
                };
                if pad > 0 && c != b'=' {
                    return None;
                }
                n = (n << 6) | u32::from(v);
            }
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn day_one_is_the_day_sent_then_business_days() {
        let plain = WorkDays::default();
        // Thursday + 5 days: Thu, Fri, Mon, Tue, Wed.
        assert_eq!(passive_on(&plain, date!(2026 - 03 - 05), 5), date!(2026 - 03 - 11));
        // A holiday on the Monday: one day later.
        let holiday = WorkDays::new([date!(2026 - 03 - 09)]);
        assert_eq!(passive_on(&holiday, date!(2026 - 03 - 05), 5), date!(2026 - 03 - 12));
        // Sent on a Saturday: day 1 is the Monday.
        assert_eq!(passive_on(&plain, date!(2026 - 03 - 07), 5), date!(2026 - 03 - 13));
        assert_eq!(passive_on(&plain, date!(2026 - 03 - 05), 1), date!(2026 - 03 - 05));
    }

    #[test]
    fn base64_round_trips() {
        for n in 0..20 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64::decode(&base64::encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64::encode(b"Man"), "TWFu");
        assert_eq!(base64::encode(b"Ma"), "TWE=");
        assert_eq!(base64::decode("TQ==").unwrap(), b"M");
        assert!(base64::decode("T=Q=").is_none());
        assert!(base64::decode("abc").is_none());
    }

    #[test]
    fn a_sign_off_without_a_request_needs_evidence() {
        let s = SignOff {
            accepted_by: "Dana Ruiz".into(),
            method: AcceptanceMethod::Signature,
            accepted_on: None,
            note: None,
            evidence: None,
            today: date!(2026 - 03 - 05),
        };
        let e = s.validate(&Acceptance::default(), false).unwrap_err();
        assert!(format!("{e:?}").contains("evidence"));
        let other = SignOff {
            method: AcceptanceMethod::Other,
            evidence: Some(NewEvidence::Link {
                url: "https://x.example/a".into(),
                note: None,
            }),
            ..s
        };
        assert!(format!("{:?}", other.validate(&Acceptance::default(), false).unwrap_err()).contains("note"));
    }
}
