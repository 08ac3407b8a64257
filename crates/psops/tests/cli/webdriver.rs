//! A small W3C WebDriver client over plain HTTP/1.1 to a local chromedriver driving
//! Debian's headless Chromium — enough to use psops the way a person does: open pages,
//! type, press keys, click, read text. On a failing test it saves a screenshot.
//!
//! Browser tests run when `PSOPS_TEST_BROWSER=1` (CI sets it) and chromedriver exists;
//! `CHROMIUM` and `CHROMEDRIVER` override the paths.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Keys for `send_keys`, from the WebDriver specification.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const LEFT: &str = "\u{E012}";
    pub const UP: &str = "\u{E013}";
    pub const RIGHT: &str = "\u{E014}";
    pub const DOWN: &str = "\u{E015}";
    pub const BACKSPACE: &str = "\u{E003}";
    /// Select-all then delete: clears a field as a person would.
    pub const CLEAR: &str = "\u{E009}a\u{E009}\u{E003}";
}

pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    name: String,
    profile: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let raw = read_response(&mut stream)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no HTTP body")?;
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    if v["value"]["error"].is_string() {
        return Err(format!("{}: {}", v["value"]["error"], v["value"]["message"]));
    }
    Ok(v["value"].clone())
}

/// Reads one response. chromedriver answers `Connection: close` but keeps the socket
/// open, so a body with `Content-Length` is read to that length, not to end of stream.
fn read_response(stream: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse::<usize>().ok());
            if length.is_some_and(|n| raw.len() >= end + 4 + n) {
                return Ok(raw);
            }
        }
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

impl Browser {
    /// Starts chromedriver and a headless Chromium, or `None` when browser tests are off.
    pub fn start(name: &str) -> Option<Browser> {
        if std::env::var("PSOPS_TEST_BROWSER").ok().as_deref() != Some("1") {
            eprintln!("skipped: set PSOPS_TEST_BROWSER=1 to run the browser tests");
            return None;
        }
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("PSOPS_TEST_BROWSER=1 but {chromedriver} does not start: {e}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("psops-chromium-{}-{port}", std::process::id()));
        // The flags keep Chromium off the network this machine does not have.
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ];
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": all},
            // The console, so tests can see what the Content-Security-Policy refused.
            "goog:loggingPrefs": {"browser": "ALL"}
        }}});
        let session = http(port, "POST", "/session", Some(&caps)).unwrap_or_else(|e| panic!("new session: {e}"));
        let session = session["sessionId"].as_str().unwrap_or_default().to_string();
        Some(Browser {
            driver,
            port,
            session,
            name: name.to_string(),
            profile,
        })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        http(self.port, method, &path, body.as_ref()).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    /// The first element matching a CSS selector, waiting up to five seconds for it.
    pub fn find(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let path = format!("/session/{}/element", self.session);
            match http(
                self.port,
                "POST",
                &path,
                Some(&json!({"using": "css selector", "value": css})),
            ) {
                Ok(v) => return v[ELEMENT].as_str().unwrap_or_default().to_string(),
                Err(e) if Instant::now() > deadline => panic!("no element {css}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub fn exists(&self, css: &str) -> bool {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array().is_some_and(|a| !a.is_empty())
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/value"), Some(json!({"text": text})));
    }

    /// Types into whatever has the focus, as a person at the keyboard does.
    pub fn keys(&self, text: &str) {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.cmd("POST", "/actions", Some(body));
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn value(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/property/value"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn page_source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// What the browser refused under the Content-Security-Policy since the last call:
    /// the console messages that name it.
    pub fn csp_violations(&self) -> Vec<String> {
        let log = self.cmd("POST", "/se/log", Some(json!({"type": "browser"})));
        log.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str())
            .filter(|m| m.contains("Content Security Policy"))
            .map(str::to_string)
            .collect()
    }

    /// Runs a script in the page and returns its result.
    pub fn eval(&self, script: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Waits until `cond` holds, up to five seconds.
    pub fn wait_until(&self, what: &str, cond: impl Fn(&Browser) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !cond(self) {
            assert!(Instant::now() < deadline, "waited in vain for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the page under target/browser-screenshots/.
    pub fn screenshot(&self, label: &str) -> PathBuf {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = decode_base64(b64.as_str().unwrap_or_default());
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).ok();
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let path = self.screenshot("failure");
            eprintln!("browser test failed; screenshot at {}", path.display());
        }
        let path = format!("/session/{}", self.session);
        let _ = http(self.port, "DELETE", &path, None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(decode_base64("aGVsbG8="), b"hello");
    assert_eq!(decode_base64("cHNvcHM="), b"psops");
}
