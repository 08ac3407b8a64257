//! Training surveys in SQL: a link's token opened for the public page (the class's
//! course and dates and the learner's name) and answered once, before it expires, in one
//! transaction audited as the learner. The rules are the project survey's
//! (`psops_core::delivery::surveys`); only the table differs.

use psops_core::Result;
use psops_core::delivery::surveys::{self as s, SurveyState};
use psops_core::education::class_surveys::{ClassSurvey, ClassSurveyView, OpenedClassSurvey};
use psops_core::education::classes::ClassId;
use psops_core::record::Entity;
use time::OffsetDateTime;

use crate::Db;
use crate::db::{Row, sql};
use crate::delivery::links::{self, Linked};

impl Linked for ClassSurvey {
    const TABLE: &'static str = "class_surveys";
    const COLUMNS: &'static str = "id, class_id, enrolment_id, to_name, expires_at, answered_at, score, comment";
    const ALSO: &'static str = "";
    const ENTITY: Entity = Entity::ClassSurvey;

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
    fn id(&self) -> i64 {
        self.id.get()
    }
    fn answered_at(&self) -> Option<OffsetDateTime> {
        self.answered_at
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
    fn via(&self) -> String {
        format!("class_survey:enrolment:{}", self.enrolment_id)
    }
}

pub(super) async fn of_class(db: &Db, class: ClassId) -> Result<Vec<ClassSurvey>> {
    let q = sql(format!(
        "SELECT {} FROM class_surveys WHERE class_id = $1 ORDER BY id",
        <ClassSurvey as Linked>::COLUMNS
    ))
    .bind(class);
    db.pools
        .all(q)
        .await?
        .iter()
        .map(<ClassSurvey as Linked>::read)
        .collect()
}

pub(super) async fn open(db: &Db, token: &str, now: OffsetDateTime) -> Result<OpenedClassSurvey> {
    let mut tx = db.pools.begin().await?;
    let Some(survey) = links::by_token::<ClassSurvey>(&mut tx, token, false).await? else {
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
