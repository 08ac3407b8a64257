//! Weekly health reports in SQL: the record, the overdue list per project manager, the
//! RAG weeks of a project's timeline, the portfolio's latest RAG with its trend, the
//! hours burn-down from time entries and the weekly overdue notices.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::delivery::health::{
    BurnWeek, HealthReport, HealthReportFields, HealthReportFilter, HealthSort, HealthStore, LatestHealth,
    OverdueReport, Rag, burn_down, missing_weeks, trend, weeks_between,
};
use psops_core::delivery::raid::{RaidItem, RaidItemFields};
use psops_core::notify::{Notice, NoticeKind};
use psops_core::people::{Person, PersonId};
use psops_core::projects::{BillingType, Project, ProjectId, ProjectStatus};
use psops_core::rule::Rule;
use psops_core::scope::{ListKind, ListScope};
use psops_core::store::{RecordStore, WriteCtx};
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Id, Minutes, Result};
use time::{Date, OffsetDateTime};

use crate::Db;
use crate::catalog::live;
use crate::common::{code_index, eq, meta};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored};

/// `AND <column> IN (the active projects under scope)`.
pub(crate) fn active_projects(q: &mut Sql, column: &str, scope: &ListScope) {
    q.push(&format!(" AND {column} IN (SELECT id FROM projects WHERE status = "))
        .push_bind(ProjectStatus::Active.code())
        .push(" AND archived_at IS NULL");
    crate::common::scope(q, scope, ListKind::Projects);
    q.push(")");
}

fn week(r: &Row, col: &str) -> Result<IsoWeek> {
    r.get::<String>(col)?.parse()
}

fn trimmed(v: &Option<String>) -> Value {
    v.as_deref().map(str::trim).map(str::to_string).into()
}

