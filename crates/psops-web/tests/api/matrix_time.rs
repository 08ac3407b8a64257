//! The authorization matrix of the capacity, calendar, time-off, timesheet and report
//! routes: every role against its own object and partner B's, with the exact status the
//! policy gives. `matrix.rs` counts these rows when it checks every documented route
//! has one.

use axum::body::Body as HttpBody;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::matrix_fixture::{Org, ROLES};
use crate::matrix_time_fixture as tf;
use crate::support::{TestApp, api_tests};

/// What a cell's `{id}` (and `{week}`) is; `true` for the caller's own.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    Person(bool),
    Calendar,
    FreshCalendar,
    Holiday,
    Override,
    TimeOff(bool),
    /// A week with a draft entry.
    Draft(bool),
    /// A week with a submitted entry.
    Submitted(bool),
}
use Target::*;
const OWN: bool = true;
const OTHER: bool = false;

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    Override,
    Calendar,
    Holiday,
    Ics,
    TimeOff,
    Reason,
    /// `{project_id}` of the target week's project, with a reason.
    Decision,
    /// `{entry_ids}` of an approved entry of the target's person.
    Reopen(bool),
    Lock,
    /// `{week}`: remind everyone missing it whom the caller may read.
    Remind,
}

/// (method, path, query, target, body, statuses: admin ops finance practice engagement
/// pm consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, &'static str, Target, Body, &'static str);

const ALL_200: &str = "200 200 200 200 200 200 200 200 200 200";
const OVERSEERS_ONLY: &str = "200 200 200 200 200 404 404 404 404 200";
/// Nobody approves their own time but an administrator.
const DECIDE_OWN: &str = "200 403 403 403 403 403 403 403 403 403";
const DECIDE_OTHER: &str = "200 200 403 404 404 404 404 404 404 404";
const NOT_OWNER: &str = "403 403 403 404 404 403 404 404 404 404";

