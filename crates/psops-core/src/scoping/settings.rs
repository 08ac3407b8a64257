//! The scoping numbers an organisation sets (handbook defaults): service levels, the TA
//! threshold, idle closing, and who covers each sales territory.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::opportunities::Segment;
use super::sows::{SowRole, SowStep};
use crate::code::Code;
use crate::people::PersonId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Money};

/// What a change order with money does (the handbook's pages disagree): open a new PS
/// opportunity for the increase, whose own project follows its signature (the newer
/// page), or add the money to the project's budget (the older one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyChange {
    NewOpportunity,
    AmendBudget,
}

/// The engagement manager who covers a sales territory (a segment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    pub segment: Segment,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub engagement_manager_id: Option<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ScopingSettings {
    /// Who a new opportunity of each segment goes to when it names no engagement manager.
    pub territories: Vec<Territory>,
    /// Business hours from a scoping record's creation to the EM's first action.
    #[schema(minimum = 1, maximum = 2000)]
    pub first_action_hours: i64,
    /// Business hours from the scoping call to an estimate with the customer.
    #[schema(minimum = 1, maximum = 2000)]
    pub estimate_hours: i64,
    /// Business hours from intent to proceed to a draft SOW.
    #[schema(minimum = 1, maximum = 2000)]
    pub draft_sow_hours: i64,
    /// Business hours from final content to a stamped SOW.
    #[schema(minimum = 1, maximum = 2000)]
    pub stamped_sow_hours: i64,
    /// Months without activity after which the sweep closes a scoping record as lost.
    #[schema(minimum = 1, maximum = 36)]
    pub idle_months: i64,
    /// An estimate whose price (after discount, before T&E) is above this needs a
    /// technical architect's approval before a SOW is drafted.
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub ta_threshold: Money,
    /// Business days of notice a request for a technical architect needs.
    #[schema(minimum = 0, maximum = 30)]
    pub ta_notice_days: i64,
    /// Business days a technical architect has to review an estimate.
    #[schema(minimum = 1, maximum = 30)]
    pub ta_review_days: i64,
    /// Who decides each step of a SOW's approval chain.
    pub sow_approvers: Vec<SowStep>,
    /// The gross-margin target: a SOW under it needs finance's approval (basis points).
    #[schema(minimum = 0, maximum = 10000)]
    pub margin_target_bp: i64,
    /// A discount above this needs finance's approval (basis points).
    #[schema(minimum = 0, maximum = 10000)]
    pub discount_limit_bp: i64,
    /// The passive-acceptance days a new SOW starts with; other terms need the PS
    /// director, who approves every SOW.
    #[schema(minimum = 1, maximum = 60)]
    pub passive_acceptance_days: i64,
    /// What SOW numbers start with, e.g. `SOW-` for `SOW-0042`.
    #[schema(min_length = 1)]
    pub sow_prefix: String,
    /// The name the organisation signs SOWs under.
    #[schema(min_length = 1)]
    pub provider_name: String,
    /// What an approved change order with money does.
    pub money_change_orders: MoneyChange,
}

impl Default for ScopingSettings {
    fn default() -> Self {
        Self {
            territories: Segment::ALL
                .iter()
                .map(|s| Territory {
                    segment: *s,
                    engagement_manager_id: None,
                })
                .collect(),
            first_action_hours: 24,
            estimate_hours: 72,
            draft_sow_hours: 48,
            stamped_sow_hours: 72,
            idle_months: 2,
            ta_threshold: Money::new(5_000_000, Currency::USD),
            ta_notice_days: 1,
            ta_review_days: 2,
            sow_approvers: SowRole::ALL
                .iter()
                .map(|r| SowStep {
                    role: *r,
                    approver: None,
                })
                .collect(),
            margin_target_bp: 3_000,
            discount_limit_bp: 1_000,
            passive_acceptance_days: 5,
            sow_prefix: "SOW-".into(),
            provider_name: "Professional Services".into(),
            money_change_orders: MoneyChange::NewOpportunity,
        }
    }
}

impl ScopingSettings {
    pub fn validate(&self, c: &mut Checks) {
        for (field, v) in [
            ("scoping.first_action_hours", self.first_action_hours),
            ("scoping.estimate_hours", self.estimate_hours),
            ("scoping.draft_sow_hours", self.draft_sow_hours),
            ("scoping.stamped_sow_hours", self.stamped_sow_hours),
        ] {
            c.check(
                (1..=2_000).contains(&v),
                field,
                Rule::Range,
                format!("{field} must be 1 to 2000"),
            );
        }
        c.check(
            (1..=36).contains(&self.idle_months),
            "scoping.idle_months",
            Rule::Range,
            "scoping.idle_months must be 1 to 36",
        )
        .check(
            (0..=30).contains(&self.ta_notice_days),
            "scoping.ta_notice_days",
            Rule::Range,
            "scoping.ta_notice_days must be 0 to 30",
        )
        .check(
            (1..=30).contains(&self.ta_review_days),
            "scoping.ta_review_days",
            Rule::Range,
            "scoping.ta_review_days must be 1 to 30",
        )
        .check(
            self.ta_threshold.amount_minor >= 0,
            "scoping.ta_threshold",
            Rule::NotNegative,
            "scoping.ta_threshold must not be negative",
        );
        c.check(
            (0..=10_000).contains(&self.margin_target_bp),
            "scoping.margin_target_bp",
            Rule::BasisPoints,
            "scoping.margin_target_bp must be 0 to 10000",
        )
        .check(
            (0..=10_000).contains(&self.discount_limit_bp),
            "scoping.discount_limit_bp",
            Rule::BasisPoints,
            "scoping.discount_limit_bp must be 0 to 10000",
        )
        .check(
            (1..=60).contains(&self.passive_acceptance_days),
            "scoping.passive_acceptance_days",
            Rule::Range,
            "scoping.passive_acceptance_days must be 1 to 60",
        )
        .text(&self.sow_prefix, "scoping.sow_prefix", 20)
        .text(&self.provider_name, "scoping.provider_name", 200);
        let mut roles = Vec::new();
        for (i, st) in self.sow_approvers.iter().enumerate() {
            c.check_with(!roles.contains(&st.role), || {
                (
                    format!("scoping.sow_approvers[{i}].role"),
                    Rule::Duplicate,
                    "each SOW step has one approver line".into(),
                )
            });
            roles.push(st.role);
        }
        let mut seen = Vec::new();
        for (i, t) in self.territories.iter().enumerate() {
            // No person has an id below 1 (the document says so of every id).
            c.check_with(t.engagement_manager_id.is_none_or(|p| p.get() >= 1), || {
                (
                    format!("scoping.territories[{i}].engagement_manager_id"),
                    Rule::Exists,
                    "engagement_manager_id names no person".into(),
                )
            });
            c.check_with(!seen.contains(&t.segment), || {
                (
                    format!("scoping.territories[{i}].segment"),
                    Rule::Duplicate,
                    "each segment has one territory line".into(),
                )
            });
            seen.push(t.segment);
        }
    }

    /// The engagement manager covering a segment.
    pub fn manager_of(&self, segment: Segment) -> Option<PersonId> {
        self.territories
            .iter()
            .find(|t| t.segment == segment)
            .and_then(|t| t.engagement_manager_id)
    }
}
