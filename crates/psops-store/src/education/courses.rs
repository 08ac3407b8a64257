//! Courses in SQL: a plain record kind sold as a live SKU, whose state moves one step
//! at a time.

use async_trait::async_trait;
use psops_core::catalog::skus::Sku;
use psops_core::code::Code;
use psops_core::education::courses::{Course, CourseFields, CourseFilter, CourseSort, CourseState, check_move};
use psops_core::store::WriteCtx;
use psops_core::{Id, Result};

use super::opt_text;
use crate::catalog::live;
use crate::common::{code_index, eq, meta, search};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::{Order, Stored};

#[async_trait]
impl Stored for Course {
    const TABLE: &'static str = "courses";
    const COLUMNS: &'static [&'static str] = &[
        "sku_id",
        "name",
        "delivery",
        "state",
        "course_version",
        "outline",
        "duration_days",
    ];

    fn read(r: &Row) -> Result<Course> {
        Ok(Course {
            id: r.id("id")?,
            fields: CourseFields {
                sku_id: r.id("sku_id")?,
                name: r.get("name")?,
                delivery: r.code("delivery")?,
                state: r.code("state")?,
                course_version: r.get("course_version")?,
                outline: r.get("outline")?,
                duration_days: i32::try_from(r.get::<i64>("duration_days")?).unwrap_or(i32::MAX),
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CourseFields) -> Vec<Value> {
        vec![
            f.sku_id.into(),
            f.name.trim().into(),
            f.delivery.code().into(),
            f.state.code().into(),
            f.course_version.trim().into(),
            opt_text(&f.outline),
            i64::from(f.duration_days).into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &CourseFields, _me: Option<Id<Course>>) -> Result<()> {
        live::<Sku>(tx, f.sku_id, "sku_id", "SKU").await.map(drop)
    }

    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, before: &Self, after: &CourseFields) -> Result<()> {
        check_move(before.fields.state, after.state)
    }

    fn filter(q: &mut Sql, f: &CourseFilter) {
        eq(q, "sku_id", f.sku_id);
        eq(q, "delivery", f.delivery.map(|d| d.code()));
        eq(q, "state", f.state.map(|s| s.code()));
        search(q, &["name"], f.q.as_deref());
    }

    fn order(key: CourseSort) -> Order {
        static STATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        static DELIVERY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        match key {
            CourseSort::Name => Order::By("LOWER(name)"),
            CourseSort::State => Order::By(STATE.get_or_init(|| code_index::<CourseState>("state"))),
            CourseSort::Delivery => Order::By(
                DELIVERY.get_or_init(|| code_index::<psops_core::education::courses::CourseDelivery>("delivery")),
            ),
            CourseSort::Days => Order::By("duration_days"),
        }
    }
}
