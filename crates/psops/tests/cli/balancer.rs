//! Two `psops serve` nodes on one PostgreSQL database behind nginx, configured with the
//! very file `docs/deploy/nginx.conf` documents: a browser session started on one node
//! works on the other, a write through one is in the next read through the other, a
//! token revoked on one stops on the other within a second, webhook deliveries and
//! scheduled jobs run once for the pair, and a rolling restart under steady reads and
//! writes through nginx fails no request. Skipped without PostgreSQL or nginx.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Response, Server, TestDb, http, http_get, http_json, response, run};
use crate::webhooks::Receiver;
use crate::{PASSWORD, create_token};

const NGINX: &str = "/usr/sbin/nginx";
const CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/deploy/nginx.conf");

/// A port nobody listens on now (the kernel's pick, released at once).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("address").port()
}

/// The documented config with its upstream servers swapped for `nodes` and its `listen`
/// for `port`; every other line is kept, so the test runs what the document says.
fn site_config(documented: &str, nodes: &[String], port: u16) -> String {
    let mut out = Vec::new();
    let (mut servers, mut listens, mut in_upstream) = (0, 0, false);
    for line in documented.lines() {
        let t = line.trim_start();
        if t.starts_with("upstream ") {
            in_upstream = true;
        } else if line.starts_with('}') {
            in_upstream = false;
        }
        if let Some(rest) = t.strip_prefix("server ").filter(|_| in_upstream) {
            // `server ADDR PARAMS;` inside the upstream: each node with the same PARAMS.
            servers += 1;
            if servers == 1 {
                let params = rest.split_once(' ').map_or(";", |(_, p)| p);
                for node in nodes {
                    out.push(format!("    server {node} {params}"));
                }
            }
        } else if t.starts_with("listen ") {
            listens += 1;
            out.push(format!("    listen 127.0.0.1:{port};"));
        } else {
            out.push(line.to_string());
        }
    }
    assert!(
        servers >= 1 && listens == 1,
        "{CONFIG}: one upstream and one listen line expected"
    );
    out.join("\n")
}

/// nginx in the foreground with a config of its own in a scratch directory; stopped
/// when dropped.
struct Nginx {
    child: Child,
    addr: String,
    dir: PathBuf,
}

impl Nginx {
    fn start(nodes: &[String]) -> Nginx {
        let scratch = crate::support::scratch("nginx.conf", "");
        let dir = scratch.parent().expect("a scratch directory").to_path_buf();
        let port = free_port();
        let documented = std::fs::read_to_string(CONFIG).expect("read docs/deploy/nginx.conf");
        std::fs::write(dir.join("psops.conf"), site_config(&documented, nodes, port)).expect("write the site");
        let d = dir.display();
        // `user` matters only when run as root (as CI is): the workers then keep root's
        // rights to the scratch directory; otherwise nginx ignores it.
        let main = format!(
            "user root;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 512; }}\nhttp {{\n\
             log_format nodes '$status $request_method $uri $upstream_addr $upstream_status';\n\
             access_log {d}/access.log nodes;\n\
             client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
             include {d}/psops.conf;\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), main).expect("write nginx.conf");
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Nginx {
            child,
            addr: format!("127.0.0.1:{port}"),
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(&nginx.addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx did not listen: {}",
                nginx.log("error.log")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM to the master stops its workers too; a SIGKILL would leave them running.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A browser's side of a request: cookies in, form fields in, cookies out.
fn browse(addr: &str, method: &str, path: &str, cookies: &str, form: &[(&str, &str)]) -> Response {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", encoded(k), encoded(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header("Sec-Fetch-Site", "same-origin");
    if !cookies.is_empty() {
        req = req.header("Cookie", cookies);
    }
    if method == "POST" {
        req = req.header("Content-Type", "application/x-www-form-urlencoded");
    }
    let req = req.body(body).expect("request");
    response(
        http()
            .run(req)
            .unwrap_or_else(|e| panic!("{method} {path} via {addr}: {e}")),
    )
}

/// A form value as `application/x-www-form-urlencoded` wants it.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn set_cookie(res: &Response, name: &str) -> String {
    res.head
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|v| v.split(';').next())
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {name} cookie in {}", res.head))
}

fn hidden_csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field in {html}"))
        .to_string()
}

