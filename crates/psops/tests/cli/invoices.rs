//! `psops invoices list` and `psops invoices export`: an invoice issued through the API
//! is listed (table, CSV, JSON) and exported to a file in the accounting shape, a row per
//! line with the exact amount; a bad date is refused.

use serde_json::json;

use crate::browser::PASSWORD;
use crate::browser_invoices::{approved_time, post};
use crate::support::{Server, TestDb, run, scratch};

#[test]
fn invoices_are_listed_and_exported_for_accounting() {
    let db = TestDb::sqlite();
    run(&db, &["migrate"], None).assert_ok();
    let admin = [
        "user",
        "create",
        "--email",
        "admin@example.com",
        "--name",
        "Admin",
        "--role",
        "admin",
    ];
    run(&db, &admin, Some(&format!("{PASSWORD}\n"))).assert_ok();
    let token = crate::create_token(&db, "admin@example.com", "invoices");
    let server = Server::start(&db, &[]);
    let (project, _, _) = approved_time(&db, &server, &token);
    let draft = post(
        &server,
        &token,
        "/api/v1/invoices",
        json!({"project_id": project, "through": "2026-11-30"}),
    );
    let id = draft["id"].as_i64().unwrap_or_default();
    post(&server, &token, &format!("/api/v1/invoices/{id}/issue"), json!({}));
    drop(server);

    let listed = run(&db, &["invoices", "list", "--format", "csv"], None);
    listed.assert_ok();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(
        lines[0], "id,number,kind,status,date,due,project,customer,total",
        "{}",
        listed.stdout
    );
    assert!(lines[1].contains(",INV-000001,invoice,issued,"), "{}", listed.stdout);
    assert!(
        lines[1].ends_with(",Fabrikam data platform,Fabrikam,1050.00 USD"),
        "{}",
        lines[1]
    );
    let json = run(
        &db,
        &["invoices", "list", "--format", "json", "--status", "draft"],
        None,
    );
    json.assert_ok();
    assert!(!json.stdout.contains("INV-000001"), "{}", json.stdout);

    let out = scratch("invoices.csv", "");
    let path = out.to_string_lossy().to_string();
    let exported = run(
        &db,
        &[
            "invoices",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2200-12-31",
            "--out",
            &path,
        ],
        None,
    );
    exported.assert_ok();
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "ContactName,InvoiceNumber,Reference,InvoiceDate,DueDate,Description,Quantity,UnitAmount,LineAmount,AccountCode,Currency"
    );
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[1].starts_with("Fabrikam,INV-000001,Fabrikam data platform,"),
        "{}",
        rows[1]
    );
    assert!(rows[1].ends_with(",7.00,150.00,1050.00,200,USD"), "{}", rows[1]);
    let bad = run(
        &db,
        &["invoices", "export", "--from", "2026-13-01", "--to", "2026-12-31"],
        None,
    );
    assert_ne!(bad.code, Some(0), "{}", bad.stdout);
}
