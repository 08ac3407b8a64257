//! Statements of work: numbered documents built from an agreed estimate, one row a
//! revision. A draft changes; submitted, it goes through the approval chain in order
//! (regional delivery manager, revenue, finance when the margin is under target or the
//! discount over its threshold, PS director, the legal stamp, the company signatory);
//! approved, the customer's signature closes the opportunity won and creates the
//! project. A rejected revision is revised into a new draft revision; every revision is
//! kept.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::estimates::EstimateId;
use super::opportunities::OpportunityId;
use super::pricing::Totals;
use crate::auth::UserId;
use crate::catalog::offerings::Effort;
use crate::catalog::requests::{Decision, Verdict};
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::projects::BillingType;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Minutes, Money, Result};

pub type SowId = Id<Sow>;

/// How the SOW bills (handbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum BillingTerms {
    OnSowExecution,
    OnOrderFormExecution,
    TmMonthly,
    PerMilestone,
    HalfUpFrontHalfAtCompletion,
    AtCompletion,
}

impl Code for BillingTerms {
    const FIELD: &'static str = "billing_terms";
}

impl BillingTerms {
    pub fn label(self) -> &'static str {
        match self {
            BillingTerms::OnSowExecution => "On SOW execution",
            BillingTerms::OnOrderFormExecution => "On order-form execution",
            BillingTerms::TmMonthly => "Time and materials, monthly",
            BillingTerms::PerMilestone => "Per milestone",
            BillingTerms::HalfUpFrontHalfAtCompletion => "50 % up front, 50 % at completion",
            BillingTerms::AtCompletion => "At completion",
        }
    }
}

/// The billing types a SOW has: every one but `non_billable` (a SOW sells work).
fn sow_billing_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use strum::VariantArray;
    let types: Vec<&'static str> = BillingType::VARIANTS
        .iter()
        .filter(|b| **b != BillingType::NonBillable)
        .map(|b| b.into())
        .collect();
    let schema = serde_json::json!({"type": "string", "enum": types});
    serde_json::from_value(schema).unwrap_or_else(|_| <BillingType as utoipa::PartialSchema>::schema())
}

/// A milestone as the SOW promises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneTerm {
    pub name: String,
    pub due: Date,
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub amount: Money,
}

/// The most items a list of a SOW holds.
pub const MAX_ITEMS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SowFields {
    /// The agreed estimate it is built from (and whose totals it carries).
    #[schema(value_type = i64)]
    pub estimate_id: EstimateId,
    pub title: String,
    pub scope: String,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub activities: Vec<String>,
    #[schema(schema_with = sow_billing_schema)]
    pub billing_type: BillingType,
    pub billing_terms: BillingTerms,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub milestones: Vec<MilestoneTerm>,
    /// Business days after a sign-off request before a milestone counts as accepted.
    #[schema(minimum = 1, maximum = 60)]
    pub passive_acceptance_days: i64,
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10080)]
    pub minimum_minutes_per_week: Option<Minutes>,
    pub start_date: Date,
    pub end_date: Date,
    /// The last day it can be signed.
    pub expires_on: Date,
    #[serde(default)]
    pub delay_language: Option<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub assumptions: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub out_of_scope: Vec<String>,
}

