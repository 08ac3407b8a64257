//! The policy's cells, role by role, and a property that lists and single reads agree.

use proptest::prelude::*;

use super::*;
use crate::id::Id;

const ME: PersonId = Id::new(1);
const OTHER: PersonId = Id::new(2);
const ORG_A: PartnerId = Id::new(10);
const ORG_B: PartnerId = Id::new(11);

fn subject(roles: &[Role], partner: Option<PartnerId>) -> Subject {
    Subject {
        user_id: Id::new(100),
        roles: roles.to_vec(),
        person_id: Some(ME),
        partner_id: partner,
        read_only: false,
    }
}

fn project(manager: Option<PersonId>, partner: Option<PartnerId>, assigned: bool) -> ProjectFacts {
    ProjectFacts {
        id: Id::new(50),
        manager_id: manager,
        partner_id: partner,
        subject_assigned: assigned,
    }
}

fn entry(person: PersonId, person_org: Option<PartnerId>, p: ProjectFacts) -> Resource {
    Resource::TimeEntry {
        person_id: person,
        person_partner_id: person_org,
        project: Some(p),
    }
}

use Decision::{Allow, Forbidden, Hidden};

#[test]
fn ops_read_and_approve_everyones_time_but_change_only_their_own() {
    let ops = subject(&[Role::Ops], None);
    let p = project(Some(OTHER), None, false);
    assert_eq!(decide(&ops, Action::Read, &entry(OTHER, None, p)), Allow);
    assert_eq!(decide(&ops, Action::Approve, &entry(OTHER, None, p)), Allow);
    for write in [Action::Create, Action::Update, Action::Delete] {
        assert_eq!(decide(&ops, write, &entry(OTHER, None, p)), Forbidden, "{write:?}");
        assert_eq!(decide(&ops, write, &entry(ME, None, p)), Allow, "{write:?}");
    }
    let admin = subject(&[Role::Admin], None);
    assert_eq!(decide(&admin, Action::Update, &entry(OTHER, None, p)), Allow);
}

#[test]
fn people_reset_their_own_feed_and_admin_or_ops_anyones() {
    let feed = |person_id, partner_id| Resource::Feed { person_id, partner_id };
    let consultant = subject(&[Role::Consultant], None);
    assert_eq!(decide(&consultant, Action::Update, &feed(ME, None)), Allow);
    assert_eq!(decide(&consultant, Action::Update, &feed(OTHER, None)), Forbidden);
    let read_only = Subject {
        read_only: true,
        ..consultant.clone()
    };
    assert_eq!(decide(&read_only, Action::Update, &feed(ME, None)), Forbidden);
    let ops = subject(&[Role::Ops], None);
    assert_eq!(decide(&ops, Action::Update, &feed(OTHER, None)), Allow);
    let partner = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(decide(&partner, Action::Update, &feed(OTHER, Some(ORG_B))), Hidden);
    assert_eq!(decide(&partner, Action::Update, &feed(OTHER, Some(ORG_A))), Forbidden);
    // What `grant` hands out is exactly what `decide` allows.
    assert!(grant(&consultant, Action::Update, Some(&feed(ME, None))).is_ok());
    assert_eq!(
        grant(&consultant, Action::Update, Some(&feed(OTHER, None))).err(),
        Some(Forbidden)
    );
}

#[test]
fn partners_know_only_their_own_people_on_shared_projects() {
    let manager = subject(&[Role::PartnerManager], Some(ORG_A));
    let shared = project(Some(OTHER), Some(ORG_A), false);
    let assignment = |person_partner_id| Resource::Assignment {
        person_id: OTHER,
        person_partner_id,
        project: shared,
    };
    assert_eq!(decide(&manager, Action::Read, &assignment(Some(ORG_A))), Allow);
    assert_eq!(
        decide(&manager, Action::Read, &assignment(None)),
        Hidden,
        "the company's staff on the project"
    );
    let internal = Resource::Person {
        id: OTHER,
        partner_id: None,
    };
    assert_eq!(decide(&manager, Action::Read, &internal), Hidden);
    assert_eq!(decide(&manager, Action::Read, &entry(OTHER, None, shared)), Hidden);
    let scope = list_scope(&manager, ListKind::Assignments);
    assert!(scope.admits(&assignment(Some(ORG_A))));
    assert!(!scope.admits(&assignment(None)));
}

