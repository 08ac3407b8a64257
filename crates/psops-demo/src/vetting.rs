//! Onboarding a partner and vetting a consultant through the store's ordinary, audited
//! calls — what the demo does for its partners, and what tests do before they staff a
//! partner consultant on customer work (the vetting gate refuses them otherwise).

use psops_core::Result;
use psops_core::partnering::onboarding::{PartnerMove, PartnerStatus, checklist};
use psops_core::partnering::vetting::{NewVettingReview, ReviewOutcome, VettingReviewFields, VettingStep};
use psops_core::partners::{Partner, PartnerId};
use psops_core::people::{Function, Person, PersonFields, PersonFilter, PersonId};
use psops_core::skills::{NewPersonCertification, NewPersonSkill, PersonCertificationFields, PersonSkillFields};
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use time::{Date, Duration};

fn made<T>(c: Created<T>) -> Result<T> {
    match c {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => Err(psops_core::Error::internal(
            "a create without an idempotency key was replayed",
        )),
    }
}

/// Ticks every item of the partner's checklist on `on` and moves it to active (through
/// onboarding), unless it is active already.
pub async fn onboard(store: &dyn Store, ctx: &WriteCtx, partner: PartnerId, on: Date) -> Result<()> {
    let p: Partner = store.get(partner).await?;
    if p.status == PartnerStatus::Active {
        return Ok(());
    }
    if matches!(p.status, PartnerStatus::Prospect | PartnerStatus::Ended) {
        let m = PartnerMove {
            to: PartnerStatus::Onboarding,
            on: Some(on),
        };
        store.move_partner(ctx, partner, None, m, on).await?;
    }
    for item in checklist(p.fields.partner_type) {
        store.tick(ctx, partner, *item, on).await?;
    }
    let m = PartnerMove {
        to: PartnerStatus::Active,
        on: Some(on),
    };
    store.move_partner(ctx, partner, None, m, on).await?;
    Ok(())
}

/// Who vets a consultant: the company's people who watch the video and interview.
#[derive(Debug, Clone, Copy)]
pub struct Reviewers {
    pub video: PersonId,
    pub interviewer: PersonId,
}

/// Records a consultant's skills, the certifications their function's track requires
/// (issued four months before `on`, good until a year after `until`) and a passed video
/// review and interview on `on`.
pub async fn vet(
    store: &dyn Store,
    ctx: &WriteCtx,
    person: PersonId,
    skills: &[(&str, i64)],
    by: Reviewers,
    on: Date,
    until: Date,
) -> Result<()> {
    let p: Person = store.get(person).await?;
    let settings = store.settings().await?;
    for (skill, level) in skills {
        let new = NewPersonSkill {
            person_id: person,
            fields: PersonSkillFields {
                skill: skill.to_string(),
                level: *level,
                growth: false,
            },
        };
        store.create(ctx, new).await?;
    }
    if let Some(track) = settings.vetting.track(p.fields.function) {
        for code in &track.certifications {
            let new = NewPersonCertification {
                person_id: person,
                fields: PersonCertificationFields {
                    code: code.clone(),
                    name: certification_name(code),
                    issued_on: on - Duration::days(120),
                    expires_on: Some(until.max(on) + Duration::days(365)),
                },
            };
            store.create(ctx, new).await?;
        }
    }
    for (step, reviewer) in [
        (VettingStep::SoftSkillsVideo, by.video),
        (VettingStep::Interview, by.interviewer),
    ] {
        let new = NewVettingReview {
            person_id: person,
            fields: VettingReviewFields {
                step,
                reviewer_id: reviewer,
                held_on: on,
                outcome: ReviewOutcome::Pass,
                notes: None,
            },
        };
        store.create(ctx, new).await?;
    }
    Ok(())
}

/// What a certification code stands for, for people to read.
pub fn certification_name(code: &str) -> String {
    match code {
        "migration" => "Certified Migration Specialist".into(),
        "pm" => "Certified PM (project management features)".into(),
        "pm_specialist" => "Certified PM Specialist".into(),
        other => format!("{other} certification"),
    }
}

/// One of the company's own people of this function, made when there is none.
async fn internal(store: &dyn Store, ctx: &WriteCtx, function: Function) -> Result<PersonId> {
    let filter = PersonFilter {
        function: Some(function),
        archived: Some(false),
        ..Default::default()
    };
    let page = store
        .list(&filter, psops_core::page::PageRequest { after: None, limit: 50 })
        .await?;
    if let Some(p) = page.items.iter().find(|p| p.fields.partner_id.is_none()) {
        return Ok(p.id);
    }
    let code: &str = function.into();
    let fields = PersonFields {
        name: format!("Vetting {code}"),
        email: format!("vetting.{code}@company.example"),
        function,
        region: "EMEA".into(),
        time_zone: "UTC".into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: Date::from_calendar_date(2000, time::Month::January, 1).expect("a date"),
        employment_end: None,
        manager_id: None,
        partner_id: None,
    };
    Ok(made(store.create(ctx, fields).await?)?.id)
}

/// Makes a partner consultant fit for customer work the quickest way: their partner
/// onboarded and active, and them vetted by the company's own people of the functions
/// the settings ask for (made when the organisation has none). For tests and fixtures.
pub async fn vet_for_work(store: &dyn Store, ctx: &WriteCtx, person: PersonId, on: Date) -> Result<()> {
    let p: Person = store.get(person).await?;
    let Some(partner) = p.fields.partner_id else {
        return Ok(());
    };
    onboard(store, ctx, partner, on).await?;
    if store.vetting(person, on).await?.is_vetted() {
        return Ok(());
    }
    let settings = store.settings().await?;
    let interviewer_function = settings
        .vetting
        .track(p.fields.function)
        .and_then(|t| t.interviewer_functions.first().copied())
        .unwrap_or(Function::TechnicalArchitect);
    let by = Reviewers {
        video: internal(store, ctx, interviewer_function).await?,
        interviewer: internal(store, ctx, interviewer_function).await?,
    };
    vet(store, ctx, person, &[("Consulting", 3)], by, on, on).await
}
