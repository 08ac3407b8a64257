//! The demo's partner invoices: both subcontracting partners bill monthly; most invoices
//! match to the cent, the second partner's over-billed months show an `over` line, the
//! approved ones with a variance carry their reason, and the second partner's last month
//! due is late.

use psops_core::every;
use psops_core::partner_invoices::reconcile::Outcome;
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFilter, PartnerInvoiceStatus};
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::{DEMO_END, default_demo_spec, install_demo};

crate::stories!(the_demo_partners_bill_monthly_and_one_is_late);

async fn the_demo_partners_bill_monthly_and_one_is_late(db: &Db) {
    checked(db).await.expect("the demo installs and reads back");
}

async fn checked(db: &Db) -> psops_core::Result<()> {
    install_demo(db, default_demo_spec()).await;
    let invoices: Vec<PartnerInvoice> = every!(db, PartnerInvoiceFilter::default());
    assert!(invoices.len() >= 10, "{} invoices", invoices.len());
    let partners: std::collections::BTreeSet<i64> = invoices.iter().map(|i| i.fields.partner_id.get()).collect();
    assert_eq!(partners.len(), 2, "{partners:?}");
    let (mut matched, mut over) = (0, 0);
    for inv in &invoices {
        let r = db.reconcile_partner_invoice(inv.id).await.expect("reconcile");
        if r.matched {
            matched += 1;
        } else {
            assert!(r.lines.iter().any(|l| l.outcome == Outcome::Over), "{r:?}");
            over += 1;
            if inv.status == PartnerInvoiceStatus::Approved {
                assert!(inv.reason.is_some() && inv.accepted_variance.is_some(), "{inv:?}");
            }
        }
    }
    assert!(over >= 1 && matched > over, "{matched} matched, {over} over");
    let late = db.late_partner_invoices(DEMO_END, None).await.expect("late");
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0].month.to_string(), "2026-05");
    Ok(())
}
