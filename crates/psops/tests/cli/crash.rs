//! Crash safety: `psops serve` killed with SIGKILL in the middle of a write load, and
//! `psops import time` killed half way through a file. Afterwards every write that was
//! answered 2xx is there, nothing of the unfinished import is, SQLite's integrity check
//! passes, `psops verify` is clean, and the server starts and serves again — on SQLite
//! always, and on PostgreSQL when `PSOPS_TEST_POSTGRES_URL` is set.
//!
//! A process killed this way leaves the operating system's file cache intact, so this is
//! the crash of psops, not a power cut: SQLite runs with `synchronous = NORMAL`, which
//! keeps every commit through the first and may lose the last ones in the second.

use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::create_token;
use crate::support::{Server, TestDb, http, run, scratch};

/// Writers posting at once; more than the machine's cores, so writes queue in the server.
const WRITERS: u64 = 4;
/// Writes answered 2xx before the kill, so the kill lands among many in flight.
const ACKED_BEFORE_KILL: usize = 150;

/// A write the server answered 2xx: where to read it back, and a value unique to it that
/// the read must show.
struct Acked {
    path: String,
    unique: String,
}

#[test]
fn sigkill_during_writes_loses_no_acknowledged_write_on_sqlite() {
    sigkill_during_writes(&TestDb::sqlite());
}

#[test]
fn sigkill_during_writes_loses_no_acknowledged_write_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    sigkill_during_writes(&db);
}

#[test]
fn sigkill_during_an_import_leaves_nothing_of_it_on_sqlite() {
    sigkill_during_an_import(&TestDb::sqlite());
}

#[test]
fn sigkill_during_an_import_leaves_nothing_of_it_on_postgres() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("PSOPS_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    sigkill_during_an_import(&db);
}

fn sigkill_during_writes(db: &TestDb) {
    // One engineer assigned to a project over 2026, as the report stories have.
    let person = crate::reports::seed(db);
    crate::users::create_user(db, "ops@example.com", &["admin"]);
    let token = create_token(db, "ops@example.com", "crash");
    let server = Server::start(db, &[]);
    let projects = server.get("/api/v1/projects", Some(&token));
    assert_eq!(projects.status, 200, "{}", projects.body);
    let project = serde_json::from_str::<Value>(&projects.body).expect("JSON")["items"][0]["id"].clone();

    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (acked, stop, next, token) = (acked.clone(), stop.clone(), next.clone(), token.clone());
        let (addr, project) = (server.addr.clone(), project.clone());
        writers.push(std::thread::spawn(move || {
            let agent = http();
            while !stop.load(Ordering::Relaxed) {
                let n = next.fetch_add(1, Ordering::Relaxed);
                // One write in eight is an account, so two tables and their audit rows
                // are written under the kill, not one.
                let (path, body, unique) = if n % 8 == 7 {
                    let name = format!("Crash account {w}-{n}");
                    ("/api/v1/accounts", json!({"name": name}), name)
                } else {
                    let note = format!("crash write {w}-{n}");
                    // 15 minutes a write, spread over 350 days: no day passes 24 hours.
                    let date = time::macros::date!(2026 - 01 - 02) + time::Duration::days((n % 350) as i64);
                    let entry = json!({"person_id": person, "project_id": project, "date": date.to_string(),
                                       "minutes": 15, "billable": true, "note": note});
                    ("/api/v1/time-entries", entry, note)
                };
                let req = agent
                    .post(format!("http://{addr}{path}"))
                    .header("Authorization", format!("Bearer {token}"))
                    .header("Content-Type", "application/json");
                // After the kill the connection is refused or cut, before the answer or
                // in the middle of its body: not acknowledged either way.
                let Ok(mut res) = req.send(body.to_string()) else {
                    continue;
                };
                let status = res.status().as_u16();
                let Ok(text) = res.body_mut().read_to_string() else {
                    continue;
                };
                assert!(status == 201, "POST {path} answered {status} under load: {text}");
                let id = serde_json::from_str::<Value>(&text).expect("JSON")["id"].clone();
                let path = format!("{path}/{id}");
                acked.lock().expect("acked").push(Acked { path, unique });
            }
        }));
    }

    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().expect("acked").len() < ACKED_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "fewer than {ACKED_BEFORE_KILL} writes answered within 60 s; stderr:\n{}",
            server.stderr()
        );
        assert!(
            writers.iter().all(|w| !w.is_finished()),
            "a writer stopped before the kill"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let stopped = server.kill();
    assert_eq!(stopped.code, None, "killed by a signal, not exited");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("a writer panicked");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("acked"));
    assert!(acked.len() >= ACKED_BEFORE_KILL);

    after_a_crash(db);
    let server = Server::start(db, &[]);
    for a in &acked {
        let res = server.get(&a.path, Some(&token));
        assert_eq!(res.status, 200, "GET {} after the crash: {}", a.path, res.body);
        assert!(res.body.contains(&a.unique), "{} in {}", a.unique, res.body);
    }
    let entry = json!({"person_id": person, "project_id": project, "date": "2026-12-30",
                       "minutes": 30, "billable": true, "note": "after the crash"});
    let created = crate::support::http_json(&server.addr, "POST", "/api/v1/time-entries", &token, &entry, &[]);
    assert_eq!(created.status, 201, "the server writes again: {}", created.body);
    let (code, stderr) = server.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    verify_clean(db);
}

