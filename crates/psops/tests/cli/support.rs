//! Helpers for driving the real `psops` binary: scratch databases (a SQLite file, or a
//! PostgreSQL database made and dropped with `psql`), commands with stdin, a running
//! server, and HTTP requests to it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_psops");

/// A file holding `text` in a directory of its own: tests of both backends run side by
/// side in one process, so a name shared by two of them is written and removed under
/// the other's feet.
pub fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(unique("psops_cli_file"));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a scratch file");
    path
}

/// A name no other test (or test run) uses.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database for one test, removed when the test ends.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite file in its own directory.
    pub fn sqlite() -> Self {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(unique("psops_cli"));
        std::fs::create_dir_all(&dir).expect("create the test directory");
        let url = format!("sqlite://{}", dir.join("psops.db").display());
        TestDb {
            url,
            cleanup: Cleanup::Dir(dir),
        }
    }

    /// A fresh PostgreSQL database when `PSOPS_TEST_POSTGRES_URL` is set.
    pub fn postgres() -> Option<Self> {
        let admin_url = std::env::var("PSOPS_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = unique("psops_cli");
        psql(&admin_url, &format!("CREATE DATABASE {name}"));
        let url = with_database(&admin_url, &name);
        Some(TestDb {
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let _ = Command::new("psql")
                    .args([admin_url.as_str(), "-q", "-v", "ON_ERROR_STOP=1", "-c"])
                    .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .output();
            }
        }
    }
}

fn psql(url: &str, statement: &str) {
    let out = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", statement])
        .output()
        .expect("run psql (is the PostgreSQL client installed?)");
    assert!(
        out.status.success(),
        "psql {statement:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `url` pointing at database `name` instead, keeping user, host and query.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

/// The result of one finished command, as text.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

fn psops(db: &TestDb) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("PSOPS_DATABASE_URL", &db.url)
        .env("USER", "ci-operator")
        .env("PSOPS_LOG", "warn")
        .env_remove("PSOPS_BIND")
        .env_remove("PSOPS_LOG_FORMAT");
    cmd
}

/// Runs `psops ARGS` on `db`, feeding `stdin` (no stdin at all when `None`).
pub fn run(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = psops(db)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start psops");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // psops may refuse the command before reading stdin; a broken pipe is fine then.
        let _ = pipe.write_all(text.as_bytes());
    }
    child.wait_with_output().expect("wait for psops").into()
}

/// A running `psops serve`, killed if the test fails before stopping it.
pub struct Server {
    child: Child,
    pub addr: String,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<JoinHandle<()>>,
    /// The stdout lines after the listening line.
    stdout: Arc<Mutex<Vec<String>>>,
    stdout_reader: Option<JoinHandle<()>>,
}

/// What a stopped server left behind.
pub struct Stopped {
    pub code: Option<i32>,
    pub stderr: String,
    /// Every stdout line after the listening line.
    pub stdout: Vec<String>,
}

impl Server {
    /// Starts `psops serve --bind 127.0.0.1:0` with extra env vars and waits for the
    /// address it prints.
    pub fn start(db: &TestDb, env: &[(&str, &str)]) -> Server {
        Server::start_on(db, env, "127.0.0.1:0")
    }

