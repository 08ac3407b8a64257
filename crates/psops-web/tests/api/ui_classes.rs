//! The training pages, signed in through the real sign-in: the class's trainer finds
//! their class in the calendar, reads its workflow and roster, ticks attendance in the
//! grid and submits the roster, which completes the class; the course catalogue lists
//! the course with its certified trainers; a partner's manager finds no class of the
//! company's trainers; operations gets the scheduling form. The survey links a roster
//! submitted on the page mails lead back to the host the trainer reached psops at.

use axum::body::Body;
use axum::http::{Request, header};
use psops_core::Id;
use psops_core::auth::Role;
use psops_core::education::enrolments::{EnrolmentFields, EnrolmentStatus};
use psops_core::education::learners::{LearnerFields, LearnerOrg};
use psops_core::notify::{NoticeKind, NotificationFilter, NotificationScope};
use psops_core::page::PageRequest;
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};

use crate::matrix_classes::class;
use crate::matrix_education::{certified, course, training_sku};
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, form, web_user};

const CONSULTANT: usize = 6;
const PARTNER_MANAGER: usize = 7;
const OPS: usize = 1;

async fn the_trainer_marks_attendance_and_submits_the_roster_on_the_class_page(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    let sku = training_sku(s).await;
    let git = course(s, sku).await;
    let trainer = org.people[CONSULTANT];
    certified(s, trainer, git, org.people[0]).await;
    let (c, enrolment) = class(s, git, trainer).await;
    web_user(s, "cory@org.example", vec![Role::Consultant], Some(trainer)).await;
    web_user(
        s,
        "pat@org.example",
        vec![Role::PartnerManager],
        Some(org.people[PARTNER_MANAGER]),
    )
    .await;
    web_user(s, "olga@org.example", vec![Role::Ops], Some(org.people[OPS])).await;
    let cory = Browser::sign_in(&app, "cory@org.example").await;

    let calendar = cory.get(&app, "/classes").await;
    assert_eq!(calendar.status, 200, "{}", calendar.text);
    assert!(
        !calendar.text.contains("Schedule a class"),
        "a trainer schedules no class"
    );
    assert!(
        calendar.text.contains(&format!("href=\"&#x2f;classes&#x2f;{c}\"")),
        "the trainer's class is listed: {}",
        calendar.text
    );
    let page_url = format!("/classes/{c}");
    let page = cory.get(&app, &page_url).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("id=\"workflow-table\""));
    assert!(page.text.contains("id=\"step-registration_links\""));
    assert!(page.text.contains(&format!("id=\"learner-{enrolment}\"")));
    assert!(page.text.contains("1 of 12 taken"), "seats: {}", page.text);

    let saved = cory
        .post(
            &app,
            &format!("/classes/{c}/attendance"),
            &[("attended", &format!("{enrolment}:2026-01-12"))],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let page = cory.get(&app, &page_url).await;
    assert!(
        page.text.contains(
            "value=\"{enrolment}:2026-01-12\" aria-label"
                .replace("{enrolment}", &enrolment.to_string())
                .as_str()
        )
    );
    assert!(page.text.contains(" checked>"), "the ticked day stays ticked");

    // A day outside the class is refused on the page.
    let refused = cory
        .post(
            &app,
            &format!("/classes/{c}/attendance"),
            &[("attended", &format!("{enrolment}:2026-02-01"))],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("role=\"alert\""));

    let closed = cory
        .post(&app, &format!("/classes/{c}/roster"), &[("submitted_on", "2026-01-14")])
        .await;
    assert_eq!(closed.status, 303, "{}", closed.text);
    let page = cory.get(&app, &page_url).await;
    assert!(page.text.contains("Completed"), "{}", page.text);
    assert!(
        !page.text.contains("id=\"roster-form\""),
        "a completed class takes no roster"
    );

    // The course page lists its certified trainer.
    let course_page = cory.get(&app, &format!("/courses/{git}")).await;
    assert_eq!(course_page.status, 200, "{}", course_page.text);
    assert!(course_page.text.contains("id=\"trainers-table\""));

    // A partner's manager finds no class of the company's trainers.
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    assert_eq!(pat.get(&app, &page_url).await.status, 404);
    let theirs = pat.get(&app, "/classes").await;
    assert!(!theirs.text.contains(&format!("href=\"&#x2f;classes&#x2f;{c}\"")));

    // Operations schedules classes.
    let olga = Browser::sign_in(&app, "olga@org.example").await;
    let form = olga.get(&app, &format!("/classes/new?course={git}")).await;
    assert_eq!(form.status, 200, "{}", form.text);
    assert!(form.text.contains("name=\"trainer_id\""));
}

