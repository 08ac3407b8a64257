//! Training service partners' compliance in SQL: three grouped reads over the enrolled
//! partners' trainers (their certifications, their classes' surveys, their classes'
//! paperwork), judged by `psops_core::education::tsp::assess`.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::certifications::trainer_paths::own_organisation;
use psops_core::education::tsp::{Compliance, TspFacts, TspSettings, TspStore, assess, late};
use psops_core::fiscal::FiscalCalendar;
use psops_core::partners::PartnerId;
use psops_core::{Id, Result};
use time::{Date, OffsetDateTime};

use crate::Db;
use crate::db::{Sql, sql};

/// Cuts a read to the people of the partners enrolled by `as_of` (`column` holds the
/// partner).
fn enrolled(q: &mut Sql, column: &str, as_of: Date, partner: Option<PartnerId>) {
    q.push(&format!(
        " AND {column} IN (SELECT id FROM partners WHERE archived_at IS NULL AND training_since <= "
    ))
    .push_bind(as_of);
    if let Some(p) = partner {
        q.push(" AND id = ").push_bind(p);
    }
    q.push(")");
}

#[async_trait]
impl TspStore for Db {
    async fn tsp_compliance(
        &self,
        terms: &TspSettings,
        fiscal: &FiscalCalendar,
        as_of: Date,
        partner: Option<PartnerId>,
    ) -> Result<Vec<Compliance>> {
        // Kept until something it reads changes (time entries do not).
        let key = format!("tsp_compliance:{as_of}:{partner:?}:{terms:?}:{fiscal:?}");
        let read = self.read_tsp_compliance(terms, fiscal, as_of, partner);
        self.memo
            .get_counts(&self.pools, crate::follow::TRAINING_PARTNERS, key, read)
            .await
    }
}

impl Db {
    async fn read_tsp_compliance(
        &self,
        terms: &TspSettings,
        fiscal: &FiscalCalendar,
        as_of: Date,
        partner: Option<PartnerId>,
    ) -> Result<Vec<Compliance>> {
        // A partner is judged from the day it enrolled, not before.
        let mut q =
            sql("SELECT id, name, training_since FROM partners WHERE archived_at IS NULL AND training_since <= ");
        q.push_bind(as_of);
        if let Some(p) = partner {
            q.push(" AND id = ").push_bind(p);
        }
        q.push(" ORDER BY LOWER(name), id");
        let partners = self.pools.all(q).await?;
        if partners.is_empty() {
            return Ok(Vec::new());
        }
        let mut facts: HashMap<i64, TspFacts> = HashMap::new();

        // Certified trainers, and the live courses they cover together, on the day.
        let mut q = sql(
            "SELECT p.partner_id, COUNT(DISTINCT t.person_id) AS trainers, COUNT(DISTINCT t.course_id) AS courses \
             FROM course_trainers t JOIN people p ON p.id = t.person_id JOIN courses c ON c.id = t.course_id \
             WHERE t.archived_at IS NULL AND p.archived_at IS NULL AND c.archived_at IS NULL AND t.certified_on <= ",
        );
        q.push_bind(as_of)
            .push(" AND (t.expires_on IS NULL OR t.expires_on >= ")
            .push_bind(as_of)
            .push(")");
        enrolled(&mut q, "p.partner_id", as_of, partner);
        q.push(" GROUP BY p.partner_id");
        for r in self.pools.all(q).await? {
            let f = facts.entry(r.get("partner_id")?).or_default();
            f.trainers = r.get("trainers")?;
            f.courses = r.get("courses")?;
        }

        // Survey answers on their trainers' classes ended in the window, by who answered:
        // the trainer paths' rule (`own_organisation`) leaves out the partner's own people.
        let from = terms.window_start(as_of);
        let mut q = sql(
            "SELECT p.partner_id, l.account_id, l.partner_id AS respondent_partner, COUNT(*) AS answers, \
             COALESCE(SUM(CASE WHEN s.score >= 4 THEN 1 ELSE 0 END), 0) AS satisfied \
             FROM class_surveys s JOIN training_classes k ON k.id = s.class_id \
             JOIN people p ON p.id = k.trainer_id \
             JOIN enrolments e ON e.id = s.enrolment_id JOIN learners l ON l.id = e.learner_id \
             WHERE s.answered_at IS NOT NULL AND k.archived_at IS NULL AND k.end_date >= ",
        );
        q.push_bind(from).push(" AND k.end_date <= ").push_bind(as_of);
        enrolled(&mut q, "p.partner_id", as_of, partner);
        q.push(" GROUP BY p.partner_id, l.account_id, l.partner_id");
        for r in self.pools.all(q).await? {
            let own: PartnerId = r.id("partner_id")?;
            if own_organisation(r.opt_id("account_id")?, r.opt_id("respondent_partner")?, Some(own)) {
                continue;
            }
            let f = facts.entry(own.get()).or_default();
            f.answers += r.get::<i64>("answers")?;
            f.satisfied += r.get::<i64>("satisfied")?;
        }

        // Each class they delivered in the window, with the day its roster and its
        // first survey went in: a partner delivers tens of classes a year, not thousands.
        let mut q = sql("SELECT p.partner_id, k.id, k.end_date, k.roster_submitted_on, \
             (SELECT MIN(s.sent_at) FROM class_surveys s WHERE s.class_id = k.id) AS surveyed \
             FROM training_classes k JOIN people p ON p.id = k.trainer_id \
             WHERE k.archived_at IS NULL AND k.end_date >= ");
        q.push_bind(from).push(" AND k.end_date <= ").push_bind(as_of);
        enrolled(&mut q, "p.partner_id", as_of, partner);
        q.push(" ORDER BY k.end_date, k.id");
        for r in self.pools.all(q).await? {
            let f = facts.entry(r.get("partner_id")?).or_default();
            f.delivered += 1;
            let surveyed: Option<OffsetDateTime> = r.get("surveyed")?;
            if late(
                r.get("end_date")?,
                r.get("roster_submitted_on")?,
                surveyed.map(OffsetDateTime::date),
                as_of,
                terms.paperwork_days,
            ) {
                f.late.push(r.id("id")?);
            }
        }

        partners
            .iter()
            .map(|r| {
                let id: i64 = r.get("id")?;
                Ok(assess(
                    terms,
                    fiscal,
                    (Id::new(id), r.get("name")?),
                    r.get("training_since")?,
                    as_of,
                    facts.remove(&id).unwrap_or_default(),
                ))
            })
            .collect()
    }
}
