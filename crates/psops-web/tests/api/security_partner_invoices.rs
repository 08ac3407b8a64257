//! Partner invoices through the API and pages: a decided invoice is never withdrawn
//! (archived), which would free its month for a second bill of the same work, and a partner's
//! manager naming another organisation's person or project on an invoice learns
//! nothing of whether it exists.

use psops_core::Id;
use psops_core::partner_invoices::{InvoiceDecision, PartnerInvoice};
use psops_core::store::WriteCtx;
use serde_json::Value;

use crate::matrix_fixture::{Org, call};
use crate::matrix_partner_invoices::{fields, target};
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, web_user};

const ADMIN: usize = 0;
const PARTNER_MANAGER: usize = 7;

async fn a_decided_partner_invoice_is_not_archived(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let ctx = WriteCtx::trusted();
    let approved = Id::new(target(app.store.as_ref(), &org, true, false).await);
    let reason = |r: &str| InvoiceDecision {
        reason: Some(r.to_string()),
    };
    let approved = app
        .store
        .approve_partner_invoice(&ctx, approved, None, reason("agreed with the partner"))
        .await
        .expect("approve");
    let rejected = Id::new(target(app.store.as_ref(), &org, true, false).await);
    let rejected = app
        .store
        .reject_partner_invoice(&ctx, rejected, None, reason("wrong PO"))
        .await
        .expect("reject");
    for (inv, status) in [(&approved, "approved"), (&rejected, "rejected")] {
        // Neither the team nor the partner's own manager withdraws it.
        for role in [ADMIN, PARTNER_MANAGER] {
            let url = format!("/api/v1/partner-invoices/{}/archive", inv.id);
            let r = call(&app, &org, role, "post", &url, None).await;
            assert_eq!(r.status.as_u16(), 409, "{role}: {}", r.text);
            assert_eq!(r.body["errors"][0]["field"], "status", "{}", r.text);
            assert_eq!(r.body["errors"][0]["rule"], "invalid_transition", "{}", r.text);
            let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(status), "{message}");
            let now: PartnerInvoice = app.store.get(inv.id).await.expect("invoice");
            assert_eq!(&now, inv, "nothing written");
        }
    }
    // A received one is still withdrawn.
    let received = target(app.store.as_ref(), &org, true, false).await;
    let url = format!("/api/v1/partner-invoices/{received}/archive");
    let r = call(&app, &org, PARTNER_MANAGER, "post", &url, None).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    assert!(r.body["archived_at"].is_string(), "{}", r.text);
}

/// What a create answers, without the request id.
async fn refusal(app: &TestApp, org: &Org, body: &Value) -> (u16, Value) {
    let r = call(
        app,
        org,
        PARTNER_MANAGER,
        "post",
        "/api/v1/partner-invoices",
        Some(body),
    )
    .await;
    let mut answer = r.body.clone();
    if let Some(o) = answer.as_object_mut() {
        o.remove("request_id");
    }
    (r.status.as_u16(), answer)
}

async fn foreign_and_missing_ids_on_an_invoice_answer_alike(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let missing = 987_654_321_i64;
    for (field, foreign) in [("person_id", org.b_person), ("project_id", org.pb)] {
        let mut body = serde_json::to_value(fields(&org, true)).expect("fields");
        body["lines"][0][field] = foreign.into();
        let (status, foreign_answer) = refusal(&app, &org, &body).await;
        body["lines"][0][field] = missing.into();
        let (_, missing_answer) = refusal(&app, &org, &body).await;
        assert_eq!(status, 422, "{field}: {foreign_answer}");
        assert_eq!(foreign_answer, missing_answer, "{field}");
        let errors = foreign_answer["errors"].as_array().cloned().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{foreign_answer}");
        assert_eq!(errors[0]["field"], format!("lines[0].{field}"));
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("your organisation"),
            "{foreign_answer}"
        );
    }
    // The same through a patch of a received invoice.
    let id = target(app.store.as_ref(), &org, true, false).await;
    let url = format!("/api/v1/partner-invoices/{id}");
    let mut answers = Vec::new();
    for person in [org.b_person, missing] {
        let mut lines = serde_json::to_value(fields(&org, true)).expect("fields")["lines"].clone();
        lines[0]["person_id"] = person.into();
        let body = serde_json::json!({ "lines": lines });
        let r = call(&app, &org, PARTNER_MANAGER, "patch", &url, Some(&body)).await;
        answers.push((r.status.as_u16(), r.body["errors"].clone()));
    }
    assert_eq!(answers[0].0, 422, "{:?}", answers[0]);
    assert_eq!(answers[0].1[0]["field"], "lines[0].person_id", "{:?}", answers[0]);
    assert_eq!(answers[0], answers[1]);
    // The team, who may name anyone's, still hears that an id does not exist.
    let mut body = serde_json::to_value(fields(&org, true)).expect("fields");
    body["lines"][0]["person_id"] = missing.into();
    let r = call(&app, &org, ADMIN, "post", "/api/v1/partner-invoices", Some(&body)).await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text);
    assert_eq!(r.body["errors"][0]["rule"], "exists", "{}", r.text);
}

/// The pages offer no way to withdraw an invoice, and a hand-made post to one is not
/// found: the invoice stays as decided.
async fn the_pages_withdraw_no_decided_invoice(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(
        store,
        "ops@org.example",
        vec![psops_core::auth::Role::Ops],
        Some(org.people[1]),
    )
    .await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let id = Id::new(target(store, &org, true, false).await);
    let decision = InvoiceDecision {
        reason: Some("agreed with the partner".into()),
    };
    let approved = app
        .store
        .approve_partner_invoice(&WriteCtx::trusted(), id, None, decision)
        .await
        .expect("approve");
    let page = ops.get(&app, &format!("/partner-invoices/{id}")).await.expect(200);
    assert!(!page.text.contains("/archive"), "{}", page.text);
    let path = format!("/partner-invoices/{id}/archive");
    ops.post(&app, &path, &[("version", &approved.meta.version.to_string())])
        .await
        .expect(404);
    let now: PartnerInvoice = app.store.get(id).await.expect("invoice");
    assert_eq!(now, approved);
}

api_tests!(
    a_decided_partner_invoice_is_not_archived,
    the_pages_withdraw_no_decided_invoice,
    foreign_and_missing_ids_on_an_invoice_answer_alike
);
