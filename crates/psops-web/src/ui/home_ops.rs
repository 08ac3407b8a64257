//! The organisation's figures on the home page of those who oversee it: billable
//! utilization against target by function this quarter so far, last week's timesheet
//! compliance, and how many people are at or below their target. Computing them reads
//! everyone's capacity and time (a tenth of a second at 5,000 people); the store keeps
//! those reports until the data changes, so the figures are always current and cheap to
//! show again.

use psops_core::policy::{Subject, list_scope};
use psops_core::reporting::UtilizationFilter;
use psops_core::scope::ListKind;
use psops_core::timesheet::{Compliance, IsoWeek};
use psops_core::utilization::GroupBy;
use serde::Serialize;

use super::filters::{label, pct};
use super::home::quarter_to_date;
use super::render::UiError;
use crate::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct FunctionLine {
    pub label: String,
    pub billable_utilization: String,
    pub target: String,
    pub attainment: String,
    pub below: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ops {
    pub quarter: String,
    /// `from=…&to=…`: the reports the figures link to show the same days, so the same
    /// numbers (the quarter so far, not the whole quarter).
    pub so_far: String,
    pub functions: Vec<FunctionLine>,
    pub total: FunctionLine,
    pub week: String,
    pub on_time: String,
    /// Still not submitted today, and submitted after the due day.
    pub missing: usize,
    pub late: usize,
    /// Submitted and not yet approved, on time or late.
    pub waiting: usize,
    pub people: usize,
    pub at_target: usize,
    pub below_target: usize,
}

fn line(label: String, r: &psops_core::utilization::UtilizationRow) -> FunctionLine {
    FunctionLine {
        label,
        billable_utilization: pct(r.billable_utilization_bp),
        target: pct(r.target_bp),
        attainment: pct(r.attainment_bp),
        below: r.attainment_bp.is_some_and(|a| a < 10_000),
    }
}

/// The figures for this subject's scope.
pub async fn ops(st: &AppState, s: &Subject, today: time::Date) -> Result<Ops, UiError> {
    let cal = st.store.settings().await?.fiscal_calendar();
    let (q, range) = quarter_to_date(cal, today);
    let filter = UtilizationFilter {
        scope: list_scope(s, ListKind::Figures),
        ..Default::default()
    };
    let by_function = st.store.utilization(range, GroupBy::Function, &filter).await?;
    let by_person = st.store.utilization(range, GroupBy::Person, &filter).await?;
    let with_target: Vec<_> = by_person.rows.iter().filter_map(|r| r.row.attainment_bp).collect();
    let at_target = with_target.iter().filter(|a| **a >= 10_000).count();
    let last = IsoWeek::of(today - time::Duration::days(7));
    let compliance = st.store.compliance(last, today).await?.within(&filter.scope);
    let count_where =
        |f: &dyn Fn(&&psops_core::reporting::ComplianceRow) -> bool| compliance.rows.iter().filter(f).count();
    let count = |c: Compliance| count_where(&|r| r.status == c);
    let on_time = count(Compliance::OnTime);
    Ok(Ops {
        quarter: q.label(),
        so_far: format!(
            "from={}&to={}",
            psops_core::dates::format_date(range.start),
            psops_core::dates::format_date(range.end)
        ),
        functions: by_function.rows.iter().map(|g| line(label(&g.key), &g.row)).collect(),
        total: line("Everyone".into(), &by_function.total),
        week: last.to_string(),
        on_time: pct(psops_core::ratio::basis_points(
            on_time as i64,
            compliance.rows.len() as i64,
        )),
        // The report's statuses say what was missed by the due day (a week submitted
        // late is "not submitted" there); home says where each week stands today.
        missing: compliance.rows.iter().filter(|r| r.submitted_on.is_none()).count(),
        late: count_where(&|r| r.status == Compliance::NotSubmitted && r.submitted_on.is_some()),
        waiting: count_where(&|r| r.submitted_on.is_some() && r.approved_on.is_none()),
        people: compliance.rows.len(),
        at_target,
        below_target: with_target.len() - at_target,
    })
}
