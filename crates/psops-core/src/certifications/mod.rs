//! Technical certifications: what a certification asks (its written and lab pass marks,
//! how many attempts and how long between them, how long it stays valid), a learner's
//! attempts at it, and the certificates passing both assessments issues. The rules are
//! here once, as pure functions over what the store reads.

pub mod attempts;
pub mod certificates;
pub mod reports;
pub mod trainer_paths;

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::store::{IfVersion, WriteCtx};
use crate::validate::Checks;

pub use attempts::{
    AttemptFields, AttemptStatus, CertificationAttempt, CertificationAttemptId, LabInput, WrittenInput,
};
pub use certificates::{Certificate, CertificateFields, CertificateId, CertificateStatus, PublicCertificate};

pub type CertificationId = Id<Certification>;

/// The organisation's defaults for certifications that leave them open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationSettings {
    /// Attempts a learner gets at a certification (each a written then a lab assessment).
    #[schema(minimum = 1, maximum = 20)]
    pub max_attempts: i64,
    /// Days a learner waits after a failed assessment before the next attempt.
    #[schema(minimum = 0, maximum = 365)]
    pub retake_wait_days: i64,
}

impl Default for CertificationSettings {
    /// Three attempts, two weeks apart: enough to recover from a bad day, few enough that
    /// the assessment is not learned by repetition.
    fn default() -> Self {
        CertificationSettings {
            max_attempts: 3,
            retake_wait_days: 14,
        }
    }
}

impl CertificationSettings {
    pub fn validate(&self, c: &mut Checks) {
        c.check(
            (1..=MAX_ATTEMPTS_LIMIT).contains(&self.max_attempts),
            "certifications.max_attempts",
            Rule::Range,
            format!("certifications.max_attempts must be from 1 to {MAX_ATTEMPTS_LIMIT}"),
        );
        c.check(
            (0..=MAX_WAIT_DAYS).contains(&self.retake_wait_days),
            "certifications.retake_wait_days",
            Rule::Range,
            format!("certifications.retake_wait_days must be from 0 to {MAX_WAIT_DAYS}"),
        );
    }
}

const MAX_ATTEMPTS_LIMIT: i64 = 20;
const MAX_WAIT_DAYS: i64 = 365;
const MAX_VALIDITY_MONTHS: i64 = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationFields {
    /// Short and unique, compared without case, e.g. `ci-cd-specialist`; it is the code a
    /// person's certification carries once a linked learner passes.
    pub code: String,
    /// Its full name, e.g. "GitLab Certified CI/CD Specialist".
    pub name: String,
    /// The course it certifies, whose trainers pass it on their certification path.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<crate::education::courses::CourseId>,
    /// The score out of 100 the written assessment needs.
    #[schema(minimum = 1, maximum = 100)]
    pub written_pass_mark: i64,
    /// The rubric score out of 100 the hands-on lab needs.
    #[schema(minimum = 1, maximum = 100)]
    pub lab_pass_mark: i64,
    /// Attempts a learner gets; the settings' when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub max_attempts: Option<i64>,
    /// Days between a failed assessment and the next attempt; the settings' when absent.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub retake_wait_days: Option<i64>,
    /// Months a certificate stays valid from its issue date.
    #[schema(minimum = 1, maximum = 120)]
    pub validity_months: i64,
    #[serde(default)]
    pub description: Option<String>,
}

impl CertificationFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.code(&self.code, "code", 50)
            .text(&self.name, "name", 200)
            .optional_text(self.description.as_deref(), "description", 4000);
        for (field, mark) in [
            ("written_pass_mark", self.written_pass_mark),
            ("lab_pass_mark", self.lab_pass_mark),
        ] {
            c.check(
                (1..=100).contains(&mark),
                field,
                Rule::Range,
                format!("{field} must be a score from 1 to 100"),
            );
        }
        if let Some(n) = self.max_attempts {
            c.check(
                (1..=MAX_ATTEMPTS_LIMIT).contains(&n),
                "max_attempts",
                Rule::Range,
                format!("max_attempts must be from 1 to {MAX_ATTEMPTS_LIMIT}"),
            );
        }
        if let Some(n) = self.retake_wait_days {
            c.check(
                (0..=MAX_WAIT_DAYS).contains(&n),
                "retake_wait_days",
                Rule::Range,
                format!("retake_wait_days must be from 0 to {MAX_WAIT_DAYS} days"),
            );
        }
        c.check(
            (1..=MAX_VALIDITY_MONTHS).contains(&self.validity_months),
            "validity_months",
            Rule::Range,
            format!("validity_months must be from 1 to {MAX_VALIDITY_MONTHS}"),
        );
        c.into_result()
    }

    /// The attempts and wait that hold for this certification under `settings`.
    pub fn terms(&self, settings: &CertificationSettings) -> Terms {
        Terms {
            max_attempts: self.max_attempts.unwrap_or(settings.max_attempts),
            retake_wait_days: self.retake_wait_days.unwrap_or(settings.retake_wait_days),
        }
    }

    /// The day a certificate issued on `issued_on` expires: the same day of the month
    /// `validity_months` later (the month's last day when it is shorter).
    pub fn expiry(&self, issued_on: Date) -> Date {
        add_months(issued_on, self.validity_months)
    }
}

