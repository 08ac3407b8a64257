//! The certification figures: pass rates by certification and the certificates expiring
//! soon, for the whole organisation or one partner's learners.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::CertificationId;
use super::certificates::CertificateId;
use crate::education::learners::LearnerId;
use crate::partners::PartnerId;

/// The most certificates the expiring list answers: the next 90 days of a large
/// organisation fit, and a longer span is narrowed rather than paged.
pub const MAX_EXPIRING: usize = 2000;

/// Whose learners a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LearnerScope {
    #[default]
    All,
    /// Only this partner organisation's consultants.
    Partner(PartnerId),
}

/// One certification's attempts and their outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CertificationFigures)]
pub struct Figures {
    #[schema(value_type = i64)]
    pub certification_id: CertificationId,
    pub code: String,
    pub name: String,
    /// Attempts recorded.
    pub attempts: i64,
    /// Attempts whose written assessment passed.
    pub written_passed: i64,
    /// Attempts whose lab was graded (pass or fail).
    pub labs_graded: i64,
    /// Attempts that passed both, each issuing a certificate.
    pub passed: i64,
    /// Attempts over: failed at either step, or passed (not those awaiting their lab).
    pub decided: i64,
    /// Certificates in force today.
    pub active_certificates: i64,
    /// Passed attempts per decided attempt, in whole percent; none before any is decided.
    pub pass_rate: Option<i64>,
    /// Written assessments passed per attempt, in whole percent.
    pub written_pass_rate: Option<i64>,
    /// Labs passed per lab graded, in whole percent.
    pub lab_pass_rate: Option<i64>,
}

impl Figures {
    /// The figures with their rates worked out from the counts.
    pub fn with_rates(mut self) -> Figures {
        self.pass_rate = percent(self.passed, self.decided);
        self.written_pass_rate = percent(self.written_passed, self.attempts);
        self.lab_pass_rate = percent(self.passed, self.labs_graded);
        self
    }
}

/// `part` of `whole` in whole percent, rounded half up; none of nothing.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 200 + whole) / (whole * 2))
}

/// A certificate in force that expires soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Expiring {
    #[schema(value_type = i64)]
    pub certificate_id: CertificateId,
    pub number: String,
    #[schema(value_type = i64)]
    pub learner_id: LearnerId,
    pub holder: String,
    #[schema(value_type = i64)]
    pub certification_id: CertificationId,
    pub certification: String,
    pub expires_on: Date,
}