#[rustfmt::skip]
pub const ROWS: &[Row] = &[
    // capacity
    ("get", "/api/v1/capacity/policy", "", None, Body::None, ALL_200),
    ("put", "/api/v1/capacity/policy", "", None, Body::Empty, "200 200 200 403 403 403 403 403 403 403"),
    ("get", "/api/v1/capacity/overrides", "", None, Body::None, ALL_200),
    ("post", "/api/v1/capacity/overrides", "", None, Body::Override, "201 201 201 403 403 403 403 403 403 403"),
    ("delete", "/api/v1/capacity/overrides/{id}", "", Override, Body::None, "204 204 204 403 403 403 403 403 403 403"),
    ("get", "/api/v1/capacity/handbook", "", None, Body::None, ALL_200),
    ("get", "/api/v1/people/{id}/capacity", "?quarter=FY2026-Q1", Person(OWN), Body::None, ALL_200),
    ("get", "/api/v1/people/{id}/capacity", "?quarter=FY2026-Q1", Person(OTHER), Body::None, OVERSEERS_ONLY),
    // a person's bookings: read as their figures are
    ("get", "/api/v1/people/{id}/bookings", "?weeks=4", Person(OWN), Body::None, ALL_200),
    ("get", "/api/v1/people/{id}/bookings", "?weeks=4", Person(OTHER), Body::None, OVERSEERS_ONLY),
    // calendars
    ("get", "/api/v1/calendars", "", None, Body::None, ALL_200),
    ("post", "/api/v1/calendars", "", None, Body::Calendar, "201 201 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/calendars/{id}", "", Calendar, Body::None, ALL_200),
    ("put", "/api/v1/calendars/{id}", "", FreshCalendar, Body::Calendar, "200 200 403 403 403 403 403 403 403 403"),
    ("delete", "/api/v1/calendars/{id}", "", FreshCalendar, Body::None, "204 204 403 403 403 403 403 403 403 403"),
    ("get", "/api/v1/calendars/{id}/holidays", "", Calendar, Body::None, ALL_200),
    ("post", "/api/v1/calendars/{id}/holidays", "", Calendar, Body::Holiday, "201 201 403 403 403 403 403 403 403 403"),
    ("post", "/api/v1/calendars/{id}/holidays/import", "", Calendar, Body::Ics, "201 201 403 403 403 403 403 403 403 403"),
    ("put", "/api/v1/holidays/{id}", "", Holiday, Body::Holiday, "200 200 403 403 403 403 403 403 403 403"),
    ("delete", "/api/v1/holidays/{id}", "", Holiday, Body::None, "204 204 403 403 403 403 403 403 403 403"),
    // time off
    ("get", "/api/v1/time-off", "", None, Body::None, ALL_200),
    ("post", "/api/v1/time-off", "", None, Body::TimeOff, "201 201 201 201 201 201 201 201 201 201"),
    ("get", "/api/v1/time-off/{id}", "", TimeOff(OWN), Body::None, ALL_200),
    ("get", "/api/v1/time-off/{id}", "", TimeOff(OTHER), Body::None, "200 200 200 404 404 404 404 404 404 404"),
    ("post", "/api/v1/time-off/{id}/approve", "", TimeOff(OWN), Body::None, DECIDE_OWN),
    ("post", "/api/v1/time-off/{id}/approve", "", TimeOff(OTHER), Body::None, DECIDE_OTHER),
    ("post", "/api/v1/time-off/{id}/reject", "", TimeOff(OWN), Body::Reason, DECIDE_OWN),
    ("post", "/api/v1/time-off/{id}/reject", "", TimeOff(OTHER), Body::Reason, DECIDE_OTHER),
    ("delete", "/api/v1/time-off/{id}", "", TimeOff(OWN), Body::None, "204 204 204 204 204 204 204 204 204 204"),
    ("delete", "/api/v1/time-off/{id}", "", TimeOff(OTHER), Body::None, "204 204 403 404 404 404 404 404 404 404"),
    // timesheets
    ("get", "/api/v1/timesheets/{person_id}/{week}", "", Draft(OWN), Body::None, ALL_200),
    ("get", "/api/v1/timesheets/{person_id}/{week}", "", Draft(OTHER), Body::None, "200 200 200 404 404 200 404 404 404 404"),
    ("post", "/api/v1/timesheets/{person_id}/{week}/submit", "", Draft(OWN), Body::None, ALL_200),
    ("post", "/api/v1/timesheets/{person_id}/{week}/submit", "", Draft(OTHER), Body::None, NOT_OWNER),
    ("post", "/api/v1/timesheets/{person_id}/{week}/withdraw", "", Submitted(OWN), Body::None, ALL_200),
    ("post", "/api/v1/timesheets/{person_id}/{week}/withdraw", "", Submitted(OTHER), Body::None, NOT_OWNER),
    ("post", "/api/v1/timesheets/{person_id}/{week}/approve", "", Submitted(OWN), Body::Decision, DECIDE_OWN),
    ("post", "/api/v1/timesheets/{person_id}/{week}/approve", "", Submitted(OTHER), Body::Decision, DECIDE_OTHER),
    ("post", "/api/v1/timesheets/{person_id}/{week}/reject", "", Submitted(OWN), Body::Decision, DECIDE_OWN),
    ("post", "/api/v1/timesheets/{person_id}/{week}/reject", "", Submitted(OTHER), Body::Decision, DECIDE_OTHER),
    ("post", "/api/v1/time-entries/reopen", "", None, Body::Reopen(OWN), DECIDE_OWN),
    ("post", "/api/v1/time-entries/reopen", "", None, Body::Reopen(OTHER), DECIDE_OTHER),
    ("get", "/api/v1/locked-periods", "", None, Body::None, "200 200 200 200 200 200 200 404 404 200"),
    ("post", "/api/v1/locked-periods", "", None, Body::Lock, "201 403 201 403 403 403 403 403 403 403"),
    // reports
    ("get", "/api/v1/reports/utilization", "?quarter=FY2026-Q1", None, Body::None, ALL_200),
    ("get", "/api/v1/reports/utilization", "?quarter=FY2026-Q1&group_by=partner&format=csv", None, Body::None, ALL_200),
    ("get", "/api/v1/reports/capacity", "", None, Body::None, ALL_200),
    ("get", "/api/v1/reports/capacity", "?person_id={id}", Person(OWN), Body::None, ALL_200),
    ("get", "/api/v1/reports/capacity", "?person_id={id}", Person(OTHER), Body::None, OVERSEERS_ONLY),
    ("get", "/api/v1/reports/compliance", "?week=2026-W10", None, Body::None, "200 200 200 404 404 200 404 404 404 404"),
    // reminders: sent by compliance readers, read by everyone (of the people they may see)
    ("get", "/api/v1/reminders", "", None, Body::None, ALL_200),
    ("post", "/api/v1/reminders", "", None, Body::Remind, "201 201 201 404 404 201 404 404 404 404"),
];

