//! The partner report: per partner over a span of months, the approved hours their
//! consultants delivered (as the ledger's staff cost counts them) and their share of all; the revenue the ledger recognised on
//! those hours and its share of all revenue; what the partner cost (the ledger's staff
//! cost of their hours: the authorised rate) and the margin left; the CSAT of the
//! projects they delivered on; the funds left on their active prime SOWs; and their
//! vetting pipeline. Sums are the store's; the shares, margins and totals are here.

use serde::Serialize;
use utoipa::ToSchema;

use crate::finance::Month;
use crate::partners::PartnerId;
use crate::ratio::basis_points;
use crate::{Currency, Money, Result};

/// What the store adds up for one partner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartnerSums {
    pub approved_minutes: i64,
    /// Reporting-currency minor units of the ledger's revenue sources on their hours.
    pub revenue_minor: i64,
    /// The ledger's staff-cost sources on their hours.
    pub cost_minor: i64,
    /// Answered surveys of the projects they delivered on: how many, and their scores'
    /// sum.
    pub csat_answered: i64,
    pub csat_score_sum: i64,
    /// What remains on each active prime SOW, summed by currency.
    pub funds_remaining: Vec<Money>,
    pub vetting: VettingCounts,
}

/// A partner's consultants by vetting state, as its pipeline counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct VettingCounts {
    pub vetted: i64,
    pub in_vetting: i64,
    pub not_started: i64,
    pub failed: i64,
}

impl VettingCounts {
    fn add(&mut self, o: VettingCounts) {
        self.vetted += o.vetted;
        self.in_vetting += o.in_vetting;
        self.not_started += o.not_started;
        self.failed += o.failed;
    }
}

/// One partner's line, or the totals. The company's figures — revenue, margin and the
/// shares of the company's hours and revenue — are absent for a partner's own manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PartnerReportRow {
    /// None on the totals line.
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<PartnerId>,
    pub name: String,
    pub approved_minutes: i64,
    /// Of every approved hour on projects in the span, in basis points.
    pub hours_share_bp: Option<i64>,
    pub revenue_minor: Option<i64>,
    /// Of all revenue the ledger recognised in the span, in basis points.
    pub revenue_share_bp: Option<i64>,
    /// What their approved hours cost: hours × the authorised rate (the ledger's).
    pub cost_minor: i64,
    /// Revenue less partner cost.
    pub margin_minor: Option<i64>,
    /// Margin over revenue in basis points; none without revenue.
    pub margin_bp: Option<i64>,
    pub csat_answered: i64,
    /// The average answered score (1–5) × 100, rounded half up (450 = 4.50); none
    /// without answers.
    pub csat_average_x100: Option<i64>,
    /// Remaining funds of the active prime SOWs, one amount per currency.
    pub funds_remaining: Vec<Money>,
    /// The partner's prime SOWs' page.
    pub funds_link: Option<String>,
    pub vetting: VettingCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PartnerReport {
    pub from: Month,
    pub to: Month,
    /// The reporting currency of every `_minor` figure.
    pub currency: Currency,
    /// Every approved minute on projects in the span (none for a partner's manager).
    pub all_approved_minutes: Option<i64>,
    /// All revenue the ledger recognised in the span (none for a partner's manager).
    pub all_revenue_minor: Option<i64>,
    /// By partner name.
    pub rows: Vec<PartnerReportRow>,
    pub total: PartnerReportRow,
}

fn average_x100(sum: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| (sum * 200 + n) / (2 * n))
}

fn row(id: Option<PartnerId>, name: String, s: &PartnerSums, all_minutes: i64, all_revenue: i64) -> PartnerReportRow {
    let margin = s.revenue_minor - s.cost_minor;
    PartnerReportRow {
        partner_id: id,
        funds_link: id.map(|p| format!("/partner-funds?partner_id={p}")),
        name,
        approved_minutes: s.approved_minutes,
        hours_share_bp: basis_points(s.approved_minutes, all_minutes),
        revenue_minor: Some(s.revenue_minor),
        revenue_share_bp: basis_points(s.revenue_minor, all_revenue),
        cost_minor: s.cost_minor,
        margin_minor: Some(margin),
        margin_bp: basis_points(margin, s.revenue_minor),
        csat_answered: s.csat_answered,
        csat_average_x100: average_x100(s.csat_score_sum, s.csat_answered),
        funds_remaining: s.funds_remaining.clone(),
        vetting: s.vetting,
    }
}

