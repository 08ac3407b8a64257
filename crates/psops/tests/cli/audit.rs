//! Every change made from the command line leaves an audit entry marked with a `cli-`
//! request id and the operating-system user who ran it (`cli:<user>`), and `psops audit
//! list` shows them — filtered, as JSON, CSV or a table.

use serde_json::Value;

use crate::support::{TestDb, run};
use crate::{PASSWORD, create_token, token_id};

fn create_user(db: &TestDb, email: &str, role: &str) {
    run(
        db,
        &["user", "create", "--email", email, "--name", "Someone", "--role", role],
        Some(&format!("{PASSWORD}\n")),
    )
    .assert_ok();
}

fn audit_json(db: &TestDb, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["audit", "list", "--format", "json"];
    args.extend_from_slice(filters);
    let out = run(db, &args, None);
    out.assert_ok();
    match serde_json::from_str(&out.stdout) {
        Ok(Value::Array(entries)) => entries,
        other => panic!("not a JSON array ({other:?}): {}", out.stdout),
    }
}

fn find<'a>(entries: &'a [Value], what: &str, pick: impl Fn(&Value) -> bool) -> &'a Value {
    entries
        .iter()
        .find(|e| pick(e))
        .unwrap_or_else(|| panic!("no audit entry for {what} in {entries:#?}"))
}

