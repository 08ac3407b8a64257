//! Lists cut by `ListScope` in SQL show exactly what `ListScope::admits` — the policy's
//! own statement in Rust — lets through, for every role and several people.

use std::collections::BTreeSet;

use psops_core::auth::Role;
use psops_core::page::PageRequest;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::Function;
use psops_core::policy::{ListKind, ProjectFacts, Resource, Subject, list_scope};
use psops_core::store::prelude::*;
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields, project};

crate::stories!(lists_show_exactly_what_reads_allow);

const ROLES: [Role; 9] = [
    Role::Admin,
    Role::Ops,
    Role::Finance,
    Role::PracticeManager,
    Role::EngagementManager,
    Role::ProjectManager,
    Role::Consultant,
    Role::PartnerManager,
    Role::PartnerConsultant,
];

async fn lists_show_exactly_what_reads_allow(db: &Db) {
    let partner = |name: &str| PartnerFields {
        name: name.into(),
        partner_type: PartnerType::Direct,
        region: None,
        notes: None,
    };
    let a = new(db.create_partner(&ctx(), partner("A")).await.unwrap()).id;
    let b = new(db.create_partner(&ctx(), partner("B")).await.unwrap()).id;
    let mut people: Vec<psops_core::people::Person> = Vec::new();
    let managers = [None, Some(0), Some(0), None, Some(3), None];
    for (i, org) in [None, None, None, Some(a), Some(a), Some(b)].into_iter().enumerate() {
        let mut f = person_fields(&format!("p{i}@scope.example"));
        f.partner_id = org;
        f.manager_id = managers[i].map(|m: usize| people[m].id);
        f.function = if org.is_some() {
            Function::PartnerConsultant
        } else {
            Function::Engineer
        };
        people.push(new(db.create_person(&ctx(), f).await.unwrap()));
    }
    // Projects: direct managed by p0, direct managed by p1, partner A's, partner B's.
    let mut projects = Vec::new();
    for (i, (manager, org)) in [(0, None), (1, None), (1, Some(a)), (0, Some(b))]
        .into_iter()
        .enumerate()
    {
        let p = project(db, &format!("Scope {i}")).await;
        let patch = psops_core::projects::ProjectPatch {
            project_manager_id: Some(Some(people[manager].id)),
            partner_delivered: Some(org.is_some()),
            partner_id: Some(org),
            ..Default::default()
        };
        projects.push(db.update_project(&ctx(), p.id, None, patch).await.unwrap());
    }
    // Everyone works on a project of their own world, and p2 on two.
    let plan = [(0, 0), (1, 1), (2, 0), (2, 1), (3, 2), (4, 2), (5, 3)];
    for (who, on) in plan {
        let f = psops_core::assignments::AssignmentFields {
            person_id: people[who].id,
            project_id: projects[on].id,
            role: Function::Engineer,
            start_date: date!(2026 - 03 - 01),
            end_date: Some(date!(2026 - 06 - 30)),
            minutes_per_week: Minutes(600),
        };
        db.create_assignment(&ctx(), f).await.unwrap();
        let e = psops_core::time_entries::NewTimeEntry {
            person_id: people[who].id,
            project_id: Some(projects[on].id),
            category: None,
            date: date!(2026 - 03 - 02),
            minutes: Minutes(60),
            billable: None,
            note: None,
        };
        db.create_time_entry(&ctx(), e).await.unwrap();
    }
    for p in &people {
        let off = psops_core::calendars::NewTimeOff {
            person_id: p.id,
            date: date!(2026 - 03 - 03),
            minutes: Minutes(480),
            kind: psops_core::capacity::TimeOffKind::Pto,
            note: None,
        };
        db.request_time_off(&ctx(), off).await.unwrap();
    }
    let page = PageRequest {
        after: None,
        limit: 500,
    };
    let everything = psops_core::policy::ListScope::All;
    let all_people = db.list_people(&Default::default(), page).await.unwrap().items;
    let all_partners = db.list_partners(&Default::default(), page).await.unwrap().items;
    let all_accounts = db.list_accounts(&Default::default(), page).await.unwrap().items;
    let all_projects = db.list_projects(&Default::default(), page).await.unwrap().items;
    let all_assignments = db.list_assignments(&Default::default(), page).await.unwrap().items;
    let all_entries = db.list_time_entries(&Default::default(), page).await.unwrap().items;
    let all_time_off = db.list_time_off(&Default::default(), page).await.unwrap().items;
    let march = psops_core::dates::DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    assert_eq!(everything, Default::default());

    for role in ROLES {
        for me in &people {
            let s = Subject {
                user_id: Id::new(1),
                roles: vec![role],
                person_id: Some(me.id),
                partner_id: me.fields.partner_id,
                read_only: false,
            };
            let facts = |p: &psops_core::projects::Project| ProjectFacts {
                id: p.id,
                manager_id: p.fields.project_manager_id,
                partner_id: p.fields.partner_id,
                subject_assigned: all_assignments
                    .iter()
                    .any(|x| x.fields.project_id == p.id && x.fields.person_id == me.id),
            };
            let project_of = |id| all_projects.iter().find(|p| p.id == id).map(facts);
            let person_org = |id| all_people.iter().find(|p| p.id == id).and_then(|p| p.fields.partner_id);
            let label = format!("{role:?} as {}", me.fields.email);

            let scope = list_scope(&s, ListKind::People);
            let want: BTreeSet<_> = all_people
                .iter()
                .filter(|p| {
                    scope.admits(&Resource::Person {
                        id: p.id,
                        partner_id: p.fields.partner_id,
                    })
                })
                .map(|p| p.id.get())
                .collect();
            let f = psops_core::people::PersonFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_people(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|p| p.id.get())
                .collect();
            assert_eq!(got, want, "people, {label}");

            let scope = list_scope(&s, ListKind::Partners);
            let want: BTreeSet<_> = all_partners
                .iter()
                .filter(|p| scope.admits(&Resource::Partner { id: p.id }))
                .map(|p| p.id.get())
                .collect();
            let f = psops_core::partners::PartnerFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_partners(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|p| p.id.get())
                .collect();
            assert_eq!(got, want, "partners, {label}");

            let scope = list_scope(&s, ListKind::Accounts);
            let want: BTreeSet<_> = all_accounts
                .iter()
                .filter(|acc| {
                    let delivers = s.partner_id.is_some()
                        && all_projects
                            .iter()
                            .any(|p| p.fields.account_id == Some(acc.id) && p.fields.partner_id == s.partner_id);
                    scope.admits(&Resource::Account {
                        partner_delivers: delivers,
                    })
                })
                .map(|acc| acc.id.get())
                .collect();
            let f = psops_core::accounts::AccountFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_accounts(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.id.get())
                .collect();
            assert_eq!(got, want, "accounts, {label}");

            let scope = list_scope(&s, ListKind::Projects);
            let want: BTreeSet<_> = all_projects
                .iter()
                .filter(|p| scope.admits(&Resource::Project(facts(p))))
                .map(|p| p.id.get())
                .collect();
            let f = psops_core::projects::ProjectFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_projects(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.id.get())
                .collect();
            assert_eq!(got, want, "projects, {label}");

            let scope = list_scope(&s, ListKind::Assignments);
            let want: BTreeSet<_> = all_assignments
                .iter()
                .filter(|x| {
                    let project = project_of(x.fields.project_id).unwrap();
                    scope.admits(&Resource::Assignment {
                        person_id: x.fields.person_id,
                        project,
                    })
                })
                .map(|x| x.id.get())
                .collect();
            let f = psops_core::assignments::AssignmentFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_assignments(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.id.get())
                .collect();
            assert_eq!(got, want, "assignments, {label}");

            let scope = list_scope(&s, ListKind::TimeEntries);
            let want: BTreeSet<_> = all_entries
                .iter()
                .filter(|e| {
                    let r = Resource::TimeEntry {
                        person_id: e.person_id,
                        person_partner_id: person_org(e.person_id),
                        project: e.project_id.and_then(project_of),
                    };
                    scope.admits(&r)
                })
                .map(|e| e.id.get())
                .collect();
            let f = psops_core::time_entries::TimeEntryFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_time_entries(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.id.get())
                .collect();
            assert_eq!(got, want, "time entries, {label}");

            let person = |id| all_people.iter().find(|p| p.id == id).unwrap();
            let scope = list_scope(&s, ListKind::TimeOff);
            let want: BTreeSet<_> = all_time_off
                .iter()
                .filter(|t| {
                    let who = person(t.person_id);
                    let r = Resource::TimeOff {
                        person_id: who.id,
                        person_partner_id: who.fields.partner_id,
                        manager_id: who.fields.manager_id,
                    };
                    scope.admits(&r)
                })
                .map(|t| t.id.get())
                .collect();
            let f = psops_core::calendars::TimeOffFilter {
                scope,
                ..Default::default()
            };
            let got: BTreeSet<_> = db
                .list_time_off(&f, page)
                .await
                .unwrap()
                .items
                .iter()
                .map(|x| x.id.get())
                .collect();
            assert_eq!(got, want, "time off, {label}");

            let scope = list_scope(&s, ListKind::Figures);
            let want: BTreeSet<_> = all_people
                .iter()
                .filter(|p| {
                    let r = Resource::Figures {
                        person_id: p.id,
                        partner_id: p.fields.partner_id,
                        manager_id: p.fields.manager_id,
                    };
                    scope.admits(&r)
                })
                .map(|p| p.id.to_string())
                .collect();
            let f = psops_core::reporting::UtilizationFilter {
                scope,
                ..Default::default()
            };
            let report = db
                .utilization(march, psops_core::utilization::GroupBy::Person, &f)
                .await
                .unwrap();
            let got: BTreeSet<_> = report.rows.iter().map(|r| r.key.clone()).collect();
            assert_eq!(got, want, "utilization figures, {label}");
        }
    }
    let _ = b;
}
