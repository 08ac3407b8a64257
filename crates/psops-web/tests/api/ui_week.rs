//! The week grid, approvals and My utilization without a browser: a saved cell is an
//! entry of the signed-in person (never anyone else's), a broken rule comes back as the
//! cell with the rule in words, forms without the session's CSRF token are refused, a
//! submitted week is read-only, and an approver approves it from `/approvals`.

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::auth::{NewUser, Role};
use psops_core::credentials::hash_password;
use psops_core::store::WriteCtx;
use serde_json::{Value, json};

use crate::support::{Resp, TestApp, api_tests};

const PASSWORD: &str = "correct horse battery";
const WEEK: &str = "2026-W10";

fn cookie_value(r: &Resp, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn hidden_csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// A signed-in browser: its session cookie and the session's CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

impl Browser {
    async fn sign_in(app: &TestApp, email: &str) -> Browser {
        let page = request(app, Method::GET, "/sign-in", "", "", false).await.expect(200);
        // The pre-session's cookie, and the form's token signed for it.
        let token = cookie_value(&page, "psops_form").unwrap_or_default();
        let body = form(&[
            ("csrf", &hidden_csrf(&page.text)),
            ("email", email),
            ("password", PASSWORD),
        ]);
        let done = request(
            app,
            Method::POST,
            "/sign-in",
            &format!("psops_form={token}"),
            &body,
            false,
        )
        .await;
        let cookie = format!(
            "psops_session={}",
            cookie_value(&done, "psops_session").unwrap_or_default()
        );
        let week = request(app, Method::GET, &format!("/week?week={WEEK}"), &cookie, "", false).await;
        Browser {
            csrf: hidden_csrf(&week.text),
            cookie,
        }
    }

    async fn get(&self, app: &TestApp, path: &str) -> Resp {
        request(app, Method::GET, path, &self.cookie, "", false).await
    }

    async fn post(&self, app: &TestApp, path: &str, pairs: &[(&str, &str)], htmx: bool) -> Resp {
        request(app, Method::POST, path, &self.cookie, &form(pairs), htmx).await
    }
}

async fn request(app: &TestApp, method: Method, path: &str, cookie: &str, body: &str, htmx: bool) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    if method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    if htmx {
        req = req.header("hx-request", "true");
    }
    app.send(req.body(Body::from(body.to_string())).unwrap_or_default())
        .await
}

async fn user(app: &TestApp, email: &str, roles: Vec<Role>, person: Option<i64>) {
    let new = NewUser {
        email: email.into(),
        name: email.split('@').next().unwrap_or_default().into(),
        roles,
        person_id: person.map(psops_core::Id::new),
        password_hash: Some(hash_password(PASSWORD).unwrap_or_default()),
    };
    app.store.create_user(&WriteCtx::trusted(), new).await.expect("user");
}

/// The seed, with the seeded person signed up as a consultant assigned to the project.
async fn consultant(app: &TestApp) -> (crate::support::Seed, Browser) {
    let seed = app.seed().await;
    app.create(
        "/api/v1/assignments",
        json!({"person_id": seed.person, "project_id": seed.project, "role": "engineer",
               "start_date": "2026-01-01", "end_date": "2026-06-30", "minutes_per_week": 2400}),
    )
    .await;
    user(app, "ada@example.com", vec![Role::Consultant], Some(seed.person)).await;
    let browser = Browser::sign_in(app, "ada@example.com").await;
    assert!(
        !browser.csrf.is_empty(),
        "the week page carries the session's CSRF token"
    );
    (seed, browser)
}

async fn entries(app: &TestApp, person: i64) -> Vec<Value> {
    let page = app
        .get(&format!("/api/v1/time-entries?person_id={person}"))
        .await
        .expect(200);
    page.body["items"].as_array().cloned().unwrap_or_default()
}

