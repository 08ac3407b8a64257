//! Certificates: what passing a certification's written and lab assessments issues — a
//! number anyone can check on the public verification page, an issue date and an expiry
//! — and whether one is in force, expired or revoked on a day.
//!
//! The number is random, not a sequence: the verification page answers anyone without a
//! sign-in, so a number must not lead to its neighbours. Twelve Crockford base-32 digits
//! carry 60 random bits; at a hundred thousand certificates a guess finds one about once
//! in ten trillion tries.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::CertificationId;
use super::attempts::CertificationAttemptId;
use crate::code::Code;
use crate::education::learners::LearnerId;
use crate::id::Id;
use crate::meta::Meta;
use crate::rule::Rule;
use crate::skills::PersonCertificationId;
use crate::validate::Checks;
use crate::{Error, Result};

pub type CertificateId = Id<Certificate>;

/// Crockford's base 32: no I, L, O or U, so a number read aloud or typed is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "PSC";
const GROUPS: usize = 3;
const GROUP: usize = 4;

/// A new certificate number, `PSC-XXXX-XXXX-XXXX`, from the operating system's randomness.
pub fn new_number() -> Result<String> {
    let mut buf = [0u8; GROUPS * GROUP];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(number_from(&buf))
}

/// The number the random bytes spell (each byte's low five bits a digit).
pub fn number_from(bytes: &[u8; GROUPS * GROUP]) -> String {
    let digits: Vec<char> = bytes.iter().map(|b| ALPHABET[(b & 31) as usize] as char).collect();
    let groups: Vec<String> = digits.chunks(GROUP).map(|g| g.iter().collect()).collect();
    format!("{PREFIX}-{}", groups.join("-"))
}

/// A typed number in its stored form — upper case, dashes where they belong, the letters
/// Crockford reads as digits (O as 0, I and L as 1) read so — or `None` when it cannot be
/// a certificate number at all, so that nothing else reaches the database.
pub fn normalise(typed: &str) -> Option<String> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let body = compact.strip_prefix(PREFIX)?;
    if body.len() != GROUPS * GROUP {
        return None;
    }
    let mut digits = Vec::with_capacity(body.len());
    for c in body.chars() {
        let c = match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        digits.push(c);
    }
    let groups: Vec<String> = digits.chunks(GROUP).map(|g| g.iter().collect()).collect();
    Some(format!("{PREFIX}-{}", groups.join("-")))
}

/// Where a certificate stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CertificateStatus {
    /// Issued, not expired, not revoked.
    Active,
    /// Past its expiry.
    Expired,
    /// Withdrawn by the organisation.
    Revoked,
}

impl Code for CertificateStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateFields {
    /// `PSC-XXXX-XXXX-XXXX`, random and unique.
    pub number: String,
    #[schema(value_type = i64)]
    pub certification_id: CertificationId,
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    /// The attempt that passed.
    #[schema(value_type = i64)]
    pub attempt_id: CertificationAttemptId,
    pub issued_on: Date,
    /// The last day it is in force.
    pub expires_on: Date,
    #[serde(default)]
    pub revoked_on: Option<Date>,
    #[serde(default)]
    pub revoked_reason: Option<String>,
    /// The person certification it wrote for a learner who is one of the organisation's
    /// people (an employee or a partner consultant), so vetting and staffing count it.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub person_certification_id: Option<PersonCertificationId>,
}

impl CertificateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            normalise(&self.number).as_deref() == Some(self.number.as_str()),
            "number",
            Rule::InvalidValue,
            "number must read PSC-XXXX-XXXX-XXXX in Crockford base 32",
        );
        c.check(
            self.expires_on >= self.issued_on,
            "expires_on",
            Rule::AfterStart,
            "expires_on must be on or after issued_on",
        );
        c.check(
            self.revoked_on.is_some() == self.revoked_reason.is_some(),
            "revoked_reason",
            Rule::Required,
            "a revocation records its day and its reason together",
        );
        c.optional_text(self.revoked_reason.as_deref(), "revoked_reason", 1000);
        c.into_result()
    }

    /// Its standing on `day`: revoked once revoked, expired after its expiry day.
    pub fn status_on(&self, day: Date) -> CertificateStatus {
        if self.revoked_on.is_some() {
            CertificateStatus::Revoked
        } else if day > self.expires_on {
            CertificateStatus::Expired
        } else {
            CertificateStatus::Active
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Certificate {
    #[schema(value_type = i64)]
    pub id: CertificateId,
    #[serde(flatten)]
    pub fields: CertificateFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// Certificates are issued and revoked by actions, never patched.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificatePatch {}

impl CertificatePatch {
    pub fn apply(self, f: CertificateFields) -> CertificateFields {
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct CertificateFilter {
    pub certification_id: Option<CertificationId>,
    pub learner_id: Option<LearnerId>,
    /// Only learners of this partner organisation (a partner's own users).
    pub partner_id: Option<crate::partners::PartnerId>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of certificates sorts by.
    CertificateSort { IssuedOn, ExpiresOn, Number }
);

crate::plain_record!(
    Certificate,
    Certificate,
    CertificateFields,
    CertificatePatch,
    CertificateFilter,
    CertificateSort
);

/// The certificate issued by a passed attempt on the lab's day.
pub fn issue(
    number: String,
    attempt_id: CertificationAttemptId,
    attempt: &super::AttemptFields,
    expires_on: Date,
) -> Result<CertificateFields> {
    let issued_on = attempt
        .lab_on
        .filter(|_| attempt.status == super::AttemptStatus::Passed)
        .ok_or_else(|| Error::internal("a certificate is issued only by a passed attempt"))?;
    Ok(CertificateFields {
        number,
        certification_id: attempt.certification_id,
        learner_id: attempt.learner_id,
        attempt_id,
        issued_on,
        expires_on,
        revoked_on: None,
        revoked_reason: None,
        person_certification_id: None,
    })
}

/// A certificate revoked on `day` for `reason`, or the rule that stops it: a certificate
/// is revoked once, with a reason.
pub fn revoke(before: &CertificateFields, reason: &str, day: Date) -> Result<CertificateFields> {
    if let Some(on) = before.revoked_on {
        return Err(Error::conflict(
            "status",
            Rule::AlreadyRevoked,
            format!("the certificate was revoked on {on}"),
        ));
    }
    let reason = reason.trim();
    let mut c = Checks::new();
    c.text(reason, "reason", 1000);
    c.check(
        day >= before.issued_on,
        "revoked_on",
        Rule::AfterStart,
        "a certificate is revoked on or after its issue date",
    );
    c.into_result()?;
    Ok(CertificateFields {
        revoked_on: Some(day),
        revoked_reason: Some(reason.to_string()),
        ..before.clone()
    })
}

/// What the public verification page shows of a certificate: its holder's name, the
/// certification, its status and expiry — nothing else (no e-mail, organisation,
/// scores or revocation reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicCertificate {
    pub number: String,
    pub holder: String,
    pub certification: String,
    pub status: CertificateStatus,
    pub expires_on: Date,
}
