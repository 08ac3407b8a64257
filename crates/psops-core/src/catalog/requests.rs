//! New-SKU requests: a practice manager drafts a SKU with its cost basis, and it goes
//! through the approval chain in order (handbook: finance review, finance business
//! partner, VP Customer Success, then CFO, CRO and CEO). The chain's steps and who decides
//! each are settings; a request keeps the chain it was submitted with. The last approval
//! makes the SKU, which gets its number and is active from then on.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::offerings::OfferingId;
use super::skus::{Channel, SkuId, Unit};
use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::rates::cost_of;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Error, Minutes, Money, Result};

pub type SkuRequestId = Id<SkuRequest>;

/// One step of the approval chain and the user who decides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What the step is, e.g. `Finance review` or `CFO`.
    pub name: String,
    /// The user who decides the step; a request cannot be submitted while one is unset.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub approver: Option<UserId>,
}

/// The handbook's chain, in order, with nobody designated yet.
pub fn default_chain() -> Vec<Step> {
    [
        "Finance review",
        "Finance business partner",
        "VP Customer Success",
        "CFO",
        "CRO",
        "CEO",
    ]
    .into_iter()
    .map(|name| Step {
        name: name.into(),
        approver: None,
    })
    .collect()
}

/// The most steps a chain may have.
pub const MAX_STEPS: usize = 12;

/// Checks a chain as settings hold it.
pub fn validate_chain(chain: &[Step], c: &mut Checks) {
    c.check(
        (1..=MAX_STEPS).contains(&chain.len()),
        "sku_approval_chain",
        Rule::Range,
        format!("sku_approval_chain must have 1 to {MAX_STEPS} steps"),
    );
    for (i, s) in chain.iter().enumerate() {
        c.text(&s.name, &format!("sku_approval_chain[{i}].name"), 100);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SkuRequestStatus {
    /// Being written; only a draft changes.
    Draft,
    /// Submitted and waiting for the next step's decision.
    InReview,
    /// A step rejected it; its drafter may revise it as a draft and submit it again.
    Rejected,
    /// Every step approved it; the SKU exists.
    Approved,
}

impl Code for SkuRequestStatus {
    const FIELD: &'static str = "status";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

impl Code for Verdict {
    const FIELD: &'static str = "decision";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuRequestFields {
    pub offering_id: OfferingId,
    /// The SKU's name; its number is given on the last approval.
    pub name: String,
    pub unit: Unit,
    #[serde(default)]
    pub block_minutes: Option<Minutes>,
    #[serde(default)]
    pub term_months: Option<i32>,
    pub channel: Channel,
    /// The list price proposed, per unit; its currency is the SKU's.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub list_price: Option<Money>,
    /// Delivery hours of one unit, in minutes: the cost basis.
    #[schema(value_type = i64, minimum = 0, maximum = 600000)]
    pub minutes: Minutes,
    /// What an hour of delivery costs.
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub hourly_cost: Money,
    /// What travel and expenses are assumed to be (or that there are none).
    #[serde(default)]
    pub te_assumption: Option<String>,
    /// Cost basis and other assumptions.
    #[serde(default)]
    pub assumptions: Option<String>,
    /// The specimen SOW's text.
    #[serde(default)]
    pub specimen_sow: Option<String>,
}

impl SkuRequestFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.te_assumption.as_deref(), "te_assumption", 2000)
            .optional_text(self.assumptions.as_deref(), "assumptions", 4000)
            .optional_text(self.specimen_sow.as_deref(), "specimen_sow", 100_000);
        c.check(
            (0..=10_000 * 60).contains(&self.minutes.get()),
            "minutes",
            Rule::Range,
            "minutes must be 0 to 600000 (10,000 hours)",
        )
        .check(
            self.hourly_cost.amount_minor >= 0,
            "hourly_cost",
            Rule::NotNegative,
            "hourly_cost must not be negative",
        );
        if let Some(p) = self.list_price {
            c.check(
                p.amount_minor >= 0,
                "list_price",
                Rule::NotNegative,
                "list_price must not be negative",
            )
            .check(
                p.currency == self.hourly_cost.currency,
                "list_price",
                Rule::Currency,
                "list_price must be in the currency of hourly_cost",
            );
        }
        c.check(
            self.block_minutes.is_some() == (self.unit == Unit::HoursBlock),
            "block_minutes",
            Rule::DependsOn,
            "block_minutes is set for a unit of hours_block, and only then",
        )
        .check(
            self.term_months.is_some() == (self.unit == Unit::DedicatedTerm),
            "term_months",
            Rule::DependsOn,
            "term_months is set for a unit of dedicated_term, and only then",
        );
        c.into_result()
    }

    /// Delivery cost = hours × hourly cost, rounded once (see `rates::cost_of`). Computed,
    /// never typed.
    pub fn delivery_cost(&self) -> Result<Money> {
        cost_of(self.hourly_cost, self.minutes)
    }

    pub fn currency(&self) -> Currency {
        self.hourly_cost.currency
    }
}

