//! `psops backup` of a demo organisation while `psops serve` runs on it and another
//! command goes on writing, `psops restore` into a fresh database of the same backend
//! and of the other one, and afterwards byte-identical reports and a clean `psops
//! verify`; and the refusals a person meets: a missing file, a file that is not a
//! backup, and a database that already holds records.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::support::{Server, TestDb, run, scratch};

const YEAR: [&str; 7] = [
    "report",
    "utilization",
    "--from",
    "2026-01-01",
    "--to",
    "2026-12-31",
    "--format",
];

fn utilization(db: &TestDb) -> String {
    let mut args = YEAR.to_vec();
    args.push("json");
    let out = run(db, &args, None);
    out.assert_ok();
    out.stdout
}

/// `psops user create` on the database at `url`, from another thread than the test's.
fn create_user(url: &str, email: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_psops"))
        .args(["user", "create", "--email", email, "--name", "Writer", "--role", "ops"])
        .env("PSOPS_DATABASE_URL", url)
        .env("PSOPS_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start psops");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a long enough passphrase\n");
    let out = child.wait_with_output().expect("psops user create");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn backup_story(source: &TestDb, targets: Vec<TestDb>) {
    run(source, &["demo", "--people", "20", "--seed", "3"], None).assert_ok();
    let before = utilization(source);
    let server = Server::start(source, &[]);
    assert_eq!(server.get("/healthz", None).status, 200);

    // Users made one after another while the backup reads: each is a write of its own.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, stop) = (source.url.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut made = 0;
            while !stop.load(Ordering::Relaxed) && made < 50 {
                create_user(&url, &format!("writer{made}@example.com"));
                made += 1;
            }
            made
        })
    };
    let file = scratch("psops.backup", "").with_file_name("org.backup");
    let file = file.to_str().unwrap();
    let taken = run(source, &["backup", file], None);
    stop.store(true, Ordering::Relaxed);
    let made = writer.join().expect("the writer");
    taken.assert_ok();
    assert!(taken.stdout.starts_with("backed up "), "{}", taken.stdout);
    assert!(
        taken.stdout.contains(" tables to ") && taken.stdout.contains("sha256 "),
        "{}",
        taken.stdout
    );
    assert!(
        !taken.stderr.contains('\r'),
        "no progress bar outside a terminal: {:?}",
        taken.stderr
    );
    assert!(!std::path::Path::new(&format!("{file}.partial")).exists());
    // Its owner's only: a backup holds hashes, sessions and webhook secrets.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).expect("backup file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    assert!(made > 0, "writes went on");
    // The server is still up and answers.
    assert_eq!(server.get("/healthz", None).status, 200);
    let stopped = server.stop();
    assert_eq!(stopped.code, Some(0), "{}", stopped.stderr);

    for target in &targets {
        let restored = run(target, &["restore", file], None);
        restored.assert_ok();
        assert!(restored.stdout.starts_with("restored "), "{}", restored.stdout);
        let verified = run(target, &["verify"], None);
        verified.assert_ok();
        assert!(verified.stdout.contains("rollups match"), "{}", verified.stdout);
        assert_eq!(
            utilization(target),
            before,
            "the utilization report after a restore into {}",
            target.url
        );
        // Sign-ins made before the backup work on the restored database.
        let listed = run(target, &["user", "list", "--format", "json"], None);
        listed.assert_ok();
        assert!(listed.stdout.contains("@"), "{}", listed.stdout);

        // A second restore into the same database is refused, naming what it holds.
        let again = run(target, &["restore", file], None);
        assert_eq!(again.code, Some(1), "{}", again.stderr);
        assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    }
}

fn refusals(db: &TestDb) {
    let missing = run(db, &["restore", "/nonexistent/psops.backup"], None);
    assert_eq!(missing.code, Some(1));
    assert!(
        missing.stderr.contains("cannot open /nonexistent/psops.backup"),
        "{}",
        missing.stderr
    );
    let csv = scratch("people.csv", "name,email\nAda,ada@example.com\n");
    let foreign = run(db, &["restore", csv.to_str().unwrap()], None);
    assert_eq!(foreign.code, Some(1));
    assert!(foreign.stderr.contains("not a psops backup"), "{}", foreign.stderr);
    let nothing = run(db, &["backup", "/nonexistent/dir/out.backup"], None);
    assert_eq!(nothing.code, Some(1), "{}", nothing.stderr);
}

#[test]
fn backup_while_serving_and_restore_on_sqlite() {
    let source = TestDb::sqlite();
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres());
    backup_story(&source, targets);
    refusals(&TestDb::sqlite());
}

#[test]
fn backup_while_serving_and_restore_on_postgres() {
    let Some(source) = TestDb::postgres() else {
        eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL");
        return;
    };
    let targets = vec![TestDb::postgres().expect("a second database"), TestDb::sqlite()];
    backup_story(&source, targets);
}
