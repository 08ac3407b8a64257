//! SKUs: what a quote names. A SKU belongs to an offering, is sold by a unit, may be
//! bounded, and has list prices by effective date. A price the organisation has not set
//! stays unset ("price not set"), never invented.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::offerings::OfferingId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Currency, Error, Minutes, Money, Result};

pub type SkuId = Id<Sku>;
pub type SkuPriceId = Id<SkuPrice>;

/// What one unit of a SKU is (handbook: fixed package, per course remote or on-site, per
/// seat, per learner, hourly, block of hours, dedicated engineer per term).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Unit {
    FixedPackage,
    CourseRemote,
    CourseOnSite,
    PerSeat,
    PerLearner,
    Hourly,
    /// A block of hours; the SKU's `block_minutes` says how many.
    HoursBlock,
    /// A dedicated engineer for a term; the SKU's `term_months` says how long.
    DedicatedTerm,
}

impl Code for Unit {
    const FIELD: &'static str = "unit";
}

/// How a SKU is sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Channel {
    SalesAssisted,
    WebDirect,
}

impl Code for Channel {
    const FIELD: &'static str = "channel";
}

/// Whether a SKU may be quoted. SKUs made through a request are active from their last
/// approval; a retired SKU stays for the history of what was sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SkuStatus {
    Active,
    Retired,
}

impl Code for SkuStatus {
    const FIELD: &'static str = "status";
}

/// One measured limit of what a SKU covers, e.g. at most 500 projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// What is counted, e.g. `projects` or `repositories`.
    pub measure: String,
    /// The most the SKU covers.
    #[schema(minimum = 1)]
    pub max: i64,
}

/// The longest term a dedicated engineer is sold for.
pub const MAX_TERM_MONTHS: i32 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuFields {
    pub offering_id: OfferingId,
    /// The SKU number, unique, e.g. `PS-MIG-PLUS`.
    pub code: String,
    pub name: String,
    pub unit: Unit,
    /// The hours of one block, in minutes: set for `hours_block` only.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 60, maximum = 600000)]
    pub block_minutes: Option<Minutes>,
    /// The term of a dedicated engineer in months: set for `dedicated_term` only.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub term_months: Option<i32>,
    /// The currency of the SKU's list prices.
    pub currency: Currency,
    /// The learners or seats one unit includes (handbook: 12 a class).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub seat_limit: Option<i32>,
    /// The SKU that sells a seat beyond the limit.
    #[serde(default)]
    pub addon_sku_id: Option<SkuId>,
    /// Measured limits of what the SKU covers; a request outside them is scoped as custom.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub bounds: Vec<Bound>,
    /// What else bounds the SKU, in words, e.g. `SCM only`.
    #[serde(default)]
    pub bounds_note: Option<String>,
    /// Always scoped and sold through a custom SOW.
    #[serde(default)]
    pub always_custom: bool,
    /// Ordered from the quote with the standard SOW (an order form), no custom SOW.
    #[serde(default)]
    pub standard_sow: bool,
    /// Travel and expenses are billed separately (on-site delivery).
    #[serde(default)]
    pub te_separate: bool,
    pub channel: Channel,
    pub status: SkuStatus,
}

