//! The scoping pages, signed in through the real sign-in: the board puts each
//! opportunity in its state's column with its clocks and filters them; a move button
//! moves and a refused gate is told on the page (409, nothing written); the opportunity
//! form validates like the API; the estimate editor prices through its preview route and
//! saves a priced version; the TA reviews from the inbox; a SOW is drafted, previewed,
//! downloaded as a PDF and decided from the approver's inbox; the report counts overdue
//! clocks; partners find none of it.

use psops_core::Id;
use psops_core::auth::Role;
use psops_core::scoping::sows::SowStep;
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::Move;
use psops_core::settings::SettingsPatch;
use psops_core::store::{Store, WriteCtx};

use crate::matrix_fixture::Org;
use crate::matrix_scoping_fixture::{self as sf, CONSULTANT, ENGAGEMENT};
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, table_rows, web_user};

/// The hidden `version` of the first form posting to `action`.
fn version_of(page: &str, action: &str) -> String {
    page.split(&format!("action=\"{action}\""))
        .nth(1)
        .and_then(|rest| rest.split("name=\"version\" value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The part of the board inside one column.
fn column(page: &str, state: &str) -> String {
    page.split(&format!("id=\"col-{state}\""))
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_default()
        .to_string()
}

struct Cast {
    org: Org,
    /// The engagement manager of the fixture's own opportunities.
    em: Browser,
    /// Their technical architect.
    ta: Browser,
    /// Leadership, who decides every SOW step here.
    boss: Browser,
    partner: Browser,
}

async fn cast(app: &TestApp) -> Cast {
    let store = app.store.as_ref();
    let org = Org::build(store).await;
    sf::setup(store, &org).await;
    web_user(
        store,
        "emma@org.example",
        vec![Role::EngagementManager],
        Some(org.people[ENGAGEMENT]),
    )
    .await;
    web_user(
        store,
        "tara@org.example",
        vec![Role::Consultant],
        Some(org.people[CONSULTANT]),
    )
    .await;
    let boss = web_user(store, "lee@org.example", vec![Role::Leadership], None).await;
    web_user(
        store,
        "pia@org.example",
        vec![Role::PartnerConsultant],
        Some(org.b_person),
    )
    .await;
    // Every step of a SOW's chain is the signed-in leader's, so one browser decides it.
    let mut scoping = store.settings().await.expect("settings").scoping;
    scoping.sow_approvers = scoping
        .sow_approvers
        .iter()
        .map(|st| SowStep {
            role: st.role,
            approver: Some(Id::new(boss)),
        })
        .collect();
    let patch = SettingsPatch {
        scoping: Some(scoping),
        ..Default::default()
    };
    store
        .update_settings(&WriteCtx::trusted(), patch)
        .await
        .expect("settings");
    Cast {
        em: Browser::sign_in(app, "emma@org.example").await,
        ta: Browser::sign_in(app, "tara@org.example").await,
        boss: Browser::sign_in(app, "lee@org.example").await,
        partner: Browser::sign_in(app, "pia@org.example").await,
        org,
    }
}

async fn go(store: &dyn Store, id: i64, to: ScopingState, reason: Option<&str>) {
    let m = Move {
        to,
        reason: reason.map(str::to_string),
    };
    store
        .move_opportunity(&WriteCtx::trusted(), Id::new(id), None, m)
        .await
        .expect("move");
}

async fn name_of(store: &dyn Store, id: i64) -> String {
    let o: psops_core::scoping::opportunities::Opportunity = store.get(Id::new(id)).await.expect("opportunity");
    o.fields.name
}

async fn the_board_puts_cards_in_their_columns_and_keeps_partners_out(app: TestApp) {
    let c = cast(&app).await;
    let store = app.store.as_ref();
    let open = sf::opportunity(store, &c.org, true).await;
    let discovery = sf::opportunity(store, &c.org, false).await;
    go(store, discovery, ScopingState::AwaitingDiscovery, None).await;
    let held = sf::opportunity(store, &c.org, false).await;
    go(store, held, ScopingState::OnHold, Some("budget freeze")).await;
    let idle = sf::opportunity(store, &c.org, false).await;
    let lost = sf::opportunity(store, &c.org, false).await;
    go(store, lost, ScopingState::ClosedLost, Some("went elsewhere")).await;
    let (open_name, discovery_name) = (name_of(store, open).await, name_of(store, discovery).await);
    let held_name = name_of(store, held).await;

    let page = c.boss.get(&app, "/scoping").await.expect(200);
    let text = html(&page);
    assert!(
        text.contains("href=\"/scoping\" aria-current=\"page\">Scoping</a>"),
        "nav"
    );
    assert!(column(&text, "open").contains(&open_name), "open card");
    assert!(!column(&text, "open").contains(&discovery_name));
    assert!(column(&text, "awaiting_discovery").contains(&discovery_name));
    assert!(column(&text, "on_hold").contains(&held_name));
    assert!(
        text.contains("id=\"closed-lost\">1</strong>"),
        "closed lost counted, not listed"
    );
    let idle_card = column(&text, "open")
        .split(&format!("data-id=\"{idle}\""))
        .nth(1)
        .and_then(|rest| rest.split("</article>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        idle_card.contains("First action: due") || idle_card.contains("First action: overdue since"),
        "the running clock as a badge with its due time: {idle_card}"
    );
    assert!(column(&text, "open").contains("100,000.00 USD"), "PS value on the card");
    let smb = html(&c.boss.get(&app, "/scoping?segment=smb").await.expect(200));
    assert!(!smb.contains(&open_name), "the segment filter");
    let bad = html(&c.boss.get(&app, "/scoping?em=x").await.expect(200));
    assert!(bad.contains("<strong>Em</strong>"), "a bad filter is named: {bad}");

    let list = c
        .boss
        .get(&app, "/scoping/list?state=awaiting_discovery")
        .await
        .expect(200);
    let rows = table_rows(&list.text, "opportunities-table");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], discovery_name);
    let sorted = c.boss.get(&app, "/scoping/list?sort=name&dir=desc").await.expect(200);
    assert!(table_rows(&sorted.text, "opportunities-table").len() >= 4);

    // A consultant oversees nothing: no Scoping in their navigation.
    let ta_home = html(&c.ta.get(&app, "/").await.expect(200));
    assert!(!ta_home.contains("href=\"/scoping\""));

    for path in [
        "/scoping".to_string(),
        "/scoping/list".into(),
        "/scoping/inbox".into(),
        "/scoping/report".into(),
        format!("/scoping/opportunities/{open}"),
        format!("/scoping/opportunities/{open}/estimates/new"),
        "/scoping/opportunities/new".into(),
    ] {
        c.partner.get(&app, &path).await.expect(404);
    }
    c.partner
        .post(
            &app,
            &format!("/scoping/opportunities/{open}/move"),
            &[("to", "awaiting_discovery")],
        )
        .await
        .expect(404);
}

async fn a_move_moves_and_a_refused_gate_says_why(app: TestApp) {
    let c = cast(&app).await;
    let store = app.store.as_ref();
    let id = sf::opportunity(store, &c.org, true).await;
    let path = format!("/scoping/opportunities/{id}");
    let page = html(&c.em.get(&app, &path).await.expect(200));
    assert!(
        page.contains("id=\"move-awaiting_discovery\""),
        "the next move is a button"
    );
    let v = version_of(&page, &format!("{path}/move"));
    c.em.post(
        &app,
        &format!("{path}/move"),
        &[("version", &v), ("to", "awaiting_discovery")],
    )
    .await
    .expect(303);
    let page = html(&c.em.get(&app, &path).await.expect(200));
    assert!(page.contains("id=\"opportunity-state\">Awaiting discovery"));
    let timeline = page.split("id=\"timeline\"").nth(1).unwrap_or_default().to_string();
    assert!(
        timeline.contains("state Open → Awaiting discovery"),
        "the timeline tells the move: {timeline}"
    );
    let v = version_of(&page, &format!("{path}/move"));
    c.em.post(
        &app,
        &format!("{path}/move"),
        &[("version", &v), ("to", "strawman_wip")],
    )
    .await
    .expect(303);
    let page = html(&c.em.get(&app, &path).await.expect(200));
    let v = version_of(&page, &format!("{path}/move"));
    let refused =
        c.em.post(
            &app,
            &format!("{path}/move"),
            &[("version", &v), ("to", "estimate_feedback")],
        )
        .await
        .expect(409);
    let text = html(&refused);
    assert!(
        text.contains("Share an estimate with the customer before estimate feedback"),
        "the gate's message: {text}"
    );
    assert!(text.contains("id=\"opportunity-state\">Strawman WIP"), "nothing moved");
    let unreasoned =
        c.em.post(
            &app,
            &format!("{path}/move"),
            &[("version", &v), ("to", "on_hold"), ("reason", " ")],
        )
        .await
        .expect(422);
    assert!(html(&unreasoned).contains("needs a reason"));
    // An old version is told, not overwritten.
    let stale =
        c.em.post(
            &app,
            &format!("{path}/move"),
            &[("version", "1"), ("to", "awaiting_discovery"), ("reason", "redo")],
        )
        .await
        .expect(409);
    assert!(html(&stale).contains("Someone else changed this opportunity"));
    // A quote with a bad amount names it and keeps what was typed.
    let bad =
        c.em.post(
            &app,
            &format!("{path}/quote"),
            &[("version", &v), ("ps_value", "lots"), ("edu_value", "10")],
        )
        .await
        .expect(422);
    let bad = html(&bad);
    assert!(
        bad.contains("<strong>Ps value</strong>") && bad.contains("value=\"lots\""),
        "{bad}"
    );
    c.em.post(
        &app,
        &format!("{path}/quote"),
        &[("version", &v), ("ps_value", "80000"), ("edu_value", "5000")],
    )
    .await
    .expect(303);
    let page = html(&c.em.get(&app, &path).await.expect(200));
    assert!(page.contains("80,000.00 USD"), "the quote overwrote PS value");

    // The new-opportunity form: a rule broken is named, a good one opens the record.
    let new = "/scoping/opportunities/new";
    let form = html(&c.em.get(&app, new).await.expect(200));
    assert!(form.contains("name=\"segment\""));
    let refused =
        c.em.post(
            &app,
            new,
            &[
                ("name", ""),
                ("account_id", &c.org.account_x.to_string()),
                ("segment", "smb"),
                ("currency", "USD"),
                ("em_status", "to_do"),
            ],
        )
        .await
        .expect(422);
    assert!(html(&refused).contains("Name is required"));
    let made =
        c.em.post(
            &app,
            new,
            &[
                ("name", "Platform rollout"),
                ("account_id", &c.org.account_x.to_string()),
                ("segment", "smb"),
                ("currency", "USD"),
                ("em_status", "to_do"),
                ("engagement_manager_id", &c.org.people[ENGAGEMENT].to_string()),
            ],
        )
        .await
        .expect(303);
    let at = made.header("location").unwrap_or_default().to_string();
    assert!(at.starts_with("/scoping/opportunities/"), "{at}");
    let page = html(&c.em.get(&app, &at).await.expect(200));
    assert!(page.contains("Platform rollout") && page.contains("id=\"opportunity-state\">Open"));
}

async fn the_estimate_editor_prices_live_and_saves_a_version(app: TestApp) {
    let c = cast(&app).await;
    let store = app.store.as_ref();
    let id = sf::opportunity(store, &c.org, true).await;
    go(store, id, ScopingState::AwaitingDiscovery, None).await;
    go(store, id, ScopingState::StrawmanWip, None).await;
    let sku = sf::estimate_fields(id, sf::sku(store).await).lines[0].clone();
    let psops_core::scoping::pricing::LineInput::Sku { sku_id, .. } = sku else {
        panic!("a SKU line")
    };
    let sku = format!("sku:{sku_id}");
    let editor = format!("/scoping/opportunities/{id}/estimates/new");
    let page = html(&c.em.get(&app, &editor).await.expect(200));
    assert!(
        page.contains("hx-post=\"/scoping/estimates/preview\""),
        "live totals come from the preview"
    );
    assert!(
        page.contains(&format!("value=\"{sku}\"")),
        "active SKUs are the lines' choices"
    );
    let today = psops_core::dates::format_date(time::OffsetDateTime::now_utc().date());
    let id_text = id.to_string();
    let form = |qty: &'static str| {
        vec![
            ("opportunity", id_text.clone()),
            ("currency", "USD".to_string()),
            ("region", "EMEA".to_string()),
            ("price_date", today.clone()),
            ("discount", "".to_string()),
            ("rows", "3".to_string()),
            ("item.0", sku.clone()),
            ("qty.0", qty.to_string()),
            ("item.1", "tm:engineer".to_string()),
            ("qty.1", "10".to_string()),
        ]
    };
    let pairs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let as_refs = |v: &Vec<(&'static str, String)>| pairs(v);
    let good = form("2");
    let good_refs = as_refs(&good);
    let good_pairs: Vec<(&str, &str)> = good_refs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let preview =
        c.em.post(&app, "/scoping/estimates/preview", &good_pairs)
            .await
            .expect(200);
    let text = html(&preview);
    assert!(!text.contains("<html"), "a fragment");
    // 2 × 5,000.00 + 10 h × 200.00; cost (20 h + 10 h) × 90.00.
    assert!(text.contains("id=\"t-price\">12,000.00 USD"), "{text}");
    assert!(text.contains("id=\"t-cogs\">2,700.00 USD"), "{text}");
    assert!(text.contains("id=\"t-margin-pct\">77.5 %"), "{text}");
    assert!(text.contains("id=\"ta-flag\""), "over the TA threshold");
    let bad = form("lots");
    let bad_refs = as_refs(&bad);
    let bad_pairs: Vec<(&str, &str)> = bad_refs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = html(
        &c.em
            .post(&app, "/scoping/estimates/preview", &bad_pairs)
            .await
            .expect(200),
    );
    assert!(refused.contains("Line 1: units must be a whole number"), "{refused}");
    // Without a script: "Price it" shows the page priced, a bad line keeps what was typed.
    let mut priced = good_pairs.clone();
    priced.push(("do", "price"));
    let page = html(&c.em.post(&app, &editor, &priced).await.expect(200));
    assert!(page.contains("id=\"t-total\">12,000.00 USD"));
    let mut bad_save = bad_pairs.clone();
    bad_save.push(("do", "save"));
    let page = html(&c.em.post(&app, &editor, &bad_save).await.expect(422));
    assert!(page.contains("value=\"lots\"") && page.contains("units must be a whole number"));
    let mut save = good_pairs.clone();
    save.push(("do", "save"));
    let saved = c.em.post(&app, &editor, &save).await.expect(303);
    let at = saved
        .header("location")
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(at.starts_with("/scoping/estimates/"), "{at}");
    let page = html(&c.em.get(&app, &at).await.expect(200));
    assert!(page.contains("Estimate v1") && page.contains("12,000.00 USD"));
    assert!(page.contains("id=\"ta-review\">Needs review"));

    // Sent to the TA, who finds it in their inbox and approves it there.
    let v = version_of(&page, &format!("{at}/ta-review"));
    c.em.post(&app, &format!("{at}/ta-review"), &[("version", &v)])
        .await
        .expect(303);
    let inbox = c.ta.get(&app, "/scoping/inbox").await.expect(200);
    assert!(html(&inbox).contains(&format!("href=\"{at}\"")), "waits for the TA");
    let page = html(&c.ta.get(&app, &at).await.expect(200));
    let v = version_of(&page, &format!("{at}/ta-decision"));
    let refused =
        c.ta.post(
            &app,
            &format!("{at}/ta-decision"),
            &[("version", &v), ("decision", "reject")],
        )
        .await;
    assert_eq!(refused.status.as_u16(), 422, "a rejection needs a reason");
    c.ta.post(
        &app,
        &format!("{at}/ta-decision"),
        &[("version", &v), ("decision", "approve")],
    )
    .await
    .expect(303);
    let page = html(&c.em.get(&app, &at).await.expect(200));
    assert!(page.contains("id=\"ta-review\">Approved"));
    // Out of order: declined before it was shared is refused on the page.
    let v = version_of(&page, &format!("{at}/status"));
    let out =
        c.em.post(&app, &format!("{at}/status"), &[("version", &v), ("to", "declined")])
            .await
            .expect(422);
    assert!(html(&out).contains("cannot become declined"));
}

async fn a_sow_is_drafted_previewed_and_decided_from_the_inbox(app: TestApp) {
    let c = cast(&app).await;
    let store = app.store.as_ref();
    let o = sf::at_sow_wip(store, &c.org).await;
    let new = format!("/scoping/opportunities/{o}/sows/new");
    let form = html(&c.em.get(&app, &new).await.expect(200));
    assert!(
        form.contains("name=\"passive_acceptance_days\" value=\"5\""),
        "the setting's default"
    );
    let today = time::OffsetDateTime::now_utc().date();
    let day = |n: i64| psops_core::dates::format_date(today + time::Duration::days(n));
    let (start, end, expires) = (day(20), day(80), day(40));
    let fields = |milestones: &'static str| {
        vec![
            ("title", "Health check".to_string()),
            ("scope", "Review the platform and report.".to_string()),
            ("activities", "Interviews\nReport".to_string()),
            ("billing_type", "fixed_fee".to_string()),
            ("billing_terms", "per_milestone".to_string()),
            ("milestones", milestones.to_string()),
            ("passive_acceptance_days", "5".to_string()),
            ("start_date", start.clone()),
            ("end_date", end.clone()),
            ("expires_on", expires.clone()),
            ("assumptions", "Remote".to_string()),
        ]
    };
    let (em, app_ref, new_ref) = (&c.em, &app, &new);
    let post = |v: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
        em.post(app_ref, new_ref, &pairs).await
    };
    let bad = post(fields("Report | soon | 10 USD")).await.expect(422);
    let bad = html(&bad);
    assert!(bad.contains("line 1") && bad.contains("is not a date"), "{bad}");
    assert!(bad.contains("Review the platform and report."), "what was typed stays");
    let short = post(fields("Report | 2027-06-30 | 10.00 USD")).await.expect(422);
    assert!(
        html(&short).contains("must add up to its price"),
        "milestones against the price"
    );
    let made = post(fields("Report | 2027-06-30 | 5000.00 USD")).await.expect(303);
    let at = made
        .header("location")
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(at.starts_with("/scoping/sows/"), "{at}");
    let page = html(&c.em.get(&app, &at).await.expect(200));
    assert!(page.contains("id=\"sow-preview\"") && page.contains("Statement of Work"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/assets/sow.css\">"));
    assert!(!page.contains("<style>"), "the policy takes styles from files only");
    let pdf = c.em.get(&app, &format!("{at}/pdf")).await.expect(200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.text.starts_with("%PDF-"), "a PDF");
    c.partner.get(&app, &format!("{at}/pdf")).await.expect(404);
    let css = app
        .send(
            axum::http::Request::builder()
                .uri("/assets/sow.css")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .expect(200);
    assert!(css.text.contains(".sow h1"));

    let v = version_of(&page, &format!("{at}/submit"));
    c.em.post(&app, &format!("{at}/submit"), &[("version", &v)])
        .await
        .expect(303);
    let inbox = html(&c.boss.get(&app, "/scoping/inbox").await.expect(200));
    assert!(inbox.contains(&format!("href=\"{at}\"")), "waits for the RDM");
    assert!(inbox.contains("Regional delivery manager"));
    let em_inbox = html(&c.em.get(&app, "/scoping/inbox").await.expect(200));
    assert!(!em_inbox.contains(&format!("href=\"{at}\"")), "not the EM's to decide");
    let page = html(&c.boss.get(&app, &at).await.expect(200));
    assert!(page.contains("id=\"decide-form\""));
    let v = version_of(&page, &format!("{at}/decide"));
    let refused = c
        .boss
        .post(
            &app,
            &format!("{at}/decide"),
            &[("version", &v), ("decision", "reject")],
        )
        .await
        .expect(422);
    assert!(
        html(&refused).contains("a rejection needs a reason") || html(&refused).contains("A rejection needs a reason")
    );
    c.boss
        .post(
            &app,
            &format!("{at}/decide"),
            &[("version", &v), ("decision", "reject"), ("reason", "dates")],
        )
        .await
        .expect(303);
    let page = html(&c.em.get(&app, &at).await.expect(200));
    let v = version_of(&page, &format!("{at}/revise"));
    let revised =
        c.em.post(&app, &format!("{at}/revise"), &[("version", &v)])
            .await
            .expect(303);
    let r2 = revised
        .header("location")
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_ne!(r2, at, "a new revision");
    let page = html(&c.em.get(&app, &r2).await.expect(200));
    assert!(page.contains("revision 2") && page.contains("Changes from revision 1"));
    let opp = html(
        &c.boss
            .get(&app, &format!("/scoping/opportunities/{o}"))
            .await
            .expect(200),
    );
    let timeline = opp.split("id=\"timeline\"").nth(1).unwrap_or_default().to_string();
    assert!(opp.contains("r2</a>"), "the SOWs");
    assert!(
        timeline.contains("status In review → Rejected"),
        "the timeline: {timeline}"
    );

    let report = c.boss.get(&app, "/scoping/report").await.expect(200);
    let text = html(&report);
    assert!(text.contains("id=\"rates-em\"") && text.contains("id=\"overdue-counts\""));
    c.em.get(&app, "/scoping/report").await.expect(200);
    c.ta.get(&app, "/scoping/report").await.expect(403);
}

/// A project manager raises a work exception from the project's page and submits it;
/// PS leadership finds it in the inbox and approves it, which raises the hours budget;
/// the project lists it; a partner never sees it.
async fn a_change_is_raised_submitted_and_approved_from_the_inbox(app: TestApp) {
    let c = cast(&app).await;
    let store = app.store.as_ref();
    web_user(
        store,
        "pat@org.example",
        vec![Role::ProjectManager],
        Some(c.org.people[5]),
    )
    .await;
    let pm = Browser::sign_in(&app, "pat@org.example").await;
    let project = format!("/projects/{}", c.org.p1);
    let page = html(&pm.get(&app, &project).await.expect(200));
    assert!(
        page.contains("id=\"raise-change\""),
        "the project's manager raises changes"
    );
    let new = format!("/scoping/changes/new?project={}&kind=work_exception", c.org.p1);
    let form = html(&pm.get(&app, &new).await.expect(200));
    assert!(form.contains("name=\"cause\""), "{form}");
    let fields = |cause: &'static str| {
        vec![
            ("kind", "work_exception"),
            ("project_id", "P1"),
            ("title", "Product defect rework"),
            ("add_minutes", "10"),
            ("cause", cause),
        ]
    };
    let bad = html(&pm.post(&app, "/scoping/changes/new", &fields("")).await.expect(422));
    assert!(bad.contains("a work exception has a cause"), "{bad}");
    let made = pm
        .post(&app, "/scoping/changes/new", &fields("product"))
        .await
        .expect(303);
    let at = made
        .header("location")
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(at.starts_with("/scoping/changes/"), "{at}");
    let page = html(&pm.get(&app, &at).await.expect(200));
    let version = version_of(&page, &format!("{at}/submit"));
    pm.post(&app, &format!("{at}/submit"), &[("version", version.as_str())])
        .await
        .expect(303);
    let inbox = html(&c.boss.get(&app, "/scoping/inbox").await.expect(200));
    assert!(inbox.contains("Work exception: Product defect rework"), "{inbox}");
    let page = html(&c.boss.get(&app, &at).await.expect(200));
    let version = version_of(&page, &format!("{at}/decide"));
    let before: psops_core::projects::Project = store.get(Id::new(c.org.p1)).await.expect("project");
    c.boss
        .post(
            &app,
            &format!("{at}/decide"),
            &[("version", version.as_str()), ("decision", "approve")],
        )
        .await
        .expect(303);
    let done = html(&c.boss.get(&app, &at).await.expect(200));
    assert!(
        done.contains("id=\"change-applied\"") && done.contains("Budget hours"),
        "{done}"
    );
    let after: psops_core::projects::Project = store.get(Id::new(c.org.p1)).await.expect("project");
    assert_eq!(
        after.fields.budget_minutes.map(|m| m.get()),
        Some(before.fields.budget_minutes.map_or(0, |m| m.get()) + 600)
    );
    assert!(html(&pm.get(&app, &project).await.expect(200)).contains("Product defect rework"));
    c.partner.get(&app, &at).await.expect(404);
}

api_tests!(
    a_change_is_raised_submitted_and_approved_from_the_inbox,
    the_board_puts_cards_in_their_columns_and_keeps_partners_out,
    a_move_moves_and_a_refused_gate_says_why,
    the_estimate_editor_prices_live_and_saves_a_version,
    a_sow_is_drafted_previewed_and_decided_from_the_inbox,
);