impl SowFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.title, "title", 200)
            .text(&self.scope, "scope", 20_000)
            .optional_text(self.delay_language.as_deref(), "delay_language", 4000);
        for (field, list) in [
            ("activities", &self.activities),
            ("assumptions", &self.assumptions),
            ("out_of_scope", &self.out_of_scope),
        ] {
            crate::catalog::each(&mut c, list, field, MAX_ITEMS, |c, item, at| {
                c.text(item, at, 2000);
            });
        }
        crate::catalog::each(&mut c, &self.milestones, "milestones", MAX_ITEMS, |c, m, at| {
            c.text(&m.name, &format!("{at}.name"), 200);
            c.check_with(m.amount.amount_minor >= 0, || {
                (
                    format!("{at}.amount"),
                    Rule::NotNegative,
                    format!("{at}.amount must not be negative"),
                )
            });
        });
        c.check(
            (1..=60).contains(&self.passive_acceptance_days),
            "passive_acceptance_days",
            Rule::Range,
            "passive_acceptance_days must be 1 to 60",
        )
        .check(
            self.end_date >= self.start_date,
            "end_date",
            Rule::AfterStart,
            "end_date must be on or after start_date",
        )
        .check(
            self.billing_type != BillingType::NonBillable,
            "billing_type",
            Rule::OneOf,
            "a SOW bills time_and_materials or fixed_fee",
        )
        .check(
            self.billing_terms != BillingTerms::PerMilestone || !self.milestones.is_empty(),
            "milestones",
            Rule::DependsOn,
            "billing per milestone needs milestones",
        );
        if let Some(m) = self.minimum_minutes_per_week {
            c.check(
                (1..=7 * 24 * 60).contains(&m.get()),
                "minimum_minutes_per_week",
                Rule::Range,
                "minimum_minutes_per_week must be more than 0 and at most a week",
            );
        }
        for (field, d) in [
            ("start_date", self.start_date),
            ("end_date", self.end_date),
            ("expires_on", self.expires_on),
        ] {
            c.check(
                crate::dates::in_bounds(d),
                field,
                Rule::DateBounds,
                format!("{field} must lie between 1900-01-01 and 2200-12-31"),
            );
        }
        c.into_result()
    }

    /// Milestones must add up to what a fixed fee sells for.
    pub fn check_against(&self, totals: &Totals) -> Result<()> {
        let mut c = Checks::new();
        for (i, m) in self.milestones.iter().enumerate() {
            c.check_with(m.amount.currency == totals.price.currency, || {
                (
                    format!("milestones[{i}].amount"),
                    Rule::Currency,
                    format!(
                        "milestones[{i}].amount must be in the estimate's currency, {}",
                        totals.price.currency
                    ),
                )
            });
        }
        let sum: i64 = self.milestones.iter().map(|m| m.amount.amount_minor).sum();
        c.check(
            self.billing_type != BillingType::FixedFee
                || self.milestones.is_empty()
                || sum == totals.price.amount_minor,
            "milestones",
            Rule::Matches,
            format!(
                "a fixed fee's milestones must add up to its price, {}; they add up to {}",
                totals.price,
                Money::new(sum, totals.price.currency)
            ),
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SowStatus {
    Draft,
    InReview,
    Rejected,
    /// Every internal step approved: ready for the customer's signature.
    Approved,
    Signed,
    /// A later revision replaced it.
    Superseded,
}

impl Code for SowStatus {
    const FIELD: &'static str = "status";
}

/// The internal approvers of a SOW, in the handbook's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SowRole {
    RegionalDeliveryManager,
    Revenue,
    /// Only when the margin is under target or the discount over its threshold.
    Finance,
    PsDirector,
    Legal,
    Signatory,
}

impl Code for SowRole {
    const FIELD: &'static str = "role";
}

impl SowRole {
    pub fn label(self) -> &'static str {
        match self {
            SowRole::RegionalDeliveryManager => "Regional delivery manager",
            SowRole::Revenue => "Revenue",
            SowRole::Finance => "Finance",
            SowRole::PsDirector => "PS director",
            SowRole::Legal => "Legal stamp",
            SowRole::Signatory => "Company signatory",
        }
    }
}

/// A step of a SOW's chain and who decides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SowStep {
    pub role: SowRole,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub approver: Option<UserId>,
}

