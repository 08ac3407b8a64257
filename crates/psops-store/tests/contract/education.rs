//! Education's foundation: a course moves one step at a time through its development and
//! is sold as a live SKU; a learner belongs to exactly the organisation they name (a
//! partner's consultant to that partner, a customer's contact to that account); a course
//! trainer names a live person and course, and lists cut by the day a certification is
//! current and by whose it is — each change audited.

use psops_core::accounts::{AccountFields, ContactFields, NewContact};
use psops_core::audit::AuditFilter;
use psops_core::education::courses::{Course, CourseDelivery, CourseFields, CoursePatch, CourseState};
use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg, LearnerPatch};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields, CourseTrainerFilter, TrainerPath};
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person, PersonFields};
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use time::macros::date;

use super::catalog::{offering, sku_fields};
use super::fixtures::{broken, ctx, new, person, person_fields};
use super::partner_funds::partner;

crate::stories!(
    a_course_moves_one_step_at_a_time_through_its_development,
    a_learner_belongs_to_the_organisation_they_name,
    a_course_trainer_is_current_on_the_days_it_covers,
);

/// A course in `state`, sold as a fresh SKU.
pub(super) async fn course(db: &Db, name: &str, state: CourseState) -> Course {
    let o = offering(db, &format!("Education {name}")).await;
    let code = format!("EDU-{}", name.to_uppercase().replace(' ', "-"));
    let sku: psops_core::catalog::Sku = new(db.create(&ctx(), sku_fields(&o, &code)).await.expect("sku"));
    new(db
        .create(
            &ctx(),
            CourseFields {
                sku_id: sku.id,
                name: name.into(),
                delivery: CourseDelivery::Remote,
                state,
                course_version: "1.0".into(),
                outline: Some("Basics\nBranches".into()),
                duration_days: 2,
            },
        )
        .await
        .expect("course"))
}

async fn a_course_moves_one_step_at_a_time_through_its_development(db: &Db) {
    let c = course(db, "Git fundamentals", CourseState::InReview).await;
    // Skipping verification and staging is refused, and nothing is written.
    let skip = CoursePatch {
        state: Some(CourseState::Production),
        ..Default::default()
    };
    let e = db.update(&ctx(), c.id, None, skip).await.unwrap_err();
    assert_eq!(broken(e), [("state".to_string(), Rule::InvalidTransition)]);
    let back = CoursePatch {
        state: Some(CourseState::InDevelopment),
        ..Default::default()
    };
    let e = db.update(&ctx(), c.id, None, back).await.unwrap_err();
    assert_eq!(broken(e), [("state".to_string(), Rule::InvalidTransition)]);
    let stored: Course = db.get(c.id).await.unwrap();
    assert_eq!(stored.fields.state, CourseState::InReview);
    assert_eq!(stored.meta.version, 1);
    // One step at a time reaches production.
    let mut at = stored;
    for to in [CourseState::Verification, CourseState::Staging, CourseState::Production] {
        let step = CoursePatch {
            state: Some(to),
            ..Default::default()
        };
        at = db.update(&ctx(), c.id, Some(at.meta.version), step).await.unwrap();
        assert_eq!(at.fields.state, to);
    }
    assert!(at.fields.schedulable());
    // Each move is in the audit log.
    let filter = AuditFilter {
        entity: Some("course".into()),
        entity_id: Some(c.id.get()),
        ..Default::default()
    };
    let log = db.list_audit(&filter, PageRequest::default()).await.unwrap();
    assert_eq!(log.items.len(), 4, "created and three moves");
    // A course is sold as a SKU that exists.
    let orphan = CourseFields {
        sku_id: Id::new(999_999),
        ..at.fields.clone()
    };
    let e = db.create(&ctx(), orphan).await.unwrap_err();
    assert_eq!(broken(e)[0].0, "sku_id");
}

