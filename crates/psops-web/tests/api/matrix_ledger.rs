//! The authorization matrix of the ledger, trainings and period close: every route ×
//! role. The organisation's money (recognition, lines, sources, trainings listed) is read
//! by those who see cost and written by finance and administrators; a project's revenue
//! method and its trainings are its money (read by those who see bill rates and its
//! manager); the months are read by staff and closed or reopened by finance and
//! administrators. Partners see none of it. `matrix.rs` counts these rows.

use psops_core::finance::Month;
use psops_core::finance::ledger::LineFilter;
use psops_core::finance::training::{Training, TrainingFields};
use psops_core::page::PageRequest;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Id, Money};
use serde_json::{Value, json};
use time::macros::date;

use crate::matrix_fixture::{Org, next};

use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Line,
    Project,
    Training,
    /// A month that has ended and is open.
    OpenMonth,
    /// A month closed by the fixture.
    ClosedMonth,
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Method,
    Training,
    Reason,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const FINANCE_READ: &str = "200 404 200 200 404 404 404 404 404 200";
const FINANCE_ACT: &str = "200 403 200 403 403 403 403 403 403 403";
const MONEY_READ: &str = "200 200 200 200 200 200 404 404 404 200";
const MONEY_CHANGE: &str = "200 403 200 403 403 403 404 404 404 403";
const MONEY_CREATE: &str = "201 403 201 403 403 403 403 403 403 403";
const STAFF_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const CLOSE: &str = "200 403 200 403 403 403 403 403 403 403";
const REOPEN: &str = "200 403 200 403 403 403 403 404 404 403";

pub fn rows() -> Vec<Row> {
    vec![
        (
            "post",
            "/api/v1/ledger/recognise",
            Target::None,
            Body::Empty,
            FINANCE_ACT,
        ),
        ("get", "/api/v1/ledger/lines", Target::None, Body::None, FINANCE_READ),
        (
            "get",
            "/api/v1/ledger/lines/{id}/sources",
            Target::Line,
            Body::None,
            FINANCE_READ,
        ),
        (
            "get",
            "/api/v1/projects/{id}/finance",
            Target::Project,
            Body::None,
            MONEY_READ,
        ),
        (
            "put",
            "/api/v1/projects/{id}/finance",
            Target::Project,
            Body::Method,
            MONEY_CHANGE,
        ),
        ("get", "/api/v1/trainings", Target::None, Body::None, FINANCE_READ),
        ("post", "/api/v1/trainings", Target::None, Body::Training, MONEY_CREATE),
        (
            "get",
            "/api/v1/trainings/{id}",
            Target::Training,
            Body::None,
            MONEY_READ,
        ),
        (
            "patch",
            "/api/v1/trainings/{id}",
            Target::Training,
            Body::Empty,
            MONEY_CHANGE,
        ),
        (
            "post",
            "/api/v1/trainings/{id}/archive",
            Target::Training,
            Body::None,
            MONEY_CHANGE,
        ),
        (
            "post",
            "/api/v1/trainings/{id}/unarchive",
            Target::Training,
            Body::None,
            MONEY_CHANGE,
        ),
        ("get", "/api/v1/periods", Target::None, Body::None, STAFF_READ),
        (
            "post",
            "/api/v1/periods/{month}/close",
            Target::OpenMonth,
            Body::None,
            CLOSE,
        ),
        (
            "post",
            "/api/v1/periods/{month}/reopen",
            Target::ClosedMonth,
            Body::Reason,
            REOPEN,
        ),
    ]
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

fn training_fields(project: i64) -> TrainingFields {
    TrainingFields {
        project_id: Id::new(project),
        title: format!("Admin class {}", next()),
        amount: Money::new(250_000, Currency::USD),
        completed_on: Some(date!(2026 - 01 - 05)),
        roster_received_on: Some(date!(2026 - 01 - 07)),
    }
}

async fn training(s: &dyn Store, project: i64) -> i64 {
    let t: Training = made(
        s.create(&WriteCtx::trusted(), training_fields(project))
            .await
            .expect("training"),
    );
    t.id.get()
}

static MONTHS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// A month no other cell uses, long ended.
fn fresh_month() -> Month {
    let mut m: Month = "1990-01".parse().expect("month");
    for _ in 0..MONTHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) {
        m = m.next();
    }
    m
}

async fn every_ledger_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let s = app.store.as_ref();
    // A training on P1 gives the ledger a line to read the sources of.
    training(s, org.p1).await;
    // Every recognition rewrites the open months' lines: each cell reads the current one.
    let line = || async {
        s.recognise(&WriteCtx::trusted(), date!(2026 - 12 - 31))
            .await
            .expect("recognise");
        let lines = s.ledger_lines(&LineFilter::default(), PageRequest::default()).await;
        lines.expect("lines").items[0].id.get()
    };
    let today = time::OffsetDateTime::now_utc().date();
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::Line => line().await.to_string(),
                Target::Project => org.p1.to_string(),
                Target::Training => training(s, org.p1).await.to_string(),
                Target::OpenMonth => fresh_month().to_string(),
                Target::ClosedMonth => {
                    let m = fresh_month();
                    s.close_period(&WriteCtx::trusted(), m, today).await.expect("close");
                    m.to_string()
                }
            };
            let url = path.replace("{id}", &id).replace("{month}", &id);
            let body: Option<Value> = match b {
                Body::None => None,
                Body::Empty => Some(json!({})),
                Body::Method => Some(json!({"revenue_method": "milestones"})),
                Body::Training => Some(serde_json::to_value(training_fields(org.p1)).unwrap_or_default()),
                Body::Reason => Some(json!({"reason": "A late timesheet"})),
            };
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_ledger_route_for_every_role);