async fn cell_saves_as_the_signed_in_persons_entry(app: TestApp) {
    let (seed, me) = consultant(&app).await;
    let other = app
        .create(
            "/api/v1/people",
            json!({"name": "Grace Hopper", "email": "grace@example.com", "function": "engineer",
                   "region": "EMEA", "employment_start": "2025-01-01"}),
        )
        .await;
    let page = me.get(&app, &format!("/week?week={WEEK}")).await.expect(200);
    assert!(
        page.text.contains("GitLab migration"),
        "assigned projects can be added as rows"
    );
    let row = format!("p{}-b", seed.project);
    let (cell, field) = (format!("{row}.0"), format!("m.{row}.0"));
    let other_id = other["id"].to_string();
    // A person_id in the form is not a field the handler reads: the entry is mine.
    let saved = me
        .post(
            &app,
            "/week/cell",
            &[
                ("csrf", &me.csrf),
                ("week", WEEK),
                ("cell", &cell),
                (&field, "1:30"),
                ("person_id", &other_id),
            ],
            true,
        )
        .await
        .expect(200);
    assert!(saved.text.contains(&format!("id=\"cell-{row}-0\"")), "{}", saved.text);
    assert!(saved.text.contains("value=\"1:30\""), "{}", saved.text);
    assert!(
        saved.text.contains(&format!("id=\"total-{row}\">1:30<")) && saved.text.contains("id=\"week-total\">1:30<"),
        "the row and week totals come with the cell: {}",
        saved.text
    );
    let mine = entries(&app, seed.person).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0]["minutes"].as_i64(), mine[0]["date"].as_str()),
        (Some(90), Some("2026-03-02"))
    );
    assert_eq!(mine[0]["billable"], true);
    assert!(entries(&app, other["id"].as_i64().unwrap_or(0)).await.is_empty());
    // Changing and clearing the cell change and delete that one entry.
    me.post(
        &app,
        "/week/cell",
        &[("csrf", &me.csrf), ("week", WEEK), ("cell", &cell), (&field, "2.5")],
        true,
    )
    .await
    .expect(200);
    assert_eq!(entries(&app, seed.person).await[0]["minutes"], 150);
    me.post(
        &app,
        "/week/cell",
        &[("csrf", &me.csrf), ("week", WEEK), ("cell", &cell), (&field, "")],
        true,
    )
    .await
    .expect(200);
    assert!(entries(&app, seed.person).await.is_empty());
}

async fn broken_rules_come_back_in_words(app: TestApp) {
    let (seed, me) = consultant(&app).await;
    let row = format!("p{}-n", seed.project);
    let (cell, field, note) = (format!("{row}.1"), format!("m.{row}.1"), format!("n.{row}.1"));
    let base = [("csrf", me.csrf.as_str()), ("week", WEEK), ("cell", cell.as_str())];
    let with = |pairs: &[(&'static str, &'static str)]| {
        let mut all: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        all
    };
    let send = |pairs: Vec<(String, String)>, htmx| {
        let borrowed: Vec<(String, String)> = pairs;
        let app = &app;
        let me = &me;
        async move {
            let refs: Vec<(&str, &str)> = borrowed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            me.post(app, "/week/cell", &refs, htmx).await
        }
    };
    let mut no_note = with(&[]);
    no_note.push((field.clone(), "2".into()));
    let r = send(no_note.clone(), true).await.expect(200);
    assert!(
        r.text
            .contains("non-billable time on a customer project needs a note that explains it"),
        "{}",
        r.text
    );
    assert!(r.text.contains("role=\"alert\"") && r.text.contains("value=\"2\""));
    assert!(entries(&app, seed.person).await.is_empty(), "nothing written");
    // Without htmx: the whole week, 422, with the same words.
    let page = send(no_note.clone(), false).await.expect(422);
    assert!(page.text.contains("needs a note that explains it") && page.text.contains("<table class=\"week\""));
    // Bad durations name the accepted forms.
    let mut junk = with(&[]);
    junk.push((field.clone(), "soon".into()));
    assert!(
        send(junk, true)
            .await
            .expect(200)
            .text
            .contains("write 1:30, 1.5 (hours) or 90m")
    );
    // With a note: saved.
    let mut noted = no_note;
    noted.push((note, "Tools enablement for the customer team".into()));
    let ok = send(noted, true).await.expect(200);
    assert!(!ok.text.contains("role=\"alert\""), "{}", ok.text);
    let saved = entries(&app, seed.person).await;
    assert_eq!((saved.len(), saved[0]["billable"].as_bool()), (1, Some(false)));
}

async fn forms_need_the_sessions_csrf_token(app: TestApp) {
    let (seed, me) = consultant(&app).await;
    let row = format!("p{}-b", seed.project);
    let (cell, field) = (format!("{row}.0"), format!("m.{row}.0"));
    for (path, csrf) in [
        ("/week/cell", ""),
        ("/week/cell", "forged"),
        ("/week", ""),
        ("/week/submit", ""),
    ] {
        let r = me
            .post(
                &app,
                path,
                &[("csrf", csrf), ("week", WEEK), ("cell", &cell), (&field, "8")],
                true,
            )
            .await;
        assert_eq!(r.status.as_u16(), 403, "{path} with csrf '{csrf}': {}", r.text);
    }
    let r = me.post(&app, "/approvals", &[("action", "approve")], false).await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(entries(&app, seed.person).await.is_empty());
    // Signed out: to the sign-in page, nothing written.
    let anon = request(
        &app,
        Method::POST,
        "/week/cell",
        "",
        &form(&[("cell", &cell), (&field, "8")]),
        true,
    )
    .await;
    assert_eq!(anon.status.as_u16(), 303);
}

