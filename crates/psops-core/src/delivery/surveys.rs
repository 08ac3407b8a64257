//! CSAT surveys: one per closing project (a training class will own one the same way),
//! sent to a customer contact of the project's account as a single-use link that
//! expires. The link carries a random token of 256 bits; psops keeps only its SHA-256,
//! so a copy of the database cannot answer anyone's survey. An answer is a score from 1
//! (very dissatisfied) to 5 (very satisfied) and a comment.
//!
//! CSAT % is the share of satisfied answers (4 or 5) over all answers; the response
//! rate is answered over sent. Both are kept as integer basis points, rounded half up;
//! with no answers there is no CSAT figure at all (not 0 %).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::accounts::ContactId;
use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Result};

pub type SurveyId = Id<Survey>;

/// The lowest and highest score.
pub const SCORES: std::ops::RangeInclusive<i64> = 1..=5;

/// What each score means, as the survey page words it.
pub fn score_label(score: i64) -> &'static str {
    match score {
        1 => "Very dissatisfied",
        2 => "Dissatisfied",
        3 => "Neither satisfied nor dissatisfied",
        4 => "Satisfied",
        5 => "Very satisfied",
        _ => "",
    }
}

/// Whether a score counts as satisfied (4 or 5).
pub fn satisfied(score: i64) -> bool {
    score >= 4
}

/// Where a survey is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SurveyState {
    /// Sent, waiting for the answer.
    Sent,
    /// Answered: its link is used up.
    Answered,
    /// Not answered before its link expired.
    Expired,
}

impl Code for SurveyState {
    const FIELD: &'static str = "state";
}

/// A CSAT survey as psops keeps it: never its token, only the token's hash (which no
/// answer shows either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CsatSurvey)]
pub struct Survey {
    #[schema(value_type = i64)]
    pub id: SurveyId,
    /// The closing project it asks about.
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// The customer contact it went to.
    #[schema(value_type = i64)]
    pub contact_id: ContactId,
    pub to_name: String,
    pub to_email: String,
    /// What was delivered, as the report by offering groups it: the offerings of the
    /// SOW the project was signed from, or its project type.
    pub offering: String,
    #[schema(value_type = Option<i64>)]
    pub sent_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    /// 1 (very dissatisfied) to 5 (very satisfied), once answered.
    pub score: Option<i64>,
    pub comment: Option<String>,
    pub version: i64,
}

impl Survey {
    pub fn state(&self, now: OffsetDateTime) -> SurveyState {
        link_state(self.answered_at, self.expires_at, now)
    }
}

/// Where a survey link is at `now`: used once answered, expired from its expiry on. A
/// project's survey and a training class's survey follow the same rule.
pub fn link_state(answered_at: Option<OffsetDateTime>, expires_at: OffsetDateTime, now: OffsetDateTime) -> SurveyState {
    if answered_at.is_some() {
        SurveyState::Answered
    } else if now >= expires_at {
        SurveyState::Expired
    } else {
        SurveyState::Sent
    }
}

/// The refusal of a second answer through a link.
pub fn already_answered() -> Error {
    Error::conflict(
        "token",
        Rule::SingleUse,
        "this survey has already been answered; a link works once",
    )
}

/// Refuses an answer unless the link is still waiting for one at `now`.
pub fn check_answerable(
    answered_at: Option<OffsetDateTime>,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    match link_state(answered_at, expires_at, now) {
        SurveyState::Answered => Err(already_answered()),
        SurveyState::Expired => Err(Error::conflict(
            "token",
            Rule::Expired,
            format!("this survey's link expired on {}", expires_at.date()),
        )),
        SurveyState::Sent => Ok(()),
    }
}

/// A survey just sent, as its sender sees it once: the raw token and the link appear
/// here and in the message to the contact, nowhere else.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SentSurvey {
    pub survey: Survey,
    /// The link's token; not kept by psops, shown only in this answer.
    pub token: String,
    /// The public page the contact answers on.
    pub link: String,
}

/// What sending a survey needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    /// The closing project.
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    /// A contact of the project's account, with an e-mail address.
    #[schema(value_type = i64)]
    pub contact_id: ContactId,
}