/// The chain a submission gets: every configured step, finance only when `finance`.
pub fn chain_for(configured: &[SowStep], finance: bool) -> Result<Vec<SowStep>> {
    let mut chain = Vec::new();
    let mut errors = Vec::new();
    for role in SowRole::ALL {
        if *role == SowRole::Finance && !finance {
            continue;
        }
        match configured.iter().find(|s| s.role == *role).and_then(|s| s.approver) {
            Some(a) => chain.push(SowStep {
                role: *role,
                approver: Some(a),
            }),
            None => errors.push(crate::FieldError::new(
                format!("sow_approvers.{}", role.code()),
                Rule::Gate,
                format!(
                    "the {} step has no approver: an administrator designates one in settings",
                    role.label()
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(chain)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Why a SOW needs finance's approval, if it does.
pub fn finance_reason(
    totals: &Totals,
    discount_bp: i64,
    margin_target_bp: i64,
    discount_limit_bp: i64,
) -> Option<String> {
    let mut why = Vec::new();
    if totals.margin_bp.is_none_or(|m| m < margin_target_bp) {
        why.push(format!(
            "margin {} is under the {} target",
            totals.margin_bp.map_or("n/a".into(), crate::ratio::percent_text),
            crate::ratio::percent_text(margin_target_bp)
        ));
    }
    if discount_bp > discount_limit_bp {
        why.push(format!(
            "discount {} is over the {} threshold",
            crate::ratio::percent_text(discount_bp),
            crate::ratio::percent_text(discount_limit_bp)
        ));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// A new revision: its fields, where it came from and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSow {
    pub opportunity_id: OpportunityId,
    pub number: String,
    pub revision: i32,
    pub totals: Totals,
    pub resources: Vec<Effort>,
    pub fields: SowFields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Sow {
    pub id: SowId,
    #[schema(value_type = i64)]
    pub opportunity_id: OpportunityId,
    /// e.g. `SOW-0042`, shared by its revisions.
    pub number: String,
    pub revision: i32,
    #[serde(flatten)]
    pub fields: SowFields,
    pub status: SowStatus,
    /// The estimate's totals when the revision was made.
    pub totals: Totals,
    /// Hours by role, from the estimate.
    pub resources: Vec<Effort>,
    pub round: i32,
    /// The chain of its last submission; empty until submitted.
    pub chain: Vec<SowStep>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_at: Option<OffsetDateTime>,
    /// Who signed for the customer.
    pub signed_by: Option<String>,
    /// The project its signature made.
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<crate::projects::ProjectId>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Sow {
    pub fn editable(&self) -> Result<()> {
        if self.status != SowStatus::Draft {
            return Err(Error::conflict(
                "status",
                Rule::NotDraft,
                format!(
                    "{} revision {} is {}: only a draft changes; revise it into a new revision",
                    self.number,
                    self.revision,
                    self.status.code()
                ),
            ));
        }
        Ok(())
    }

    pub fn waiting_step(&self, decided: usize) -> Option<(usize, &SowStep)> {
        (self.status == SowStatus::InReview)
            .then(|| self.chain.get(decided).map(|s| (decided, s)))
            .flatten()
    }

    /// Whether it may be signed on `today`.
    pub fn signable(&self, today: Date) -> Result<()> {
        if self.status != SowStatus::Approved {
            return Err(Error::conflict(
                "status",
                Rule::Gate,
                format!(
                    "{} revision {} is {}: only a SOW every internal step approved is signed",
                    self.number,
                    self.revision,
                    self.status.code()
                ),
            ));
        }
        if today > self.fields.expires_on {
            return Err(Error::conflict(
                "expires_on",
                Rule::Gate,
                format!(
                    "{} expired on {}: an expired SOW cannot be signed; revise it with a new expiry",
                    self.number,
                    crate::dates::format_date(self.fields.expires_on)
                ),
            ));
        }
        Ok(())
    }
}

/// What a decision does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Next,
    Approved,
    Rejected,
}

/// The waiting step's decision by `actor`, given how many steps of this round are
/// decided: in order, each by its approver; a rejection needs a reason.
pub fn decide(sow: &Sow, decided: usize, actor: UserId, verdict: Verdict, reason: Option<&str>) -> Result<Outcome> {
    let Some((at, step)) = sow.waiting_step(decided) else {
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            format!(
                "{} is {}: only a SOW in review is decided",
                sow.number,
                sow.status.code()
            ),
        ));
    };
    if step.approver != Some(actor) {
        return Err(Error::Forbidden(format!(
            "step {} ({}) waits for its approver; steps are decided in order, each by its own approver",
            at + 1,
            step.role.label()
        )));
    }
    if verdict == Verdict::Reject && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::invalid("reason", Rule::DependsOn, "a rejection needs a reason"));
    }
    Ok(match verdict {
        Verdict::Reject => Outcome::Rejected,
        Verdict::Approve if at + 1 == sow.chain.len() => Outcome::Approved,
        Verdict::Approve => Outcome::Next,
    })
}

/// The SOW number after the highest given with `prefix`.
pub fn next_number(prefix: &str, taken: impl IntoIterator<Item = String>) -> String {
    crate::catalog::requests::next_code(prefix, taken)
}

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Difference {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// What changed from revision `a` to revision `b`, field by field.
pub fn diff(a: &Sow, b: &Sow) -> Vec<Difference> {
    let (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) =
        (serde_json::to_value(&a.fields), serde_json::to_value(&b.fields))
    else {
        return Vec::new();
    };
    let mut out: Vec<Difference> = x
        .iter()
        .filter(|(k, v)| y.get(*k) != Some(*v))
        .map(|(k, v)| Difference {
            field: k.clone(),
            before: v.clone(),
            after: y.get(k).cloned().unwrap_or(serde_json::Value::Null),
        })
        .collect();
    if a.totals != b.totals {
        out.push(Difference {
            field: "totals".into(),
            before: serde_json::to_value(&a.totals).unwrap_or_default(),
            after: serde_json::to_value(&b.totals).unwrap_or_default(),
        });
    }
    out
}

/// The decisions of the current round against the chain, for pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SowStepState {
    pub step: i32,
    pub role: SowRole,
    #[schema(value_type = Option<i64>)]
    pub approver: Option<UserId>,
    pub decision: Option<Decision>,
    pub waiting: bool,
}

impl Sow {
    pub fn steps(&self, decisions: &[Decision]) -> Vec<SowStepState> {
        let now: Vec<&Decision> = decisions.iter().filter(|d| d.round == self.round).collect();
        let waiting = (self.status == SowStatus::InReview).then_some(now.len());
        self.chain
            .iter()
            .enumerate()
            .map(|(i, s)| SowStepState {
                step: i as i32,
                role: s.role,
                approver: s.approver,
                decision: now.iter().find(|d| d.step == i as i32).map(|d| (*d).clone()),
                waiting: waiting == Some(i),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SowPatch {
    pub title: Option<String>,
    pub scope: Option<String>,
    pub activities: Option<Vec<String>>,
    pub billing_type: Option<BillingType>,
    pub billing_terms: Option<BillingTerms>,
    pub milestones: Option<Vec<MilestoneTerm>>,
    pub passive_acceptance_days: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Minutes>)]
    pub minimum_minutes_per_week: Option<Option<Minutes>>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub expires_on: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub delay_language: Option<Option<String>>,
    pub assumptions: Option<Vec<String>>,
    pub out_of_scope: Option<Vec<String>>,
}

impl SowPatch {
    pub fn apply(self, mut f: SowFields) -> SowFields {
        set(&mut f.title, self.title);
        set(&mut f.scope, self.scope);
        set(&mut f.activities, self.activities);
        set(&mut f.billing_type, self.billing_type);
        set(&mut f.billing_terms, self.billing_terms);
        set(&mut f.milestones, self.milestones);
        set(&mut f.passive_acceptance_days, self.passive_acceptance_days);
        set(&mut f.minimum_minutes_per_week, self.minimum_minutes_per_week);
        set(&mut f.start_date, self.start_date);
        set(&mut f.end_date, self.end_date);
        set(&mut f.expires_on, self.expires_on);
        set(&mut f.delay_language, self.delay_language);
        set(&mut f.assumptions, self.assumptions);
        set(&mut f.out_of_scope, self.out_of_scope);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct SowFilter {
    pub opportunity_id: Option<OpportunityId>,
    pub status: Option<SowStatus>,
    /// SOWs in review whose waiting step this user decides.
    pub waiting_for: Option<UserId>,
    /// Only those of opportunities this subject sees.
    pub visible_to: Option<super::opportunities::Visible>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of SOWs sorts by.
    SowSort { Number, Status, Updated }
);

impl crate::record::Record for Sow {
    const ENTITY: crate::record::Entity = crate::record::Entity::Sow;
    type New = NewSow;
    type Fields = SowFields;
    type Patch = SowPatch;
    type Filter = SowFilter;
    type Sort = SowSort;
    fn id(&self) -> SowId {
        self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn fields(&self) -> &SowFields {
        &self.fields
    }
    fn validate(fields: &SowFields) -> Result<()> {
        fields.validate()
    }
    fn patched(&self, patch: SowPatch) -> SowFields {
        patch.apply(self.fields.clone())
    }
}

impl crate::record::NewRecord for NewSow {
    type Record = Sow;
    fn fields(&self) -> &SowFields {
        &self.fields
    }
}

impl crate::record::ListFilter for SowFilter {
    type Record = Sow;
    fn archived(&self) -> Option<bool> {
        self.archived
    }
}
