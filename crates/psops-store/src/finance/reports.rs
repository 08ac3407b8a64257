//! The money reports in SQL: the ledger's months added up per project, kind and basis,
//! then grouped in Rust by whatever the report asks — one read serves every grouping.
//! Whole-organisation reads are kept until the database changes.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use psops_core::finance::Month;
use psops_core::finance::burn::{Budget, Logged, Planned, burn};
use psops_core::finance::margin::{Cell, Figures, LineKind, MarginBy, MarginReport, ProjectTags, check_span, group};
use psops_core::finance::pricing::Work;
use psops_core::finance::reports::{
    BasisRevenue, Dashboard, FinanceStore, MonthFigures, ProjectCost, ProjectMoney, ProjectMonth, WorkException,
};
use psops_core::projects::{Project, ProjectId};
use psops_core::store::prelude::*;
use psops_core::{Minutes, Result};
use time::Date;

use crate::Db;
use crate::db::sql;

/// How many loss-making projects the dashboard lists.
const LOSSES_LISTED: usize = 20;

impl Db {
    pub(crate) async fn cells(&self, from: Month, to: Month) -> Result<std::sync::Arc<Vec<Cell>>> {
        let key = format!("ledger_cells|{from}|{to}");
        let read = async {
            let q = sql(
                "SELECT project_id, month, kind, basis, CAST(SUM(reporting_minor) AS BIGINT) AS minor, CAST(SUM(minutes) AS BIGINT) AS minutes \
                 FROM ledger_lines WHERE month >= $1 AND month <= $2 GROUP BY project_id, month, kind, basis",
            )
            .bind(from.first())
            .bind(to.first());
            let rows = self.pools.all(q).await?;
            let cells = rows
                .iter()
                .map(|r| {
                    Ok(Cell {
                        project: r.id("project_id")?,
                        month: Month::of(r.get::<Date>("month")?),
                        kind: r.code("kind")?,
                        basis: r.get("basis")?,
                        reporting_minor: r.get("minor")?,
                        minutes: r.get("minutes")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(std::sync::Arc::new(cells))
        };
        self.memo
            .get_counts(&self.pools, crate::follow::LEDGER, key, read)
            .await
    }

    pub(crate) async fn project_tags(&self) -> Result<std::sync::Arc<HashMap<ProjectId, ProjectTags>>> {
        let read = async { Ok(std::sync::Arc::new(super::tags::tags(&self.pools).await?)) };
        self.memo
            .get_counts(&self.pools, crate::follow::MONEY_TAGS, "project_tags".into(), read)
            .await
    }
}

#[async_trait]
impl FinanceStore for Db {
    async fn margin_report(&self, from: Month, to: Month, by: MarginBy) -> Result<MarginReport> {
        check_span(from, to)?;
        let settings = self.settings().await?;
        let target_bp = settings.finance.margin_target_bp;
        let (cells, tags, closed) =
            tokio::try_join!(self.cells(from, to), self.project_tags(), self.closed_months(from, to))?;
        let (rows, total) = group(&cells, &tags, by, &settings.fiscal_calendar(), target_bp);
        let losses = rows.iter().filter(|r| r.figures.margin_minor < 0).count() as i64;
        Ok(MarginReport {
            by,
            from,
            to,
            currency: settings.default_currency,
            target_bp,
            rows,
            total,
            closed,
            losses,
        })
    }

    async fn dashboard(&self, from: Month, to: Month) -> Result<Dashboard> {
        check_span(from, to)?;
        let settings = self.settings().await?;
        let target_bp = settings.finance.margin_target_bp;
        let fiscal = settings.fiscal_calendar();
        let (cells, tags, closed) =
            tokio::try_join!(self.cells(from, to), self.project_tags(), self.closed_months(from, to))?;
        let mut months: BTreeMap<Month, (Figures, BTreeMap<String, i64>)> =
            from.through(to).map(|m| (m, Default::default())).collect();
        for c in cells.iter() {
            let (figures, basis) = months.entry(c.month).or_default();
            figures.add(c);
            if c.kind == LineKind::Revenue {
                *basis.entry(c.basis.clone()).or_default() += c.reporting_minor;
            }
        }
        let (quarters, total) = group(&cells, &tags, MarginBy::Quarter, &fiscal, target_bp);
        let (by_category, _) = group(&cells, &tags, MarginBy::Category, &fiscal, target_bp);
        let (by_type, _) = group(&cells, &tags, MarginBy::OfferingType, &fiscal, target_bp);
        let (projects, _) = group(&cells, &tags, MarginBy::Project, &fiscal, target_bp);
        let mut losses: Vec<_> = projects.into_iter().filter(|r| r.figures.margin_minor < 0).collect();
        losses.sort_by_key(|r| (r.figures.margin_minor, r.key.clone()));
        let loss_count = losses.len() as i64;
        losses.truncate(LOSSES_LISTED);
        Ok(Dashboard {
            from,
            to,
            currency: settings.default_currency,
            target_bp,
            total,
            months: months
                .into_iter()
                .map(|(month, (figures, basis))| MonthFigures {
                    month,
                    closed: closed.contains(&month),
                    figures,
                    revenue_by_basis: basis
                        .into_iter()
                        .map(|(basis, revenue_minor)| BasisRevenue { basis, revenue_minor })
                        .collect(),
                })
                .collect(),
            quarters,
            by_category,
            by_type,
            losses,
            loss_count,
        })
    }

    async fn project_money(&self, project: ProjectId, today: Date, cost: bool) -> Result<ProjectMoney> {
        let p: Project = self.get(project).await?;
        let settings = self.settings().await?;
        let only = [project];
        let (books, terms) = tokio::try_join!(
            super::books::bill_books(self, project),
            super::books::terms(self, &only)
        )?;
        let terms = terms
            .get(&project)
            .cloned()
            .ok_or_else(|| psops_core::Error::internal("a project without pricing terms"))?;
        let logged = sql(
            "SELECT t.person_id, pe.function, t.entry_date, t.billable, CAST(SUM(t.minutes) AS BIGINT) AS minutes \
             FROM time_entries t JOIN people pe ON pe.id = t.person_id WHERE t.project_id = $1 \
             GROUP BY t.person_id, pe.function, t.entry_date, t.billable",
        )
        .bind(project);
        let planned = sql(
            "SELECT person_id, role, start_date, end_date, minutes_per_week FROM assignments \
             WHERE project_id = $1 AND archived_at IS NULL",
        )
        .bind(project);
        let lines = sql(
            "SELECT month, kind, CAST(SUM(amount_minor) AS BIGINT) AS amount, CAST(SUM(reporting_minor) AS BIGINT) AS reporting, CAST(SUM(minutes) AS BIGINT) AS minutes \
             FROM ledger_lines WHERE project_id = $1 GROUP BY month, kind ORDER BY month",
        )
        .bind(project);
        let exceptions = sql(
            "SELECT id, title, cause, add_minutes, add_budget_minor, add_currency FROM changes \
             WHERE project_id = $1 AND kind = 'work_exception' AND status = 'approved' AND archived_at IS NULL \
             ORDER BY id",
        )
        .bind(project);
        let method = sql("SELECT revenue_method FROM project_finance WHERE project_id = $1").bind(project);
        let (logged, planned, lines, exceptions, method) = tokio::try_join!(
            self.pools.all(logged),
            self.pools.all(planned),
            self.pools.all(lines),
            self.pools.all(exceptions),
            self.pools.optional(method),
        )?;
        let logged = logged
            .iter()
            .map(|r| {
                Ok(Logged {
                    work: Work {
                        person: r.id("person_id")?,
                        function: r.code("function")?,
                        date: r.get("entry_date")?,
                        minutes: Minutes(r.get("minutes")?),
                    },
                    billable: r.get("billable")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let planned = planned
            .iter()
            .map(|r| {
                Ok(Planned {
                    person: r.id("person_id")?,
                    role: r.code("role")?,
                    start: r.get("start_date")?,
                    end: r.get("end_date")?,
                    minutes_per_week: r.get("minutes_per_week")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let given = Budget {
            minutes: p.fields.budget_minutes.map(|m| m.get()),
            money: p.fields.budget,
            end: p.fields.end_date,
        };
        let burn = burn(&books, &terms, given, &logged, &planned, today)?;
        let mut months: BTreeMap<Month, ProjectMonth> = BTreeMap::new();
        let (mut revenue, mut cost_minor, mut reporting) = (0, 0, Figures::default());
        for r in &lines {
            let month = Month::of(r.get::<Date>("month")?);
            let kind: LineKind = r.code("kind")?;
            let amount: i64 = r.get("amount")?;
            let cell = Cell {
                project,
                month,
                kind,
                basis: String::new(),
                reporting_minor: r.get("reporting")?,
                minutes: r.get("minutes")?,
            };
            if kind == LineKind::Cost && !cost {
                continue;
            }
            let m = months.entry(month).or_insert_with(|| ProjectMonth {
                month,
                closed: false,
                revenue_minor: 0,
                cost_minor: 0,
                reporting: Figures::default(),
            });
            match kind {
                LineKind::Revenue => {
                    m.revenue_minor += amount;
                    revenue += amount;
                }
                LineKind::Cost => {
                    m.cost_minor += amount;
                    cost_minor += amount;
                }
            }
            m.reporting.add(&cell);
            reporting.add(&cell);
        }
        if let (Some(first), Some(last)) = (months.keys().next().copied(), months.keys().last().copied()) {
            let closed = self.closed_months(first, last).await?;
            for (m, pm) in months.iter_mut() {
                pm.closed = closed.contains(m);
            }
        }
        let exceptions = exceptions
            .iter()
            .map(|r| {
                Ok(WorkException {
                    change_id: r.get("id")?,
                    title: r.get("title")?,
                    cause: r.get("cause")?,
                    added_minutes: r.get("add_minutes")?,
                    added_minor: r.get("add_budget_minor")?,
                    currency: r
                        .get::<Option<String>>("add_currency")?
                        .map(|c| c.parse())
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ProjectMoney {
            project_id: project,
            currency: terms.currency,
            reporting_currency: settings.default_currency,
            target_bp: settings.finance.margin_target_bp,
            revenue_method: match method {
                Some(r) => r.get("revenue_method")?,
                None => "milestones".into(),
            },
            burn,
            revenue_minor: revenue,
            cost: cost.then(|| ProjectCost {
                cost_minor,
                margin_minor: revenue - cost_minor,
                margin_bp: psops_core::finance::margin::margin_bp(revenue, cost_minor),
                reporting,
            }),
            months: months.into_values().collect(),
            exceptions,
        })
    }

    async fn closed_months(&self, from: Month, to: Month) -> Result<Vec<Month>> {
        let q = sql(
            "SELECT DISTINCT month FROM period_closes WHERE reopened_at IS NULL AND month >= $1 AND month <= $2 \
             ORDER BY month",
        )
        .bind(from.first())
        .bind(to.first());
        self.pools
            .all(q)
            .await?
            .iter()
            .map(|r| Ok(Month::of(r.get::<Date>("month")?)))
            .collect()
    }
}