/// Adds an amount into a list kept one per currency.
pub fn add_money(list: &mut Vec<Money>, m: Money) -> Result<()> {
    match list.iter_mut().find(|x| x.currency == m.currency) {
        Some(x) => {
            *x = x
                .checked_add(m)
                .ok_or_else(|| crate::Error::internal("funds remaining overflow"))?
        }
        None => list.push(m),
    }
    Ok(())
}

/// The report from each partner's sums (by name) and the company's totals.
pub fn partner_report(
    span: (Month, Month, Currency),
    partners: Vec<(PartnerId, String, PartnerSums)>,
    all_approved_minutes: i64,
    all_revenue_minor: i64,
) -> Result<PartnerReport> {
    let (from, to, currency) = span;
    let mut total = PartnerSums::default();
    for (_, _, s) in &partners {
        total.approved_minutes += s.approved_minutes;
        total.revenue_minor += s.revenue_minor;
        total.cost_minor += s.cost_minor;
        total.csat_answered += s.csat_answered;
        total.csat_score_sum += s.csat_score_sum;
        for m in &s.funds_remaining {
            add_money(&mut total.funds_remaining, *m)?;
        }
        total.vetting.add(s.vetting);
    }
    Ok(PartnerReport {
        from,
        to,
        currency,
        all_approved_minutes: Some(all_approved_minutes),
        all_revenue_minor: Some(all_revenue_minor),
        rows: partners
            .iter()
            .map(|(id, name, s)| row(Some(*id), name.clone(), s, all_approved_minutes, all_revenue_minor))
            .collect(),
        total: row(
            None,
            "All partners".into(),
            &total,
            all_approved_minutes,
            all_revenue_minor,
        ),
    })
}

/// What a partner's own manager reads: their organisation's line only, without the
/// company's revenue, margin or shares of the company's figures; the totals are theirs.
pub fn for_partner(mut r: PartnerReport, own: PartnerId) -> PartnerReport {
    r.rows.retain(|row| row.partner_id == Some(own));
    let hide = |row: &mut PartnerReportRow| {
        row.hours_share_bp = None;
        row.revenue_minor = None;
        row.revenue_share_bp = None;
        row.margin_minor = None;
        row.margin_bp = None;
    };
    r.rows.iter_mut().for_each(hide);
    r.total = match r.rows.first() {
        Some(own) => PartnerReportRow {
            partner_id: None,
            name: "All partners".into(),
            funds_link: None,
            ..own.clone()
        },
        None => PartnerReportRow {
            partner_id: None,
            name: "All partners".into(),
            approved_minutes: 0,
            hours_share_bp: None,
            revenue_minor: None,
            revenue_share_bp: None,
            cost_minor: 0,
            margin_minor: None,
            margin_bp: None,
            csat_answered: 0,
            csat_average_x100: None,
            funds_remaining: Vec::new(),
            funds_link: None,
            vetting: VettingCounts::default(),
        },
    };
    r.all_approved_minutes = None;
    r.all_revenue_minor = None;
    r
}

/// The columns of the report as text (the CLI's table, CSV and JSON show the same).
pub const PARTNER_HEADERS: [&str; 16] = [
    "partner_id",
    "partner",
    "hours",
    "hours_share",
    "revenue",
    "revenue_share",
    "partner_cost",
    "margin",
    "margin_pct",
    "csat_average",
    "csat_answered",
    "funds_remaining",
    "vetted",
    "in_vetting",
    "not_started",
    "failed",
];

