//! Approvals and the project page at size: waiting weeks grouped by project with the whole
//! project's counts, 50 lines a page, deciding a line from a later page, a project
//! manager seeing only their projects' lines, and a project's people paged.

use psops_core::Id;
use psops_core::assignments::AssignmentFields;
use psops_core::auth::Role;
use psops_core::people::Function;
use psops_core::reporting::TimesheetActor;
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::{Minutes, time_entries::EntryStatus};
use time::macros::date;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, log, person, project, table_rows, web_user};

async fn approvals_group_count_and_page(app: TestApp) {
    let store = app.store.as_ref();
    let org = SmallOrg::build(store).await;
    let w10 = IsoWeek::new(2026, 10).expect("week");
    let mut people = vec![org.ada];
    for i in 0..59 {
        let p = person(store, &format!("Waiting {i:02}"), Function::Engineer, None, None).await;
        let a = AssignmentFields {
            person_id: Id::new(p),
            project_id: Id::new(org.project),
            role: Function::Engineer,
            start_date: date!(2026 - 01 - 05),
            end_date: Some(date!(2026 - 12 - 31)),
            minutes_per_week: Minutes(600),
        };
        store.create(&WriteCtx::trusted(), a).await.expect("assign");
        log(store, p, org.project, date!(2026 - 03 - 04), 2).await;
        people.push(p);
    }
    for p in &people {
        let owner = TimesheetActor {
            person_id: Some(Id::new(*p)),
            approves_all: false,
            approves_own: false,
        };
        store
            .submit_week(&WriteCtx::trusted(), owner, Id::new(*p), w10)
            .await
            .expect("submit");
    }
    web_user(store, "pat@org.example", vec![Role::ProjectManager], Some(org.pm)).await;
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    let first = pat.get(&app, "/approvals").await.expect(200).text;
    let rows = table_rows(&first, "approvals-table");
    let heading = rows.iter().find(|r| r.len() == 1).expect("a project heading");
    assert!(
        heading[0].contains("Migration") && heading[0].contains("60 weeks from 60 people"),
        "{heading:?}"
    );
    // Row 0 is the header.
    let lines = rows.iter().skip(1).filter(|r| r.len() == 8).count();
    assert_eq!(lines, 50);
    assert!(first.contains("1–50 of 60"));
    let second = pat.get(&app, "/approvals?page=2").await.expect(200).text;
    let rows = table_rows(&second, "approvals-table");
    assert_eq!(rows.iter().skip(1).filter(|r| r.len() == 8).count(), 10);
    assert!(
        rows.iter().any(|r| r[0].contains("60 weeks")),
        "the heading counts every page"
    );
    // Approve the last line, from page 2.
    let last = *people.last().expect("someone");
    let key = format!("{last}.{w10}.{}", org.project);
    assert!(second.contains(&key));
    let back = pat
        .post(&app, "/approvals", &[("approve_one", &key), ("page", "2")])
        .await
        .expect(303);
    assert_eq!(
        back.header("location"),
        Some("/approvals?approved=1&page=2"),
        "back to its page"
    );
    let entries = store
        .list_time_entries(
            &psops_core::time_entries::TimeEntryFilter {
                person_id: Some(Id::new(last)),
                ..Default::default()
            },
            psops_core::page::PageRequest::default(),
        )
        .await
        .expect("entries");
    assert!(entries.items.iter().all(|e| e.status == EntryStatus::Approved));
    let history = pat
        .get(&app, &format!("/approvals/{last}/{w10}"))
        .await
        .expect(200)
        .text;
    assert!(history.contains("Approved the time on"), "the week's history says it");
    assert!(
        pat.get(&app, "/approvals")
            .await
            .expect(200)
            .text
            .contains("1–50 of 59")
    );

    // The project page lists the same 60 people once each, 50 a page, most hours first.
    let page = pat
        .get(&app, &format!("/projects/{}", org.project))
        .await
        .expect(200)
        .text;
    let team = table_rows(&page, "team-table");
    assert_eq!(team.len(), 1 + 50);
    assert_eq!(team[1][0], "Ada Lovelace", "18 h, the most");
    assert!(page.contains("1–50 of 60"));
    let page2 = pat
        .get(&app, &format!("/projects/{}?page=2", org.project))
        .await
        .expect(200)
        .text;
    assert_eq!(table_rows(&page2, "team-table").len(), 1 + 10);
    assert_eq!(
        table_rows(&page2, "month-table").len(),
        1 + 10 + 1,
        "the page's people and everyone"
    );

    // Another project manager sees none of it, and cannot decide it.
    let other = person(store, "Olga Other", Function::ProjectManager, None, None).await;
    web_user(store, "olga@org.example", vec![Role::ProjectManager], Some(other)).await;
    let olga = Browser::sign_in(&app, "olga@org.example").await;
    assert!(
        olga.get(&app, "/approvals")
            .await
            .expect(200)
            .text
            .contains("Nothing is waiting")
    );
    let key = format!("{}.{w10}.{}", org.ada, org.project);
    let refused = olga
        .post(&app, "/approvals", &[("approve_one", &key)])
        .await
        .expect(422);
    assert!(refused.text.contains("not waiting for you"));
}

