//! The education report in SQL: four grouped reads — the completed classes of the range
//! with their registrations counted, the answered training surveys per trainer and
//! respondent organisation, the trainers with what their capacity is computed from, and
//! the training revenue recognition placed per month — and the capacity rules, whatever
//! the size of the organisation. Each trainer's capacity is the utilization report's
//! (the policy view), computed for the trainers only: reading everyone's time off for
//! a handful of trainers would cost more than the rest of the report. The figures are
//! `psops_core::education::report`'s.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::capacity::{PersonFacts, policy_view_resolved, resolve};
use psops_core::dates::DateRange;
use psops_core::education::report::{
    DeliveredClass, EducationReport, EducationReportStore, Inputs, SurveyGroup, TrainerFacts, TrainerScope, build,
};
use psops_core::finance::Month;
use psops_core::people::Fte;
use psops_core::store::OrgStore;
use psops_core::{Id, Result};
use time::Date;

use crate::db::{Sql, sql};
use crate::{Db, capacity_rules};

/// Narrows `training_classes c` to the completed, live classes whose last day is in the
/// range, of the scope's trainers.
fn delivered(q: &mut Sql, range: DateRange, scope: TrainerScope) {
    q.push(" c.archived_at IS NULL AND c.status = 'completed' AND c.end_date >= ")
        .push_bind(range.start)
        .push(" AND c.end_date <= ")
        .push_bind(range.end);
    if let TrainerScope::Partner(p) = scope {
        q.push(" AND c.trainer_id IN (SELECT id FROM people WHERE partner_id = ")
            .push_bind(p)
            .push(")");
    }
}

/// A class with its registrations (not cancelled) and those that attended a day.
struct ClassRow {
    id: i64,
    trainer: i64,
    start: Date,
    end: Date,
    addon: i64,
    filled: i64,
    attending: i64,
}

async fn classes(db: &Db, range: DateRange, scope: TrainerScope) -> Result<Vec<ClassRow>> {
    // An empty attendance list is stored as `[]`: anything else attended a day.
    let mut q = sql("SELECT c.id, c.trainer_id, c.start_date, c.end_date, c.addon_seats, \
         COALESCE(SUM(CASE WHEN e.status = 'registered' THEN 1 ELSE 0 END), 0) AS filled, \
         COALESCE(SUM(CASE WHEN e.status = 'registered' AND e.attended <> '[]' THEN 1 ELSE 0 END), 0) AS attending \
         FROM training_classes c LEFT JOIN enrolments e ON e.class_id = c.id AND e.archived_at IS NULL WHERE");
    delivered(&mut q, range, scope);
    q.push(" GROUP BY c.id, c.trainer_id, c.start_date, c.end_date, c.addon_seats ORDER BY c.end_date, c.id");
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(ClassRow {
                id: r.get("id")?,
                trainer: r.get("trainer_id")?,
                start: r.get("start_date")?,
                end: r.get("end_date")?,
                addon: r.get("addon_seats")?,
                filled: r.get("filled")?,
                attending: r.get("attending")?,
            })
        })
        .collect()
}

async fn surveys(db: &Db, range: DateRange, scope: TrainerScope) -> Result<Vec<SurveyGroup>> {
    let mut q = sql(
        "SELECT c.trainer_id, l.account_id, l.partner_id, COUNT(*) AS answered, \
         COALESCE(SUM(CASE WHEN s.score >= 4 THEN 1 ELSE 0 END), 0) AS satisfied \
         FROM class_surveys s JOIN training_classes c ON c.id = s.class_id \
         JOIN enrolments e ON e.id = s.enrolment_id JOIN learners l ON l.id = e.learner_id \
         WHERE s.score IS NOT NULL AND",
    );
    delivered(&mut q, range, scope);
    q.push(" GROUP BY c.trainer_id, l.account_id, l.partner_id");
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(SurveyGroup {
                trainer_id: r.id("trainer_id")?,
                respondent_account_id: r.get::<Option<i64>>("account_id")?.map(Id::new),
                respondent_partner_id: r.get::<Option<i64>>("partner_id")?.map(Id::new),
                answered: r.get("answered")?,
                satisfied: r.get("satisfied")?,
            })
        })
        .collect()
}

