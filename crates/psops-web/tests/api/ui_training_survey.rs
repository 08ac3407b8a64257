//! The training survey's public page: a learner who attended a completed class opens the
//! link from their mail without signing in — the course, the class's dates and their
//! name, an accessible 1–5 scale and a comment, kept from caches and search engines —
//! answers once on a form bound to its pre-session, gets a thank-you page, and a second
//! answer, an expired link and an unknown one are told plainly.

use axum::body::Body;
use axum::http::{Method, Request, header};
use psops_core::education::classes::TrainingClass;
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, Enrolment, EnrolmentFields, EnrolmentStatus, RosterSubmission,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::notify::{NoticeKind, NotificationFilter, NotificationScope};
use psops_core::page::PageRequest;
use psops_core::store::prelude::*;
use psops_core::store::{Created, Store, WriteCtx};
use time::OffsetDateTime;
use time::macros::date;

use crate::matrix_classes::class_fields;
use crate::matrix_education::{certified, course, training_sku};
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, form, hidden_csrf, web_user};
use crate::ui_browser::{form_cookie, html, stranger};
use psops_core::auth::Role;

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A class of the course on the days given, one learner with an e-mail attending, its
/// roster submitted at `now`: the path of the survey link mailed to the learner.
async fn surveyed_class(
    s: &dyn Store,
    course: i64,
    trainer: i64,
    days: (time::Date, time::Date),
    learner: &str,
    now: OffsetDateTime,
) -> String {
    let ctx = WriteCtx::trusted();
    let mut fields = class_fields(course, trainer);
    (fields.start_date, fields.end_date) = days;
    let c: TrainingClass = made(s.create(&ctx, fields).await.expect("class"));
    let l: Learner = made(
        s.create(
            &ctx,
            LearnerFields {
                name: learner.into(),
                email: Some(format!("{}@customer.example", learner.to_lowercase().replace(' ', "."))),
                organisation: LearnerOrg::Employee,
                person_id: None,
                partner_id: None,
                account_id: None,
                contact_id: None,
            },
        )
        .await
        .expect("learner"),
    );
    let e: Enrolment = made(
        s.create(
            &ctx,
            EnrolmentFields {
                class_id: c.id,
                learner_id: l.id,
                status: EnrolmentStatus::Registered,
                project_id: None,
            },
        )
        .await
        .expect("enrolment"),
    );
    let attended = Attendance {
        rows: vec![AttendanceRow {
            enrolment_id: e.id,
            days: vec![days.0],
        }],
    };
    s.mark_attendance(&ctx, c.id, attended).await.expect("attendance");
    let roster = RosterSubmission {
        submitted_on: now.date(),
    };
    let done = s
        .submit_roster(&ctx, c.id, roster, "http://psops.test", now)
        .await
        .expect("roster");
    assert_eq!(done.surveys_sent, 1);
    let mails = s
        .notifications(
            &NotificationFilter {
                kind: Some(NoticeKind::Survey),
                status: None,
                project_id: None,
            },
            NotificationScope::All,
            PageRequest::default(),
        )
        .await
        .expect("outbox");
    let mail = mails
        .items
        .iter()
        .find(|m| m.to_name == learner)
        .expect("the learner's mail");
    let at = mail.body.find("/training-survey/").expect("the link");
    mail.body[at..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

async fn a_learner_answers_the_training_survey_once_on_its_public_page(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    let git = course(s, training_sku(s).await).await;
    let trainer = org.people[6];
    certified(s, trainer, git, org.people[0]).await;
    let days = (date!(2026 - 01 - 12), date!(2026 - 01 - 13));
    let path = surveyed_class(s, git, trainer, days, "Lena Park", OffsetDateTime::now_utc()).await;
    assert_eq!(path.len(), "/training-survey/".len() + 64, "{path}");

    let question = stranger(&app, Method::GET, &path, "", String::new()).await.expect(200);
    let q = html(&question);
    assert!(q.contains("How was your Git fundamentals"), "the course: {q}");
    assert!(
        q.contains("Lena Park") && q.contains("from 2026-01-12 to 2026-01-13"),
        "{q}"
    );
    assert!(q.contains(&format!("action=\"{path}\"")), "the form posts to the link");
    assert!(q.contains("<fieldset class=\"scale\">") && q.contains("with the class overall"));
    for v in 1..=5 {
        assert!(q.contains(&format!("<label for=\"score-{v}\">")), "{v}");
    }
    assert!(q.contains("<label for=\"comment\">"));
    assert!(q.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!q.contains("Sign out"), "no session frame");
    assert_eq!(question.header("cache-control"), Some("no-store"));
    assert_eq!(question.header("x-robots-tag"), Some("noindex"));
    assert!(question.header("content-security-policy").is_some());
    let cookie = form_cookie(&question);
    let csrf = hidden_csrf(&question.text);

    // Without the form's pre-session, or from another site: refused.
    let body = form(&[("csrf", &csrf), ("score", "1"), ("comment", "forged")]);
    stranger(&app, Method::POST, &path, "", body.clone()).await.expect(403);
    let cross = Request::post(path.as_str())
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(body))
        .expect("request");
    app.send(cross).await.expect(403);
    // No score, or one off the scale: told on the page.
    let none = stranger(
        &app,
        Method::POST,
        &path,
        &cookie,
        form(&[("csrf", &csrf), ("comment", "hm")]),
    )
    .await
    .expect(422);
    assert!(html(&none).contains("id=\"survey-problem\""));
    let off = stranger(
        &app,
        Method::POST,
        &path,
        &cookie,
        form(&[("csrf", &csrf), ("score", "9")]),
    )
    .await
    .expect(422);
    assert!(html(&off).contains("from 1 (very dissatisfied) to 5"));

    let answered = stranger(
        &app,
        Method::POST,
        &path,
        &cookie,
        form(&[("csrf", &csrf), ("score", "5"), ("comment", "Hands-on and clear")]),
    )
    .await
    .expect(200);
    assert!(html(&answered).contains("id=\"survey-thanks\""));
    assert!(html(&answered).contains("make the next class better"));

    // A second visit and a second answer are refused clearly.
    let second = stranger(&app, Method::GET, &path, "", String::new()).await.expect(409);
    assert!(html(&second).contains("id=\"survey-used\""));
    let twice = stranger(
        &app,
        Method::POST,
        &path,
        &cookie,
        form(&[("csrf", &csrf), ("score", "1")]),
    )
    .await
    .expect(409);
    assert!(html(&twice).contains("id=\"survey-used\""));

    // The answer is in the audit log, as the learner, score and comment as given.
    let log = app.get("/api/v1/audit?entity=class_survey&limit=50").await.expect(200);
    let answer = log.body["items"]
        .as_array()
        .and_then(|items| items.iter().find(|e| !e["via"].is_null()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(answer["after"]["score"], 5, "{}", log.text);
    assert_eq!(answer["after"]["comment"], "Hands-on and clear");

    // The class's staff read the answer: through the API and on the class's page.
    let classes = app.get("/api/v1/classes?limit=10").await.expect(200);
    let class = classes.body["items"][0]["id"].as_i64().unwrap_or_default();
    let surveys = app.get(&format!("/api/v1/classes/{class}/surveys")).await.expect(200);
    assert_eq!(surveys.body["sent"], 1, "{}", surveys.text);
    assert_eq!(surveys.body["csat_percent"], 100, "{}", surveys.text);
    assert_eq!(surveys.body["surveys"][0]["comment"], "Hands-on and clear");
    assert!(surveys.body["surveys"][0].get("token_hash").is_none(), "no token");
    web_user(s, "ops.reader@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops.reader@org.example").await;
    let page = html(&ops.get(&app, &format!("/classes/{class}")).await.expect(200));
    assert!(
        page.contains("1 of 1 answered · CSAT 100 % (1 of 1 scored 4 or 5)"),
        "{page}"
    );
    assert!(page.contains("Hands-on and clear"), "{page}");

    // An expired link (sent 40 days ago, good for 30) and an unknown one.
    let old_days = (date!(2026 - 02 - 09), date!(2026 - 02 - 09));
    let sent = OffsetDateTime::now_utc() - time::Duration::days(40);
    let old = surveyed_class(s, git, trainer, old_days, "Omar Vale", sent).await;
    let expired = stranger(&app, Method::GET, &old, "", String::new()).await.expect(410);
    assert!(html(&expired).contains("id=\"survey-expired\""));
    let unknown = stranger(
        &app,
        Method::GET,
        &format!("/training-survey/{}", "a".repeat(64)),
        "",
        String::new(),
    )
    .await
    .expect(404);
    assert!(html(&unknown).contains("id=\"survey-unknown\""));
    stranger(&app, Method::GET, "/training-survey/..%2F..%2Fetc", "", String::new())
        .await
        .expect(404);
}

api_tests!(a_learner_answers_the_training_survey_once_on_its_public_page);