/// How many attempts a certification allows and how long a learner waits between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Terms {
    pub max_attempts: i64,
    pub retake_wait_days: i64,
}

/// `day` moved `months` months on, clamped to the end of a shorter month.
pub fn add_months(day: Date, months: i64) -> Date {
    let index = i64::from(day.year()) * 12 + i64::from(u8::from(day.month())) - 1 + months;
    let year = index.div_euclid(12) as i32;
    let month = time::Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Certification {
    #[schema(value_type = i64)]
    pub id: CertificationId,
    #[serde(flatten)]
    pub fields: CertificationFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationPatch {
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub course_id: Option<Option<crate::education::courses::CourseId>>,
    #[schema(minimum = 1, maximum = 100)]
    pub written_pass_mark: Option<i64>,
    #[schema(minimum = 1, maximum = 100)]
    pub lab_pass_mark: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub max_attempts: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub retake_wait_days: Option<Option<i64>>,
    #[schema(minimum = 1, maximum = 120)]
    pub validity_months: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl CertificationPatch {
    pub fn apply(self, mut f: CertificationFields) -> CertificationFields {
        set(&mut f.code, self.code);
        set(&mut f.name, self.name);
        set(&mut f.course_id, self.course_id);
        set(&mut f.written_pass_mark, self.written_pass_mark);
        set(&mut f.lab_pass_mark, self.lab_pass_mark);
        set(&mut f.max_attempts, self.max_attempts);
        set(&mut f.retake_wait_days, self.retake_wait_days);
        set(&mut f.validity_months, self.validity_months);
        set(&mut f.description, self.description);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct CertificationFilter {
    /// Code or name containing this text, any case.
    pub q: Option<String>,
    pub course_id: Option<crate::education::courses::CourseId>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of certifications sorts by.
    CertificationSort { Name, Code, ValidityMonths }
);

crate::plain_record!(
    Certification,
    Certification,
    CertificationFields,
    CertificationPatch,
    CertificationFilter,
    CertificationSort
);

/// What revoking a certificate takes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Why, e.g. "exam misconduct"; kept with the certificate, never shown publicly.
    /// A certificate stops counting the day it is revoked.
    pub reason: String,
}

/// Certifications beyond the plain record life of their definitions: the assessments,
/// the certificates they issue, the public check and the figures.
#[async_trait::async_trait]
pub trait CertificationStore: Send + Sync {
    /// Records a learner's written assessment as a new attempt at the certification,
    /// refused (naming the rule) past the attempts allowed, before the retake wait ends,
    /// while another attempt awaits its lab or while the learner holds a certificate in
    /// force. Audited.
    async fn record_written(
        &self,
        ctx: &WriteCtx,
        certification: CertificationId,
        input: WrittenInput,
    ) -> Result<CertificationAttempt>;
    /// Records the hands-on lab of an attempt whose written assessment passed, graded by
    /// a PS engineer; a pass issues the certificate in the same transaction (and, for a
    /// learner who is one of the organisation's people, their person certification).
    async fn record_lab(
        &self,
        ctx: &WriteCtx,
        attempt: CertificationAttemptId,
        v: IfVersion,
        input: LabInput,
    ) -> Result<(CertificationAttempt, Option<Certificate>)>;
    /// Revokes a certificate with a reason; it no longer counts anywhere.
    async fn revoke_certificate(
        &self,
        ctx: &WriteCtx,
        id: CertificateId,
        v: IfVersion,
        revocation: Revocation,
        today: Date,
    ) -> Result<Certificate>;
    /// What the public verification page shows of the certificate with this number on
    /// `today`; `None` for a number no certificate has.
    async fn verify_certificate(&self, number: &str, today: Date) -> Result<Option<PublicCertificate>>;
    /// Issued certificates and attempts per certification, for pass rates.
    async fn certification_figures(&self, scope: &reports::LearnerScope, today: Date) -> Result<Vec<reports::Figures>>;
    /// Certificates in force that expire from `from` to `to`, soonest first (at most
    /// [`reports::MAX_EXPIRING`]).
    async fn expiring_certificates(
        &self,
        from: Date,
        to: Date,
        scope: &reports::LearnerScope,
    ) -> Result<Vec<reports::Expiring>>;
}

#[cfg(test)]
mod tests;
