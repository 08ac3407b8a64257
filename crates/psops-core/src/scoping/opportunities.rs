//! Opportunities: what sales brings to PS, with the PS fields an engagement manager
//! keeps and the scoping record's state, gates and clocks riding on the same row (each
//! PS opportunity has exactly one scoping record, so they are one record here).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use super::states::{ScopingState, TaStatus};
use crate::accounts::AccountId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Money, Result};

pub type OpportunityId = Id<Opportunity>;

/// Sales segments, which are also the territories engagement managers cover. Codes are
/// the handbook's names in lower case (`Ent_APAC` is `ent_apac`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum Segment {
    EntApac,
    EntEast,
    EntWest,
    EntEmea,
    MmApac,
    MmEast,
    MmEmea,
    MmWest,
    Smb,
}

impl Code for Segment {
    const FIELD: &'static str = "segment";
}

impl Segment {
    /// The handbook's spelling, e.g. `Ent_APAC`.
    pub fn label(self) -> &'static str {
        match self {
            Segment::EntApac => "Ent_APAC",
            Segment::EntEast => "Ent_EAST",
            Segment::EntWest => "Ent_WEST",
            Segment::EntEmea => "Ent_EMEA",
            Segment::MmApac => "MM_APAC",
            Segment::MmEast => "MM_East",
            Segment::MmEmea => "MM_EMEA",
            Segment::MmWest => "MM_West",
            Segment::Smb => "SMB",
        }
    }
}

/// Whose move the opportunity waits for (the EM status of the handbook's board).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EmStatus {
    /// The EM has something to do.
    ToDo,
    /// The EM waits for the customer or sales.
    Waiting,
}

impl Code for EmStatus {
    const FIELD: &'static str = "em_status";
}

fn to_do() -> EmStatus {
    EmStatus::ToDo
}

/// The fields a writer sets. The scoping state, edu value, investment value, TA and the
/// clocks' events change only through their own actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityFields {
    pub name: String,
    pub account_id: AccountId,
    /// The CRM's id for it: unique when set, and what a CRM import matches on.
    #[serde(default)]
    pub crm_id: Option<String>,
    /// The sales owner's name as the CRM has it.
    #[serde(default)]
    pub sales_owner: Option<String>,
    /// The engagement manager; when left out, the one covering the segment's territory.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub engagement_manager_id: Option<PersonId>,
    pub segment: Segment,
    #[serde(default)]
    pub public_sector: bool,
    /// The CRM's sales stage, as text.
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub close_date: Option<Date>,
    /// The currency of every amount of the opportunity.
    pub currency: crate::Currency,
    /// The whole opportunity's amount.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub amount: Option<Money>,
    /// PS value: the EM's forecast, which each quote overwrites.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub ps_value: Option<Money>,
    /// An early forecast of education value, discarded by the next quote.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub edu_value_override: Option<Money>,
    #[serde(default)]
    pub em_confidence: Option<String>,
    #[serde(default = "to_do")]
    pub em_status: EmStatus,
    /// The customer's pain points; needed before a technical architect is engaged.
    #[serde(default)]
    pub pain_points: Option<String>,
    /// The technical or organisational constraints; needed before a TA is engaged.
    #[serde(default)]
    pub constraints: Option<String>,
    /// The EM's override of the idle sweep: keep it open however long it sleeps.
    #[serde(default)]
    pub keep_open: bool,
}

fn money_check(c: &mut Checks, m: Option<Money>, field: &str) {
    if let Some(m) = m {
        c.check(
            m.amount_minor >= 0,
            field,
            Rule::NotNegative,
            format!("{field} must not be negative"),
        );
    }
}

fn currency_check(c: &mut Checks, m: Option<Money>, field: &str, currency: crate::Currency) {
    if let Some(m) = m {
        c.check(
            m.currency == currency,
            field,
            Rule::Currency,
            format!("{field} must be in the opportunity's currency, {currency}"),
        );
    }
}

impl OpportunityFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.crm_id.as_deref(), "crm_id", 100)
            .optional_text(self.sales_owner.as_deref(), "sales_owner", 200)
            .optional_text(self.stage.as_deref(), "stage", 100)
            .optional_text(self.em_confidence.as_deref(), "em_confidence", 2000)
            .optional_text(self.pain_points.as_deref(), "pain_points", 4000)
            .optional_text(self.constraints.as_deref(), "constraints", 4000);
        money_check(&mut c, self.amount, "amount");
        money_check(&mut c, self.ps_value, "ps_value");
        money_check(&mut c, self.edu_value_override, "edu_value_override");
        currency_check(&mut c, self.amount, "amount", self.currency);
        currency_check(&mut c, self.ps_value, "ps_value", self.currency);
        currency_check(&mut c, self.edu_value_override, "edu_value_override", self.currency);
        if let Some(d) = self.close_date {
            c.check(
                crate::dates::in_bounds(d),
                "close_date",
                Rule::DateBounds,
                "close_date must lie between 1900-01-01 and 2200-12-31",
            );
        }
        c.into_result()
    }
}

