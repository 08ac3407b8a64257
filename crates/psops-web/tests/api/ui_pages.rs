//! The delivery and operations pages, signed in through the real form: each renders with
//! the numbers of a small organisation, filters stay in their form, htmx gets fragments,
//! partners and consultants are kept out as the policy says, the utilization CSV has
//! exactly the table's rows, a token's secret shows once, and forms need their CSRF token.

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::calendars::NewTimeOff;
use psops_core::capacity::{CapacityView, TimeOffKind};
use psops_core::code::Code;
use psops_core::dates::DateRange;
use psops_core::fiscal::FiscalCalendar;
use psops_core::store::WriteCtx;
use psops_core::utilization::GroupBy;
use psops_core::{Minutes, reporting::UtilizationFilter};
use time::OffsetDateTime;
use time::macros::date;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, table_rows, web_user};

async fn admin(app: &TestApp) -> Browser {
    web_user(app.store.as_ref(), "root@org.example", vec![Role::Admin], None).await;
    Browser::sign_in(app, "root@org.example").await
}

async fn pages_render_with_the_orgs_numbers(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    let home = b.get(&app, "/").await.expect(200);
    // minijinja escapes `/` in HTML; browsers read it back.
    let home = home.text.replace("&#x2f;", "/");
    for link in ["/projects", "/people", "/reports/utilization", "/admin", "/admin/users"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "home links {link}");
    }
    let list = b.get(&app, "/projects?status=active&q=migr").await.expect(200);
    assert!(
        list.text.contains("Migration") && !list.text.contains("Beta Rollout"),
        "filtered"
    );
    assert!(
        list.text.contains("value=\"active\" selected"),
        "the filter stays in the form"
    );
    assert!(list.text.contains("value=\"migr\""));
    let fragment = b.htmx(&app, "/projects?status=active").await.expect(200);
    assert!(!fragment.text.contains("<html") && fragment.text.contains("Migration"));
    let bad = b.get(&app, "/projects?status=nope").await.expect(200);
    assert!(
        bad.text.contains("<strong>Status</strong>"),
        "a bad filter is named inline"
    );

    // Dates read as the browser's language writes them; ISO for clients that say none.
    let path = format!("/projects/{}", org.project);
    for (language, stint) in [
        ("en-US,en;q=0.9", "Jan 5, 2026 – Dec 31, 2026"),
        ("en-GB", "5 Jan 2026 – 31 Dec 2026"),
        ("de-DE,de", "5.1.2026 – 31.12.2026"),
    ] {
        let shown = b.get_in(&app, &path, language).await.expect(200);
        // A date keeps to one line: its spaces do not break.
        assert!(shown.text.replace('\u{a0}', " ").contains(stint), "{language}: {stint}");
    }
    let page = b.get(&app, &path).await.expect(200);
    for text in [
        "Globex",
        "Pat Manager",
        "Ada Lovelace",
        "2026-01-05 – 2026-12-31, 20.00 h a week",
        "10,000.00 USD",
    ] {
        assert!(page.text.contains(text), "project page shows {text}");
    }
    assert!(
        page.text
            .contains("<strong>18.00 h</strong> logged of a <strong>100.00 h</strong> budget (18.0 %)")
    );
    assert!(
        page.text.contains("Money spent against it is not shown"),
        "no invented money burn"
    );
    // Time by month over the project's life: Ada's March, and everyone's.
    let rows = table_rows(&page.text, "month-table");
    let march = rows[0].iter().position(|c| c == "Mar 2026").expect("a March column");
    assert_eq!(march, 1, "from the first month with time, not the empty ones before it");
    assert_eq!(
        (rows[1][0].as_str(), rows[1][march].as_str()),
        ("Ada Lovelace", "18.00")
    );
    assert_eq!(rows[1].last().map(String::as_str), Some("18.00"));
    assert_eq!(rows[2][march], "18.00");
    let team = table_rows(&page.text, "team-table");
    assert_eq!(team[1][0], "Ada Lovelace");
    assert_eq!(team[1][4], "18.00");

    let people = b.get(&app, "/people?function=engineer").await.expect(200);
    assert!(people.text.contains("Ada Lovelace") && !people.text.contains("Pat Manager"));
    assert!(
        people.text.contains("people\" aria-current=\"page\">People</a>"),
        "the nav marks where you are"
    );
    let person = b.get(&app, &format!("/people/{}", org.ada)).await.expect(200);
    let fiscal = FiscalCalendar::default();
    let quarter = fiscal.quarter_range(fiscal.quarter_of(OffsetDateTime::now_utc().date()));
    for view in [CapacityView::Policy, CapacityView::Calendar] {
        let c = app
            .store
            .capacity(Id::new(org.ada), quarter, view)
            .await
            .expect("capacity");
        assert!(
            person.text.contains(&c.available_minutes.hours_text()),
            "{view:?} capacity shown"
        );
    }
    // This quarter's chart: drawn once Ada has billable time in it, else said in words.
    assert!(
        person.text.contains("<svg class=\"chart\"") || person.text.contains("No billable time recorded in FY"),
        "the weekly chart or its empty state"
    );
    assert!(person.text.contains("Billable utilization by week, FY"));
    assert!(person.text.contains("Pat Manager"), "the manager is named");
    b.get(&app, &format!("/people/{}", org.pm)).await.expect(200);
    let partner = b
        .get(&app, &format!("/people?partner={}", org.partner_a))
        .await
        .expect(200);
    assert!(partner.text.contains("Alan Alpha") && !partner.text.contains("Ada Lovelace"));

    let compliance = b.get(&app, "/reports/compliance?week=2026-W10").await.expect(200);
    assert!(compliance.text.contains("Ada Lovelace") && compliance.text.contains("not submitted"));
    let policy = b.get(&app, "/admin/capacity").await.expect(200);
    assert!(
        policy.text.contains("1,696") && policy.text.contains("296.8"),
        "the handbook table"
    );
    for path in [
        "/admin",
        "/admin/calendars",
        "/admin/time-off",
        "/admin/audit",
        "/tokens",
    ] {
        b.get(&app, path).await.expect(200);
    }
}

