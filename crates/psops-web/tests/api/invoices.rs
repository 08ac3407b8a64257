//! The invoice API end to end: finance drafts a fixed-fee project's accepted milestone,
//! edits the draft under If-Match, issues it (a number, then 409 on any change), credits
//! it with a reason (a numbered credit note, the milestone released) and exports both as
//! CSV in the accounting shape; the PDF is a PDF; nothing to bill is a 409 naming why.

use axum::http::Method;
use serde_json::{Value, json};

use crate::matrix_fixture::Org;
use crate::matrix_invoices::billable_project;
use crate::support::{TestApp, api_tests};

async fn an_invoice_runs_from_draft_to_credit_note(app: TestApp) {
    let org = Org::build(app.store.as_ref()).await;
    let finance = &org.tokens[2];
    let call = |m: Method, path: String, body: Option<Value>, etag: Option<String>| {
        let app = &app;
        async move {
            let headers: Vec<(&str, String)> = etag.into_iter().map(|e| ("if-match", e)).collect();
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call_as(finance, m, &path, body.as_ref(), &h).await
        }
    };
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let project = billable_project(app.store.as_ref(), &org).await;
    let r = call(
        Method::POST,
        "/api/v1/invoices".into(),
        Some(json!({"project_id": project, "through": today})),
        None,
    )
    .await
    .expect(201);
    let id = r.id();
    assert_eq!(r.body["status"], "draft");
    assert_eq!(r.body["number"], Value::Null);
    assert_eq!(r.body["total"], json!({"amount_minor": 1_000_000, "currency": "USD"}));
    assert_eq!(r.body["lines"][0]["kind"], "milestone");
    // The same milestone cannot be drafted … twice is fine, but only one issue wins it.
    let etag = r.etag();
    let r = call(
        Method::PATCH,
        format!("/api/v1/invoices/{id}"),
        Some(json!({"note": "PO 4471"})),
        Some("\"99\"".into()),
    )
    .await;
    assert_eq!(r.status.as_u16(), 412, "{}", r.text);
    let r = call(
        Method::PATCH,
        format!("/api/v1/invoices/{id}"),
        Some(json!({"note": "PO 4471", "due_date": "2000-01-01"})),
        Some(etag.clone()),
    )
    .await;
    r.problem(422, "due_date", "after_start");
    let r = call(
        Method::PATCH,
        format!("/api/v1/invoices/{id}"),
        Some(json!({"note": "PO 4471"})),
        Some(etag),
    )
    .await
    .expect(200);
    assert_eq!(r.body["note"], "PO 4471");
    let r = call(Method::POST, format!("/api/v1/invoices/{id}/issue"), None, None)
        .await
        .expect(200);
    assert_eq!(r.body["status"], "issued");
    let number = r.body["number"].as_str().unwrap_or_default().to_string();
    assert!(number.starts_with("INV-"), "{number}");
    // Issued: no edit, no discard, nothing more to bill.
    call(Method::PATCH, format!("/api/v1/invoices/{id}"), Some(json!({})), None)
        .await
        .problem(409, "status", "invalid_transition");
    call(Method::DELETE, format!("/api/v1/invoices/{id}"), None, None)
        .await
        .problem(409, "status", "invalid_transition");
    call(
        Method::POST,
        "/api/v1/invoices".into(),
        Some(json!({"project_id": project, "through": today})),
        None,
    )
    .await
    .problem(409, "through", "nothing_to_bill");
    let pdf = call(Method::GET, format!("/api/v1/invoices/{id}/pdf"), None, None)
        .await
        .expect(200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.text.starts_with("%PDF-"));
    // A credit needs a reason; it answers the numbered credit note.
    call(
        Method::POST,
        format!("/api/v1/invoices/{id}/credit"),
        Some(json!({"reason": ""})),
        None,
    )
    .await
    .problem(422, "reason", "required");
    let cn = call(
        Method::POST,
        format!("/api/v1/invoices/{id}/credit"),
        Some(json!({"reason": "Wrong entity"})),
        None,
    )
    .await
    .expect(201);
    assert_eq!(cn.body["kind"], "credit_note");
    assert_eq!(cn.body["credits_invoice_id"], id);
    assert_eq!(cn.body["total"]["amount_minor"], -1_000_000);
    let cn_number = cn.body["number"].as_str().unwrap_or_default().to_string();
    assert!(cn_number.starts_with("CN-"), "{cn_number}");
    // Released: the milestone can be drafted again.
    call(
        Method::POST,
        "/api/v1/invoices".into(),
        Some(json!({"project_id": project, "through": today})),
        None,
    )
    .await
    .expect(201);
    // The list filters by kind; the export has a row per line of both documents.
    let list = call(Method::GET, "/api/v1/invoices?kind=credit_note".into(), None, None)
        .await
        .expect(200);
    let kinds: Vec<&str> = list.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "credit_note"),
        "{kinds:?}"
    );
    call(Method::GET, "/api/v1/invoices?status=paid".into(), None, None)
        .await
        .problem(422, "status", "one_of");
    let csv = call(
        Method::GET,
        format!("/api/v1/invoices/export.csv?from={today}&to={today}"),
        None,
        None,
    )
    .await
    .expect(200);
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "ContactName,InvoiceNumber,Reference,InvoiceDate,DueDate,Description,Quantity,UnitAmount,LineAmount,AccountCode,Currency"
    );
    let mine: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains(&number) || l.contains(&cn_number))
        .collect();
    assert_eq!(mine.len(), 2, "{}", csv.text);
    assert!(mine[0].contains(",1.00,10000.00,10000.00,200,USD"), "{}", mine[0]);
    assert!(mine[1].contains(",-1.00,10000.00,-10000.00,200,USD"), "{}", mine[1]);
    call(Method::GET, "/api/v1/invoices/export.csv".into(), None, None)
        .await
        .problem(422, "from", "required");
}

api_tests!(an_invoice_runs_from_draft_to_credit_note);
