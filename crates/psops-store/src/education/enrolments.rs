//! Enrolments in SQL: a plain record kind whose check takes a seat — under a lock on the
//! class's row, so two registrations at once cannot both take the last seat.

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::education::classes::{ClassAudience, TrainingClass, seat_gate};
use psops_core::education::enrolments::{Enrolment, EnrolmentFields, EnrolmentFilter, EnrolmentSort, EnrolmentStatus};
use psops_core::education::learners::Learner;
use psops_core::projects::{Project, ProjectId};
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::{Error, Id, Result};

use super::classes::completed_is_final;
use crate::catalog::live;
use crate::common::{eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, table};

/// A seat bought under a project: only on a public class with a seat price, under a live
/// project of the learner's own account when the learner is a customer's contact.
async fn bought_under(tx: &mut Tx, class: &TrainingClass, learner: &Learner, project: ProjectId) -> Result<()> {
    if class.fields.audience != ClassAudience::Public || class.fields.seat_price.is_none() {
        return Err(Error::invalid(
            "project_id",
            Rule::InvalidValue,
            "only a seat of a public class with a seat price is bought under a project",
        ));
    }
    let p = live::<Project>(tx, project, "project_id", "project").await?;
    if let Some(account) = learner.fields.account_id
        && p.fields.account_id != Some(account)
    {
        return Err(Error::invalid(
            "project_id",
            Rule::InvalidValue,
            format!(
                "project {} is not of the learner's account: a customer's seat is bought under its own account's project",
                p.fields.name
            ),
        ));
    }
    Ok(())
}

#[async_trait]
impl Stored for Enrolment {
    const TABLE: &'static str = "enrolments";
    const LABEL: &'static str = "(SELECT name FROM learners WHERE learners.id = enrolments.learner_id)";
    const TIES: Option<&'static str> = None;
    const FIXED: &'static [&'static str] = &["attended"];
    const COLUMNS: &'static [&'static str] = &["class_id", "learner_id", "status", "project_id"];

    fn read(r: &Row) -> Result<Enrolment> {
        Ok(Enrolment {
            id: r.id("id")?,
            fields: EnrolmentFields {
                class_id: r.id("class_id")?,
                learner_id: r.id("learner_id")?,
                status: r.code("status")?,
                project_id: r.opt_id("project_id")?,
            },
            attended: r.json("attended")?,
            meta: meta(r)?,
        })
    }

    fn values(f: &EnrolmentFields) -> Vec<Value> {
        vec![
            f.class_id.into(),
            f.learner_id.into(),
            f.status.code().into(),
            f.project_id.into(),
        ]
    }

    fn fixed(_new: &EnrolmentFields) -> Vec<Value> {
        vec![json_text(&Vec::<time::Date>::new())]
    }

    async fn check(tx: &mut Tx, f: &EnrolmentFields, me: Option<Id<Enrolment>>) -> Result<()> {
        // The class's row is locked first: registrations on one class queue behind it.
        let lock = tx.for_update();
        let class: TrainingClass =
            table::<TrainingClass>()
                .get(tx, f.class_id.get(), lock)
                .await
                .map_err(|e| match e {
                    Error::NotFound { .. } => Error::invalid(
                        "class_id",
                        Rule::Exists,
                        format!("class_id {} is not a class", f.class_id),
                    ),
                    other => other,
                })?;
        if class.meta.is_archived() {
            return Err(Error::invalid(
                "class_id",
                Rule::Archived,
                format!("class {} is archived: restore it first", class.id),
            ));
        }
        completed_is_final(&class)?;
        let learner = live::<Learner>(tx, f.learner_id, "learner_id", "learner").await?;
        if let Some(project) = f.project_id {
            bought_under(tx, &class, &learner, project).await?;
        }
        if f.status != EnrolmentStatus::Registered {
            return Ok(());
        }
        let mut q = sql(
            "SELECT id FROM enrolments WHERE class_id = $1 AND learner_id = $2 AND status = $3 \
             AND archived_at IS NULL",
        )
        .bind(f.class_id)
        .bind(f.learner_id)
        .bind(EnrolmentStatus::Registered.code());
        if let Some(me) = me {
            q.push(" AND id <> ").push_bind(me.get());
        }
        if tx.optional(q).await?.is_some() {
            return Err(Error::conflict(
                "learner_id",
                Rule::Duplicate,
                "the learner is already registered on this class",
            ));
        }
        let mut taken = super::classes::registered(tx, f.class_id).await?;
        if let Some(me) = me {
            let mine: Enrolment = table::<Enrolment>().get(tx, me.get(), "").await?;
            if mine.fields.status == EnrolmentStatus::Registered && !mine.meta.is_archived() {
                taken -= 1;
            }
        }
        seat_gate(&class.fields, taken)
    }

    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, before: &Self, after: &EnrolmentFields) -> Result<()> {
        if after.class_id != before.fields.class_id || after.learner_id != before.fields.learner_id {
            return Err(Error::invalid(
                "class_id",
                Rule::InvalidValue,
                "an enrolment keeps its class and learner: cancel it and register anew",
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &EnrolmentFilter) {
        eq(q, "class_id", f.class_id);
        eq(q, "learner_id", f.learner_id);
        eq(q, "status", f.status.map(|s| s.code()));
    }

    fn order(_key: EnrolmentSort) -> Order {
        Order::By("created_at")
    }
}