fn cli_changes_are_audited(db: &TestDb) {
    create_user(db, "ada@example.com", "admin");
    run(
        db,
        &["user", "set-password", "--email", "ada@example.com"],
        Some("a brand new passphrase\n"),
    )
    .assert_ok();
    create_user(db, "cy@example.com", "consultant");
    create_token(db, "cy@example.com", "script");
    let listed = run(db, &["token", "list", "--email", "cy@example.com"], None);
    run(db, &["token", "revoke", "--id", &token_id(&listed, "script")], None).assert_ok();
    let roles = ["user", "set-roles", "--email", "cy@example.com"];
    run(
        db,
        &[&roles[..], &["--role", "consultant", "--role", "project_manager"]].concat(),
        None,
    )
    .assert_ok();
    run(db, &["user", "disable", "--email", "cy@example.com"], None).assert_ok();

    // A new database's handbook catalog is audited too, as loaded by psops itself.
    let (loaded, all): (Vec<Value>, Vec<Value>) = audit_json(db, &["--limit", "1000"])
        .into_iter()
        .partition(|e| e["via"] == "psops:handbook-catalog");
    assert!(loaded.len() > 40, "{loaded:#?}");
    assert_eq!(all.len(), 7, "{all:#?}");
    for e in &all {
        let request = e["request_id"].as_str().unwrap_or_default();
        assert!(request.starts_with("cli-"), "CLI changes carry a cli- request id: {e}");
        assert_eq!(e["user_id"], Value::Null, "the CLI acts as no user: {e}");
        assert_eq!(e["user_email"], Value::Null, "{e}");
        assert_eq!(e["via"], "cli:ci-operator", "the operating-system user who ran it: {e}");
    }
    let (entity, action) = (|e: &Value| e["entity"].clone(), |e: &Value| e["action"].clone());
    find(&all, "user create", |e| {
        entity(e) == "user" && action(e) == "create" && e["after"]["email"] == "ada@example.com"
    });
    let password = find(&all, "set-password", |e| e["after"].get("password").is_some());
    assert_eq!(password["after"], serde_json::json!({ "password": "changed" }));
    assert_eq!(password["before"], Value::Null);
    assert_eq!((entity(password), action(password)), ("user".into(), "update".into()));
    let everything = run(db, &["audit", "list", "--format", "json"], None);
    assert!(!everything.stdout.contains("$argon2"), "no password hash in the log");
    find(&all, "token create", |e| {
        entity(e) == "api_token" && action(e) == "create" && e["after"]["name"] == "script"
    });
    find(&all, "token revoke", |e| {
        entity(e) == "api_token" && e["before"]["revoked_at"].is_null() && e["after"]["revoked_at"].is_string()
    });
    find(&all, "set-roles", |e| {
        e["before"]["roles"] == serde_json::json!(["consultant"])
            && e["after"]["roles"]
                .as_array()
                .is_some_and(|r| r.contains(&Value::from("project_manager")))
    });
    find(&all, "disable", |e| {
        entity(e) == "user" && e["before"]["disabled_at"].is_null() && e["after"]["disabled_at"].is_string()
    });

    let users = audit_json(db, &["--entity", "user"]);
    assert_eq!(users.len(), 5, "{users:#?}");
    assert!(users.iter().all(|e| e["entity"] == "user"), "{users:#?}");
    let creates = run(
        db,
        &[
            "audit", "list", "--entity", "user", "--action", "create", "--format", "csv",
        ],
        None,
    );
    creates.assert_ok();
    let rows: Vec<&str> = creates.stdout.lines().collect();
    assert_eq!(rows.len(), 3, "a header and two users:\n{}", creates.stdout);
    assert!(
        rows[0].starts_with("id,at,user_id,user_email,via,request_id,entity"),
        "{}",
        rows[0]
    );
    assert!(
        rows[2].contains("cy@example.com") && rows[2].contains(",cli-"),
        "{}",
        rows[2]
    );
    assert!(
        audit_json(db, &["--user-email", "ada@example.com"]).is_empty(),
        "ada changed nothing"
    );

    let table = run(db, &["audit", "list", "--limit", "1000"], None);
    table.assert_ok();
    let header = table.stdout.lines().next().unwrap_or_default();
    assert!(header.starts_with("AT") && header.ends_with("CHANGES"), "{header}");
    assert!(table.stdout.contains(r#"password="changed""#), "{}", table.stdout);
    assert!(table.stdout.contains("cli:ci-operator"), "{}", table.stdout);
    assert!(table.stdout.contains("revoked_at: null -> "), "{}", table.stdout);
    assert!(table.stdout.contains("roles: "), "{}", table.stdout);
    let by_cli = table.stdout.lines().filter(|l| l.contains("cli:ci-operator")).count();
    assert_eq!(by_cli, 7, "{}", table.stdout);

    let first_two = audit_json(db, &["--limit", "2"]);
    assert_eq!(first_two.len(), 2);
    assert_eq!(first_two[0]["id"], loaded[0]["id"], "oldest first");
}

#[test]
fn cli_changes_are_audited_on_sqlite() {
    cli_changes_are_audited(&TestDb::sqlite());
}

#[test]
fn cli_changes_are_audited_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    cli_changes_are_audited(&db);
}

#[test]
fn audit_list_refuses_bad_filters() {
    let db = TestDb::sqlite();
    let dates = run(&db, &["audit", "list", "--from", "2026-02-30", "--to", "soon"], None);
    assert_eq!(dates.code, Some(1), "{}", dates.stderr);
    assert!(dates.stderr.contains("error: from: "), "{}", dates.stderr);
    assert!(dates.stderr.contains("error: to: "), "{}", dates.stderr);
    assert_eq!(dates.stdout, "");

    let action = run(&db, &["audit", "list", "--action", "erase"], None);
    assert_eq!(action.code, Some(1));
    assert!(
        action.stderr.contains("error: action: ") && action.stderr.contains("unarchive"),
        "{}",
        action.stderr
    );
    let nobody = run(&db, &["audit", "list", "--user-email", "ghost@example.com"], None);
    assert_eq!(nobody.code, Some(1));
    assert!(nobody.stderr.contains("error: user_email: "), "{}", nobody.stderr);
    for out in [&dates, &action, &nobody] {
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }

    create_user(&db, "ops@example.com", "ops");
    let limited = run(&db, &["audit", "list", "--from", "2000-01-01", "--limit", "1"], None);
    limited.assert_ok();
    assert_eq!(
        limited.stdout.lines().count(),
        2,
        "a header and one row:\n{}",
        limited.stdout
    );
    let none = run(&db, &["audit", "list", "--to", "2000-01-01"], None);
    none.assert_ok();
    assert_eq!(none.stdout, "", "nothing that old");
    assert!(none.stderr.contains("no audit entries match"), "{}", none.stderr);
}
