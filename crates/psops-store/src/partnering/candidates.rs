//! A resource request's candidates in SQL: the facts `psops_core::partnering::candidates`
//! ranks, in a fixed handful of queries whatever the headcount — everyone's capacity
//! from the utilization report's batched read (kept between calls), then their names,
//! their assignments over the dates, their levels in the asked skills, and the vetting of
//! the active partners' consultants.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::finance::burn::planned_minutes;
use psops_core::partnering::candidates::{Asked, Candidates, CandidatesStore, Load, candidates, partner_fits};
use psops_core::people::Function;
use psops_core::plan::{ResourceRequest, ResourceRequestId};
use psops_core::projects::Project;
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::store::RecordStore;
use psops_core::{Error, Id, Result};
use time::Date;

use crate::Db;
use crate::db::sql;

/// Names and partners of the people the request may go to: the role's, and every
/// partner's consultant.
struct Named {
    name: String,
    partner: Option<(i64, String)>,
}

#[async_trait]
impl CandidatesStore for Db {
    async fn request_candidates(&self, id: ResourceRequestId, today: Date) -> Result<Candidates> {
        let request: ResourceRequest = self.get(id).await?;
        let f = &request.fields;
        let project: Project = self.get(f.project_id).await?;
        let start = f.start_date.or(project.fields.start_date);
        let end = f.end_date.or(project.fields.end_date);
        let (Some(start), Some(end)) = (start, end) else {
            return Err(Error::invalid(
                "start_date",
                Rule::Required,
                "the request has no dates, nor has its project: give the request a start and an end date",
            ));
        };
        let range = DateRange::new(start, end)?;
        let settings = crate::org::load(&mut &self.pools).await?.vetting;
        let generic =
            f.role != Function::PartnerConsultant && partner_fits(Function::PartnerConsultant, f.role, &settings);

        // Capacity as the utilization report computes it, for the role and, when their
        // track fits it, for the partners' consultants without a precise function.
        let mut capable = Vec::new();
        for function in [Some(f.role), generic.then_some(Function::PartnerConsultant)]
            .into_iter()
            .flatten()
        {
            let filter = UtilizationFilter {
                function: Some(function),
                ..Default::default()
            };
            for c in crate::reports::capacities(self, range, &filter).await?.iter() {
                if !c.person.archived {
                    capable.push((
                        c.person.facts.person_id.get(),
                        c.person.facts.function,
                        c.calendar.available_minutes.get(),
                    ));
                }
            }
        }

        let who = "p.archived_at IS NULL AND (p.function = $1 OR p.partner_id IS NOT NULL)";
        let q = sql(format!(
            "SELECT p.id, p.name, p.partner_id, pa.name AS partner_name FROM people p \
             LEFT JOIN partners pa ON pa.id = p.partner_id WHERE {who}"
        ))
        .bind(f.role.code());
        let mut named: HashMap<i64, Named> = HashMap::new();
        for r in self.pools.all(q).await? {
            let partner = match r.get::<Option<i64>>("partner_id")? {
                Some(p) => Some((p, r.get::<Option<String>>("partner_name")?.unwrap_or_default())),
                None => None,
            };
            named.insert(
                r.get("id")?,
                Named {
                    name: r.get("name")?,
                    partner,
                },
            );
        }

        let q = sql(format!(
            "SELECT a.person_id, a.start_date, a.end_date, a.minutes_per_week FROM assignments a \
             JOIN people p ON p.id = a.person_id WHERE {who} AND a.archived_at IS NULL \
             AND a.start_date <= $2 AND (a.end_date IS NULL OR a.end_date >= $3)"
        ))
        .bind(f.role.code())
        .bind(range.end)
        .bind(range.start);
        let mut booked: HashMap<i64, i64> = HashMap::new();
        for r in self.pools.all(q).await? {
            let span = DateRange {
                start: r.get("start_date")?,
                end: r.get::<Option<Date>>("end_date")?.unwrap_or(range.end),
            };
            if let Some(overlap) = span.intersect(&range) {
                *booked.entry(r.get("person_id")?).or_default() += planned_minutes(r.get("minutes_per_week")?, overlap);
            }
        }

        let mut skills: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        if !f.required_skills.is_empty() {
            let mut q = sql("SELECT person_id, LOWER(skill) AS skill, level FROM person_skills \
                 WHERE archived_at IS NULL AND LOWER(skill) IN (");
            for (i, s) in f.required_skills.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push_bind(s.skill.trim().to_lowercase());
            }
            q.push(")");
            for r in self.pools.all(q).await? {
                skills
                    .entry(r.get("person_id")?)
                    .or_default()
                    .push((r.get("skill")?, r.get("level")?));
            }
        }

        let vetted: HashSet<i64> = crate::partnering::vetting::vetted_at_active_partners(&mut &self.pools, today)
            .await?
            .into_iter()
            .collect();

        let mut internal = Vec::new();
        let mut partners = Vec::new();
        for (id, function, capacity) in capable {
            let Some(n) = named.remove(&id) else { continue };
            let load = Load {
                person_id: Id::new(id),
                name: n.name,
                function,
                partner: n.partner.map(|(p, name)| (Id::new(p), name)),
                capacity_minutes: capacity,
                booked_minutes: booked.get(&id).copied().unwrap_or(0),
                skills: skills.remove(&id).unwrap_or_default(),
            };
            match load.partner {
                None => internal.push(load),
                // Only vetted consultants of active partners, of a fitting function.
                Some(_) if vetted.contains(&id) && partner_fits(function, f.role, &settings) => partners.push(load),
                Some(_) => {}
            }
        }
        Ok(candidates(
            (id, f.project_id, f.role, range.start, range.end),
            &Asked {
                minutes: f.minutes.get(),
                skills: &f.required_skills,
            },
            internal,
            partners,
        ))
    }
}
