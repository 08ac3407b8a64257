//! Everyone's skills and certifications, for staffing to match on: each of the company's
//! own people gets the skills of their function at levels that grow with tenure, a few
//! growth areas, and the certifications their work asks for — some lapsing within the
//! year, so a request running past the expiry rules them out. Partners' consultants get
//! theirs when they are vetted.

use psops_core::bulk::{OrgRecords, Seeded};
use psops_core::people::{Function, PersonId};
use psops_core::skills::{NewPersonCertification, NewPersonSkill, PersonCertificationFields, PersonSkillFields};
use time::{Date, Duration};

use crate::rng::Rng;

/// The skills of each kind of work; the first ones are the commonest.
fn skills_of(f: Function) -> &'static [&'static str] {
    match f {
        Function::Engineer | Function::PartnerConsultant => &[
            "GitLab CI/CD",
            "Kubernetes",
            "Migrations",
            "Terraform",
            "Security scanning",
            "Python",
            "Observability",
            "Geo replication",
        ],
        Function::TechnicalArchitect => &[
            "Solution architecture",
            "Kubernetes",
            "GitLab CI/CD",
            "Migrations",
            "Security scanning",
            "High availability",
        ],
        Function::ProjectManager | Function::ProgramManager => &[
            "Project management",
            "Stakeholder management",
            "Agile coaching",
            "Risk management",
            "Budget control",
        ],
        Function::Trainer => &[
            "Instructional design",
            "GitLab CI/CD",
            "Agile coaching",
            "Security scanning",
        ],
        _ => &["Stakeholder management", "Reporting"],
    }
}

/// The certifications (vetting's codes) the function's work asks for.
fn certifications_of(f: Function) -> &'static [&'static str] {
    match f {
        Function::Engineer | Function::TechnicalArchitect => &["migration", "cka"],
        Function::ProjectManager | Function::ProgramManager => &["pm", "pm_specialist"],
        Function::Trainer => &["migration"],
        _ => &[],
    }
}

/// Adds skills and certifications for the company's own people in `records`.
pub(crate) fn add(records: &mut OrgRecords, rng: &mut Rng, today: Date) {
    let mut skill_id = records.person_skills.len() as i64;
    let mut cert_id = records.person_certifications.len() as i64;
    let people: Vec<(i64, Function, Date)> = records
        .people
        .iter()
        .filter(|p| p.fields.partner_id.is_none())
        .map(|p| (p.id, p.fields.function, p.fields.employment_start))
        .collect();
    for (id, function, start) in people {
        let years = ((today - start).whole_days() / 365).clamp(0, 10);
        let all = skills_of(function);
        // Three to five of their function's skills, the common ones likelier.
        let count = (3 + rng.below(3) as usize).min(all.len());
        let first = rng.below(2) as usize;
        let mut taken: Vec<&str> = Vec::with_capacity(count);
        for k in 0..count {
            let skill = all[(first + k * 2 + rng.below(2) as usize) % all.len()];
            if taken.contains(&skill) {
                continue;
            }
            taken.push(skill);
            // Seniority lifts the level; the first skill is their strongest.
            let base = 1 + years / 3 + i64::from(k == 0);
            let level = (base + rng.between(0, 2)).clamp(1, 5);
            skill_id += 1;
            records.person_skills.push(Seeded {
                id: skill_id,
                fields: NewPersonSkill {
                    person_id: PersonId::new(id),
                    fields: PersonSkillFields {
                        skill: skill.into(),
                        level,
                        growth: level <= 3 && rng.chance(25),
                    },
                },
            });
        }
        for code in certifications_of(function) {
            if !rng.chance(45 + 5 * years as u64) {
                continue;
            }
            let issued = today - Duration::days(rng.between(60, 900));
            // Two-year certifications: some lapse within the planning year.
            let expires = issued + Duration::days(730);
            cert_id += 1;
            records.person_certifications.push(Seeded {
                id: cert_id,
                fields: NewPersonCertification {
                    person_id: PersonId::new(id),
                    fields: PersonCertificationFields {
                        code: (*code).into(),
                        name: crate::vetting::certification_name(code),
                        issued_on: issued,
                        expires_on: Some(expires),
                    },
                },
            });
        }
    }
}
