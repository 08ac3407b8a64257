//! A class's roster and workflow in SQL: the roster read with its learners, attendance
//! marked per class day, workflow steps marked done, and the roster submitted at close —
//! which completes the class, writes a private class's training record (so recognition
//! earns its fee) and sends each attending learner the training survey, in one
//! transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::delivery::surveys::{SurveyAnswer, new_token};
use psops_core::education::class_surveys::{ClassSurvey, OpenedClassSurvey};
use psops_core::education::classes::{ClassId, ClassStatus, TrainingClass};
use psops_core::education::courses::Course;
use psops_core::education::enrolments::{
    Attendance, ClassStore, Enrolment, EnrolmentStatus, RosterLine, RosterOutcome, RosterSubmission, StepDone,
    survey_link, survey_message,
};
use psops_core::education::workflow::{ClassStep, StepView, workflow};
use psops_core::finance::training::{Training, TrainingFields};
use psops_core::notify::{Notice, NoticeKind};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::store::{RecordStore, WriteCtx};
use psops_core::{Error, FieldError, Result};
use time::{Date, OffsetDateTime};

use super::classes::completed_is_final;
use crate::Db;
use crate::db::{Row, Tx, Value, json_text, sql};
use crate::record::{create_in, persist, table, update_in};

fn line(r: &Row) -> Result<RosterLine> {
    Ok(RosterLine {
        enrolment_id: r.id("id")?,
        learner_id: r.id("learner_id")?,
        name: r.get("name")?,
        email: r.get("email")?,
        organisation: r.code("organisation")?,
        status: r.code("status")?,
        attended: r.json("attended")?,
    })
}

async fn roster_in(tx: &mut Tx, class: ClassId) -> Result<Vec<RosterLine>> {
    tx.all(
        sql(
            "SELECT e.id, e.learner_id, e.status, e.attended, l.name, l.email, l.organisation \
             FROM enrolments e JOIN learners l ON l.id = e.learner_id \
             WHERE e.class_id = $1 AND e.archived_at IS NULL ORDER BY LOWER(l.name), e.id",
        )
        .bind(class),
    )
    .await?
    .iter()
    .map(line)
    .collect()
}

/// The class, locked for the action, which must still be scheduled and live.
async fn open_class(tx: &mut Tx, class: ClassId) -> Result<TrainingClass> {
    let lock = tx.for_update();
    let c: TrainingClass = table::<TrainingClass>().get(tx, class.get(), lock).await?;
    if c.meta.is_archived() {
        return Err(Error::conflict(
            "class_id",
            Rule::Archived,
            format!("class {class} is archived: restore it first"),
        ));
    }
    completed_is_final(&c)?;
    Ok(c)
}

/// The columns the class's actions own, in `FIXED` order.
fn fixed(
    status: ClassStatus,
    roster_on: Option<Date>,
    c: &TrainingClass,
    steps: &BTreeMap<ClassStep, Date>,
) -> Vec<Value> {
    vec![
        status.code().into(),
        roster_on.into(),
        c.training_id.into(),
        json_text(steps),
    ]
}

#[async_trait]
impl ClassStore for Db {
    async fn class_surveys(&self, class: ClassId) -> Result<Vec<ClassSurvey>> {
        super::class_surveys::of_class(self, class).await
    }

    async fn open_class_survey(&self, token: &str, now: OffsetDateTime) -> Result<OpenedClassSurvey> {
        super::class_surveys::open(self, token, now).await
    }