/// A new request: its fields and who drafts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSkuRequest {
    pub requested_by: Option<UserId>,
    pub fields: SkuRequestFields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SkuRequest {
    pub id: SkuRequestId,
    #[serde(flatten)]
    pub fields: SkuRequestFields,
    pub status: SkuRequestStatus,
    /// The user who drafted it.
    #[schema(value_type = Option<i64>)]
    pub requested_by: Option<UserId>,
    /// Hours × hourly cost, computed.
    pub delivery_cost: Money,
    /// How many times it was submitted.
    pub round: i32,
    /// The chain it was last submitted with; empty until submitted.
    pub chain: Vec<Step>,
    /// The SKU its last approval made.
    #[schema(value_type = Option<i64>)]
    pub sku_id: Option<SkuId>,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuRequestPatch {
    pub offering_id: Option<OfferingId>,
    pub name: Option<String>,
    pub unit: Option<Unit>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Minutes>)]
    pub block_minutes: Option<Option<Minutes>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub term_months: Option<Option<i32>>,
    pub channel: Option<Channel>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub list_price: Option<Option<Money>>,
    pub minutes: Option<Minutes>,
    pub hourly_cost: Option<Money>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub te_assumption: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub assumptions: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub specimen_sow: Option<Option<String>>,
}

impl SkuRequestPatch {
    pub fn apply(self, mut f: SkuRequestFields) -> SkuRequestFields {
        set(&mut f.offering_id, self.offering_id);
        set(&mut f.name, self.name);
        set(&mut f.unit, self.unit);
        set(&mut f.block_minutes, self.block_minutes);
        set(&mut f.term_months, self.term_months);
        set(&mut f.channel, self.channel);
        set(&mut f.list_price, self.list_price);
        set(&mut f.minutes, self.minutes);
        set(&mut f.hourly_cost, self.hourly_cost);
        set(&mut f.te_assumption, self.te_assumption);
        set(&mut f.assumptions, self.assumptions);
        set(&mut f.specimen_sow, self.specimen_sow);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct SkuRequestFilter {
    pub status: Option<SkuRequestStatus>,
    /// Requests in review whose next step this user decides.
    pub waiting_for: Option<UserId>,
    /// Only what this user drafted, waits for them or was decided by them (who may not
    /// see every request's cost basis); everything when `None`.
    pub visible_to: Option<UserId>,
    pub archived: Option<bool>,
}

impl crate::record::Record for SkuRequest {
    const ENTITY: crate::record::Entity = crate::record::Entity::SkuRequest;
    type New = NewSkuRequest;
    type Fields = SkuRequestFields;
    type Patch = SkuRequestPatch;
    type Filter = SkuRequestFilter;
    type Sort = SkuRequestSort;
    fn id(&self) -> SkuRequestId {
        self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn fields(&self) -> &SkuRequestFields {
        &self.fields
    }
    fn validate(fields: &SkuRequestFields) -> Result<()> {
        fields.validate()
    }
    fn patched(&self, patch: SkuRequestPatch) -> SkuRequestFields {
        patch.apply(self.fields.clone())
    }
}

impl crate::record::NewRecord for NewSkuRequest {
    type Record = SkuRequest;
    fn fields(&self) -> &SkuRequestFields {
        &self.fields
    }
}

impl crate::record::ListFilter for SkuRequestFilter {
    type Record = SkuRequest;
    fn archived(&self) -> Option<bool> {
        self.archived
    }
}

crate::sort_columns!(
    /// The columns a list of SKU requests sorts by.
    SkuRequestSort { Name, Status, Updated }
);

/// A step's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// The submission it belongs to (1 for the first).
    pub round: i32,
    /// The step's place in the chain, from 0.
    pub step: i32,
    pub step_name: String,
    #[schema(value_type = i64)]
    pub decided_by: UserId,
    pub decision: Verdict,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
}

/// A step of the current round as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StepState {
    pub step: i32,
    pub name: String,
    #[schema(value_type = Option<i64>)]
    pub approver: Option<UserId>,
    /// Its decision in this round; none yet when waiting or not reached.
    pub decision: Option<Decision>,
    /// Whether it is the step waiting now.
    pub waiting: bool,
}

impl SkuRequest {
    /// Whether the request may still change.
    pub fn editable(&self) -> Result<()> {
        if self.status != SkuRequestStatus::Draft {
            return Err(Error::Conflict(crate::FieldError::new(
                "status",
                Rule::NotDraft,
                format!(
                    "SKU request {} is {}: only a draft can change; a rejected request is revised as a draft first",
                    self.id,
                    self.status.code()
                ),
            )));
        }
        Ok(())
    }

