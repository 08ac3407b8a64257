//! A resource request's suggestions across the company and its partners: the company's
//! own people of the role checked against their hours free of hard bookings and their
//! levels in the asked skills; vetted consultants of active partners after them, put
//! forward only when no internal person can take the request; an unvetted consultant
//! never listed.

use psops_core::Minutes;
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::partners::{Partner, PartnerFields, PartnerType};
use psops_core::people::{Function, Person, PersonId};
use psops_core::plan::{Booking, RequiredSkill, ResourceRequest, ResourceRequestFields};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::skills::{NewPersonSkill, PersonSkill, PersonSkillFields};
use psops_core::store::prelude::*;
use psops_store::Db;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person_fields, project, vet};

crate::stories!(internal_capacity_comes_before_partners);

async fn someone(db: &Db, email: &str, function: Function, partner: Option<&Partner>) -> Person {
    let mut f = person_fields(email);
    f.name = email.split('@').next().unwrap_or(email).into();
    f.function = function;
    f.partner_id = partner.map(|p| p.id);
    new(db.create(&ctx(), f).await.expect("person"))
}

async fn skill(db: &Db, person: PersonId, skill: &str, level: i64) {
    let s = NewPersonSkill {
        person_id: person,
        fields: PersonSkillFields {
            skill: skill.into(),
            level,
            growth: false,
        },
    };
    let _: PersonSkill = new(db.create(&ctx(), s).await.expect("skill"));
}

/// Books a person full time (40 h a week) on a project over March 2026's four weeks.
async fn book(db: &Db, person: PersonId, project: &Project) {
    let f = AssignmentFields {
        person_id: person,
        project_id: project.id,
        role: Function::Engineer,
        start_date: date!(2026 - 03 - 02),
        end_date: Some(date!(2026 - 03 - 27)),
        minutes_per_week: Minutes(2_400),
    };
    let _: Assignment = new(db.create(&ctx(), f).await.expect("assignment"));
}

fn request(project: &Project, skills: Vec<RequiredSkill>) -> ResourceRequestFields {
    ResourceRequestFields {
        required_skills: skills,
        ..ResourceRequestFields::new(
            project.id,
            Function::Engineer,
            Minutes(40 * 60),
            Some(date!(2026 - 03 - 02)),
            Some(date!(2026 - 03 - 27)),
            Booking::Hard,
        )
    }
}

async fn internal_capacity_comes_before_partners(db: &Db) {
    let today = time::OffsetDateTime::now_utc().date();
    let p = project(db, "Contoso rollout").await;
    let other = project(db, "Fabrikam upgrade").await;
    let meridian: Partner = new(db
        .create(
            &ctx(),
            PartnerFields {
                name: "Meridian".into(),
                partner_type: PartnerType::StaffAugmentation,
                region: None,
                notes: None,
                training_since: None,
            },
        )
        .await
        .expect("partner"));
    let ada = someone(db, "ada@example.com", Function::Engineer, None).await;
    let bo = someone(db, "bo@example.com", Function::Engineer, None).await;
    let _pm = someone(db, "pia@example.com", Function::ProjectManager, None).await;
    let vetted = someone(db, "vera@example.com", Function::PartnerConsultant, Some(&meridian)).await;
    vet(db, vetted.id).await;
    let unvetted = someone(db, "uli@example.com", Function::Engineer, Some(&meridian)).await;

    // A skill nobody has is refused: it would match nobody, silently.
    let kube = |min_level| {
        vec![RequiredSkill {
            skill: "kubernetes".into(),
            min_level,
        }]
    };
    let err = db.create(&ctx(), request(&p, kube(3))).await.unwrap_err();
    assert_eq!(
        broken(err),
        vec![("required_skills[0].skill".into(), Rule::UnknownSkill)]
    );
    let err = db.create(&ctx(), request(&p, kube(6))).await.unwrap_err();
    assert!(broken(err).contains(&("required_skills[0].min_level".into(), Rule::Range)));
    skill(db, ada.id, "Kubernetes", 4).await;
    skill(db, bo.id, "Kubernetes", 2).await;
    skill(db, vetted.id, "Kubernetes", 5).await;
    skill(db, unvetted.id, "Kubernetes", 5).await;
    let r: ResourceRequest = new(db.create(&ctx(), request(&p, kube(3))).await.expect("request"));

    // Ada is free and skilled enough; Bo is booked through March on another project.
    book(db, bo.id, &other).await;
    let c = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!((c.considered, c.able), (2, 1), "{c:#?}");
    assert_eq!(
        c.summary,
        "1 of the 2 internal people in the engineer role can take it; partners are put forward only when none can"
    );
    let first = &c.internal[0];
    assert_eq!(first.person_id, ada.id);
    // 20 weekdays of 8 hours, nothing booked.
    assert_eq!(first.free_minutes, 9_600);
    let skill = first.checks.iter().find(|k| k.check == "skill").expect("skill check");
    assert_eq!(skill.detail, "kubernetes 4 (3+ asked)");
    // Bo is ruled out (Kubernetes 2, and booked through March), counted at his first
    // failed check, not listed.
    assert_eq!(c.internal.len(), 1);
    assert_eq!(
        c.excluded.iter().map(|e| (e.check, e.count)).collect::<Vec<_>>(),
        [("skill", 1)]
    );
    // The vetted partner consultant is listed after, with their partner, not put
    // forward; the unvetted one never shows.
    let ids: Vec<PersonId> = c.partners.iter().map(|x| x.person_id).collect();
    assert_eq!(ids, vec![vetted.id]);
    assert_eq!(c.partners[0].partner_id, Some(meridian.id));
    assert!(!c.partners[0].suggested);

    // Ada is booked too: nobody internal can take it, and the vetted consultant is put
    // forward — the unvetted one still not.
    book(db, ada.id, &other).await;
    let c = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!((c.considered, c.able), (2, 0));
    assert_eq!(
        c.summary,
        "none of the 2 internal people in the engineer role can take it: 1 vetted partner consultant is put forward"
    );
    let ids: Vec<PersonId> = c.partners.iter().map(|x| x.person_id).collect();
    assert_eq!(ids, vec![vetted.id]);
    assert!(c.partners[0].suggested);
    assert!(c.internal.is_empty());
}
