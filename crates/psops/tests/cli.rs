//! The psops binary end to end: migrations, user and token administration, the audit
//! log, and a real `psops serve` answering over TCP and stopping cleanly on SIGTERM — on SQLite always,
//! and on PostgreSQL too when `PSOPS_TEST_POSTGRES_URL` is set.

#[path = "cli/support.rs"]
mod support;

#[path = "cli/audit.rs"]
mod audit;
#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/balancer.rs"]
mod balancer;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/browser_catalog.rs"]
mod browser_catalog;
#[path = "cli/browser_delivery.rs"]
mod browser_delivery;
#[path = "cli/browser_education.rs"]
mod browser_education;
#[path = "cli/browser_forms.rs"]
mod browser_forms;
#[path = "cli/browser_invoices.rs"]
mod browser_invoices;
#[path = "cli/browser_partners.rs"]
mod browser_partners;
#[path = "cli/browser_scoping.rs"]
mod browser_scoping;
#[path = "cli/browser_staffing.rs"]
mod browser_staffing;
#[path = "cli/catalog.rs"]
mod catalog;
#[path = "cli/certification_report.rs"]
mod certification_report;
#[path = "cli/classes.rs"]
mod classes;
#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/csat.rs"]
mod csat;
#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/education_report.rs"]
mod education_report;
#[path = "cli/escalations.rs"]
mod escalations;
#[path = "cli/forecast.rs"]
mod forecast;
#[path = "cli/health.rs"]
mod health;
#[path = "cli/interchange.rs"]
mod interchange;
#[path = "cli/invoices.rs"]
mod invoices;
#[path = "cli/milestones.rs"]
mod milestones;
#[path = "cli/nodes.rs"]
mod nodes;
#[path = "cli/notifications.rs"]
mod notifications;
#[path = "cli/partner_invoices.rs"]
mod partner_invoices;
#[path = "cli/partner_report.rs"]
mod partner_report;
#[path = "cli/reports.rs"]
mod reports;
#[path = "cli/scoping.rs"]
mod scoping;
#[path = "cli/security.rs"]
mod security;
#[path = "cli/smtp_sink.rs"]
mod smtp_sink;
#[path = "cli/staffing.rs"]
mod staffing;
#[path = "cli/tsp_report.rs"]
mod tsp_report;
#[path = "cli/users.rs"]
mod users;
#[path = "cli/webdriver.rs"]
mod webdriver;
#[path = "cli/webhooks.rs"]
mod webhooks;

use support::{Run, Server, TestDb, run};

const PASSWORD: &str = "correct horse battery staple";