async fn submitted_weeks_are_read_only_and_approved_from_approvals(app: TestApp) {
    let (seed, me) = consultant(&app).await;
    let row = format!("p{}-b", seed.project);
    let mut pairs = vec![("csrf".to_string(), me.csrf.clone()), ("week".into(), WEEK.into())];
    for day in 0..5 {
        pairs.push((format!("m.{row}.{day}"), if day == 4 { "7:30" } else { "8" }.into()));
    }
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let saved = me.post(&app, "/week", &refs, false).await.expect(303);
    assert!(
        saved
            .header("location")
            .unwrap_or_default()
            .starts_with(&format!("/week?week={WEEK}"))
    );
    let week = me.get(&app, &format!("/week?week={WEEK}")).await.expect(200);
    assert!(week.text.contains("id=\"week-total\">39:30<"), "{}", week.text);
    me.post(&app, "/week/submit", &[("csrf", &me.csrf), ("week", WEEK)], false)
        .await
        .expect(303);
    let after = me.get(&app, &format!("/week?week={WEEK}")).await.expect(200);
    assert!(after.text.contains("Submitted on") && after.text.contains("waiting for approval"));
    assert!(!after.text.contains("— read-only"), "no cell repeats the banner");
    assert!(
        after.text.contains("id=\"withdraw-week\"") && !after.text.contains("id=\"submit-week\""),
        "a submitted week offers withdraw, not submit"
    );
    // Withdrawn, it is a draft again; submitted again, it goes on to approval.
    me.post(&app, "/week/withdraw", &[("csrf", &me.csrf), ("week", WEEK)], false)
        .await
        .expect(303);
    let draft = me.get(&app, &format!("/week?week={WEEK}")).await.expect(200);
    assert!(draft.text.contains("Draft: not submitted yet") && draft.text.contains("id=\"submit-week\""));
    me.post(&app, "/week/submit", &[("csrf", &me.csrf), ("week", WEEK)], false)
        .await
        .expect(303);
    let (cell, field) = (format!("{row}.0"), format!("m.{row}.0"));
    let refused = me
        .post(
            &app,
            "/week/cell",
            &[("csrf", &me.csrf), ("week", WEEK), ("cell", &cell), (&field, "1")],
            true,
        )
        .await
        .expect(200);
    assert!(refused.text.contains("this entry is submitted"), "{}", refused.text);
    // The consultant approves nothing; an ops user sees the week and approves it.
    assert!(
        me.get(&app, "/approvals")
            .await
            .expect(200)
            .text
            .contains("Nothing is waiting")
    );
    user(&app, "ops@example.com", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@example.com").await;
    let list = ops.get(&app, "/approvals").await.expect(200);
    let key = format!("{}.{WEEK}.{}", seed.person, seed.project);
    assert!(list.text.contains(&key) && list.text.contains("39:30"), "{}", list.text);
    let csrf = hidden_csrf(&list.text);
    let no_reason = ops
        .post(
            &app,
            "/approvals",
            &[("csrf", &csrf), ("pick", &key), ("action", "reject")],
            false,
        )
        .await
        .expect(422);
    assert!(no_reason.text.contains("A rejection needs a reason"));
    ops.post(
        &app,
        "/approvals",
        &[("csrf", &csrf), ("pick", &key), ("action", "approve")],
        false,
    )
    .await
    .expect(303);
    let all = entries(&app, seed.person).await;
    assert!(
        all.len() == 5 && all.iter().all(|e| e["status"] == "approved"),
        "{all:?}"
    );
    // My utilization counts the billable hours and draws them.
    let mine = me.get(&app, "/me/utilization?quarter=FY2026-Q1").await.expect(200);
    assert!(mine.text.contains("id=\"fig-billable\">39.50 h<"), "{}", mine.text);
    assert!(mine.text.contains("<svg class=\"chart\"") && mine.text.contains("W10 Billable: 39.5 h"));
}

api_tests!(
    cell_saves_as_the_signed_in_persons_entry,
    broken_rules_come_back_in_words,
    forms_need_the_sessions_csrf_token,
    submitted_weeks_are_read_only_and_approved_from_approvals,
);