/// The trainers of the range's classes: name, partner and what their capacity is
/// computed from.
async fn trainers(db: &Db, range: DateRange, scope: TrainerScope) -> Result<Vec<(TrainerFacts, PersonFacts)>> {
    let mut q = sql(
        "SELECT p.id, p.name, p.partner_id, pa.name AS partner, p.function, p.region, p.fte_bp, \
         p.employment_start, p.employment_end FROM people p LEFT JOIN partners pa ON pa.id = p.partner_id \
         WHERE p.id IN (SELECT c.trainer_id FROM training_classes c WHERE",
    );
    delivered(&mut q, range, scope);
    q.push(")");
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| {
            let trainer_id = r.id("id")?;
            let facts = PersonFacts {
                person_id: trainer_id,
                function: r.code("function")?,
                region: r.get("region")?,
                fte: Fte::from_basis_points(r.get("fte_bp")?)?,
                employment_start: r.get("employment_start")?,
                employment_end: r.get("employment_end")?,
            };
            let named = TrainerFacts {
                trainer_id,
                name: r.get("name")?,
                partner_id: r.get::<Option<i64>>("partner_id")?.map(Id::new),
                partner: r.get("partner")?,
                capacity_minutes: 0,
            };
            Ok((named, facts))
        })
        .collect()
}

/// Training revenue per month, as recognition recorded it in the reporting currency: all
/// of it for the whole organisation (a training finance entered by hand, a public class's
/// seats too); for a partner, its trainers' private classes' fees — the only training
/// records that name their class.
async fn revenue(db: &Db, range: DateRange, scope: TrainerScope) -> Result<Vec<(Month, i64)>> {
    let mut q = sql(
        "SELECT l.month, CAST(SUM(s.reporting_minor) AS BIGINT) AS minor FROM ledger_sources s \
         JOIN ledger_lines l ON l.id = s.line_id \
         WHERE s.source = 'training' AND l.kind = 'revenue' AND l.month >= ",
    );
    q.push_bind(Month::of(range.start).first())
        .push(" AND l.month <= ")
        .push_bind(Month::of(range.end).first());
    if let TrainerScope::Partner(p) = scope {
        q.push(
            " AND s.source_id IN (SELECT c.training_id FROM training_classes c JOIN people p ON p.id = c.trainer_id \
             WHERE c.training_id IS NOT NULL AND p.partner_id = ",
        )
        .push_bind(p)
        .push(")");
    }
    q.push(" GROUP BY l.month");
    db.pools
        .all(q)
        .await?
        .iter()
        .map(|r| Ok((Month::of(r.get::<Date>("month")?), r.get("minor")?)))
        .collect()
}

#[async_trait]
impl EducationReportStore for Db {
    async fn education_report(&self, range: DateRange, scope: TrainerScope) -> Result<EducationReport> {
        // A year of classes, their registrations and surveys: kept until something it
        // reads changes (time entries do not: capacity is the policy view).
        let key = format!("education_report:{range:?}:{scope:?}");
        self.memo
            .get_counts(
                &self.pools,
                crate::follow::EDUCATION,
                key,
                self.read_education_report(range, scope),
            )
            .await
    }
}

impl Db {
    async fn read_education_report(&self, range: DateRange, scope: TrainerScope) -> Result<EducationReport> {
        let (classes, surveys, named, revenue, settings) = tokio::try_join!(
            classes(self, range, scope),
            surveys(self, range, scope),
            trainers(self, range, scope),
            revenue(self, range, scope),
            self.settings(),
        )?;
        let mut rules = &self.pools;
        let base = capacity_rules::base(&mut rules).await?;
        let overrides = capacity_rules::overrides(&mut rules).await?;
        let facts: HashMap<i64, &PersonFacts> = named.iter().map(|(t, f)| (t.trainer_id.get(), f)).collect();
        let mut delivered = Vec::with_capacity(classes.len());
        for c in &classes {
            // A class day takes a working day as the trainer's rules have it that day.
            let day_minutes = match facts.get(&c.trainer) {
                Some(f) => resolve(&base, &overrides, f, c.start)?.day_minutes,
                None => base.day_minutes,
            };
            delivered.push(DeliveredClass {
                class_id: Id::new(c.id),
                trainer_id: Id::new(c.trainer),
                start_date: c.start,
                end_date: c.end,
                addon_seats: i32::try_from(c.addon).unwrap_or(0),
                filled: c.filled,
                attending: c.attending,
                day_minutes,
            });
        }
        // A trainer's capacity is the utilization report's available time: the policy
        // view over the range, computed for the trainers alone rather than everyone.
        let mut trainers = Vec::with_capacity(named.len());
        for (t, f) in &named {
            let capacity = policy_view_resolved(&base, &overrides, f, range)?;
            trainers.push(TrainerFacts {
                capacity_minutes: capacity.available_minutes.get(),
                ..t.clone()
            });
        }
        Ok(build(Inputs {
            range,
            currency: settings.default_currency,
            classes: delivered,
            revenue,
            surveys,
            trainers,
        }))
    }
}
