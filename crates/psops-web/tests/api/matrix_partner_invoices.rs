//! The authorization matrix of partner invoices: every role against fresh invoices of
//! partner A (whose manager and consultant the matrix has) and of partner B (probes: ids
//! a partner's people guess of another partner). Ops, finance and administrators receive
//! and decide them; leadership reads them; partner A's manager sends and reads only
//! partner A's and never decides one; nobody else reads any. `matrix.rs` counts these
//! rows when it checks every documented route has one.

use axum::body::Body as HttpBody;
use axum::http::{Request, header};
use psops_core::Id;
use psops_core::finance::month::Month;
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFields, PartnerInvoiceLine};
use psops_core::partners::Partner;
use psops_core::store::{Created, RecordStore, Records as _, Store, WriteCtx};
use psops_core::{Currency, Minutes, Money};
use serde_json::{Value, json};

use crate::matrix_fixture::{Org, next};
use crate::support::{TestApp, api_tests};

#[derive(Clone, Copy, Debug)]
pub enum Target {
    None,
    /// A fresh invoice of partner A (`a`) or B, archived when the route restores one.
    Fresh {
        a: bool,
        archived: bool,
    },
}

#[derive(Clone, Copy, Debug)]
pub enum Body {
    None,
    Empty,
    /// A new invoice of partner A (`true`) or B.
    New(bool),
    /// A decision with its reason.
    Reason,
    /// A CSV upload for partner A (`true`) or B.
    Csv(bool),
}

