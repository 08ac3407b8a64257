//! The record forms, signed in through the real sign-in: ops adds and changes people,
//! partners, accounts, contacts, projects and assignments in the web app, with the API's
//! rules and errors named on their fields, nothing half-saved, a stale edit refused with
//! what is stored now, archive and restore — and each form open only to the roles the
//! policy lets write that record.

use psops_core::accounts::{AccountFilter, ContactFilter};
use psops_core::assignments::AssignmentFilter;
use psops_core::auth::Role;
use psops_core::page::PageRequest;
use psops_core::people::{Person, PersonFilter};
use psops_core::projects::{Project, ProjectFilter};
use psops_core::store::{RecordStore, Records as _};
use psops_core::{Id, Minutes};

use crate::support::{Resp, TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, web_user};

const ALL: PageRequest = PageRequest {
    after: None,
    limit: 500,
};

/// The id in a redirect such as `/people/12?saved=1`.
pub fn saved_id(r: &Resp, path: &str) -> i64 {
    assert_eq!(r.status, 303, "saved: {}", r.text);
    let to = r.header("location").unwrap_or_default();
    assert!(to.ends_with("saved=1"), "{to}");
    to.trim_start_matches(path)
        .split(['?', '/'])
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {to}"))
}

/// The inline errors of a form, as (input, message).
fn inline_errors(html: &str) -> Vec<(String, String)> {
    html.split("<p class=\"error\" id=\"e-")
        .skip(1)
        .filter_map(|rest| {
            let (field, rest) = rest.split_once("\">")?;
            let (message, _) = rest.split_once("</p>")?;
            Some((field.to_string(), message.to_string()))
        })
        .collect()
}

