//! Account administration against a running server: the first-run setup link, and a
//! disabled user's token failing at once and working again after `enable`.

use serde_json::Value;

use crate::support::{Server, TestDb, run};
use crate::{PASSWORD, create_token};

pub fn create_user(db: &TestDb, email: &str, roles: &[&str]) {
    let mut args = vec!["user", "create", "--email", email, "--name", "Someone"];
    for role in roles {
        args.extend(["--role", role]);
    }
    run(db, &args, Some(&format!("{PASSWORD}\n"))).assert_ok();
}

fn users_json(db: &TestDb) -> Vec<Value> {
    let out = run(db, &["user", "list", "--format", "json"], None);
    out.assert_ok();
    match serde_json::from_str(&out.stdout) {
        Ok(Value::Array(users)) => users,
        other => panic!("not a JSON array ({other:?}): {}", out.stdout),
    }
}

fn setup_link_until_the_first_user(db: &TestDb) {
    let server = Server::start(db, &[]);
    let line = server.wait_for_stdout("set up psops: ");
    let prefix = format!("set up psops: http://{}", server.addr);
    let path = line
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("the link is on this server: {line:?}"))
        .to_string();
    assert!(
        path.starts_with("/setup/") && path.len() > "/setup/".len() + 20,
        "{path}"
    );
    let page = server.get(&path, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.head.to_ascii_lowercase().contains("text/html"), "{}", page.head);
    assert!(page.body.contains("<form"), "{}", page.body);
    let stopped = server.stop();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);

    create_user(db, "ada@example.com", &["admin"]);
    let server = Server::start(db, &[]);
    let old = server.get(&path, None);
    assert_eq!(old.status, 404, "a setup link is dead once a user exists: {}", old.body);
    let stopped = server.stop();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);
    assert!(
        stopped.stdout.iter().all(|l| !l.contains("set up psops")),
        "no setup link once a user exists: {:?}",
        stopped.stdout
    );
}

fn disabled_users_tokens_stop_working(db: &TestDb) {
    create_user(db, "ada@example.com", &["admin"]);
    create_user(db, "cy@example.com", &["consultant"]);
    let token = create_token(db, "cy@example.com", "laptop");
    let server = Server::start(db, &[]);
    let me = server.get("/api/v1/me", Some(&token));
    assert_eq!(me.status, 200, "{}", me.body);
    assert!(me.body.contains("cy@example.com"), "{}", me.body);

    let disabled = run(db, &["user", "disable", "--email", "cy@example.com"], None);
    disabled.assert_ok();
    assert!(disabled.stderr.contains("disabled user"), "{}", disabled.stderr);
    // The CLI is another process: the server notices within a second.
    server.get_within_a_second("/api/v1/me", Some(&token), 401);
    let cy = users_json(db)
        .into_iter()
        .find(|u| u["email"] == "cy@example.com")
        .expect("cy is listed");
    assert!(cy["disabled_at"].is_string(), "{cy}");
    let table = run(db, &["user", "list"], None);
    table.assert_ok();
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("cy@example.com"))
        .unwrap_or_default();
    assert!(
        row.contains("disabled") && row.contains("consultant"),
        "{}",
        table.stdout
    );

    run(db, &["user", "enable", "--email", "cy@example.com"], None).assert_ok();
    let again = server.get("/api/v1/me", Some(&token));
    assert_eq!(again.status, 200, "enabled again, the token works: {}", again.body);
    assert!(users_json(db).iter().all(|u| u["disabled_at"].is_null()));
    let (code, stderr) = server.terminate();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn setup_link_until_the_first_user_on_sqlite() {
    setup_link_until_the_first_user(&TestDb::sqlite());
}

#[test]
fn setup_link_until_the_first_user_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    setup_link_until_the_first_user(&db);
}

#[test]
fn disabled_users_tokens_stop_working_on_sqlite() {
    disabled_users_tokens_stop_working(&TestDb::sqlite());
}

#[test]
fn disabled_users_tokens_stop_working_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    disabled_users_tokens_stop_working(&db);
}

#[test]
fn set_roles_replaces_roles_and_refuses_unknown_ones() {
    let db = TestDb::sqlite();
    create_user(&db, "pm@example.com", &["consultant", "project_manager"]);
    let bad = run(
        &db,
        &[
            "user",
            "set-roles",
            "--email",
            "pm@example.com",
            "--role",
            "ops",
            "--role",
            "root",
        ],
        None,
    );
    assert_eq!(bad.code, Some(1), "{}", bad.stderr);
    assert!(
        bad.stderr.contains("error: role: ") && bad.stderr.contains("\"root\""),
        "{}",
        bad.stderr
    );
    for role in [
        "admin",
        "ops",
        "finance",
        "practice_manager",
        "partner_manager",
        "partner_consultant",
    ] {
        assert!(bad.stderr.contains(role), "{role} missing from {}", bad.stderr);
    }
    assert!(!bad.stderr.contains("panicked"), "{}", bad.stderr);
    let roles = |db: &TestDb| users_json(db)[0]["roles"].clone();
    assert_eq!(
        roles(&db),
        serde_json::json!(["consultant", "project_manager"]),
        "unchanged"
    );

    let set = run(
        &db,
        &["user", "set-roles", "--email", "PM@example.com", "--role", "finance"],
        None,
    );
    set.assert_ok();
    assert!(set.stderr.contains("-> finance"), "{}", set.stderr);
    assert!(
        set.stderr.contains("warning: no enabled user has the admin role"),
        "{}",
        set.stderr
    );
    assert_eq!(roles(&db), serde_json::json!(["finance"]), "replaced, not added");

    let nobody = run(
        &db,
        &["user", "set-roles", "--email", "x@example.com", "--role", "ops"],
        None,
    );
    assert_eq!(nobody.code, Some(1));
    assert!(nobody.stderr.contains("error: email: "), "{}", nobody.stderr);
    let enable = run(&db, &["user", "enable", "--email", "pm@example.com"], None);
    enable.assert_ok();
    assert!(enable.stderr.contains("not disabled"), "{}", enable.stderr);
}