/// The customer's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i64,
    #[serde(default)]
    pub comment: Option<String>,
}

impl SurveyAnswer {
    /// The comment as kept: trimmed, none when blank.
    pub fn kept_comment(&self) -> Option<String> {
        self.comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    }

    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            SCORES.contains(&self.score),
            "score",
            Rule::Score,
            "score must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)",
        )
        .optional_text(self.comment.as_deref(), "comment", 4000);
        c.into_result()
    }
}

/// What a survey link leads to, for the public page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// Waiting for an answer: the page shows the question.
    Open { survey: Box<Survey>, project_name: String },
    /// Already answered: refused, clearly.
    Answered,
    /// Past its expiry: refused, clearly.
    Expired,
    /// No survey has this token.
    Unknown,
}

/// How long a link stays good, and where the public page is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveySettings {
    /// Days a survey link stays good after it is sent (default 30).
    #[schema(minimum = 1, maximum = 365)]
    pub link_days: i64,
}

impl Default for SurveySettings {
    fn default() -> Self {
        Self { link_days: 30 }
    }
}

impl SurveySettings {
    pub fn validate(&self, c: &mut Checks) {
        c.check(
            (1..=365).contains(&self.link_days),
            "surveys.link_days",
            Rule::Range,
            "surveys.link_days must be from 1 to 365 days",
        );
    }
}

/// A new link token: the secret for the link, and the hash to store.
pub fn new_token() -> Result<(String, String)> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    let token = hex::encode(buf);
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// SHA-256 of a link token, hex.
pub fn token_hash(token: &str) -> String {
    crate::credentials::token_hash(token)
}

/// Whether a string could be a link token at all (64 hex digits), so that nothing else
/// reaches the database.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The public page of a token under a base URL (`https://psops.example.com`).
pub fn link(base: &str, token: &str) -> String {
    format!("{}/survey/{token}", base.trim_end_matches('/'))
}

/// The message to the contact.
pub fn message(to_name: &str, project_name: &str, link: &str, expires: OffsetDateTime) -> (String, String) {
    let subject = format!("How did we do on {project_name}?");
    let body = format!(
        "Dear {to_name},\n\nThank you for working with us on {project_name}. Would you tell us how \
         satisfied you are with the engagement? It takes a minute: one question and a comment.\n\n{link}\n\n\
         The link works once and until {}.\n",
        expires.date()
    );
    (subject, body)
}

/// Counts behind the CSAT figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CsatTally {
    pub sent: i64,
    pub answered: i64,
    /// Answers of 4 or 5.
    pub satisfied: i64,
}

/// `part` over `whole` in basis points, rounded half up; none when `whole` is 0.
fn basis_points(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 20_000 + whole) / (2 * whole))
}

impl CsatTally {
    /// CSAT % in basis points (8500 = 85 %); none without answers.
    pub fn csat_bp(&self) -> Option<i64> {
        basis_points(self.satisfied, self.answered)
    }
    /// Response rate in basis points; none when nothing was sent.
    pub fn response_rate_bp(&self) -> Option<i64> {
        basis_points(self.answered, self.sent)
    }
    pub fn add(&mut self, other: CsatTally) {
        self.sent += other.sent;
        self.answered += other.answered;
        self.satisfied += other.satisfied;
    }
}

/// A basis-point figure as a percentage with one decimal (`85.0 %`), `—` for none.
pub fn percent(bp: Option<i64>) -> String {
    match bp {
        Some(bp) => {
            let tenths = (bp + 5) / 10;
            format!("{}.{} %", tenths / 10, tenths % 10)
        }
        None => "—".to_string(),
    }
}

/// What the CSAT report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum CsatBy {
    /// The fiscal quarter the survey was sent in (`FY2026 Q4`).
    Quarter,
    /// What was delivered (the SOW's offerings, or the project type).
    Offering,
    /// The project's manager.
    Pm,
    /// The account's region.
    Region,
    /// The partner delivering the project (partner-delivered projects only).
    Partner,
}

impl Code for CsatBy {
    const FIELD: &'static str = "by";
}

