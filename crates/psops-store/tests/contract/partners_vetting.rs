//! Vetting stories: a partner consultant's vetting follows their records — not started,
//! in vetting with each gap named, failed after a failed interview, vetted when all is in
//! place — and an expired certification or a reviewer of the wrong kind does not count;
//! the assignment gate refuses an unvetted partner consultant on customer work naming
//! what is missing, and lets through the company's own people, internal projects and a
//! vetted consultant; skills are one per person and rated 1 to 5; the pipeline counts a
//! partner's consultants by state.

use psops_core::assignments::AssignmentFields;
use psops_core::audit::AuditFilter;
use psops_core::page::PageRequest;
use psops_core::partnering::vetting::{NewVettingReview, ReviewOutcome, VettingReviewFields, VettingStep};
use psops_core::partnering::vetting_state::{GapKind, VettingState};
use psops_core::partners::PartnerType;
use psops_core::people::{Function, PersonFields, PersonId};
use psops_core::projects::{ProjectPatch, ProjectType};
use psops_core::rule::Rule;
use psops_core::skills::{NewPersonCertification, NewPersonSkill, PersonCertificationFields, PersonSkillFields};
use psops_core::store::prelude::*;
use psops_core::{Error, Minutes};
use psops_demo::vetting::onboard;
use psops_store::Db;
use time::{Date, Duration, OffsetDateTime};

use super::fixtures::{broken, ctx, new, person_fields, project};
use super::partners_onboarding::partner;

crate::stories!(
    vetting_follows_the_consultants_records,
    reviewers_are_the_companys_own_people_of_the_right_function,
    the_gate_refuses_an_unvetted_partner_consultant_on_customer_work,
    skills_are_one_per_person_and_rated_one_to_five,
    the_pipeline_counts_a_partners_consultants_by_state,
);

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

async fn someone(
    db: &Db,
    email: &str,
    function: Function,
    partner: Option<psops_core::partners::PartnerId>,
) -> PersonId {
    let f = PersonFields {
        function,
        partner_id: partner,
        ..person_fields(email)
    };
    new(db.create(&ctx(), f).await.expect("person")).id
}

async fn skill(db: &Db, p: PersonId, name: &str, level: i64) -> Result<(), Error> {
    let new_skill = NewPersonSkill {
        person_id: p,
        fields: PersonSkillFields {
            skill: name.into(),
            level,
            growth: false,
        },
    };
    db.create(&ctx(), new_skill).await.map(drop)
}

async fn cert(db: &Db, p: PersonId, code: &str, expires: Option<Date>) {
    let c = NewPersonCertification {
        person_id: p,
        fields: PersonCertificationFields {
            code: code.into(),
            name: code.into(),
            issued_on: today() - Duration::days(400),
            expires_on: expires,
        },
    };
    db.create(&ctx(), c).await.expect("certification");
}

async fn review(db: &Db, p: PersonId, step: VettingStep, by: PersonId, outcome: ReviewOutcome) -> Result<(), Error> {
    let r = NewVettingReview {
        person_id: p,
        fields: VettingReviewFields {
            step,
            reviewer_id: by,
            held_on: today(),
            outcome,
            notes: Some("notes".into()),
        },
    };
    db.create(&ctx(), r).await.map(drop)
}

fn kinds(v: &psops_core::partnering::vetting_state::Vetting) -> Vec<GapKind> {
    v.missing.iter().map(|g| g.kind).collect()
}

