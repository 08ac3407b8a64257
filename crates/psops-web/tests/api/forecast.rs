//! The forecast over HTTP: the month totals of a hard assignment, the per-project lines on
//! request, the limits of `from`, `months` and `year`, keeping a snapshot and listing it,
//! and accuracy by month and quarter.

use psops_core::accounts::{Account, AccountFields};
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::people::{Fte, Function, Person, PersonFields};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectStatus, ProjectType};
use psops_core::rates::cards::RoleRateFields;
use psops_core::rates::{RateKind, RoleRate};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use psops_core::{Minutes, Money};
use serde_json::json;
use time::macros::date;

use crate::support::{TestApp, api_tests};

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

/// A time-and-materials project in AMER with an engineer hard-booked 20 hours a week
/// through July 2026 at 150.00 an hour.
async fn booked(s: &dyn Store) {
    let ctx = WriteCtx::trusted();
    let _: RoleRate = made(
        s.create(
            &ctx,
            RoleRateFields {
                kind: RateKind::Bill,
                role: Function::Engineer,
                region: "AMER".into(),
                rate: Money::new(15_000, psops_core::Currency::USD),
                effective_from: date!(2026 - 01 - 01),
                effective_to: None,
            },
        )
        .await
        .expect("rate"),
    );
    let account: Account = made(
        s.create(
            &ctx,
            AccountFields {
                name: "Forecast Co".into(),
                code: None,
                region: Some("AMER".into()),
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("account"),
    );
    let project: Project = made(
        s.create(
            &ctx,
            ProjectFields {
                name: "Forecast rollout".into(),
                code: None,
                account_id: Some(account.id),
                project_type: ProjectType::Consulting,
                billing_type: BillingType::TimeAndMaterials,
                status: ProjectStatus::Active,
                phase: None,
                start_date: Some(date!(2026 - 07 - 01)),
                end_date: Some(date!(2026 - 12 - 31)),
                project_manager_id: None,
                budget_minutes: None,
                budget: None,
                partner_delivered: false,
                partner_id: None,
            },
        )
        .await
        .expect("project"),
    );
    let person: Person = made(
        s.create(
            &ctx,
            PersonFields {
                name: "Eve Engineer".into(),
                email: "eve@forecast.example".into(),
                function: Function::Engineer,
                region: "AMER".into(),
                time_zone: "America/New_York".into(),
                fte: Fte::FULL,
                employment_start: date!(2026 - 01 - 01),
                employment_end: None,
                manager_id: None,
                partner_id: None,
            },
        )
        .await
        .expect("person"),
    );
    let _: Assignment = made(
        s.create(
            &ctx,
            AssignmentFields {
                person_id: person.id,
                project_id: project.id,
                role: Function::Engineer,
                start_date: date!(2026 - 07 - 01),
                end_date: Some(date!(2026 - 07 - 31)),
                minutes_per_week: Minutes(1_200),
            },
        )
        .await
        .expect("assignment"),
    );
}

async fn the_forecast_snapshots_and_accuracy_over_http(app: TestApp) {
    booked(app.store.as_ref()).await;
    // 23 weekdays of 4 hours at 150.00 = 13,800.00, counted at 92.5 %.
    let f = app.get("/api/v1/forecast?from=2026-07&months=2").await.expect(200).body;
    assert_eq!(f["from"], "2026-07");
    assert_eq!(f["by_month"].as_array().map(Vec::len), Some(2));
    let jul = &f["by_month"][0];
    assert_eq!(
        (jul["revenue_minor"].as_i64(), jul["upside_minor"].as_i64()),
        (Some(1_276_500), Some(103_500))
    );
    assert_eq!(
        (
            jul["billable_minutes"].as_i64(),
            jul["billable_upside_minutes"].as_i64()
        ),
        (Some(5_106), Some(414))
    );
    assert_eq!(f["by_month"][1]["revenue_minor"], 0);
    assert_eq!(f["lines"], json!([]));
    let with = app
        .get("/api/v1/forecast?from=2026-07&months=2&lines=true")
        .await
        .expect(200)
        .body;
    assert_eq!(with["lines"][0]["project"], "Forecast rollout");
    assert_eq!(with["lines"][0]["amount_minor"], 1_276_500);

    app.get("/api/v1/forecast?from=2026-13")
        .await
        .problem(422, "from", "month");
    app.get("/api/v1/forecast?months=0")
        .await
        .problem(422, "months", "range");
    app.get("/api/v1/forecast?months=25")
        .await
        .problem(422, "months", "range");
    app.get("/api/v1/forecast?month=2026-07")
        .await
        .problem(422, "month", "unknown_parameter");

    let kept = app
        .post("/api/v1/forecast/snapshots", &json!({"from": "2026-07", "months": 2}))
        .await
        .expect(201)
        .body;
    assert_eq!(
        (kept["revenue_minor"].as_i64(), kept["lines"].as_i64()),
        (Some(1_276_500), Some(1))
    );
    app.post("/api/v1/forecast/snapshots", &json!({"months": 30}))
        .await
        .problem(422, "months", "range");
    let list = app.get("/api/v1/forecast/snapshots").await.expect(200).body;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["id"], kept["id"]);

    let acc = app.get("/api/v1/forecast/accuracy?year=2026").await.expect(200).body;
    assert_eq!(acc["year"], 2026);
    assert_eq!(acc["months"].as_array().map(Vec::len), Some(24));
    assert_eq!(acc["quarters"].as_array().map(Vec::len), Some(8));
    assert_eq!(acc["quarters"][0]["target_bp"], 500);
    assert_eq!(acc["quarters"][0]["accuracy_bp"], serde_json::Value::Null);
    app.get("/api/v1/forecast/accuracy?year=abc")
        .await
        .problem(422, "year", "range");
}

api_tests!(the_forecast_snapshots_and_accuracy_over_http);
