//! Closure and CSAT end to end: the API sends a survey (its link and token in that
//! answer only, never in a read), keeps the closure checklist with If-Match and reports
//! CSAT; the Closure tab sends a survey and shows its link once; the customer answers on
//! the public page without signing in — an accessible 1–5 scale and a comment, a
//! thank-you page, a second visit refused, an expired or unknown link told plainly —
//! and the project's CSAT updates.

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::Id;
use psops_core::auth::Role;
use psops_core::delivery::surveys::SurveyRequest;
use psops_core::store::WriteCtx;
use serde_json::json;

use crate::matrix_closure_csat::{closing_project, mailable_contact};
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, form, hidden_csrf, web_user};
use crate::ui_browser::{form_cookie, html, stranger};

async fn the_api_sends_surveys_keeps_the_closure_and_reports_csat(app: TestApp) {
    let seed = app.seed().await;
    let contact = app
        .create(
            &format!("/api/v1/accounts/{}/contacts", seed.account),
            json!({"name": "Casey", "email": "casey@globex.example"}),
        )
        .await;
    let sent = app
        .post(
            "/api/v1/surveys",
            &json!({"project_id": seed.project, "contact_id": contact["id"]}),
        )
        .await
        .expect(201);
    let token = sent.body["token"].as_str().unwrap_or_default().to_string();
    assert_eq!(token.len(), 64, "{}", sent.text);
    let link = sent.body["link"].as_str().unwrap_or_default();
    assert!(link.ends_with(&format!("/survey/{token}")), "{link}");
    let id = sent.body["survey"]["id"].as_i64().unwrap_or(-1);
    assert_eq!(sent.header("location"), Some(format!("/api/v1/surveys/{id}").as_str()));

    // Reads never show the token, nor its hash.
    let one = app.get(&format!("/api/v1/surveys/{id}")).await.expect(200);
    let list = app
        .get(&format!("/api/v1/surveys?project_id={}", seed.project))
        .await
        .expect(200);
    for r in [&one, &list] {
        assert!(!r.text.contains(&token) && !r.text.contains("token"), "{}", r.text);
    }
    assert_eq!(list.body.as_array().map(Vec::len), Some(1));
    assert_eq!(one.body["to_email"], "casey@globex.example");
    app.get("/api/v1/surveys").await.problem(422, "project_id", "required");
    app.post(
        "/api/v1/surveys",
        &json!({"project_id": seed.project, "contact_id": contact["id"]}),
    )
    .await
    .problem(409, "project_id", "duplicate");

    let closure = app.get(&format!("/api/v1/closures/{}", seed.project)).await.expect(200);
    assert_eq!(closure.etag(), "\"0\"");
    assert_eq!(
        closure.body["missing"].as_array().map(Vec::len),
        Some(4),
        "{}",
        closure.text
    );
    let path = format!("/api/v1/closures/{}", seed.project);
    let saved = app
        .patch(
            &path,
            &json!({"meeting_on": "2099-01-15", "signoff_how": "signed", "signoff_by": "Pat",
                "signoff_on": "2099-01-10", "retro_on": "2099-01-16", "retro_notes": "Good"}),
            "\"0\"",
        )
        .await
        .expect(200);
    assert_eq!(saved.etag(), "\"1\"");
    assert_eq!(
        saved.body["missing"].as_array().map(Vec::len),
        Some(1),
        "{}",
        saved.text
    );
    app.patch(&path, &json!({"retro_notes": "Late"}), "\"0\"")
        .await
        .expect(412);
    app.patch(&path, &json!({"signoff_how": "shrugged"}), "\"1\"")
        .await
        .expect(422);
    app.patch(&path, &json!({"closeout_by": 999_999}), "\"1\"")
        .await
        .problem(422, "closeout_by", "unknown_person");
    app.get("/api/v1/closures/999999").await.expect(404);

    let report = app.get("/api/v1/reports/csat?by=region").await.expect(200);
    let rows = report.body.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "{}", report.text);
    assert_eq!(rows[0]["sent"], 1);
    assert!(rows[0]["csat_bp"].is_null(), "no answers: no figure");
    assert_eq!(rows[0]["response_rate_bp"], 0);
    app.get("/api/v1/reports/csat?by=colour").await.expect(422);
    let audit = app
        .get(&format!("/api/v1/audit?entity=closure&entity_id={}", seed.project))
        .await
        .expect(200);
    assert_eq!(audit.body["items"].as_array().map(Vec::len), Some(1), "{}", audit.text);
}

