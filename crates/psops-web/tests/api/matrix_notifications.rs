//! The authorization matrix of the notification outbox: administrators and ops read
//! every notification and send a failed or kept one again; a project's manager reads
//! their projects' (and may not send them again); nobody else sees any. `matrix.rs`
//! counts these rows when it checks every documented route has one.

use crate::matrix_fixture::Org;
use crate::matrix_notifications_fixture::{self as nf, About};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Queued(About),
    Kept(About),
}
use Target::*;

/// (method, path, target, statuses: admin ops finance practice engagement pm consultant
/// partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, &'static str);

const READERS: &str = "200 200 404 404 404 200 404 404 404 404";
const OVERSEERS: &str = "200 200 404 404 404 404 404 404 404 404";

pub fn rows() -> Vec<Row> {
    vec![
        ("get", "/api/v1/notifications", None, READERS),
        ("get", "/api/v1/notifications/{id}", Queued(About::Managed), READERS),
        ("get", "/api/v1/notifications/{id}", Queued(About::Elsewhere), OVERSEERS),
        ("get", "/api/v1/notifications/{id}", Queued(About::Nothing), OVERSEERS),
        (
            "post",
            "/api/v1/notifications/{id}/resend",
            Kept(About::Managed),
            "200 200 404 404 404 403 404 404 404 404",
        ),
        (
            "post",
            "/api/v1/notifications/{id}/resend",
            Kept(About::Elsewhere),
            OVERSEERS,
        ),
        (
            "post",
            "/api/v1/notifications/{id}/resend",
            Kept(About::Nothing),
            OVERSEERS,
        ),
        // Only a failed or kept one is sent again.
        (
            "post",
            "/api/v1/notifications/{id}/resend",
            Queued(About::Managed),
            "409 409 404 404 404 403 404 404 404 404",
        ),
    ]
}

async fn target(app: &TestApp, org: &Org, t: Target) -> String {
    let s = app.store.as_ref();
    match t {
        None => String::new(),
        Queued(about) => nf::queued(s, org, about).await.to_string(),
        Kept(about) => nf::kept(s, org, about).await.to_string(),
    }
}

async fn every_notification_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let url = path.replace("{id}", &target(&app, &org, t).await);
            let r = crate::matrix_fixture::call(&app, &org, role, method, &url, Option::None).await;
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(every_notification_route_for_every_role);