async fn a_learner_belongs_to_the_organisation_they_name(db: &Db) {
    let acme = partner(db, "Acme Training Partner").await;
    let other = partner(db, "Other Partner").await;
    let staff = person(db, "staff.learner@example.com").await;
    let consultant: Person = new(db
        .create(
            &ctx(),
            PersonFields {
                function: Function::PartnerConsultant,
                partner_id: Some(acme.id),
                ..person_fields("acme.learner@example.com")
            },
        )
        .await
        .unwrap());
    let employee = |person_id| LearnerFields {
        name: "Eve Employee".into(),
        email: Some("Eve@Example.com".into()),
        organisation: LearnerOrg::Employee,
        person_id: Some(person_id),
        partner_id: None,
        account_id: None,
        contact_id: None,
    };
    let eve: Learner = new(db.create(&ctx(), employee(staff.id)).await.unwrap());
    assert_eq!(
        eve.fields.email.as_deref(),
        Some("eve@example.com"),
        "stored in lower case"
    );
    // A partner's consultant is not one of the company's employees.
    let e = db.create(&ctx(), employee(consultant.id)).await.unwrap_err();
    assert_eq!(broken(e), [("person_id".to_string(), Rule::NotForKind)]);
    // ...and belongs to the partner that employs them, not another.
    let of_partner = |partner_id| LearnerFields {
        name: "Pat Partner".into(),
        email: None,
        organisation: LearnerOrg::PartnerConsultant,
        person_id: Some(consultant.id),
        partner_id: Some(partner_id),
        account_id: None,
        contact_id: None,
    };
    let e = db.create(&ctx(), of_partner(other.id)).await.unwrap_err();
    assert_eq!(broken(e), [("person_id".to_string(), Rule::NotForKind)]);
    let pat: Learner = new(db.create(&ctx(), of_partner(acme.id)).await.unwrap());
    // A customer's contact belongs to the account they name, with its own contacts.
    let account = |name: &str| AccountFields {
        name: name.into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    let x: psops_core::accounts::Account = new(db.create(&ctx(), account("Learning Corp")).await.unwrap());
    let y: psops_core::accounts::Account = new(db.create(&ctx(), account("Elsewhere Inc")).await.unwrap());
    let contact: psops_core::accounts::Contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: y.id,
                fields: ContactFields {
                    name: "Cy Contact".into(),
                    email: None,
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .unwrap());
    let customer = LearnerFields {
        name: "Cy Contact".into(),
        email: Some("cy@learning.example".into()),
        organisation: LearnerOrg::CustomerContact,
        person_id: None,
        partner_id: None,
        account_id: Some(x.id),
        contact_id: Some(contact.id),
    };
    let e = db.create(&ctx(), customer.clone()).await.unwrap_err();
    assert_eq!(broken(e), [("contact_id".to_string(), Rule::AccountMismatch)]);
    let cy: Learner = new(db
        .create(
            &ctx(),
            LearnerFields {
                account_id: Some(y.id),
                ..customer
            },
        )
        .await
        .unwrap());
    // Turning a customer contact into an employee without clearing the account is refused.
    let half = LearnerPatch {
        organisation: Some(LearnerOrg::Employee),
        ..Default::default()
    };
    let e = db.update(&ctx(), cy.id, None, half).await.unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "{e:?}");
    // A partner's managers list their own consultants only; a scope of nobody lists none.
    let of = |scope| LearnerFilter {
        scope,
        ..Default::default()
    };
    let acme_only = ListScope::Limited {
        own: None,
        managed_by: None,
        assigned: None,
        partner: Some(acme.id),
    };
    let listed = db.list(&of(acme_only), PageRequest::default()).await.unwrap();
    assert_eq!(listed.items.iter().map(|l| l.id).collect::<Vec<_>>(), [pat.id]);
    let nobody = ListScope::Limited {
        own: None,
        managed_by: None,
        assigned: None,
        partner: None,
    };
    assert!(
        db.list(&of(nobody), PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let all = db.list(&of(ListScope::All), PageRequest::default()).await.unwrap();
    assert_eq!(all.items.len(), 3);
    let search = LearnerFilter {
        q: Some("EVE@".into()),
        ..Default::default()
    };
    let found = db.list(&search, PageRequest::default()).await.unwrap();
    assert_eq!(found.items.iter().map(|l| l.id).collect::<Vec<_>>(), [eve.id]);
}

async fn a_course_trainer_is_current_on_the_days_it_covers(db: &Db) {
    let c = course(db, "CI CD", CourseState::Production).await;
    let acme = partner(db, "Acme Trainers").await;
    let staff = person(db, "staff.trainer@example.com").await;
    let theirs: Person = new(db
        .create(
            &ctx(),
            PersonFields {
                function: Function::PartnerConsultant,
                partner_id: Some(acme.id),
                ..person_fields("acme.trainer@example.com")
            },
        )
        .await
        .unwrap());
    // A course trainer record needs the person's complete path for the course.
    let grader = person(db, "lab.grader@example.com").await;
    for who in [(staff.id, TrainerPath::Staff), (theirs.id, TrainerPath::ChannelPartner)] {
        psops_demo::certifications::complete_path(db, &ctx(), who, &c, date!(2026 - 02 - 01), grader.id)
            .await
            .expect("complete path");
    }
    let cert = |person_id, path, expires_on| CourseTrainerFields {
        person_id,
        course_id: c.id,
        path,
        certified_on: date!(2026 - 02 - 01),
        expires_on,
    };
    let ours: CourseTrainer = new(db
        .create(&ctx(), cert(staff.id, TrainerPath::Staff, Some(date!(2026 - 06 - 30))))
        .await
        .unwrap());
    let partner_cert: CourseTrainer = new(db
        .create(&ctx(), cert(theirs.id, TrainerPath::ChannelPartner, None))
        .await
        .unwrap());
    // An expiry before the certification is refused; so is a course that does not exist.
    let e = db
        .create(&ctx(), cert(staff.id, TrainerPath::Staff, Some(date!(2026 - 01 - 01))))
        .await
        .unwrap_err();
    assert_eq!(broken(e), [("expires_on".to_string(), Rule::AfterStart)]);
    let nowhere = CourseTrainerFields {
        course_id: Id::new(999_999),
        ..cert(staff.id, TrainerPath::Staff, None)
    };
    assert_eq!(broken(db.create(&ctx(), nowhere).await.unwrap_err())[0].0, "course_id");
    // Current on a day: both in spring, only the open-ended one in the autumn.
    let on = |day| CourseTrainerFilter {
        course_id: Some(c.id),
        current_on: Some(day),
        ..Default::default()
    };
    let spring = db
        .list(&on(date!(2026 - 03 - 01)), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(spring.items.len(), 2);
    let autumn = db
        .list(&on(date!(2026 - 10 - 01)), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(autumn.items.iter().map(|t| t.id).collect::<Vec<_>>(), [partner_cert.id]);
    let winter = db
        .list(&on(date!(2026 - 01 - 15)), PageRequest::default())
        .await
        .unwrap();
    assert!(winter.items.is_empty(), "before either was certified");
    // A partner's scope lists its own people's certifications; one's own lists one's own.
    let scoped = |own, partner| CourseTrainerFilter {
        scope: ListScope::Limited {
            own,
            managed_by: None,
            assigned: None,
            partner,
        },
        ..Default::default()
    };
    let acme_list = db
        .list(&scoped(None, Some(acme.id)), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        acme_list.items.iter().map(|t| t.id).collect::<Vec<_>>(),
        [partner_cert.id]
    );
    let mine = db
        .list(&scoped(Some(staff.id), None), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(mine.items.iter().map(|t| t.id).collect::<Vec<_>>(), [ours.id]);
}
