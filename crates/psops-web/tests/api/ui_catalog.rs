//! The catalog and rates pages, signed in through the real sign-in: the offerings browser
//! filters, sorts and pages; an offering's page shows its SKUs with the price in force
//! today (or "price not set"), price history, kit, effort and maturity history; the forms
//! take list fields one item per line and name a bad line; a SKU request goes through its
//! chain from its page, refusals shown beside what they name; the rate card, cost and FX
//! pages list, sort and page; and consultants, partners and project managers see only
//! what the policy lets them — no cost or bill figure on any page a consultant opens.

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::catalog::requests::Step;
use psops_core::settings::SettingsPatch;
use psops_core::store::WriteCtx;
use serde_json::{Value, json};

use crate::matrix_catalog_fixture as cf;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, table_rows, web_user};

async fn as_role(app: &TestApp, email: &str, roles: Vec<Role>, person: Option<i64>) -> (Browser, i64) {
    let id = web_user(app.store.as_ref(), email, roles, person).await;
    (Browser::sign_in(app, email).await, id)
}

async fn offering_type(app: &TestApp, category: &str, name: &str) -> i64 {
    app.create("/api/v1/offering-types", json!({"category": category, "name": name}))
        .await["id"]
        .as_i64()
        .unwrap_or(-1)
}

async fn offering(app: &TestApp, type_id: i64, name: &str, maturity: &str) -> i64 {
    app.create(
        "/api/v1/offerings",
        json!({"type_id": type_id, "name": name, "maturity": maturity}),
    )
    .await["id"]
        .as_i64()
        .unwrap_or(-1)
}

async fn sku(app: &TestApp, offering: i64, code: &str, channel: &str) -> i64 {
    app.create(
        "/api/v1/skus",
        json!({"offering_id": offering, "code": code, "name": format!("{code} package"),
               "unit": "fixed_package", "currency": "USD", "channel": channel, "status": "active",
               "standard_sow": true}),
    )
    .await["id"]
        .as_i64()
        .unwrap_or(-1)
}

async fn catalog_browser_filters_sorts_and_pages(app: TestApp) {
    let consulting = offering_type(&app, "Consulting", "Migration").await;
    let education = offering_type(&app, "Education", "Standard").await;
    for i in 0..52 {
        offering(&app, consulting, &format!("Migration {i:02}"), "viable").await;
    }
    let course = offering(&app, education, "Admin course", "lovable").await;
    let web = offering(&app, consulting, "Zeta web package", "complete").await;
    sku(&app, web, "WEB-1", "web_direct").await;
    sku(&app, course, "EDU-1", "sales_assisted").await;
    sku(&app, course, "EDU-2", "sales_assisted").await;
    // Fixtures the matrix uses are catalog rows like any other.
    cf::sku(app.store.as_ref()).await;

    let (b, _) = as_role(&app, "casey@org.example", vec![Role::Consultant], None).await;
    let page = b.get(&app, "/catalog").await.expect(200);
    let text = html(&page);
    assert!(
        text.contains("href=\"/catalog\" aria-current=\"page\">Catalog</a>"),
        "nav"
    );
    assert!(!text.contains("href=\"/rates\""), "no Rates for a consultant");
    assert!(!text.contains("New offering"), "a consultant keeps no catalog");
    assert!(text.contains("1–50 of 55"), "paged");
    let rows = table_rows(&page.text, "offerings-table");
    assert_eq!(&rows[0][1..], ["Type", "Category", "Maturity", "SKUs"], "{:?}", rows[0]);
    assert_eq!(rows[1][0], "Admin course", "A to Z first");
    assert_eq!(rows[1][2], "Education");
    assert_eq!(rows[1][4], "2", "its SKU count");
    let second = b.get(&app, "/catalog?page=2").await.expect(200);
    assert!(html(&second).contains("51–55 of 55"));
    let down = b.get(&app, "/catalog?sort=name&dir=desc").await.expect(200);
    assert_eq!(table_rows(&down.text, "offerings-table")[1][0], "Zeta web package");
    let by_maturity = b.get(&app, "/catalog?sort=maturity&dir=desc").await.expect(200);
    assert_eq!(
        table_rows(&by_maturity.text, "offerings-table")[1][0],
        "Admin course",
        "lovable first"
    );

    let lovable = b.get(&app, "/catalog?maturity=lovable").await.expect(200);
    let rows = table_rows(&lovable.text, "offerings-table");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let web_only = b.get(&app, "/catalog?channel=web_direct").await.expect(200);
    let rows = table_rows(&web_only.text, "offerings-table");
    assert_eq!((rows.len(), rows[1][0].as_str()), (2, "Zeta web package"));
    let by_type = b.get(&app, &format!("/catalog?type={education}")).await.expect(200);
    assert_eq!(table_rows(&by_type.text, "offerings-table").len(), 2);
    let by_category = b.get(&app, "/catalog?category=education").await.expect(200);
    assert_eq!(table_rows(&by_category.text, "offerings-table").len(), 2);
    let fragment = b.htmx(&app, "/catalog?q=zeta").await.expect(200);
    assert!(!fragment.text.contains("<html") && fragment.text.contains("Zeta web package"));
    let bad = b.get(&app, "/catalog?maturity=ripe&type=x").await.expect(200);
    let bad = html(&bad);
    assert!(
        bad.contains("<strong>Maturity</strong>") && bad.contains("<strong>Type</strong>"),
        "bad filters named"
    );

    let bundles = b.get(&app, "/catalog/bundles").await.expect(200);
    assert!(html(&bundles).contains("None") || html(&bundles).contains("No bundles yet"));
    let bundle = cf::bundle(app.store.as_ref()).await;
    let bundles = html(&b.get(&app, "/catalog/bundles").await.expect(200));
    assert!(
        bundles.contains("Bundle ") && bundles.contains("/catalog/offerings/"),
        "bundle {bundle} names its offerings"
    );
    let types = b.get(&app, "/catalog/types").await.expect(200);
    assert!(html(&types).contains("Education — Standard"));

    // A practice manager keeps the catalog.
    let (pm, _) = as_role(&app, "prue@org.example", vec![Role::PracticeManager], None).await;
    let text = html(&pm.get(&app, "/catalog").await.expect(200));
    assert!(text.contains("href=\"/catalog/offerings/new\""));
    assert!(text.contains("href=\"/catalog/requests/new\""));

    // A partner sees no catalog at all.
    let (partner, _) = as_role(&app, "pia@org.example", vec![Role::PartnerConsultant], None).await;
    for path in [
        "/catalog",
        "/catalog/types",
        "/catalog/bundles",
        &format!("/catalog/offerings/{web}"),
    ] {
        partner.get(&app, path).await.expect(404);
    }
}

