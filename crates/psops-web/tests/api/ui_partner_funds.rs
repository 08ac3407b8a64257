//! The partner funds pages, signed in: finance sees every partner's prime SOWs with their
//! funds bars and opens one to its rates and work authorizations; partner A's manager
//! sees partner A's only, and partner B's page is not found to them; a consultant has no
//! such page.

use psops_core::auth::Role;

use crate::matrix_fixture::Org;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

async fn prime_sows_show_their_funds_to_finance_and_to_their_own_partner(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "fin@org.example", vec![Role::Finance], Some(org.people[2])).await;
    web_user(
        store,
        "pm@partner.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    web_user(store, "con@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let con = Browser::sign_in(&app, "con@org.example").await;
    // The matrix's partners each hold one prime SOW with one authorization.
    let a_sow = crate::matrix_partner_funds_fixture::target(store, &org, false, true, false).await;
    let b_sow = crate::matrix_partner_funds_fixture::target(store, &org, false, false, false).await;

    let list = html(&fin.get(&app, "/partner-funds").await.expect(200));
    assert!(list.contains("href=\"/partner-funds\""), "the nav links the page");
    assert!(list.contains(&format!("id=\"prime-sow-{a_sow}\"")), "{list}");
    assert!(list.contains(&format!("id=\"prime-sow-{b_sow}\"")), "{list}");
    assert!(list.contains("funds-bar"), "{list}");
    assert!(list.contains("$1,000,000.00"), "the funds: {list}");
    assert!(list.contains("Partner A") && list.contains("Partner B"), "{list}");

    // Narrowed to one partner (the link from a partner's page).
    let only_b = html(
        &fin.get(&app, &format!("/partner-funds?partner_id={}", org.partner_b))
            .await
            .expect(200),
    );
    assert!(only_b.contains(&format!("id=\"prime-sow-{b_sow}\"")), "{only_b}");
    assert!(!only_b.contains(&format!("id=\"prime-sow-{a_sow}\"")), "{only_b}");

    // A prime SOW with an authorization on PA: its rates and the authorization's bar.
    let wa = crate::matrix_partner_funds_fixture::target(store, &org, true, true, false).await;
    let wa: psops_core::partner_funds::WorkAuthorization =
        store.get(psops_core::Id::new(wa)).await.expect("work authorization");
    let first = wa.fields.prime_sow_id.to_string();
    let page = html(&fin.get(&app, &format!("/partner-funds/{first}")).await.expect(200));
    assert!(page.contains("id=\"prime-sow-rates\""), "{page}");
    assert!(page.contains("$120.00"), "the SOW's rate: {page}");
    assert!(page.contains("id=\"work-authorizations-table\""), "{page}");
    assert!(page.contains("$100.00"), "the WA's rate: {page}");

    let mine = html(
        &partner
            .get(&app, &format!("/partner-funds?partner_id={}", org.partner_b))
            .await
            .expect(200),
    );
    assert!(mine.contains(&format!("id=\"prime-sow-{a_sow}\"")), "{mine}");
    assert!(!mine.contains(&format!("id=\"prime-sow-{b_sow}\"")), "{mine}");
    assert!(!mine.contains("Partner B"), "{mine}");
    partner.get(&app, &format!("/partner-funds/{a_sow}")).await.expect(200);
    partner.get(&app, &format!("/partner-funds/{b_sow}")).await.expect(404);

    let none = con.get(&app, "/partner-funds").await.expect(404);
    assert!(
        !html(&none).contains("href=\"/partner-funds\""),
        "no link for a consultant"
    );
    con.get(&app, &format!("/partner-funds/{a_sow}")).await.expect(404);
}

