//! The partner invoice pages, signed in: ops sees every partner's invoices, sorts them and
//! opens one to its reconciliation; partner A's manager sees partner A's only, uploads a
//! CSV through the form, and partner B's invoice page is not found to them; a consultant
//! has no such page; a refused upload names the bad cell and keeps what was typed.

use psops_core::auth::Role;
use psops_core::partner_invoices::PartnerInvoice;

use crate::matrix_fixture::Org;
use crate::matrix_partner_invoices::target;
use crate::support::{TestApp, api_tests};
use crate::ui_browser::html;
use crate::ui_browser::{Browser, web_user};

async fn partner_invoices_show_to_the_team_and_to_their_own_partner(app: TestApp) {
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
    web_user(store, "con@org.example", vec![Role::Consultant], Some(org.people[6])).await;
    let ops = Browser::sign_in(&app, "ops@org.example").await;
    let partner = Browser::sign_in(&app, "pm@partner.example").await;
    let con = Browser::sign_in(&app, "con@org.example").await;
    let a = target(store, &org, true, false).await;
    let b = target(store, &org, false, false).await;

    let list = html(
        &ops.get(&app, "/partner-invoices?sort=partner&dir=desc")
            .await
            .expect(200),
    );
    assert!(list.contains("href=\"/partner-invoices\""), "the nav links the page");
    assert!(list.contains(&format!("id=\"partner-invoice-{a}\"")), "{list}");
    assert!(list.contains(&format!("id=\"partner-invoice-{b}\"")), "{list}");
    assert!(
        list.find(&format!("id=\"partner-invoice-{b}\"")) < list.find(&format!("id=\"partner-invoice-{a}\"")),
        "sorted by partner, descending"
    );
    assert!(list.contains("id=\"late-invoices\""), "{list}");
    let page = html(&ops.get(&app, &format!("/partner-invoices/{a}")).await.expect(200));
    // The fixture's line has no approved time behind it: unknown, its whole total over.
    assert!(
        page.contains("id=\"reconciliation\"") && page.contains("unknown"),
        "{page}"
    );
    assert!(
        page.contains("+$100.00") && page.contains("id=\"approve-form\""),
        "{page}"
    );

    let mine = html(
        &partner
            .get(&app, &format!("/partner-invoices?partner_id={}", org.partner_b))
            .await
            .expect(200),
    );
    assert!(mine.contains(&format!("id=\"partner-invoice-{a}\"")), "{mine}");
    assert!(!mine.contains(&format!("id=\"partner-invoice-{b}\"")), "{mine}");
    assert!(!mine.contains("Partner B"), "{mine}");
    let page = html(&partner.get(&app, &format!("/partner-invoices/{a}")).await.expect(200));
    assert!(
        !page.contains("id=\"approve-form\""),
        "a partner never approves: {page}"
    );
    partner.get(&app, &format!("/partner-invoices/{b}")).await.expect(404);
    // Deciding by form is refused to them too.
    partner
        .post(&app, &format!("/partner-invoices/{a}/approve"), &[("reason", "ok")])
        .await
        .expect(403);

    // A refused upload names the line and keeps the form; a good one opens the invoice.
    let partner_a = org.partner_a.to_string();
    let name =
        psops_core::store::RecordStore::<psops_core::partners::Partner>::get(store, psops_core::Id::new(org.partner_a))
            .await
            .expect("partner")
            .fields
            .name;
    let bad = format!(
        "partner,po,from,to,consultant,project,hours,rate,total\n{name},WA,2031-05-01,2031-05-31,role.8@matrix.example,PA,x,100.00,100.00\n"
    );
    let form = |csv: &str| {
        vec![
            ("partner_id", partner_a.clone()),
            ("number", "UP-1".to_string()),
            ("month", "2031-05".to_string()),
            ("currency", "USD".to_string()),
            ("csv", csv.to_string()),
        ]
    };
    let pairs = form(&bad);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = html(&partner.post(&app, "/partner-invoices", &pairs).await.expect(422));
    assert!(refused.contains("Line 2: hours"), "{refused}");
    assert!(refused.contains("UP-1"), "the form keeps what was typed");
    let good = bad.replace(",x,", ",1,");
    let pairs = form(&good);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = partner.post(&app, "/partner-invoices", &pairs).await.expect(303);
    let at = made.header("location").unwrap_or_default().to_string();
    assert!(at.starts_with("/partner-invoices/"), "{at}");
    let id: i64 = at.trim_start_matches("/partner-invoices/").parse().unwrap_or_default();
    let inv: PartnerInvoice = store.get(psops_core::Id::new(id)).await.expect("uploaded");
    assert_eq!(inv.fields.partner_id.get(), org.partner_a);

    con.get(&app, "/partner-invoices").await.expect(404);
    con.get(&app, &format!("/partner-invoices/{a}")).await.expect(404);
}

api_tests!(partner_invoices_show_to_the_team_and_to_their_own_partner);