/// The trainer submits the roster from the class page, reaching psops at
/// `psops.example:8443` (no public URL is set): the mailed survey link leads there.
async fn the_rosters_survey_links_lead_to_the_host_the_page_was_reached_at(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    let git = course(s, training_sku(s).await).await;
    let trainer = org.people[CONSULTANT];
    certified(s, trainer, git, org.people[0]).await;
    let (c, _) = class(s, git, trainer).await;
    let ctx = WriteCtx::trusted();
    let learner = LearnerFields {
        name: "Lena Park".into(),
        email: Some("lena.park@customer.example".into()),
        organisation: LearnerOrg::Employee,
        person_id: None,
        partner_id: None,
        account_id: None,
        contact_id: None,
    };
    let Created::New(lena) = s.create(&ctx, learner).await.expect("learner") else {
        panic!("fixture replayed")
    };
    let registration = EnrolmentFields {
        class_id: Id::new(c),
        learner_id: lena.id,
        status: EnrolmentStatus::Registered,
        project_id: None,
    };
    let Created::New(lena_seat) = s.create(&ctx, registration).await.expect("registration") else {
        panic!("fixture replayed")
    };
    web_user(s, "cory@org.example", vec![Role::Consultant], Some(trainer)).await;
    let cory = Browser::sign_in(&app, "cory@org.example").await;
    let ticked = format!("{}:2026-01-12", lena_seat.id.get());
    let saved = cory
        .post(&app, &format!("/classes/{c}/attendance"), &[("attended", &ticked)])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);

    let body = form(&[("csrf", cory.csrf.as_str()), ("submitted_on", "2026-01-14")]);
    let submit = Request::post(format!("/classes/{c}/roster"))
        .header(header::HOST, "psops.example:8443")
        .header(header::COOKIE, &cory.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let closed = app.send(submit).await;
    assert_eq!(closed.status, 303, "{}", closed.text);

    let filter = NotificationFilter {
        kind: Some(NoticeKind::Survey),
        status: None,
        project_id: None,
    };
    let mails = s
        .notifications(&filter, NotificationScope::All, PageRequest::default())
        .await
        .expect("outbox");
    assert_eq!(mails.items.len(), 1, "one learner with an e-mail attended");
    let mail = &mails.items[0];
    assert_eq!(mail.to_email, "lena.park@customer.example");
    assert!(
        mail.body.contains("http://psops.example:8443/training-survey/"),
        "{}",
        mail.body
    );
}

/// A partner's trainer teaching a private class under a customer project they may not
/// read sees the class and its roster, not the customer's fee or a link to that project;
/// operations sees both, and a public class's seat price.
async fn a_partners_trainer_sees_the_class_without_the_companys_money(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    let git = course(s, training_sku(s).await).await;
    let trainer = org.people[PARTNER_MANAGER];
    certified(s, trainer, git, org.people[0]).await;
    let private = psops_core::education::classes::TrainingClassFields {
        audience: psops_core::education::classes::ClassAudience::Private,
        account_id: Some(Id::new(org.account_x)),
        project_id: Some(Id::new(org.p1)),
        fee: Some(psops_core::Money::new(1_800_000, psops_core::Currency::USD)),
        ..crate::matrix_classes::class_fields(git, trainer)
    };
    let c: psops_core::education::classes::TrainingClass =
        crate::matrix_classes::made(s.create(&WriteCtx::trusted(), private).await.expect("class"));
    web_user(s, "pat@org.example", vec![Role::PartnerManager], Some(trainer)).await;
    web_user(s, "olga@org.example", vec![Role::Ops], Some(org.people[OPS])).await;
    let path = format!("/classes/{}", c.id);
    let pat = Browser::sign_in(&app, "pat@org.example").await.get(&app, &path).await;
    assert_eq!(pat.status, 200, "{}", pat.text);
    assert!(!pat.text.contains("$18,000.00"), "no fee for a partner: {}", pat.text);
    assert!(
        !pat.text.contains(&format!("/projects/{}", org.p1))
            && !pat.text.contains(&format!("&#x2f;projects&#x2f;{}", org.p1))
    );
    let olga = Browser::sign_in(&app, "olga@org.example").await;
    let ops = olga.get(&app, &path).await;
    assert!(ops.text.contains("fee $18,000.00"), "{}", ops.text);
    let public = psops_core::education::classes::TrainingClassFields {
        seat_price: Some(psops_core::Money::new(120_000, psops_core::Currency::USD)),
        ..crate::matrix_classes::class_fields(git, trainer)
    };
    let p: psops_core::education::classes::TrainingClass =
        crate::matrix_classes::made(s.create(&WriteCtx::trusted(), public).await.expect("public class"));
    let page = olga.get(&app, &format!("/classes/{}", p.id)).await;
    assert!(page.text.contains("$1,200.00 a seat"), "{}", page.text);
}

api_tests!(
    a_partners_trainer_sees_the_class_without_the_companys_money,
    the_trainer_marks_attendance_and_submits_the_roster_on_the_class_page,
    the_rosters_survey_links_lead_to_the_host_the_page_was_reached_at
);