async fn an_offering_page_shows_skus_prices_kit_effort_and_maturity(app: TestApp) {
    let ty = offering_type(&app, "Consulting", "Migration").await;
    let o = app
        .create(
            "/api/v1/offerings",
            json!({"type_id": ty, "name": "Migration+", "maturity": "minimal",
                   "kit_links": [{"name": "Runbook", "url": "https://wiki.example.com/runbook"}],
                   "checklist": ["Kick-off", "Dry run", "Cut-over"],
                   "effort": [{"role": "engineer", "minutes": 2400}, {"role": "project_manager", "minutes": 480}]}),
        )
        .await;
    let id = o["id"].as_i64().unwrap_or(-1);
    let priced = sku(&app, id, "MIG-PLUS", "sales_assisted").await;
    let bare = sku(&app, id, "MIG-LITE", "web_direct").await;
    let today = time::OffsetDateTime::now_utc().date();
    app.create(
        "/api/v1/sku-prices",
        json!({"sku_id": priced, "effective_from": "2020-01-01", "price": {"amount_minor": 900000, "currency": "USD"}}),
    )
    .await;
    app.create(
        "/api/v1/sku-prices",
        json!({"sku_id": priced, "effective_from": today.to_string(), "price": {"amount_minor": 1250000, "currency": "USD"}, "note": "2026 list"}),
    )
    .await;
    app.create(
        "/api/v1/sku-prices",
        json!({"sku_id": priced, "effective_from": (today + time::Duration::days(30)).to_string(),
               "price": {"amount_minor": 1300000, "currency": "USD"}}),
    )
    .await;
    // The maturity moves on, as the admin (user "Admin") says.
    let etag = app.get(&format!("/api/v1/offerings/{id}")).await.etag();
    app.patch(
        &format!("/api/v1/offerings/{id}"),
        &json!({"maturity": "viable"}),
        &etag,
    )
    .await
    .expect(200);

    let (b, _) = as_role(&app, "casey@org.example", vec![Role::Consultant], None).await;
    let page = b.get(&app, &format!("/catalog/offerings/{id}")).await.expect(200);
    let text = html(&page);
    let skus = table_rows(&page.text, "skus-table");
    let plus = skus.iter().find(|r| r[0].starts_with("MIG-PLUS")).expect("MIG-PLUS");
    assert_eq!(
        plus.last().map(String::as_str),
        Some("12,500.00 USD"),
        "the price in force today"
    );
    let lite = skus.iter().find(|r| r[0].starts_with("MIG-LITE")).expect("MIG-LITE");
    assert_eq!(lite.last().map(String::as_str), Some("price not set"));
    assert!(lite.contains(&"Web direct".to_string()), "{lite:?}");
    let history = table_rows(&page.text, &format!("prices-table-{priced}"));
    assert_eq!(history.len(), 4, "three prices, latest first: {history:?}");
    assert!(history[1][2].contains("13,000.00"));
    assert!(
        history[2][0].contains("in force") && history[2][3] == "2026 list",
        "{history:?}"
    );
    assert!(text.contains("Price not set."), "SKU {bare} has no price");
    assert!(text.contains("href=\"https://wiki.example.com/runbook\""));
    let checklist = &text[text.find("id=\"checklist\"").expect("checklist")..];
    assert!(
        checklist.find("Kick-off") < checklist.find("Dry run")
            && checklist.find("Dry run") < checklist.find("Cut-over")
    );
    let effort = table_rows(&page.text, "effort-table");
    assert_eq!(effort[1], ["Engineer", "40.00"]);
    assert_eq!(effort[3], ["Total", "48.00"]);
    let maturity = &text[text.find("id=\"maturity-history\"").expect("maturity history")..];
    assert!(maturity.contains("made at Minimal"), "{maturity}");
    assert!(maturity.contains("Minimal → Viable, by Admin"), "{maturity}");
    assert!(!text.contains("/edit\""), "a consultant edits nothing here");

    // A practice manager gets the buttons.
    let (pm, _) = as_role(&app, "prue@org.example", vec![Role::PracticeManager], None).await;
    let text = html(&pm.get(&app, &format!("/catalog/offerings/{id}")).await.expect(200));
    for link in [
        format!("/catalog/offerings/{id}/edit"),
        format!("/catalog/skus/new?offering={id}"),
        format!("/catalog/prices/new?sku={priced}"),
        format!("/catalog/requests/new?offering={id}"),
    ] {
        assert!(text.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let to = pm
        .get(&app, &format!("/catalog/skus/{priced}?saved=1"))
        .await
        .expect(303);
    assert_eq!(
        to.header("location"),
        Some(format!("/catalog/offerings/{id}?saved=1#sku-{priced}").as_str())
    );
}

async fn catalog_forms_take_one_item_a_line(app: TestApp) {
    let (b, _) = as_role(&app, "prue@org.example", vec![Role::PracticeManager], None).await;
    let made = b
        .post(
            &app,
            "/catalog/types/new",
            &[("category", "Consulting"), ("name", "Migration")],
        )
        .await
        .expect(303);
    assert!(
        made.header("location")
            .unwrap_or_default()
            .starts_with("/catalog?type=")
    );
    let bad = b
        .post(
            &app,
            "/catalog/offerings/new",
            &[
                ("type_id", "Migration"),
                ("name", "Migration+"),
                ("maturity", "viable"),
                ("kit_links", "Runbook | https://wiki.example.com/r\nNo address here"),
                ("checklist", "Kick-off\n\nDry run"),
                ("effort", "Engineer: 40\nWizard: 3"),
            ],
        )
        .await
        .expect(422);
    let text = html(&bad);
    assert!(text.contains("Delivery kit links, line 2"), "the bad line is named");
    assert!(text.contains("Effort template, line 2"), "{}", text);
    assert!(text.contains("No address here"), "what was typed stays");
    let bad_url = b
        .post(
            &app,
            "/catalog/offerings/new",
            &[
                ("type_id", "Migration"),
                ("name", "Migration+"),
                ("maturity", "viable"),
                ("kit_links", "Runbook | ftp://x"),
            ],
        )
        .await
        .expect(422);
    assert!(
        html(&bad_url).contains("Line 1: kit_links[0].url must be"),
        "the domain's rule at its line"
    );
    let done = b
        .post(
            &app,
            "/catalog/offerings/new",
            &[
                ("type_id", "Migration"),
                ("name", "Migration+"),
                ("maturity", "viable"),
                ("kit_links", "Runbook | https://wiki.example.com/r"),
                ("checklist", "Kick-off\n\nDry run"),
                ("effort", "Engineer: 40\nProject manager: 7:30"),
            ],
        )
        .await
        .expect(303);
    let at = done.header("location").unwrap_or_default().to_string();
    let id: i64 = at
        .trim_start_matches("/catalog/offerings/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("offering id");
    let stored = app.get(&format!("/api/v1/offerings/{id}")).await.expect(200).body;
    assert_eq!(stored["checklist"], json!(["Kick-off", "Dry run"]));
    assert_eq!(stored["effort"][1], json!({"role": "project_manager", "minutes": 450}));
    let edit = html(&b.get(&app, &format!("/catalog/offerings/{id}/edit")).await.expect(200));
    assert!(
        edit.contains("Engineer: 40.00\nProject manager: 7.50"),
        "lists show one item a line"
    );
    let version = edit
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    b.post(
        &app,
        &format!("/catalog/offerings/{id}/edit"),
        &[
            ("version", &version),
            ("type_id", "Migration"),
            ("name", "Migration+"),
            ("maturity", "complete"),
            ("kit_links", ""),
            ("checklist", "Kick-off"),
            ("effort", "Engineer: 40"),
        ],
    )
    .await
    .expect(303);
    let stored = app.get(&format!("/api/v1/offerings/{id}")).await.expect(200).body;
    assert_eq!(stored["kit_links"], json!([]), "an emptied list is empty, not kept");
    assert_eq!(stored["maturity"], "complete");

    let sku_id = {
        let r = b
            .post(
                &app,
                "/catalog/skus/new",
                &[
                    ("offering_id", &id.to_string()),
                    ("code", "MIG-PLUS"),
                    ("name", "Migration+ package"),
                    ("unit", "hours_block"),
                    ("block_minutes", ""),
                    ("currency", "USD"),
                    ("bounds", "projects ≤ 500"),
                    ("channel", "sales_assisted"),
                    ("status", "active"),
                ],
            )
            .await
            .expect(422);
        assert!(html(&r).contains("e-block_minutes"), "a block needs its hours, named");
        let r = b
            .post(
                &app,
                "/catalog/skus/new",
                &[
                    ("offering_id", &id.to_string()),
                    ("code", "MIG-PLUS"),
                    ("name", "Migration+ package"),
                    ("unit", "hours_block"),
                    ("block_minutes", "40"),
                    ("currency", "USD"),
                    ("seat_limit", "twelve"),
                    ("bounds", "projects ≤ 500\nrepositories <= 1,000"),
                    ("channel", "sales_assisted"),
                    ("status", "active"),
                    ("standard_sow", "on"),
                ],
            )
            .await
            .expect(422);
        assert!(html(&r).contains("Seats included must be a whole number"));
        let r = b
            .post(
                &app,
                "/catalog/skus/new",
                &[
                    ("offering_id", &id.to_string()),
                    ("code", "MIG-PLUS"),
                    ("name", "Migration+ package"),
                    ("unit", "hours_block"),
                    ("block_minutes", "40"),
                    ("currency", "USD"),
                    ("bounds", "projects ≤ 500\nrepositories <= 1,000"),
                    ("channel", "sales_assisted"),
                    ("status", "active"),
                    ("standard_sow", "on"),
                ],
            )
            .await
            .expect(303);
        let to = r.header("location").unwrap_or_default().to_string();
        to.trim_start_matches("/catalog/skus/")
            .split('?')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .expect("sku id")
    };
    let stored = app.get(&format!("/api/v1/skus/{sku_id}")).await.expect(200).body;
    assert_eq!(stored["bounds"][1], json!({"measure": "repositories", "max": 1000}));
    assert_eq!(stored["block_minutes"], 2400);
    // A price: the SKU is fixed once made.
    let form = html(
        &b.get(&app, &format!("/catalog/prices/new?sku={sku_id}"))
            .await
            .expect(200),
    );
    assert!(form.contains("MIG-PLUS"), "the SKU is named");
    b.post(
        &app,
        "/catalog/prices/new",
        &[
            ("sku_id", &sku_id.to_string()),
            ("effective_from", "2026-01-01"),
            ("price", "12500"),
            ("price.currency", "USD"),
        ],
    )
    .await
    .expect(303);
    let wrong = b
        .post(
            &app,
            "/catalog/prices/new",
            &[
                ("sku_id", &sku_id.to_string()),
                ("effective_from", "2026-02-01"),
                ("price", "100"),
                ("price.currency", "EUR"),
            ],
        )
        .await
        .expect(422);
    let told = html(&wrong);
    assert!(
        told.contains("id=\"e-price\"") && told.contains("currency, USD"),
        "{told}"
    );
    let prices = app
        .get(&format!("/api/v1/sku-prices?sku_id={sku_id}"))
        .await
        .expect(200)
        .body;
    let price_id = prices["items"][0]["id"].as_i64().unwrap_or(-1);
    let edit = html(
        &b.get(&app, &format!("/catalog/prices/{price_id}/edit"))
            .await
            .expect(200),
    );
    assert!(edit.contains("class=\"locked\""), "the SKU is shown, not changed");
    assert!(!edit.contains("name=\"sku_id\""), "and not sent");

    // A bundle names its offerings by name, one a line.
    let other = offering(
        &app,
        offering_type(&app, "Education", "Standard").await,
        "Admin course",
        "viable",
    )
    .await;
    let bad = b
        .post(
            &app,
            "/catalog/bundles/new",
            &[("name", "Enterprise"), ("offering_ids", "Migration+\nNo such thing")],
        )
        .await
        .expect(422);
    assert!(html(&bad).contains("Line 2: No offering matches"), "{}", html(&bad));
    b.post(
        &app,
        "/catalog/bundles/new",
        &[("name", "Enterprise"), ("offering_ids", "Migration+\nAdmin course")],
    )
    .await
    .expect(303);
    let bundles = app.get("/api/v1/bundles").await.expect(200).body;
    assert_eq!(bundles["items"][0]["offering_ids"], json!([id, other]));

    // A consultant gets none of these forms.
    let (c, _) = as_role(&app, "casey@org.example", vec![Role::Consultant], None).await;
    for path in ["/catalog/offerings/new", "/catalog/skus/new", "/catalog/bundles/new"] {
        c.get(&app, path).await.expect(403);
    }
}

/// The chain: finance, then leadership.
async fn chain(app: &TestApp, steps: &[(&str, Option<i64>)]) {
    let patch = SettingsPatch {
        sku_approval_chain: Some(
            steps
                .iter()
                .map(|(name, u)| Step {
                    name: name.to_string(),
                    approver: u.map(Id::new),
                })
                .collect(),
        ),
        ..Default::default()
    };
    app.store
        .update_settings(&WriteCtx::trusted(), patch)
        .await
        .expect("chain");
}

fn version(text: &str) -> String {
    text.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn a_sku_request_goes_through_its_chain_from_its_page(app: TestApp) {
    let offering_id = cf::offering(app.store.as_ref()).await;
    let (pm, _) = as_role(&app, "prue@org.example", vec![Role::PracticeManager], None).await;
    let (fin, fin_id) = as_role(&app, "fran@org.example", vec![Role::Finance], None).await;
    let (lead, lead_id) = as_role(&app, "lee@org.example", vec![Role::Leadership], None).await;
    let (em, em_id) = as_role(&app, "emma@org.example", vec![Role::EngagementManager], None).await;
    chain(&app, &[("Finance review", Some(fin_id)), ("VP Customer Success", None)]).await;

    let made = pm
        .post(
            &app,
            "/catalog/requests/new",
            &[
                ("offering_id", &offering_id.to_string()),
                ("name", "Migration assessment"),
                ("unit", "fixed_package"),
                ("channel", "sales_assisted"),
                ("list_price", "8000"),
                ("list_price.currency", "USD"),
                ("minutes", "40"),
                ("hourly_cost", "95.50"),
                ("hourly_cost.currency", "USD"),
                ("te_assumption", "none, remote"),
            ],
        )
        .await
        .expect(303);
    let at = made.header("location").unwrap_or_default().to_string();
    let id: i64 = at
        .trim_start_matches("/catalog/requests/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("request id");
    let path = format!("/catalog/requests/{id}");
    let page = pm.get(&app, &path).await.expect(200);
    let text = html(&page);
    assert!(text.contains("3,820.00 USD"), "delivery cost = 40 h × 95.50");
    assert!(text.contains("id=\"submit-request\""));
    assert!(!text.contains("id=\"approve\""), "the drafter never decides");

    // Submitting without a specimen SOW, into a chain with a step nobody decides: each
    // refusal beside what it names.
    let refused = pm
        .post(&app, &format!("{path}/submit"), &[("version", &version(&text))])
        .await
        .expect(422);
    let text = html(&refused);
    assert!(text.contains("id=\"e-specimen_sow\""), "the SOW is named at its field");
    let steps = table_rows(&refused.text, "steps-table");
    assert!(steps[2][1].contains("has no approver"), "{steps:?}");
    assert_eq!(
        app.get(&format!("/api/v1/sku-requests/{id}")).await.body["status"],
        "draft"
    );

    chain(&app, &[("Finance review", Some(fin_id)), ("CFO", Some(lead_id))]).await;
    let edit = html(&pm.get(&app, &format!("{path}/edit")).await.expect(200));
    pm.post(
        &app,
        &format!("{path}/edit"),
        &[
            ("version", &version(&edit)),
            ("offering_id", &offering_id.to_string()),
            ("name", "Migration assessment"),
            ("unit", "fixed_package"),
            ("channel", "sales_assisted"),
            ("list_price", "8000"),
            ("list_price.currency", "USD"),
            ("minutes", "40"),
            ("hourly_cost", "95.50"),
            ("hourly_cost.currency", "USD"),
            ("te_assumption", "none, remote"),
            ("specimen_sow", "The consultant will assess…"),
        ],
    )
    .await
    .expect(303);
    let text = html(&pm.get(&app, &path).await.expect(200));
    pm.post(&app, &format!("{path}/submit"), &[("version", &version(&text))])
        .await
        .expect(303);

    // Finance finds it from the navigation: the catalog says it waits.
    let catalog = html(&fin.get(&app, "/catalog").await.expect(200));
    assert!(
        catalog.contains("1 SKU request waits for your decision"),
        "the inbox is announced"
    );
    let inbox = fin.get(&app, "/catalog/requests?waiting=me").await.expect(200);
    let rows = table_rows(&inbox.text, "requests-table");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1][3].starts_with("Finance review"), "{rows:?}");
    // Leadership's step is not reached: no buttons yet.
    let text = html(&lead.get(&app, &path).await.expect(200));
    assert!(!text.contains("id=\"approve\""));
    // The engagement manager decides nothing here and reads nothing.
    em.get(&app, &path).await.expect(404);
    let _ = em_id;

    let text = html(&fin.get(&app, &path).await.expect(200));
    assert!(text.contains("id=\"approve\""));
    let no_reason = fin
        .post(
            &app,
            &format!("{path}/decide"),
            &[("version", &version(&text)), ("decision", "reject")],
        )
        .await
        .expect(422);
    assert!(
        html(&no_reason).contains("id=\"e-reason\""),
        "a rejection needs a reason, said at the reason"
    );
    fin.post(
        &app,
        &format!("{path}/decide"),
        &[("version", &version(&text)), ("decision", "approve")],
    )
    .await
    .expect(303);
    // A stale form does nothing and says so.
    let stale = fin
        .post(
            &app,
            &format!("{path}/decide"),
            &[("version", &version(&text)), ("decision", "approve")],
        )
        .await;
    assert!(matches!(stale.status.as_u16(), 403 | 409), "{}", stale.status);

    let text = html(&lead.get(&app, &path).await.expect(200));
    lead.post(
        &app,
        &format!("{path}/decide"),
        &[("version", &version(&text)), ("decision", "approve")],
    )
    .await
    .expect(303);
    let done = lead.get(&app, &path).await.expect(200);
    let text = html(&done);
    assert!(text.contains("id=\"made-sku\""), "the SKU is linked");
    let stored: Value = app.get(&format!("/api/v1/sku-requests/{id}")).await.body;
    assert_eq!(stored["status"], "approved");
    let sku_id = stored["sku_id"].as_i64().unwrap_or(-1);
    let sku = app.get(&format!("/api/v1/skus/{sku_id}")).await.body;
    assert_eq!(sku["code"], "PS-0001");
    assert_eq!(sku["status"], "active");
    let steps = table_rows(&done.text, "steps-table");
    assert!(steps[1][2].contains("Approved") && steps[1][1] == "fran", "{steps:?}");

    // A consultant reads no request and has no list of them.
    let (c, _) = as_role(&app, "casey@org.example", vec![Role::Consultant], None).await;
    c.get(&app, &path).await.expect(404);
    c.get(&app, "/catalog/requests").await.expect(404);
    let catalog = html(&c.get(&app, "/catalog").await.expect(200));
    assert!(!catalog.contains("/catalog/requests"), "no requests tab");
}

async fn rate_pages_list_sort_page_and_keep_to_their_readers(app: TestApp) {
    let seed = app.seed().await;
    let pm_person = app
        .create(
            "/api/v1/people",
            json!({"name": "Pat Manager", "email": "pat@example.com", "function": "project_manager",
                   "region": "EMEA", "employment_start": "2025-01-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap_or(-1);
    let managed = app
        .create(
            "/api/v1/projects",
            json!({"name": "Managed rollout", "account_id": seed.account, "project_type": "consulting", "billing_type": "time_and_materials",
                   "status": "active", "start_date": "2026-01-01", "project_manager_id": pm_person}),
        )
        .await["id"]
        .as_i64()
        .unwrap_or(-1);
    let rate = |kind: &str, role: &str, region: &str, minor: i64, from: &str| {
        json!({"kind": kind, "role": role, "region": region, "rate": {"amount_minor": minor, "currency": "USD"},
               "effective_from": from})
    };
    app.create(
        "/api/v1/role-rates",
        rate("bill", "engineer", "EMEA", 12345, "2020-01-01"),
    )
    .await;
    app.create(
        "/api/v1/role-rates",
        rate("bill", "engineer", "AMER", 13579, "2020-01-01"),
    )
    .await;
    app.create(
        "/api/v1/role-rates",
        rate("bill", "trainer", "EMEA", 11111, "2020-01-01"),
    )
    .await;
    app.create(
        "/api/v1/role-rates",
        rate("standard_cost", "engineer", "EMEA", 5555, "2020-01-01"),
    )
    .await;
    for (project, minor) in [(seed.project, 22222), (managed, 23456)] {
        app.create(
            "/api/v1/project-rates",
            json!({"project_id": project, "role": "engineer", "rate": {"amount_minor": minor, "currency": "USD"},
                   "effective_from": "2026-01-01"}),
        )
        .await;
    }
    // 55 people's cost rates: a list that pages.
    for i in 0..55 {
        let person = app
            .create(
                "/api/v1/people",
                json!({"name": format!("Cost Person {i:02}"), "email": format!("cost{i}@example.com"),
                       "function": "engineer", "region": "EMEA", "employment_start": "2025-01-01"}),
            )
            .await["id"]
            .as_i64()
            .unwrap_or(-1);
        app.create(
            "/api/v1/cost-rates",
            json!({"person_id": person, "rate": {"amount_minor": 6789 + i, "currency": "USD"}, "effective_from": "2025-01-01"}),
        )
        .await;
    }
    cf::cost_rate(app.store.as_ref(), seed.person).await;
    for (i, d) in ["2026-01-01", "2026-02-01", "2026-03-01"].iter().enumerate() {
        app.create(
            "/api/v1/fx-rates",
            json!({"currency": "EUR", "quote": "USD", "date": d, "rate": format!("1.08{i}")}),
        )
        .await;
    }

    let (fin, _) = as_role(&app, "fran@org.example", vec![Role::Finance], None).await;
    let card = fin.get(&app, "/rates?on=2026-05-01").await.expect(200);
    let grid = table_rows(&card.text, "card-table");
    assert_eq!(grid[0], ["Role", "AMER", "EMEA"]);
    assert_eq!(grid[1][0], "Engineer");
    assert!(
        grid[1][1].starts_with("135.79 USD") && grid[1][2].starts_with("123.45 USD"),
        "{grid:?}"
    );
    assert!(grid[1][2].contains("from"), "each cell's period");
    assert!(grid[2][1].contains("add"), "a gap a keeper may fill");
    let text = html(&card);
    assert!(text.contains("/rates/card/history?kind=bill&role=engineer&region=EMEA&currency=USD"));
    let cost_view = fin
        .get(&app, "/rates?kind=standard_cost&on=2026-05-01")
        .await
        .expect(200);
    assert!(table_rows(&cost_view.text, "card-table")[1][1].starts_with("55.55 USD"));
    let history = fin
        .get(
            &app,
            "/rates/card/history?kind=bill&role=engineer&region=EMEA&currency=USD",
        )
        .await
        .expect(200);
    assert_eq!(table_rows(&history.text, "history-table").len(), 2);
    let none_then = fin.get(&app, "/rates?on=2019-05-01").await.expect(200);
    assert!(html(&none_then).contains("No bill rate in USD is in force"));
    let bad = fin.get(&app, "/rates?on=someday&currency=dollars").await.expect(200);
    let bad = html(&bad);
    assert!(
        bad.contains("<strong>On</strong>") && bad.contains("<strong>Currency</strong>"),
        "named inline"
    );

    let costs = fin.get(&app, "/rates/cost").await.expect(200);
    let text = html(&costs);
    assert!(text.contains("1–50 of 56"), "paged");
    let rows = table_rows(&costs.text, "cost-table");
    assert_eq!(rows[1][0], "Ada Lovelace", "by person, A to Z");
    let by_rate = fin.get(&app, "/rates/cost?sort=rate&dir=desc").await.expect(200);
    assert_eq!(table_rows(&by_rate.text, "cost-table")[1][1], "90.00 USD");
    let second = fin.get(&app, "/rates/cost?page=2").await.expect(200);
    assert!(html(&second).contains("51–56 of 56"));
    let one = fin
        .get(&app, &format!("/rates/cost?person={}", seed.person))
        .await
        .expect(200);
    assert!(html(&one).contains("Cost rates of Ada Lovelace"));
    assert_eq!(table_rows(&one.text, "cost-table").len(), 2);
    let fx = fin.get(&app, "/rates/fx").await.expect(200);
    let rows = table_rows(&fx.text, "fx-table");
    assert_eq!(rows.len(), 4);
    assert!(rows[1][2].starts_with("1.082"), "newest first: {rows:?}");
    let fx_up = fin.get(&app, "/rates/fx?sort=date&dir=asc").await.expect(200);
    assert!(table_rows(&fx_up.text, "fx-table")[1][2].starts_with("1.08 "));
    // Finance keeps rates: the forms.
    let form = fin
        .get(&app, "/rates/card/new?kind=bill&role=trainer&region=AMER")
        .await
        .expect(200);
    assert!(html(&form).contains("value=\"AMER\""));
    fin.post(
        &app,
        "/rates/card/new",
        &[
            ("kind", "bill"),
            ("role", "trainer"),
            ("region", "AMER"),
            ("rate", "99"),
            ("rate.currency", "USD"),
            ("effective_from", "2020-01-01"),
        ],
    )
    .await
    .expect(303);
    let overlap = fin
        .post(
            &app,
            "/rates/card/new",
            &[
                ("kind", "bill"),
                ("role", "trainer"),
                ("region", "AMER"),
                ("rate", "98"),
                ("rate.currency", "USD"),
                ("effective_from", "2024-01-01"),
            ],
        )
        .await
        .expect(422);
    assert!(
        html(&overlap).contains("e-effective_from"),
        "an overlap is told at its date"
    );
    let project_page = html(&fin.get(&app, &format!("/projects/{}", seed.project)).await.expect(200));
    assert!(
        project_page.contains("222.22 USD")
            && project_page.contains(&format!("/rates/projects/new?project={}", seed.project))
    );

    // A project manager: their own project's rates on its page, nothing else.
    let (pm, _) = as_role(&app, "pat@org.example", vec![Role::ProjectManager], Some(pm_person)).await;
    let own = html(&pm.get(&app, &format!("/projects/{managed}")).await.expect(200));
    assert!(own.contains("234.56 USD"), "their project's rate");
    assert!(!own.contains("/rates/projects/new"), "read, not kept");
    for path in ["/rates", "/rates/cost", "/rates/fx", "/rates/card/history?kind=bill"] {
        pm.get(&app, path).await.expect(404);
    }
    assert!(!html(&pm.get(&app, "/").await.expect(200)).contains("href=\"/rates\""));

    // A consultant: 404 on every rate page and form, no Rates in the navigation, and no
    // cost or bill figure on any page they may open.
    let (c, _) = as_role(&app, "casey@org.example", vec![Role::Consultant], Some(seed.person)).await;
    for path in [
        "/rates".to_string(),
        "/rates?kind=standard_cost".into(),
        "/rates/card/history?kind=bill&role=engineer&region=EMEA&currency=USD".into(),
        "/rates/cost".into(),
        format!("/rates/cost?person={}", seed.person),
        "/rates/fx".into(),
        "/rates/card/new".into(),
        "/rates/cost/new".into(),
        "/rates/fx/new".into(),
        format!("/rates/projects/new?project={}", seed.project),
    ] {
        c.get(&app, &path).await.expect(404);
    }
    let mut seen = String::new();
    for path in [
        "/".to_string(),
        "/catalog".into(),
        format!("/projects/{}", seed.project),
        "/week".into(),
    ] {
        seen.push_str(&html(&c.get(&app, &path).await.expect(200)));
    }
    assert!(!seen.contains("href=\"/rates\""), "no Rates navigation");
    for figure in [
        "123.45", "135.79", "111.11", "55.55", "222.22", "234.56", "67.89", "68.43",
    ] {
        assert!(!seen.contains(figure), "a consultant sees no rate: {figure}");
    }
    // A partner: the same 404s.
    let (partner, _) = as_role(&app, "pia@org.example", vec![Role::PartnerManager], None).await;
    for path in ["/rates", "/rates/cost", "/rates/fx"] {
        partner.get(&app, path).await.expect(404);
    }
}

api_tests!(
    catalog_browser_filters_sorts_and_pages,
    an_offering_page_shows_skus_prices_kit_effort_and_maturity,
    catalog_forms_take_one_item_a_line,
    a_sku_request_goes_through_its_chain_from_its_page,
    rate_pages_list_sort_page_and_keep_to_their_readers,
);
