//! The authorization matrix of the scoping routes (opportunities, estimates, SOWs) and a
//! project's plan: every role against fresh records, with the exact status the policy
//! gives. Engagement managers change their own opportunities, ops and administrators
//! any; the technical architect reads what they review and decides it; each SOW step is
//! decided only by its approver; partners see none of it. `matrix.rs` counts these rows
//! when it checks every documented route has one.

use serde_json::{Value, json};

use crate::matrix_fixture::Org;
use crate::matrix_scoping_fixture::{self as sf, EstimateStage, SowStage};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// The engagement manager's own opportunity (`true`, the consultant its TA) or
    /// someone else's.
    Opportunity(bool),
    SowWip,
    Estimate(EstimateStage),
    Sow(SowStage),
    Milestone,
    Request,
    /// A request with dates, of the PM's project (`true`: held softly by the consultant).
    Dated(bool),
    /// A dated request of partner A's project.
    PartnerDated,
    Item,
    /// A work exception on the project manager's project (`true`: submitted).
    Change(bool),
}
use Target::*;

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Opportunity,
    Hold,
    Quote,
    Invest,
    Ta,
    Estimate,
    Share,
    Approve,
    Sow,
    Sign,
    Milestone,
    Request,
    Item,
    Crm,
    Change,
    /// Booking the consultant.
    Book,
    /// Accepting a plan line: the target request to the consultant.
    Accept,
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const LIST: &str = "200 200 200 200 200 200 200 404 404 200";
const OWN_READ: &str = "200 200 200 200 200 404 200 404 404 200";
const OTHER_READ: &str = "200 200 200 200 200 404 404 404 404 200";
const CREATE: &str = "201 201 403 403 201 403 403 403 403 403";
const OWN_CHANGE: &str = "200 200 403 403 200 404 403 404 404 403";
const OWN_CREATE: &str = "201 201 403 403 201 404 403 404 404 403";
const OTHER_CHANGE: &str = "200 200 403 403 403 404 404 404 404 403";
const OVERSEE_READ: &str = "200 200 200 200 200 404 404 404 404 200";
const OVERSEE_ACT: &str = "200 200 403 403 403 404 404 404 404 403";
const PLAN_READ: &str = "200 200 200 200 200 200 200 404 404 200";
const PLAN_CREATE: &str = "201 201 403 403 403 201 403 403 403 403";
const PLAN_CHANGE: &str = "200 200 403 403 403 200 403 404 404 403";
/// Ops and the project's manager keep a change of the manager's project.
const CHANGE_KEEP: &str = "200 200 403 403 403 200 404 404 404 403";
/// Staffing is read by those who oversee delivery and project managers; booked by ops,
/// practice managers and administrators.
const STAFFING_READ: &str = "200 200 200 200 200 200 404 404 404 200";
const STAFFING_BOOK: &str = "200 200 403 200 403 403 404 404 404 403";
const ALL_422: &str = "422 422 422 422 422 422 422 422 422 422";

