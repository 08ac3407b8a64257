//! Builders for valid records and the macro that runs a story on both backends.

use psops_core::accounts::AccountFields;
use psops_core::assignments::AssignmentFields;
use psops_core::people::{Fte, Function, Person, PersonFields, PersonId};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectStatus, ProjectType};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use psops_core::{Error, Id, Minutes};
use time::macros::date;

/// Runs each story as `sqlite_<name>` and `postgres_<name>`; the PostgreSQL variant
/// passes with a notice when no PostgreSQL is configured.
#[macro_export]
macro_rules! stories {
    ($($name:ident),* $(,)?) => {
        pub mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = psops_store::testing::TestDatabase::sqlite();
                    let db = t.open().await;
                    super::$name(&db).await;
                    db.close().await;
                    t.destroy().await;
                }
            )*
        }
        pub mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(t) = psops_store::testing::TestDatabase::postgres().await else {
                        eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL");
                        return;
                    };
                    let db = t.open().await;
                    super::$name(&db).await;
                    db.close().await;
                    t.destroy().await;
                }
            )*
        }
    };
}

pub fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

pub fn new<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("expected a new record, got a replay"),
    }
}

pub fn person_fields(email: &str) -> PersonFields {
    PersonFields {
        name: format!("Person {email}"),
        email: email.into(),
        function: Function::Engineer,
        region: "EMEA".into(),
        time_zone: "Europe/Berlin".into(),
        fte: Fte::FULL,
        employment_start: date!(2026 - 01 - 01),
        employment_end: None,
        manager_id: None,
        partner_id: None,
    }
}

pub async fn person(db: &dyn Store, email: &str) -> Person {
    new(db.create(&ctx(), person_fields(email)).await.expect("create person"))
}

pub fn project_fields(account: i64, name: &str) -> ProjectFields {
    ProjectFields {
        name: name.into(),
        code: None,
        account_id: Some(Id::new(account)),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(date!(2026 - 02 - 01)),
        end_date: Some(date!(2026 - 12 - 31)),
        project_manager_id: None,
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    }
}

/// An account with one active T&M project running Feb–Dec 2026.
pub async fn project(db: &dyn Store, name: &str) -> Project {
    let account = new(db
        .create(
            &ctx(),
            AccountFields {
                name: format!("{name} Inc"),
                code: None,
                region: None,
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("create account"));
    new(db
        .create(&ctx(), project_fields(account.id.get(), name))
        .await
        .expect("create project"))
}

/// Assigns a person to a project over the project's dates: time goes only on projects a
/// person is assigned to.
pub async fn assign(db: &dyn Store, person: PersonId, project: &Project) {
    vet(db, person).await;
    let f = AssignmentFields {
        person_id: person,
        project_id: project.id,
        role: Function::Engineer,
        start_date: project.fields.start_date.unwrap_or(date!(2020 - 01 - 01)),
        end_date: project.fields.end_date,
        minutes_per_week: Minutes(10 * 60),
    };
    let _: psops_core::assignments::Assignment = new(db.create(&ctx(), f).await.expect("assign"));
}

/// Makes a partner consultant fit for customer work (their partner active, them vetted),
/// as the vetting gate on assignments asks; the company's own people need nothing.
pub async fn vet(db: &dyn Store, person: PersonId) {
    let today = time::OffsetDateTime::now_utc().date();
    psops_demo::vetting::vet_for_work(db, &ctx(), person, today)
        .await
        .expect("vet");
}

/// The field and rule of each broken rule of an invalid input.
pub fn broken(e: Error) -> Vec<(String, Rule)> {
    match e {
        Error::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.rule)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// A user of these roles, made by the trusted context.
pub async fn user(db: &dyn Store, email: &str, roles: Vec<psops_core::auth::Role>) -> psops_core::auth::UserId {
    let u = psops_core::auth::NewUser {
        email: email.into(),
        name: email.into(),
        roles,
        person_id: None,
        password_hash: None,
    };
    db.create_user(&ctx(), u).await.expect("user").id
}

/// A write as a signed-in user, the way a request makes one.
pub fn as_user(u: psops_core::auth::UserId) -> WriteCtx {
    let me = psops_core::policy::Subject {
        user_id: u,
        roles: vec![],
        person_id: None,
        partner_id: None,
        read_only: false,
    };
    let grant = psops_core::policy::grant(&me, psops_core::policy::Action::Read, None).expect("grant");
    WriteCtx::granted(grant, u, None)
}

/// The last day of the demo organisation most demo stories read.
pub const DEMO_END: time::Date = date!(2026 - 06 - 17);

/// The default demo organisation: 60 people over the year to `DEMO_END`, seed 42.
pub fn default_demo_spec() -> psops_demo::DemoSpec {
    psops_demo::DemoSpec {
        people: 60,
        years: 1,
        seed: 42,
        end: DEMO_END,
    }
}

/// Applies the handbook's catalog, as `psops demo` does before the organisation (the
/// demo sells and teaches what the catalog holds).
pub async fn apply_handbook(db: &dyn Store) {
    let handbook = psops_core::catalog::file::handbook();
    psops_core::catalog::file::apply(db, &ctx(), &handbook, false)
        .await
        .expect("catalog");
}

/// Generates the organisation of `spec` and installs it; each user's password hash is
/// made up from their e-mail, since no story signs in.
pub async fn install_demo(db: &dyn Store, spec: psops_demo::DemoSpec) -> psops_demo::DemoOrg {
    let org = psops_demo::DemoOrg::generate(spec).expect("generate");
    let hashes: Vec<String> = org.users().iter().map(|u| format!("hash-{}", u.email)).collect();
    psops_demo::install(db, &ctx(), &org, &hashes, &|_| {})
        .await
        .expect("install");
    org
}

/// What `psops demo` installs by default: the handbook's catalog, then the default
/// organisation.
pub async fn default_demo(db: &dyn Store) -> psops_demo::DemoOrg {
    apply_handbook(db).await;
    install_demo(db, default_demo_spec()).await
}
