//! Lists cut by `ListScope` in SQL show exactly what `ListScope::admits` — the policy's
//! own statement in Rust — lets through, for every role and several people.

use std::collections::BTreeSet;

use psops_core::auth::Role;
use psops_core::page::PageRequest;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::Function;
use psops_core::policy::{ProjectFacts, Resource, Subject, list_scope};
use psops_core::scope::ListKind;
use psops_core::store::prelude::*;
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{ctx, new, person_fields, project};

crate::stories!(lists_show_exactly_what_reads_allow);

/// Lists one kind cut by the subject's scope in SQL and compares with the records
/// `ListScope::admits` lets through.
macro_rules! agrees {
    ($label:expr, $db:expr, $s:expr, $kind:ident, $filter:path, $list:ident, $all:expr, |$x:ident| $resource:expr) => {{
        let scope = list_scope($s, ListKind::$kind);
        let want: BTreeSet<i64> = $all
            .iter()
            .filter(|$x| scope.admits(&$resource))
            .map(|$x| $x.id.get())
            .collect();
        let mut f: $filter = Default::default();
        f.scope = scope;
        let page = PageRequest {
            after: None,
            limit: 500,
        };
        let got: BTreeSet<i64> = $db
            .$list(&f, page)
            .await
            .unwrap()
            .items
            .iter()
            .map(|x| x.id.get())
            .collect();
        assert_eq!(got, want, "{} for {}", stringify!($kind), $label);
    }};
}

const ROLES: [Role; 10] = [
    Role::Admin,
    Role::Ops,
    Role::Finance,
    Role::PracticeManager,
    Role::EngagementManager,
    Role::ProjectManager,
    Role::Consultant,
    Role::PartnerManager,
    Role::PartnerConsultant,
    Role::Leadership,
];

async fn lists_show_exactly_what_reads_allow(db: &Db) {
    let partner = |name: &str| PartnerFields {
        name: name.into(),
        partner_type: PartnerType::Direct,
        region: None,
        notes: None,
        training_since: None,
    };
    let a = new(db.create(&ctx(), partner("A")).await.unwrap()).id;
    let b = new(db.create(&ctx(), partner("B")).await.unwrap()).id;
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
        people.push(new(db.create(&ctx(), f).await.unwrap()));
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
        projects.push(db.update(&ctx(), p.id, None, patch).await.unwrap());
    }
    // Partner people log time only under their organisation's work authorizations.
    super::partner_funds::authorize(db, a, projects[2].id).await;
    super::partner_funds::authorize(db, b, projects[3].id).await;
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
        super::fixtures::vet(db, people[who].id).await;
        db.create(&ctx(), f).await.unwrap();
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
    let everything = psops_core::scope::ListScope::All;
    let all_people = db
        .list(&psops_core::people::PersonFilter::default(), page)
        .await
        .unwrap()
        .items;
    let all_partners = db
        .list(&psops_core::partners::PartnerFilter::default(), page)
        .await
        .unwrap()
        .items;
    let all_accounts = db
        .list(&psops_core::accounts::AccountFilter::default(), page)
        .await
        .unwrap()
        .items;
    let all_projects = db
        .list(&psops_core::projects::ProjectFilter::default(), page)
        .await
        .unwrap()
        .items;
    let all_assignments = db
        .list(&psops_core::assignments::AssignmentFilter::default(), page)
        .await
        .unwrap()
        .items;
    for p in &all_projects {
        let rate = psops_core::rates::cards::ProjectRateFields {
            project_id: p.id,
            role: Function::Engineer,
            rate: psops_core::Money::new(20_000, psops_core::Currency::USD),
            effective_from: date!(2026 - 01 - 01),
            effective_to: None,
        };
        let _: psops_core::rates::ProjectRate = new(db.create(&ctx(), rate).await.unwrap());
    }
    let all_rates = db
        .list(&psops_core::rates::cards::ProjectRateFilter::default(), page)
        .await
        .unwrap()
        .items;
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

            agrees!(
                &label,
                db,
                &s,
                People,
                psops_core::people::PersonFilter,
                list,
                all_people,
                |p| {
                    Resource::Person {
                        id: p.id,
                        partner_id: p.fields.partner_id,
                    }
                }
            );
            agrees!(
                &label,
                db,
                &s,
                Partners,
                psops_core::partners::PartnerFilter,
                list,
                all_partners,
                |p| { Resource::Partner { id: p.id } }
            );
            agrees!(
                &label,
                db,
                &s,
                Accounts,
                psops_core::accounts::AccountFilter,
                list,
                all_accounts,
                |acc| {
                    let delivers = s.partner_id.is_some()
                        && all_projects
                            .iter()
                            .any(|p| p.fields.account_id == Some(acc.id) && p.fields.partner_id == s.partner_id);
                    Resource::Account {
                        partner_delivers: delivers,
                    }
                }
            );
            agrees!(
                &label,
                db,
                &s,
                Projects,
                psops_core::projects::ProjectFilter,
                list,
                all_projects,
                |p| { Resource::Project(facts(p)) }
            );
            agrees!(
                &label,
                db,
                &s,
                Assignments,
                psops_core::assignments::AssignmentFilter,
                list,
                all_assignments,
                |x| {
                    Resource::Assignment {
                        person_id: x.fields.person_id,
                        person_partner_id: person_org(x.fields.person_id),
                        project: project_of(x.fields.project_id).unwrap(),
                    }
                }
            );
            agrees!(
                &label,
                db,
                &s,
                TimeEntries,
                psops_core::time_entries::TimeEntryFilter,
                list_time_entries,
                all_entries,
                |e| {
                    Resource::TimeEntry {
                        person_id: e.person_id,
                        person_partner_id: person_org(e.person_id),
                        project: e.project_id.and_then(project_of),
                    }
                }
            );
            let person = |id| all_people.iter().find(|p| p.id == id).unwrap();
            agrees!(
                &label,
                db,
                &s,
                TimeOff,
                psops_core::calendars::TimeOffFilter,
                list_time_off,
                all_time_off,
                |t| {
                    let who = person(t.person_id);
                    Resource::TimeOff {
                        person_id: who.id,
                        person_partner_id: who.fields.partner_id,
                        manager_id: who.fields.manager_id,
                    }
                }
            );

            agrees!(
                &label,
                db,
                &s,
                ProjectRates,
                psops_core::rates::cards::ProjectRateFilter,
                list,
                all_rates,
                |r| { Resource::ProjectRates(project_of(r.fields.project_id).unwrap()) }
            );

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