    /// Starts `psops serve --bind BIND`: a node restarted on the port a load balancer
    /// already sends to.
    pub fn start_on(db: &TestDb, env: &[(&str, &str)], bind: &str) -> Server {
        let mut cmd = psops(db);
        cmd.args(["serve", "--bind", bind])
            .env("PSOPS_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start psops serve");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr pipe");
        let sink = Arc::clone(&stderr);
        // Drained all along, so a chatty server never blocks on a full pipe.
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });

        let out = child.stdout.take().expect("stdout pipe");
        let (tx, rx) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let later = Arc::clone(&stdout);
        let stdout_reader = std::thread::spawn(move || {
            let mut lines = BufReader::new(out).lines();
            let first = lines.next().and_then(Result::ok);
            let _ = tx.send(first);
            // Keep reading so later output never blocks the server.
            for line in lines.map_while(Result::ok) {
                if let Ok(mut v) = later.lock() {
                    v.push(line);
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            stderr,
            stderr_reader: Some(stderr_reader),
            stdout,
            stdout_reader: Some(stdout_reader),
        };
        let line = rx.recv_timeout(Duration::from_secs(60)).ok().flatten();
        let Some(line) = line else {
            panic!("psops serve printed no listening line; stderr:\n{}", server.stderr());
        };
        let addr = line
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        assert!(!addr.ends_with(":0"), "the real port is shown: {addr}");
        server.addr = addr.to_string();
        server
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        http_get(&self.addr, path, token)
    }

    /// A GET repeated until it answers `status`, failing if that takes a second or more:
    /// the server remembers who a token is for up to a second, so a change made by
    /// another process (the CLI, another node) shows within that bound.
    pub fn get_within_a_second(&self, path: &str, token: Option<&str>, status: u16) -> Response {
        let started = Instant::now();
        loop {
            let res = self.get(path, token);
            if res.status == status {
                return res;
            }
            assert!(
                started.elapsed() < Duration::from_millis(1200),
                "GET {path} still answered {} after {:?}, not {status}: {}",
                res.status,
                started.elapsed(),
                res.body
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The first stdout line starting with `prefix`, waiting up to 30 s for it.
    pub fn wait_for_stdout(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let found = self
                .stdout
                .lock()
                .ok()
                .and_then(|v| v.iter().find(|l| l.starts_with(prefix)).cloned());
            if let Some(line) = found {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no stdout line starting {prefix:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for the exit; returns the exit code and all of stderr.
    pub fn terminate(self) -> (Option<i32>, String) {
        let stopped = self.stop();
        (stopped.code, stopped.stderr)
    }

    /// Sends SIGTERM and waits for the exit and for all of its output.
    pub fn stop(mut self) -> Stopped {
        let pid = self.child.id().to_string();
        let kill = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(kill.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll psops serve") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "psops serve did not stop within 15 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        self.stopped(status)
    }

    /// SIGKILL, as a crash or the kernel's out-of-memory killer stops it: no shutdown
    /// code runs. Waits for the exit and for all of its output.
    pub fn kill(mut self) -> Stopped {
        self.child.kill().expect("SIGKILL psops serve");
        let status = self.child.wait().expect("wait for psops serve");
        self.stopped(status)
    }

    fn stopped(mut self, status: std::process::ExitStatus) -> Stopped {
        for reader in [self.stderr_reader.take(), self.stdout_reader.take()]
            .into_iter()
            .flatten()
        {
            let _ = reader.join();
        }
        let stdout = self.stdout.lock().map(|v| v.clone()).unwrap_or_default();
        Stopped {
            code: status.code(),
            stderr: self.stderr(),
            stdout,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub struct Response {
    pub status: u16,
    /// The status line and headers, one per line.
    pub head: String,
    pub body: String,
}

/// An HTTP client for the tests: plain HTTP to loopback, redirects not followed, and
/// every status an answer (the tests look at 4xx and 5xx themselves).
pub fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// The parts of an answer the tests look at.
pub fn response(mut res: ureq::http::Response<ureq::Body>) -> Response {
    let mut head = format!("{:?} {}", res.version(), res.status());
    for (name, value) in res.headers() {
        head.push_str(&format!("\r\n{name}: {}", value.to_str().unwrap_or_default()));
    }
    let body = res.body_mut().read_to_string().expect("read the response body");
    Response {
        status: res.status().as_u16(),
        head,
        body,
    }
}

/// One GET asking for JSON, with a bearer token when given.
pub fn http_get(addr: &str, path: &str, token: Option<&str>) -> Response {
    let mut req = http()
        .get(format!("http://{addr}{path}"))
        .header("Accept", "application/json");
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    response(req.call().unwrap_or_else(|e| panic!("GET {path}: {e}")))
}

/// One JSON request (POST, PATCH …) with a bearer token and any extra headers.
pub fn http_json(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
    extra: &[(&str, &str)],
) -> Response {
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json");
    for (name, value) in extra {
        req = req.header(*name, *value);
    }
    let req = req
        .body(body.to_string())
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    response(http().run(req).unwrap_or_else(|e| panic!("{method} {path}: {e}")))
}

#[test]
fn database_names_are_swapped_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/psops_ci", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}

/// Runs `work` on the test database's store (migrated already, by `psops migrate`) on a
/// one-thread runtime, and closes the store after: how a test seeds records the command
/// line does not make.
pub fn on_store<T>(db: &TestDb, work: impl AsyncFnOnce(&psops_store::Db) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let opts = psops_store::OpenOptions {
            migrate: false,
            max_connections: 1,
        };
        let store = psops_store::Db::open(&db.url, opts).await.expect("open");
        let out = work(&store).await;
        store.close().await;
        out
    })
}

pub fn new<T>(c: psops_core::store::Created<T>) -> T {
    match c {
        psops_core::store::Created::New(v) => v,
        psops_core::store::Created::Replayed(_) => panic!("replayed"),
    }
}

/// An engineer, full time from `start`, with no manager.
pub fn engineer(
    name: &str,
    email: &str,
    region: &str,
    time_zone: &str,
    start: time::Date,
) -> psops_core::people::PersonFields {
    psops_core::people::PersonFields {
        name: name.into(),
        email: email.into(),
        function: psops_core::people::Function::Engineer,
        region: region.into(),
        time_zone: time_zone.into(),
        fte: psops_core::people::Fte::FULL,
        employment_start: start,
        employment_end: None,
        manager_id: None,
        partner_id: None,
    }
}

/// The ground the report and staffing stories stand on: an account (in `region` when
/// given) with one active time-and-materials consulting project over `dates`, and
/// `people`. Returns the project and the people, in order.
pub async fn project_and_people(
    store: &psops_store::Db,
    account: &str,
    region: Option<&str>,
    project: &str,
    dates: (time::Date, time::Date),
    people: Vec<psops_core::people::PersonFields>,
) -> (psops_core::projects::Project, Vec<psops_core::people::Person>) {
    use psops_core::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
    use psops_core::store::prelude::*;
    let ctx = psops_core::store::WriteCtx::trusted();
    let account = psops_core::accounts::AccountFields {
        name: account.into(),
        code: None,
        region: region.map(Into::into),
        industry: None,
        currency: None,
    };
    let account: psops_core::accounts::Account = new(store.create(&ctx, account).await.expect("account"));
    let project = ProjectFields {
        name: project.into(),
        code: None,
        account_id: Some(account.id),
        project_type: ProjectType::Consulting,
        billing_type: BillingType::TimeAndMaterials,
        status: ProjectStatus::Active,
        phase: None,
        start_date: Some(dates.0),
        end_date: Some(dates.1),
        project_manager_id: None,
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    };
    let project = new(store.create(&ctx, project).await.expect("project"));
    let mut made = Vec::new();
    for person in people {
        made.push(new(store.create(&ctx, person).await.expect("person")));
    }
    (project, made)
}
