//! Margin: recognised revenue and cost of the ledger, added up by project, offering,
//! offering type or category, account, project manager, region, fiscal quarter or month,
//! in the reporting currency, against the organisation's margin target.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Month;
pub use super::ledger::LineKind;
use crate::code::Code;
use crate::fiscal::FiscalCalendar;
use crate::projects::ProjectId;
use crate::{Currency, Error, Result};

/// The rows of a margin report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum MarginBy {
    Project,
    Offering,
    /// The offering's type, e.g. Migration or Consulting Block.
    OfferingType,
    /// Consulting or Education.
    Category,
    Account,
    Manager,
    Region,
    Quarter,
    Month,
    /// How the revenue was earned: time and materials, milestone, percent complete,
    /// training (cost lines are staff cost).
    Basis,
}

impl Code for MarginBy {
    const FIELD: &'static str = "by";
}

/// One month of one project's ledger of one kind and basis, in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub project: ProjectId,
    pub month: Month,
    pub kind: LineKind,
    pub basis: String,
    pub reporting_minor: i64,
    pub minutes: i64,
}

/// What a margin report knows of a project to group it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectTags {
    pub name: String,
    pub account: Option<(i64, String)>,
    pub manager: Option<(i64, String)>,
    pub region: Option<String>,
    pub offering: Option<(i64, String)>,
    pub offering_type: Option<String>,
    pub category: Option<String>,
    /// Every offering its signed SOW sold, joined with " + " (the forecast's grouping).
    pub offerings: Option<String>,
    /// Its forecast-accuracy class, from the types of those offerings.
    pub class: super::forecast::Class,
}

/// Revenue, cost and margin of one group, in minor units of the reporting currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figures {
    pub revenue_minor: i64,
    pub cost_minor: i64,
    /// Revenue − cost.
    pub margin_minor: i64,
    /// Margin ÷ revenue in basis points, rounded half away from zero; none without revenue.
    pub margin_bp: Option<i64>,
    /// Minutes behind the revenue (hours billed) and behind the cost (hours worked).
    pub revenue_minutes: i64,
    pub cost_minutes: i64,
}

impl Figures {
    pub fn add(&mut self, c: &Cell) {
        match c.kind {
            LineKind::Revenue => {
                self.revenue_minor += c.reporting_minor;
                self.revenue_minutes += c.minutes;
            }
            LineKind::Cost => {
                self.cost_minor += c.reporting_minor;
                self.cost_minutes += c.minutes;
            }
        }
        self.margin_minor = self.revenue_minor - self.cost_minor;
        self.margin_bp = margin_bp(self.revenue_minor, self.cost_minor);
    }
}

/// Margin as a share of revenue in basis points, rounded half away from zero; none when
/// there is no revenue to be a share of.
pub fn margin_bp(revenue: i64, cost: i64) -> Option<i64> {
    (revenue != 0).then(|| {
        let m = i128::from(revenue) - i128::from(cost);
        let bp = crate::rates::div_round(m * 10_000 * i128::from(revenue.signum()), i128::from(revenue.abs()));
        i64::try_from(bp).unwrap_or(if bp > 0 { i64::MAX } else { i64::MIN })
    })
}

/// One row of a margin report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MarginRow {
    /// The group's key: an id, a code, a month (`2026-07`) or a quarter (`FY2026-Q3`);
    /// `none` for what has no value for the grouping (a project without an account).
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Margin % minus the target, in basis points; none without revenue.
    pub vs_target_bp: Option<i64>,
}

/// A margin report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MarginReport {
    pub by: MarginBy,
    pub from: Month,
    pub to: Month,
    pub currency: Currency,
    pub target_bp: i64,
    pub rows: Vec<MarginRow>,
    pub total: Figures,
    /// The months of the report finance has closed: their figures are final.
    pub closed: Vec<Month>,
    /// Rows below zero margin: the loss-making groups.
    pub losses: i64,
}

/// The months a report may span at most (ten years).
pub const MAX_MONTHS: usize = 120;

/// Refuses a span that runs backwards or is longer than [`MAX_MONTHS`].
pub fn check_span(from: Month, to: Month) -> Result<()> {
    if to < from {
        return Err(Error::invalid(
            "to",
            crate::rule::Rule::AfterStart,
            "to must be the same month as from or after it",
        ));
    }
    if from.through(to).count() > MAX_MONTHS {
        return Err(Error::invalid(
            "to",
            crate::rule::Rule::Span,
            format!("a report spans at most {MAX_MONTHS} months"),
        ));
    }
    Ok(())
}