async fn a_customer_answers_once_on_the_public_page(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    let pm_person = org.people[5];
    web_user(store, "pam@org.example", vec![Role::ProjectManager], Some(pm_person)).await;
    web_user(
        store,
        "pia@org.example",
        vec![Role::PartnerConsultant],
        Some(org.b_person),
    )
    .await;
    let pm = Browser::sign_in(&app, "pam@org.example").await;
    let partner = Browser::sign_in(&app, "pia@org.example").await;
    let contact = mailable_contact(store, org.account_x).await;
    let project = closing_project(store, org.account_x, pm_person).await;
    let tab = format!("/projects/{project}/closure");

    let page = pm.get(&app, &tab).await.expect(200);
    let text = html(&page);
    assert!(
        text.contains("aria-current=\"page\">Closure</a>"),
        "the Closure tab is current"
    );
    assert!(text.contains("id=\"closure-missing\""));
    assert!(text.contains("Send the CSAT survey"));
    partner.get(&app, &tab).await.expect(404);

    let sent = pm
        .post(&app, &format!("{tab}/survey"), &[("contact_id", &contact.to_string())])
        .await
        .expect(200);
    let text = html(&sent);
    let link = text
        .split("id=\"survey-link\"")
        .nth(1)
        .and_then(|rest| rest.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let path = link.find("/survey/").map(|i| link[i..].to_string()).unwrap_or_default();
    assert!(path.len() > 70, "the link is shown once: {link}");
    let again = html(&pm.get(&app, &tab).await.expect(200));
    assert!(!again.contains(&path), "the link is not shown again");
    assert!(!again.contains("Send the CSAT survey"), "one survey at a time");

    // The customer, never signed in, opens the link.
    let question = stranger(&app, Method::GET, &path, "", String::new()).await.expect(200);
    let q = html(&question);
    assert!(
        q.contains("<fieldset class=\"scale\">") && q.contains("<legend>"),
        "{q}"
    );
    for (v, words) in [(1, "Very dissatisfied"), (3, "Neither"), (5, "Very satisfied")] {
        assert!(q.contains(&format!("id=\"score-{v}\"")) && q.contains(words), "{v}");
        assert!(q.contains(&format!("<label for=\"score-{v}\">")));
    }
    assert!(q.contains("<label for=\"comment\">"));
    assert!(!q.contains("Sign out"), "no session frame");
    assert_eq!(question.header("cache-control"), Some("no-store"));
    assert!(question.header("content-security-policy").is_some());
    let form_cookie = form_cookie(&question);
    let csrf = hidden_csrf(&question.text);

    // Without the form's pre-session, or from another site: refused, nothing recorded.
    let body = form(&[("csrf", &csrf), ("score", "1"), ("comment", "forged")]);
    stranger(&app, Method::POST, &path, "", body.clone()).await.expect(403);
    let cross = Request::post(path.as_str())
        .header(header::COOKIE, &form_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body))
        .expect("request");
    app.send(cross).await.expect(403);
    // No score: told on the page.
    let none = stranger(
        &app,
        Method::POST,
        &path,
        &form_cookie,
        form(&[("csrf", &csrf), ("comment", "hm")]),
    )
    .await
    .expect(422);
    assert!(html(&none).contains("id=\"survey-problem\""));

    let answered = stranger(
        &app,
        Method::POST,
        &path,
        &form_cookie,
        form(&[("csrf", &csrf), ("score", "5"), ("comment", "Superb migration")]),
    )
    .await
    .expect(200);
    assert!(html(&answered).contains("id=\"survey-thanks\""));

    // A second visit, and a second answer, are refused clearly.
    let second = stranger(&app, Method::GET, &path, "", String::new()).await.expect(409);
    assert!(html(&second).contains("already answered"));
    let twice = stranger(
        &app,
        Method::POST,
        &path,
        &form_cookie,
        form(&[("csrf", &csrf), ("score", "1")]),
    )
    .await
    .expect(409);
    assert!(html(&twice).contains("id=\"survey-used\""));

    // The project's CSAT updates.
    let after = html(&pm.get(&app, &tab).await.expect(200));
    assert!(after.contains("id=\"project-csat\">100.0 %"), "{after}");
    assert!(after.contains("Superb migration"));

    // An expired link and an unknown one.
    let old_project = closing_project(store, org.account_x, pm_person).await;
    let old = store
        .send_survey(
            &WriteCtx::trusted(),
            SurveyRequest {
                project_id: Id::new(old_project),
                contact_id: Id::new(contact),
            },
            "http://psops.test",
            time::OffsetDateTime::now_utc() - time::Duration::days(40),
        )
        .await
        .expect("old survey");
    let expired = stranger(&app, Method::GET, &format!("/survey/{}", old.token), "", String::new())
        .await
        .expect(410);
    assert!(html(&expired).contains("id=\"survey-expired\""));
    let unknown = stranger(
        &app,
        Method::GET,
        &format!("/survey/{}", "a".repeat(64)),
        "",
        String::new(),
    )
    .await
    .expect(404);
    assert!(html(&unknown).contains("id=\"survey-unknown\""));
    stranger(&app, Method::GET, "/survey/..%2F..%2Fetc", "", String::new())
        .await
        .expect(404);

    // The checklist saved from the tab.
    let version = "0";
    let saved = pm
        .post(
            &app,
            &tab,
            &[
                ("version", version),
                ("meeting_on", "2099-02-01"),
                ("signoff_how", "replied_accepted"),
                ("signoff_by", "Casey"),
                ("signoff_on", "2099-01-30"),
                ("retro_on", "2099-02-02"),
                ("retro_notes", "Data volumes first"),
                ("deliverables", "Migrated 400 projects"),
                ("lessons_learned", "Scope data early"),
                ("closeout_by", &pm_person.to_string()),
                ("closeout_on", "2099-02-03"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let done = html(&pm.get(&app, &format!("{tab}?done=saved")).await.expect(200));
    assert!(done.contains("id=\"closure-ready\""), "{done}");
    let bad = pm
        .post(&app, &tab, &[("version", "1"), ("meeting_on", "soon")])
        .await
        .expect(422);
    assert!(html(&bad).contains("meeting_on"));
}

api_tests!(
    the_api_sends_surveys_keeps_the_closure_and_reports_csat,
    a_customer_answers_once_on_the_public_page
);
