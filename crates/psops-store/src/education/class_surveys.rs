//! Training surveys in SQL: a link's token opened for the public page (the class's
//! course and dates and the learner's name) and answered once, before it expires, in one
//! transaction audited as the learner. The rules are the project survey's
//! (`psops_core::delivery::surveys`); only the table differs.

use psops_core::Error;
use psops_core::Result;
use psops_core::audit::AuditAction;
use psops_core::delivery::surveys::{self as s, SurveyAnswer, SurveyState};
use psops_core::education::class_surveys::{ClassSurvey, ClassSurveyView, OpenedClassSurvey};
use psops_core::error::Thing;
use psops_core::record::Entity;
use psops_core::store::WriteCtx;
use time::OffsetDateTime;

use crate::Db;
use crate::db::{Row, Tx, sql};

const COLUMNS: &str = "id, class_id, enrolment_id, to_name, expires_at, answered_at, score, comment";

fn read(r: &Row) -> Result<ClassSurvey> {
    Ok(ClassSurvey {
        id: r.id("id")?,
        class_id: r.id("class_id")?,
        enrolment_id: r.id("enrolment_id")?,
        to_name: r.get("to_name")?,
        expires_at: r.get("expires_at")?,
        answered_at: r.get("answered_at")?,
        score: r.get("score")?,
        comment: r.get("comment")?,
    })
}

async fn by_hash(tx: &mut Tx, hash: &str, lock: &str) -> Result<Option<ClassSurvey>> {
    tx.optional(
        sql(format!(
            "SELECT {COLUMNS} FROM class_surveys WHERE token_hash = $1{lock}"
        ))
        .bind(hash),
    )
    .await?
    .map(|r| read(&r))
    .transpose()
}

fn unknown() -> Error {
    Error::not_found(Thing::Entity(Entity::ClassSurvey), "")
}

pub(super) async fn open(db: &Db, token: &str, now: OffsetDateTime) -> Result<OpenedClassSurvey> {
    if !s::plausible_token(token) {
        return Ok(OpenedClassSurvey::Unknown);
    }
    let mut tx = db.pools.begin().await?;
    let Some(survey) = by_hash(&mut tx, &s::token_hash(token), "").await? else {
        return Ok(OpenedClassSurvey::Unknown);
    };
    Ok(match s::link_state(survey.answered_at, survey.expires_at, now) {
        SurveyState::Answered => OpenedClassSurvey::Answered,
        SurveyState::Expired => OpenedClassSurvey::Expired,
        SurveyState::Sent => {
            let class = tx
                .one(
                    sql("SELECT c.start_date, c.end_date, k.name FROM training_classes c \
                         JOIN courses k ON k.id = c.course_id WHERE c.id = $1")
                    .bind(survey.class_id),
                )
                .await?;
            OpenedClassSurvey::Open(ClassSurveyView {
                course: class.get("name")?,
                start_date: class.get("start_date")?,
                end_date: class.get("end_date")?,
                learner: survey.to_name,
            })
        }
    })
}

pub(super) async fn answer(
    db: &Db,
    token: &str,
    answer: SurveyAnswer,
    request_id: Option<String>,
    now: OffsetDateTime,
) -> Result<ClassSurvey> {
    if !s::plausible_token(token) {
        return Err(unknown());
    }
    answer.validate()?;
    let mut tx = db.pools.begin().await?;
    let lock = tx.for_update();
    let before = by_hash(&mut tx, &s::token_hash(token), lock)
        .await?
        .ok_or_else(unknown)?;
    s::check_answerable(before.answered_at, before.expires_at, now)?;
    // The answered_at IS NULL condition makes a second answer racing this one update
    // nothing (SQLite serialises writers; PostgreSQL holds the row).
    let row = tx
        .optional(
            sql(format!(
                "UPDATE class_surveys SET answered_at = $1, score = $2, comment = $3 \
                 WHERE id = $4 AND answered_at IS NULL RETURNING {COLUMNS}"
            ))
            .bind(now)
            .bind(answer.score)
            .bind(answer.kept_comment())
            .bind(before.id),
        )
        .await?
        .ok_or_else(s::already_answered)?;
    let after = read(&row)?;
    let mut ctx = WriteCtx::trusted();
    ctx.via = Some(format!("class_survey:enrolment:{}", after.enrolment_id));
    ctx.request_id = request_id;
    crate::audit::record(
        &mut tx,
        &ctx,
        Entity::ClassSurvey,
        after.id.get(),
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
