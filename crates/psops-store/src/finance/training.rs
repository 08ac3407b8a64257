//! Trainings in SQL: a plain record kind, checked against its project.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::finance::training::{Training, TrainingFields, TrainingFilter, TrainingSort};
use psops_core::projects::Project;

use crate::catalog::live;
use crate::common::{eq, meta};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::{Order, Stored};

#[async_trait]
impl Stored for Training {
    const TABLE: &'static str = "trainings";
    const LABEL: &'static str = "title";
    const TIES: Option<&'static str> = Some("LOWER(title)");
    const COLUMNS: &'static [&'static str] = &[
        "project_id",
        "title",
        "amount_minor",
        "currency",
        "completed_on",
        "roster_received_on",
    ];

    fn read(r: &Row) -> Result<Training> {
        Ok(Training {
            id: r.id("id")?,
            fields: TrainingFields {
                project_id: r.id("project_id")?,
                title: r.get("title")?,
                amount: r.money("amount_minor", "currency")?,
                completed_on: r.get("completed_on")?,
                roster_received_on: r.get("roster_received_on")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &TrainingFields) -> Vec<Value> {
        vec![
            f.project_id.into(),
            f.title.trim().into(),
            f.amount.amount_minor.into(),
            f.amount.currency.to_string().into(),
            f.completed_on.into(),
            f.roster_received_on.into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &TrainingFields, _me: Option<psops_core::Id<Training>>) -> Result<()> {
        live::<Project>(tx, f.project_id, "project_id", "project")
            .await
            .map(drop)
    }

    fn filter(q: &mut Sql, f: &TrainingFilter) {
        eq(q, "project_id", f.project_id);
    }

    fn order(_key: TrainingSort) -> Order {
        Order::By("LOWER(title)")
    }
}
