//! The demo's partners as they stand after a year: Meridian (staff augmentation) and
//! Cascade (project-based) onboarded — their checklists ticked by ops over a few weeks
//! before the demo starts — with contacts and every consultant vetted before their first
//! assignment; a third partner, Northwind (direct), with its shorter checklist; and a
//! few candidates still in vetting (one not started, one waiting for an interview, one
//! failed) so the vetting pipeline looks like a real one. Everything goes through the
//! store's ordinary, audited calls, after the bulk load.

use psops_core::Error;
use psops_core::Result;
use psops_core::auth::{Role, UserId};
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContactFields};
use psops_core::partnering::onboarding::{PartnerMove, PartnerStatus, checklist};
use psops_core::partnering::vetting::{NewVettingReview, ReviewOutcome, VettingReviewFields, VettingStep};
use psops_core::partners::{PartnerFields, PartnerId, PartnerType};
use psops_core::people::{Function, PersonFields, PersonId};
use psops_core::skills::{NewPersonCertification, NewPersonSkill, PersonCertificationFields, PersonSkillFields};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use time::{Date, Duration};

use crate::DemoOrg;
use crate::rng::Rng;
use crate::vetting::{Reviewers, certification_name, vet};

/// People the demo adds beside the generated organisation: Northwind's two
/// consultants and three candidates of Meridian and Cascade.
pub const PEOPLE_ADDED: i64 = 5;

const SKILLS: &[&str] = &[
    "GitLab CI/CD",
    "Kubernetes",
    "Terraform",
    "Migrations",
    "Security scanning",
    "Agile coaching",
    "Python",
    "Observability",
];

fn made<T>(c: Created<T>) -> Result<T> {
    match c {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => Err(Error::internal("a demo create was replayed")),
    }
}

async fn onboard(store: &dyn Store, ctx: &WriteCtx, id: PartnerId, t: PartnerType, start: Date) -> Result<()> {
    let mv = |to, on| PartnerMove { to, on: Some(on) };
    store
        .move_partner(ctx, id, None, mv(PartnerStatus::Onboarding, start), start)
        .await?;
    // The paperwork first, a few days apart, then access, the buddy and the training.
    for (i, item) in checklist(t).iter().enumerate() {
        store
            .tick(ctx, id, *item, start + Duration::days(3 * i as i64 + 2))
            .await?;
    }
    let live = start + Duration::days(3 * checklist(t).len() as i64 + 3);
    store
        .move_partner(ctx, id, None, mv(PartnerStatus::Active, live), live)
        .await?;
    Ok(())
}

async fn contacts(store: &dyn Store, ctx: &WriteCtx, id: PartnerId, domain: &str, rng: &mut Rng) -> Result<()> {
    for role in ["Delivery lead", "Account manager"] {
        let first = *rng.pick(crate::names::FIRST_NAMES);
        let last = *rng.pick(crate::names::LAST_NAMES);
        let fields = PartnerContactFields {
            name: format!("{first} {last}"),
            email: Some(format!("{}.{}@{domain}", ascii(first), ascii(last))),
            phone: Some(format!("+1 555 01{:02}", rng.below(100))),
            role: Some(role.into()),
        };
        store.create(ctx, NewPartnerContact { partner_id: id, fields }).await?;
    }
    Ok(())
}

fn ascii(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_lowercase()
}

fn skills(rng: &mut Rng) -> Vec<(&'static str, i64)> {
    let first = rng.below(SKILLS.len() as u64) as usize;
    (0..3)
        .map(|k| (SKILLS[(first + k * 3) % SKILLS.len()], rng.between(2, 5)))
        .collect()
}

pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let ops = users
        .iter()
        .find(|(r, _)| *r == Role::Ops)
        .map(|(_, u)| crate::catalog::as_user(*u))
        .unwrap_or_else(|| ctx.clone());
    let records = org.records();
    let range = org.spec().range();
    let mut rng = Rng::derive(org.spec().seed, 41);
    let start = range.start - Duration::days(90);
    // The company's people who vet: a technical architect interviews engineers (the
    // senior engineer), another watches the videos.
    let internal = |f: Function| {
        records
            .people
            .iter()
            .filter(|p| p.fields.function == f && p.fields.partner_id.is_none() && p.fields.employment_end.is_none())
            .map(|p| PersonId::new(p.id))
            .collect::<Vec<_>>()
    };
    let tas = internal(Function::TechnicalArchitect);
    let reviewers = tas.first().map(|ta| Reviewers {
        video: *tas.get(1).unwrap_or(ta),
        interviewer: *ta,
    });
    let partner_types = [PartnerType::StaffAugmentation, PartnerType::ProjectBasedSubcontract];
    let domains = ["meridian-partners.example", "cascade-devops.example"];
    for (p, t) in records.partners.iter().zip(partner_types) {
        let id = PartnerId::new(p.id);
        onboard(store, &ops, id, t, start).await?;
        let domain = domains[(p.id as usize - 1) % domains.len()];
        contacts(store, &ops, id, domain, &mut rng).await?;
    }
    // Every generated consultant vetted before their first day with the company.
    if let Some(by) = reviewers {
        for p in records.people.iter().filter(|p| p.fields.partner_id.is_some()) {
            let on = p.fields.employment_start.max(start);
            vet(
                store,
                &ops,
                PersonId::new(p.id),
                &skills(&mut rng),
                by,
                on,
                org.spec().end,
            )
            .await?;
        }
    }
    // Northwind sells to its customers directly: no subcontract, no supplier record.
    let northwind = made(
        store
            .create(
                &ops,
                PartnerFields {
                    name: "Northwind Analytics".into(),
                    partner_type: PartnerType::Direct,
                    region: Some("APAC".into()),
                    notes: Some("Direct partner: sells its own analytics services to shared customers".into()),
                    training_since: None,
                },
            )
            .await?,
    )?;
    onboard(
        store,
        &ops,
        northwind.id,
        PartnerType::Direct,
        range.start + Duration::days(60),
    )
    .await?;
    contacts(store, &ops, northwind.id, "northwind-analytics.example", &mut rng).await?;
    let today = org.spec().end;
    // (partner, how far along)
    let candidates = [
        (northwind.id, Stage::Vetted),
        (northwind.id, Stage::AwaitingInterview),
        (PartnerId::new(1), Stage::AwaitingInterview),
        (PartnerId::new(2), Stage::Failed),
        (PartnerId::new(2), Stage::NotStarted),
    ];
    for (n, (partner, stage)) in candidates.into_iter().enumerate() {
        let first = *rng.pick(crate::names::FIRST_NAMES);
        let last = *rng.pick(crate::names::LAST_NAMES);
        let fields = PersonFields {
            name: format!("{first} {last}"),
            email: format!("{}.{}.candidate{n}@partners.example", ascii(first), ascii(last)),
            function: Function::PartnerConsultant,
            region: "APAC".into(),
            time_zone: "Asia/Singapore".into(),
            fte: psops_core::people::Fte::FULL,
            employment_start: today - Duration::days(20),
            employment_end: None,
            manager_id: None,
            partner_id: Some(partner),
        };
        let person = made(store.create(&ops, fields).await?)?.id;
        let Some(by) = reviewers else { continue };
        let on = today - Duration::days(10);
        match stage {
            Stage::NotStarted => {}
            Stage::Vetted => vet(store, &ops, person, &skills(&mut rng), by, on, today).await?,
            Stage::AwaitingInterview | Stage::Failed => {
                for (skill, level) in skills(&mut rng) {
                    let new = NewPersonSkill {
                        person_id: person,
                        fields: PersonSkillFields {
                            skill: skill.into(),
                            level,
                            growth: false,
                        },
                    };
                    store.create(&ops, new).await?;
                }
                let new = NewPersonCertification {
                    person_id: person,
                    fields: PersonCertificationFields {
                        code: "migration".into(),
                        name: certification_name("migration"),
                        issued_on: on - Duration::days(100),
                        expires_on: Some(on + Duration::days(630)),
                    },
                };
                store.create(&ops, new).await?;
                let review = |step, reviewer, outcome| NewVettingReview {
                    person_id: person,
                    fields: VettingReviewFields {
                        step,
                        reviewer_id: reviewer,
                        held_on: on,
                        outcome,
                        notes: None,
                    },
                };
                store
                    .create(
                        &ops,
                        review(VettingStep::SoftSkillsVideo, by.video, ReviewOutcome::Pass),
                    )
                    .await?;
                if stage == Stage::Failed {
                    let mut failed = review(VettingStep::Interview, by.interviewer, ReviewOutcome::Fail);
                    failed.fields.notes = Some("Not yet ready to lead a migration on their own".into());
                    store.create(&ops, failed).await?;
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    NotStarted,
    AwaitingInterview,
    Failed,
    Vetted,
}
