//! The home page answers each role's questions with the organisation's own numbers: a
//! consultant's week and quarter, a project manager's waiting weeks and project burn, the
//! organisation's figures for ops, next steps for a first administrator — and nobody
//! sees a section their roles do not open.

use psops_core::auth::Role;
use psops_core::reporting::TimesheetActor;
use psops_core::store::WriteCtx;
use psops_core::timesheet::IsoWeek;
use psops_core::{Id, Minutes};
use time::OffsetDateTime;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, log, table_rows, web_user};

/// The text of the element with this id (its first 200 characters, tags kept).
/// The first day of the fiscal quarter holding `today` under the default settings
/// (the calendar year), and today.
fn quarter_so_far(today: time::Date) -> (time::Date, time::Date) {
    let cal = psops_core::settings::Settings::default().fiscal_calendar();
    (cal.quarter_range(cal.quarter_of(today)).start, today)
}

fn at(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    html[start..].chars().take(200).collect()
}

async fn home_answers_each_roles_questions(app: TestApp) {
    let store = app.store.as_ref();
    let org = SmallOrg::build(store).await;
    let today = OffsetDateTime::now_utc().date();
    // Ada logs 5 h today; her week of 2026-W10 (12 h) waits for Pat.
    log(store, org.ada, org.project, today, 5).await;
    let owner = TimesheetActor {
        person_id: Some(Id::new(org.ada)),
        approves_all: false,
        approves_own: false,
    };
    let w10 = IsoWeek::new(2026, 10).expect("week");
    store
        .submit_week(&WriteCtx::trusted(), owner, Id::new(org.ada), w10)
        .await
        .expect("submit");
    web_user(store, "ada@org.example", vec![Role::Consultant], Some(org.ada)).await;
    web_user(store, "pat@org.example", vec![Role::ProjectManager], Some(org.pm)).await;
    web_user(store, "ops@org.example", vec![Role::Ops], None).await;
    web_user(store, "root@org.example", vec![Role::Admin], None).await;
    web_user(
        store,
        "alan@org.example",
        vec![Role::PartnerConsultant],
        Some(org.a_consultant),
    )
    .await;

    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let home = ada.get(&app, "/").await.expect(200).text;
    assert!(
        at(&home, "home-logged").contains("5:00 h"),
        "{}",
        at(&home, "home-logged")
    );
    assert!(at(&home, "home-this-week").contains("not submitted"));
    // Last week's timesheet was due on Friday: home says it is overdue, and since when.
    assert!(
        at(&home, "home-last-week").contains("overdue since Friday"),
        "{}",
        at(&home, "home-last-week")
    );
    let expected = store
        .capacity(
            Id::new(org.ada),
            IsoWeek::of(today).range(),
            psops_core::capacity::CapacityView::Calendar,
        )
        .await
        .expect("capacity")
        .available_minutes;
    assert!(home.contains(&format!("of {} h expected", Minutes(expected.get()).clock_text())));
    assert!(at(&home, "home-utilization").contains('%'));
    // My utilization measures the quarter under way as home does: up to today.
    let figure = |html: &str, id: &str| {
        let text = at(html, id);
        let start = text.find('>').expect("tag") + 1;
        text[start..start + text[start..].find('<').expect("end")].to_string()
    };
    let mine = ada.get(&app, "/me/utilization").await.expect(200).text;
    assert_eq!(
        figure(&mine, "fig-billable-utilization"),
        figure(&home, "home-utilization"),
        "the same figure on both pages"
    );
    assert!(mine.contains("the figures run to today"));
    assert!(!home.contains("id=\"approver-h\"") && !home.contains("id=\"ops-h\""));

    let pat = Browser::sign_in(&app, "pat@org.example").await;
    let home = pat.get(&app, "/").await.expect(200).text;
    let waiting = at(&home, "home-waiting");
    assert!(waiting.contains("<strong>1</strong> person-week"), "{waiting}");
    assert!(home.contains("12:00 h; the oldest from 2026-W10"));
    let projects = table_rows(&home, "home-projects");
    assert_eq!(projects[1][0], "Migration");
    assert_eq!(projects[1][2..5], ["23.00 h", "100.00 h", "23.0 %"]);
    assert!(home.contains("id=\"mine-h\""), "Pat is a person too");
    assert!(!home.contains("id=\"ops-h\""), "a project manager does not oversee");

    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let home = ops.get(&app, "/").await.expect(200).text;
    let functions = table_rows(&home, "home-functions");
    assert!(functions.iter().any(|r| r[0] == "Engineer"), "{functions:?}");
    // The report it links to covers the same days, so it says the same.
    let link = at(&home, "home-by-function")
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    let href = link
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .expect("a link");
    let (start, _) = quarter_so_far(today);
    assert!(href.contains(&format!("from={start}&to={today}")), "{href}");
    let report = ops.get(&app, href).await.expect(200).text;
    let total = table_rows(&report, "utilization-table").pop().expect("a total row");
    let everyone = functions.last().expect("everyone");
    assert_eq!(
        (everyone[0].as_str(), &total[6]),
        ("Everyone", &everyone[1]),
        "{total:?}"
    );
    let last_week = IsoWeek::of(today - time::Duration::days(7));
    assert!(at(&home, "home-compliance").contains(&format!("week={last_week}")));
    assert!(at(&home, "home-missing").contains("still not submitted"));
    assert!(at(&home, "home-unapproved").contains("waiting for approval"));
    assert!(home.contains("people below target"));
    assert!(
        at(&home, "home-waiting").contains("<strong>1</strong>"),
        "ops approves everything"
    );
    assert!(!home.contains("lines to decide"), "one line a week says nothing more");
    assert!(!home.contains("id=\"mine-h\""), "no person, no own figures");

    let root = Browser::sign_in(&app, "root@org.example").await;
    let home = root.get(&app, "/").await.expect(200).text.replace("&#x2f;", "/");
    assert!(home.contains("href=\"/admin/users\">Link your user to your person record"));

    let alan = Browser::sign_in(&app, "alan@org.example").await;
    let home = alan.get(&app, "/").await.expect(200).text;
    assert!(home.contains("id=\"mine-h\""));
    assert!(!home.contains("id=\"approver-h\"") && !home.contains("id=\"ops-h\""));
    assert!(
        !home.contains("Migration"),
        "nothing of another organisation's projects"
    );
}

api_tests!(home_answers_each_roles_questions);
