//! Course trainers in SQL: a plain record kind naming a live person and course.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::education::courses::Course;
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields, CourseTrainerFilter, CourseTrainerSort};
use psops_core::people::Person;
use psops_core::store::WriteCtx;
use psops_core::{Id, Result};

use super::person_scope;
use crate::catalog::live;
use crate::common::{eq, meta};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::{Order, Stored};

#[async_trait]
impl Stored for CourseTrainer {
    const TABLE: &'static str = "course_trainers";
    const LABEL: &'static str = "(SELECT name FROM people WHERE people.id = course_trainers.person_id)";
    const TIES: Option<&'static str> = None;
    const COLUMNS: &'static [&'static str] = &["person_id", "course_id", "path", "certified_on", "expires_on"];

    fn read(r: &Row) -> Result<CourseTrainer> {
        Ok(CourseTrainer {
            id: r.id("id")?,
            fields: CourseTrainerFields {
                person_id: r.id("person_id")?,
                course_id: r.id("course_id")?,
                path: r.code("path")?,
                certified_on: r.get("certified_on")?,
                expires_on: r.get("expires_on")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CourseTrainerFields) -> Vec<Value> {
        vec![
            f.person_id.into(),
            f.course_id.into(),
            f.path.code().into(),
            f.certified_on.into(),
            f.expires_on.into(),
        ]
    }

    /// A new course trainer record needs the person's complete path for the course (see
    /// `crate::trainer_paths::gate`): a trainer is certified by completing it.
    async fn check(tx: &mut Tx, f: &CourseTrainerFields, me: Option<Id<CourseTrainer>>) -> Result<()> {
        live::<Person>(tx, f.person_id, "person_id", "person").await?;
        live::<Course>(tx, f.course_id, "course_id", "course").await?;
        if me.is_none() {
            crate::trainer_paths::gate(tx, f).await?;
        }
        Ok(())
    }

    /// A change of path, or a certification day moved earlier, certifies anew: the same
    /// complete path is needed for the new path on the new day. Ending a certification
    /// (its expiry) or moving its day later needs nothing more.
    async fn changing(tx: &mut Tx, _ctx: &WriteCtx, before: &Self, after: &CourseTrainerFields) -> Result<()> {
        if after.path != before.fields.path || after.certified_on < before.fields.certified_on {
            crate::trainer_paths::gate(tx, after).await?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &CourseTrainerFilter) {
        person_scope(q, &f.scope, "person_id");
        eq(q, "person_id", f.person_id);
        eq(q, "course_id", f.course_id);
        if let Some(day) = f.current_on {
            q.push(" AND certified_on <= ")
                .push_bind(day)
                .push(" AND (expires_on IS NULL OR expires_on >= ")
                .push_bind(day)
                .push(")");
        }
    }

    fn order(key: CourseTrainerSort) -> Order {
        match key {
            CourseTrainerSort::Certified => Order::By("certified_on"),
            CourseTrainerSort::Expires => Order::By("expires_on"),
        }
    }
}