async fn utilization_csv_has_exactly_the_tables_rows(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    let query = "group=person&from=2026-03-02&to=2026-03-13&function=engineer";
    let html = b.get(&app, &format!("/reports/utilization?{query}")).await.expect(200);
    let csv = b
        .get(&app, &format!("/reports/utilization.csv?{query}"))
        .await
        .expect(200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        csv.header("content-disposition")
            .unwrap_or_default()
            .starts_with("attachment;")
    );
    let table: Vec<Vec<String>> = table_rows(&html.text, "utilization-table")
        .into_iter()
        .skip(1)
        .collect();
    let lines: Vec<Vec<String>> = csv::Reader::from_reader(csv.text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(table, lines, "the CSV is the table, total included");
    assert_eq!(lines.len(), 2, "Ada and the total");
    let range = DateRange::new(date!(2026 - 03 - 02), date!(2026 - 03 - 13)).expect("range");
    let filter = UtilizationFilter {
        person_id: Some(Id::new(org.ada)),
        ..Default::default()
    };
    let report = app
        .store
        .utilization(range, GroupBy::Person, &filter)
        .await
        .expect("report");
    let ada = &lines[0];
    assert_eq!(ada[0], "Ada Lovelace");
    assert_eq!(ada[1], report.total.available_policy_minutes.hours_text());
    assert_eq!(
        (ada[3].as_str(), ada[4].as_str(), ada[7].as_str()),
        ("18.00", "18.00", "100.0 %")
    );
    assert!(html.text.contains("<svg class=\"chart\"") && html.text.contains("class=\"target\""));
    let by_region = b
        .get(&app, "/reports/utilization?group=region&quarter=2026-Q1")
        .await
        .expect(200);
    assert!(by_region.text.contains("EMEA") && by_region.text.contains("FY2026 Q1"));
    let bad = b.get(&app, "/reports/utilization.csv?from=2026-03-02").await;
    assert_eq!(bad.status, 422, "a half range is refused, naming the field");
    assert!(bad.text.contains("<strong>To</strong>"));
}

async fn partners_and_consultants_are_kept_out(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let store = app.store.as_ref();
    web_user(
        store,
        "alan@org.example",
        vec![Role::PartnerConsultant],
        Some(org.a_consultant),
    )
    .await;
    let alan = Browser::sign_in(&app, "alan@org.example").await;
    for path in [
        format!("/projects/{}", org.b_project),
        format!("/projects/{}", org.project),
        format!("/people/{}", org.b_consultant),
        format!("/people/{}", org.ada),
    ] {
        let r = alan.get(&app, &path).await;
        assert_eq!(r.status, 404, "{path} is not found for partner A");
        assert!(!r.text.contains("Beta Rollout") && !r.text.contains("Bea Beta"));
    }
    let list = alan.get(&app, "/projects").await.expect(200);
    assert!(!list.text.contains("Beta Rollout") && !list.text.contains("Migration"));
    let people = alan.get(&app, "/people").await.expect(200);
    assert!(people.text.contains("Alan Alpha") && !people.text.contains("Bea Beta"));
    alan.get(&app, &format!("/people/{}", org.a_consultant))
        .await
        .expect(200);

    web_user(store, "ada@org.example", vec![Role::Consultant], Some(org.ada)).await;
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    for path in ["/admin/users", "/admin/audit"] {
        assert_eq!(
            ada.get(&app, path).await.status,
            404,
            "{path} is hidden from a consultant"
        );
    }
    assert_eq!(ada.get(&app, "/admin").await.status, 403);
    assert_eq!(ada.get(&app, "/admin/time-off").await.status, 403);
    assert_eq!(ada.get(&app, "/reports/compliance").await.status, 404);
    let change = ada.post(&app, "/admin/capacity", &[("week_days", "4")]).await;
    assert_eq!(change.status, 403, "a consultant reads the policy but cannot change it");
    let made = ada
        .post(&app, "/admin/calendars", &[("name", "X"), ("region", "X")])
        .await;
    assert_eq!(made.status, 403);
    let own = ada.get(&app, "/reports/utilization?quarter=2026-Q1").await.expect(200);
    let rows = table_rows(&own.text, "utilization-table");
    assert_eq!(rows.len(), 3, "a consultant's report holds only themselves: {rows:?}");
    assert!(!own.text.contains("Pat Manager"));
    ada.get(&app, &format!("/projects/{}", org.project)).await.expect(200);
}

async fn a_tokens_secret_shows_once(app: TestApp) {
    let store = app.store.as_ref();
    web_user(store, "dev@org.example", vec![Role::Consultant], None).await;
    let b = Browser::sign_in(&app, "dev@org.example").await;
    let made = b
        .post(&app, "/tokens", &[("name", "laptop"), ("scope", "read")])
        .await
        .expect(201);
    let secret = made
        .text
        .split("id=\"secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_default()
        .to_string();
    assert!(secret.len() > 20, "the secret is on the result page");
    let me = app
        .call_as(&secret, axum::http::Method::GET, "/api/v1/me", None, &[])
        .await;
    me.expect(200);
    let list = b.get(&app, "/tokens").await.expect(200);
    assert!(
        list.text.contains("laptop") && !list.text.contains(&secret),
        "never shown again"
    );
    let tokens = store
        .user_by_email("dev@org.example")
        .await
        .ok()
        .flatten()
        .map(|u| u.id);
    let tokens = store
        .list_api_tokens(tokens.unwrap_or(Id::new(0)))
        .await
        .unwrap_or_default();
    let path = format!("/tokens/{}/revoke", tokens[0].id);
    b.post(&app, &path, &[]).await.expect(303);
    let me = app
        .call_as(&secret, axum::http::Method::GET, "/api/v1/me", None, &[])
        .await;
    me.expect(401);
    let empty = b.post(&app, "/tokens", &[("name", "")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.text.contains("<strong>Name</strong>"), "the rule names the field");
}

async fn forms_need_the_csrf_token(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    for path in [
        "/tokens".to_string(),
        "/admin/users".to_string(),
        "/admin/users/1".to_string(),
        "/admin/capacity".to_string(),
        "/admin/calendars".to_string(),
        "/admin/time-off/1".to_string(),
        format!("/tokens/{}/revoke", org.project),
        "/me/time-off".to_string(),
        "/me/time-off/1/withdraw".to_string(),
        "/week/withdraw".to_string(),
        "/reports/compliance/remind".to_string(),
        "/admin/capacity/overrides".to_string(),
        "/admin/capacity/overrides/1/delete".to_string(),
    ]
    .into_iter()
    .chain(
        ["people", "partners", "accounts", "contacts", "projects", "assignments"]
            .iter()
            .flat_map(|kind| {
                [
                    format!("/{kind}/new"),
                    format!("/{kind}/1/edit"),
                    format!("/{kind}/1/archive"),
                ]
            }),
    ) {
        let r = b.post_bare(&app, &path, &[("name", "x")]).await;
        assert_eq!(r.status, 403, "{path} without its CSRF token");
        let r = b.post_bare(&app, &path, &[("csrf", "forged")]).await;
        assert_eq!(r.status, 403, "{path} with a forged token");
    }
}

async fn admin_forms_change_things_and_answer_errors_inline(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    let b = admin(&app).await;
    let bad = b
        .post(&app, "/admin/users", &[("name", "Eve"), ("email", "eve@org.example")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("<strong>Roles</strong>") && bad.text.contains("value=\"Eve\""));
    let made = [
        ("name", "Eve"),
        ("email", "eve@org.example"),
        ("roles", "ops"),
        ("roles", "finance"),
    ];
    b.post(&app, "/admin/users", &made).await.expect(303);
    let eve = app
        .store
        .user_by_email("eve@org.example")
        .await
        .ok()
        .flatten()
        .expect("eve");
    assert_eq!(eve.roles, [Role::Ops, Role::Finance]);
    let path = format!("/admin/users/{}", eve.id);
    b.post(&app, &path, &[("roles", "consultant")]).await.expect(303);
    b.post(&app, &path, &[("disabled", "true")]).await.expect(303);
    let eve = app.store.user(eve.id).await.expect("eve");
    assert!(eve.roles == [Role::Consultant] && eve.disabled_at.is_some());
    let audit = b.get(&app, "/admin/audit?entity=user&action=update").await.expect(200);
    assert!(
        audit.text.contains("Roles: Ops, Finance → Consultant"),
        "the role change is in the log: {}",
        audit.text
    );

    let policy = b.get(&app, "/admin/capacity").await.expect(200);
    let mut form: Vec<(String, String)> = policy
        .text
        .split("<input id=\"")
        .skip(1)
        .filter_map(|i| {
            let name = i.split("name=\"").nth(1)?.split('"').next()?;
            let value = i.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    form.retain(|(k, _)| k != "holiday_days");
    form.push(("holiday_days".into(), "ten".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = b.post(&app, "/admin/capacity", &pairs).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("<strong>Holiday days</strong>") && refused.text.contains("value=\"ten\""));
    let mut good = pairs.clone();
    good.retain(|(k, _)| *k != "holiday_days");
    good.push(("holiday_days", "10"));
    b.post(&app, "/admin/capacity", &good).await.expect(303);
    assert_eq!(app.store.capacity_rules().await.expect("policy").holiday_days, 10);

    b.post(
        &app,
        "/admin/calendars",
        &[("name", "EMEA holidays"), ("region", "EMEA")],
    )
    .await
    .expect(303);
    let calendar = app.store.list_calendars().await.expect("calendars")[0].id;
    let cal = format!("/admin/calendars/{calendar}/holidays");
    b.post(
        &app,
        &cal,
        &[("date", "2026-12-24"), ("name", "Christmas Eve"), ("hours", "4")],
    )
    .await
    .expect(303);
    let csv = "date,name\n2026-12-25,Christmas Day\n2026-12-26,Boxing Day\n";
    b.post(&app, &cal, &[("format", "csv"), ("content", csv)])
        .await
        .expect(303);
    let shown = b.get(&app, &format!("/admin/calendars/{calendar}")).await.expect(200);
    assert!(shown.text.contains("Boxing Day") && shown.text.contains("4.00"));
    let again = b.post(&app, &cal, &[("format", "csv"), ("content", csv)]).await;
    assert_eq!(again.status, 422, "a date already on the calendar is refused inline");

    let off = NewTimeOff {
        person_id: Id::new(org.ada),
        date: date!(2026 - 03 - 20),
        minutes: Minutes(480),
        kind: TimeOffKind::Pto,
        note: Some("long weekend".into()),
    };
    let off = app
        .store
        .request_time_off(&WriteCtx::trusted(), off)
        .await
        .expect("time off");
    let waiting = b.get(&app, "/admin/time-off").await.expect(200);
    assert!(waiting.text.contains("long weekend"));
    let path = format!("/admin/time-off/{}", off.id);
    let no_reason = b.post(&app, &path, &[("action", "reject")]).await;
    assert_eq!(no_reason.status, 422);
    // The refusal shows in the request's own row, not above the table.
    let row = no_reason.text.split("row-problem").nth(1).unwrap_or_default();
    assert!(
        row.contains("Reason is required to reject time off."),
        "{}",
        no_reason.text
    );
    b.post(&app, &path, &[("action", "approve")]).await.expect(303);
    let decided = app.store.time_off(off.id).await.expect("time off");
    assert_eq!(decided.status.code(), "approved");
    let person = b.get(&app, &format!("/people/{}", org.ada)).await.expect(200);
    assert!(person.text.contains("long weekend") && person.text.contains("status-approved"));
    assert!(person.text.contains(">Approved</span>"), "the state in words, as a run");
}

api_tests!(
    pages_render_with_the_orgs_numbers,
    utilization_csv_has_exactly_the_tables_rows,
    partners_and_consultants_are_kept_out,
    a_tokens_secret_shows_once,
    forms_need_the_csrf_token,
    admin_forms_change_things_and_answer_errors_inline,
);