/// What happened when, for the service-level clocks: the first time of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Event {
    Created,
    /// The EM's first move, estimate or TA request.
    FirstAction,
    /// Discovery held: the move to strawman WIP.
    ScopingCall,
    /// An estimate shared with the customer.
    EstimateShared,
    /// Price and scope agreed: the move to SOW WIP.
    IntentToProceed,
    SowDrafted,
    /// The SOW's content is final: submitted for approval.
    FinalContent,
    /// The legal stamp.
    SowStamped,
}

impl Code for Event {
    const FIELD: &'static str = "event";
}

/// The first time of each event, as stored.
pub type Events = BTreeMap<Event, Stamp>;

/// A moment, serialised as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[schema(value_type = String, format = DateTime)]
pub struct Stamp(#[serde(with = "time::serde::rfc3339")] pub OffsetDateTime);

/// A PS opportunity and its scoping record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Opportunity {
    pub id: OpportunityId,
    #[serde(flatten)]
    pub fields: OpportunityFields,
    /// The scoping record's state.
    pub state: ScopingState,
    /// The state it held before going on hold, where a resume returns to.
    pub held_from: Option<ScopingState>,
    /// Education value from the last quote: read-only.
    pub edu_value: Option<Money>,
    /// Investment approved, which moved out of PS value.
    pub investment_value: Option<Money>,
    #[schema(value_type = Option<i64>)]
    pub technical_architect_id: Option<PersonId>,
    pub ta_status: TaStatus,
    /// The day the TA's help is needed by.
    pub ta_needed_by: Option<Date>,
    /// When each clock event first happened.
    #[schema(value_type = BTreeMap<String, String>)]
    pub events: Events,
    #[serde(with = "time::serde::rfc3339")]
    pub last_activity_at: OffsetDateTime,
    /// The fiscal quarter it closed in, e.g. `FY2026 Q3`.
    pub closed_quarter: Option<String>,
    /// Why it closed lost, or went on hold.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Opportunity {
    pub fn event(&self, e: Event) -> Option<OffsetDateTime> {
        self.events.get(&e).map(|s| s.0)
    }

    /// The PS fields as a quote and an investment approval change them.
    /// Writes PS values back (a quote's or an investment's result).
    pub fn set_values(&mut self, v: PsValues) {
        self.fields.ps_value = v.ps_value;
        self.edu_value = v.edu_value;
        self.fields.edu_value_override = v.edu_value_override;
        self.investment_value = v.investment_value;
    }

    /// Stamps an event the first time it happens, and counts it as activity.
    pub fn stamp(&mut self, e: Event, at: OffsetDateTime) {
        self.events.entry(e).or_insert(Stamp(at));
        self.last_activity_at = at;
    }

    pub fn values(&self) -> PsValues {
        PsValues {
            ps_value: self.fields.ps_value,
            edu_value: self.edu_value,
            edu_value_override: self.fields.edu_value_override,
            investment_value: self.investment_value,
        }
    }
}

/// The PS fields with their overwrite rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PsValues {
    pub ps_value: Option<Money>,
    pub edu_value: Option<Money>,
    pub edu_value_override: Option<Money>,
    pub investment_value: Option<Money>,
}

/// A quote's values, from the CRM or an estimate.
// Named apart in the document: the SKU catalog's list-price quote is `Quote` there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = OpportunityQuote)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub ps_value: Money,
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub edu_value: Money,
}

impl PsValues {
    /// A new quote overwrites PS value and edu value and discards the edu override.
    pub fn quoted(self, q: Quote, currency: crate::Currency) -> Result<PsValues> {
        let mut c = Checks::new();
        money_check(&mut c, Some(q.ps_value), "ps_value");
        money_check(&mut c, Some(q.edu_value), "edu_value");
        currency_check(&mut c, Some(q.ps_value), "ps_value", currency);
        currency_check(&mut c, Some(q.edu_value), "edu_value", currency);
        c.into_result()?;
        Ok(PsValues {
            ps_value: Some(q.ps_value),
            edu_value: Some(q.edu_value),
            edu_value_override: None,
            ..self
        })
    }