async fn vetting_follows_the_consultants_records(db: &Db) {
    let pa = partner(db, "Meridian", PartnerType::StaffAugmentation).await;
    let c = someone(db, "c@meridian.example", Function::PartnerConsultant, Some(pa.id)).await;
    let ta = someone(db, "ta@co.example", Function::TechnicalArchitect, None).await;
    let v = db.vetting(c, today()).await.unwrap();
    assert_eq!(v.state, VettingState::NotStarted);
    assert_eq!(v.missing[0].kind, GapKind::PartnerNotActive);
    onboard(db, &ctx(), pa.id, today()).await.unwrap();
    skill(db, c, "Kubernetes", 4).await.unwrap();
    cert(db, c, "migration", None).await;
    cert(db, c, "PM", Some(today() - Duration::days(1))).await;
    let v = db.vetting(c, today()).await.unwrap();
    assert_eq!(v.state, VettingState::InVetting);
    assert_eq!(
        kinds(&v),
        [
            GapKind::SoftSkillsVideo,
            GapKind::CertificationExpired,
            GapKind::Interview
        ]
    );
    review(db, c, VettingStep::SoftSkillsVideo, ta, ReviewOutcome::Pass)
        .await
        .unwrap();
    review(db, c, VettingStep::Interview, ta, ReviewOutcome::Fail)
        .await
        .unwrap();
    let v = db.vetting(c, today()).await.unwrap();
    assert_eq!(v.state, VettingState::Failed);
    cert(db, c, "pm", None).await;
    review(db, c, VettingStep::Interview, ta, ReviewOutcome::Pass)
        .await
        .unwrap();
    let v = db.vetting(c, today()).await.unwrap();
    assert_eq!(v.state, VettingState::Vetted, "{v:?}");
    // The company's own people are not vetted.
    assert_eq!(db.vetting(ta, today()).await.unwrap().state, VettingState::NotNeeded);
    // Every review is in the audit log.
    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("vetting_review".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 3);
}

async fn reviewers_are_the_companys_own_people_of_the_right_function(db: &Db) {
    let pa = partner(db, "Cascade", PartnerType::ProjectBasedSubcontract).await;
    let engineer = someone(db, "e@cascade.example", Function::Engineer, Some(pa.id)).await;
    let pm = someone(db, "pm@cascade.example", Function::ProjectManager, Some(pa.id)).await;
    let their_lead = someone(db, "lead@cascade.example", Function::TechnicalArchitect, Some(pa.id)).await;
    let our_engineer = someone(db, "eng@co.example", Function::Engineer, None).await;
    let our_ta = someone(db, "ta@co.example", Function::TechnicalArchitect, None).await;
    let our_rdm = someone(db, "rdm@co.example", Function::RegionalDeliveryManager, None).await;
    let refused = |e: Error| broken(e) == [("reviewer_id".to_string(), Rule::Reviewer)];
    // A partner never reviews its own people.
    let e = review(
        db,
        engineer,
        VettingStep::SoftSkillsVideo,
        their_lead,
        ReviewOutcome::Pass,
    )
    .await;
    assert!(refused(e.unwrap_err()));
    // Engineers are interviewed by a senior engineer (a technical architect)…
    let e = review(db, engineer, VettingStep::Interview, our_engineer, ReviewOutcome::Pass).await;
    assert!(refused(e.unwrap_err()));
    review(db, engineer, VettingStep::Interview, our_ta, ReviewOutcome::Pass)
        .await
        .unwrap();
    // …PMs by the delivery lead.
    let e = review(db, pm, VettingStep::Interview, our_ta, ReviewOutcome::Pass).await;
    assert!(refused(e.unwrap_err()));
    review(db, pm, VettingStep::Interview, our_rdm, ReviewOutcome::Pass)
        .await
        .unwrap();
    // Anyone of the company watches a video; nobody reviews themselves.
    review(db, pm, VettingStep::SoftSkillsVideo, our_engineer, ReviewOutcome::Pass)
        .await
        .unwrap();
    let e = review(db, our_ta, VettingStep::SoftSkillsVideo, our_ta, ReviewOutcome::Pass).await;
    assert!(refused(e.unwrap_err()));
}

