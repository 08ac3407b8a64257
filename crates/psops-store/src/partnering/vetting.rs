//! Vetting in SQL: the facts `psops_core::partnering::vetting_state::assess` reads, for
//! one consultant (the assignment gate, inside its transaction) or all of a partner's
//! (the pipeline), in one query per kind of record.

use std::collections::HashMap;

use async_trait::async_trait;
use psops_core::Result;
use psops_core::partnering::onboarding::PartnerStatus;
use psops_core::partnering::vetting::{ConsultantVetting, VettingPipeline, VettingSettings, VettingStore};
use psops_core::partnering::vetting_state::{ReviewFact, Vetting, VettingFacts, assess};
use psops_core::partners::PartnerId;
use psops_core::people::{Function, PersonId};
use psops_core::skills::{PersonCertificationFields, PersonSkillFields};
use time::Date;

use crate::Db;
use crate::common::Exec;
use crate::db::sql;
use crate::record::table;

/// A consultant and what their vetting reads.
struct Candidate {
    id: i64,
    name: String,
    function: Function,
    partner_id: Option<i64>,
    partner_status: Option<PartnerStatus>,
    skills: Vec<PersonSkillFields>,
    certifications: Vec<PersonCertificationFields>,
    reviews: Vec<ReviewFact>,
}

impl Candidate {
    fn vetting(&self, settings: &VettingSettings, today: Date) -> Vetting {
        if self.partner_id.is_none() {
            return Vetting::not_needed();
        }
        assess(
            &VettingFacts {
                function: self.function,
                partner_status: self.partner_status.unwrap_or(PartnerStatus::Prospect),
                skills: &self.skills,
                certifications: &self.certifications,
                reviews: &self.reviews,
            },
            settings,
            today,
        )
    }
}

impl Candidate {
    fn line(self, settings: &VettingSettings, today: Date, partner: PartnerId) -> ConsultantVetting {
        let vetting = self.vetting(settings, today);
        ConsultantVetting {
            person_id: PersonId::new(self.id),
            name: self.name,
            function: self.function,
            partner_id: partner,
            vetting,
        }
    }
}

fn pipeline(partner: PartnerId) -> VettingPipeline {
    VettingPipeline {
        partner_id: partner,
        vetted: 0,
        in_vetting: 0,
        not_started: 0,
        failed: 0,
        consultants: Vec::new(),
    }
}

/// Every partner's pipeline on `today`, from one read of all their consultants (the
/// partner report counts them all at once).
pub(crate) async fn pipelines<E: Exec>(e: &mut E, today: Date) -> Result<HashMap<i64, VettingPipeline>> {
    let settings = crate::org::load(e).await?.vetting;
    let mut out: HashMap<i64, VettingPipeline> = HashMap::new();
    // `$1` is 0: every id is above it (the query text takes one key).
    for c in candidates(e, "p.partner_id IS NOT NULL AND p.id > $1", 0).await? {
        let Some(partner) = c.partner_id else { continue };
        let partner = PartnerId::new(partner);
        let p = out.entry(partner.get()).or_insert_with(|| pipeline(partner));
        p.consultants.push(c.line(&settings, today, partner));
    }
    out.values_mut().for_each(VettingPipeline::recount);
    Ok(out)
}