/// Everything an administrator does on a new installation, then the API it unlocks.
fn first_day(db: &TestDb, server_env: &[(&str, &str)]) -> String {
    let migrated = run(db, &["migrate"], None);
    migrated.assert_ok();
    assert!(migrated.stdout.contains("applied migrations: 1"), "{}", migrated.stdout);
    let again = run(db, &["migrate"], None);
    again.assert_ok();
    assert!(again.stdout.contains("up to date"), "{}", again.stdout);

    let created = run(
        db,
        &[
            "user",
            "create",
            "--email",
            "Ada@Example.com",
            "--name",
            "Ada",
            "--role",
            "admin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    created.assert_ok();
    assert_eq!(created.stdout, "", "a given password is never echoed");
    assert!(created.stderr.contains("created user"), "{}", created.stderr);

    let token = create_token(db, "ada@example.com", "laptop");
    let listed = run(db, &["token", "list", "--email", "ada@example.com"], None);
    listed.assert_ok();
    let id = token_id(&listed, "laptop");
    assert!(listed.stdout.contains("live"), "{}", listed.stdout);
    assert!(!listed.stdout.contains(&token), "secrets are never listed");

    let server = Server::start(db, server_env);
    let health = server.get("/healthz", None);
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(server.get("/readyz", None).status, 200);

    let anonymous = server.get("/api/v1/people", None);
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert!(
        anonymous.head.to_ascii_lowercase().contains("application/problem+json"),
        "{}",
        anonymous.head
    );
    let wrong = server.get("/api/v1/people", Some("psops_not-a-real-token"));
    assert_eq!(wrong.status, 401);
    let people = server.get("/api/v1/people", Some(&token));
    assert_eq!(people.status, 200, "{}", people.body);

    run(db, &["token", "revoke", "--id", &id], None).assert_ok();
    // The CLI is another process: the server notices within a second.
    server.get_within_a_second("/api/v1/people", Some(&token), 401);

    let (code, stderr) = server.terminate();
    assert_eq!(code, Some(0), "SIGTERM is a clean stop; stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn create_token(db: &TestDb, email: &str, name: &str) -> String {
    let out = run(db, &["token", "create", "--email", email, "--name", name], None);
    out.assert_ok();
    let secret = out.stdout.trim().to_string();
    assert!(secret.starts_with("psops_"), "stdout is the secret alone: {secret:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    secret
}

/// The id column of the `token list` row for `name`.
fn token_id(listed: &Run, name: &str) -> String {
    listed
        .stdout
        .lines()
        .find(|l| l.split_whitespace().last() == Some(name))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no token {name} in:\n{}", listed.stdout))
        .to_string()
}

#[test]
fn first_day_on_sqlite_with_json_logs() {
    let db = TestDb::sqlite();
    let stderr = first_day(&db, &[("PSOPS_LOG_FORMAT", "json")]);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "the server logs");
    for line in &lines {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(value.get("level").is_some(), "{line}");
    }
    assert!(stderr.contains("listening on http://127.0.0.1:"), "{stderr}");
}

#[test]
fn first_day_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    assert!(db.url.starts_with("postgres"));
    let stderr = first_day(&db, &[]);
    assert!(stderr.contains("listening on"), "{stderr}");
}

#[test]
fn a_generated_password_is_printed_once_and_can_be_reset() {
    let db = TestDb::sqlite();
    let created = run(
        &db,
        &[
            "user",
            "create",
            "--email",
            "pm@example.com",
            "--name",
            "Pat",
            "--role",
            "project_manager",
            "--role",
            "consultant",
        ],
        None,
    );
    created.assert_ok();
    let password = created.stdout.trim();
    assert_eq!(password.len(), 24, "stdout: {:?}", created.stdout);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));

    let reset = run(
        &db,
        &["user", "set-password", "--email", "pm@example.com"],
        Some("another long passphrase\n"),
    );
    reset.assert_ok();
    assert_eq!(reset.stdout, "");

    let short = run(
        &db,
        &["user", "set-password", "--email", "pm@example.com"],
        Some("short\n"),
    );
    assert_eq!(short.code, Some(1));
    assert!(short.stderr.contains("error: password:"), "{}", short.stderr);

    let nobody = run(
        &db,
        &["user", "set-password", "--email", "nobody@example.com"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(nobody.code, Some(1));
    assert!(
        nobody
            .stderr
            .contains("error: email: no user with email nobody@example.com"),
        "{}",
        nobody.stderr
    );
}

#[test]
fn a_bad_role_names_the_valid_roles() {
    let db = TestDb::sqlite();
    let out = run(
        &db,
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "root",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("error: role:"), "{}", out.stderr);
    for role in ["admin", "ops", "finance", "project_manager", "partner_consultant"] {
        assert!(out.stderr.contains(role), "{role} missing from {}", out.stderr);
    }
    assert!(!out.stderr.contains("panicked"));
}

#[test]
fn a_duplicate_email_is_refused() {
    let db = TestDb::sqlite();
    let args = [
        "user",
        "create",
        "--email",
        "ops@example.com",
        "--name",
        "Ops",
        "--role",
        "ops",
    ];
    run(&db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
    let again = run(&db, &args, Some(&format!("{PASSWORD}\n")));
    assert_eq!(again.code, Some(1));
    assert!(
        again.stderr.contains("error: email:") && again.stderr.contains("already exists"),
        "{}",
        again.stderr
    );
}

#[test]
fn token_commands_refuse_bad_input() {
    let db = TestDb::sqlite();
    let unknown = run(&db, &["token", "create", "--email", "ghost@example.com"], None);
    assert_eq!(unknown.code, Some(1));
    assert!(unknown.stderr.contains("error: email:"), "{}", unknown.stderr);
    assert_eq!(unknown.stdout, "", "no secret for a failed create");

    run(
        &db,
        &[
            "user",
            "create",
            "--email",
            "f@example.com",
            "--name",
            "F",
            "--role",
            "finance",
        ],
        Some(&format!("{PASSWORD}\n")),
    )
    .assert_ok();
    let scope = run(
        &db,
        &["token", "create", "--email", "f@example.com", "--scope", "admin"],
        None,
    );
    assert_eq!(scope.code, Some(1));
    assert!(
        scope.stderr.contains("error: scope:") && scope.stderr.contains("read_write"),
        "{}",
        scope.stderr
    );

    let expiring = run(
        &db,
        &[
            "token",
            "create",
            "--email",
            "f@example.com",
            "--scope",
            "read",
            "--expires-in-days",
            "7",
        ],
        None,
    );
    expiring.assert_ok();
    assert!(expiring.stderr.contains("expires"), "{}", expiring.stderr);
    let listed = run(&db, &["token", "list", "--email", "f@example.com", "--json"], None);
    listed.assert_ok();
    let tokens: serde_json::Value = serde_json::from_str(&listed.stdout).expect("JSON list");
    assert_eq!(tokens[0]["scope"], "read");
    assert!(tokens[0]["expires_at"].is_string(), "{tokens}");

    let missing = run(&db, &["token", "revoke", "--id", "9999"], None);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.starts_with("error: "), "{}", missing.stderr);
}

#[test]
fn a_busy_port_is_a_one_line_error() {
    let db = TestDb::sqlite();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("address").to_string();
    let out = run(&db, &["serve", "--bind", &addr], None);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let errors: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(errors[0].contains(&format!("cannot listen on {addr}")), "{}", errors[0]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(!out.stdout.contains("listening"), "{}", out.stdout);
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let db = TestDb::sqlite();
    let out = run(&db, &["migrate", "--database-url", "mysql://localhost/psops"], None);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("error: database_url:"), "{}", out.stderr);
}
