//! The approvals queue cut by `ApprovalScope` in SQL holds exactly the time that
//! `ApprovalScope::admits` — the policy's statement in Rust — lets the subject approve,
//! for every role, mixed partner and staff roles, and several people. A partner's
//! project manager sees their own organisation's time on their project and no one else's.

use std::collections::BTreeSet;

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::page::PageRequest;
use psops_core::partners::{PartnerFields, PartnerId, PartnerType};
use psops_core::people::{Function, Person};
use psops_core::policy::{ProjectFacts, Resource, Subject, approval_scope};
use psops_core::projects::{Project, ProjectPatch};
use psops_core::scope::ApprovalScope;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_store::Db;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields};
use super::time_fixtures::{as_person, internal, log, managed_project, on_project};

crate::stories!(the_queue_holds_exactly_what_the_subject_approves);

const ROLE_SETS: [&[Role]; 13] = [
    &[Role::Admin],
    &[Role::Ops],
    &[Role::Finance],
    &[Role::PracticeManager],
    &[Role::EngagementManager],
    &[Role::ProjectManager],
    &[Role::Consultant],
    &[Role::PartnerManager],
    &[Role::PartnerConsultant],
    &[Role::ProjectManager, Role::PartnerConsultant],
    &[Role::ProjectManager, Role::PartnerManager],
    &[Role::ProjectManager, Role::Consultant],
    &[Role::Admin, Role::PartnerConsultant],
];

async fn person(db: &Db, email: &str, org: Option<PartnerId>) -> Person {
    let mut f = person_fields(email);
    f.partner_id = org;
    f.function = if org.is_some() {
        Function::PartnerConsultant
    } else {
        Function::Engineer
    };
    f.employment_start = date!(2020 - 01 - 01);
    new(db.create(&ctx(), f).await.expect("create person"))
}

/// A project managed by `pm`, delivered by `org` when given.
async fn project(db: &Db, name: &str, pm: &Person, org: Option<PartnerId>) -> Project {
    let p = managed_project(db, name, pm.id).await;
    let patch = ProjectPatch {
        partner_delivered: Some(org.is_some()),
        partner_id: Some(org),
        ..Default::default()
    };
    db.update(&ctx(), p.id, None, patch).await.expect("deliver by partner")
}

async fn the_queue_holds_exactly_what_the_subject_approves(db: &Db) {
    let partner = |name: &str| PartnerFields {
        name: name.into(),
        partner_type: PartnerType::Direct,
        region: None,
        notes: None,
        training_since: None,
    };
    let a = new(db.create(&ctx(), partner("A")).await.unwrap()).id;
    let b = new(db.create(&ctx(), partner("B")).await.unwrap()).id;
    let staff0 = person(db, "s0@approve.example", None).await;
    let staff1 = person(db, "s1@approve.example", None).await;
    let a0 = person(db, "a0@approve.example", Some(a)).await;
    let a1 = person(db, "a1@approve.example", Some(a)).await;
    let b0 = person(db, "b0@approve.example", Some(b)).await;
    let people = [&staff0, &staff1, &a0, &a1, &b0];
    // Partner A's project, managed by A's own a0, with time from every world; a staff
    // project managed by staff0; partner B's project managed by staff1.
    let by_a = project(db, "Delivered by A", &a0, Some(a)).await;
    let internal_project = project(db, "Internal", &staff0, None).await;
    let by_b = project(db, "Delivered by B", &staff1, Some(b)).await;
    // Partner people log time only under their organisation's work authorizations.
    for (org, on) in [(a, &by_a), (a, &internal_project), (b, &by_a), (b, &by_b)] {
        super::partner_funds::authorize(db, org, on.id).await;
    }
    let day = date!(2026 - 03 - 02);
    for p in &people {
        log(db, on_project(p.id, &by_a, day, 60)).await;
    }
    log(db, on_project(staff1.id, &internal_project, day, 120)).await;
    log(db, on_project(a1.id, &internal_project, day, 120)).await;
    log(db, on_project(b0.id, &by_b, day, 180)).await;
    log(db, on_project(staff0.id, &by_b, day, 180)).await;
    log(db, internal(staff0.id, day, 30)).await;
    let week: IsoWeek = "2026-W10".parse().unwrap();
    for p in &people {
        db.submit_week(&ctx(), as_person(p), p.id, week).await.unwrap();
    }

    let page = PageRequest {
        after: None,
        limit: 500,
    };
    let entries = db.list_time_entries(&Default::default(), page).await.unwrap().items;
    assert_eq!(entries.len(), 10);
    let projects = [&by_a, &internal_project, &by_b];
    let org_of = |id| people.iter().find(|p| p.id == id).and_then(|p| p.fields.partner_id);
    for roles in ROLE_SETS {
        for me in people {
            for read_only in [false, true] {
                let s = Subject {
                    user_id: Id::new(1),
                    roles: roles.to_vec(),
                    person_id: Some(me.id),
                    partner_id: me.fields.partner_id,
                    read_only,
                };
                let facts = |id| {
                    let p = projects.iter().find(|p| p.id == id).expect("known project");
                    ProjectFacts {
                        id,
                        manager_id: p.fields.project_manager_id,
                        partner_id: p.fields.partner_id,
                        subject_assigned: entries.iter().any(|e| e.project_id == Some(id) && e.person_id == me.id),
                    }
                };
                let scope = approval_scope(&s);
                let want: BTreeSet<(i64, Option<i64>)> = entries
                    .iter()
                    .filter(|e| {
                        scope.admits(&Resource::TimeEntry {
                            person_id: e.person_id,
                            person_partner_id: org_of(e.person_id),
                            project: e.project_id.map(facts),
                        })
                    })
                    .map(|e| (e.person_id.get(), e.project_id.map(|p| p.get())))
                    .collect();
                let got: BTreeSet<(i64, Option<i64>)> = db
                    .waiting(&scope)
                    .await
                    .unwrap()
                    .iter()
                    .map(|w| (w.person_id.get(), w.project_id.map(|p| p.get())))
                    .collect();
                let label = format!("{roles:?} as {} (read-only {read_only})", me.fields.email);
                assert_eq!(got, want, "{label}");
            }
        }
    }

    // The case the rule exists for, stated plainly: A's consultant managing A's project
    // approves no one's (not even their own time there), A's partner manager their
    // organisation's but their own, and neither sees the company's or B's people.
    let a_pm = |extra: Role| Subject {
        user_id: Id::new(1),
        roles: vec![Role::ProjectManager, extra],
        person_id: Some(a0.id),
        partner_id: Some(a),
        read_only: false,
    };
    let people_waiting =
        |w: Vec<psops_core::reporting::Waiting>| w.iter().map(|w| w.person_id).collect::<BTreeSet<_>>();
    let consultant = db
        .waiting(&approval_scope(&a_pm(Role::PartnerConsultant)))
        .await
        .unwrap();
    assert_eq!(people_waiting(consultant), BTreeSet::new());
    let manager = db.waiting(&approval_scope(&a_pm(Role::PartnerManager))).await.unwrap();
    assert_eq!(people_waiting(manager), BTreeSet::from([a1.id]));
    let everyone = db.waiting(&ApprovalScope::All { except: None }).await.unwrap();
    assert_eq!(everyone.iter().map(|w| w.entries).sum::<i64>(), 10);
    assert!(db.waiting(&ApprovalScope::Nothing).await.unwrap().is_empty());
}