/// The people `who` picks (`p.id = $1` or `p.partner_id = $1`, live ones) with their
/// skills, certifications and reviews, by name.
async fn candidates<E: Exec>(e: &mut E, who: &str, key: i64) -> Result<Vec<Candidate>> {
    let q = sql(format!(
        "SELECT p.id, p.name, p.function, p.partner_id, pa.status AS partner_status FROM people p \
         LEFT JOIN partners pa ON pa.id = p.partner_id WHERE {who} AND p.archived_at IS NULL \
         ORDER BY LOWER(p.name), p.id"
    ))
    .bind(key);
    let mut out = Vec::new();
    let mut at = HashMap::new();
    for r in e.all(q).await? {
        let status: Option<String> = r.get("partner_status")?;
        at.insert(r.get::<i64>("id")?, out.len());
        out.push(Candidate {
            id: r.get("id")?,
            name: r.get("name")?,
            function: r.code("function")?,
            partner_id: r.get("partner_id")?,
            partner_status: status.map(|s| psops_core::code::Code::from_code(&s)).transpose()?,
            skills: Vec::new(),
            certifications: Vec::new(),
            reviews: Vec::new(),
        });
    }
    if out.is_empty() {
        return Ok(out);
    }
    let people = format!("(SELECT p.id FROM people p WHERE {who})");
    let q = sql(format!(
        "SELECT person_id, skill, level FROM person_skills WHERE archived_at IS NULL AND person_id IN {people}"
    ))
    .bind(key);
    for r in e.all(q).await? {
        if let Some(&i) = at.get(&r.get::<i64>("person_id")?) {
            out[i].skills.push(PersonSkillFields {
                skill: r.get("skill")?,
                level: r.get("level")?,
                growth: false,
            });
        }
    }
    let q = sql(format!(
        "SELECT person_id, code, name, issued_on, expires_on FROM person_certifications \
         WHERE archived_at IS NULL AND person_id IN {people}"
    ))
    .bind(key);
    for r in e.all(q).await? {
        if let Some(&i) = at.get(&r.get::<i64>("person_id")?) {
            out[i].certifications.push(PersonCertificationFields {
                code: r.get("code")?,
                name: r.get("name")?,
                issued_on: r.get("issued_on")?,
                expires_on: r.get("expires_on")?,
            });
        }
    }
    let q = sql(format!(
        "SELECT v.person_id, v.step, v.held_on, v.outcome, rv.function AS reviewer_function, \
         rv.partner_id AS reviewer_partner FROM vetting_reviews v JOIN people rv ON rv.id = v.reviewer_id \
         WHERE v.archived_at IS NULL AND v.person_id IN {people} ORDER BY v.held_on, v.id"
    ))
    .bind(key);
    for r in e.all(q).await? {
        if let Some(&i) = at.get(&r.get::<i64>("person_id")?) {
            out[i].reviews.push(ReviewFact {
                step: r.code("step")?,
                held_on: r.get("held_on")?,
                outcome: r.code("outcome")?,
                reviewer_function: r.code("reviewer_function")?,
                reviewer_internal: r.get::<Option<i64>>("reviewer_partner")?.is_none(),
            });
        }
    }
    Ok(out)
}

/// One person's vetting on `today`, read where the caller is (a write's transaction).
pub(crate) async fn of<E: Exec>(e: &mut E, person: PersonId, today: Date) -> Result<Vetting> {
    let settings = crate::org::load(e).await?.vetting;
    let found = candidates(e, "p.id = $1", person.get()).await?;
    Ok(match found.first() {
        Some(c) => c.vetting(&settings, today),
        None => Vetting::not_needed(),
    })
}

/// The consultants of active partners vetted on `today`: those a resource request's
/// candidates may name. Partners are few; their consultants' records are read at once.
pub(crate) async fn vetted_at_active_partners<E: Exec>(e: &mut E, today: Date) -> Result<Vec<i64>> {
    let settings = crate::org::load(e).await?.vetting;
    // `$1` is 0: every id is above it (the query text takes one key).
    let who = "p.partner_id IN (SELECT id FROM partners WHERE status = 'active' AND archived_at IS NULL) AND p.id > $1";
    Ok(candidates(e, who, 0)
        .await?
        .into_iter()
        .filter(|c| c.vetting(&settings, today).is_vetted())
        .map(|c| c.id)
        .collect())
}

#[async_trait]
impl VettingStore for Db {
    async fn vetting(&self, person: PersonId, today: Date) -> Result<Vetting> {
        let e = &mut &self.pools;
        table::<psops_core::people::Person>().get(e, person.get(), "").await?;
        of(e, person, today).await
    }

    async fn vetting_pipeline(&self, partner: PartnerId, today: Date) -> Result<VettingPipeline> {
        let e = &mut &self.pools;
        table::<psops_core::partners::Partner>()
            .get(e, partner.get(), "")
            .await?;
        let settings = crate::org::load(e).await?.vetting;
        let mut p = pipeline(partner);
        for c in candidates(e, "p.partner_id = $1", partner.get()).await? {
            p.consultants.push(c.line(&settings, today, partner));
        }
        p.recount();
        Ok(p)
    }
}