pub fn version_in(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").expect("version") + "name=\"version\" value=\"".len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

async fn ops_runs_the_records_from_forms(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(app.store.as_ref(), "ops@org.example", vec![Role::Ops], None).await;
    let b = Browser::sign_in(&app, "ops@org.example").await;
    let people_before = app
        .store
        .list(&PersonFilter::default(), ALL)
        .await
        .expect("people")
        .items
        .len();

    // A person: every broken rule told at once on its field, and nothing saved.
    let form = b.get(&app, "/people/new").await.expect(200);
    assert!(form.text.contains("name=\"employment_start\"") && form.text.contains("value=\"UTC\""));
    let bad = b
        .post(
            &app,
            "/people/new",
            &[
                ("name", ""),
                ("email", "not-an-address"),
                ("function", "engineer"),
                ("region", "EMEA"),
                ("time_zone", "Moon Base"),
                ("fte", "1.5"),
                ("employment_start", "2026-12-01"),
                ("manager_id", "Nobody Of That Name"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = inline_errors(&bad.text).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["name", "email", "time_zone", "fte", "manager_id"],
        "{}",
        bad.text
    );
    assert!(
        bad.text.contains("value=\"not-an-address\""),
        "what was typed stays in the form"
    );
    let after = app
        .store
        .list(&PersonFilter::default(), ALL)
        .await
        .expect("people")
        .items
        .len();
    assert_eq!(after, people_before, "a refused form saves nothing");

    let good = [
        ("name", "Grace Hopper"),
        ("email", "grace@org.example"),
        ("function", "engineer"),
        ("region", "EMEA"),
        ("time_zone", "Europe/Berlin"),
        ("fte", "0.8"),
        ("employment_start", "2026-03-02"),
        ("manager_id", "Pat"),
    ];
    let grace = saved_id(&b.post(&app, "/people/new", &good).await, "/people/");
    let stored: Person = app.store.get(Id::new(grace)).await.expect("grace");
    assert_eq!(
        stored.fields.manager_id,
        Some(Id::new(org.pm)),
        "the manager was found by name"
    );
    assert_eq!(stored.fields.fte.basis_points(), 8000);
    let again = b.post(&app, "/people/new", &good).await;
    assert_eq!(again.status, 422, "a second person with the e-mail is refused");
    assert!(
        inline_errors(&again.text).iter().any(|(f, _)| f == "email"),
        "{}",
        again.text
    );

    // Changing her: the form shows what is stored, references by name.
    let edit = b.get(&app, &format!("/people/{grace}/edit")).await.expect(200);
    assert!(
        edit.text.contains(&format!("Pat Manager (#{})", org.pm)),
        "{}",
        edit.text
    );
    let v1 = version_in(&edit.text);
    let mut change: Vec<(&str, &str)> = good.to_vec();
    change[0] = ("name", "Grace B. Hopper");
    change[7] = ("manager_id", "");
    change.push(("version", &v1));
    let path = format!("/people/{grace}/edit");
    assert_eq!(saved_id(&b.post(&app, &path, &change).await, "/people/"), grace);
    let stored: Person = app.store.get(Id::new(grace)).await.expect("grace");
    assert_eq!(stored.fields.name, "Grace B. Hopper");
    assert_eq!(stored.fields.manager_id, None, "an emptied input clears its field");
    // The same form again is stale: nothing is overwritten, and the stored value shows.
    change[0] = ("name", "Amazing Grace");
    let stale = b.post(&app, &path, &change).await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    assert!(stale.text.contains("Someone else changed this person"));
    assert!(
        stale.text.contains("Stored now: <strong>Grace B. Hopper</strong>"),
        "{}",
        stale.text
    );
    let kept: Person = app.store.get(Id::new(grace)).await.expect("grace");
    assert_eq!(kept.fields.name, "Grace B. Hopper", "the other save is kept");
    // Saving from the refreshed form (it carries the stored version) goes through.
    let v2 = version_in(&stale.text);
    change.pop();
    change.push(("version", &v2));
    saved_id(&b.post(&app, &path, &change).await, "/people/");

    // Archive and restore, under the version.
    let edit = b.get(&app, &path).await.expect(200);
    let v = version_in(&edit.text);
    let archive = format!("/people/{grace}/archive");
    saved_id(
        &b.post(&app, &archive, &[("archived", "true"), ("version", &v)]).await,
        "/people/",
    );
    let gone: Person = app.store.get(Id::new(grace)).await.expect("grace");
    assert!(gone.meta.is_archived());
    let stale_archive = b.post(&app, &archive, &[("archived", "false"), ("version", &v)]).await;
    assert_eq!(stale_archive.status, 409, "an archive under an old version is refused");
    let v = gone.meta.version.to_string();
    saved_id(
        &b.post(&app, &archive, &[("archived", "false"), ("version", &v)]).await,
        "/people/",
    );

    // A partner, an account with a contact, a project on it, and Grace staffed there.
    let partner = saved_id(
        &b.post(
            &app,
            "/partners/new",
            &[("name", "Hooli Services"), ("partner_type", "direct")],
        )
        .await,
        "/partners/",
    );
    b.get(&app, &format!("/partners/{partner}")).await.expect(200);
    let account = saved_id(
        &b.post(
            &app,
            "/accounts/new",
            &[("name", "Umbrella Corp"), ("code", "UMB"), ("currency", "EUR")],
        )
        .await,
        "/accounts/",
    );
    let contact_form = b
        .get(&app, &format!("/contacts/new?account={account}"))
        .await
        .expect(200);
    assert!(
        contact_form
            .text
            .contains(&format!("name=\"account\" value=\"{account}\""))
    );
    assert!(
        contact_form.text.contains("<h1>New contact for Umbrella Corp</h1>"),
        "the form names its account"
    );
    let contact = b
        .post(
            &app,
            "/contacts/new",
            &[
                ("account", &account.to_string()),
                ("name", "Alice Wong"),
                ("email", "alice@umbrella.example"),
            ],
        )
        .await;
    assert_eq!(
        saved_id(&contact, "/accounts/"),
        account,
        "a contact shows on its account"
    );
    let contacts = RecordStore::<psops_core::accounts::Contact>::list_records(
        app.store.as_ref(),
        &ContactFilter {
            account_id: Id::new(account),
            archived: None,
        },
        ALL,
    )
    .await
    .expect("contacts");
    assert_eq!(contacts.items.len(), 1);
    let page = b.get(&app, &format!("/accounts/{account}")).await.expect(200);
    assert!(page.text.contains("Alice Wong") && page.text.contains("Umbrella Corp"));
    let list = b.get(&app, "/accounts?q=umbr").await.expect(200);
    assert!(list.text.contains("Umbrella Corp"));
    let accounts = app.store.list(&AccountFilter::default(), ALL).await.expect("accounts");
    assert!(
        accounts
            .items
            .iter()
            .any(|a| a.fields.currency.map(|c| c.to_string()) == Some("EUR".into()))
    );

    let bad_project = b
        .post(
            &app,
            "/projects/new",
            &[
                ("name", "Umbrella migration"),
                ("account_id", "Umbrella"),
                ("project_type", "consulting"),
                ("billing_type", "time_and_materials"),
                ("status", "active"),
                ("start_date", "2026-12-01"),
                ("end_date", "2026-11-01"),
                ("budget_minutes", "a lot"),
                ("budget", "1.234"),
                ("budget.currency", "USD"),
            ],
        )
        .await;
    assert_eq!(bad_project.status, 422);
    let fields: Vec<String> = inline_errors(&bad_project.text).into_iter().map(|(f, _)| f).collect();
    assert!(
        ["end_date", "budget_minutes", "budget"]
            .iter()
            .all(|f| fields.iter().any(|x| x == f)),
        "{fields:?}"
    );
    let project = saved_id(
        &b.post(
            &app,
            "/projects/new",
            &[
                ("name", "Umbrella migration"),
                ("account_id", "Umbrella"),
                ("project_type", "consulting"),
                ("billing_type", "time_and_materials"),
                ("status", "active"),
                ("start_date", "2026-03-02"),
                ("end_date", "2026-12-31"),
                ("project_manager_id", &format!("Pat Manager (#{})", org.pm)),
                ("budget_minutes", "400"),
                ("budget", "120,000.50"),
                ("budget.currency", "EUR"),
            ],
        )
        .await,
        "/projects/",
    );
    let stored: Project = app.store.get(Id::new(project)).await.expect("project");
    assert_eq!(stored.fields.account_id, Some(Id::new(account)));
    assert_eq!(stored.fields.budget_minutes, Some(Minutes(400 * 60)));
    assert_eq!(stored.fields.budget.map(|m| m.amount_minor), Some(12_000_050));
    let page = b.get(&app, &format!("/projects/{project}")).await.expect(200);
    assert!(
        page.text.contains(&format!("/assignments/new?project={project}")),
        "ops may staff it"
    );

    let staffed = b
        .post(
            &app,
            "/assignments/new",
            &[
                ("person_id", &format!("Grace B. Hopper (#{grace})")),
                ("project_id", &format!("Umbrella migration (#{project})")),
                ("role", "engineer"),
                ("start_date", "2026-03-02"),
                ("end_date", "2026-12-31"),
                ("minutes_per_week", "20:30"),
            ],
        )
        .await;
    assert_eq!(saved_id(&staffed, "/projects/"), project);
    let filter = AssignmentFilter {
        project_id: Some(Id::new(project)),
        ..Default::default()
    };
    let stints = app.store.list(&filter, ALL).await.expect("assignments").items;
    assert_eq!(stints.len(), 1);
    assert_eq!(stints[0].fields.minutes_per_week, Minutes(20 * 60 + 30));
    let team = b.get(&app, &format!("/projects/{project}")).await.expect(200);
    assert!(team.text.contains("Amazing Grace"), "{}", team.text);
    assert!(team.text.contains(&format!("/assignments/{}/edit", stints[0].id)));

    // Every change is in the audit log, under the user who made it.
    let audit = b.get(&app, "/admin/audit?entity=person").await.expect(200);
    assert!(audit.text.contains("Grace"), "{}", audit.text);
    let projects = app
        .store
        .list(
            &ProjectFilter {
                q: Some("Umbrella".into()),
                ..Default::default()
            },
            ALL,
        )
        .await
        .expect("projects");
    assert_eq!(projects.items.len(), 1, "the refused project saved nothing");
}

/// Each form opens to the roles that may write its record, and its buttons show to them
/// only: (path, statuses for admin ops finance practice engagement pm consultant
/// partner-manager partner-consultant).
async fn forms_open_to_the_roles_that_may_write(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let roles = [
        Role::Admin,
        Role::Ops,
        Role::Finance,
        Role::PracticeManager,
        Role::EngagementManager,
        Role::ProjectManager,
        Role::Consultant,
        Role::PartnerManager,
        Role::PartnerConsultant,
    ];
    let mut browsers = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let person = match role {
            Role::ProjectManager => Some(org.pm),
            Role::PartnerManager | Role::PartnerConsultant => Some(org.a_consultant),
            Role::Consultant => Some(org.ada),
            _ => None,
        };
        let email = format!("role{i}@org.example");
        web_user(app.store.as_ref(), &email, vec![*role], person).await;
        browsers.push(Browser::sign_in(&app, &email).await);
    }
    let project = org.project;
    let other = org.b_project;
    let account = app
        .store
        .list(&AccountFilter::default(), ALL)
        .await
        .expect("accounts")
        .items[0]
        .id;
    let rows: Vec<(String, &str)> = vec![
        ("/people/new".into(), "200 200 403 403 403 403 403 403 403"),
        (
            format!("/people/{}/edit", org.ada),
            "200 200 403 403 403 403 403 404 404",
        ),
        ("/partners/new".into(), "200 200 403 403 403 403 403 403 403"),
        (
            format!("/partners/{}/edit", org.partner_a),
            "200 200 403 403 403 403 403 403 403",
        ),
        ("/accounts/new".into(), "200 200 403 403 200 403 403 403 403"),
        ("/projects/new".into(), "200 200 403 403 200 403 403 403 403"),
        (
            format!("/projects/{project}/edit"),
            "200 200 403 403 403 200 403 404 404",
        ),
        (format!("/projects/{other}/edit"), "200 200 403 403 403 404 404 404 404"),
        ("/assignments/new".into(), "200 200 403 403 403 200 403 403 403"),
        ("/accounts".into(), "200 200 200 200 200 200 200 200 200"),
        ("/partners".into(), "200 200 200 200 200 200 200 200 200"),
        (
            format!("/partners/{}", org.partner_a),
            "200 200 200 200 200 200 200 200 200",
        ),
        (
            format!("/contacts/new?account={account}"),
            "200 200 403 403 200 403 403 403 403",
        ),
        ("/me/time-off".into(), "404 404 404 404 404 200 200 200 200"),
        (
            format!("/approvals/{}/2026-W10", org.ada),
            "200 200 200 404 404 200 200 404 404",
        ),
        ("/admin/outbox".into(), "200 200 404 404 404 200 404 404 404"),
        ("/admin/capacity".into(), "200 200 200 200 200 200 200 200 200"),
        ("/pick/person?q=a".into(), "200 200 200 200 200 200 200 200 200"),
    ];
    let mut wrong = Vec::new();
    for (path, want) in &rows {
        let want: Vec<&str> = want.split(' ').collect();
        for (i, b) in browsers.iter().enumerate() {
            let got = b.get(&app, path).await.status;
            if got.as_u16().to_string() != want[i] {
                wrong.push(format!("{path} as {:?}: {got}, want {}", roles[i], want[i]));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // A write to a form the role may not open is refused the same way.
    let refused = browsers[6]
        .post(&app, "/people/new", &[("name", "Eve"), ("email", "eve@org.example")])
        .await;
    assert_eq!(refused.status, 403);
    // A refusal is a page inside the normal layout, not a dead end.
    let page = browsers[6].get(&app, "/people/new").await;
    assert!(page.text.contains("<nav aria-label=\"Main\">") && page.text.contains("Not allowed"));
    let lost = browsers[6].get(&app, "/no/such/page").await;
    assert_eq!(lost.status, 404);
    assert!(
        lost.text.contains("<nav aria-label=\"Main\">"),
        "a 404 keeps the navigation"
    );
    // The buttons follow the same rule.
    let ops_people = browsers[1].get(&app, "/people").await.expect(200);
    assert!(ops_people.text.contains("href=\"/people/new\""));
    let consultant_people = browsers[6].get(&app, "/people").await.expect(200);
    assert!(!consultant_people.text.contains("href=\"/people/new\""));
    let pm_project = browsers[5].get(&app, &format!("/projects/{project}")).await.expect(200);
    assert!(pm_project.text.contains(&format!("/projects/{project}/edit")));
    assert!(pm_project.text.contains(&format!("/assignments/new?project={project}")));
}

/// Ada asks for a week off (the weekdays, all or none), withdraws a day, and Pat, her
/// manager, approves one from the requests waiting for him.
async fn a_consultant_requests_time_off_and_their_manager_decides(app: TestApp) {
    use psops_core::calendars::{TimeOffFilter, TimeOffStatus};
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(
        app.store.as_ref(),
        "ada@org.example",
        vec![Role::Consultant],
        Some(org.ada),
    )
    .await;
    web_user(
        app.store.as_ref(),
        "pat@org.example",
        vec![Role::ProjectManager],
        Some(org.pm),
    )
    .await;
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let page = ada.get(&app, "/me/time-off").await.expect(200);
    assert!(page.text.contains("value=\"8.00\""), "a full day by the policy");
    let mine = |status| TimeOffFilter {
        person_id: Some(Id::new(org.ada)),
        status,
        ..Default::default()
    };
    let count = |status| {
        let filter = mine(status);
        let store = app.store.clone();
        async move { store.list_time_off(&filter, ALL).await.expect("time off").items }
    };
    let backwards = ada
        .post(
            &app,
            "/me/time-off",
            &[
                ("from", "2026-12-11"),
                ("until", "2026-12-07"),
                ("kind", "pto"),
                ("hours", "8"),
            ],
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert!(backwards.text.contains("<strong>Until</strong>"), "{}", backwards.text);
    let outside = ada
        .post(
            &app,
            "/me/time-off",
            &[
                ("from", "2024-12-30"),
                ("until", "2025-01-03"),
                ("kind", "pto"),
                ("hours", "8"),
            ],
        )
        .await;
    assert_eq!(outside.status, 422, "Ada starts in 2025: the run crosses her start");
    assert!(
        outside.text.contains("2024-12-30: "),
        "the day is named: {}",
        outside.text
    );
    assert!(count(None).await.is_empty(), "a refused run writes none of its days");

    let week = [
        ("from", "2026-12-07"),
        ("until", "2026-12-13"),
        ("kind", "pto"),
        ("hours", "8"),
        ("note", "family visit"),
    ];
    let done = ada.post(&app, "/me/time-off", &week).await.expect(303);
    assert_eq!(done.header("location"), Some("/me/time-off?done=requested"));
    let asked = count(Some(TimeOffStatus::Requested)).await;
    assert_eq!(asked.len(), 5, "Monday to Friday, not the weekend");
    let first = &asked[0];
    let path = format!("/me/time-off/{}/withdraw", first.id);
    ada.post(&app, &path, &[("version", &first.version.to_string())])
        .await
        .expect(303);
    assert_eq!(count(Some(TimeOffStatus::Requested)).await.len(), 4);

    // Pat is told there is something to decide, and decides it.
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    let his = pat.get(&app, "/me/time-off").await.expect(200);
    assert!(his.text.contains("href=\"/admin/time-off\""), "{}", his.text);
    let waiting = pat.get(&app, "/admin/time-off").await.expect(200);
    assert!(waiting.text.contains("Ada Lovelace") && waiting.text.contains("family visit"));
    // Tuesday to Friday read as one run, decided as a whole.
    assert!(waiting.text.contains("2026-12-08 – 2026-12-11"), "{}", waiting.text);
    let items = waiting
        .text
        .split("name=\"items\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next());
    let items = items.expect("the run's days").to_string();
    assert_eq!(items.split(',').count(), 4, "{items}");
    let one = count(Some(TimeOffStatus::Requested)).await[0].clone();
    pat.post(
        &app,
        &format!("/admin/time-off/{}", one.id),
        &[("action", "approve"), ("items", &items)],
    )
    .await
    .expect(303);
    assert!(
        count(Some(TimeOffStatus::Requested)).await.is_empty(),
        "all four days decided"
    );
    let after = ada.get(&app, "/me/time-off").await.expect(200);
    assert!(after.text.contains("status-approved") && after.text.contains("2026-12-08 – 2026-12-11"));
    // Nobody withdraws what was decided, nor another person's request.
    let decided = format!("/me/time-off/{}/withdraw", one.id);
    assert_eq!(ada.post(&app, &decided, &[]).await.status, 403);
    let later = [("from", "2026-12-15"), ("kind", "pto"), ("hours", "8")];
    ada.post(&app, "/me/time-off", &later).await.expect(303);
    let open = &count(Some(TimeOffStatus::Requested)).await[0];
    let theirs = format!("/me/time-off/{}/withdraw", open.id);
    assert_ne!(pat.post(&app, &theirs, &[]).await.status, 303);

    // Many requests: 50 runs a page, every one of them reachable (not the first 500 days).
    let mondays: Vec<_> = (0..60)
        .map(|i| psops_core::calendars::NewTimeOff {
            person_id: Id::new(org.ada),
            date: time::macros::date!(2027 - 01 - 04) + time::Duration::weeks(i),
            minutes: Minutes(480),
            kind: psops_core::capacity::TimeOffKind::Pto,
            note: None,
        })
        .collect();
    let ctx = psops_core::store::WriteCtx::trusted();
    psops_core::store::TimeOffStore::request_days(app.store.as_ref(), &ctx, mondays)
        .await
        .expect("60 Mondays");
    let first = pat.get(&app, "/admin/time-off").await.expect(200).text;
    assert_eq!(first.matches("name=\"items\"").count(), 50, "a page of runs");
    assert!(first.contains("1–50 of 61"), "61 runs waiting");
    let last = pat.get(&app, "/admin/time-off?page=2").await.expect(200).text;
    assert_eq!(last.matches("name=\"items\"").count(), 11);
    assert!(last.contains("2028-02-21"), "the last Monday is on the last page");
    // A decision on page 2 comes back to page 2; past the end, the page says so.
    let (id, items) = {
        let form = last.split("action=\"/admin/time-off/").nth(1).expect("a form");
        let id = form.split('"').next().expect("id").to_string();
        let items = form
            .split("name=\"items\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next());
        (id, items.expect("items").to_string())
    };
    let back = pat
        .post(
            &app,
            &format!("/admin/time-off/{id}"),
            &[("action", "approve"), ("items", &items), ("page", "2")],
        )
        .await
        .expect(303);
    assert_eq!(back.header("location"), Some("/admin/time-off?done=1&page=2"));
    let past = pat.get(&app, "/admin/time-off?page=9").await.expect(200).text;
    assert!(past.contains("No rows on this page of 60"), "{past}");
    assert!(past.contains("This page is past the end of the list") && !past.contains("Nothing is waiting"));
    assert!(
        past.contains("time-off?page=2\">Last page") && !past.contains("Page 9"),
        "{past}"
    );
}

/// Compliance says how late a week is; ops reminds the people with nothing submitted,
/// the reminders wait in the outbox and on each person's home page.
async fn compliance_says_how_late_and_reminds(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(app.store.as_ref(), "ops@org.example", vec![Role::Ops], None).await;
    web_user(
        app.store.as_ref(),
        "ada@org.example",
        vec![Role::Consultant],
        Some(org.ada),
    )
    .await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let page = ops.get(&app, "/reports/compliance?week=2026-W10").await.expect(200);
    assert!(page.text.contains("Missing: not submitted, "), "{}", page.text);
    assert!(page.text.contains("Late or missing:"), "the counts say what they mean");
    let remind = format!("name=\"person\" value=\"{}\"", org.ada);
    assert!(
        page.text.contains(&remind),
        "Ada, with nothing submitted, can be reminded"
    );

    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let refused = ada
        .post(
            &app,
            "/reports/compliance/remind",
            &[("week", "2026-W10"), ("person", &org.ada.to_string())],
        )
        .await;
    assert!(refused.status == 403 || refused.status == 404, "{}", refused.status);
    let sent = ops
        .post(
            &app,
            "/reports/compliance/remind",
            &[("week", "2026-W10"), ("person", &org.ada.to_string())],
        )
        .await
        .expect(303);
    assert!(sent.header("location").unwrap_or_default().ends_with("reminded=1"));
    let outbox = ops.get(&app, "/admin/outbox").await.expect(200);
    assert!(outbox.text.contains("Ada Lovelace") && outbox.text.contains("2026-W10"));
    assert!(
        outbox.text.contains("Your timesheet for 2026-W10") && outbox.text.contains("status-queued"),
        "each reminder is a notification waiting to be mailed"
    );
    let home = ada.get(&app, "/").await.expect(200);
    assert!(
        home.text
            .contains("Your timesheet for the week of Monday 2 March 2026 was due on"),
        "{}",
        home.text
    );
    assert_eq!(
        ada.get(&app, "/admin/outbox").await.status,
        404,
        "the outbox is for compliance readers"
    );

    let all = ops
        .post(
            &app,
            "/reports/compliance/remind",
            &[("week", "2026-W10"), ("all", "1")],
        )
        .await
        .expect(303);
    let n: usize = all
        .header("location")
        .unwrap_or_default()
        .rsplit('=')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(n >= 2, "everyone with nothing submitted: {n}");
    assert_eq!(
        app.store
            .reminders(None, &psops_core::scope::ListScope::All, 100)
            .await
            .expect("outbox")
            .len(),
        n + 1
    );
    let nobody = ops
        .post(
            &app,
            "/reports/compliance/remind",
            &[("week", "2026-W10"), ("person", "999999")],
        )
        .await;
    assert_eq!(nobody.status, 422, "only people missing the week are reminded");

    // A project manager reads and reminds only themselves and their reports, as the API
    // answers them: not the partners' people nor anyone else's.
    web_user(
        app.store.as_ref(),
        "pat@org.example",
        vec![Role::ProjectManager],
        Some(org.pm),
    )
    .await;
    let pat = Browser::sign_in(&app, "pat@org.example").await;
    let theirs = pat.get(&app, "/reports/compliance?week=2026-W10").await.expect(200);
    assert!(theirs.text.contains("Ada Lovelace") && theirs.text.contains("Pat Manager"));
    assert!(
        !theirs.text.contains("Alan Alpha") && !theirs.text.contains("Bea Beta"),
        "{}",
        theirs.text
    );
    let before = app
        .store
        .reminders(None, &psops_core::scope::ListScope::All, 100)
        .await
        .expect("outbox")
        .len();
    pat.post(
        &app,
        "/reports/compliance/remind",
        &[("week", "2026-W10"), ("all", "1")],
    )
    .await
    .expect(303);
    let sent = app
        .store
        .reminders(None, &psops_core::scope::ListScope::All, 100)
        .await
        .expect("outbox");
    let reminded: std::collections::BTreeSet<i64> =
        sent[..sent.len() - before].iter().map(|r| r.person_id.get()).collect();
    assert!(reminded.iter().all(|p| [org.ada, org.pm].contains(p)), "{reminded:?}");
    // The outbox shows a project manager their projects' notifications; reminders
    // concern no project, so theirs are on the compliance page and the API.
    let outbox = pat.get(&app, "/admin/outbox").await.expect(200);
    assert!(!outbox.text.contains("Alan Alpha"), "{}", outbox.text);
}

/// Ops adds capacity overrides from the policy page — a function's four-day week, one
/// person's longer PTO chosen by name — sees them listed in words, and removes one; a bad
/// one names its fields; a consultant may not add any.
async fn capacity_overrides_from_the_policy_page(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(app.store.as_ref(), "ops@org.example", vec![Role::Ops], None).await;
    web_user(
        app.store.as_ref(),
        "ada@org.example",
        vec![Role::Consultant],
        Some(org.ada),
    )
    .await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let bad = ops
        .post(
            &app,
            "/admin/capacity/overrides",
            &[("effective_from", ""), ("week_days", "four"), ("target", "70")],
        )
        .await;
    assert_eq!(bad.status, 422);
    for field in ["Scope", "Effective from", "Week days"] {
        assert!(
            bad.text.contains(&format!("<strong>{field}</strong>")),
            "{field}: {}",
            bad.text
        );
    }
    assert!(bad.text.contains("value=\"four\""), "what was typed stays");
    assert!(app.store.list_rules_overrides().await.expect("overrides").is_empty());
    ops.post(
        &app,
        "/admin/capacity/overrides",
        &[
            ("scope", "function"),
            ("function", "trainer"),
            ("effective_from", "2026-01-01"),
            ("week_days", "4"),
            ("target", "55"),
        ],
    )
    .await
    .expect(303);
    ops.post(
        &app,
        "/admin/capacity/overrides",
        &[
            ("scope", "person"),
            ("person", "Ada Lovelace"),
            ("effective_from", "2026-07-01"),
            ("pto_days", "30"),
        ],
    )
    .await
    .expect(303);
    let stored = app.store.list_rules_overrides().await.expect("overrides");
    assert_eq!(stored.len(), 2);
    let page = ops.get(&app, "/admin/capacity").await.expect(200);
    assert!(page.text.contains("Function Trainer") && page.text.contains("working days a week: 4"));
    assert!(page.text.contains("billable target, Trainer: 55 %"), "{}", page.text);
    assert!(page.text.contains("Ada Lovelace") && page.text.contains("PTO days: 30"));
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let refused = ada
        .post(
            &app,
            "/admin/capacity/overrides",
            &[("scope", "region"), ("region", "EMEA")],
        )
        .await;
    assert_eq!(refused.status, 403);
    let remove = format!("/admin/capacity/overrides/{}/delete", stored[0].id);
    assert_eq!(ada.post(&app, &remove, &[]).await.status, 403);
    ops.post(&app, &remove, &[]).await.expect(303);
    assert_eq!(app.store.list_rules_overrides().await.expect("overrides").len(), 1);
}

/// An administrator links a user to a person by typing the person's name — at any size,
/// not from a list of the first 500 — and unlinks them again.
async fn users_are_linked_to_people_by_name(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(app.store.as_ref(), "root@org.example", vec![Role::Admin], None).await;
    let root = Browser::sign_in(&app, "root@org.example").await;
    let made = root
        .post(
            &app,
            "/admin/users",
            &[
                ("name", "Pat"),
                ("email", "pat@org.example"),
                ("roles", "project_manager"),
                ("person", "Pat Manager"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let pat = app
        .store
        .user_by_email("pat@org.example")
        .await
        .expect("user")
        .expect("made");
    assert_eq!(pat.person_id, Some(Id::new(org.pm)));
    // The person's page tells an administrator who signs in as them, and links there.
    let page = root.get(&app, &format!("/people/{}", org.pm)).await.expect(200);
    assert!(
        page.text.contains("Signs in as") && page.text.contains("pat@org.example</a> · Project manager"),
        "{}",
        page.text
    );
    let found = root.get(&app, "/admin/users?email=pat%40org.example").await.expect(200);
    assert!(found.text.contains("pat@org.example") && !found.text.contains("root@org.example"));
    let ada = root.get(&app, &format!("/people/{}", org.ada)).await.expect(200);
    let give = format!("/admin/users?person={}#new", org.ada);
    assert!(
        ada.text.contains("No sign-in") && ada.text.contains(&give),
        "{}",
        ada.text
    );
    let form = root.get(&app, give.trim_end_matches("#new")).await.expect(200);
    assert!(
        form.text.contains(&format!("value=\"Ada Lovelace (#{})\"", org.ada)),
        "the new user is filled in"
    );
    web_user(app.store.as_ref(), "ops@org.example", vec![Role::Ops], None).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let seen = ops.get(&app, &format!("/people/{}", org.pm)).await.expect(200);
    assert!(!seen.text.contains("Signs in as"), "sign-ins are the administrator's");
    let list = root.get(&app, "/admin/users").await.expect(200);
    assert!(
        list.text.contains(&format!("Pat Manager (#{})", org.pm)),
        "the link shows by name"
    );
    let wrong = root
        .post(
            &app,
            &format!("/admin/users/{}", pat.id),
            &[("roles", "project_manager"), ("person", "Nobody Here")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let path = format!("/admin/users/{}", pat.id);
    root.post(&app, &path, &[("roles", "project_manager"), ("person", "")])
        .await
        .expect(303);
    let pat = app
        .store
        .user_by_email("pat@org.example")
        .await
        .expect("user")
        .expect("kept");
    assert_eq!(pat.person_id, None, "an emptied person input unlinks");
}

api_tests!(
    users_are_linked_to_people_by_name,
    capacity_overrides_from_the_policy_page,
    compliance_says_how_late_and_reminds,
    ops_runs_the_records_from_forms,
    forms_open_to_the_roles_that_may_write,
    a_consultant_requests_time_off_and_their_manager_decides,
);
