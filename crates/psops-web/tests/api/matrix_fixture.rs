//! The organisation the authorization matrix runs against: a user of every role, two
//! partner organisations, and projects each role does or does not belong to. Targets
//! of writes are made fresh for every cell, so no cell depends on another.

use psops_core::store::Records as _;
use std::sync::atomic::{AtomicI64, Ordering};

use psops_core::Id;
use psops_core::Minutes;
use psops_core::accounts::{AccountFields, ContactFields};
use psops_core::assignments::AssignmentFields;
use psops_core::auth::{NewApiToken, NewUser, Role, TokenScope};
use psops_core::credentials;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::people::{Function, PersonFields};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::{Created, Store, WriteCtx};
use psops_core::time_entries::NewTimeEntry;
use time::Duration;
use time::macros::date;

/// The roles in the order of the matrix's columns.
pub const ROLES: [Role; 10] = [
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

pub struct Org {
    pub tokens: Vec<String>,
    pub people: Vec<i64>,
    pub users: Vec<i64>,
    pub partner_a: i64,
    pub partner_b: i64,
    /// The direct customer (account X, project P1, managed by the project manager).
    pub account_x: i64,
    pub p1: i64,
    /// Partner A's account and project.
    pub account_y: i64,
    pub pa: i64,
    /// Partner B's account and project; nobody of the matrix belongs to them.
    pub account_z: i64,
    pub pb: i64,
    pub contact_x: i64,
    pub contact_y: i64,
    pub contact_z: i64,
    /// Partner B's consultant and their user.
    pub b_person: i64,
    pub b_user: i64,
}

static SEQ: AtomicI64 = AtomicI64::new(0);

pub fn next() -> i64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn created<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

async fn person(store: &dyn Store, name: &str, function: Function, partner: Option<i64>) -> i64 {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@matrix.example", name.to_lowercase().replace(' ', ".")),
        function,
        region: "EMEA".into(),
        time_zone: "UTC".into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: date!(2025 - 01 - 01),
        employment_end: None,
        manager_id: None,
        partner_id: partner.map(Id::new),
    };
    created(store.create(&ctx(), fields).await.expect("person")).id.get()
}