/// The partner report: finance reads every partner's line and the totals; partner A's
/// manager reads their own line without the company's revenue and margin; a consultant
/// has no such page.
async fn the_partner_report_shows_each_partner_and_its_own_line_to_a_partner(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "fin@org.example", vec![Role::Finance], Some(org.people[2])).await;
    web_user(
        store,
        "pm@partner.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    web_user(store, "con@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let con = Browser::sign_in(&app, "con@org.example").await;
    crate::matrix_partner_funds_fixture::target(store, &org, false, true, false).await;

    let page = html(&fin.get(&app, &format!("/partners/{}", org.partner_a)).await.expect(200));
    assert!(
        page.contains("href=\"/partners/report\""),
        "linked from the partner's page: {page}"
    );
    assert!(
        page.contains(&format!("href=\"/partner-funds?partner_id={}\"", org.partner_a)),
        "{page}"
    );
    let funds = html(&fin.get(&app, "/partner-funds").await.expect(200));
    assert!(
        funds.contains("href=\"/partners/report\""),
        "linked from the funds: {funds}"
    );
    let all = html(
        &fin.get(&app, "/partners/report?from=2026-01&to=2026-03")
            .await
            .expect(200),
    );
    assert!(all.contains("id=\"partner-report\""), "{all}");
    assert!(all.contains("Partner A") && all.contains("Partner B"), "{all}");
    assert!(all.contains("id=\"partner-report-total\""), "{all}");
    assert!(all.contains("Share of revenue"), "{all}");
    assert!(
        all.contains(&format!("href=\"/partner-funds?partner_id={}\"", org.partner_a)),
        "{all}"
    );
    // A bad month is said beside the form.
    let bad = html(&fin.get(&app, "/partners/report?from=2026-13").await.expect(200));
    assert!(bad.contains("id=\"from-error\""), "{bad}");

    let own = html(&partner.get(&app, "/partners/report").await.expect(200));
    assert!(own.contains("Partner A"), "{own}");
    assert!(!own.contains("Partner B"), "{own}");
    assert!(!own.contains("Share of revenue") && !own.contains("Margin"), "{own}");
    con.get(&app, "/partners/report").await.expect(404);
}

/// A project's open resource requests link to their suggestions for those who see
/// staffing; a partner's people get no link, and no suggestions.
async fn a_request_links_to_its_suggestions_from_the_project_page(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "ops@org.example", vec![Role::Ops], Some(org.people[1])).await;
    web_user(
        store,
        "pm@partner.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let request = crate::matrix_scoping_fixture::resource_request(store, org.pa).await;
    let page = html(&ops.get(&app, &format!("/projects/{}", org.pa)).await.expect(200));
    assert!(
        page.contains(&format!("href=\"/staffing/requests/{request}\"")),
        "{page}"
    );
    let theirs = html(&partner.get(&app, &format!("/projects/{}", org.pa)).await.expect(200));
    assert!(!theirs.contains("Find people"), "{theirs}");
    partner
        .get(&app, &format!("/staffing/requests/{request}"))
        .await
        .expect(404);
}

/// The inline errors of a form, as (input, message).
fn inline_errors(html: &str) -> Vec<String> {
    html.split("<p class=\"error\" id=\"e-")
        .skip(1)
        .filter_map(|rest| rest.split_once("\">").map(|(field, _)| field.to_string()))
        .collect()
}

/// Where a saved form went.
fn saved_to(r: &crate::support::Resp) -> String {
    assert_eq!(r.status, 303, "saved: {}", r.text);
    let to = r.header("location").unwrap_or_default();
    assert!(to.ends_with("saved=1"), "{to}");
    to.to_string()
}