/// Harvest rows in the generated file: enough that a debug build takes a few seconds.
const IMPORT_ROWS: usize = 10_000;

fn sigkill_during_an_import(db: &TestDb) {
    run(db, &["migrate"], None).assert_ok();
    let file = scratch("harvest.csv", &harvest(IMPORT_ROWS));
    let file = file.display().to_string();
    let args = [
        "import",
        "time",
        "--format",
        "harvest",
        "--create-missing",
        file.as_str(),
    ];

    // A dry run does all of the import's work and writes nothing: how long it takes is
    // how long the import will, so the kill lands half way on any machine.
    let started = Instant::now();
    let dry = run(db, &[&args[..], &["--dry-run"]].concat(), None);
    dry.assert_ok();
    let whole = started.elapsed();
    assert!(dry.stdout.contains(&format!("{IMPORT_ROWS} new")), "{}", dry.stdout);
    assert_eq!(imported(db), (0, 0), "a dry run writes nothing");

    let mut import = spawn(db, &args);
    let started = Instant::now();
    std::thread::sleep(whole / 2);
    // Killed only once rows are being written, so what is undone is a half-written import.
    let deadline = started + whole * 2;
    while !writing(db) {
        if import.try_wait().expect("poll the import").is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the import never began writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        import.try_wait().expect("poll the import").is_none(),
        "the import finished before the kill ({:?} after its start; the dry run took {whole:?}): make the file larger",
        started.elapsed()
    );
    import.kill().expect("SIGKILL the import");
    let status = import.wait().expect("wait for the import");
    assert_eq!(status.code(), None, "killed by a signal");
    eprintln!("import killed {:?} into a dry run's {whole:?}", started.elapsed());

    after_a_crash(db);
    assert_eq!(
        imported(db),
        (0, 0),
        "no entry and no person of an import that never finished is visible"
    );

    let again = run(db, &args, None);
    again.assert_ok();
    assert!(again.stdout.contains(&format!("{IMPORT_ROWS} new")), "{}", again.stdout);
    assert_eq!(imported(db).0, IMPORT_ROWS as i64);
    verify_clean(db);
}

/// What every crash must leave: a database that passes its own integrity check (SQLite)
/// and `psops verify`.
fn after_a_crash(db: &TestDb) {
    if let Some(path) = db.url.strip_prefix("sqlite://") {
        let conn = rusqlite::Connection::open(path).expect("open the crashed SQLite file");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("PRAGMA integrity_check");
        assert_eq!(check, "ok", "SQLite integrity check after the crash");
    }
    verify_clean(db);
}

