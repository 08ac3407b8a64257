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
        (any_person(), any_project())
            .prop_map(|(person_id, project)| (ListKind::Assignments, Resource::Assignment { person_id, project })),
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
