//! The education report page: operations see every trainer and the quarters with the
//! seats chart, linked from the education tabs, the trainers sorted by any column; a
//! partner's manager sees only their own trainer; a consultant is refused; a range that
//! runs backwards or spans more than 8 quarters is said beside the form (and the API
//! answers 422 naming `to`).

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::education::classes::{ClassAudience, ClassDelivery, TrainingClass, TrainingClassFields};
use psops_core::education::courses::Course;
use psops_core::education::enrolments::{
    Attendance, AttendanceRow, EnrolmentFields, EnrolmentStatus, RosterSubmission,
};
use psops_core::education::learners::{Learner, LearnerFields, LearnerOrg};
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use time::Date;
use time::macros::date;

use crate::matrix_education::{course, training_sku};
use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("replayed"),
    }
}

/// A public class of `trainer` on `days` with `n` learners of the company, all attending,
/// its roster submitted on its last day.
async fn delivered(s: &dyn Store, course: &Course, trainer: i64, days: (Date, Date), n: usize) {
    let ctx = WriteCtx::trusted();
    let f = TrainingClassFields {
        course_id: course.id,
        trainer_id: Id::new(trainer),
        start_date: days.0,
        end_date: days.1,
        time_zone: "Europe/Berlin".into(),
        delivery: ClassDelivery::Remote,
        location: None,
        audience: ClassAudience::Public,
        account_id: None,
        project_id: None,
        fee: None,
        addon_seats: 0,
        seat_price: None,
    };
    let class: TrainingClass = made(s.create(&ctx, f).await.expect("class"));
    let mut rows = Vec::new();
    for i in 0..n {
        let l: Learner = made(
            s.create(
                &ctx,
                LearnerFields {
                    name: format!("Learner {trainer}-{i}"),
                    email: None,
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
        let e = EnrolmentFields {
            class_id: class.id,
            learner_id: l.id,
            status: EnrolmentStatus::Registered,
            project_id: None,
        };
        let e: psops_core::education::enrolments::Enrolment = made(s.create(&ctx, e).await.expect("register"));
        rows.push(AttendanceRow {
            enrolment_id: e.id,
            days: vec![days.0],
        });
    }
    s.mark_attendance(&ctx, class.id, Attendance { rows })
        .await
        .expect("attendance");
    let now = days.1.with_hms(18, 0, 0).expect("time").assume_utc();
    let roster = RosterSubmission { submitted_on: days.1 };
    s.submit_roster(&ctx, class.id, roster, "https://psops.example.com", now)
        .await
        .expect("roster");
}

const RANGE: &str = "from=2026-01-01&to=2026-06-30";

async fn the_education_report_page_shows_each_reader_their_trainers(app: TestApp) {
    let s = app.store.as_ref();
    let org = Org::build(s).await;
    web_user(s, "ops@org.example", vec![Role::Ops], Some(org.people[1])).await;
    web_user(s, "pm@partner.example", vec![Role::PartnerManager], Some(org.people[7])).await;
    web_user(s, "consultant@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let sku = training_sku(s).await;
    let git: Course = s.get(Id::new(course(s, sku).await)).await.expect("course");
    let grader = Id::new(org.people[6]);
    let ctx = WriteCtx::trusted();
    for trainer in [org.people[0], org.people[8], org.b_person] {
        psops_demo::certifications::certify_trainer(s, &ctx, Id::new(trainer), &git, date!(2026 - 01 - 15), grader)
            .await
            .expect("certify");
    }
    // The company's trainer in Q1 (3 of 12 seats), partner A's and partner B's in Q2.
    delivered(
        s,
        &git,
        org.people[0],
        (date!(2026 - 03 - 02), date!(2026 - 03 - 03)),
        3,
    )
    .await;
    delivered(
        s,
        &git,
        org.people[8],
        (date!(2026 - 04 - 06), date!(2026 - 04 - 06)),
        6,
    )
    .await;
    delivered(s, &git, org.b_person, (date!(2026 - 05 - 04), date!(2026 - 05 - 05)), 1).await;

    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let page = html(&ops.get(&app, &format!("/education/report?{RANGE}")).await.expect(200));
    for shown in ["Role 0", "Role 8", "B Consultant", "2026-Q1", "2026-Q2", "<svg"] {
        assert!(page.contains(shown), "{shown} missing: {page}");
    }
    // Q1: one class, 12 seats, 3 filled (25 %); the total: 3 classes, 10 of 36 (28 %).
    assert!(page.contains("data-label=\"Fill rate\">25 %"), "{page}");
    assert!(page.contains("data-label=\"Fill rate\">28 %"), "{page}");
    // The education tabs link the report for those who read it, and not for others.
    let classes = html(&ops.get(&app, "/classes").await.expect(200));
    assert!(classes.contains("href=\"/education/report\""), "{classes}");
    // Sorted by classes, most first: the header says so, and the order follows.
    let sorted = html(
        &ops.get(&app, &format!("/education/report?{RANGE}&sort=days&dir=desc"))
            .await
            .expect(200),
    );
    assert!(sorted.contains("aria-sort=\"descending\""), "{sorted}");
    let at = |name: &str| sorted.find(name).unwrap_or(usize::MAX);
    assert!(at("Role 0") < at("Role 8"), "two days before one");

    // Partner A's manager: their trainer only, and only their class in the quarters.
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let theirs = html(
        &partner
            .get(&app, &format!("/education/report?{RANGE}"))
            .await
            .expect(200),
    );
    assert!(theirs.contains("Role 8"), "{theirs}");
    assert!(
        !theirs.contains("Role 0") && !theirs.contains("B Consultant"),
        "{theirs}"
    );
    assert!(theirs.contains("data-label=\"Fill rate\">50 %"), "{theirs}");

    // A consultant does not read it, nor sees the tab.
    let consultant = Browser::sign_in(&app, "consultant@org.example").await;
    consultant.get(&app, "/education/report").await.expect(403);
    let classes = html(&consultant.get(&app, "/classes").await.expect(200));
    assert!(!classes.contains("href=\"/education/report\""));

    // A bad range is said beside the form, naming the rule.
    let backwards = html(
        &ops.get(&app, "/education/report?from=2026-05-01&to=2026-04-01")
            .await
            .expect(200),
    );
    assert!(backwards.contains("to must be on or after from"), "{backwards}");
    let long = html(
        &ops.get(&app, "/education/report?from=2024-01-01&to=2026-06-30")
            .await
            .expect(200),
    );
    assert!(long.contains("at most 8 calendar quarters"), "{long}");
    // The API answers the same ranges 422, naming the field and the rule.
    for url in [
        "/api/v1/education-report?from=2026-05-01&to=2026-04-01",
        "/api/v1/education-report?from=2024-01-01&to=2026-06-30",
        "/api/v1/education-report?to=2026-13-01",
    ] {
        let r = crate::matrix_fixture::call(&app, &org, 1, "get", url, None).await;
        assert_eq!(r.status.as_u16(), 422, "{url}: {}", r.text);
        assert_eq!(r.body["errors"][0]["field"], "to", "{url}: {}", r.text);
    }
    let ok =
        crate::matrix_fixture::call(&app, &org, 1, "get", &format!("/api/v1/education-report?{RANGE}"), None).await;
    assert_eq!(ok.status.as_u16(), 200, "{}", ok.text);
    assert_eq!(ok.body["total"]["classes"], 3);
    assert_eq!(ok.body["total"]["seats_filled"], 10);
}

api_tests!(the_education_report_page_shows_each_reader_their_trainers);