fn verify_clean(db: &TestDb) {
    let verified = run(db, &["verify"], None);
    verified.assert_ok();
    assert!(
        verified
            .stdout
            .contains("rollups match the time entries; the ledger adds up"),
        "{}",
        verified.stdout
    );
}

/// The time entries and people in the database.
fn imported(db: &TestDb) -> (i64, i64) {
    (
        count(db, "SELECT COUNT(*) FROM time_entries"),
        count(db, "SELECT COUNT(*) FROM people"),
    )
}

fn count(db: &TestDb, sql: &str) -> i64 {
    match db.url.strip_prefix("sqlite://") {
        Some(path) => {
            let conn = rusqlite::Connection::open(path).expect("open SQLite");
            conn.query_row(sql, [], |r| r.get(0)).expect(sql)
        }
        None => psql_value(db, sql).parse().unwrap_or_else(|e| panic!("{sql}: {e}")),
    }
}

fn psql_value(db: &TestDb, sql: &str) -> String {
    let out = Command::new("psql")
        .args([db.url.as_str(), "-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .expect("run psql");
    assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Whether another process holds the database's write lock (SQLite) or has inserted into
/// time_entries in a transaction still open (PostgreSQL).
fn writing(db: &TestDb) -> bool {
    match db.url.strip_prefix("sqlite://") {
        Some(path) => {
            let conn = rusqlite::Connection::open(path).expect("open SQLite");
            // No busy wait: a lock held elsewhere answers SQLITE_BUSY at once.
            conn.busy_timeout(Duration::ZERO).expect("busy timeout");
            match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;") {
                Ok(()) => false,
                Err(rusqlite::Error::SqliteFailure(e, _)) => e.code == rusqlite::ErrorCode::DatabaseBusy,
                Err(e) => panic!("BEGIN IMMEDIATE: {e}"),
            }
        }
        None => {
            let held = psql_value(
                db,
                "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 WHERE c.relname = 'time_entries' AND l.mode = 'RowExclusiveLock' \
                 AND l.pid <> pg_backend_pid() \
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            );
            held != "0"
        }
    }
}

fn spawn(db: &TestDb, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_psops"))
        .args(args)
        .env("PSOPS_DATABASE_URL", &db.url)
        .env("PSOPS_LOG", "warn")
        .env("USER", "ci-operator")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start psops import")
}

/// A Harvest detailed time report of `rows` distinct rows psops accepts: 200 people, two
/// entries each a weekday from 2026-01-05 on, over 10 clients of 3 projects.
fn harvest(rows: usize) -> String {
    let mut out = Vec::new();
    writeln!(
        out,
        "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,\
         First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,\
         Currency,External Reference URL"
    )
    .expect("write");
    let mut day = time::macros::date!(2026 - 01 - 05);
    let mut n = 0;
    while n < rows {
        if !matches!(day.weekday(), time::Weekday::Saturday | time::Weekday::Sunday) {
            for person in 0..200 {
                for slot in 0..2 {
                    if n == rows {
                        break;
                    }
                    let client = (person + slot) % 10;
                    let project = (person / 10 + slot) % 3;
                    let (hours, amount, cost) = if slot == 0 {
                        ("4.5", "810.00", "405.00")
                    } else {
                        ("3.25", "585.00", "292.50")
                    };
                    writeln!(
                        out,
                        "{day},Client {client:02},\"Client {client:02}, project {project}\",C{client:02}-P{project},\
                         Delivery,\"Crash import #{n}\",{hours},Yes,No,Yes,Ada,Crash-{person:03},Consultant,Yes,\
                         180,{amount},90,{cost},USD,"
                    )
                    .expect("write");
                    n += 1;
                }
            }
        }
        day = day.next_day().expect("a next day");
    }
    String::from_utf8(out).expect("UTF-8")
}
