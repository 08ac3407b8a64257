//! A headless Chromium driven through a local chromedriver with `fantoccini`, behind the
//! few blocking calls the browser test needs to use psops the way a person does: open
//! pages, type, press keys, click, read text. On a failing test it saves a screenshot.
//!
//! Browser tests run when `PSOPS_TEST_BROWSER=1` (CI sets it) and chromedriver exists;
//! `CHROMIUM` and `CHROMEDRIVER` override the paths.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

pub use fantoccini::key::Key;

/// Select-all then delete: clears a field as a person would.
pub fn clear() -> String {
    format!("{}a{}{}", Key::Control, Key::Control, Key::Backspace)
}

pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    port: u16,
    name: String,
    profile: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the WebDriver client");
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
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": all},
            // The console, so tests can see what the Content-Security-Policy refused.
            "goog:loggingPrefs": {"browser": "ALL"}
        });
        let Value::Object(caps) = caps else {
            unreachable!("capabilities are an object")
        };
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen; a refused connection means "not yet".
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);
        let client = loop {
            match runtime.block_on(builder.connect(&url)) {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("chromedriver did not come up: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        Some(Browser {
            runtime,
            client: Some(client),
            driver,
            port,
            name: name.to_string(),
            profile,
        })
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// Runs one WebDriver command to its end.
    fn run<T, E: std::fmt::Display>(&self, what: &str, command: impl Future<Output = Result<T, E>>) -> T {
        self.runtime.block_on(command).unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.run("goto", self.client().goto(url));
    }

    /// Makes the window this wide and tall (a phone is 390 px wide).
    pub fn resize(&self, width: u32, height: u32) {
        self.run("window size", self.client().set_window_size(width, height));
    }

    pub fn url(&self) -> String {
        self.run("current url", self.client().current_url()).to_string()
    }

    /// The first element matching a CSS selector, waiting up to five seconds for it.
    fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.runtime.block_on(self.client().find(Locator::Css(css))) {
                Ok(el) => return el,
                Err(e) if Instant::now() > deadline => panic!("no element {css}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    pub fn exists(&self, css: &str) -> bool {
        !self
            .run("find all", self.client().find_all(Locator::Css(css)))
            .is_empty()
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.run("click", el.click());
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.run("send keys", el.send_keys(text));
    }

    /// Types into whatever has the focus, as a person at the keyboard does: each character
    /// (or [`Key`]) pressed and released in turn.
    pub fn keys(&self, text: &str) {
        let actions = text.chars().fold(KeyActions::new("keyboard".into()), |a, c| {
            a.then(KeyAction::Down { value: c }).then(KeyAction::Up { value: c })
        });
        self.run("key actions", self.client().perform_actions(actions));
    }

    pub fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.run("text", el.text())
    }

    pub fn value(&self, css: &str) -> String {
        let el = self.find(css);
        self.run("value", el.prop("value")).unwrap_or_default()
    }

    pub fn page_source(&self) -> String {
        self.run("page source", self.client().source())
    }

    /// What the browser refused under the Content-Security-Policy since the last call:
    /// the console messages that name it.
    pub fn csp_violations(&self) -> Vec<String> {
        // fantoccini has no call for Chromium's log endpoint, so it is asked directly.
        let session = self.run("session id", self.client().session_id()).unwrap_or_default();
        let url = format!("http://127.0.0.1:{}/session/{session}/se/log", self.port);
        let res = crate::support::http()
            .post(&url)
            .content_type("application/json")
            .send(json!({"type": "browser"}).to_string())
            .unwrap_or_else(|e| panic!("the browser's log: {e}"));
        let body = crate::support::response(res).body;
        let log: Value = serde_json::from_str::<Value>(&body)
            .unwrap_or_else(|e| panic!("the browser's log is not JSON ({e}): {body}"))["value"]
            .clone();
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
        self.run("execute", self.client().execute(script, Vec::new()))
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
        self.try_screenshot(label).expect("a screenshot")
    }

    fn try_screenshot(&self, label: &str) -> Option<PathBuf> {
        let png = self.runtime.block_on(self.client.as_ref()?.screenshot()).ok()?;
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).ok()?;
        Some(path)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            match self.try_screenshot("failure") {
                Some(path) => eprintln!("browser test failed; screenshot at {}", path.display()),
                None => eprintln!("browser test failed; the browser took no screenshot"),
            }
        }
        if let Some(client) = self.client.take() {
            let _ = self.runtime.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