/// The `{id}` and `{week}` of a cell, and the project of its week.
async fn target(app: &TestApp, org: &Org, t: Target, role: usize) -> (String, String, i64) {
    let s = app.store.as_ref();
    let who = |own: bool| {
        if own {
            (org.people[role], org.own_project(role))
        } else {
            (org.b_person, org.pb)
        }
    };
    let id = match t {
        None => 0,
        Person(own) => who(own).0,
        Calendar => tf::calendar(s, "EMEA").await,
        FreshCalendar => tf::calendar(s, &format!("Region {}", crate::matrix_fixture::next())).await,
        Holiday => tf::holiday(s, tf::calendar(s, "EMEA").await).await,
        Override => tf::policy_override(s).await,
        TimeOff(own) => tf::time_off(s, who(own).0).await,
        Draft(own) | Submitted(own) => {
            let (person, project) = who(own);
            let week = tf::week(s, person, project, matches!(t, Submitted(_))).await;
            return (person.to_string(), week.to_string(), project);
        }
    };
    (id.to_string(), String::new(), 0)
}

fn body(b: Body, project: i64, reopen: &[i64], org: &Org, role: usize) -> Option<Value> {
    let n = crate::matrix_fixture::next();
    Some(match b {
        Body::None | Body::Ics => return Option::None,
        Body::Empty => json!({}),
        Body::Override => json!({"scope": {"region": format!("R{n}")}, "effective_from": "2026-01-01",
            "changes": {"pto_days": 20}}),
        Body::Calendar => json!({"name": format!("Calendar {n}"), "region": format!("Region {n}")}),
        Body::Holiday => json!({"date": psops_core::dates::format_date(tf::far_date(n)), "name": "Day off"}),
        Body::TimeOff => {
            json!({"person_id": org.people[role], "date": psops_core::dates::format_date(crate::matrix_fixture::off_date()),
            "minutes": 480, "kind": "pto"})
        }
        Body::Reason => json!({"reason": "the team is short that week"}),
        Body::Decision => json!({"project_id": project, "reason": "split by task, please"}),
        Body::Reopen(_) => json!({"entry_ids": reopen}),
        Body::Remind => json!({"week": "2026-W10"}),
        Body::Lock => {
            let start = tf::far_date(n * 3);
            json!({"start": psops_core::dates::format_date(start), "end": psops_core::dates::format_date(start)})
        }
    })
}

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    url: &str,
    b: Body,
    json: Option<&Value>,
) -> crate::support::Resp {
    if !matches!(b, Body::Ics) {
        return app.call_as(token, method, url, json, &[]).await;
    }
    let n = crate::matrix_fixture::next();
    let day = tf::far_date(n).to_string().replace('-', "");
    let ics = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:{day}\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let req = Request::builder()
        .method(method)
        .uri(url)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/calendar")
        .body(HttpBody::from(ics))
        .expect("request");
    app.send(req).await
}

async fn time_routes_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, query, t, b, expected) in ROWS {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let (id, week, project) = target(&app, &org, *t, role).await;
            let reopen = match b {
                Body::Reopen(own) => {
                    let (person, project) = if *own {
                        (org.people[role], org.own_project(role))
                    } else {
                        (org.b_person, org.pb)
                    };
                    vec![tf::approved_entry(app.store.as_ref(), person, project).await]
                }
                _ => Vec::new(),
            };
            let url = format!("{path}{query}")
                .replace("{id}", &id)
                .replace("{person_id}", &id)
                .replace("{week}", &week);
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap_or(Method::GET);
            let json = body(*b, project, &reopen, &org, role);
            let r = call(&app, &org.tokens[role], m, &url, *b, json.as_ref()).await;
            if r.status.as_u16() != *want {
                failures.push(format!(
                    "{method} {url} {t:?} as {:?}: want {want}, got {} {}",
                    ROLES[role], r.status, r.text
                ));
            }
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

api_tests!(time_routes_for_every_role);
