//! The authorization matrix of closure and CSAT surveys: every route × role against the
//! project manager's project P1 (its consultant assigned): read with the project, kept by
//! its manager, ops and administrators; partners see none of a direct customer's
//! project. The CSAT report is read by the staff who run delivery. The customer's own
//! page, `/survey/{token}`, needs no account and is tested in `ui_closure_csat.rs`.
//! `matrix.rs` counts these rows when it checks every documented route has one.

use psops_core::accounts::{ContactFields, NewContact};
use psops_core::delivery::surveys::SurveyRequest;
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::{Id, store::Created};
use serde_json::{Value, json};

use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    Nothing,
    /// Project P1 (its closure, its surveys).
    P1,
    /// The survey sent for P1.
    Survey,
}
use Target::*;

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    /// A survey for a fresh project of the PM's in account X.
    Send,
}

type Row = (&'static str, &'static str, Target, Body, &'static str);

const PLAN_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const PLAN_CREATE: &str = "201 201 403 403 403 201 403 403 403 403";
const PLAN_CHANGE: &str = "200 200 403 403 403 200 403 404 404 403";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/surveys", P1, Body::None, PLAN_READ),
        ("post", "/api/v1/surveys", Nothing, Body::Send, PLAN_CREATE),
        ("get", "/api/v1/surveys/{id}", Survey, Body::None, PLAN_READ),
        ("get", "/api/v1/closures/{id}", P1, Body::None, PLAN_READ),
        ("patch", "/api/v1/closures/{id}", P1, Body::Empty, PLAN_CHANGE),
        // Read by admin, ops, finance, practice managers, project managers, leadership.
        (
            "get",
            "/api/v1/reports/csat",
            Nothing,
            Body::None,
            "200 200 200 200 404 200 404 404 404 200",
        ),
    ]
}

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

/// A contact with an e-mail address at the account.
pub async fn mailable_contact(store: &dyn Store, account: i64) -> i64 {
    let c: psops_core::accounts::Contact = made(
        store
            .create(
                &ctx(),
                NewContact {
                    account_id: Id::new(account),
                    fields: ContactFields {
                        name: "Casey Customer".into(),
                        email: Some("casey@customer.example".into()),
                        title: None,
                        phone: None,
                    },
                },
            )
            .await
            .expect("contact"),
    );
    c.id.get()
}

/// A project of the project manager's in the account, closing.
pub async fn closing_project(store: &dyn Store, account: i64, manager: i64) -> i64 {
    let f = ProjectFields {
        name: format!("Closing {}", next()),
        code: None,
        account_id: Some(Id::new(account)),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: None,
        end_date: None,
        project_manager_id: Some(Id::new(manager)),
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    };
    let p: psops_core::projects::Project = made(store.create(&ctx(), f).await.expect("project"));
    p.id.get()
}

async fn every_closure_and_survey_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    let contact = mailable_contact(s, org.account_x).await;
    let sent = s
        .send_survey(
            &ctx(),
            SurveyRequest {
                project_id: Id::new(org.p1),
                contact_id: Id::new(contact),
            },
            "http://psops.test",
            time::OffsetDateTime::now_utc(),
        )
        .await
        .expect("survey");
    let pm = org.people[5];
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Nothing => String::new(),
                P1 => org.p1.to_string(),
                Survey => sent.survey.id.to_string(),
            };
            let mut url = path.replace("{id}", &id);
            if path == "/api/v1/surveys" && method == "get" {
                url = format!("{url}?project_id={}", org.p1);
            }
            let body: Option<Value> = match b {
                Body::None => Option::None,
                Body::Empty => Some(json!({})),
                Body::Send => {
                    let p = closing_project(s, org.account_x, pm).await;
                    Some(json!({"project_id": p, "contact_id": contact}))
                }
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_closure_and_survey_route_for_every_role);
