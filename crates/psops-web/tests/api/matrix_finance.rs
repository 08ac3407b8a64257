//! The authorization matrix of money: the organisation's figures (margin report,
//! dashboard) are read by those who see cost — administrators, finance, practice
//! managers, leadership; a project's money by those who see bill rates and by the
//! project's own manager; partners see none of it. `matrix.rs` counts these rows when
//! it checks every documented route has one.

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// The project manager's project.
    Managed,
    /// Partner A's project.
    PartnerA,
    /// Partner B's project, which nobody of the matrix belongs to.
    Elsewhere,
}
use Target::*;

/// (method, path, target, statuses: admin ops finance practice engagement pm consultant
/// partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, &'static str);

const COST: &str = "200 404 200 200 404 404 404 404 404 200";
const BILL_RATES: &str = "200 200 200 200 200 404 404 404 404 200";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/finance/margin", None, COST),
        ("get", "/api/v1/finance/dashboard", None, COST),
        (
            "get",
            "/api/v1/projects/{id}/money",
            Managed,
            "200 200 200 200 200 200 404 404 404 200",
        ),
        ("get", "/api/v1/projects/{id}/money", PartnerA, BILL_RATES),
        ("get", "/api/v1/projects/{id}/money", Elsewhere, BILL_RATES),
    ]
}

fn target(org: &Org, t: Target) -> String {
    match t {
        None => String::new(),
        Managed => org.p1.to_string(),
        PartnerA => org.pa.to_string(),
        Elsewhere => org.pb.to_string(),
    }
}

async fn every_money_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        let url = path.replace("{id}", &target(&org, t));
        for (role, want) in expected.iter().enumerate() {
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, Option::None).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_money_route_for_every_role);
