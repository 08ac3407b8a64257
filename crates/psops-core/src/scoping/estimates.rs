//! Estimates: versions of what an opportunity would cost the customer and the company.
//! A version never changes once saved — a change is a new version — so what was shared
//! with the customer stays as it was. A version is shared, then agreed (price and scope
//! agreed) or declined; one priced above the TA threshold needs the technical
//! architect's approval before a SOW is drafted from it.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::opportunities::OpportunityId;
use super::pricing::{LineInput, PricedLine, Totals};
use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Error, Money, Result};

pub type EstimateId = Id<Estimate>;

/// The most lines an estimate holds.
pub const MAX_LINES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimateFields {
    #[schema(value_type = i64)]
    pub opportunity_id: OpportunityId,
    #[serde(default)]
    pub title: Option<String>,
    pub currency: Currency,
    /// The rate card region its T&M lines and standard costs come from.
    pub region: String,
    /// Prices and rates are those in force on this day.
    pub price_date: Date,
    #[schema(min_items = 1)]
    pub lines: Vec<LineInput>,
    /// Travel and expenses, priced apart from the services.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub travel_and_expenses: Option<Money>,
    /// Discount on the services, in basis points (1000 = 10 %).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub discount_bp: i64,
    #[serde(default)]
    pub notes: Option<String>,
}

impl EstimateFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.optional_text(self.title.as_deref(), "title", 200)
            .text(&self.region, "region", 100)
            .optional_text(self.notes.as_deref(), "notes", 4000)
            .check(
                self.lines.len() <= MAX_LINES,
                "lines",
                Rule::Range,
                format!("an estimate holds at most {MAX_LINES} lines"),
            )
            .check(
                (0..=10_000).contains(&self.discount_bp),
                "discount_bp",
                Rule::BasisPoints,
                "discount_bp must be 0 to 10000 (100 %)",
            )
            .check(
                crate::dates::in_bounds(self.price_date),
                "price_date",
                Rule::DateBounds,
                "price_date must lie between 1900-01-01 and 2200-12-31",
            );
        if let Some(te) = self.travel_and_expenses {
            c.check(
                te.amount_minor >= 0,
                "travel_and_expenses",
                Rule::NotNegative,
                "travel_and_expenses must not be negative",
            )
            .check(
                te.currency == self.currency,
                "travel_and_expenses",
                Rule::Currency,
                "travel_and_expenses must be in the estimate's currency",
            );
        }
        for (i, l) in self.lines.iter().enumerate() {
            let at = format!("lines[{i}]");
            match l {
                LineInput::Sku {
                    quantity,
                    seats,
                    measures,
                    ..
                } => {
                    c.check_with((1..=10_000).contains(quantity), || {
                        (
                            format!("{at}.quantity"),
                            Rule::Range,
                            format!("{at}.quantity must be 1 to 10000"),
                        )
                    });
                    c.check_with(seats.is_none_or(|s| (1..=100_000).contains(&s)), || {
                        (
                            format!("{at}.seats"),
                            Rule::Range,
                            format!("{at}.seats must be 1 to 100000"),
                        )
                    });
                    for (j, m) in measures.iter().enumerate() {
                        c.text(&m.measure, &format!("{at}.measures[{j}].measure"), 100);
                    }
                }
                LineInput::TimeAndMaterials {
                    minutes, description, ..
                } => {
                    c.check_with((1..=100_000 * 60).contains(&minutes.get()), || {
                        (
                            format!("{at}.minutes"),
                            Rule::Range,
                            format!("{at}.minutes must be more than 0 and at most 6000000 (100,000 hours)"),
                        )
                    });
                    c.optional_text(description.as_deref(), &format!("{at}.description"), 500);
                }
            }
        }
        c.check(
            !self.lines.is_empty(),
            "lines",
            Rule::Required,
            "an estimate needs at least one line",
        );
        c.into_result()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EstimateStatus {
    Draft,
    /// Sent to the customer.
    Shared,
    /// The customer agreed its price and scope.
    Agreed,
    Declined,
}

impl Code for EstimateStatus {
    const FIELD: &'static str = "status";
}

/// Where a technical architect's review of an estimate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TaReview {
    /// At or under the threshold.
    NotNeeded,
    /// Over the threshold, not yet sent to the TA.
    NeedsReview,
    /// With the TA, due by `ta_due_at`.
    Waiting,
    Approved,
    Rejected,
}

impl Code for TaReview {
    const FIELD: &'static str = "ta_review";
}

