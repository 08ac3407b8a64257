//! `TestApp`: the real router over a fresh database (SQLite always, PostgreSQL when
//! `PSOPS_TEST_POSTGRES_URL` is set), driven in-process with `oneshot`.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use psops_core::auth::{NewApiToken, NewUser, Role, TokenScope};
use psops_core::credentials;
use psops_core::store::Store;
use psops_store::testing::TestDatabase;
use psops_web::{AppState, app};
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
    /// The store behind the app, for building fixtures directly.
    pub store: Arc<dyn Store>,
    /// A read_write token.
    pub token: String,
    /// A read-only token of the same user.
    pub read_token: String,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn etag(&self) -> String {
        self.header("etag").unwrap_or_default().to_string()
    }

    pub fn id(&self) -> i64 {
        self.body["id"].as_i64().unwrap_or(-1)
    }

    /// Asserts a status, for readable failures.
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        self
    }

    /// Asserts a problem+json response of this status whose errors name `field`/`rule`.
    pub fn problem(self, status: u16, field: &str, rule: &str) -> Resp {
        let r = self.expect(status);
        assert_eq!(r.header("content-type"), Some("application/problem+json"), "{}", r.text);
        assert_eq!(r.body["status"], status, "{}", r.text);
        assert!(
            r.body["type"].as_str().unwrap_or("").starts_with("urn:psops:problem:"),
            "{}",
            r.text
        );
        assert!(r.body["request_id"].is_string(), "{}", r.text);
        if !field.is_empty() {
            let errors = r.body["errors"].as_array().cloned().unwrap_or_default();
            assert!(
                errors.iter().any(|e| e["field"] == field && e["rule"] == rule),
                "expected {field}/{rule} in {}",
                r.text
            );
        }
        r
    }
}

impl TestApp {
    /// An app over a store that has users already, or needs none.
    pub async fn with_store(store: Arc<dyn Store>) -> TestApp {
        let router = app(AppState::new(store.clone()));
        TestApp {
            router,
            store,
            token: String::new(),
            read_token: String::new(),
        }
    }

    async fn new(store: Arc<dyn Store>) -> TestApp {
        let user = store
            .create_user(
                &psops_core::store::WriteCtx::trusted(),
                NewUser {
                    email: "admin@example.com".into(),
                    name: "Admin".into(),
                    roles: vec![Role::Admin],
                    person_id: None,
                    password_hash: None,
                },
            )
            .await
            .expect("create user");
        let mut tokens = Vec::new();
        for scope in [TokenScope::ReadWrite, TokenScope::Read] {
            let (secret, token_hash) = credentials::new_api_token().expect("token");
            store
                .create_api_token(
                    &psops_core::store::WriteCtx::trusted(),
                    NewApiToken {
                        user_id: user.id,
                        name: format!("test {scope:?}"),
                        scope,
                        token_hash,
                        expires_at: None,
                    },
                )
                .await
                .expect("create token");
            tokens.push(secret);
        }
        let read_token = tokens.pop().unwrap_or_default();
        let token = tokens.pop().unwrap_or_default();
        let router = app(AppState::new(store.clone()));
        TestApp {
            router,
            store,
            token,
            read_token,
        }
    }