async fn account(store: &dyn Store, name: &str) -> i64 {
    let f = AccountFields {
        name: name.into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    created(store.create(&ctx(), f).await.expect("account")).id.get()
}

async fn contact(store: &dyn Store, account: i64) -> i64 {
    let f = ContactFields {
        name: "Contact".into(),
        email: None,
        title: None,
        phone: None,
    };
    created(
        store
            .create(
                &ctx(),
                psops_core::accounts::NewContact {
                    account_id: Id::new(account),
                    fields: f,
                },
            )
            .await
            .expect("contact"),
    )
    .id
    .get()
}

async fn project(store: &dyn Store, name: &str, account: i64, manager: i64, partner: Option<i64>) -> i64 {
    let f = ProjectFields {
        name: name.into(),
        code: None,
        account_id: Some(Id::new(account)),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(date!(2026 - 01 - 01)),
        end_date: Some(date!(2026 - 12 - 31)),
        project_manager_id: Some(Id::new(manager)),
        budget_minutes: None,
        budget: None,
        partner_delivered: partner.is_some(),
        partner_id: partner.map(Id::new),
    };
    created(store.create(&ctx(), f).await.expect("project")).id.get()
}

pub async fn assignment(store: &dyn Store, person: i64, project: i64) -> i64 {
    // A partner consultant takes customer work only once vetted (and their partner active).
    let today = time::OffsetDateTime::now_utc().date();
    psops_demo::vetting::vet_for_work(store, &ctx(), Id::new(person), today)
        .await
        .expect("vet");
    let f = AssignmentFields {
        person_id: Id::new(person),
        project_id: Id::new(project),
        role: Function::Engineer,
        start_date: date!(2026 - 01 - 05),
        end_date: Some(date!(2026 - 12 - 31)),
        minutes_per_week: Minutes(600),
    };
    created(store.create(&ctx(), f).await.expect("assignment")).id.get()
}

/// Assigns the person to the project unless they are already: time goes only on
/// projects a person is assigned to.
pub async fn ensure_assigned(store: &dyn Store, person: i64, project: i64) {
    let filter = psops_core::assignments::AssignmentFilter {
        person_id: Some(Id::new(person)),
        project_id: Some(Id::new(project)),
        ..Default::default()
    };
    let held = store
        .list(&filter, psops_core::page::PageRequest::default())
        .await
        .expect("assignments");
    if held.items.is_empty() {
        assignment(store, person, project).await;
    }
}

/// A 2026 date per call, so fixtures never fill a day. It repeats every 360 calls, which
/// entries allow; time off does not (see [`off_date`]).
/// Never in 2026-W10, the week the compliance and reminder rows read: a fixture's
/// submission there could leave nobody missing to remind.
pub fn fresh_date() -> time::Date {
    let day = date!(2026 - 01 - 01) + Duration::days(next() % 360);
    if (date!(2026 - 03 - 02)..=date!(2026 - 03 - 08)).contains(&day) {
        day + Duration::days(7)
    } else {
        day
    }
}

static OFF: AtomicI64 = AtomicI64::new(0);

/// A date no earlier call gave, for time off: one person cannot have two days off on
/// one date, and the shared sequence above, moved by every test running alongside,
/// could give a person's date twice.
pub fn off_date() -> time::Date {
    date!(2027 - 01 - 01) + Duration::days(OFF.fetch_add(1, Ordering::Relaxed))
}

pub async fn entry(store: &dyn Store, person: i64, project: i64) -> i64 {
    ensure_assigned(store, person, project).await;
    let e = NewTimeEntry {
        person_id: Id::new(person),
        project_id: Some(Id::new(project)),
        category: None,
        date: fresh_date(),
        minutes: Minutes(60),
        billable: None,
        note: None,
    };
    created(store.create_time_entry(&ctx(), e).await.expect("entry"))
        .id
        .get()
}

pub async fn user(store: &dyn Store, name: &str, role: Role, person: Option<i64>) -> i64 {
    let u = NewUser {
        email: format!("{name}@users.example"),
        name: name.into(),
        roles: vec![role],
        person_id: person.map(Id::new),
        password_hash: None,
    };
    store.create_user(&ctx(), u).await.expect("user").id.get()
}

/// A new read-write token of a user: (id, secret).
pub async fn token(store: &dyn Store, user: i64) -> (i64, String) {
    let (secret, token_hash) = credentials::new_api_token().expect("token");
    let t = NewApiToken {
        user_id: Id::new(user),
        name: "matrix".into(),
        scope: TokenScope::ReadWrite,
        token_hash,
        expires_at: None,
    };
    (store.create_api_token(&ctx(), t).await.expect("token").id.get(), secret)
}

impl Org {
    pub async fn build(store: &dyn Store) -> Org {
        let pf = |name: &str| PartnerFields {
            name: name.into(),
            partner_type: PartnerType::Direct,
            region: None,
            notes: None,
            training_since: None,
        };
        let partner_a = created(store.create(&ctx(), pf("Partner A")).await.expect("partner"))
            .id
            .get();
        let partner_b = created(store.create(&ctx(), pf("Partner B")).await.expect("partner"))
            .id
            .get();
        let mut people = Vec::new();
        for (i, role) in ROLES.iter().enumerate() {
            let partner = matches!(role, Role::PartnerManager | Role::PartnerConsultant).then_some(partner_a);
            let function = if partner.is_some() {
                Function::PartnerConsultant
            } else {
                Function::Engineer
            };
            people.push(person(store, &format!("Role {i}"), function, partner).await);
        }
        let pm = people[5];
        let other_pm = person(store, "Other PM", Function::ProjectManager, None).await;
        let b_person = person(store, "B Consultant", Function::PartnerConsultant, Some(partner_b)).await;
        let account_x = account(store, "Account X").await;
        let account_y = account(store, "Account Y").await;
        let account_z = account(store, "Account Z").await;
        let p1 = project(store, "P1", account_x, pm, None).await;
        let pa = project(store, "PA", account_y, other_pm, Some(partner_a)).await;
        let pb = project(store, "PB", account_z, other_pm, Some(partner_b)).await;
        // The consultant sees P1 through an assignment; partner A's people are on PA.
        assignment(store, people[6], p1).await;
        assignment(store, people[8], pa).await;
        assignment(store, b_person, pb).await;
        // Partner people log time only under a work authorization.
        crate::matrix_partner_funds_fixture::cover(store, partner_a, pa, partner_b, pb).await;
        let mut users = Vec::new();
        let mut tokens = Vec::new();
        for (i, role) in ROLES.iter().enumerate() {
            let u = user(store, &format!("role{i}"), *role, Some(people[i])).await;
            users.push(u);
            tokens.push(token(store, u).await.1);
        }
        let b_user = user(store, "b-consultant", Role::PartnerConsultant, Some(b_person)).await;
        Org {
            tokens,
            people,
            users,
            partner_a,
            partner_b,
            account_x,
            p1,
            account_y,
            pa,
            account_z,
            pb,
            contact_x: contact(store, account_x).await,
            contact_y: contact(store, account_y).await,
            contact_z: contact(store, account_z).await,
            b_person,
            b_user,
        }
    }

    pub fn is_partner(role: usize) -> bool {
        matches!(ROLES[role], Role::PartnerManager | Role::PartnerConsultant)
    }

    pub fn own_project(&self, role: usize) -> i64 {
        if Self::is_partner(role) { self.pa } else { self.p1 }
    }

    pub fn own_account(&self, role: usize) -> i64 {
        if Self::is_partner(role) {
            self.account_y
        } else {
            self.account_x
        }
    }

    pub fn own_contact(&self, role: usize) -> i64 {
        if Self::is_partner(role) {
            self.contact_y
        } else {
            self.contact_x
        }
    }
}

/// A row's expected statuses, one per role (a row of another length is a mistake in the
/// table, named by its route).
pub fn statuses(method: &str, path: &str, expected: &str) -> Vec<u16> {
    let expected: Vec<u16> = expected.split_whitespace().map(|c| c.parse().unwrap_or(0)).collect();
    assert_eq!(expected.len(), ROLES.len(), "{method} {path}: one status per role");
    expected
}

/// One cell: the route called as the role's token.
pub async fn call(
    app: &crate::support::TestApp,
    org: &Org,
    role: usize,
    method: &str,
    url: &str,
    body: Option<&serde_json::Value>,
) -> crate::support::Resp {
    let m = axum::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(axum::http::Method::GET);
    app.call_as(&org.tokens[role], m, url, body, &[]).await
}

/// Notes a cell whose status is not the one its row expects.
pub fn differs(
    failures: &mut Vec<String>,
    (method, path): (&str, &str),
    target: impl std::fmt::Debug,
    role: usize,
    want: u16,
    r: &crate::support::Resp,
) {
    if r.status.as_u16() != want {
        failures.push(format!(
            "{method} {path} {target:?} as {:?}: want {want}, got {} {}",
            ROLES[role], r.status, r.text
        ));
    }
}

/// Fails with every cell that differs.
pub fn assert_cells(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
