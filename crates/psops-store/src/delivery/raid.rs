//! The RAID log in SQL: the record, and the escalated items across projects for the
//! portfolio.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::delivery::raid::{
    EscalatedItem, ImpactArea, RaidItem, RaidItemFields, RaidItemFilter, RaidPriority, RaidSort, RaidStatus, RaidStore,
};
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::scope::{ListKind, ListScope};
use psops_core::{Id, Result};

use crate::Db;
use crate::catalog::live;
use crate::common::{code_index, eq, meta};
use crate::db::{Row, Sql, Tx, Value, sql};
use crate::record::{Order, Stored};

fn impacts(text: &str) -> Result<Vec<ImpactArea>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(ImpactArea::from_code)
        .collect()
}

fn read_item(r: &Row) -> Result<RaidItem> {
    Ok(RaidItem {
        id: r.id("id")?,
        fields: RaidItemFields {
            project_id: r.id("project_id")?,
            kind: r.code("kind")?,
            title: r.get("title")?,
            description: r.get("description")?,
            priority: r.code("priority")?,
            impacts: impacts(&r.get::<String>("impacts")?)?,
            owner_id: r.opt_id("owner_id")?,
            mitigation: r.get("mitigation")?,
            due_date: r.get("due_date")?,
            status: r.code("status")?,
            escalated: r.get("escalated")?,
        },
        meta: meta(r)?,
    })
}

fn opt_text(v: &Option<String>) -> Value {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .into()
}

/// An order expression made once, as `Order::By` keeps a static text.
macro_rules! made_once {
    ($e:expr) => {{
        static ORDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        ORDER.get_or_init(|| $e).as_str()
    }};
}

#[async_trait]
impl Stored for RaidItem {
    const TABLE: &'static str = "raid_items";
    const LABEL: &'static str = "title";
    const TIES: Option<&'static str> = Some("LOWER(title)");
    const COLUMNS: &'static [&'static str] = &[
        "project_id",
        "kind",
        "title",
        "description",
        "priority",
        "impacts",
        "owner_id",
        "mitigation",
        "due_date",
        "status",
        "escalated",
    ];

    fn read(r: &Row) -> Result<RaidItem> {
        read_item(r)
    }

    fn values(f: &RaidItemFields) -> Vec<Value> {
        let impacts: Vec<&str> = f.impacts_sorted().iter().map(|i| i.code()).collect();
        vec![
            f.project_id.into(),
            f.kind.code().into(),
            f.title.trim().into(),
            opt_text(&f.description),
            f.priority.code().into(),
            impacts.join(",").into(),
            f.owner_id.into(),
            opt_text(&f.mitigation),
            f.due_date.into(),
            f.status.code().into(),
            f.escalated.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &RaidItemFields, _me: Option<Id<RaidItem>>) -> Result<()> {
        live::<Project>(tx, f.project_id, "project_id", "project").await?;
        if let Some(owner) = f.owner_id {
            live::<Person>(tx, owner, "owner_id", "person").await?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &RaidItemFilter) {
        eq(q, "project_id", f.project_id);
        eq(q, "kind", f.kind.map(|k| k.code()));
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "escalated", f.escalated);
    }

    fn order(key: RaidSort) -> Order {
        match key {
            RaidSort::Due => Order::By("due_date"),
            RaidSort::Priority => Order::By(made_once!(code_index::<RaidPriority>("priority"))),
            RaidSort::Kind => Order::By(made_once!(code_index::<psops_core::delivery::raid::RaidKind>("kind"))),
            RaidSort::Title => Order::By("LOWER(title)"),
            RaidSort::Status => Order::By(made_once!(code_index::<RaidStatus>("status"))),
            RaidSort::Updated => Order::By("updated_at"),
        }
    }
}

#[async_trait]
impl RaidStore for Db {
    async fn escalated_raid(&self, scope: &ListScope, limit: u32) -> Result<Vec<EscalatedItem>> {
        let mut q = sql(
            "SELECT r.id, r.project_id, r.kind, r.title, r.description, r.priority, r.impacts, r.owner_id, \
             r.mitigation, r.due_date, r.status, r.escalated, r.version, r.created_at, r.updated_at, r.archived_at, \
             p.name AS project_name, o.name AS owner_name \
             FROM raid_items r JOIN projects p ON p.id = r.project_id LEFT JOIN people o ON o.id = r.owner_id \
             WHERE r.archived_at IS NULL AND p.archived_at IS NULL AND r.escalated = $1 AND r.status = $2 \
             AND r.project_id IN (SELECT id FROM projects WHERE 1 = 1",
        )
        .bind(true)
        .bind(RaidStatus::Open.code());
        crate::common::scope(&mut q, scope, ListKind::Projects);
        q.push(&format!(
            ") ORDER BY {}, r.due_date, r.id LIMIT ",
            code_index::<RaidPriority>("r.priority")
        ))
        .push_bind(i64::from(limit));
        self.pools
            .all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(EscalatedItem {
                    item: read_item(r)?,
                    project_name: r.get("project_name")?,
                    owner_name: r.get("owner_name")?,
                })
            })
            .collect()
    }
}