#[async_trait]
impl Stored for HealthReport {
    const TABLE: &'static str = "health_reports";
    const LABEL: &'static str = "week";
    const TIES: Option<&'static str> = Some("week");
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "week",
        "this project already has a report for the week: change that report instead",
    ));
    const COLUMNS: &'static [&'static str] = &[
        "project_id",
        "week",
        "overall",
        "summary",
        "schedule_on_track",
        "schedule_why",
        "scope_on_track",
        "scope_why",
        "budget_on_track",
        "budget_why",
        "sentiment",
        "filed_by",
    ];

    fn read(r: &Row) -> Result<HealthReport> {
        Ok(HealthReport {
            id: r.id("id")?,
            fields: HealthReportFields {
                project_id: r.id("project_id")?,
                week: week(r, "week")?,
                overall: r.code("overall")?,
                summary: r.get("summary")?,
                schedule_on_track: r.get("schedule_on_track")?,
                schedule_why: r.get("schedule_why")?,
                scope_on_track: r.get("scope_on_track")?,
                scope_why: r.get("scope_why")?,
                budget_on_track: r.get("budget_on_track")?,
                budget_why: r.get("budget_why")?,
                sentiment: r.code("sentiment")?,
                filed_by: r.id("filed_by")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &HealthReportFields) -> Vec<Value> {
        let f = f.clone().tidied();
        vec![
            f.project_id.into(),
            f.week.to_string().into(),
            f.overall.code().into(),
            f.summary.trim().into(),
            f.schedule_on_track.into(),
            trimmed(&f.schedule_why),
            f.scope_on_track.into(),
            trimmed(&f.scope_why),
            f.budget_on_track.into(),
            trimmed(&f.budget_why),
            f.sentiment.code().into(),
            f.filed_by.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &HealthReportFields, me: Option<Id<HealthReport>>) -> Result<()> {
        let project = live::<Project>(tx, f.project_id, "project_id", "project").await?;
        live::<Person>(tx, f.filed_by, "filed_by", "person").await?;
        if me.is_none() {
            if project.fields.status != ProjectStatus::Active {
                return Err(Error::invalid(
                    "project_id",
                    Rule::ProjectNotActive,
                    format!(
                        "a weekly health report is filed for an active project; project {} is {}",
                        f.project_id,
                        project.fields.status.code()
                    ),
                ));
            }
            let q = sql("SELECT id FROM health_reports WHERE project_id = $1 AND week = $2")
                .bind(f.project_id)
                .bind(f.week.to_string());
            if let Some(r) = tx.optional(q).await? {
                let id: i64 = r.get("id")?;
                return Err(Error::conflict(
                    "week",
                    Rule::OneReportPerWeek,
                    format!(
                        "project {} already has a report for {} (health report {id}): change that report instead",
                        f.project_id, f.week
                    ),
                ));
            }
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &HealthReportFilter) {
        eq(q, "project_id", f.project_id);
        if let Some(from) = f.from {
            q.push(" AND week >= ").push_bind(from.to_string());
        }
        if let Some(to) = f.to {
            q.push(" AND week <= ").push_bind(to.to_string());
        }
    }

    fn order(key: HealthSort) -> Order {
        match key {
            HealthSort::Week => Order::By("week"),
            HealthSort::Overall => Order::By(overall_order()),
        }
    }
}

/// Green, yellow, red as 0, 1, 2 — made once, as `Order::By` keeps a static text.
fn overall_order() -> &'static str {
    static ORDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| code_index::<Rag>("overall"))
}

impl Db {
    async fn overdue_at(&self, scope: &ListScope, today: Date) -> Result<Vec<OverdueReport>> {
        let settings = psops_core::store::OrgStore::settings(self).await?;
        let due = settings.delivery.health_due;
        let lookback = settings.delivery.health_lookback_weeks;
        let mut q = sql(
            "SELECT p.id, p.name, p.project_manager_id, p.start_date, pm.name AS manager_name \
             FROM projects p LEFT JOIN people pm ON pm.id = p.project_manager_id WHERE 1 = 1",
        );
        active_projects(&mut q, "p.id", scope);
        let projects = self.pools.all(q).await?;
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let current = IsoWeek::of(today);
        let first = today
            .checked_sub(time::Duration::weeks(lookback - 1))
            .map(IsoWeek::of)
            .unwrap_or(current);
        let mut q = sql("SELECT project_id, week FROM health_reports WHERE archived_at IS NULL");
        q.push(" AND week >= ").push_bind(first.to_string());
        q.push(" AND week <= ").push_bind(current.to_string());
        active_projects(&mut q, "project_id", scope);
        let mut filed: HashMap<i64, Vec<IsoWeek>> = HashMap::new();
        for r in self.pools.all(q).await? {
            filed.entry(r.get("project_id")?).or_default().push(week(&r, "week")?);
        }
        let mut out = Vec::new();
        for r in &projects {
            let id: i64 = r.get("id")?;
            let weeks = missing_weeks(
                filed.get(&id).map(Vec::as_slice).unwrap_or(&[]),
                r.get("start_date")?,
                today,
                due,
                lookback,
            );
            if weeks.is_empty() {
                continue;
            }
            out.push(OverdueReport {
                project_id: Id::new(id),
                project_name: r.get("name")?,
                project_manager_id: r.opt_id("project_manager_id")?,
                project_manager_name: r.get("manager_name")?,
                weeks,
            });
        }
        out.sort_by(|a, b| {
            (
                a.project_manager_name.is_none(),
                a.project_manager_name.as_deref().map(str::to_lowercase),
            )
                .cmp(&(
                    b.project_manager_name.is_none(),
                    b.project_manager_name.as_deref().map(str::to_lowercase),
                ))
                .then_with(|| a.project_name.to_lowercase().cmp(&b.project_name.to_lowercase()))
                .then(a.project_id.get().cmp(&b.project_id.get()))
        });
        Ok(out)
    }
}

#[async_trait]
impl HealthStore for Db {
    async fn overdue_health(&self, scope: &ListScope, today: Date) -> Result<Vec<OverdueReport>> {
        self.overdue_at(scope, today).await
    }

    async fn rag_weeks(&self, project: ProjectId, from: IsoWeek, to: IsoWeek) -> Result<Vec<(IsoWeek, Rag)>> {
        let q = sql(
            "SELECT week, overall FROM health_reports WHERE project_id = $1 AND archived_at IS NULL \
             AND week >= $2 AND week <= $3 ORDER BY week",
        )
        .bind(project)
        .bind(from.to_string())
        .bind(to.to_string());
        self.pools
            .all(q)
            .await?
            .iter()
            .map(|r| Ok((week(r, "week")?, r.code("overall")?)))
            .collect()
    }

    async fn latest_health(&self, scope: &ListScope) -> Result<Vec<LatestHealth>> {
        let mut inner = sql("SELECT project_id, week, overall, sentiment, \
             ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY week DESC) AS rn \
             FROM health_reports WHERE archived_at IS NULL");
        active_projects(&mut inner, "project_id", scope);
        let q = inner.wrap(
            "SELECT h.project_id, p.name, h.week, h.overall, h.sentiment, h.rn FROM (",
            ") h JOIN projects p ON p.id = h.project_id WHERE h.rn <= 2 ORDER BY LOWER(p.name), h.project_id, h.rn",
        );
        let mut out: Vec<LatestHealth> = Vec::new();
        for r in self.pools.all(q).await? {
            let id: ProjectId = r.id("project_id")?;
            let overall: Rag = r.code("overall")?;
            if r.get::<i64>("rn")? == 2 {
                if let Some(last) = out.last_mut().filter(|l| l.project_id == id) {
                    last.trend = trend(Some(overall), last.overall);
                }
                continue;
            }
            out.push(LatestHealth {
                project_id: id,
                project_name: r.get("name")?,
                week: week(&r, "week")?,
                overall,
                trend: None,
                sentiment: r.code("sentiment")?,
            });
        }
        Ok(out)
    }

    async fn burn_down(&self, project: ProjectId, from: IsoWeek, to: IsoWeek) -> Result<Vec<BurnWeek>> {
        let p: Project = RecordStore::<Project>::get(self, project).await?;
        let (BillingType::TimeAndMaterials, Some(budget)) = (p.fields.billing_type, p.fields.budget_minutes) else {
            return Ok(Vec::new());
        };
        let end = to.range().end;
        let q = sql(
            "SELECT entry_date, CAST(SUM(minutes) AS BIGINT) AS minutes FROM time_entries \
             WHERE project_id = $1 AND entry_date <= $2 GROUP BY entry_date",
        )
        .bind(project)
        .bind(end);
        let daily = self
            .pools
            .all(q)
            .await?
            .iter()
            .map(|r| Ok((r.get::<Date>("entry_date")?, Minutes(r.get("minutes")?))))
            .collect::<Result<Vec<_>>>()?;
        Ok(burn_down(budget, &daily, &weeks_between(from, to)))
    }

    async fn notify_overdue_health(&self, _ctx: &WriteCtx, now: OffsetDateTime) -> Result<usize> {
        let today = now.date();
        let this_week = IsoWeek::of(today).to_string();
        let settings = psops_core::store::OrgStore::settings(self).await?;
        let overdue = self.overdue_at(&ListScope::All, today).await?;
        let mut by_manager: Vec<(PersonId, Vec<&OverdueReport>)> = Vec::new();
        for o in &overdue {
            let Some(pm) = o.project_manager_id else { continue };
            match by_manager.iter_mut().find(|(p, _)| *p == pm) {
                Some((_, list)) => list.push(o),
                None => by_manager.push((pm, vec![o])),
            }
        }
        let mut queued = 0;
        for (pm, projects) in by_manager {
            let mut tx = self.pools.begin().await?;
            let told = sql("SELECT 1 AS told FROM health_overdue_notices WHERE person_id = $1 AND week = $2")
                .bind(pm)
                .bind(this_week.clone());
            if tx.optional(told).await?.is_some() {
                continue;
            }
            let person = crate::record::table::<Person>().get(&mut tx, pm.get(), "").await?;
            let lines: Vec<String> = projects
                .iter()
                .map(|o| {
                    let weeks: Vec<String> = o.weeks.iter().map(ToString::to_string).collect();
                    format!("- {} (project {}): {}", o.project_name, o.project_id, weeks.join(", "))
                })
                .collect();
            let notice = Notice {
                kind: NoticeKind::HealthOverdue,
                to_email: person.fields.email.clone(),
                to_name: person.fields.name.clone(),
                subject: format!(
                    "Weekly health reports overdue: {} project{}",
                    projects.len(),
                    if projects.len() == 1 { "" } else { "s" }
                ),
                body: format!(
                    "Hello {},\n\nThe weekly health report is due each {} for every active project. \
                     These of your projects have weeks without one:\n\n{}\n\nFile them on each project's Health tab.\n",
                    person.fields.name,
                    settings.delivery.health_due.code(),
                    lines.join("\n")
                ),
                project_id: (projects.len() == 1).then(|| projects[0].project_id),
                about: Some(format!("person:{pm}")),
            };
            let id = crate::outbox::queue(&mut tx, &notice).await?;
            tx.execute(
                sql(
                    "INSERT INTO health_overdue_notices (person_id, week, notification_id, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(pm)
                .bind(this_week.clone())
                .bind(id)
                .bind(now),
            )
            .await?;
            tx.commit().await?;
            queued += 1;
        }
        Ok(queued)
    }

    async fn load_health(
        &self,
        reports: &[(HealthReportFields, OffsetDateTime)],
        raid: &[RaidItemFields],
    ) -> Result<(u64, u64)> {
        let mut tx = self.pools.begin().await?;
        let first = |table: &str| format!("SELECT COALESCE(MAX(id), 0) AS top FROM {table}");
        let top: i64 = tx.one(sql(first("health_reports"))).await?.get("top")?;
        let mut cols = vec!["id"];
        cols.extend(<HealthReport as Stored>::COLUMNS);
        cols.extend(["created_at", "updated_at"]);
        let rows = reports
            .iter()
            .zip(top + 1..)
            .map(|((f, at), id)| {
                let mut row = vec![Value::from(id)];
                row.extend(<HealthReport as Stored>::values(f));
                row.extend([Value::from(*at), Value::from(*at)]);
                row
            })
            .collect();
        let written = crate::bulk_copy::copy_rows(&mut tx, "health_reports", &cols, rows).await?;
        let top: i64 = tx.one(sql(first("raid_items"))).await?.get("top")?;
        let at = crate::db::now();
        let mut cols = vec!["id"];
        cols.extend(<RaidItem as Stored>::COLUMNS);
        cols.extend(["created_at", "updated_at"]);
        let rows = raid
            .iter()
            .zip(top + 1..)
            .map(|(f, id)| {
                let mut row = vec![Value::from(id)];
                row.extend(<RaidItem as Stored>::values(f));
                row.extend([Value::from(at), Value::from(at)]);
                row
            })
            .collect();
        let items = crate::bulk_copy::copy_rows(&mut tx, "raid_items", &cols, rows).await?;
        if tx.backend() == crate::db::Backend::Postgres {
            for table in ["health_reports", "raid_items"] {
                let q = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}");
                tx.execute_script(&q).await?;
            }
        }
        tx.commit().await?;
        Ok((written, items))
    }
}
