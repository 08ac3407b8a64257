//! The authorization matrix of the invoice routes: every role against fresh invoices of a
//! fixed-fee project of account X managed by the project manager (one accepted milestone
//! billed). Those who see bill rates read every invoice, the project's manager reads its
//! own; finance and administrators draft, edit, issue, credit and discard; the export is
//! for those who see the organisation's money; partners see none. `matrix.rs` counts these
//! rows when it checks every documented route has one.

use psops_core::Money;
use psops_core::delivery::acceptance::{AcceptanceMethod, NewEvidence, SignOff};
use psops_core::finance::invoices::NewInvoice;
use psops_core::plan::{MilestoneFields, MilestoneStatus};
use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::{Created, Records, Store, WriteCtx};
use psops_core::{Currency, Id};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::date;

use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Draft,
    Issued,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    New,
    Credit,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
/// Read by those who see bill rates and by the project's manager.
const READ: &str = "200 200 200 200 200 200 404 404 404 200";
/// Kept by finance and administrators.
const KEEP: &str = "200 403 200 403 403 403 404 404 404 403";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/invoices", Target::None, Body::None, ALL_200),
        (
            "post",
            "/api/v1/invoices",
            Target::None,
            Body::New,
            "201 403 201 403 403 403 403 403 403 403",
        ),
        (
            "get",
            "/api/v1/invoices/export.csv",
            Target::None,
            Body::None,
            "200 403 200 200 403 403 403 403 403 200",
        ),
        ("get", "/api/v1/invoices/{id}", Target::Draft, Body::None, READ),
        ("get", "/api/v1/invoices/{id}", Target::Issued, Body::None, READ),
        ("patch", "/api/v1/invoices/{id}", Target::Draft, Body::Empty, KEEP),
        (
            "delete",
            "/api/v1/invoices/{id}",
            Target::Draft,
            Body::None,
            "204 403 204 403 403 403 404 404 404 403",
        ),
        ("post", "/api/v1/invoices/{id}/issue", Target::Draft, Body::None, KEEP),
        (
            "post",
            "/api/v1/invoices/{id}/credit",
            Target::Issued,
            Body::Credit,
            "201 403 201 403 403 403 404 404 404 403",
        ),
        ("get", "/api/v1/invoices/{id}/pdf", Target::Issued, Body::None, READ),
    ]
}

fn created<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A fresh fixed-fee project of account X managed by the project manager, with one
/// accepted milestone of 10,000.00 USD.
pub async fn billable_project(store: &dyn Store, org: &Org) -> i64 {
    let ctx = WriteCtx::trusted();
    let usd = |m| Money::new(m, Currency::USD);
    let f = ProjectFields {
        name: format!("Fixed fee {}", next()),
        code: None,
        account_id: Some(Id::new(org.account_x)),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::FixedFee,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(date!(2026 - 01 - 01)),
        end_date: Some(date!(2026 - 12 - 31)),
        project_manager_id: Some(Id::new(org.people[5])),
        budget_minutes: None,
        budget: Some(usd(1_000_000)),
        partner_delivered: false,
        partner_id: None,
    };
    let p: psops_core::projects::Project = created(store.create(&ctx, f).await.expect("project"));
    let m: psops_core::plan::Milestone = created(
        store
            .create(
                &ctx,
                MilestoneFields {
                    project_id: p.id,
                    name: "Design".into(),
                    due_date: Some(date!(2026 - 02 - 01)),
                    amount: Some(usd(1_000_000)),
                    status: MilestoneStatus::Open,
                },
            )
            .await
            .expect("milestone"),
    );
    let today = OffsetDateTime::now_utc().date();
    let s = SignOff {
        accepted_by: "Pat Customer".into(),
        method: AcceptanceMethod::EmailReply,
        accepted_on: Some(date!(2026 - 02 - 02)),
        note: None,
        evidence: Some(NewEvidence::Link {
            url: "https://mail.example/ok".into(),
            note: None,
        }),
        today,
    };
    store.record_acceptance(&ctx, m.id, None, s).await.expect("accept");
    p.id.get()
}

async fn invoice(store: &dyn Store, org: &Org, t: Target) -> Option<i64> {
    if let Target::None = t {
        return None;
    }
    let project = billable_project(store, org).await;
    let ctx = WriteCtx::trusted();
    let today = OffsetDateTime::now_utc().date();
    let new = NewInvoice {
        project_id: Id::new(project),
        through: today,
    };
    let d = store.draft_invoice(&ctx, new, today).await.expect("draft");
    if let Target::Issued = t {
        store.issue_invoice(&ctx, d.id, None, today).await.expect("issue");
    }
    Some(d.id.get())
}

async fn body(store: &dyn Store, org: &Org, b: Body) -> Option<Value> {
    Some(match b {
        Body::None => return None,
        Body::Empty => json!({}),
        Body::New => json!({
            "project_id": billable_project(store, org).await,
            "through": OffsetDateTime::now_utc().date().to_string(),
        }),
        Body::Credit => json!({"reason": "Billed to the wrong entity"}),
    })
}

async fn every_invoice_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = invoice(app.store.as_ref(), &org, t).await;
            let url = match id {
                Some(id) => path.replace("{id}", &id.to_string()),
                None if path.contains("export.csv") => format!("{path}?from=2026-01-01&to=2026-12-31"),
                None => path.to_string(),
            };
            let body = body(app.store.as_ref(), &org, b).await;
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_invoice_route_for_every_role);