/// A partner consultant who manages their organisation's project approves their own time
/// on it: the queue and the home page show only that, never the names and hours of the
/// company's or another partner's people they may not read.
async fn a_partner_project_manager_sees_only_what_they_may_read(app: TestApp) {
    let store = app.store.as_ref();
    let org = SmallOrg::build(store).await;
    let migration: psops_core::projects::Project = store.get(Id::new(org.project)).await.expect("project");
    let account = migration.fields.account_id.expect("an account").get();
    let alpha = project(
        store,
        "Alpha Delivery",
        account,
        Some(org.a_consultant),
        Some(org.partner_a),
    )
    .await;
    let w10 = IsoWeek::new(2026, 10).expect("week");
    // Partner people log time only under their organisation's work authorizations.
    let bea: psops_core::people::Person = store.get(Id::new(org.b_consultant)).await.expect("bea");
    let partner_b = bea.fields.partner_id.map(|p| p.get()).expect("partner B");
    for partner in [org.partner_a, partner_b] {
        crate::matrix_partner_funds_fixture::authorization(store, partner, alpha).await;
    }
    for who in [org.a_consultant, org.ada, org.b_consultant] {
        let a = AssignmentFields {
            person_id: Id::new(who),
            project_id: Id::new(alpha),
            role: Function::Engineer,
            start_date: date!(2026 - 01 - 05),
            end_date: Some(date!(2026 - 12 - 31)),
            minutes_per_week: Minutes(600),
        };
        let today = time::OffsetDateTime::now_utc().date();
        psops_demo::vetting::vet_for_work(store, &WriteCtx::trusted(), Id::new(who), today)
            .await
            .expect("vet");
        let today = time::OffsetDateTime::now_utc().date();
        psops_demo::vetting::vet_for_work(store, &WriteCtx::trusted(), Id::new(who), today)
            .await
            .expect("vet");
        store.create(&WriteCtx::trusted(), a).await.expect("assign");
        log(store, who, alpha, date!(2026 - 03 - 04), 3).await;
        let owner = TimesheetActor {
            person_id: Some(Id::new(who)),
            approves_all: false,
            approves_own: false,
        };
        store
            .submit_week(&WriteCtx::trusted(), owner, Id::new(who), w10)
            .await
            .expect("submit");
    }
    let roles = vec![Role::PartnerConsultant, Role::ProjectManager];
    web_user(store, "alan@alpha.example", roles, Some(org.a_consultant)).await;
    let alan = Browser::sign_in(&app, "alan@alpha.example").await;
    let queue = alan.get(&app, "/approvals").await.expect(200).text;
    let rows = table_rows(&queue, "approvals-table");
    let people: Vec<&str> = rows
        .iter()
        .filter(|r| r.len() == 8)
        .skip(1)
        .map(|r| r[1].as_str())
        .collect();
    // Nobody approves their own time: Alan's own week waits for someone else, and the
    // company's and the other partner's people stay out of his sight.
    assert!(people.is_empty(), "{rows:?}");
    assert!(!queue.contains("Ada Lovelace") && !queue.contains("Bea Beta"));
    let home = alan.get(&app, "/").await.expect(200).text;
    assert!(!home.contains("Ada Lovelace") && !home.contains("Bea Beta"));
    for line in [
        format!("{}.{w10}.{alpha}", org.ada),
        format!("{}.{w10}.{alpha}", org.a_consultant),
    ] {
        let refused = alan
            .post(&app, "/approvals", &[("approve_one", &line)])
            .await
            .expect(422);
        assert!(refused.text.contains("not waiting for you"), "{line}");
    }
    // Ops sees all three lines.
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let queue = ops.get(&app, "/approvals").await.expect(200).text;
    for name in ["Alan Alpha", "Ada Lovelace", "Bea Beta"] {
        assert!(queue.contains(name), "{name}");
    }
}

