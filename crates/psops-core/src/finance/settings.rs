//! The money numbers an organisation sets (handbook defaults): the gross-margin target,
//! how much each kind of booking counts in a forecast, how close a forecast must land,
//! and how invoices are numbered and fall due.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::rule::Rule;
use crate::validate::Checks;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FinanceSettings {
    /// The gross-margin target in basis points (handbook: 30 %, long term).
    #[schema(minimum = 0, maximum = 10000)]
    pub margin_target_bp: i64,
    /// How much a soft booking counts in a forecast, in basis points (handbook: about 40 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub soft_weight_bp: i64,
    /// How much a hard booking counts (handbook: 90–95 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub hard_weight_bp: i64,
    /// How close a forecast must land on the actuals for time-and-materials and fixed-fee
    /// work, in basis points either way (handbook: ±5 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub accuracy_bp: i64,
    /// The same for consulting blocks and dedicated engineers (handbook: ±10 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub block_accuracy_bp: i64,
    /// What invoice numbers start with, e.g. `INV-` for `INV-000042`.
    #[schema(pattern = "^[A-Za-z0-9/-]{0,10}$")]
    pub invoice_prefix: String,
    /// What credit-note numbers start with; credit notes are numbered in their own run.
    #[schema(pattern = "^[A-Za-z0-9/-]{0,10}$")]
    pub credit_note_prefix: String,
    /// Days from an invoice's date to its due date.
    #[schema(minimum = 0, maximum = 365)]
    pub payment_days: i64,
    /// When a prime partner SOW's remaining funds are low enough to warn (and issue the
    /// next one), in basis points of its funds (20 % by default).
    #[schema(minimum = 0, maximum = 10000)]
    pub partner_low_funds_bp: i64,
}

impl Default for FinanceSettings {
    fn default() -> Self {
        Self {
            margin_target_bp: 3_000,
            soft_weight_bp: 4_000,
            hard_weight_bp: 9_250,
            accuracy_bp: 500,
            block_accuracy_bp: 1_000,
            invoice_prefix: "INV-".into(),
            credit_note_prefix: "CN-".into(),
            payment_days: 30,
            partner_low_funds_bp: 2_000,
        }
    }
}

impl FinanceSettings {
    pub fn validate(&self, c: &mut Checks) {
        for (v, field) in [
            (self.margin_target_bp, "finance.margin_target_bp"),
            (self.soft_weight_bp, "finance.soft_weight_bp"),
            (self.hard_weight_bp, "finance.hard_weight_bp"),
            (self.accuracy_bp, "finance.accuracy_bp"),
            (self.block_accuracy_bp, "finance.block_accuracy_bp"),
            (self.partner_low_funds_bp, "finance.partner_low_funds_bp"),
        ] {
            c.check(
                (0..=10_000).contains(&v),
                field,
                Rule::BasisPoints,
                format!("{field} must be 0 to 10000 basis points (0 % to 100 %)"),
            );
        }
        c.check(
            self.soft_weight_bp <= self.hard_weight_bp,
            "finance.soft_weight_bp",
            Rule::DependsOn,
            "finance.soft_weight_bp must not be above finance.hard_weight_bp: a soft booking never counts more than a hard one",
        );
        for (p, field) in [
            (&self.invoice_prefix, "finance.invoice_prefix"),
            (&self.credit_note_prefix, "finance.credit_note_prefix"),
        ] {
            c.check(
                p.len() <= 10 && p.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '/'),
                field,
                Rule::InvalidValue,
                format!("{field} must be at most 10 letters, digits, '-' or '/'"),
            );
        }
        c.check(
            self.invoice_prefix != self.credit_note_prefix,
            "finance.credit_note_prefix",
            Rule::DependsOn,
            "finance.credit_note_prefix must differ from finance.invoice_prefix so the two runs of numbers never meet",
        );
        c.check(
            (0..=365).contains(&self.payment_days),
            "finance.payment_days",
            Rule::Range,
            "finance.payment_days must be 0 to 365",
        );
    }
}