    /// An approved investment moves its amount out of PS value into investment value.
    pub fn invested(self, amount: Money) -> Result<PsValues> {
        let ps = self.ps_value.ok_or_else(|| {
            // The opportunity's state, not the request: as a gate is.
            Error::invalid(
                "ps_value",
                Rule::Gate,
                "an investment moves out of PS value: set ps_value first",
            )
        })?;
        if amount.currency != ps.currency {
            return Err(Error::invalid(
                "amount",
                Rule::Currency,
                format!("the investment must be in the currency of ps_value, {}", ps.currency),
            ));
        }
        if amount.amount_minor <= 0 {
            return Err(Error::invalid(
                "amount",
                Rule::Positive,
                "the investment must be more than 0",
            ));
        }
        if amount.amount_minor > ps.amount_minor {
            return Err(Error::invalid(
                "amount",
                Rule::Exceeds,
                format!("the investment must be at most the PS value, {ps}"),
            ));
        }
        let before = self.investment_value.map_or(0, |m| m.amount_minor);
        Ok(PsValues {
            ps_value: Some(Money::new(ps.amount_minor - amount.amount_minor, ps.currency)),
            investment_value: Some(Money::new(before + amount.amount_minor, ps.currency)),
            ..self
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpportunityPatch {
    pub name: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub account_id: Option<AccountId>,
    pub currency: Option<crate::Currency>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub crm_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub sales_owner: Option<Option<String>>,
    /// Reassigns (rebalances) the opportunity to another engagement manager.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub engagement_manager_id: Option<Option<PersonId>>,
    pub segment: Option<Segment>,
    pub public_sector: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub stage: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub close_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub amount: Option<Option<Money>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub ps_value: Option<Option<Money>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub edu_value_override: Option<Option<Money>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub em_confidence: Option<Option<String>>,
    pub em_status: Option<EmStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub pain_points: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub constraints: Option<Option<String>>,
    pub keep_open: Option<bool>,
}

impl OpportunityPatch {
    pub fn apply(self, mut f: OpportunityFields) -> OpportunityFields {
        set(&mut f.name, self.name);
        set(&mut f.account_id, self.account_id);
        set(&mut f.currency, self.currency);
        set(&mut f.crm_id, self.crm_id);
        set(&mut f.sales_owner, self.sales_owner);
        set(&mut f.engagement_manager_id, self.engagement_manager_id);
        set(&mut f.segment, self.segment);
        set(&mut f.public_sector, self.public_sector);
        set(&mut f.stage, self.stage);
        set(&mut f.close_date, self.close_date);
        set(&mut f.amount, self.amount);
        set(&mut f.ps_value, self.ps_value);
        set(&mut f.edu_value_override, self.edu_value_override);
        set(&mut f.em_confidence, self.em_confidence);
        set(&mut f.em_status, self.em_status);
        set(&mut f.pain_points, self.pain_points);
        set(&mut f.constraints, self.constraints);
        set(&mut f.keep_open, self.keep_open);
        f
    }
}

/// Who a list is cut for, when they do not read every opportunity: what they are the
/// engagement manager or technical architect of, or decide (or decided) a SOW step of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visible {
    pub person: Option<PersonId>,
    pub user: crate::auth::UserId,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    pub account_id: Option<AccountId>,
    pub engagement_manager_id: Option<PersonId>,
    pub segment: Option<Segment>,
    pub state: Option<ScopingState>,
    /// Only those still open (not closed won or lost).
    pub open: Option<bool>,
    pub closed_quarter: Option<String>,
    pub crm_id: Option<String>,
    pub q: Option<String>,
    pub visible_to: Option<Visible>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of opportunities sorts by.
    OpportunitySort { Name, State, CloseDate, Updated }
);

crate::plain_record!(
    Opportunity,
    Opportunity,
    OpportunityFields,
    OpportunityPatch,
    OpportunityFilter,
    OpportunitySort
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn usd(n: i64) -> Money {
        Money::new(n, Currency::USD)
    }

    #[test]
    fn a_quote_overwrites_ps_and_edu_value_and_discards_the_override() {
        let v = PsValues {
            ps_value: Some(usd(100)),
            edu_value: Some(usd(5)),
            edu_value_override: Some(usd(7)),
            investment_value: None,
        };
        let q = v
            .quoted(
                Quote {
                    ps_value: usd(300),
                    edu_value: usd(40),
                },
                Currency::USD,
            )
            .unwrap();
        assert_eq!(q.ps_value, Some(usd(300)));
        assert_eq!(q.edu_value, Some(usd(40)));
        assert_eq!(q.edu_value_override, None);
    }

    #[test]
    fn an_investment_moves_out_of_ps_value() {
        let v = PsValues {
            ps_value: Some(usd(1_000)),
            edu_value: None,
            edu_value_override: None,
            investment_value: None,
        };
        let after = v.invested(usd(250)).unwrap().invested(usd(50)).unwrap();
        assert_eq!(after.ps_value, Some(usd(700)));
        assert_eq!(after.investment_value, Some(usd(300)));
        assert!(after.invested(usd(701)).is_err());
        assert!(v.invested(Money::new(10, "EUR".parse::<Currency>().unwrap())).is_err());
    }

    #[test]
    fn segments_read_the_handbooks_spelling() {
        assert_eq!(Segment::from_code("Ent_APAC").unwrap(), Segment::EntApac);
        assert_eq!(Segment::from_code("mm_west").unwrap().label(), "MM_West");
    }
}