/// Finance makes a prime SOW and a work authorization on it from the pages and changes
/// both; each broken rule shows beside its input; leadership and a partner's manager
/// read the pages without the forms.
async fn prime_sows_and_work_authorizations_are_kept_from_forms(app: TestApp) {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    web_user(store, "fin@org.example", vec![Role::Finance], Some(org.people[2])).await;
    web_user(store, "lead@org.example", vec![Role::Leadership], Some(org.people[9])).await;
    web_user(
        store,
        "pm@partner.example",
        vec![Role::PartnerManager],
        Some(org.people[7]),
    )
    .await;
    let fin = Browser::sign_in(&app, "fin@org.example").await;
    let lead = Browser::sign_in(&app, "lead@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let a = org.partner_a.to_string();

    let list = html(
        &fin.get(&app, &format!("/partner-funds?partner_id={a}"))
            .await
            .expect(200),
    );
    assert!(
        list.contains(&format!("href=\"/partner-funds/new?partner={a}\"")),
        "{list}"
    );
    let form = html(
        &fin.get(&app, &format!("/partner-funds/new?partner={a}"))
            .await
            .expect(200),
    );
    assert!(form.contains("name=\"rates\""), "{form}");
    // Every broken rule at once, beside its input.
    let bad = fin
        .post(
            &app,
            "/partner-funds/new",
            &[
                ("partner_id", &a),
                ("name", "PSOW-A-2027"),
                ("funds", "50,000.00"),
                ("funds.currency", "USD"),
                ("rates", "Wizard: 100\nEngineer: 120.00 USD"),
                ("start_date", "2027-12-31"),
                ("end_date", "2027-01-01"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    let fields = inline_errors(&bad.text);
    assert!(fields.iter().any(|f| f == "rates"), "{fields:?}");
    assert!(fields.iter().any(|f| f == "end_date"), "{fields:?}");
    let good = [
        ("partner_id", a.as_str()),
        ("name", "PSOW-A-2027"),
        ("funds", "50,000.00"),
        ("funds.currency", "USD"),
        ("rates", "Engineer: 120.00 USD\nProject manager: 140.00"),
        ("start_date", "2027-01-01"),
        ("end_date", "2027-12-31"),
        ("status", "active"),
    ];
    let to = saved_to(&fin.post(&app, "/partner-funds/new", &good).await);
    let sow: i64 = to
        .trim_start_matches("/partner-funds/")
        .split(['?', '/'])
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no id in {to}"));
    let page = html(&fin.get(&app, &format!("/partner-funds/{sow}")).await.expect(200));
    assert!(page.contains("PSOW-A-2027") && page.contains("$50,000.00"), "{page}");
    assert!(page.contains("$140.00"), "the PM rate: {page}");
    assert!(
        page.contains(&format!("href=\"/work-authorizations/new?prime_sow={sow}\"")),
        "{page}"
    );

    // Its edit form shows the rates a line each; funds changed.
    let edit = html(&fin.get(&app, &format!("/partner-funds/{sow}/edit")).await.expect(200));
    assert!(edit.contains("Engineer: 120.00 USD"), "{edit}");
    let version = edit
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("1")
        .to_string();
    let mut changed: Vec<(&str, &str)> = good.iter().filter(|(k, _)| *k != "partner_id").copied().collect();
    changed.retain(|(k, _)| *k != "funds");
    changed.push(("funds", "60,000.00"));
    changed.push(("version", &version));
    saved_to(&fin.post(&app, &format!("/partner-funds/{sow}/edit"), &changed).await);
    let after: psops_core::partner_funds::PrimeSow = store.get(psops_core::Id::new(sow)).await.expect("sow");
    assert_eq!(after.fields.funds.amount_minor, 6_000_000);

    // A work authorization on it: a rate over the ceiling is refused beside the rates.
    let prime = sow.to_string();
    let wa = |rates: &'static str, name: &'static str| {
        vec![
            ("prime_sow", prime.clone()),
            ("project_id", org.pa.to_string()),
            ("name", name.to_string()),
            ("scope", "Wave 1".to_string()),
            ("rates", rates.to_string()),
            ("start_date", "2027-02-01".to_string()),
            ("end_date", "2027-06-30".to_string()),
            ("committed", "10,000.00".to_string()),
            ("committed.currency", "USD".to_string()),
        ]
    };
    let pairs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, x)| (*k, x.clone())).collect::<Vec<_>>();
    let over = pairs(&wa("Engineer: 130.00 USD", "WA-A-2027-01"));
    let over: Vec<(&str, &str)> = over.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = fin.post(&app, "/work-authorizations/new", &over).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        inline_errors(&refused.text).iter().any(|f| f == "rates"),
        "{}",
        refused.text
    );
    let ok = pairs(&wa("Engineer: 110.00 USD", "WA-A-2027-01"));
    let ok: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let to = saved_to(&fin.post(&app, "/work-authorizations/new", &ok).await);
    assert!(to.starts_with(&format!("/partner-funds/{sow}")), "{to}");
    let page = html(&fin.get(&app, &format!("/partner-funds/{sow}")).await.expect(200));
    assert!(page.contains("WA-A-2027-01"), "{page}");
    assert!(page.contains("edit-work-authorization"), "{page}");

    // Reading is not keeping: no forms for leadership or the partner's manager.
    let read = html(&lead.get(&app, &format!("/partner-funds/{sow}")).await.expect(200));
    assert!(
        !read.contains("new-work-authorization") && !read.contains("edit-prime-sow"),
        "{read}"
    );
    // Leadership reads partner funds: a form is refused them, not hidden.
    lead.get(&app, "/partner-funds/new").await.expect(403);
    let theirs = html(&partner.get(&app, &format!("/partner-funds/{sow}")).await.expect(200));
    assert!(!theirs.contains("edit-prime-sow"), "{theirs}");
    let refused = partner.get(&app, &format!("/partner-funds/{sow}/edit")).await;
    assert!([403, 404].contains(&refused.status.as_u16()), "{}", refused.status);
}

api_tests!(
    prime_sows_and_work_authorizations_are_kept_from_forms,
    prime_sows_show_their_funds_to_finance_and_to_their_own_partner,
    the_partner_report_shows_each_partner_and_its_own_line_to_a_partner,
    a_request_links_to_its_suggestions_from_the_project_page
);
