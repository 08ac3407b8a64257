//! The portfolio: delivery as PS leadership and regional managers read it in seconds —
//! the active projects' latest RAG and trend, overdue health reports, escalated RAID
//! items, open escalations by severity with overdue updates, milestones awaiting
//! acceptance with their passive-acceptance dates, and CSAT this quarter against last.
//! Each part is read from its own store for the projects the reader may see.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::Result;
use crate::delivery::acceptance::AwaitingAcceptance;
use crate::delivery::escalations::{EscalationScope, EscalationSummary};
use crate::delivery::health::{LatestHealth, OverdueReport, Rag, Trend};
use crate::delivery::raid::EscalatedItem;
use crate::delivery::surveys::CsatTally;
use crate::scope::ListScope;

/// How many active projects stand at each overall RAG; `unreported` have none yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct RagCounts {
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    pub unreported: i64,
}

impl RagCounts {
    /// The counts of `active` projects, `latest` holding the ones with a report.
    pub fn of(active: i64, latest: &[LatestHealth]) -> RagCounts {
        let mut c = RagCounts::default();
        for h in latest {
            match h.overall {
                Rag::Green => c.green += 1,
                Rag::Yellow => c.yellow += 1,
                Rag::Red => c.red += 1,
            }
        }
        c.unreported = (active - c.green - c.yellow - c.red).max(0);
        c
    }
}

/// CSAT in two fiscal quarters: the one holding today and the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CsatQuarters {
    /// E.g. `FY2026 Q4`.
    pub this_quarter: String,
    pub this: CsatTally,
    pub last_quarter: String,
    pub last: CsatTally,
}

/// The portfolio a reader sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Portfolio {
    /// When it was read.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Active projects the reader may see.
    pub active: i64,
    pub rag: RagCounts,
    /// Projects to watch: red, then yellow, then worsened greens — the worst and the
    /// worsening first; at most [`WATCH`].
    pub watch: Vec<LatestHealth>,
    /// Active projects with weekly health reports missing past their due day, by manager.
    pub overdue_reports: Vec<OverdueReport>,
    /// Open RAID items flagged escalated, high priority first; at most [`LISTED`].
    pub escalated_raid: Vec<EscalatedItem>,
    /// Open escalations by severity with their overdue updates, and listed.
    pub escalations: EscalationSummary,
    /// Milestones awaiting the customer's acceptance, by passive-acceptance date.
    pub awaiting_acceptance: Vec<AwaitingAcceptance>,
    pub csat: CsatQuarters,
}

/// The most projects the watch list holds.
pub const WATCH: usize = 25;
/// The most escalated RAID items listed.
pub const LISTED: u32 = 25;

/// The watch list: every red and yellow project and every green one that got worse, red
/// first, the worsening first within a colour, then by name; cut to [`WATCH`].
pub fn watch(latest: &[LatestHealth]) -> Vec<LatestHealth> {
    let mut out: Vec<LatestHealth> = latest
        .iter()
        .filter(|h| h.overall != Rag::Green || h.trend == Some(Trend::Worse))
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        b.overall
            .cmp(&a.overall)
            .then_with(|| (b.trend == Some(Trend::Worse)).cmp(&(a.trend == Some(Trend::Worse))))
            .then_with(|| a.project_name.cmp(&b.project_name))
    });
    out.truncate(WATCH);
    out
}