    /// The steps of the current round with their decisions.
    pub fn steps(&self, decisions: &[Decision]) -> Vec<StepState> {
        let now = decisions.iter().filter(|d| d.round == self.round).collect::<Vec<_>>();
        let waiting = (self.status == SkuRequestStatus::InReview).then_some(now.len());
        self.chain
            .iter()
            .enumerate()
            .map(|(i, s)| StepState {
                step: i as i32,
                name: s.name.clone(),
                approver: s.approver,
                decision: now.iter().find(|d| d.step == i as i32).map(|d| (*d).clone()),
                waiting: waiting == Some(i),
            })
            .collect()
    }

    /// The step waiting for a decision, given the decisions of the current round.
    pub fn waiting_step(&self, decided: usize) -> Option<(usize, &Step)> {
        (self.status == SkuRequestStatus::InReview)
            .then(|| self.chain.get(decided).map(|s| (decided, s)))
            .flatten()
    }
}

/// Submitting a draft (or a rejected request, revised): every field the chain reads must
/// be there and every step must have someone to decide it. Answers the chain to keep.
pub fn submit(req: &SkuRequest, chain: &[Step]) -> Result<Vec<Step>> {
    if !matches!(req.status, SkuRequestStatus::Draft | SkuRequestStatus::Rejected) {
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            format!(
                "SKU request {} is {}: only a draft is submitted",
                req.id,
                req.status.code()
            ),
        ));
    }
    let f = &req.fields;
    let mut c = Checks::new();
    c.check(
        f.minutes.get() > 0,
        "minutes",
        Rule::Gate,
        "minutes (delivery hours) must be set before submitting",
    )
    .check(
        f.hourly_cost.amount_minor > 0,
        "hourly_cost",
        Rule::Gate,
        "hourly_cost must be set before submitting",
    )
    .check(
        f.te_assumption.as_deref().is_some_and(|t| !t.trim().is_empty()),
        "te_assumption",
        Rule::Gate,
        "te_assumption must be written before submitting (say 'none' when there is none)",
    )
    .check(
        f.specimen_sow.as_deref().is_some_and(|t| !t.trim().is_empty()),
        "specimen_sow",
        Rule::Gate,
        "specimen_sow must be written before submitting",
    );
    for (i, s) in chain.iter().enumerate() {
        c.check_with(s.approver.is_some(), || {
            (
                format!("sku_approval_chain[{i}].approver"),
                Rule::Gate,
                format!(
                    "step '{}' has no approver: an administrator designates one in settings",
                    s.name
                ),
            )
        });
    }
    c.check(
        !chain.is_empty(),
        "sku_approval_chain",
        Rule::Gate,
        "the approval chain has no steps",
    );
    c.into_result()?;
    Ok(chain.to_vec())
}

/// What a decision does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved; the next step waits.
    Next,
    /// The last step approved: the SKU is made.
    Approved,
    Rejected,
}

/// A decision on the waiting step, by `actor`, given how many steps of this round are
/// decided. Steps are decided in order, each only by its approver, never by the drafter.
pub fn decide(
    req: &SkuRequest,
    decided: usize,
    actor: UserId,
    verdict: Verdict,
    reason: Option<&str>,
) -> Result<Outcome> {
    let Some((at, step)) = req.waiting_step(decided) else {
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            format!(
                "SKU request {} is {}: only a request in review is decided",
                req.id,
                req.status.code()
            ),
        ));
    };
    if step.approver != Some(actor) {
        return Err(Error::Forbidden(format!(
            "step {} '{}' waits for its approver, user {}; steps are decided in order, each by its own approver",
            at + 1,
            step.name,
            step.approver.map(|u| u.to_string()).unwrap_or_else(|| "(none)".into())
        )));
    }
    if req.requested_by == Some(actor) {
        return Err(Error::Forbidden(
            "the drafter of a SKU request does not decide it: approval is a second person's check".into(),
        ));
    }
    if verdict == Verdict::Reject && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::invalid("reason", Rule::DependsOn, "a rejection needs a reason"));
    }
    Ok(match verdict {
        Verdict::Reject => Outcome::Rejected,
        Verdict::Approve if at + 1 == req.chain.len() => Outcome::Approved,
        Verdict::Approve => Outcome::Next,
    })
}