/// One line of the CSAT report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CsatRow {
    /// The group, as named (a quarter, an offering, a person, a region, a partner).
    pub group: String,
    #[serde(flatten)]
    pub tally: CsatTally,
    /// CSAT % in basis points; null without answers.
    pub csat_bp: Option<i64>,
    /// Response rate in basis points.
    pub response_rate_bp: Option<i64>,
}

impl CsatRow {
    pub fn new(group: String, tally: CsatTally) -> Self {
        Self {
            group,
            csat_bp: tally.csat_bp(),
            response_rate_bp: tally.response_rate_bp(),
            tally,
        }
    }
}

#[async_trait]
pub trait SurveyStore: Send + Sync {
    /// Sends the CSAT survey of a closing project to a contact of its account: a new
    /// single-use link good for the setting's days, its message queued to the contact
    /// in the same transaction. Refused (409) while an earlier survey of the project is
    /// answered or still open. `base` is psops's public address.
    async fn send_survey(
        &self,
        ctx: &crate::store::WriteCtx,
        request: SurveyRequest,
        base: &str,
        now: OffsetDateTime,
    ) -> Result<SentSurvey>;
    async fn survey(&self, id: SurveyId) -> Result<Survey>;
    /// A project's surveys, newest first.
    async fn surveys_of(&self, project: ProjectId) -> Result<Vec<Survey>>;
    /// What a link's token leads to at `now`.
    async fn open_survey(&self, token: &str, now: OffsetDateTime) -> Result<Opened>;
    /// Records the answer of the link's holder, once, before it expires (409 after),
    /// audited as the customer contact.
    async fn answer_survey(
        &self,
        token: &str,
        answer: SurveyAnswer,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<Survey>;
    /// The CSAT report, grouped.
    async fn csat_report(&self, by: CsatBy) -> Result<Vec<CsatRow>>;
    /// A project's CSAT counts.
    async fn project_csat(&self, project: ProjectId) -> Result<CsatTally>;
    /// The counts of the surveys sent in the fiscal quarter holding `day`.
    async fn quarter_csat(&self, day: time::Date) -> Result<CsatTally>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_is_the_share_of_fours_and_fives_rounded_half_up() {
        let t = CsatTally {
            sent: 10,
            answered: 7,
            satisfied: 6,
        };
        // 6 / 7 = 85.714… % → 8571 bp
        assert_eq!(t.csat_bp(), Some(8571));
        assert_eq!(t.response_rate_bp(), Some(7000));
        let half = CsatTally {
            sent: 8,
            answered: 8,
            satisfied: 1,
        };
        // 1 / 8 = 12.5 % exactly
        assert_eq!(half.csat_bp(), Some(1250));
        let third = CsatTally {
            sent: 3,
            answered: 3,
            satisfied: 2,
        };
        // 66.666… → 6667
        assert_eq!(third.csat_bp(), Some(6667));
    }

    #[test]
    fn no_answers_is_no_figure_not_zero() {
        let t = CsatTally {
            sent: 4,
            answered: 0,
            satisfied: 0,
        };
        assert_eq!(t.csat_bp(), None);
        assert_eq!(t.response_rate_bp(), Some(0));
        assert_eq!(CsatTally::default().response_rate_bp(), None);
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(8571)), "85.7 %");
        assert_eq!(percent(Some(6667)), "66.7 %");
        assert_eq!(percent(Some(10_000)), "100.0 %");
    }

    #[test]
    fn tokens_are_256_bits_and_stored_hashed() {
        let (token, hash) = new_token().unwrap();
        assert!(plausible_token(&token));
        assert_ne!(token, hash);
        assert_eq!(token_hash(&token), hash);
        assert!(!plausible_token("../etc"));
    }

    #[test]
    fn scores_run_from_one_to_five() {
        for s in [0, 6, -1] {
            assert!(
                SurveyAnswer {
                    score: s,
                    comment: None
                }
                .validate()
                .is_err()
            );
        }
        assert!(
            SurveyAnswer {
                score: 5,
                comment: None
            }
            .validate()
            .is_ok()
        );
        assert!(satisfied(4) && !satisfied(3));
        assert_eq!(score_label(1), "Very dissatisfied");
    }
}