/// The portfolio's figures as (figure, value) lines, for the command line and CSV.
pub fn figures(p: &Portfolio) -> Vec<(String, String)> {
    let pct = |t: &CsatTally| match t.csat_bp() {
        Some(bp) => format!(
            "{}.{} % of {} answers ({} sent)",
            bp / 100,
            bp % 100 / 10,
            t.answered,
            t.sent
        ),
        None => format!("no answers ({} sent)", t.sent),
    };
    let mut out = vec![
        ("active projects".to_string(), p.active.to_string()),
        ("red".into(), p.rag.red.to_string()),
        ("yellow".into(), p.rag.yellow.to_string()),
        ("green".into(), p.rag.green.to_string()),
        ("no report yet".into(), p.rag.unreported.to_string()),
        (
            "projects with overdue health reports".into(),
            p.overdue_reports.len().to_string(),
        ),
        ("escalated RAID items".into(), p.escalated_raid.len().to_string()),
    ];
    for c in &p.escalations.by_severity {
        out.push((
            format!("open {} escalations", crate::code::Code::code(&c.severity)),
            format!("{} ({} overdue)", c.open, c.overdue),
        ));
    }
    out.push((
        "milestones awaiting acceptance".into(),
        p.awaiting_acceptance.len().to_string(),
    ));
    if let Some(next) = p.awaiting_acceptance.iter().map(|a| a.passive_on).min() {
        out.push(("next passive acceptance".into(), next.to_string()));
    }
    out.push((format!("CSAT {}", p.csat.this_quarter), pct(&p.csat.this)));
    out.push((format!("CSAT {}", p.csat.last_quarter), pct(&p.csat.last)));
    out
}

/// Who sees what of the portfolio: the projects and the escalations the reader may read.
#[derive(Debug, Clone)]
pub struct PortfolioScope {
    pub projects: ListScope,
    pub escalations: EscalationScope,
}

/// The portfolio as the store reads it.
#[async_trait::async_trait]
pub trait PortfolioStore: Send + Sync {
    /// The portfolio of what `scope` lets the reader see, at `now` (`today` its date).
    async fn portfolio(&self, scope: &PortfolioScope, now: OffsetDateTime) -> Result<Portfolio>;
}

/// The day in the fiscal quarter before the one holding `today`.
pub fn in_last_quarter(fiscal: &crate::fiscal::FiscalCalendar, today: Date) -> Date {
    let start = fiscal.quarter_range(fiscal.quarter_of(today)).start;
    start.previous_day().unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::health::Sentiment;
    use crate::id::Id;
    use crate::timesheet::IsoWeek;
    use time::macros::date;

    fn h(name: &str, overall: Rag, trend: Option<Trend>) -> LatestHealth {
        LatestHealth {
            project_id: Id::new(1),
            project_name: name.into(),
            week: IsoWeek::of(date!(2026 - 12 - 03)),
            overall,
            trend,
            sentiment: Sentiment::Engaged,
        }
    }

    #[test]
    fn counts_leave_the_unreported_apart() {
        let latest = [
            h("a", Rag::Green, None),
            h("b", Rag::Red, Some(Trend::Worse)),
            h("c", Rag::Yellow, Some(Trend::Same)),
        ];
        let c = RagCounts::of(5, &latest);
        assert_eq!((c.green, c.yellow, c.red, c.unreported), (1, 1, 1, 2));
    }

    #[test]
    fn the_watch_list_puts_red_and_worsening_first() {
        let latest = [
            h("Calm", Rag::Green, Some(Trend::Same)),
            h("Slipping", Rag::Green, Some(Trend::Worse)),
            h("Amber", Rag::Yellow, Some(Trend::Better)),
            h("Amber worse", Rag::Yellow, Some(Trend::Worse)),
            h("Fire", Rag::Red, Some(Trend::Same)),
        ];
        let names: Vec<_> = watch(&latest).into_iter().map(|h| h.project_name).collect();
        assert_eq!(names, ["Fire", "Amber worse", "Amber", "Slipping"]);
    }

    #[test]
    fn last_quarter_is_the_day_before_this_one_starts() {
        let fiscal = crate::fiscal::FiscalCalendar::new(1).unwrap();
        assert_eq!(in_last_quarter(&fiscal, date!(2026 - 12 - 06)), date!(2026 - 09 - 30));
        let feb = crate::fiscal::FiscalCalendar::new(2).unwrap();
        assert_eq!(in_last_quarter(&feb, date!(2026 - 12 - 06)), date!(2026 - 10 - 31));
    }
}