/// (method, path, target, body, statuses: admin ops finance practice engagement pm
/// consultant partner-manager partner-consultant leadership)
type Row = (&'static str, &'static str, Target, Body, &'static str);

const LIST: &str = "200 200 200 404 404 404 404 200 404 200";
const A_CREATE: &str = "201 201 201 403 403 403 403 201 403 403";
// A create naming another partner is refused (403), as every create the caller may not
// make is: the body names the partner, so nothing is learnt of a record.
const B_CREATE: &str = "201 201 201 403 403 403 403 403 403 403";
const A_READ: &str = "200 200 200 404 404 404 404 200 404 200";
const B_READ: &str = "200 200 200 404 404 404 404 404 404 200";
const A_KEEP: &str = "200 200 200 404 404 404 404 200 404 403";
const B_KEEP: &str = "200 200 200 404 404 404 404 404 404 403";
const A_DECIDE: &str = "200 200 200 404 404 404 404 403 404 403";

pub fn rows() -> Vec<Row> {
    let t = |a, archived| Target::Fresh { a, archived };
    let mut rows = vec![
        ("get", "/api/v1/partner-invoices", Target::None, Body::None, LIST),
        ("get", "/api/v1/partner-invoices/late", Target::None, Body::None, LIST),
        (
            "post",
            "/api/v1/partner-invoices",
            Target::None,
            Body::New(true),
            A_CREATE,
        ),
        (
            "post",
            "/api/v1/partner-invoices",
            Target::None,
            Body::New(false),
            B_CREATE,
        ),
        (
            "post",
            "/api/v1/partner-invoices/upload",
            Target::None,
            Body::Csv(true),
            A_CREATE,
        ),
        (
            "post",
            "/api/v1/partner-invoices/upload",
            Target::None,
            Body::Csv(false),
            B_CREATE,
        ),
    ];
    for (a, read, keep, decide) in [(true, A_READ, A_KEEP, A_DECIDE), (false, B_READ, B_KEEP, B_KEEP)] {
        rows.push(("get", "/api/v1/partner-invoices/{id}", t(a, false), Body::None, read));
        rows.push((
            "get",
            "/api/v1/partner-invoices/{id}/reconciliation",
            t(a, false),
            Body::None,
            read,
        ));
        rows.push(("patch", "/api/v1/partner-invoices/{id}", t(a, false), Body::Empty, keep));
        rows.push((
            "post",
            "/api/v1/partner-invoices/{id}/archive",
            t(a, false),
            Body::None,
            keep,
        ));
        rows.push((
            "post",
            "/api/v1/partner-invoices/{id}/unarchive",
            t(a, true),
            Body::None,
            keep,
        ));
        rows.push((
            "post",
            "/api/v1/partner-invoices/{id}/approve",
            t(a, false),
            Body::Reason,
            decide,
        ));
        rows.push((
            "post",
            "/api/v1/partner-invoices/{id}/reject",
            t(a, false),
            Body::Reason,
            decide,
        ));
    }
    rows
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

/// A month no other fresh invoice of the run bills: one live invoice per partner and
/// month.
fn fresh_month() -> Month {
    static MONTHS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let n = MONTHS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 1_200;
    Month::parse(&format!("{}-{:02}", 2030 + n / 12, n % 12 + 1), "month").expect("month")
}

/// Partner A's or B's consultant and project.
fn whose(org: &Org, a: bool) -> (i64, i64, i64) {
    if a {
        (org.partner_a, org.people[8], org.pa)
    } else {
        (org.partner_b, org.b_person, org.pb)
    }
}

pub fn fields(org: &Org, a: bool) -> PartnerInvoiceFields {
    let (partner, person, project) = whose(org, a);
    let month = fresh_month();
    PartnerInvoiceFields {
        partner_id: Id::new(partner),
        number: format!("INV-{}", next()),
        month,
        received_on: month.next().first(),
        currency: Currency::USD,
        lines: vec![PartnerInvoiceLine {
            po: "WA".into(),
            from_date: month.first(),
            to_date: month.last(),
            person_id: Id::new(person),
            project_id: Id::new(project),
            minutes: Minutes(60),
            rate: usd(10_000),
            total: usd(10_000),
        }],
        notes: None,
    }
}

pub async fn target(store: &dyn Store, org: &Org, a: bool, archived: bool) -> i64 {
    let ctx = WriteCtx::trusted();
    let inv: PartnerInvoice = match store.create(&ctx, fields(org, a)).await.expect("invoice") {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    };
    if archived {
        let _: PartnerInvoice = store.archive(&ctx, inv.id, None, true).await.expect("archive");
    }
    inv.id.get()
}

async fn csv(app: &TestApp, org: &Org, role: usize, a: bool) -> crate::support::Resp {
    let (partner, ..) = whose(org, a);
    let name = RecordStore::<Partner>::get(app.store.as_ref(), Id::new(partner))
        .await
        .expect("partner")
        .fields
        .name;
    let (email, project) = if a {
        ("role.8@matrix.example", "PA")
    } else {
        ("b.consultant@matrix.example", "PB")
    };
    let month = fresh_month();
    let text = format!(
        "partner,po,from,to,consultant,project,hours,rate,total\n{name},WA,{},{},{email},{project},1,100.00,100.00\n",
        month.first(),
        month.last()
    );
    let url = format!(
        "/api/v1/partner-invoices/upload?partner_id={partner}&number=UP-{}&month={month}&currency=USD",
        next()
    );
    let req = Request::builder()
        .method("POST")
        .uri(url)
        .header(header::AUTHORIZATION, format!("Bearer {}", org.tokens[role]))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(HttpBody::from(text))
        .expect("request");
    app.send(req).await
}

async fn every_partner_invoice_route_for_every_role(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let mut failures = Vec::new();
    for (method, path, t, b, expected) in rows() {
        let expected = crate::matrix_fixture::statuses(method, path, expected);
        for (role, want) in expected.iter().enumerate() {
            let id = match t {
                Target::None => String::new(),
                Target::Fresh { a, archived } => target(app.store.as_ref(), &org, a, archived).await.to_string(),
            };
            let url = path.replace("{id}", &id);
            let body: Option<Value> = match b {
                Body::None | Body::Csv(_) => None,
                Body::Empty => Some(json!({})),
                Body::New(a) => Some(serde_json::to_value(fields(&org, a)).unwrap_or_default()),
                Body::Reason => Some(json!({"reason": "agreed with the partner"})),
            };
            let r = match b {
                Body::Csv(a) => csv(&app, &org, role, a).await,
                _ => crate::matrix_fixture::call(&app, &org, role, method, &url, body.as_ref()).await,
            };
            crate::matrix_fixture::differs(&mut failures, (method, path), t, role, *want, &r);
        }
    }
    crate::matrix_fixture::assert_cells(&failures);
}

/// A partner's manager lists only their own organisation's invoices and late months,
/// whatever partner they ask for, and no company rate shows in what they read.
async fn a_partner_manager_sees_only_their_own_partners_invoices(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let manager = 7;
    let a = target(app.store.as_ref(), &org, true, false).await;
    let b = target(app.store.as_ref(), &org, false, false).await;
    for url in [
        "/api/v1/partner-invoices".to_string(),
        format!("/api/v1/partner-invoices?partner_id={}", org.partner_b),
        "/api/v1/partner-invoices/late?on=2026-12-31".to_string(),
    ] {
        let r = crate::matrix_fixture::call(&app, &org, manager, "get", &url, None).await;
        assert_eq!(r.status.as_u16(), 200, "{url}: {}", r.text);
        let items = r.body["items"]
            .as_array()
            .or(r.body.as_array())
            .cloned()
            .unwrap_or_default();
        for item in &items {
            assert_eq!(item["partner_id"].as_i64(), Some(org.partner_a), "{url}: {item}");
            assert_ne!(item["id"].as_i64(), Some(b), "{url}: {item}");
        }
    }
    let r = crate::matrix_fixture::call(&app, &org, manager, "get", "/api/v1/partner-invoices", None).await;
    let ids: Vec<i64> = r.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![a], "{}", r.text);
    let url = format!("/api/v1/partner-invoices/{a}/reconciliation");
    let r = crate::matrix_fixture::call(&app, &org, manager, "get", &url, None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    for key in ["bill_rate", "cost_rate", "cost"] {
        assert!(!r.text.contains(&format!("\"{key}\"")), "{key} in {}", r.text);
    }
}

api_tests!(
    every_partner_invoice_route_for_every_role,
    a_partner_manager_sees_only_their_own_partners_invoices
);