    /// Sends a request as it is, without adding a token.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        read(self.router.clone().oneshot(req).await.expect("infallible")).await
    }

    /// Sends on a thread of its own and gives up after `limit`: a request that never ends
    /// (work that never yields) fails the test instead of hanging it. `None` when late.
    pub async fn send_within(&self, req: Request<Body>, limit: std::time::Duration) -> Option<Resp> {
        let router = self.router.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The request runs on another thread but on this test's runtime, so the database
        // connections it opens stay usable; only that thread is stuck if it never ends.
        let handle = tokio::runtime::Handle::current();
        std::thread::spawn(move || {
            let resp = handle.block_on(async move { read(router.oneshot(req).await.expect("infallible")).await });
            let _ = tx.send(resp);
        });
        tokio::time::timeout(limit, rx).await.ok()?.ok()
    }

    /// GETs with a token, failing the test unless the answer comes within a second.
    pub async fn get_within_a_second(&self, token: &str, path: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let started = std::time::Instant::now();
        let resp = self.send_within(req, std::time::Duration::from_secs(1)).await;
        resp.unwrap_or_else(|| panic!("GET {path} did not answer within a second ({:?})", started.elapsed()))
    }

    /// Sends with the read_write token, a JSON body if given, and extra headers.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>, headers: &[(&str, &str)]) -> Resp {
        self.call_as(&self.token, method, path, body, headers).await
    }

    /// Sends with the given bearer token.
    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.call(Method::POST, path, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, body: &Value, if_match: &str) -> Resp {
        self.call(Method::PATCH, path, Some(body), &[("if-match", if_match)])
            .await
    }

    /// POSTs and asserts 201, returning the new object.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        self.post(path, &body).await.expect(201).body
    }

    /// Every item of a list, following `next_cursor` with pages of `limit`; returns the
    /// items and the number of pages read.
    pub async fn list_all(&self, path: &str, limit: u32) -> (Vec<Value>, usize) {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
                None => format!("{path}{sep}limit={limit}"),
            };
            let page = self.get(&url).await.expect(200).body;
            pages += 1;
            let batch = page["items"].as_array().cloned().unwrap_or_default();
            assert!(batch.len() <= limit as usize);
            items.extend(batch);
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return (items, pages),
            }
            assert!(pages < 1000, "paging does not end");
        }
    }

    /// A partner, an account, a person employed from 2025 and an active 2026 project.
    pub async fn seed(&self) -> Seed {
        let partner = self
            .create(
                "/api/v1/partners",
                serde_json::json!({"name": "Initech Services", "partner_type": "direct"}),
            )
            .await;
        let account = self
            .create("/api/v1/accounts", serde_json::json!({"name": "Globex", "code": "GLX"}))
            .await;
        let person = self
            .create(
                "/api/v1/people",
                serde_json::json!({
                    "name": "Ada Lovelace", "email": "ada@example.com", "function": "engineer",
                    "region": "EMEA", "employment_start": "2025-01-01",
                    "employment_end": "2026-12-31"
                }),
            )
            .await;
        let project = self
            .create(
                "/api/v1/projects",
                serde_json::json!({
                    "name": "GitLab migration", "account_id": account["id"],
                    "project_type": "consulting", "billing_type": "time_and_materials",
                    "status": "active", "start_date": "2026-01-01", "end_date": "2026-06-30"
                }),
            )
            .await;
        // Time goes only on projects a person is assigned to.
        self.create(
            "/api/v1/assignments",
            serde_json::json!({
                "person_id": person["id"], "project_id": project["id"], "role": "engineer",
                "start_date": "2026-01-01", "end_date": "2026-06-30", "minutes_per_week": 1200
            }),
        )
        .await;
        Seed {
            partner: partner["id"].as_i64().unwrap_or(-1),
            account: account["id"].as_i64().unwrap_or(-1),
            person: person["id"].as_i64().unwrap_or(-1),
            project: project["id"].as_i64().unwrap_or(-1),
        }
    }
}

pub struct Seed {
    pub partner: i64,
    pub account: i64,
    pub person: i64,
    pub project: i64,
}

async fn run<F, Fut>(db: TestDatabase, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let store: Arc<dyn Store> = Arc::new(db.open().await);
    let app = TestApp::new(store).await;
    // Run on its own task so a failing test still drops its database.
    let outcome = tokio::spawn(test(app)).await;
    db.destroy().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run(TestDatabase::sqlite(), test).await;
}

pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    match TestDatabase::postgres().await {
        Some(db) => run(db, test).await,
        None => eprintln!("skipped: set PSOPS_TEST_POSTGRES_URL to run on PostgreSQL"),
    }
}

/// Runs each named `async fn(TestApp)` as a test on SQLite and on PostgreSQL.
macro_rules! api_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    crate::support::on_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    crate::support::on_postgres(super::$name).await;
                }
            )*
        }
    };
}

pub(crate) use api_tests;

/// An answer as the tests look at it: status, headers, the body as text and as JSON.
async fn read(res: axum::response::Response) -> Resp {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}