pub fn rows() -> Vec<Row> {
    let own = Opportunity(true);
    let other = Opportunity(false);
    let mut rows: Vec<Row> = vec![
        ("get", "/api/v1/opportunities", None, Body::None, LIST),
        ("post", "/api/v1/opportunities", None, Body::Opportunity, CREATE),
        ("get", "/api/v1/opportunities/{id}", own, Body::None, OWN_READ),
        ("get", "/api/v1/opportunities/{id}", other, Body::None, OTHER_READ),
        ("patch", "/api/v1/opportunities/{id}", own, Body::Empty, OWN_CHANGE),
        ("patch", "/api/v1/opportunities/{id}", other, Body::Empty, OTHER_CHANGE),
        (
            "post",
            "/api/v1/opportunities/{id}/archive",
            own,
            Body::None,
            "200 200 403 403 403 404 403 404 404 403",
        ),
        (
            "post",
            "/api/v1/opportunities/{id}/unarchive",
            own,
            Body::None,
            "200 200 403 403 403 404 403 404 404 403",
        ),
        ("post", "/api/v1/opportunities/{id}/move", own, Body::Hold, OWN_CHANGE),
        (
            "post",
            "/api/v1/opportunities/{id}/move",
            other,
            Body::Hold,
            OTHER_CHANGE,
        ),
        ("post", "/api/v1/opportunities/{id}/quote", own, Body::Quote, OWN_CHANGE),
        (
            "post",
            "/api/v1/opportunities/{id}/invest",
            own,
            Body::Invest,
            OWN_CHANGE,
        ),
        (
            "post",
            "/api/v1/opportunities/{id}/ta-request",
            own,
            Body::Ta,
            OWN_CHANGE,
        ),
        (
            "post",
            "/api/v1/opportunities/{id}/ta-assisted",
            own,
            Body::None,
            OWN_CHANGE,
        ),
        ("get", "/api/v1/opportunities/{id}/clocks", own, Body::None, OWN_READ),
        ("get", "/api/v1/scoping/overdue", None, Body::None, LIST),
        ("get", "/api/v1/scoping/win-rates", None, Body::None, OVERSEE_READ),
        ("post", "/api/v1/scoping/sweep", None, Body::None, OVERSEE_ACT),
        // Importing is ops' and administrators' (dry run: nothing written).
        (
            "post",
            "/api/v1/imports/opportunities",
            None,
            Body::Crm,
            "200 200 403 403 403 403 403 403 403 403",
        ),
        ("get", "/api/v1/estimates", None, Body::None, LIST),
        ("post", "/api/v1/estimates", None, Body::Estimate, OWN_CREATE),
        ("post", "/api/v1/estimates/preview", None, Body::Estimate, OWN_CHANGE),
        (
            "get",
            "/api/v1/estimates/{id}",
            Estimate(EstimateStage::Draft),
            Body::None,
            OWN_READ,
        ),
        (
            "post",
            "/api/v1/estimates/{id}/status",
            Estimate(EstimateStage::Draft),
            Body::Share,
            OWN_CHANGE,
        ),
        (
            "post",
            "/api/v1/estimates/{id}/ta-review",
            Estimate(EstimateStage::Draft),
            Body::None,
            OWN_CHANGE,
        ),
        // Only the opportunity's technical architect (the consultant) decides the review.
        (
            "post",
            "/api/v1/estimates/{id}/ta-decision",
            Estimate(EstimateStage::Waiting),
            Body::Approve,
            "403 403 403 403 403 404 200 404 404 403",
        ),
        (
            "post",
            "/api/v1/estimates/{id}/order",
            Estimate(EstimateStage::Ready),
            Body::None,
            OWN_CHANGE,
        ),
        ("get", "/api/v1/sows", None, Body::None, LIST),
        ("post", "/api/v1/opportunities/{id}/sows", SowWip, Body::Sow, OWN_CREATE),
        ("get", "/api/v1/sows/{id}", Sow(SowStage::AtRdm), Body::None, OWN_READ),
        (
            "patch",
            "/api/v1/sows/{id}",
            Sow(SowStage::Draft),
            Body::Empty,
            OWN_CHANGE,
        ),
        (
            "post",
            "/api/v1/sows/{id}/submit",
            Sow(SowStage::Draft),
            Body::None,
            OWN_CHANGE,
        ),
        // The waiting step is the RDM's (leadership): other approvers of the chain are
        // refused by the chain, everyone else by the policy.
        (
            "post",
            "/api/v1/sows/{id}/decide",
            Sow(SowStage::AtRdm),
            Body::Approve,
            "403 403 403 403 403 404 403 404 404 200",
        ),
        (
            "post",
            "/api/v1/sows/{id}/revise",
            Sow(SowStage::Rejected),
            Body::None,
            OWN_CREATE,
        ),
        (
            "post",
            "/api/v1/sows/{id}/sign",
            Sow(SowStage::Approved),
            Body::Sign,
            OWN_CHANGE,
        ),
        (
            "get",
            "/api/v1/sows/{id}/steps",
            Sow(SowStage::AtRdm),
            Body::None,
            OWN_READ,
        ),
        // Without `from` the comparison is refused once the revision is readable.
        (
            "get",
            "/api/v1/sows/{id}/diff",
            Sow(SowStage::Draft),
            Body::None,
            "422 422 422 422 422 404 422 404 404 422",
        ),
        (
            "get",
            "/api/v1/sows/{id}/pdf",
            Sow(SowStage::Draft),
            Body::None,
            OWN_READ,
        ),
    ];
    rows.extend([
        ("get", "/api/v1/changes", None, Body::None, OVERSEE_READ),
        (
            "post",
            "/api/v1/changes",
            None,
            Body::Change,
            "201 201 403 403 403 201 403 403 403 403",
        ),
        ("get", "/api/v1/changes/exceptions", None, Body::None, OVERSEE_READ),
        (
            "get",
            "/api/v1/changes/{id}",
            Change(false),
            Body::None,
            "200 200 200 200 200 200 404 404 404 200",
        ),
        ("patch", "/api/v1/changes/{id}", Change(false), Body::Empty, CHANGE_KEEP),
        (
            "post",
            "/api/v1/changes/{id}/archive",
            Change(false),
            Body::None,
            CHANGE_KEEP,
        ),
        (
            "post",
            "/api/v1/changes/{id}/unarchive",
            Change(false),
            Body::None,
            CHANGE_KEEP,
        ),
        (
            "post",
            "/api/v1/changes/{id}/submit",
            Change(false),
            Body::None,
            CHANGE_KEEP,
        ),
        // PS leadership decides; ops raised it, and nobody else may.
        (
            "post",
            "/api/v1/changes/{id}/decide",
            Change(true),
            Body::Approve,
            "403 403 403 403 403 403 404 404 404 200",
        ),
    ]);
    rows.extend([
        (
            "get",
            "/api/v1/resource-requests/{id}/suggestions",
            Dated(false),
            Body::None,
            STAFFING_READ,
        ),
        // Partners never see the company's people's free hours, even on their project.
        (
            "get",
            "/api/v1/resource-requests/{id}/suggestions",
            PartnerDated,
            Body::None,
            "200 200 200 200 200 404 404 404 404 200",
        ),
        (
            "post",
            "/api/v1/resource-requests/{id}/book",
            Dated(false),
            Body::Book,
            STAFFING_BOOK,
        ),
        (
            "post",
            "/api/v1/resource-requests/{id}/release",
            Dated(true),
            Body::None,
            STAFFING_BOOK,
        ),
        ("get", "/api/v1/staffing/availability", None, Body::None, STAFFING_READ),
        ("get", "/api/v1/staffing/plan", None, Body::None, STAFFING_READ),
        ("get", "/api/v1/staffing/forecast", None, Body::None, STAFFING_READ),
        ("get", "/api/v1/staffing/requests", None, Body::None, STAFFING_READ),
        (
            "post",
            "/api/v1/staffing/plan/accept",
            Dated(false),
            Body::Accept,
            STAFFING_BOOK,
        ),
    ]);
    for (c, t, b) in [
        ("/api/v1/milestones", Milestone, Body::Milestone),
        ("/api/v1/resource-requests", Request, Body::Request),
        ("/api/v1/checklist-items", Item, Body::Item),
    ] {
        let item: &'static str = Box::leak(format!("{c}/{{id}}").into_boxed_str());
        let archive: &'static str = Box::leak(format!("{c}/{{id}}/archive").into_boxed_str());
        let unarchive: &'static str = Box::leak(format!("{c}/{{id}}/unarchive").into_boxed_str());
        rows.extend([
            // A plan is listed by project: without one, refused.
            ("get", c, None, Body::None, ALL_422),
            ("post", c, None, b, PLAN_CREATE),
            ("get", item, t, Body::None, PLAN_READ),
            ("patch", item, t, Body::Empty, PLAN_CHANGE),
            ("post", archive, t, Body::None, PLAN_CHANGE),
            ("post", unarchive, t, Body::None, PLAN_CHANGE),
        ]);
    }
    rows
}

