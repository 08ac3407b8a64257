//! `psops classes import-roster`: a class's registrations and attendance from a CSV. A
//! dry run reports every row and writes nothing; the import registers the learners
//! (making the new ones), sets the days they attended, and refuses — naming the line
//! and the rule — a row past the class's seats or with a day outside the class.

use psops_core::Id;
use psops_core::education::courses::Course;
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;

use serde_json::{Value, json};

use crate::browser::PASSWORD;
use crate::browser_invoices::post;
use crate::support::{Server, TestDb, http_get, run, scratch};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Certifies `trainer` for `course` through a complete staff path (the only way a course
/// trainer record is made), its lab graded by `grader`, as of 2026-01-01.
pub(crate) fn certify(db: &TestDb, trainer: i64, course: i64, grader: i64) {
    crate::support::on_store(db, async |store| {
        let course: Course = store.get(Id::new(course)).await.expect("course");
        let on = time::macros::date!(2026 - 01 - 01);
        psops_demo::certifications::certify_trainer(
            store,
            &WriteCtx::trusted(),
            Id::new(trainer),
            &course,
            on,
            Id::new(grader),
        )
        .await
        .expect("certify the trainer");
    });
}

/// Git fundamentals: a two-day remote course in production, sold as a class SKU.
/// Returns the course's id.
pub(crate) fn git_course(server: &Server, admin: &str) -> i64 {
    let ty = id(&post(
        server,
        admin,
        "/api/v1/offering-types",
        json!({"category": "Education", "name": "Instructor-led training"}),
    ));
    let offering = id(&post(
        server,
        admin,
        "/api/v1/offerings",
        json!({"type_id": ty, "name": "Classes", "maturity": "viable", "checklist": [], "effort": [], "kit_links": []}),
    ));
    let sku = id(&post(
        server,
        admin,
        "/api/v1/skus",
        json!({"offering_id": offering, "code": "EDU-GIT", "name": "Git fundamentals class", "unit": "fixed_package",
               "currency": "USD", "seat_limit": 12, "channel": "sales_assisted", "status": "active"}),
    ));
    id(&post(
        server,
        admin,
        "/api/v1/courses",
        json!({"sku_id": sku, "name": "Git fundamentals", "delivery": "remote", "state": "production",
               "course_version": "3.0", "duration_days": 2}),
    ))
}

/// A production course, its certified trainer and a two-day public class with one add-on
/// seat (13 seats). Returns the class's id.
fn class(db: &TestDb, server: &Server, admin: &str) -> i64 {
    let course = git_course(server, admin);
    let trainer = id(&post(
        server,
        admin,
        "/api/v1/people",
        json!({"name": "Tess Trainer", "email": "tess@example.com", "function": "engineer", "region": "EMEA",
               "employment_start": "2025-01-01"}),
    ));
    let grader = id(&post(
        server,
        admin,
        "/api/v1/people",
        json!({"name": "Gail Grader", "email": "gail@example.com", "function": "engineer", "region": "EMEA",
               "employment_start": "2020-01-01"}),
    ));
    certify(db, trainer, course, grader);
    id(&post(
        server,
        admin,
        "/api/v1/classes",
        json!({"course_id": course, "trainer_id": trainer, "start_date": "2026-03-02", "end_date": "2026-03-03",
               "time_zone": "Europe/Berlin", "delivery": "remote", "audience": "public", "addon_seats": 1}),
    ))
}

#[test]
fn a_roster_is_imported_from_the_command_line() {
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
    let token = crate::create_token(&db, "admin@example.com", "classes");
    let server = Server::start(&db, &[]);
    let class = class(&db, &server, &token);
    drop(server);
    let mut csv = String::from("name,email,organisation,attended\n");
    for n in 1..=14 {
        csv.push_str(&format!(
            "Learner {n},learner{n}@example.com,employee,2026-03-02;2026-03-03\n"
        ));
    }
    csv.push_str("Late Larry,larry@example.com,employee,2026-03-09\n");
    let file = scratch("roster.csv", &csv);
    let path = file.to_string_lossy().to_string();
    let class_arg = class.to_string();

    let dry = run(&db, &["classes", "import-roster", &class_arg, &path, "--dry-run"], None);
    assert_ne!(dry.code, Some(0), "two rows are refused: {}", dry.stdout);
    assert!(
        dry.stdout
            .contains("line 2: Learner 1 <learner1@example.com> (new learner) would be registered"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("refused line 15: Learner 14"), "{}", dry.stdout);
    assert!(dry.stdout.contains("class_full"), "{}", dry.stdout);
    assert!(dry.stdout.contains("refused line 16: Late Larry"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("13 rows imported, 2 refused (dry run: nothing written)"),
        "{}",
        dry.stdout
    );
    let server = Server::start(&db, &[]);
    let roster = http_get(&server.addr, &format!("/api/v1/classes/{class}/roster"), Some(&token));
    assert_eq!(roster.body.trim(), "[]", "the dry run wrote nothing");
    drop(server);

    let done = run(&db, &["classes", "import-roster", &class_arg, &path], None);
    assert_ne!(done.code, Some(0));
    assert!(done.stdout.contains("13 rows imported, 2 refused"), "{}", done.stdout);
    assert!(done.stdout.contains("class_full"), "{}", done.stdout);
    let server = Server::start(&db, &[]);
    let roster = http_get(&server.addr, &format!("/api/v1/classes/{class}/roster"), Some(&token));
    let lines: Vec<Value> = serde_json::from_str(&roster.body).expect("roster");
    assert_eq!(lines.len(), 13);
    assert!(
        lines
            .iter()
            .all(|l| l["attended"] == json!(["2026-03-02", "2026-03-03"])),
        "{}",
        roster.body
    );
    // Importing again changes nothing: the learners are found and already registered.
    drop(server);
    let again = run(&db, &["classes", "import-roster", &class_arg, &path], None);
    assert!(
        again
            .stdout
            .contains("line 2: Learner 1 <learner1@example.com> was registered"),
        "{}",
        again.stdout
    );
}