#[test]
fn consultants_own_their_time_and_see_their_projects() {
    let s = subject(&[Role::Consultant], None);
    let mine = project(Some(OTHER), None, true);
    let theirs = project(Some(OTHER), None, false);
    assert_eq!(decide(&s, Action::Read, &Resource::Project(mine)), Allow);
    assert_eq!(decide(&s, Action::Update, &Resource::Project(mine)), Forbidden);
    assert_eq!(decide(&s, Action::Read, &Resource::Project(theirs)), Hidden);
    assert_eq!(decide(&s, Action::Create, &entry(ME, None, mine)), Allow);
    assert_eq!(
        decide(&s, Action::Update, &entry(ME, None, theirs)),
        Allow,
        "own time stays theirs"
    );
    assert_eq!(decide(&s, Action::Read, &entry(OTHER, None, mine)), Hidden);
    assert_eq!(decide(&s, Action::Approve, &entry(ME, None, mine)), Forbidden);
    assert_eq!(
        decide(
            &s,
            Action::Read,
            &Resource::Person {
                id: OTHER,
                partner_id: None
            }
        ),
        Allow
    );
    assert_eq!(
        decide(
            &s,
            Action::Update,
            &Resource::Person {
                id: ME,
                partner_id: None
            }
        ),
        Forbidden
    );
    assert_eq!(decide(&s, Action::Read, &Resource::AuditLog), Hidden);
    assert_eq!(decide(&s, Action::Read, &Resource::Users), Hidden);
}

#[test]
fn project_managers_run_their_projects() {
    let s = subject(&[Role::ProjectManager], None);
    let mine = project(Some(ME), None, false);
    let other = project(Some(OTHER), None, false);
    assert_eq!(decide(&s, Action::Update, &Resource::Project(mine)), Allow);
    assert_eq!(decide(&s, Action::Read, &Resource::Project(other)), Hidden);
    assert_eq!(
        decide(
            &s,
            Action::Create,
            &Resource::Assignment {
                person_id: OTHER,
                person_partner_id: None,
                project: mine
            }
        ),
        Allow
    );
    assert_eq!(decide(&s, Action::Approve, &entry(OTHER, None, mine)), Allow);
    assert_eq!(decide(&s, Action::Read, &entry(OTHER, None, mine)), Allow);
    assert_eq!(
        decide(&s, Action::Update, &entry(OTHER, None, mine)),
        Forbidden,
        "a PM approves, not edits"
    );
    assert_eq!(decide(&s, Action::Approve, &entry(OTHER, None, other)), Hidden);
    assert_eq!(decide(&s, Action::Create, &Resource::Project(other)), Hidden);
}

#[test]
fn partners_see_only_their_organisation() {
    let pc = subject(&[Role::PartnerConsultant], Some(ORG_A));
    let pm = subject(&[Role::PartnerManager], Some(ORG_A));
    let ours = project(Some(OTHER), Some(ORG_A), false);
    let theirs = project(Some(OTHER), Some(ORG_B), true);
    let direct = project(Some(OTHER), None, true);
    for s in [&pc, &pm] {
        assert_eq!(decide(s, Action::Read, &Resource::Project(ours)), Allow);
        assert_eq!(
            decide(s, Action::Read, &Resource::Project(theirs)),
            Hidden,
            "even when assigned"
        );
        assert_eq!(decide(s, Action::Read, &Resource::Project(direct)), Hidden);
        assert_eq!(
            decide(
                s,
                Action::Read,
                &Resource::Person {
                    id: OTHER,
                    partner_id: Some(ORG_B)
                }
            ),
            Hidden
        );
        assert_eq!(
            decide(
                s,
                Action::Read,
                &Resource::Person {
                    id: OTHER,
                    partner_id: None
                }
            ),
            Hidden
        );
        assert_eq!(
            decide(
                s,
                Action::Read,
                &Resource::Person {
                    id: OTHER,
                    partner_id: Some(ORG_A)
                }
            ),
            Allow
        );
        assert_eq!(decide(s, Action::Read, &Resource::Partner { id: ORG_B }), Hidden);
        assert_eq!(
            decide(
                s,
                Action::Read,
                &Resource::Account {
                    partner_delivers: false
                }
            ),
            Hidden
        );
        assert_eq!(decide(s, Action::Update, &Resource::Project(ours)), Forbidden);
        assert_eq!(decide(s, Action::Read, &entry(OTHER, Some(ORG_B), theirs)), Hidden);
    }
    assert_eq!(decide(&pc, Action::Create, &entry(ME, Some(ORG_A), ours)), Allow);
    assert_eq!(decide(&pc, Action::Create, &entry(ME, Some(ORG_A), direct)), Forbidden);
    assert_eq!(decide(&pc, Action::Read, &entry(OTHER, Some(ORG_A), ours)), Hidden);
    assert_eq!(decide(&pm, Action::Read, &entry(OTHER, Some(ORG_A), ours)), Allow);
    assert_eq!(decide(&pm, Action::Update, &entry(OTHER, Some(ORG_A), ours)), Forbidden);
    let internal = Resource::TimeEntry {
        person_id: ME,
        person_partner_id: Some(ORG_A),
        project: None,
    };
    assert_eq!(
        decide(&pc, Action::Create, &internal),
        Forbidden,
        "partners log on their projects only"
    );
}