/// A new version, priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEstimate {
    pub fields: EstimateFields,
    pub number: i32,
    pub lines: Vec<PricedLine>,
    pub totals: Totals,
    pub ta_review: TaReview,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Estimate {
    pub id: EstimateId,
    #[serde(flatten)]
    pub fields: EstimateFields,
    /// Its version within the opportunity: 1, 2, …
    pub number: i32,
    pub status: EstimateStatus,
    pub priced: Vec<PricedLine>,
    pub totals: Totals,
    pub ta_review: TaReview,
    #[serde(with = "time::serde::rfc3339::option")]
    pub ta_due_at: Option<OffsetDateTime>,
    #[schema(value_type = Option<i64>)]
    pub ta_decided_by: Option<UserId>,
    pub ta_reason: Option<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Estimate {
    /// Whether a SOW may be drafted from it: agreed, and approved by the TA when over
    /// the threshold.
    pub fn ready_for_sow(&self) -> Result<()> {
        if self.status != EstimateStatus::Agreed {
            return Err(Error::conflict(
                "estimate_id",
                Rule::Gate,
                format!(
                    "estimate v{} is {}: a SOW is built from an agreed estimate",
                    self.number,
                    self.status.code()
                ),
            ));
        }
        if !matches!(self.ta_review, TaReview::NotNeeded | TaReview::Approved) {
            return Err(Error::conflict(
                "ta_review",
                Rule::Gate,
                format!(
                    "estimate v{} is over the TA threshold and its technical architect review is {}: a SOW needs the TA's approval",
                    self.number,
                    self.ta_review.code()
                ),
            ));
        }
        Ok(())
    }
}

/// What an estimate's status may move to, by whom the store decides.
pub fn check_status(e: &Estimate, to: EstimateStatus) -> Result<()> {
    use EstimateStatus as S;
    let ok = matches!(
        (e.status, to),
        (S::Draft, S::Shared) | (S::Shared, S::Agreed) | (S::Shared, S::Declined) | (S::Draft, S::Agreed)
    );
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            format!(
                "estimate v{} is {}: it cannot become {} (draft → shared → agreed or declined)",
                e.number,
                e.status.code(),
                to.code()
            ),
        ))
    }
}

/// Nothing of a saved version changes: a change is a new version.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EstimatePatch {}

#[derive(Debug, Clone, Default)]
pub struct EstimateFilter {
    pub opportunity_id: Option<OpportunityId>,
    pub status: Option<EstimateStatus>,
    pub ta_review: Option<TaReview>,
    /// Estimates waiting on this person as the opportunity's technical architect.
    pub ta_person: Option<crate::people::PersonId>,
    /// Only those of opportunities this subject sees.
    pub visible_to: Option<super::opportunities::Visible>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of estimates sorts by.
    EstimateSort { Number, Total, Updated }
);

impl crate::record::Record for Estimate {
    const ENTITY: crate::record::Entity = crate::record::Entity::Estimate;
    type New = NewEstimate;
    type Fields = EstimateFields;
    type Patch = EstimatePatch;
    type Filter = EstimateFilter;
    type Sort = EstimateSort;
    fn id(&self) -> EstimateId {
        self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn fields(&self) -> &EstimateFields {
        &self.fields
    }
    fn validate(fields: &EstimateFields) -> Result<()> {
        fields.validate()
    }
    fn patched(&self, _patch: EstimatePatch) -> EstimateFields {
        self.fields.clone()
    }
}

impl crate::record::NewRecord for NewEstimate {
    type Record = Estimate;
    fn fields(&self) -> &EstimateFields {
        &self.fields
    }
}

impl crate::record::ListFilter for EstimateFilter {
    type Record = Estimate;
    fn archived(&self) -> Option<bool> {
        self.archived
    }
}

/// Whether a price needs the TA's review: above the threshold, compared in the
/// threshold's currency at `rate` (the FX rate of the estimate's currency into it, on its
/// price date).
pub fn review_for(price: Money, threshold: Money, rate: Option<crate::rates::Rate>) -> Result<TaReview> {
    let Some(rate) = rate else {
        return Err(Error::invalid(
            "currency",
            Rule::Currency,
            format!(
                "no FX rate from {} to {} on the price date: the TA threshold ({threshold}) cannot be checked; add the rate",
                price.currency, threshold.currency
            ),
        ));
    };
    let compared = crate::rates::fx::convert(price, rate, threshold.currency)?;
    Ok(if compared.amount_minor > threshold.amount_minor {
        TaReview::NeedsReview
    } else {
        TaReview::NotNeeded
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rates::Rate;

    #[test]
    fn the_ta_threshold_is_strictly_above_and_in_its_currency() {
        let usd = |n| Money::new(n, Currency::USD);
        let one = Rate::parse("1", "rate").unwrap();
        assert_eq!(
            review_for(usd(5_000_000), usd(5_000_000), Some(one)).unwrap(),
            TaReview::NotNeeded
        );
        assert_eq!(
            review_for(usd(5_000_001), usd(5_000_000), Some(one)).unwrap(),
            TaReview::NeedsReview
        );
        let eur = Money::new(4_700_000, "EUR".parse::<Currency>().unwrap());
        let rate = Rate::parse("1.08", "rate").unwrap();
        // 47,000 EUR × 1.08 = 50,760 USD: over.
        assert_eq!(
            review_for(eur, usd(5_000_000), Some(rate)).unwrap(),
            TaReview::NeedsReview
        );
        assert!(review_for(eur, usd(5_000_000), None).is_err());
    }
}