fn key_of(by: MarginBy, c: &Cell, t: Option<&ProjectTags>, fiscal: &FiscalCalendar) -> (String, String) {
    let none = || ("none".to_string(), "(none)".to_string());
    let pair = |v: Option<&(i64, String)>| v.map(|(id, name)| (id.to_string(), name.clone())).unwrap_or_else(none);
    let text = |v: Option<&String>| v.map(|s| (s.to_lowercase(), s.clone())).unwrap_or_else(none);
    match by {
        MarginBy::Project => (
            c.project.get().to_string(),
            t.map(|t| t.name.clone())
                .unwrap_or_else(|| format!("Project {}", c.project.get())),
        ),
        MarginBy::Offering => pair(t.and_then(|t| t.offering.as_ref())),
        MarginBy::OfferingType => text(t.and_then(|t| t.offering_type.as_ref())),
        MarginBy::Category => text(t.and_then(|t| t.category.as_ref())),
        MarginBy::Account => pair(t.and_then(|t| t.account.as_ref())),
        MarginBy::Manager => pair(t.and_then(|t| t.manager.as_ref())),
        MarginBy::Region => text(t.and_then(|t| t.region.as_ref())),
        MarginBy::Quarter => {
            let q = fiscal.quarter_of(c.month.first());
            (q.to_string(), q.label())
        }
        MarginBy::Month => (c.month.to_string(), c.month.to_string()),
        MarginBy::Basis => (c.basis.clone(), words(&c.basis)),
    }
}

/// A code in words: `time_and_materials` → `Time and materials`.
pub fn words(code: &str) -> String {
    let spaced = code.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The cells of the report's months added up by `by`; rows in key order for months and
/// quarters, else by revenue, largest first.
pub fn group(
    cells: &[Cell],
    tags: &std::collections::HashMap<ProjectId, ProjectTags>,
    by: MarginBy,
    fiscal: &FiscalCalendar,
    target_bp: i64,
) -> (Vec<MarginRow>, Figures) {
    let mut groups: BTreeMap<String, (String, Figures)> = BTreeMap::new();
    let mut total = Figures::default();
    for c in cells {
        let (key, label) = key_of(by, c, tags.get(&c.project), fiscal);
        groups
            .entry(key)
            .or_insert_with(|| (label, Figures::default()))
            .1
            .add(c);
        total.add(c);
    }
    let mut rows: Vec<MarginRow> = groups
        .into_iter()
        .map(|(key, (label, figures))| MarginRow {
            key,
            label,
            vs_target_bp: figures.margin_bp.map(|m| m - target_bp),
            figures,
        })
        .collect();
    if !matches!(by, MarginBy::Month | MarginBy::Quarter) {
        rows.sort_by(|a, b| {
            b.figures
                .revenue_minor
                .cmp(&a.figures.revenue_minor)
                .then_with(|| a.key.cmp(&b.key))
        });
    }
    (rows, total)
}

#[cfg(test)]
#[path = "margin_tests.rs"]
mod tests;

/// The columns of a margin report as CSV and as the command line prints it.
pub const MARGIN_HEADERS: [&str; 9] = [
    "key",
    "name",
    "revenue",
    "cost",
    "margin",
    "margin_pct",
    "vs_target_pct",
    "billed_h",
    "worked_h",
];

/// An amount of minor units as a plain decimal (`1234.50`), as a spreadsheet reads it.
pub fn decimal(minor: i64, currency: Currency) -> String {
    let exp = currency.exponent();
    if exp == 0 {
        return minor.to_string();
    }
    let p = 10i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0w$}", abs / p as u64, abs % p as u64, w = exp as usize)
}

/// One margin row in the order of [`MARGIN_HEADERS`].
pub fn margin_cells(key: &str, label: &str, f: &Figures, vs_target_bp: Option<i64>, currency: Currency) -> Vec<String> {
    vec![
        key.to_string(),
        label.to_string(),
        decimal(f.revenue_minor, currency),
        decimal(f.cost_minor, currency),
        decimal(f.margin_minor, currency),
        crate::report_text::percent(f.margin_bp),
        crate::report_text::percent(vs_target_bp),
        crate::Minutes(f.revenue_minutes).hours_text(),
        crate::Minutes(f.cost_minutes).hours_text(),
    ]
}