#[test]
fn partner_roles_trump_staff_roles() {
    let s = subject(&[Role::Admin, Role::PartnerManager], Some(ORG_A));
    assert_eq!(
        decide(&s, Action::Read, &Resource::Project(project(None, Some(ORG_B), false))),
        Hidden
    );
    assert_eq!(decide(&s, Action::Read, &Resource::Users), Hidden);
}

#[test]
fn finance_ops_and_admin() {
    let fin = subject(&[Role::Finance], None);
    let ops = subject(&[Role::Ops], None);
    let admin = subject(&[Role::Admin], None);
    let p = project(Some(OTHER), None, false);
    assert_eq!(decide(&fin, Action::Read, &entry(OTHER, None, p)), Allow);
    assert_eq!(decide(&fin, Action::Update, &entry(OTHER, None, p)), Forbidden);
    assert_eq!(
        decide(
            &fin,
            Action::Update,
            &Resource::Person {
                id: OTHER,
                partner_id: None
            }
        ),
        Forbidden
    );
    assert_eq!(decide(&ops, Action::Update, &Resource::Project(p)), Allow);
    assert_eq!(
        decide(
            &ops,
            Action::Create,
            &Resource::Person {
                id: OTHER,
                partner_id: None
            }
        ),
        Allow
    );
    assert_eq!(decide(&ops, Action::Update, &Resource::Settings), Allow);
    assert_eq!(decide(&ops, Action::Read, &Resource::AuditLog), Allow);
    assert_eq!(decide(&ops, Action::Read, &Resource::Users), Hidden);
    assert_eq!(decide(&admin, Action::Update, &Resource::Users), Allow);
    assert_eq!(
        decide(&admin, Action::Delete, &Resource::AuditLog),
        Forbidden,
        "nobody changes the log"
    );
    let mine = Resource::ApiToken { owner: Id::new(100) };
    let theirs = Resource::ApiToken { owner: Id::new(999) };
    assert_eq!(decide(&fin, Action::Delete, &mine), Allow);
    assert_eq!(decide(&fin, Action::Delete, &theirs), Hidden);
    assert_eq!(decide(&admin, Action::Delete, &theirs), Allow);
}