/// Signs in with the password: the form shown by `shown_by`, sent to `sent_to`.
fn sign_in(shown_by: &str, sent_to: &str) -> String {
    let page = browse(shown_by, "GET", "/sign-in", "", &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    let pre = format!("psops_form={}", set_cookie(&page, "psops_form"));
    let csrf = hidden_csrf(&page.body);
    let form = [
        ("csrf", csrf.as_str()),
        ("email", "ops@example.com"),
        ("password", PASSWORD),
    ];
    let signed = browse(sent_to, "POST", "/sign-in", &pre, &form);
    assert_eq!(
        signed.status, 303,
        "shown by {shown_by}, sent to {sent_to}: {}",
        signed.body
    );
    format!("psops_session={}", set_cookie(&signed, "psops_session"))
}

/// Creates an API token with the tokens form: the form from `shown_by`, posted to
/// `sent_to`; returns the secret the answer shows once.
fn token_by_form(session: &str, shown_by: &str, sent_to: &str, name: &str) -> String {
    let page = browse(shown_by, "GET", "/tokens", session, &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = hidden_csrf(&page.body);
    let made = browse(sent_to, "POST", "/tokens", session, &[("csrf", &csrf), ("name", name)]);
    assert_eq!(made.status, 201, "{}", made.body);
    made.body
        .split("id=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no secret on {}", made.body))
        .to_string()
}

/// A GET repeated until it answers `status`, failing after 1.2 s (the token cache's
/// bound is one second).
fn within_a_second(addr: &str, path: &str, token: &str, status: u16) {
    let started = Instant::now();
    loop {
        let res = http_get(addr, path, Some(token));
        if res.status == status {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_millis(1200),
            "GET {path} on {addr} still {} after {:?}",
            res.status,
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn json_of(res: &Response) -> Value {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", res.body))
}

fn worked(addr: &str, token: &str) -> i64 {
    let res = http_get(
        addr,
        "/api/v1/reports/utilization?quarter=FY2026-Q1&group_by=person",
        Some(token),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    json_of(&res)["total"]["worked_minutes"]
        .as_i64()
        .expect("worked_minutes")
}

/// Runs of each scheduled job this node claimed, from its `/metrics`.
fn job_runs(addr: &str) -> BTreeMap<String, u64> {
    let res = http_get(addr, "/metrics", None);
    assert_eq!(res.status, 200, "{}", res.body);
    res.body
        .lines()
        .filter_map(|l| l.strip_prefix("psops_job_runs_total{job=\""))
        .filter_map(|rest| rest.split_once("\"} "))
        .map(|(job, n)| (job.to_string(), n.trim().parse().unwrap_or(0)))
        .collect()
}

fn summed(maps: &[BTreeMap<String, u64>]) -> BTreeMap<String, u64> {
    let mut all = BTreeMap::new();
    for m in maps {
        for (job, n) in m {
            *all.entry(job.clone()).or_insert(0) += n;
        }
    }
    all
}

/// Steady reads and writes through nginx from a few threads until `stop`; every
/// answer's status (0 for a request that got no answer at all) with what was asked.
fn load(addr: &str, token: &str, stop: &Arc<AtomicBool>) -> Vec<JoinHandle<Vec<(String, u16)>>> {
    (0..3)
        .map(|worker| {
            let (addr, token, stop) = (addr.to_string(), token.to_string(), stop.clone());
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let (what, status) = if worker == 0 {
                        let body = json!({"name": format!("Load {n}")});
                        let sent = http()
                            .post(format!("http://{addr}/api/v1/accounts"))
                            .header("Authorization", format!("Bearer {token}"))
                            .header("Content-Type", "application/json")
                            .send(body.to_string());
                        ("POST /api/v1/accounts", sent.map(|r| r.status().as_u16()))
                    } else {
                        let path = if worker == 1 {
                            "/api/v1/reports/utilization?quarter=FY2026-Q1&group_by=person"
                        } else {
                            "/api/v1/accounts"
                        };
                        let got = http()
                            .get(format!("http://{addr}{path}"))
                            .header("Authorization", format!("Bearer {token}"))
                            .call();
                        ("GET", got.map(|r| r.status().as_u16()))
                    };
                    seen.push((what.to_string(), status.unwrap_or(0)));
                    std::thread::sleep(Duration::from_millis(20));
                }
                seen
            })
        })
        .collect()
}

#[test]
fn two_nodes_behind_nginx() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run the nodes behind nginx");
        return;
    };
    if !std::path::Path::new(NGINX).exists() {
        eprintln!("skipped: {NGINX} is missing (apt-get install nginx) for the nodes behind nginx");
        return;
    }
    let person = crate::reports::seed(&db);
    crate::users::create_user(&db, "ops@example.com", &["admin"]);
    let token = create_token(&db, "ops@example.com", "balancer");

    // Three webhook pings queued before the nodes start: both look for due deliveries
    // at once when they start, and every five seconds after.
    let receiver = Receiver::start(&[200]);
    let hook = format!("http://127.0.0.1:{}/hook", receiver.port);
    run(
        &db,
        &["webhooks", "add", "--url", &hook, "--event", "invoice_issued"],
        None,
    )
    .assert_ok();
    for _ in 0..3 {
        run(&db, &["webhooks", "ping", "1"], None).assert_ok();
    }

    let binds = [
        format!("127.0.0.1:{}", free_port()),
        format!("127.0.0.1:{}", free_port()),
    ];
    let a = Server::start_on(&db, &[], &binds[0]);
    let b = Server::start_on(&db, &[], &binds[1]);
    let nginx = Nginx::start(&binds);
    let lb = nginx.addr.clone();

    // Scheduled jobs: each node tries every job as it starts; one of the two runs each.
    let deadline = Instant::now() + Duration::from_secs(15);
    let first_runs = loop {
        let runs = summed(&[job_runs(&a.addr), job_runs(&b.addr)]);
        if runs.len() >= 6 || Instant::now() > deadline {
            break runs;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(first_runs.len() >= 6, "every job ran: {first_runs:?}");
    assert!(
        first_runs.values().all(|n| *n == 1),
        "each job ran once, not once a node: {first_runs:?}"
    );

    // A browser session: the sign-in form from one node posted to the other, then a form
    // of the signed-in session likewise, directly and through nginx.
    let session = sign_in(&a.addr, &b.addr);
    let _through_nginx = sign_in(&lb, &lb);
    let web_token = token_by_form(&session, &b.addr, &a.addr, "from the web");
    let other = token_by_form(&session, &lb, &lb, "through nginx");
    for addr in [&a.addr, &b.addr, &lb, &lb] {
        assert_eq!(http_get(addr, "/api/v1/people", Some(&web_token)).status, 200, "{addr}");
        assert_eq!(http_get(addr, "/api/v1/people", Some(&other)).status, 200, "{addr}");
    }

    // Revoked with the form on A; B, which used it a moment ago, refuses it within a second.
    let listed = run(&db, &["token", "list", "--email", "ops@example.com", "--json"], None);
    let listed: Value = serde_json::from_str(&listed.stdout).expect("token list JSON");
    let id = listed
        .as_array()
        .and_then(|l| l.iter().find(|t| t["name"] == "from the web"))
        .map(|t| t["id"].to_string())
        .expect("the web token is listed");
    let page = browse(&a.addr, "GET", "/tokens", &session, &[]);
    let revoked = browse(
        &a.addr,
        "POST",
        &format!("/tokens/{id}/revoke"),
        &session,
        &[("csrf", &hidden_csrf(&page.body))],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.body);
    within_a_second(&b.addr, "/api/v1/people", &web_token, 401);
    within_a_second(&lb, "/api/v1/people", &web_token, 401);

    // Reports: a time entry written through nginx is in both nodes' next report.
    let before = worked(&lb, &token);
    let (_, _) = (worked(&a.addr, &token), worked(&b.addr, &token));
    let projects = json_of(&http_get(&lb, "/api/v1/projects", Some(&token)));
    let entry = json!({"person_id": person, "project_id": projects["items"][0]["id"],
                       "date": "2026-01-07", "minutes": 60, "billable": true});
    let created = http_json(&lb, "POST", "/api/v1/time-entries", &token, &entry, &[]);
    assert_eq!(created.status, 201, "{}", created.body);
    for addr in [&a.addr, &b.addr] {
        assert_eq!(worked(addr, &token), before + 60, "the next report on {addr}");
    }
    // A record read: a person renamed on B is renamed in A's next read.
    let path = format!("/api/v1/people/{person}");
    assert_eq!(json_of(&http_get(&a.addr, &path, Some(&token)))["name"], "Ada Lovelace");
    let renamed = http_json(
        &b.addr,
        "PATCH",
        &path,
        &token,
        &json!({"name": "Ada King"}),
        &[("If-Match", "*")],
    );
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(json_of(&http_get(&a.addr, &path, Some(&token)))["name"], "Ada King");

    // A rolling restart under load: A stops and starts again on its port, then B.
    let stop = Arc::new(AtomicBool::new(false));
    let workers = load(&lb, &token, &stop);
    // A second between restarts, so both nodes serve in between.
    let settle = || std::thread::sleep(Duration::from_millis(1000));
    let mut nodes = [Some(a), Some(b)];
    std::thread::sleep(Duration::from_millis(500));
    for (slot, bind) in nodes.iter_mut().zip(&binds) {
        let (code, stderr) = slot.take().expect("a running node").terminate();
        assert_eq!(code, Some(0), "SIGTERM under load is a clean stop: {stderr}");
        *slot = Some(Server::start_on(&db, &[], bind));
        settle();
    }
    stop.store(true, Ordering::Relaxed);
    let answers: Vec<(String, u16)> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("a load thread"))
        .collect();
    let failed: Vec<&(String, u16)> = answers.iter().filter(|(_, s)| !(200..300).contains(s)).collect();
    assert!(answers.len() > 60, "steady load: {} requests", answers.len());
    assert!(
        failed.is_empty(),
        "{} of {} failed: {failed:?}\n{}",
        failed.len(),
        answers.len(),
        nginx.log("error.log")
    );
    let writes = answers.iter().filter(|(w, _)| w.starts_with("POST")).count();
    let accounts = json_of(&http_get(&lb, "/api/v1/accounts?limit=500", Some(&token)));
    let loaded = accounts["items"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| a["name"].as_str().is_some_and(|n| n.starts_with("Load ")))
        .count();
    assert_eq!(loaded, writes, "each write ran exactly once");
    let log = nginx.log("access.log");
    for bind in &binds {
        assert!(log.contains(bind.as_str()), "nginx sent requests to {bind}");
    }

    // The restarted nodes claimed no job: each one's period has not come round again.
    let [Some(a), Some(b)] = nodes else {
        unreachable!("both nodes were restarted")
    };
    let again = summed(&[job_runs(&a.addr), job_runs(&b.addr)]);
    assert!(again.values().all(|n| *n == 0), "no job ran again: {again:?}");

    // Webhooks: the three pings reach the receiver once each, whichever node sent them.
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver.received().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    let got = receiver.received();
    let mut ids: Vec<&str> = got.iter().map(|r| r.header("Psops-Event-Id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (3, 3), "three deliveries, once each: {ids:?}");

    for server in [a, b] {
        let (code, stderr) = server.terminate();
        assert_eq!(code, Some(0), "{stderr}");
    }
    drop(nginx);
}
