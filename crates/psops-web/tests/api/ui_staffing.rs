//! The staffing pages: ops reads the people × weeks map with the open requests beside it,
//! opens a request and sees its ranked suggestions with their reasons, books one hard
//! (the request is filled and the person's weeks carry the assignment), holds another
//! soft and releases it, then runs the plan and accepts its lines (each request booked);
//! refusals and bad input come back as pages that say why. A project manager reads the
//! pages without booking; a consultant gets no page and no link.

use psops_core::Id;
use psops_core::Minutes;
use psops_core::accounts::AccountFields;
use psops_core::auth::Role;
use psops_core::people::Function;
use psops_core::plan::{Booking, RequestStatus, RequiredSkill, ResourceRequest, ResourceRequestFields};
use psops_core::skills::{NewPersonSkill, PersonSkill, PersonSkillFields};
use psops_core::staffing::store::AvailabilityQuery;
use psops_core::store::prelude::*;
use psops_core::store::{Created, WriteCtx};
use time::macros::date;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, html, person, project, web_user};

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

struct Org {
    project: i64,
    ada: i64,
    bo: i64,
    /// Hard, Kubernetes 3+ required: only Ada can take it.
    kube: i64,
    /// Soft, anyone.
    soft: i64,
    /// Hard, anyone.
    hard: i64,
}

async fn request(store: &dyn Store, project: i64, booking: Booking, priority: i64, skill: Option<&str>) -> i64 {
    let fields = ResourceRequestFields {
        required_skills: skill
            .map(|s| {
                vec![RequiredSkill {
                    skill: s.into(),
                    min_level: 3,
                }]
            })
            .unwrap_or_default(),
        minutes_per_week: Some(Minutes(1_200)),
        priority,
        ..ResourceRequestFields::new(
            Id::new(project),
            Function::Engineer,
            Minutes(4 * 1_200),
            Some(date!(2026 - 03 - 02)),
            Some(date!(2026 - 03 - 27)),
            booking,
        )
    };
    let r: ResourceRequest = made(store.create(&WriteCtx::trusted(), fields).await.expect("request"));
    r.id.get()
}

async fn skill(store: &dyn Store, who: i64, name: &str, level: i64) {
    let s = NewPersonSkill {
        person_id: Id::new(who),
        fields: PersonSkillFields {
            skill: name.into(),
            level,
            growth: false,
        },
    };
    let _: PersonSkill = made(store.create(&WriteCtx::trusted(), s).await.expect("skill"));
}