async fn the_gate_refuses_an_unvetted_partner_consultant_on_customer_work(db: &Db) {
    let pa = partner(db, "Harbor", PartnerType::StaffAugmentation).await;
    let c = someone(db, "c@harbor.example", Function::PartnerConsultant, Some(pa.id)).await;
    let staff = someone(db, "s@co.example", Function::Engineer, None).await;
    let customer = project(db, "Acme").await;
    let assign = |person, project: &psops_core::projects::Project| AssignmentFields {
        person_id: person,
        project_id: project.id,
        role: Function::Engineer,
        start_date: project.fields.start_date.unwrap(),
        end_date: project.fields.end_date,
        minutes_per_week: Minutes(600),
    };
    let refused = db.create(&ctx(), assign(c, &customer)).await.unwrap_err();
    let Error::Invalid(errors) = refused else {
        panic!("expected a refusal")
    };
    assert_eq!(errors[0].field, "person_id");
    assert_eq!(errors[0].rule, Rule::NotVetted);
    for named in ["not active", "skills", "soft-skills video", "migration", "interview"] {
        assert!(errors[0].message.contains(named), "{named}: {}", errors[0].message);
    }
    // The company's own people are unaffected.
    db.create(&ctx(), assign(staff, &customer)).await.unwrap();
    // Internal work is not customer work.
    let internal = project(db, "Bench").await;
    let patch = ProjectPatch {
        account_id: Some(None),
        project_type: Some(ProjectType::Internal),
        billing_type: Some(psops_core::projects::BillingType::NonBillable),
        ..Default::default()
    };
    let internal = db.update(&ctx(), internal.id, None, patch).await.unwrap();
    db.create(&ctx(), assign(c, &internal)).await.unwrap();
    // Vetted, they are staffed.
    psops_demo::vetting::vet_for_work(db, &ctx(), c, today()).await.unwrap();
    let a = new(db.create(&ctx(), assign(c, &customer)).await.unwrap());
    // Changing an existing assignment is not staffing anew, even if vetting lapses.
    db.move_partner(
        &ctx(),
        pa.id,
        None,
        psops_core::partnering::onboarding::PartnerMove {
            to: psops_core::partnering::onboarding::PartnerStatus::Suspended,
            on: None,
        },
        today(),
    )
    .await
    .unwrap();
    let patch = psops_core::assignments::AssignmentPatch {
        minutes_per_week: Some(Minutes(300)),
        ..Default::default()
    };
    db.update(&ctx(), a.id, None, patch).await.unwrap();
    let again = db.create(&ctx(), assign(c, &customer)).await.unwrap_err();
    assert_eq!(broken(again), [("person_id".to_string(), Rule::NotVetted)]);
}

async fn skills_are_one_per_person_and_rated_one_to_five(db: &Db) {
    let p = someone(db, "p@co.example", Function::Engineer, None).await;
    let e = skill(db, p, "Terraform", 6).await.unwrap_err();
    assert_eq!(broken(e), [("level".to_string(), Rule::Range)]);
    skill(db, p, "Terraform", 5).await.unwrap();
    match skill(db, p, " terraform", 3).await.unwrap_err() {
        Error::Conflict(f) => assert_eq!((f.field.as_str(), f.rule), ("skill", Rule::Unique)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let missing = skill(db, PersonId::new(9_999), "Go", 2).await;
    assert!(matches!(missing, Err(Error::NotFound { .. })), "{missing:?}");
}

async fn the_pipeline_counts_a_partners_consultants_by_state(db: &Db) {
    let pa = partner(db, "Lakeside", PartnerType::StaffAugmentation).await;
    let other = partner(db, "Other", PartnerType::Direct).await;
    let a = someone(db, "a@lakeside.example", Function::PartnerConsultant, Some(pa.id)).await;
    let b = someone(db, "b@lakeside.example", Function::PartnerConsultant, Some(pa.id)).await;
    someone(db, "c@lakeside.example", Function::PartnerConsultant, Some(pa.id)).await;
    someone(db, "x@other.example", Function::PartnerConsultant, Some(other.id)).await;
    psops_demo::vetting::vet_for_work(db, &ctx(), a, today()).await.unwrap();
    skill(db, b, "Go", 3).await.unwrap();
    let p = db.vetting_pipeline(pa.id, today()).await.unwrap();
    assert_eq!((p.vetted, p.in_vetting, p.not_started, p.failed), (1, 1, 1, 0));
    let names: Vec<&str> = p.consultants.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Person a@lakeside.example",
            "Person b@lakeside.example",
            "Person c@lakeside.example"
        ]
    );
    assert!(
        p.consultants[1]
            .vetting
            .missing
            .iter()
            .any(|g| g.kind == GapKind::Interview)
    );
}
