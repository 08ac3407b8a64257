//! The demo's money, through the real store calls: fixed-fee projects without milestones
//! recognised by percent complete, delivered classes on training projects (the latest
//! still waiting for its roster), every month of the year but the last two closed by
//! finance a few days after it ended — so revenue and cost are recognised and frozen
//! month by month — a year's forecast snapshots kept before each month, and the last
//! closed months of time-and-materials work invoiced (one invoice credited for a wrong
//! purchase order).

use std::collections::HashSet;

use time::{Duration, Time};

use psops_core::every;
use psops_core::finance::Month;
use psops_core::finance::invoices::NewInvoice;
use psops_core::finance::ledger::{ProjectFinanceInput, RevenueMethod};
use psops_core::finance::training::TrainingFields;
use psops_core::plan::MilestoneFilter;
use psops_core::projects::{BillingType, ProjectFilter, ProjectStatus, ProjectType};
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Money, Result};

use crate::DemoOrg;
use crate::rng::Rng;

/// Projects invoiced per closed month: enough to fill the invoice list at every size
/// without an invoice for each of thousands of projects.
const INVOICED: usize = 60;
/// Months of forecast snapshots kept, one before each.
const SNAPSHOTS: i64 = 6;

pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg) -> Result<()> {
    let end = org.spec().end;
    let range = org.spec().range();
    let mut rng = Rng::derive(org.spec().seed, 0x000F_1AA7);
    let projects = every!(store, ProjectFilter::default());
    let with_milestones: HashSet<i64> = every!(store, MilestoneFilter::default())
        .iter()
        .filter(|m| m.fields.amount.is_some())
        .map(|m| m.fields.project_id.get())
        .collect();
    // Training projects whose classes education delivered have their trainings from
    // those classes' rosters already.
    let with_classes: HashSet<i64> = every!(store, psops_core::education::classes::TrainingClassFilter::default())
        .iter()
        .filter_map(|c| c.fields.project_id.map(|p| p.get()))
        .collect();
    for p in &projects {
        let f = &p.fields;
        if f.billing_type != BillingType::FixedFee
            || with_milestones.contains(&p.id.get())
            || with_classes.contains(&p.id.get())
        {
            continue;
        }
        if f.project_type == ProjectType::Training {
            // Classes delivered: the fee split over classes spread through the project,
            // one every six weeks or so (one to three on a short project), each complete
            // a few days after it started and its roster in a day or four later — the
            // latest still out. Classes still ahead are not recorded yet, so a long
            // programme's revenue comes month by month, not all at today.
            let (Some(start), Some(fee)) = (f.start_date, f.budget) else {
                continue;
            };
            let last = f.end_date.unwrap_or(end);
            if last <= start {
                continue;
            }
            let span = (last - start).whole_days();
            let classes = (span / 42).clamp(1 + rng.below(3) as i64, 40);
            for i in 0..classes {
                let done = start + Duration::days(span * (i + 1) / classes);
                if done > end - Duration::days(3) {
                    break;
                }
                let next_due = start + Duration::days(span * (i + 2) / classes);
                let roster = (next_due <= end - Duration::days(3) || rng.below(3) > 0)
                    .then(|| done + Duration::days(1 + rng.below(4) as i64));
                let fields = TrainingFields {
                    project_id: p.id,
                    title: format!("Class {} of {}", i + 1, classes),
                    amount: Money::new(fee.amount_minor / classes, fee.currency),
                    completed_on: Some(done),
                    roster_received_on: roster.filter(|r| *r <= end),
                };
                store.create(ctx, fields).await?;
            }
        } else if f.status != ProjectStatus::Estimate {
            let input = ProjectFinanceInput {
                revenue_method: RevenueMethod::PercentComplete,
            };
            store.set_project_finance(ctx, p.id, None, input).await?;
        }
    }
    // Forecasts kept on the last day before each of the last months began.
    let this = Month::of(end);
    let mut m = this;
    for _ in 1..SNAPSHOTS {
        m = m.previous();
    }
    while m <= this {
        let kept = (m.first() - Duration::days(1)).with_time(Time::from_hms(8, 0, 0).unwrap_or(Time::MIDNIGHT));
        store.snapshot_forecast(ctx, m, 3, kept.assume_utc()).await?;
        m = m.next();
    }
    // Every month but the last two is closed, as finance closing each a few days after it
    // ended would leave them; all at once, so the demo's history is recognised in one
    // run rather than one run per month.
    let last_closed = this.previous().previous();
    let closable: Vec<Month> = Month::of(range.start).through(last_closed).collect();
    store
        .close_periods(ctx, &closable, last_closed.last() + Duration::days(3))
        .await?;
    store.recognise(ctx, end).await?;
    // The last two closed months of T&M work invoiced, each a few days after its close.
    let billed: Vec<_> = projects
        .iter()
        .filter(|p| p.fields.billing_type == BillingType::TimeAndMaterials && p.fields.account_id.is_some())
        .take(INVOICED)
        .collect();
    let mut first_issued = None;
    for m in closable.iter().rev().take(2).rev() {
        let today = m.last() + Duration::days(5);
        for p in &billed {
            let new = NewInvoice {
                project_id: p.id,
                through: m.last(),
            };
            // A project with nothing approved and unbilled that month has no invoice.
            let Ok(draft) = store.draft_invoice(ctx, new, today).await else {
                continue;
            };
            let issued = store.issue_invoice(ctx, draft.id, None, today).await?;
            first_issued.get_or_insert(issued.id);
        }
    }
    if let Some(id) = first_issued {
        store
            .credit_invoice(
                ctx,
                id,
                "Billed to the wrong purchase order; reissued on the right one",
                end,
            )
            .await?;
    }
    Ok(())
}