/// One line as text: hours with two decimals, money as decimals of the currency,
/// percentages with one decimal, an absent figure empty.
pub fn partner_cells(r: &PartnerReportRow, currency: Currency) -> Vec<String> {
    use crate::finance::margin::decimal;
    use crate::report_text::percent;
    let money = |m: Option<i64>| m.map(|m| decimal(m, currency)).unwrap_or_default();
    vec![
        r.partner_id.map(|p| p.to_string()).unwrap_or_default(),
        r.name.clone(),
        crate::Minutes(r.approved_minutes).hours_text(),
        percent(r.hours_share_bp),
        money(r.revenue_minor),
        percent(r.revenue_share_bp),
        money(Some(r.cost_minor)),
        money(r.margin_minor),
        percent(r.margin_bp),
        r.csat_average_x100
            .map(|a| format!("{}.{:02}", a / 100, a % 100))
            .unwrap_or_default(),
        r.csat_answered.to_string(),
        r.funds_remaining
            .iter()
            .map(|m| format!("{} {}", decimal(m.amount_minor, m.currency), m.currency))
            .collect::<Vec<_>>()
            .join("; "),
        r.vetting.vetted.to_string(),
        r.vetting.in_vetting.to_string(),
        r.vetting.not_started.to_string(),
        r.vetting.failed.to_string(),
    ]
}

/// The partner report over a span of months.
#[async_trait::async_trait]
pub trait PartnerReportStore: Send + Sync {
    /// Every live partner's line, by name; vetting is counted on `today`.
    async fn partner_report(&self, from: Month, to: Month, today: time::Date) -> Result<PartnerReport>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Id;

    fn sums(minutes: i64, revenue: i64, cost: i64, answered: i64, score_sum: i64) -> PartnerSums {
        PartnerSums {
            approved_minutes: minutes,
            revenue_minor: revenue,
            cost_minor: cost,
            csat_answered: answered,
            csat_score_sum: score_sum,
            funds_remaining: vec![Money::new(1_000, Currency::USD)],
            vetting: VettingCounts {
                vetted: 1,
                ..Default::default()
            },
        }
    }

    fn report() -> PartnerReport {
        let m = Month::parse("2026-03", "from").unwrap();
        partner_report(
            (m, m, Currency::USD),
            vec![
                (Id::new(1), "Acme".into(), sums(600, 100_000, 60_000, 2, 9)),
                (Id::new(2), "Bolt".into(), sums(1_800, 0, 10_000, 0, 0)),
            ],
            4_800,
            400_000,
        )
        .unwrap()
    }

    #[test]
    fn shares_margins_and_csat_are_exact() {
        let r = report();
        let a = &r.rows[0];
        assert_eq!(a.hours_share_bp, Some(1_250));
        assert_eq!(a.revenue_share_bp, Some(2_500));
        assert_eq!((a.margin_minor, a.margin_bp), (Some(40_000), Some(4_000)));
        assert_eq!(a.csat_average_x100, Some(450));
        assert_eq!(a.funds_link.as_deref(), Some("/partner-funds?partner_id=1"));
        let b = &r.rows[1];
        assert_eq!((b.margin_minor, b.margin_bp), (Some(-10_000), None));
        assert_eq!(b.csat_average_x100, None);
        let t = &r.total;
        assert_eq!((t.approved_minutes, t.hours_share_bp), (2_400, Some(5_000)));
        assert_eq!((t.cost_minor, t.margin_minor), (70_000, Some(30_000)));
        assert_eq!(t.funds_remaining, vec![Money::new(2_000, Currency::USD)]);
        assert_eq!(t.vetting.vetted, 2);
    }

    #[test]
    fn a_partner_manager_reads_their_own_line_without_company_figures() {
        let r = for_partner(report(), Id::new(2));
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].name, "Bolt");
        assert_eq!(r.rows[0].revenue_minor, None);
        assert_eq!(r.rows[0].margin_minor, None);
        assert_eq!(r.rows[0].hours_share_bp, None);
        assert_eq!(r.rows[0].cost_minor, 10_000);
        assert_eq!(r.total.revenue_minor, None);
        assert_eq!(r.all_revenue_minor, None);
    }
}