async fn target(app: &TestApp, org: &Org, t: Target) -> String {
    let s = app.store.as_ref();
    let id = match t {
        None => return String::new(),
        Opportunity(own) => sf::opportunity(s, org, own).await,
        SowWip => sf::at_sow_wip(s, org).await,
        Estimate(stage) => sf::estimate(s, org, stage).await,
        Sow(stage) => sf::sow(s, org, stage).await,
        Milestone => sf::milestone(s, org.p1).await,
        Request => sf::resource_request(s, org.p1).await,
        Dated(held) => sf::dated_request(s, org.p1, held.then_some(org.people[sf::CONSULTANT])).await,
        PartnerDated => sf::dated_request(s, org.pa, Option::None).await,
        Item => sf::checklist_item(s, org.p1).await,
        Change(submitted) => sf::change(s, org, org.p1, submitted).await,
    };
    id.to_string()
}

fn json_of<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// The body of a cell, for the target its path names.
async fn body(app: &TestApp, b: Body, org: &Org, target: &str) -> Option<Value> {
    let s = app.store.as_ref();
    Some(match b {
        Body::None => return Option::None,
        Body::Empty => json!({}),
        Body::Opportunity => json_of(&sf::opportunity_fields(org, true)),
        Body::Hold => json!({"to": "on_hold", "reason": "timing slipped"}),
        Body::Quote => json!({"ps_value": {"amount_minor": 900_000, "currency": "USD"},
            "edu_value": {"amount_minor": 50_000, "currency": "USD"}}),
        Body::Invest => json!({"amount": {"amount_minor": 100_000, "currency": "USD"}}),
        Body::Ta => json!({"technical_architect_id": org.people[sf::CONSULTANT],
            "needed_by": (time::OffsetDateTime::now_utc().date() + time::Duration::days(30)).to_string()}),
        Body::Estimate => json_of(&sf::estimate_fields(
            sf::opportunity(s, org, true).await,
            sf::sku(s).await,
        )),
        Body::Share => json!({"status": "shared"}),
        Body::Approve => json!({"decision": "approve"}),
        Body::Sow => json_of(&sf::sow_fields(sf::agreed(s, target.parse().unwrap_or(0)).await)),
        Body::Sign => json!({"signed_by": "Pat Customer"}),
        Body::Milestone => json_of(&sf::milestone_fields(org.p1)),
        Body::Request => json_of(&sf::request_fields(org.p1)),
        Body::Item => json_of(&sf::item_fields(org.p1)),
        Body::Change => json_of(&sf::change_fields(org.p1)),
        Body::Accept => {
            json!({"picks": [{"request_id": target.parse::<i64>().unwrap_or(0), "person_id": org.people[sf::CONSULTANT]}]})
        }
        Body::Book => json!({"person_id": org.people[sf::CONSULTANT], "booking": "soft"}),
        Body::Crm => json!({"csv": "crm_id,name,account,segment\n0061,New,Account X,SMB\n", "dry_run": true}),
    })
}

async fn every_scoping_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    sf::setup(app.store.as_ref(), &org).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = target(&app, &org, t).await;
            let url = path.replace("{id}", &id);
            let body = body(&app, b, &org, &id).await;
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_scoping_route_for_every_role);
