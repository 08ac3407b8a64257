//! Trainer candidates' certification paths in SQL: the record (its deliveries a JSON
//! list), what its checklist reads — the trainer's organisation, whether the trainer
//! they shadowed was certified that day, the course's certification and the certificate
//! the trainer holds — and certifying, which writes the course trainer record. The
//! course trainer record's own check calls [`gate`], so no interface certifies a
//! trainer without a complete path. The rules are
//! `psops_core::certifications::trainer_paths`'.

use async_trait::async_trait;
use psops_core::certifications::trainer_paths::{
    CandidacyFields, CandidacyFilter, CandidacySort, Checklist, PathFacts, TrainerCandidacy, TrainerCandidacyId,
    TrainerPathStore, check_complete, checklist,
};
use psops_core::code::Code;
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields};
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::{Error, Id, Result};
use time::Date;

use crate::Db;
use crate::common::{Exec, ensure_exists, eq, meta};
use crate::db::{Row, Sql, Tx, Value, json_text, sql};
use crate::record::{Order, Stored, create_in, table};

#[async_trait]
impl Stored for TrainerCandidacy {
    const TABLE: &'static str = "trainer_candidacies";
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "course_id",
        "path",
        "started_on",
        "resources_reviewed_on",
        "shadowed_trainer_id",
        "shadowed_on",
        "ttt_session_on",
        "dry_run_on",
        "dry_run_minutes",
        "training_experience_months",
        "educator_certificate",
        "vendor_trainer_credential",
        "deliveries",
        "notes",
    ];
    const UNIQUE: Option<(&'static str, &'static str)> = Some((
        "path",
        "the person already has a live path of this kind for this course",
    ));
    const LABEL: &'static str = "path";
    const TIES: Option<&'static str> = None;

    fn read(r: &Row) -> Result<TrainerCandidacy> {
        Ok(TrainerCandidacy {
            id: r.id("id")?,
            fields: CandidacyFields {
                person_id: r.id("person_id")?,
                course_id: r.id("course_id")?,
                path: r.code("path")?,
                started_on: r.get("started_on")?,
                resources_reviewed_on: r.get("resources_reviewed_on")?,
                shadowed_trainer_id: r.get::<Option<i64>>("shadowed_trainer_id")?.map(Id::new),
                shadowed_on: r.get("shadowed_on")?,
                ttt_session_on: r.get("ttt_session_on")?,
                dry_run_on: r.get("dry_run_on")?,
                dry_run_minutes: r.get("dry_run_minutes")?,
                training_experience_months: r.get("training_experience_months")?,
                educator_certificate: r.get("educator_certificate")?,
                vendor_trainer_credential: r.get("vendor_trainer_credential")?,
                deliveries: r.json("deliveries")?,
                notes: r.get("notes")?,
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &CandidacyFields) -> Vec<Value> {
        vec![
            f.person_id.into(),
            f.course_id.into(),
            f.path.code().into(),
            f.started_on.into(),
            f.resources_reviewed_on.into(),
            f.shadowed_trainer_id.into(),
            f.shadowed_on.into(),
            f.ttt_session_on.into(),
            f.dry_run_on.into(),
            f.dry_run_minutes.into(),
            f.training_experience_months.into(),
            f.educator_certificate.clone().into(),
            f.vendor_trainer_credential.clone().into(),
            json_text(&f.deliveries),
            f.notes.clone().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &CandidacyFields, _me: Option<Id<Self>>) -> Result<()> {
        ensure_exists(tx, "people", Some(f.person_id.get()), "person_id", "person").await?;
        ensure_exists(tx, "courses", Some(f.course_id.get()), "course_id", "course").await?;
        ensure_exists(
            tx,
            "people",
            f.shadowed_trainer_id.map(|p| p.get()),
            "shadowed_trainer_id",
            "person",
        )
        .await?;
        for (i, d) in f.deliveries.iter().enumerate() {
            for (j, s) in d.scores.iter().enumerate() {
                let at = format!("deliveries[{i}].scores[{j}]");
                let account = s.respondent_account_id.map(|a| a.get());
                ensure_exists(
                    tx,
                    "accounts",
                    account,
                    &format!("{at}.respondent_account_id"),
                    "account",
                )
                .await?;
                let partner = s.respondent_partner_id.map(|p| p.get());
                ensure_exists(
                    tx,
                    "partners",
                    partner,
                    &format!("{at}.respondent_partner_id"),
                    "partner",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn changing(_tx: &mut Tx, _ctx: &WriteCtx, before: &Self, after: &CandidacyFields) -> Result<()> {
        let same = before.fields.person_id == after.person_id
            && before.fields.course_id == after.course_id
            && before.fields.path == after.path;
        if !same {
            return Err(Error::invalid(
                "path",
                Rule::InvalidValue,
                "a path's person, course and kind do not change: open a new path",
            ));
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &CandidacyFilter) {
        eq(q, "person_id", f.person_id);
        eq(q, "course_id", f.course_id);
        if let Some(p) = f.partner_id {
            q.push(" AND person_id IN (SELECT id FROM people WHERE partner_id = ")
                .push_bind(p)
                .push(")");
        }
    }

    fn order(key: CandidacySort) -> Order {
        match key {
            CandidacySort::StartedOn => Order::By("started_on"),
            CandidacySort::Path => Order::By("path"),
        }
    }
}

/// What the checklist of a path reads, on `today`.
async fn facts<E: Exec>(e: &mut E, f: &CandidacyFields, today: Date) -> Result<PathFacts> {
    let own = e
        .all(sql("SELECT partner_id FROM people WHERE id = $1").bind(f.person_id))
        .await?;
    let own_partner = match own.first() {
        Some(r) => r.get::<Option<i64>>("partner_id")?.map(Id::new),
        None => None,
    };
    let shadowed_trainer_certified = match (f.shadowed_trainer_id, f.shadowed_on) {
        (Some(t), Some(day)) => {
            let q = sql(
                "SELECT id FROM course_trainers WHERE person_id = $1 AND course_id = $2 AND archived_at IS NULL \
                 AND certified_on <= $3 AND (expires_on IS NULL OR expires_on >= $3)",
            )
            .bind(t)
            .bind(f.course_id)
            .bind(day);
            !e.all(q).await?.is_empty()
        }
        _ => false,
    };
    let q = sql(
        "SELECT id FROM course_trainers WHERE course_id = $1 AND archived_at IS NULL \
         AND certified_on <= $2 AND (expires_on IS NULL OR expires_on >= $2)",
    )
    .bind(f.course_id)
    .bind(f.started_on);
    let course_had_trainer = !e.all(q).await?.is_empty();
    let q = sql("SELECT id, name FROM certifications WHERE course_id = $1 AND archived_at IS NULL ORDER BY id LIMIT 1")
        .bind(f.course_id);
    let course = e.all(q).await?;
    let (course_certification, certificate) = match course.first() {
        None => (None, None),
        Some(r) => {
            let cert: i64 = r.get("id")?;
            let q = sql(
                "SELECT c.number, c.expires_on FROM certificates c JOIN learners l ON l.id = c.learner_id \
                 WHERE l.person_id = $1 AND c.certification_id = $2 AND c.archived_at IS NULL \
                 AND c.revoked_on IS NULL AND c.issued_on <= $3 AND c.expires_on >= $3 \
                 ORDER BY c.expires_on DESC, c.id LIMIT 1",
            )
            .bind(f.person_id)
            .bind(cert)
            .bind(today);
            let held = match e.all(q).await?.first() {
                Some(c) => Some((c.get::<String>("number")?, c.get::<Date>("expires_on")?)),
                None => None,
            };
            (Some(r.get::<String>("name")?), held)
        }
    };
    let settings = crate::org::load(e).await?;
    Ok(PathFacts {
        own_partner,
        shadowed_trainer_certified,
        course_had_trainer,
        course_certification,
        certificate,
        fiscal: settings.fiscal_calendar(),
    })
}

/// The checklist of a path on `today`.
async fn checklist_of<E: Exec>(e: &mut E, f: &CandidacyFields, today: Date) -> Result<(Checklist, PathFacts)> {
    let facts = facts(e, f, today).await?;
    Ok((checklist(f, &facts), facts))
}

/// The rule a new course trainer record answers to: its person's path for the course
/// (of the record's kind) is complete on the day it certifies them. Called from the course trainer record's
/// `check`, so every way of writing one goes through it.
pub(crate) async fn gate(tx: &mut Tx, f: &CourseTrainerFields) -> Result<()> {
    let q = sql(
        "SELECT id FROM trainer_candidacies WHERE person_id = $1 AND course_id = $2 AND path = $3 \
         AND archived_at IS NULL",
    )
    .bind(f.person_id)
    .bind(f.course_id)
    .bind(f.path.code());
    let Some(row) = tx.optional(q).await? else {
        return check_complete(None);
    };
    let path = table::<TrainerCandidacy>().get(tx, row.get::<i64>("id")?, "").await?;
    let (list, _) = checklist_of(tx, &path.fields, f.certified_on).await?;
    check_complete(Some(&list))
}

#[async_trait]
impl TrainerPathStore for Db {
    async fn trainer_checklist(&self, id: TrainerCandidacyId, today: Date) -> Result<Checklist> {
        let path = table::<TrainerCandidacy>().get(&mut &self.pools, id.get(), "").await?;
        Ok(checklist_of(&mut &self.pools, &path.fields, today).await?.0)
    }

    async fn certify_trainer(&self, ctx: &WriteCtx, id: TrainerCandidacyId, today: Date) -> Result<CourseTrainer> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let path = table::<TrainerCandidacy>().get(&mut tx, id.get(), lock).await?;
        if path.meta.is_archived() {
            return Err(Error::conflict("path", Rule::Archived, "the path is archived"));
        }
        let f = &path.fields;
        let (list, facts) = checklist_of(&mut tx, f, today).await?;
        check_complete(Some(&list))?;
        let current = sql(
            "SELECT id FROM course_trainers WHERE person_id = $1 AND course_id = $2 AND archived_at IS NULL \
             AND certified_on <= $3 AND (expires_on IS NULL OR expires_on >= $3)",
        )
        .bind(f.person_id)
        .bind(f.course_id)
        .bind(today);
        if tx.optional(current).await?.is_some() {
            return Err(Error::conflict(
                "person_id",
                Rule::AlreadyCertified,
                "the trainer is already certified for this course",
            ));
        }
        let trainer = CourseTrainerFields {
            person_id: f.person_id,
            course_id: f.course_id,
            path: f.path,
            certified_on: today,
            expires_on: facts.certificate.map(|(_, until)| until),
        };
        let made = create_in::<CourseTrainer>(&mut tx, ctx, &trainer).await?;
        tx.commit().await?;
        Ok(made)
    }
}