/// The SKU number the next approved request gets: `prefix` and one more than the highest
/// number already given with it, four digits at least (`PS-0007`).
pub fn next_code(prefix: &str, taken: impl IntoIterator<Item = String>) -> String {
    let highest = taken
        .into_iter()
        .filter_map(|c| c.strip_prefix(prefix).and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("{prefix}{:04}", highest + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: i64) -> UserId {
        Id::new(n)
    }

    fn request(status: SkuRequestStatus) -> SkuRequest {
        SkuRequest {
            id: Id::new(1),
            fields: SkuRequestFields {
                offering_id: Id::new(1),
                name: "Migration assessment".into(),
                unit: Unit::FixedPackage,
                block_minutes: None,
                term_months: None,
                channel: Channel::SalesAssisted,
                list_price: None,
                minutes: Minutes(40 * 60),
                hourly_cost: Money::new(9_550, Currency::USD),
                te_assumption: Some("none, remote".into()),
                assumptions: None,
                specimen_sow: Some("The consultant will…".into()),
            },
            status,
            requested_by: Some(user(9)),
            delivery_cost: Money::new(0, Currency::USD),
            round: 1,
            chain: chain(),
            sku_id: None,
            meta: Meta::fresh(OffsetDateTime::UNIX_EPOCH),
        }
    }

    fn chain() -> Vec<Step> {
        default_chain()
            .into_iter()
            .enumerate()
            .map(|(i, s)| Step {
                approver: Some(user(i as i64 + 1)),
                ..s
            })
            .collect()
    }

    #[test]
    fn delivery_cost_is_hours_times_hourly_cost() {
        let r = request(SkuRequestStatus::Draft);
        assert_eq!(r.fields.delivery_cost().unwrap(), Money::new(382_000, Currency::USD));
    }

    #[test]
    fn submitting_needs_the_cost_basis_and_every_approver() {
        let mut r = request(SkuRequestStatus::Draft);
        r.fields.specimen_sow = None;
        let mut ch = chain();
        ch[3].approver = None;
        let Err(Error::Invalid(errors)) = submit(&r, &ch) else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["specimen_sow", "sku_approval_chain[3].approver"]);
        assert!(errors[1].message.contains("'CFO'"));
        r.fields.specimen_sow = Some("text".into());
        assert_eq!(submit(&r, &chain()).unwrap().len(), 6);
        assert!(submit(&request(SkuRequestStatus::InReview), &chain()).is_err());
    }

    #[test]
    fn steps_are_decided_in_order_by_their_own_approver() {
        let r = request(SkuRequestStatus::InReview);
        assert_eq!(decide(&r, 0, user(1), Verdict::Approve, None).unwrap(), Outcome::Next);
        // The CFO (step 4) cannot decide before finance (step 1).
        let err = decide(&r, 0, user(4), Verdict::Approve, None).unwrap_err();
        assert!(
            matches!(err, Error::Forbidden(ref m) if m.contains("'Finance review'")),
            "{err}"
        );
        assert_eq!(
            decide(&r, 5, user(6), Verdict::Approve, None).unwrap(),
            Outcome::Approved
        );
        assert!(decide(&r, 6, user(6), Verdict::Approve, None).is_err());
    }

    #[test]
    fn a_rejection_needs_a_reason_and_the_drafter_never_decides() {
        let mut r = request(SkuRequestStatus::InReview);
        assert!(decide(&r, 1, user(2), Verdict::Reject, Some(" ")).is_err());
        assert_eq!(
            decide(&r, 1, user(2), Verdict::Reject, Some("margin too thin")).unwrap(),
            Outcome::Rejected
        );
        r.requested_by = Some(user(2));
        assert!(matches!(
            decide(&r, 1, user(2), Verdict::Approve, None),
            Err(Error::Forbidden(_))
        ));
        assert!(decide(&request(SkuRequestStatus::Draft), 0, user(1), Verdict::Approve, None).is_err());
    }

    #[test]
    fn sku_numbers_count_up_from_the_highest() {
        assert_eq!(next_code("PS-", []), "PS-0001");
        assert_eq!(
            next_code("PS-", ["PS-0009".to_string(), "EDU-100".into(), "PS-0002".into()]),
            "PS-0010"
        );
    }

    #[test]
    fn the_steps_show_what_is_decided_and_what_waits() {
        let r = request(SkuRequestStatus::InReview);
        let d = Decision {
            round: 1,
            step: 0,
            step_name: "Finance review".into(),
            decided_by: user(1),
            decision: Verdict::Approve,
            reason: None,
            decided_at: OffsetDateTime::UNIX_EPOCH,
        };
        let old = Decision { round: 0, ..d.clone() };
        let steps = r.steps(&[d, old]);
        assert!(steps[0].decision.is_some() && !steps[0].waiting);
        assert!(steps[1].waiting && steps[1].decision.is_none());
        assert!(!steps[2].waiting);
    }
}