async fn org(store: &dyn Store) -> Org {
    let account = AccountFields {
        name: "Contoso".into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    let account = made(store.create(&WriteCtx::trusted(), account).await.expect("account"))
        .id
        .get();
    let pm = person(store, "Pat Manager", Function::ProjectManager, None, None).await;
    let ada = person(store, "Ada Lovelace", Function::Engineer, None, None).await;
    let bo = person(store, "Bo Builder", Function::Engineer, None, None).await;
    skill(store, ada, "Kubernetes", 4).await;
    skill(store, bo, "Kubernetes", 2).await;
    let project = project(store, "Contoso rollout", account, Some(pm), None).await;
    web_user(store, "pat@org.example", vec![Role::ProjectManager], Some(pm)).await;
    Org {
        project,
        ada,
        bo,
        kube: request(store, project, Booking::Hard, 1, Some("Kubernetes")).await,
        soft: request(store, project, Booking::Soft, 3, None).await,
        hard: request(store, project, Booking::Hard, 2, None).await,
    }
}

/// Ada's or Bo's hard and soft minutes in the first week of March, as the store has them.
async fn week_of(store: &dyn Store, who: i64) -> (i64, i64) {
    let q = AvailabilityQuery {
        from: Some(date!(2026 - 03 - 02)),
        weeks: Some(1),
        limit: 50,
        ..Default::default()
    };
    let a = store
        .availability(&q, date!(2026 - 02 - 20))
        .await
        .expect("availability");
    let row = a.people.iter().find(|r| r.person_id.get() == who).expect("on the map");
    (row.weeks[0].hard, row.weeks[0].soft)
}

async fn stored(store: &dyn Store, id: i64) -> ResourceRequest {
    RecordStore::<ResourceRequest>::get(store, Id::new(id))
        .await
        .expect("request")
}

/// The values of the plan's ticked checkboxes.
fn picks(page: &str) -> Vec<String> {
    page.split("name=\"pick\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

async fn ops_reads_books_and_accepts_a_plan(app: TestApp) {
    let store = app.store.as_ref();
    let o = org(store).await;
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let home = html(&ops.get(&app, "/").await.expect(200));
    assert!(home.contains("href=\"/staffing\""), "Staffing in the navigation");

    // The map: both engineers, nothing booked yet, the open requests beside it.
    let map = html(&ops.get(&app, "/staffing?from=2026-03-02&weeks=5").await.expect(200));
    for part in [
        "id=\"heatmap\"",
        "Ada Lovelace",
        "Bo Builder",
        "id=\"legend\"",
        "Over-booked",
        "id=\"open-table\"",
    ] {
        assert!(map.contains(part), "the map shows {part}: {map}");
    }
    assert!(
        map.contains("title=\"Available 40 h of 40 h, hard 0 h, soft 0 h, free 40 h\""),
        "{map}"
    );
    assert!(
        map.contains(&format!("href=\"/staffing/requests/{}\"", o.kube)),
        "{map}"
    );
    assert!(map.contains("1–3 of 3"), "the pager counts everyone: {map}");
    let engineers = html(
        &ops.get(&app, "/staffing?from=2026-03-02&function=engineer&skill=kubernetes")
            .await
            .expect(200),
    );
    assert!(
        engineers.contains("1–2 of 2") && !engineers.contains("Pat Manager"),
        "{engineers}"
    );

    // Bad input says what is wrong on the page, with the form to fix it.
    let bad = html(&ops.get(&app, "/staffing?weeks=99").await.expect(422));
    assert!(bad.contains("Weeks must be a whole number from 1 to 53."), "{bad}");
    assert!(
        bad.contains("id=\"heatmap\""),
        "the map of this week is shown meanwhile"
    );
    let bad = html(&ops.get(&app, "/staffing?from=March").await.expect(422));
    assert!(bad.contains("class=\"problem\""), "{bad}");

    // The request: its facts and Ada, ranked with her reasons; Bo ruled out by skill.
    let project_link = format!("href=\"/projects/{}\"", o.project);
    let page = html(
        &ops.get(&app, &format!("/staffing/requests/{}", o.kube))
            .await
            .expect(200),
    );
    for part in [
        "Contoso rollout",
        "Kubernetes 3+",
        "20.00 h a week",
        "1 (1 is most urgent)",
        "Nobody yet",
        "id=\"suggestions-internal\"",
        "1 of the 2 internal people in the engineer role can take it",
        "ruled out: 1 by skill",
        "Book hard",
        "checks passed",
        "vs 70 % target",
        project_link.as_str(),
    ] {
        assert!(page.contains(part), "the request's page shows {part}: {page}");
    }
    assert!(
        page.contains(&format!("data-person=\"{}\"", o.ada)) && !page.contains(&format!("data-person=\"{}\"", o.bo))
    );

    // Booked hard: the request is filled and Ada's weeks carry the assignment.
    let done = ops
        .post(
            &app,
            &format!("/staffing/requests/{}/book", o.kube),
            &[("person_id", &o.ada.to_string()), ("booking", "hard")],
        )
        .await
        .expect(303);
    let to = done.header("location").unwrap_or_default().to_string();
    assert_eq!(to, format!("/staffing/requests/{}?done=hard", o.kube));
    let after = html(&ops.get(&app, &to).await.expect(200));
    assert!(
        after.contains("Booked hard to Ada Lovelace: the assignment is made"),
        "{after}"
    );
    assert!(!after.contains("Book hard"), "a filled request is not booked again");
    let r = stored(store, o.kube).await;
    assert_eq!(
        (r.fields.status, r.fields.person_id.map(|p| p.get())),
        (RequestStatus::Filled, Some(o.ada))
    );
    assert_eq!(week_of(store, o.ada).await, (1_200, 0));
    let map = html(&ops.get(&app, "/staffing?from=2026-03-02&weeks=5").await.expect(200));
    assert!(
        map.contains("<td class=\"b2\" title=\"Available 40 h of 40 h, hard 20 h, soft 0 h, free 20 h\">50</td>"),
        "Ada's weeks are half booked: {map}"
    );
    // Again: refused with the reason, nothing done.
    let again = ops
        .post(
            &app,
            &format!("/staffing/requests/{}/book", o.kube),
            &[("person_id", &o.bo.to_string()), ("booking", "hard")],
        )
        .await
        .expect(409);
    assert!(
        html(&again).contains("only an open request is booked"),
        "{}",
        again.text
    );
    ops.post(
        &app,
        &format!("/staffing/requests/{}/book", o.soft),
        &[("booking", "hard")],
    )
    .await
    .expect(422);
    ops.get(&app, "/staffing/requests/999999").await.expect(404);

    // Held soft, then released.
    let soft = format!("/staffing/requests/{}", o.soft);
    let bo = o.bo.to_string();
    ops.post(
        &app,
        &format!("{soft}/book"),
        &[("person_id", &bo), ("booking", "soft")],
    )
    .await
    .expect(303);
    let held = html(&ops.get(&app, &format!("{soft}?done=soft")).await.expect(200));
    assert!(
        held.contains("Held soft for Bo Builder") && held.contains("id=\"release\""),
        "{held}"
    );
    assert_eq!(week_of(store, o.bo).await, (0, 1_200));
    let released = ops.post(&app, &format!("{soft}/release"), &[]).await.expect(303);
    assert_eq!(
        released.header("location"),
        Some(format!("{soft}?done=released").as_str())
    );
    assert_eq!(stored(store, o.soft).await.fields.person_id, None);
    ops.post(&app, &format!("{soft}/release"), &[]).await.expect(409);

    // The plan fills the two left, and accepting it books both.
    let plan = html(
        &ops.get(&app, "/staffing/plan?from=2026-03-01&to=2026-03-31")
            .await
            .expect(200),
    );
    for part in ["id=\"plan-figures\"", "id=\"plan-lines\"", "Accept selected", "100.0 %"] {
        assert!(plan.contains(part), "the plan shows {part}: {plan}");
    }
    let ticked = picks(&plan);
    assert_eq!(ticked.len(), 2, "{plan}");
    for id in [o.soft, o.hard] {
        assert!(ticked.iter().any(|k| k.starts_with(&format!("{id}:"))), "{ticked:?}");
    }
    let mut form: Vec<(&str, &str)> = vec![("from", "2026-03-01"), ("to", "2026-03-31")];
    form.extend(ticked.iter().map(|k| ("pick", k.as_str())));
    let accepted = ops.post(&app, "/staffing/plan/accept", &form).await.expect(303);
    assert_eq!(accepted.header("location"), Some("/staffing?made=2"));
    let map = html(
        &ops.get(&app, "/staffing?made=2&from=2026-03-02&weeks=5")
            .await
            .expect(200),
    );
    assert!(map.contains("2 bookings made."), "{map}");
    assert_eq!(stored(store, o.hard).await.fields.status, RequestStatus::Filled);
    assert!(
        stored(store, o.soft).await.fields.person_id.is_some(),
        "the soft request is held"
    );
    assert!(map.contains("id=\"no-open\""), "no open request is left: {map}");

    // Accepting nothing, or what is gone, is refused on the plan page.
    let none = html(
        &ops.post(&app, "/staffing/plan/accept", &[("from", "2026-03-01")])
            .await
            .expect(422),
    );
    assert!(none.contains("Tick at least one line to accept."), "{none}");
    let stale = format!("{}:{}", o.hard, o.bo);
    let gone = ops
        .post(&app, "/staffing/plan/accept", &[("pick", stale.as_str())])
        .await
        .expect(409);
    assert!(html(&gone).contains("only an open request is booked"), "{}", gone.text);
    let window = html(
        &ops.get(&app, "/staffing/plan?from=2026-03-31&to=2026-03-01")
            .await
            .expect(422),
    );
    assert!(window.contains("To must be on or after from."), "{window}");
}

async fn a_manager_reads_and_a_consultant_is_refused(app: TestApp) {
    let store = app.store.as_ref();
    let o = org(store).await;
    let request = format!("/staffing/requests/{}", o.kube);

    let pat = Browser::sign_in(&app, "pat@org.example").await;
    let home = html(&pat.get(&app, "/").await.expect(200));
    assert!(home.contains("href=\"/staffing\""), "a project manager reads staffing");
    pat.get(&app, "/staffing").await.expect(200);
    let page = html(&pat.get(&app, &request).await.expect(200));
    assert!(
        page.contains("id=\"suggestions-internal\"") && !page.contains("Book hard"),
        "{page}"
    );
    let plan = html(
        &pat.get(&app, "/staffing/plan?from=2026-03-01&to=2026-03-31")
            .await
            .expect(200),
    );
    assert!(
        plan.contains("id=\"plan-lines\"") && !plan.contains("Accept selected"),
        "{plan}"
    );
    let ada = o.ada.to_string();
    pat.post(
        &app,
        &format!("{request}/book"),
        &[("person_id", &ada), ("booking", "hard")],
    )
    .await
    .expect(403);

    web_user(store, "cy@org.example", vec![Role::Consultant], Some(o.bo)).await;
    let cy = Browser::sign_in(&app, "cy@org.example").await;
    let home = html(&cy.get(&app, "/").await.expect(200));
    assert!(!home.contains("href=\"/staffing\""), "no link for a consultant");
    for path in ["/staffing", "/staffing/plan", request.as_str()] {
        cy.get(&app, path).await.expect(404);
    }
    cy.post(
        &app,
        &format!("{request}/book"),
        &[("person_id", &ada), ("booking", "hard")],
    )
    .await
    .expect(404);
    cy.post(&app, "/staffing/plan/accept", &[("pick", "1:1")])
        .await
        .expect(404);
    assert_eq!(stored(store, o.kube).await.fields.status, RequestStatus::Open);
    // A form without its CSRF token is refused before anything else.
    pat.post_bare(&app, &format!("{request}/book"), &[("person_id", &ada)])
        .await
        .expect(403);
}

/// Fifty people a page, the filters kept from page to page.
async fn the_map_pages_fifty_people_at_a_time(app: TestApp) {
    let store = app.store.as_ref();
    for i in 0..55 {
        person(store, &format!("Eng {i:02}"), Function::Engineer, None, None).await;
    }
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let first = html(&ops.get(&app, "/staffing?function=engineer&weeks=26").await.expect(200));
    assert_eq!(first.matches("<tr data-person=").count(), 50);
    assert_eq!(first.matches("<td class=\"b").count(), 50 * 26, "one light cell a week");
    assert!(first.contains("1–50 of 55"), "{first}");
    let next = "/staffing?function=engineer&weeks=26&offset=50";
    assert!(first.contains(&format!("rel=\"next\" href=\"{next}\"")), "{first}");
    let second = html(&ops.get(&app, next).await.expect(200));
    assert_eq!(second.matches("<tr data-person=").count(), 5);
    assert!(second.contains("51–55 of 55") && second.contains("Eng 54"), "{second}");
    assert!(
        second.contains("rel=\"prev\" href=\"/staffing?function=engineer&weeks=26\""),
        "{second}"
    );
}

/// The rows of a list page, in order: the value of each `data-request`.
fn listed(page: &str) -> Vec<i64> {
    page.split("data-request=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// The requests across projects, sorted, filtered and paged; a person's bookings; the
/// forecast utilization moving when someone is booked — and who may read each.
async fn the_requests_bookings_and_forecast_pages(app: TestApp) {
    let store = app.store.as_ref();
    let o = org(store).await;
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let map = html(&ops.get(&app, "/staffing").await.expect(200));
    for link in ["href=\"/staffing/requests\"", "href=\"/staffing/forecast\""] {
        assert!(map.contains(link), "the map links {link}");
    }

    // Waiting, most urgent first; sorted by priority the other way; by project.
    let list = html(&ops.get(&app, "/staffing/requests").await.expect(200));
    assert_eq!(listed(&list), vec![o.kube, o.hard, o.soft], "{list}");
    assert!(list.contains("1–3 of 3") && list.contains("Contoso rollout"), "{list}");
    assert!(list.contains(&format!("href=\"/staffing/requests/{}\"", o.kube)));
    assert!(list.contains("data-label=\"h/week\">20</td>"), "h/week: {list}");
    let desc = html(
        &ops.get(&app, "/staffing/requests?sort=priority&dir=desc")
            .await
            .expect(200),
    );
    assert_eq!(listed(&desc), vec![o.soft, o.hard, o.kube]);
    assert!(desc.contains("aria-sort=\"descending\""), "{desc}");
    let soft_only = html(&ops.get(&app, "/staffing/requests?booking=soft").await.expect(200));
    assert_eq!(listed(&soft_only), vec![o.soft]);
    let none = html(
        &ops.get(&app, "/staffing/requests?role=project_manager")
            .await
            .expect(200),
    );
    assert!(none.contains("id=\"no-requests\""), "{none}");
    let mine = html(
        &ops.get(&app, &format!("/staffing/requests?project_id={}", o.project))
            .await
            .expect(200),
    );
    assert!(
        mine.contains("id=\"only-project\"") && listed(&mine).len() == 3,
        "{mine}"
    );
    let bad = html(
        &ops.get(&app, "/staffing/requests?sort=size&project_id=x")
            .await
            .expect(422),
    );
    assert!(
        bad.contains("class=\"problem\"") && bad.contains("id=\"request-tabs\""),
        "{bad}"
    );

    // Booked: Ada hard to the Kubernetes request, Bo holds the soft one.
    let ada = o.ada.to_string();
    let bo = o.bo.to_string();
    ops.post(
        &app,
        &format!("/staffing/requests/{}/book", o.kube),
        &[("person_id", ada.as_str()), ("booking", "hard")],
    )
    .await
    .expect(303);
    ops.post(
        &app,
        &format!("/staffing/requests/{}/book", o.soft),
        &[("person_id", bo.as_str()), ("booking", "soft")],
    )
    .await
    .expect(303);
    let waiting = html(&ops.get(&app, "/staffing/requests").await.expect(200));
    assert_eq!(listed(&waiting), vec![o.hard]);
    let held = html(&ops.get(&app, "/staffing/requests?view=held").await.expect(200));
    assert_eq!(listed(&held), vec![o.soft]);
    assert!(
        held.contains("Held for") && held.contains(&format!("href=\"/people/{}/bookings\">Bo Builder", o.bo)),
        "{held}"
    );
    let filled = html(&ops.get(&app, "/staffing/requests?view=filled").await.expect(200));
    assert!(
        listed(&filled) == vec![o.kube] && filled.contains("Filled by") && filled.contains("Ada Lovelace"),
        "{filled}"
    );

    // Their bookings: Ada's assignment half her week, Bo's hold with its request.
    let page = html(
        &ops.get(&app, &format!("/people/{}/bookings?from=2026-03-02&weeks=5", o.ada))
            .await
            .expect(200),
    );
    for part in [
        "id=\"bookings-table\"",
        "Contoso rollout",
        "Hard",
        "title=\"Available 40 h of 40 h, hard 20 h, soft 0 h, free 20 h\">50</td>",
    ] {
        assert!(page.contains(part), "Ada's bookings show {part}: {page}");
    }
    let person = html(&ops.get(&app, &format!("/people/{}", o.ada)).await.expect(200));
    assert!(
        person.contains(&format!("href=\"/people/{}/bookings\"", o.ada)),
        "{person}"
    );
    let page = html(
        &ops.get(&app, &format!("/people/{}/bookings?from=2026-03-02&weeks=5", o.bo))
            .await
            .expect(200),
    );
    assert!(
        page.contains("Soft") && page.contains(&format!("href=\"/staffing/requests/{}\"", o.soft)),
        "{page}"
    );
    let later = html(
        &ops.get(&app, &format!("/people/{}/bookings?from=2026-06-01", o.ada))
            .await
            .expect(200),
    );
    assert!(later.contains("id=\"no-bookings\""), "{later}");
    let bad = html(
        &ops.get(&app, &format!("/people/{}/bookings?weeks=0", o.ada))
            .await
            .expect(422),
    );
    assert!(bad.contains("Weeks must be a whole number from 1 to 53."), "{bad}");
    ops.get(&app, "/people/999999/bookings").await.expect(404);

    // The forecast: Ada's first week is 20 h of 40 h billable, hard (92.5 %): 46 %; Bo's
    // soft 20 h count 40 %: 20 %. Both below the engineers' 70 % target.
    let by_person = html(
        &ops.get(&app, "/staffing/forecast?group=person&from=2026-03-02&weeks=4")
            .await
            .expect(200),
    );
    for part in [
        "id=\"forecast-chart\"",
        "<svg",
        "id=\"forecast-all\"",
        "title=\"Weighted 46.3 %, upside 50.0 %, target 70.0 %; billable hard 20 h, soft 0 h of 40 h\">46</td>",
        "title=\"Weighted 20.0 %, upside 50.0 %, target 70.0 %; billable hard 0 h, soft 20 h of 40 h\">20</td>",
        "class=\"under\"",
    ] {
        assert!(by_person.contains(part), "the forecast shows {part}: {by_person}");
    }
    assert!(by_person.contains(&format!("data-group=\"{}\"", o.ada)), "{by_person}");
    let by_function = html(
        &ops.get(&app, "/staffing/forecast?from=2026-03-02&weeks=4")
            .await
            .expect(200),
    );
    assert!(
        by_function.contains("data-group=\"engineer\"") && by_function.contains("aria-current=\"page\">By function"),
        "{by_function}"
    );
    let bad = html(&ops.get(&app, "/staffing/forecast?group=team").await.expect(422));
    assert!(
        bad.contains("class=\"problem\"") && bad.contains("id=\"forecast-table\""),
        "{bad}"
    );

    // A consultant reads their own bookings and nothing else here.
    web_user(store, "bo@org.example", vec![Role::Consultant], Some(o.bo)).await;
    let me = Browser::sign_in(&app, "bo@org.example").await;
    let own = html(&me.get(&app, &format!("/people/{}/bookings", o.bo)).await.expect(200));
    assert!(
        own.contains("Bo Builder: bookings") && !own.contains("href=\"/staffing\""),
        "{own}"
    );
    me.get(&app, &format!("/people/{}/bookings", o.ada)).await.expect(404);
    for path in ["/staffing/requests", "/staffing/forecast"] {
        me.get(&app, path).await.expect(404);
    }
    // A project manager reads the lists.
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    pat.get(&app, "/staffing/requests?view=filled").await.expect(200);
    pat.get(&app, "/staffing/forecast").await.expect(200);
}

api_tests!(
    the_requests_bookings_and_forecast_pages,
    ops_reads_books_and_accepts_a_plan,
    a_manager_reads_and_a_consultant_is_refused,
    the_map_pages_fifty_people_at_a_time
);