impl SkuFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.code(&self.code, "code", 50)
            .text(&self.name, "name", 200)
            .optional_text(self.bounds_note.as_deref(), "bounds_note", 500);
        let block = self.unit == Unit::HoursBlock;
        c.check(
            self.block_minutes.is_some() == block,
            "block_minutes",
            Rule::DependsOn,
            if block {
                "block_minutes must be set for a block of hours"
            } else {
                "block_minutes is set only for a unit of hours_block"
            },
        );
        if let Some(m) = self.block_minutes {
            c.check(
                (60..=10_000 * 60).contains(&m.get()),
                "block_minutes",
                Rule::Range,
                "block_minutes must be at least 60 (an hour) and at most 600000",
            );
        }
        let term = self.unit == Unit::DedicatedTerm;
        c.check(
            self.term_months.is_some() == term,
            "term_months",
            Rule::DependsOn,
            if term {
                "term_months must be set for a dedicated engineer per term"
            } else {
                "term_months is set only for a unit of dedicated_term"
            },
        );
        if let Some(t) = self.term_months {
            c.check(
                (1..=MAX_TERM_MONTHS).contains(&t),
                "term_months",
                Rule::Range,
                format!("term_months must be 1 to {MAX_TERM_MONTHS}"),
            );
        }
        if let Some(s) = self.seat_limit {
            c.check(
                (1..=10_000).contains(&s),
                "seat_limit",
                Rule::Range,
                "seat_limit must be 1 to 10000",
            );
        }
        c.check(
            self.addon_sku_id.is_none() || self.seat_limit.is_some(),
            "addon_sku_id",
            Rule::DependsOn,
            "addon_sku_id needs a seat_limit: add-on seats sell seats beyond the limit",
        );
        c.check(
            !(self.always_custom && self.standard_sow),
            "standard_sow",
            Rule::Exclusive,
            "a SKU that is always custom has no standard SOW",
        );
        super::each(&mut c, &self.bounds, "bounds", 20, |c, b, at| {
            c.text(&b.measure, &format!("{at}.measure"), 100);
            c.check_with(b.max > 0, || {
                (
                    format!("{at}.max"),
                    Rule::Positive,
                    format!("{at}.max must be more than 0"),
                )
            });
        });
        c.into_result()
    }

    /// Whether a request of these measures fits the SKU's bounds; the first measure that
    /// does not, with its limit, when not.
    pub fn outside_bounds<'a>(&'a self, asked: &[(&str, i64)]) -> Option<&'a Bound> {
        self.bounds.iter().find(|b| {
            asked
                .iter()
                .any(|(m, n)| m.eq_ignore_ascii_case(b.measure.trim()) && *n > b.max)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Sku {
    pub id: SkuId,
    #[serde(flatten)]
    pub fields: SkuFields,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Sku {
    /// Whether the SKU may go on a quote at all (its price is a second question).
    pub fn quotable(&self) -> Result<()> {
        if self.fields.status != SkuStatus::Active || self.meta.is_archived() {
            return Err(Error::invalid(
                "sku_id",
                Rule::NotActive,
                format!("SKU {} is not active: only active SKUs can be quoted", self.fields.code),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuPatch {
    pub offering_id: Option<OfferingId>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub unit: Option<Unit>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Minutes>)]
    pub block_minutes: Option<Option<Minutes>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub term_months: Option<Option<i32>>,
    pub currency: Option<Currency>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub seat_limit: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub addon_sku_id: Option<Option<SkuId>>,
    pub bounds: Option<Vec<Bound>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub bounds_note: Option<Option<String>>,
    pub always_custom: Option<bool>,
    pub standard_sow: Option<bool>,
    pub te_separate: Option<bool>,
    pub channel: Option<Channel>,
    pub status: Option<SkuStatus>,
}

impl SkuPatch {
    pub fn apply(self, mut f: SkuFields) -> SkuFields {
        set(&mut f.offering_id, self.offering_id);
        set(&mut f.code, self.code);
        set(&mut f.name, self.name);
        set(&mut f.unit, self.unit);
        set(&mut f.block_minutes, self.block_minutes);
        set(&mut f.term_months, self.term_months);
        set(&mut f.currency, self.currency);
        set(&mut f.seat_limit, self.seat_limit);
        set(&mut f.addon_sku_id, self.addon_sku_id);
        set(&mut f.bounds, self.bounds);
        set(&mut f.bounds_note, self.bounds_note);
        set(&mut f.always_custom, self.always_custom);
        set(&mut f.standard_sow, self.standard_sow);
        set(&mut f.te_separate, self.te_separate);
        set(&mut f.channel, self.channel);
        set(&mut f.status, self.status);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct SkuFilter {
    pub offering_id: Option<OfferingId>,
    pub channel: Option<Channel>,
    pub status: Option<SkuStatus>,
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(Sku, Sku, SkuFields, SkuPatch, SkuFilter, SkuSort);

crate::sort_columns!(
    /// The columns a list of SKUs sorts by.
    SkuSort { Code, Name, Unit }
);

/// A SKU's list price from a date on, until the next price of the same SKU starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuPriceFields {
    pub sku_id: SkuId,
    pub effective_from: Date,
    /// In the SKU's currency, per unit.
    #[schema(schema_with = crate::money::schema::not_negative)]
    pub price: Money,
    #[serde(default)]
    pub note: Option<String>,
}

impl SkuPriceFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.check(
            self.price.amount_minor >= 0,
            "price",
            Rule::NotNegative,
            "price must not be negative",
        )
        .optional_text(self.note.as_deref(), "note", 500);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SkuPrice {
    pub id: SkuPriceId,
    #[serde(flatten)]
    pub fields: SkuPriceFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuPricePatch {
    pub effective_from: Option<Date>,
    pub price: Option<Money>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

impl SkuPricePatch {
    pub fn apply(self, mut f: SkuPriceFields) -> SkuPriceFields {
        set(&mut f.effective_from, self.effective_from);
        set(&mut f.price, self.price);
        set(&mut f.note, self.note);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct SkuPriceFilter {
    pub sku_id: Option<SkuId>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    SkuPrice,
    SkuPrice,
    SkuPriceFields,
    SkuPricePatch,
    SkuPriceFilter,
    PriceSort
);

crate::sort_columns!(
    /// The columns a list of prices sorts by.
    PriceSort { EffectiveFrom }
);

/// The price in force on `date` among a SKU's prices: the latest that starts on or
/// before it. `None` is "price not set".
pub fn price_on(prices: &[SkuPrice], date: Date) -> Option<&SkuPrice> {
    prices
        .iter()
        .filter(|p| !p.meta.is_archived() && p.fields.effective_from <= date)
        .max_by_key(|p| p.fields.effective_from)
}

/// A SKU's price for a quote on `date`: the SKU must be active and priced.
pub fn quote(sku: &Sku, prices: &[SkuPrice], date: Date) -> Result<Money> {
    sku.quotable()?;
    price_on(prices, date).map(|p| p.fields.price).ok_or_else(|| {
        Error::invalid(
            "sku_id",
            Rule::PriceNotSet,
            format!(
                "SKU {} has no list price on {}: price not set",
                sku.fields.code,
                crate::dates::format_date(date)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Meta;
    use time::macros::date;

    pub(crate) fn fields(unit: Unit) -> SkuFields {
        SkuFields {
            offering_id: Id::new(1),
            code: "PS-100".into(),
            name: "Expert services".into(),
            unit,
            block_minutes: None,
            term_months: None,
            currency: Currency::USD,
            seat_limit: None,
            addon_sku_id: None,
            bounds: vec![],
            bounds_note: None,
            always_custom: false,
            standard_sow: true,
            te_separate: false,
            channel: Channel::SalesAssisted,
            status: SkuStatus::Active,
        }
    }

    fn meta() -> Meta {
        Meta::fresh(time::OffsetDateTime::UNIX_EPOCH)
    }

    fn price(from: Date, minor: i64) -> SkuPrice {
        SkuPrice {
            id: Id::new(minor),
            fields: SkuPriceFields {
                sku_id: Id::new(1),
                effective_from: from,
                price: Money::new(minor, Currency::USD),
                note: None,
            },
            meta: meta(),
        }
    }

    fn rules(f: &SkuFields) -> Vec<(String, Rule)> {
        match f.validate() {
            Ok(()) => vec![],
            Err(Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_block_needs_its_hours_and_a_term_its_months() {
        let mut block = fields(Unit::HoursBlock);
        assert_eq!(rules(&block), [("block_minutes".to_string(), Rule::DependsOn)]);
        block.block_minutes = Some(Minutes(40 * 60));
        assert!(rules(&block).is_empty());
        let mut hourly = fields(Unit::Hourly);
        hourly.term_months = Some(3);
        assert_eq!(rules(&hourly), [("term_months".to_string(), Rule::DependsOn)]);
        let mut term = fields(Unit::DedicatedTerm);
        term.term_months = Some(61);
        assert_eq!(rules(&term), [("term_months".to_string(), Rule::Range)]);
    }

    #[test]
    fn add_on_seats_need_a_limit_and_custom_has_no_standard_sow() {
        let mut f = fields(Unit::CourseRemote);
        f.addon_sku_id = Some(Id::new(2));
        f.always_custom = true;
        assert_eq!(
            rules(&f),
            [
                ("addon_sku_id".to_string(), Rule::DependsOn),
                ("standard_sow".to_string(), Rule::Exclusive)
            ]
        );
    }

    #[test]
    fn bounds_say_what_falls_outside() {
        let mut f = fields(Unit::FixedPackage);
        f.bounds = vec![
            Bound {
                measure: "projects".into(),
                max: 500,
            },
            Bound {
                measure: "repositories".into(),
                max: 1000,
            },
        ];
        assert!(f.outside_bounds(&[("projects", 500), ("repositories", 1000)]).is_none());
        assert_eq!(f.outside_bounds(&[("Repositories", 1001)]).map(|b| b.max), Some(1000));
    }

    #[test]
    fn the_price_in_force_is_the_latest_started() {
        let prices = vec![price(date!(2026 - 01 - 01), 100), price(date!(2026 - 07 - 01), 200)];
        assert_eq!(price_on(&prices, date!(2025 - 12 - 31)), None);
        assert_eq!(
            price_on(&prices, date!(2026 - 06 - 30)).map(|p| p.fields.price.amount_minor),
            Some(100)
        );
        assert_eq!(
            price_on(&prices, date!(2026 - 07 - 01)).map(|p| p.fields.price.amount_minor),
            Some(200)
        );
    }

    #[test]
    fn only_active_priced_skus_are_quoted() {
        let sku = Sku {
            id: Id::new(1),
            fields: fields(Unit::Hourly),
            meta: meta(),
        };
        let prices = vec![price(date!(2026 - 01 - 01), 25_000)];
        assert_eq!(
            quote(&sku, &prices, date!(2026 - 02 - 01)).unwrap().amount_minor,
            25_000
        );
        let err = quote(&sku, &prices, date!(2025 - 02 - 01)).unwrap_err();
        assert!(err.to_string().contains("price not set"), "{err}");
        let mut retired = sku.clone();
        retired.fields.status = SkuStatus::Retired;
        let err = quote(&retired, &prices, date!(2026 - 02 - 01)).unwrap_err();
        assert!(err.to_string().contains("only active SKUs"), "{err}");
    }
}