    async fn answer_class_survey(
        &self,
        token: &str,
        answer: SurveyAnswer,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<ClassSurvey> {
        crate::delivery::links::answer(self, token, answer, request_id, now).await
    }

    async fn roster(&self, class: ClassId) -> Result<Vec<RosterLine>> {
        let mut tx = self.pools.begin().await?;
        let lines = roster_in(&mut tx, class).await?;
        tx.commit().await?;
        Ok(lines)
    }

    async fn mark_attendance(&self, ctx: &WriteCtx, class: ClassId, attendance: Attendance) -> Result<Vec<RosterLine>> {
        let mut tx = self.pools.begin().await?;
        let c = open_class(&mut tx, class).await?;
        let days = c.fields.days();
        let mut errors = Vec::new();
        for (i, row) in attendance.rows.iter().enumerate() {
            let field = format!("rows[{i}]");
            let found = table::<Enrolment>().get(&mut tx, row.enrolment_id.get(), "").await;
            let before = match found {
                Ok(e)
                    if e.fields.class_id == class
                        && e.fields.status == EnrolmentStatus::Registered
                        && !e.meta.is_archived() =>
                {
                    e
                }
                Ok(_) | Err(Error::NotFound { .. }) => {
                    errors.push(FieldError::new(
                        format!("{field}.enrolment_id"),
                        Rule::Exists,
                        format!("enrolment {} is not a registration on class {class}", row.enrolment_id),
                    ));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut marked = row.days.clone();
            marked.sort();
            marked.dedup();
            if let Some(outside) = marked.iter().find(|d| !days.contains(d)) {
                errors.push(FieldError::new(
                    format!("{field}.days"),
                    Rule::Range,
                    format!(
                        "{outside} is not a day of the class ({} to {})",
                        c.fields.start_date, c.fields.end_date
                    ),
                ));
                continue;
            }
            if marked != before.attended {
                persist::<Enrolment>(&mut tx, ctx, &before, vec![json_text(&marked)], &before.fields).await?;
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let lines = roster_in(&mut tx, class).await?;
        tx.commit().await?;
        Ok(lines)
    }

    async fn mark_step(&self, ctx: &WriteCtx, class: ClassId, done: StepDone) -> Result<TrainingClass> {
        if done.step == ClassStep::CloseOut {
            return Err(Error::invalid(
                "step",
                Rule::InvalidValue,
                "the close-out is done by submitting the roster",
            ));
        }
        let mut tx = self.pools.begin().await?;
        let c = open_class(&mut tx, class).await?;
        let mut steps = c.steps_done.clone();
        match done.done_on {
            Some(day) => steps.insert(done.step, day),
            None => steps.remove(&done.step),
        };
        let after = persist::<TrainingClass>(
            &mut tx,
            ctx,
            &c,
            fixed(c.status, c.roster_submitted_on, &c, &steps),
            &c.fields,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn class_workflow(&self, class: ClassId, today: Date) -> Result<Vec<StepView>> {
        let c: TrainingClass = RecordStore::<TrainingClass>::get(self, class).await?;
        Ok(workflow(c.fields.start_date, c.fields.end_date, &c.steps_done, today))
    }

    async fn submit_roster(
        &self,
        ctx: &WriteCtx,
        class: ClassId,
        submission: RosterSubmission,
        base: &str,
        now: OffsetDateTime,
    ) -> Result<RosterOutcome> {
        let mut tx = self.pools.begin().await?;
        let settings = crate::org::load(&mut tx).await?;
        let c = open_class(&mut tx, class).await?;
        let on = submission.submitted_on;
        if on < c.fields.end_date {
            return Err(Error::invalid(
                "submitted_on",
                Rule::ClassDates,
                format!(
                    "a roster is submitted at close: on or after the class's last day, {}",
                    c.fields.end_date
                ),
            ));
        }
        let lines = roster_in(&mut tx, class).await?;
        let registered: Vec<&RosterLine> = lines
            .iter()
            .filter(|l| l.status == EnrolmentStatus::Registered)
            .collect();
        if registered.is_empty() {
            return Err(Error::invalid(
                "class_id",
                Rule::NothingToSubmit,
                "the class has no registered learners: register them before submitting its roster",
            ));
        }
        let course: Course = table::<Course>().get(&mut tx, c.fields.course_id.get(), "").await?;
        // A private class's fee is earned once complete and rostered: its training record.
        let training = match (c.fields.project_id, c.fields.fee) {
            (Some(project_id), Some(fee)) => {
                let fields = TrainingFields {
                    project_id,
                    title: format!(
                        "{} class {} to {}",
                        course.fields.name, c.fields.start_date, c.fields.end_date
                    ),
                    amount: fee,
                    completed_on: Some(c.fields.end_date),
                    roster_received_on: Some(on),
                };
                Some(match c.training_id {
                    Some(id) => {
                        let current: Training = table::<Training>().get(&mut tx, id.get(), "").await?;
                        update_in::<Training>(&mut tx, ctx, &current, &fields).await?
                    }
                    None => create_in::<Training>(&mut tx, ctx, &fields).await?,
                })
            }
            _ => None,
        };
        // A public class's seats bought under customers' projects: each project earns its
        // seats at the class's seat price, on the same day.
        let mut seats = Vec::new();
        if let Some(price) = c.fields.seat_price {
            let mut bought: BTreeMap<i64, i64> = BTreeMap::new();
            for r in tx
                .all(
                    sql("SELECT project_id FROM enrolments WHERE class_id = $1 AND status = $2 \
                         AND project_id IS NOT NULL AND archived_at IS NULL")
                    .bind(class)
                    .bind(EnrolmentStatus::Registered.code()),
                )
                .await?
            {
                *bought.entry(r.get("project_id")?).or_default() += 1;
            }
            for (project, n) in bought {
                let fields = TrainingFields {
                    project_id: psops_core::Id::new(project),
                    title: format!(
                        "{} class {} to {}: {n} seat{}",
                        course.fields.name,
                        c.fields.start_date,
                        c.fields.end_date,
                        if n == 1 { "" } else { "s" }
                    ),
                    amount: price.checked_times(n).ok_or_else(|| {
                        Error::invalid("seat_price", Rule::Range, "seat_price × seats is too large an amount")
                    })?,
                    completed_on: Some(c.fields.end_date),
                    roster_received_on: Some(on),
                };
                seats.push(create_in::<Training>(&mut tx, ctx, &fields).await?);
            }
        }
        let mut steps = c.steps_done.clone();
        steps.insert(ClassStep::CloseOut, on);
        let mut values = fixed(ClassStatus::Completed, Some(on), &c, &steps);
        values[2] = training.as_ref().map(|t| t.id).or(c.training_id).into();
        let completed = persist::<TrainingClass>(&mut tx, ctx, &c, values, &c.fields).await?;
        let mut tokens = Vec::new();
        let expires_at = now + time::Duration::days(settings.surveys.link_days);
        for l in registered.iter().filter(|l| !l.attended.is_empty()) {
            let Some(email) = l.email.as_deref().filter(|e| !e.trim().is_empty()) else {
                continue;
            };
            let (token, hash) = new_token()?;
            let row = tx
                .one(
                    sql(
                        "INSERT INTO class_surveys (class_id, enrolment_id, to_name, to_email, token_hash, sent_by, \
                         sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(class)
                    .bind(l.enrolment_id)
                    .bind(l.name.trim())
                    .bind(email.trim())
                    .bind(hash)
                    .bind(ctx.user_id)
                    .bind(now)
                    .bind(expires_at),
                )
                .await?;
            let id: i64 = row.get("id")?;
            let record = serde_json::json!({
                "class_id": class.get(),
                "enrolment_id": l.enrolment_id.get(),
                "to_name": l.name,
                "to_email": email,
                "expires_at": expires_at.date().to_string(),
            });
            crate::audit::record(
                &mut tx,
                ctx,
                Entity::ClassSurvey,
                id,
                AuditAction::Create,
                None,
                Some(&record),
            )
            .await?;
            let link = survey_link(base, &token);
            let (subject, body) = survey_message(&l.name, &course.fields.name, &link, expires_at);
            crate::outbox::queue(
                &mut tx,
                &Notice {
                    kind: NoticeKind::Survey,
                    to_email: email.trim().to_string(),
                    to_name: l.name.clone(),
                    subject,
                    body,
                    project_id: c.fields.project_id,
                    about: Some(format!("class_survey:{id}")),
                },
            )
            .await?;
            tokens.push(token);
        }
        tx.commit().await?;
        Ok(RosterOutcome {
            class: completed,
            training,
            seats,
            surveys_sent: tokens.len() as i64,
            tokens,
        })
    }
}