#[test]
fn read_only_tokens_only_read() {
    let mut s = subject(&[Role::Admin], None);
    s.read_only = true;
    assert_eq!(decide(&s, Action::Read, &Resource::Settings), Allow);
    assert_eq!(decide(&s, Action::Update, &Resource::Settings), Forbidden);
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

fn any_subject() -> impl Strategy<Value = Subject> {
    (
        proptest::sample::subsequence(ROLES.to_vec(), 1..3),
        proptest::option::of(prop_oneof![Just(ORG_A), Just(ORG_B)]),
    )
        .prop_map(|(roles, partner)| subject(&roles, partner))
}

fn any_person() -> impl Strategy<Value = PersonId> {
    prop_oneof![Just(ME), Just(OTHER)]
}

fn any_org() -> impl Strategy<Value = Option<PartnerId>> {
    proptest::option::of(prop_oneof![Just(ORG_A), Just(ORG_B)])
}

fn any_project() -> impl Strategy<Value = ProjectFacts> {
    (proptest::option::of(any_person()), any_org(), any::<bool>()).prop_map(|(m, o, a)| project(m, o, a))
}

fn any_listed() -> impl Strategy<Value = (ListKind, Resource)> {
    prop_oneof![
        (any_person(), any_org()).prop_map(|(id, partner_id)| (ListKind::People, Resource::Person { id, partner_id })),
        prop_oneof![Just(ORG_A), Just(ORG_B)].prop_map(|id| (ListKind::Partners, Resource::Partner { id })),
        any::<bool>().prop_map(|d| (ListKind::Accounts, Resource::Account { partner_delivers: d })),
        any_project().prop_map(|p| (ListKind::Projects, Resource::Project(p))),
        any_project().prop_map(|p| (ListKind::ProjectRates, Resource::ProjectRates(p))),
        (any_person(), any_org(), any_project()).prop_map(|(person_id, person_partner_id, project)| (
            ListKind::Assignments,
            Resource::Assignment {
                person_id,
                person_partner_id,
                project
            }
        )),
        (any_person(), any_org(), proptest::option::of(any_person())).prop_map(|(person_id, org, manager_id)| {
            (
                ListKind::TimeOff,
                Resource::TimeOff {
                    person_id,
                    person_partner_id: org,
                    manager_id,
                },
            )
        }),
        (any_person(), any_org(), proptest::option::of(any_person())).prop_map(
            |(person_id, partner_id, manager_id)| {
                (
                    ListKind::Figures,
                    Resource::Figures {
                        person_id,
                        partner_id,
                        manager_id,
                    },
                )
            }
        ),
        (any_person(), any_org(), proptest::option::of(any_project())).prop_map(|(person_id, org, project)| {
            (
                ListKind::TimeEntries,
                Resource::TimeEntry {
                    person_id,
                    person_partner_id: org,
                    project,
                },
            )
        }),
    ]
}

proptest! {
    /// A list shows exactly the records a single read would allow.
    #[test]
    fn lists_and_reads_agree(s in any_subject(), (kind, r) in any_listed()) {
        // Facts like "my organisation delivers for this account" are relative to the subject.
        let r = match r {
            Resource::Account { partner_delivers } => Resource::Account { partner_delivers: partner_delivers && s.partner_id.is_some() },
            other => other,
        };
        let read = decide(&s, Action::Read, &r) == Decision::Allow;
        prop_assert_eq!(list_scope(&s, kind).admits(&r), read, "{:?} {:?} {:?}", s.roles, kind, r);
    }
}

fn any_entry() -> impl Strategy<Value = Resource> {
    (any_person(), any_org(), proptest::option::of(any_project())).prop_map(|(person_id, org, project)| {
        Resource::TimeEntry {
            person_id,
            person_partner_id: org,
            project,
        }
    })
}

proptest! {
    /// The approvals queue shows exactly the time the subject may approve.
    #[test]
    fn approval_queue_and_approving_agree(
        s in any_subject(),
        person in proptest::option::of(any_person()),
        read_only in any::<bool>(),
        r in any_entry(),
    ) {
        let s = Subject { person_id: person, read_only, ..s };
        let approves = decide(&s, Action::Approve, &r) == Decision::Allow;
        prop_assert_eq!(approval_scope(&s).admits(&r), approves, "{:?} {:?}", s, r);
    }
}

fn time_off(person: PersonId, org: Option<PartnerId>, manager: Option<PersonId>) -> Resource {
    Resource::TimeOff {
        person_id: person,
        person_partner_id: org,
        manager_id: manager,
    }
}

fn figures(person: PersonId, org: Option<PartnerId>, manager: Option<PersonId>) -> Resource {
    Resource::Figures {
        person_id: person,
        partner_id: org,
        manager_id: manager,
    }
}

#[test]
fn time_off_is_requested_by_its_owner_and_decided_by_the_manager_ops_or_admin() {
    let consultant = subject(&[Role::Consultant], None);
    let mine = time_off(ME, None, Some(OTHER));
    let theirs = time_off(OTHER, None, None);
    assert_eq!(decide(&consultant, Action::Create, &mine), Allow);
    assert_eq!(decide(&consultant, Action::Delete, &mine), Allow);
    assert_eq!(
        decide(&consultant, Action::Approve, &mine),
        Forbidden,
        "nobody approves their own"
    );
    assert_eq!(decide(&consultant, Action::Read, &theirs), Hidden);
    let manager = subject(&[Role::Consultant], None);
    let report = time_off(OTHER, None, Some(ME));
    assert_eq!(
        decide(&manager, Action::Approve, &report),
        Allow,
        "line managers decide"
    );
    for roles in [[Role::Ops], [Role::Admin]] {
        assert_eq!(decide(&subject(&roles, None), Action::Approve, &theirs), Allow);
    }
    let fin = subject(&[Role::Finance], None);
    assert_eq!(decide(&fin, Action::Read, &theirs), Allow);
    assert_eq!(decide(&fin, Action::Approve, &theirs), Forbidden);
    let partner = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(
        decide(&partner, Action::Read, &time_off(OTHER, Some(ORG_A), None)),
        Hidden
    );
    assert_eq!(
        decide(&partner, Action::Create, &time_off(ME, Some(ORG_A), None)),
        Allow
    );
}

#[test]
fn timesheets_are_submitted_by_their_owner_and_approved_by_pms_ops_and_admin() {
    let week = |person, manager| Resource::Timesheet {
        person_id: person,
        person_partner_id: None,
        manager_id: manager,
    };
    let consultant = subject(&[Role::Consultant], None);
    assert_eq!(decide(&consultant, Action::Update, &week(ME, None)), Allow);
    assert_eq!(decide(&consultant, Action::Approve, &week(ME, None)), Forbidden);
    assert_eq!(decide(&consultant, Action::Read, &week(OTHER, None)), Hidden);
    let pm = subject(&[Role::ProjectManager], None);
    assert_eq!(decide(&pm, Action::Approve, &week(OTHER, None)), Allow);
    assert_eq!(
        decide(&pm, Action::Update, &week(OTHER, None)),
        Forbidden,
        "only the owner submits"
    );
    let ops = subject(&[Role::Ops], None);
    assert!(approves_all(&ops));
    assert_eq!(
        decide(
            &ops,
            Action::Approve,
            &entry(OTHER, None, project(Some(OTHER), None, false))
        ),
        Allow
    );
    assert!(!approves_all(&subject(&[Role::Finance], None)));
    assert!(!approves_all(&subject(
        &[Role::Admin, Role::PartnerManager],
        Some(ORG_A)
    )));
    let pm_partner = subject(&[Role::PartnerManager], Some(ORG_A));
    let org_week = Resource::Timesheet {
        person_id: OTHER,
        person_partner_id: Some(ORG_A),
        manager_id: None,
    };
    assert_eq!(decide(&pm_partner, Action::Read, &org_week), Allow);
    assert_eq!(decide(&pm_partner, Action::Approve, &org_week), Forbidden);
}

#[test]
fn report_figures_follow_the_org_chart() {
    let report = figures(OTHER, None, Some(ME));
    let stranger = figures(OTHER, None, None);
    for roles in [
        Role::Admin,
        Role::Ops,
        Role::Finance,
        Role::PracticeManager,
        Role::EngagementManager,
    ] {
        assert_eq!(
            decide(&subject(&[roles], None), Action::Read, &stranger),
            Allow,
            "{roles:?}"
        );
    }
    let pm = subject(&[Role::ProjectManager], None);
    assert_eq!(decide(&pm, Action::Read, &report), Allow);
    assert_eq!(decide(&pm, Action::Read, &stranger), Hidden);
    let consultant = subject(&[Role::Consultant], None);
    assert_eq!(
        decide(&consultant, Action::Read, &report),
        Hidden,
        "a team needs the PM role"
    );
    assert_eq!(decide(&consultant, Action::Read, &figures(ME, None, None)), Allow);
    let partner = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(
        decide(&partner, Action::Read, &figures(OTHER, Some(ORG_A), None)),
        Allow
    );
    assert_eq!(
        decide(&partner, Action::Read, &figures(OTHER, Some(ORG_B), None)),
        Hidden
    );
    assert_eq!(decide(&pm, Action::Read, &Resource::Compliance), Allow);
    assert_eq!(decide(&consultant, Action::Read, &Resource::Compliance), Hidden);
    assert_eq!(decide(&partner, Action::Read, &Resource::Compliance), Hidden);
}

#[test]
fn calendars_policy_and_locks_are_read_widely_and_written_by_few() {
    let writes = |r: Resource| -> Vec<Decision> {
        ROLES
            .iter()
            .map(|role| {
                let org = matches!(role, Role::PartnerManager | Role::PartnerConsultant).then_some(ORG_A);
                decide(&subject(&[*role], org), Action::Create, &r)
            })
            .collect()
    };
    let allowed = |d: &[Decision]| d.iter().filter(|x| **x == Allow).count();
    assert_eq!(allowed(&writes(Resource::Calendars)), 2);
    assert_eq!(allowed(&writes(Resource::CapacityRules)), 3);
    assert_eq!(allowed(&writes(Resource::LockedPeriods)), 2);
    let partner = subject(&[Role::PartnerConsultant], Some(ORG_A));
    assert_eq!(decide(&partner, Action::Read, &Resource::Calendars), Allow);
    assert_eq!(decide(&partner, Action::Read, &Resource::CapacityRules), Allow);
    assert_eq!(decide(&partner, Action::Read, &Resource::LockedPeriods), Hidden);
    let fin = subject(&[Role::Finance], None);
    assert_eq!(decide(&fin, Action::Create, &Resource::LockedPeriods), Allow);
    assert_eq!(decide(&fin, Action::Update, &Resource::Calendars), Forbidden);
}

#[test]
fn nobody_but_an_administrator_approves_their_own_time() {
    let own_project = project(Some(ME), None, true);
    let sheet = Resource::Timesheet {
        person_id: ME,
        person_partner_id: None,
        manager_id: Some(ME),
    };
    for roles in [
        &[Role::Ops][..],
        &[Role::ProjectManager],
        &[Role::Ops, Role::ProjectManager],
    ] {
        let s = subject(roles, None);
        for r in [entry(ME, None, own_project), time_off(ME, None, Some(ME)), sheet] {
            assert_eq!(decide(&s, Action::Approve, &r), Forbidden, "{roles:?} {r:?}");
            assert!(refusal(&s, Action::Approve, &r).is_some_and(|why| why.contains("rule: not_own")));
        }
        assert!(!approval_scope(&s).admits(&entry(ME, None, own_project)), "{roles:?}");
        assert!(!timesheet_actor(&s).approves(ME, Some(ME)), "{roles:?}");
        assert!(
            timesheet_actor(&s).approves(OTHER, Some(ME)),
            "{roles:?}: others' time stays theirs to approve"
        );
    }
    let admin = subject(&[Role::Admin], None);
    assert_eq!(decide(&admin, Action::Approve, &entry(ME, None, own_project)), Allow);
    assert_eq!(approval_scope(&admin), ApprovalScope::All { except: None });
    assert!(timesheet_actor(&admin).approves(ME, None));
    assert_eq!(refusal(&admin, Action::Approve, &entry(OTHER, None, own_project)), None);
}

#[test]
fn consultants_and_partners_see_no_rate_and_cost_stays_with_its_roles() {
    let rates = [
        Resource::RateCard { cost: false },
        Resource::RateCard { cost: true },
        Resource::CostRates,
        Resource::ProjectRates(project(Some(OTHER), None, true)),
    ];
    for who in [
        subject(&[Role::Consultant], None),
        subject(&[Role::PartnerConsultant], Some(ORG_A)),
        subject(&[Role::PartnerManager, Role::ProjectManager], Some(ORG_A)),
    ] {
        for r in &rates {
            assert_eq!(decide(&who, Action::Read, r), Hidden, "{:?} {r:?}", who.roles);
        }
        let request = Resource::SkuRequest {
            requested_by: None,
            subject_approves: false,
        };
        assert_eq!(decide(&who, Action::Read, &request), Hidden);
    }
    for role in [Role::Admin, Role::Finance, Role::PracticeManager, Role::Leadership] {
        let s = subject(&[role], None);
        assert_eq!(decide(&s, Action::Read, &Resource::CostRates), Allow, "{role:?}");
    }
    for role in [Role::Ops, Role::EngagementManager, Role::ProjectManager] {
        let s = subject(&[role], None);
        assert_eq!(decide(&s, Action::Read, &Resource::CostRates), Hidden, "{role:?}");
        assert_eq!(
            decide(&s, Action::Read, &Resource::RateCard { cost: true }),
            Hidden,
            "{role:?}"
        );
    }
    // A project manager sees the bill rates of the projects they manage, no others.
    let pm = subject(&[Role::ProjectManager], None);
    assert_eq!(
        decide(
            &pm,
            Action::Read,
            &Resource::ProjectRates(project(Some(ME), None, false))
        ),
        Allow
    );
    assert_eq!(
        decide(
            &pm,
            Action::Read,
            &Resource::ProjectRates(project(Some(OTHER), None, true))
        ),
        Hidden
    );
    assert_eq!(
        decide(
            &pm,
            Action::Update,
            &Resource::ProjectRates(project(Some(ME), None, false))
        ),
        Forbidden
    );
    // Leadership reads everything and keeps none of it.
    let lead = subject(&[Role::Leadership], None);
    assert_eq!(decide(&lead, Action::Update, &Resource::CostRates), Forbidden);
    assert_eq!(
        decide(
            &lead,
            Action::Read,
            &Resource::Project(project(Some(OTHER), None, false))
        ),
        Allow
    );
}

#[test]
fn the_catalog_is_staff_reading_and_practice_keeping() {
    let partner = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(decide(&partner, Action::Read, &Resource::Catalog), Hidden);
    let consultant = subject(&[Role::Consultant], None);
    assert_eq!(decide(&consultant, Action::Read, &Resource::Catalog), Allow);
    assert_eq!(decide(&consultant, Action::Update, &Resource::Catalog), Forbidden);
    let practice = subject(&[Role::PracticeManager], None);
    assert_eq!(decide(&practice, Action::Create, &Resource::Catalog), Allow);
    // An approver who sees no cost still reads the requests they decide.
    let em = subject(&[Role::EngagementManager], None);
    let theirs = Resource::SkuRequest {
        requested_by: None,
        subject_approves: true,
    };
    assert_eq!(decide(&em, Action::Read, &theirs), Allow);
    assert_eq!(decide(&em, Action::Update, &theirs), Forbidden);
}

#[test]
fn a_partner_sends_its_own_invoices_and_only_the_team_decides_them() {
    use Decision::*;
    let ours = Resource::PartnerInvoice { partner_id: ORG_A };
    let theirs = Resource::PartnerInvoice { partner_id: ORG_B };
    let manager = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(decide(&manager, Action::Read, &ours), Allow);
    assert_eq!(decide(&manager, Action::Create, &ours), Allow);
    assert_eq!(decide(&manager, Action::Archive, &ours), Allow);
    assert_eq!(decide(&manager, Action::Approve, &ours), Forbidden);
    assert_eq!(decide(&manager, Action::Read, &theirs), Hidden);
    let consultant = subject(&[Role::PartnerConsultant], Some(ORG_A));
    assert_eq!(decide(&consultant, Action::Read, &ours), Hidden);
    for team in [Role::Admin, Role::Ops, Role::Finance] {
        let s = subject(&[team], None);
        assert_eq!(decide(&s, Action::Approve, &theirs), Allow, "{team:?}");
    }
    let leadership = subject(&[Role::Leadership], None);
    assert_eq!(decide(&leadership, Action::Read, &theirs), Allow);
    assert_eq!(decide(&leadership, Action::Approve, &theirs), Forbidden);
    assert_eq!(decide(&subject(&[Role::Consultant], None), Action::Read, &ours), Hidden);
}

#[test]
fn the_education_report_is_for_those_who_run_education_and_a_partner_sees_its_own_trainers() {
    for all in [
        Role::Admin,
        Role::Ops,
        Role::Finance,
        Role::PracticeManager,
        Role::Leadership,
    ] {
        assert_eq!(education_report_scope(&subject(&[all], None)), Some(None), "{all:?}");
    }
    for none in [Role::EngagementManager, Role::ProjectManager, Role::Consultant] {
        assert_eq!(education_report_scope(&subject(&[none], None)), None, "{none:?}");
    }
    let manager = subject(&[Role::PartnerManager], Some(ORG_A));
    assert_eq!(education_report_scope(&manager), Some(Some(ORG_A)));
    assert_eq!(
        education_report_scope(&subject(&[Role::PartnerConsultant], Some(ORG_A))),
        None
    );
    // A partner's user holding a staff role still sees only its own organisation's.
    let mixed = subject(&[Role::Admin, Role::PartnerManager], Some(ORG_A));
    assert_eq!(education_report_scope(&mixed), Some(Some(ORG_A)));
}