/// Pat opens Ada's submitted week: the days and projects with her note on non-billable
/// time and what is worth a look; he rejects the internal time with a reason from the
/// week's page and approves the project; the queue filters and sorts.
async fn a_week_opens_to_its_detail_and_is_decided_per_project(app: TestApp) {
    use psops_core::code::Code;
    use psops_core::time_entries::{InternalCategory, NewTimeEntry};
    let store = app.store.as_ref();
    let org = SmallOrg::build(store).await;
    let w10 = IsoWeek::new(2026, 10).expect("week");
    let ada = Id::new(org.ada);
    let unbilled = NewTimeEntry {
        person_id: ada,
        project_id: Some(Id::new(org.project)),
        category: None,
        date: date!(2026 - 03 - 04),
        minutes: Minutes(120),
        billable: Some(false),
        note: Some("rework after the customer changed the scope".into()),
    };
    store
        .create_time_entry(&WriteCtx::trusted(), unbilled)
        .await
        .expect("entry");
    let internal = NewTimeEntry {
        project_id: None,
        category: Some(InternalCategory::ALL[0]),
        billable: Some(false),
        note: None,
        date: date!(2026 - 03 - 05),
        minutes: Minutes(60),
        person_id: ada,
    };
    store
        .create_time_entry(&WriteCtx::trusted(), internal)
        .await
        .expect("entry");
    let owner = TimesheetActor {
        person_id: Some(ada),
        approves_all: false,
        approves_own: false,
    };
    store
        .submit_week(&WriteCtx::trusted(), owner, ada, w10)
        .await
        .expect("submit");
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let queue = ops.get(&app, "/approvals").await.expect(200).text;
    let path = format!("/approvals/{}/{w10}", org.ada);
    assert!(
        queue.contains(&format!("href=\"{path}\"")),
        "each week opens to its detail"
    );

    let week = ops.get(&app, &path).await.expect(200).text;
    assert!(
        week.contains("rework after the customer changed the scope"),
        "the note shows"
    );
    assert!(week.contains("non-billable on customer projects"), "and is flagged");
    assert!(
        week.contains("expected this week after holidays and time off"),
        "short of the expected hours"
    );
    let grid = table_rows(&week, "review-table");
    assert!(
        grid.iter()
            .any(|r| r[0].contains("Migration") && r[0].contains("non-billable")),
        "{grid:?}"
    );
    assert!(
        grid.iter()
            .any(|r| r[0].contains("Migration") && r[0].contains("billable") && r[1] == "8:00")
    );
    // A project manager who is not Ada's line manager sees his project's lines, and is
    // not told the week is short by hours he cannot see.
    let olga = person(store, "Olga Other", Function::ProjectManager, None, None).await;
    web_user(store, "olga@org.example", vec![Role::ProjectManager], Some(olga)).await;
    app.patch(
        &format!("/api/v1/projects/{}", org.project),
        &serde_json::json!({ "project_manager_id": olga }),
        "*",
    )
    .await
    .expect(200);
    let theirs = Browser::sign_in(&app, "olga@org.example")
        .await
        .get(&app, &path)
        .await
        .expect(200)
        .text;
    assert!(theirs.contains("on your projects"), "{theirs}");
    assert!(
        !theirs.contains("expected this week") && !theirs.contains("Internal time"),
        "{theirs}"
    );
    assert!(theirs.contains("rework after the customer changed the scope"));
    let project_key = format!("{}.{w10}.{}", org.ada, org.project);
    let internal_key = format!("{}.{w10}.internal", org.ada);
    assert!(
        week.contains(&project_key) && week.contains(&internal_key),
        "one decision per project"
    );

    // Reject the internal time from the week's page: back to it, with the reason in its history.
    let no_reason = ops
        .post(&app, "/approvals", &[("reject_one", &internal_key), ("back", &path)])
        .await;
    assert_eq!(no_reason.status, 422);
    let rejected = ops
        .post(
            &app,
            "/approvals",
            &[
                ("reject_one", &internal_key),
                ("reason", "book it on the project"),
                ("back", &path),
            ],
        )
        .await
        .expect(303);
    assert_eq!(rejected.header("location"), Some(format!("{path}?rejected=1").as_str()));
    let after = ops.get(&app, &path).await.expect(200).text;
    assert!(after.contains("book it on the project"), "the history keeps the reason");
    assert!(!after.contains(&internal_key), "the internal time waits no more");
    // Opened from a sorted second page of the list: the decision comes back to the
    // week, which says what happened and leads back to that page of the list.
    let view = "sort=hours&dir=desc&page=2";
    let approved = ops
        .post(
            &app,
            "/approvals",
            &[("approve_one", &project_key), ("back", &path), ("view", view)],
        )
        .await
        .expect(303);
    let location = approved.header("location").expect("a location").to_string();
    assert_eq!(
        location,
        format!("{path}?approved=1&view=sort%3Dhours%26dir%3Ddesc%26page%3D2")
    );
    let back = ops.get(&app, &location).await.expect(200).text.replace("&#x2f;", "/");
    assert!(back.contains("Approved 1 line."), "{back}");
    assert!(
        back.contains("href=\"/approvals?sort=hours&amp;dir=desc&amp;page=2\">← Approvals"),
        "{back}"
    );
    assert!(back.contains("Approved the time on"), "the history says it");
    let statuses: Vec<EntryStatus> = store
        .list_time_entries(
            &psops_core::time_entries::TimeEntryFilter {
                person_id: Some(ada),
                from: Some(w10.range().start),
                to: Some(w10.range().end),
                ..Default::default()
            },
            psops_core::page::PageRequest { after: None, limit: 50 },
        )
        .await
        .expect("entries")
        .items
        .iter()
        .map(|e| e.status)
        .collect();
    assert!(statuses.contains(&EntryStatus::Approved) && statuses.contains(&EntryStatus::Draft));

    // The queue filters by week, person and project, and a filter that leaves nothing says so.
    let w11 = IsoWeek::new(2026, 11).expect("week");
    store
        .submit_week(&WriteCtx::trusted(), owner, ada, w11)
        .await
        .expect("submit");
    let only = ops
        .get(&app, &format!("/approvals?week={w11}&person=ada"))
        .await
        .expect(200)
        .text;
    assert!(only.contains(&format!("/approvals/{}/{w11}", org.ada)));
    let none = ops.get(&app, "/approvals?person=nobody").await.expect(200).text;
    assert!(none.contains("No waiting line matches these filters"));
    let bad = ops.get(&app, "/approvals?week=someday").await.expect(200).text;
    assert!(bad.contains("ISO week"), "a bad filter is named");
    let sorted = ops.get(&app, "/approvals?sort=hours&dir=desc").await.expect(200).text;
    assert!(sorted.contains("aria-sort=\"descending\""));
}

api_tests!(
    a_week_opens_to_its_detail_and_is_decided_per_project,
    approvals_group_count_and_page,
    a_partner_project_manager_sees_only_what_they_may_read
);
