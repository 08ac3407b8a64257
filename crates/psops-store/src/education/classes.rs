//! Classes in SQL: a plain record kind whose checks are the class's gates — its course
//! in production, its trainer certified for the course on every class day, a private
//! class's project of its account, and never fewer seats than are taken. Its status,
//! roster day, training record and workflow steps are moved by the roster and step
//! actions (`roster.rs`).

use std::collections::BTreeMap;

use async_trait::async_trait;
use psops_core::accounts::Account;
use psops_core::code::Code;
use psops_core::education::classes::{
    ClassSort, ClassStatus, TrainingClass, TrainingClassFields, TrainingClassFilter, course_gate, trainer_gate,
};
use psops_core::education::courses::Course;
use psops_core::education::enrolments::EnrolmentStatus;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::{Error, Id, Result};

use super::{opt_text, person_scope};
use crate::catalog::live;
use crate::common::{eq, meta, overlaps};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored};

#[async_trait]
impl Stored for TrainingClass {
    const TABLE: &'static str = "training_classes";
    const LABEL: &'static str = "(SELECT name FROM courses WHERE courses.id = training_classes.course_id)";
    const TIES: Option<&'static str> = None;
    const FIXED: &'static [&'static str] = &["status", "roster_submitted_on", "training_id", "steps_done"];
    const COLUMNS: &'static [&'static str] = &[
        "course_id",
        "trainer_id",
        "start_date",
        "end_date",
        "time_zone",
        "delivery",
        "location",
        "audience",
        "account_id",
        "project_id",
        "fee_minor",
        "fee_currency",
        "addon_seats",
        "seat_price_minor",
        "seat_price_currency",
    ];

    fn read(r: &Row) -> Result<TrainingClass> {
        Ok(TrainingClass {
            id: r.id("id")?,
            fields: TrainingClassFields {
                course_id: r.id("course_id")?,
                trainer_id: r.id("trainer_id")?,
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                time_zone: r.get("time_zone")?,
                delivery: r.code("delivery")?,
                location: r.get("location")?,
                audience: r.code("audience")?,
                account_id: r.opt_id("account_id")?,
                project_id: r.opt_id("project_id")?,
                fee: r.opt_money("fee_minor", "fee_currency")?,
                addon_seats: i32::try_from(r.get::<i64>("addon_seats")?).unwrap_or(0),
                seat_price: r.opt_money("seat_price_minor", "seat_price_currency")?,
            },
            status: r.code("status")?,
            roster_submitted_on: r.get("roster_submitted_on")?,
            training_id: r.opt_id("training_id")?,
            steps_done: r.json("steps_done")?,
            meta: meta(r)?,
        })
    }

    fn values(f: &TrainingClassFields) -> Vec<Value> {
        vec![
            f.course_id.into(),
            f.trainer_id.into(),
            f.start_date.into(),
            f.end_date.into(),
            f.time_zone.trim().into(),
            f.delivery.code().into(),
            opt_text(&f.location),
            f.audience.code().into(),
            f.account_id.into(),
            f.project_id.into(),
            f.fee.map(|m| m.amount_minor).into(),
            f.fee.map(|m| m.currency.to_string()).into(),
            i64::from(f.addon_seats).into(),
            f.seat_price.map(|m| m.amount_minor).into(),
            f.seat_price.map(|m| m.currency.to_string()).into(),
        ]
    }

    fn fixed(_new: &TrainingClassFields) -> Vec<Value> {
        vec![
            ClassStatus::Scheduled.code().into(),
            Value::from(None::<time::Date>),
            Value::from(None::<i64>),
            json_text(&BTreeMap::<String, time::Date>::new()),
        ]
    }

    async fn check(tx: &mut Tx, f: &TrainingClassFields, me: Option<Id<TrainingClass>>) -> Result<()> {
        let course = live::<Course>(tx, f.course_id, "course_id", "course").await?;
        course_gate(&course)?;
        let trainer = live::<Person>(tx, f.trainer_id, "trainer_id", "person").await?;
        let held = tx
            .optional(
                sql(
                    "SELECT id FROM course_trainers WHERE person_id = $1 AND course_id = $2 \
                     AND archived_at IS NULL AND certified_on <= $3 \
                     AND (expires_on IS NULL OR expires_on >= $4) LIMIT 1",
                )
                .bind(f.trainer_id)
                .bind(f.course_id)
                .bind(f.start_date)
                .bind(f.end_date),
            )
            .await?;
        trainer_gate(held.is_some(), &trainer.fields.name, &course.fields.name, f)?;
        if let Some(account) = f.account_id {
            live::<Account>(tx, account, "account_id", "account").await?;
        }
        if let Some(project) = f.project_id {
            let p = live::<Project>(tx, project, "project_id", "project").await?;
            if f.account_id.is_some() && p.fields.account_id != f.account_id {
                return Err(Error::invalid(
                    "project_id",
                    Rule::AccountMismatch,
                    format!("{} is not a project of the class's account", p.fields.name),
                ));
            }
        }
        if let Some(me) = me {
            let taken = registered(tx, me).await?;
            if taken > i64::from(f.seats()) {
                return Err(Error::invalid(
                    "addon_seats",
                    Rule::ClassFull,
                    format!(
                        "{taken} learners are registered: the class needs at least {} add-on seats",
                        taken - i64::from(psops_core::education::classes::INCLUDED_SEATS)
                    ),
                ));
            }
        }
        Ok(())
    }

    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, before: &Self, _after: &TrainingClassFields) -> Result<()> {
        completed_is_final(before)
    }

    fn filter(q: &mut Sql, f: &TrainingClassFilter) {
        person_scope(q, &f.scope, "trainer_id");
        eq(q, "course_id", f.course_id);
        eq(q, "trainer_id", f.trainer_id);
        eq(q, "project_id", f.project_id);
        eq(q, "status", f.status.map(|s| s.code()));
        eq(q, "audience", f.audience.map(|a| a.code()));
        overlaps(q, "start_date", "end_date", f.from, f.to);
    }

    fn order(key: ClassSort) -> Order {
        match key {
            ClassSort::Start => Order::By("start_date"),
            ClassSort::End => Order::By("end_date"),
            ClassSort::Status => Order::By("status"),
            ClassSort::Audience => Order::By("audience"),
        }
    }
}

/// A completed class is the record its revenue and surveys came from: it no longer changes.
pub(super) fn completed_is_final(class: &TrainingClass) -> Result<()> {
    if class.status == ClassStatus::Scheduled {
        return Ok(());
    }
    Err(Error::conflict(
        "status",
        Rule::InvalidTransition,
        format!(
            "class {} is completed: its roster is in and it no longer changes",
            class.id
        ),
    ))
}

/// How many learners hold a seat on the class.
pub(super) async fn registered(tx: &mut Tx, class: Id<TrainingClass>) -> Result<i64> {
    let row = tx
        .one(
            sql("SELECT COUNT(*) AS n FROM enrolments WHERE class_id = $1 AND status = $2 AND archived_at IS NULL")
                .bind(class)
                .bind(EnrolmentStatus::Registered.code()),
        )
        .await?;
    row.get("n")
}
