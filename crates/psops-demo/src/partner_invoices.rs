//! The demo's partner invoices: each partner holding work authorizations sends one a
//! month for its approved time, a line per consultant and project at the authorised
//! rate. Most match to the cent and were approved plainly; every fifth month of the
//! second partner bills an hour too many on its first line (approved with a recorded
//! variance, the latest left to decide); the last month due is missing for the second
//! partner — late by the 15th. Deterministic: a pure function of the demo's time.

use psops_core::auth::{Role, UserId};
use psops_core::finance::month::Month;
use psops_core::partner_invoices::reconcile::due_on;
use psops_core::partner_invoices::{InvoiceDecision, PartnerInvoice, PartnerInvoiceFields, PartnerInvoiceLine};
use psops_core::partners::PartnerId;
use psops_core::rates::cost_of;
use psops_core::store::{Records, Store, WriteCtx};
use psops_core::{Currency, Minutes, Result};
use time::Duration;

use crate::DemoOrg;

pub(crate) async fn add(
    store: &dyn Store,
    ctx: &WriteCtx,
    org: &DemoOrg,
    users: &[(Role, UserId)],
    partners: &[PartnerId],
) -> Result<()> {
    let ops = users
        .iter()
        .find(|(r, _)| *r == Role::Ops)
        .map(|(_, u)| crate::catalog::as_user(*u))
        .unwrap_or_else(|| ctx.clone());
    let range = org.spec().range();
    let today = range.end;
    let first = Month::of(range.start);
    // Months whose invoice was due by the demo's last day.
    let Some(last_due) = first.through(Month::of(today)).filter(|m| due_on(*m) < today).last() else {
        return Ok(());
    };
    for (k, partner) in partners.iter().enumerate() {
        let months = store
            .approved_partner_time(*partner, first, last_due, Currency::USD)
            .await?;
        for (i, (month, time)) in months.into_iter().enumerate() {
            let second = k == 1;
            if second && month == last_due {
                continue; // late: not received by the 15th
            }
            let mut lines: Vec<PartnerInvoiceLine> = time
                .iter()
                .filter_map(|u| {
                    let rate = u.rate?;
                    Some(PartnerInvoiceLine {
                        po: format!("WA-{}-{}", partner.get(), u.project_id.get()),
                        from_date: month.first(),
                        to_date: month.last(),
                        person_id: u.person_id,
                        project_id: u.project_id,
                        minutes: u.minutes,
                        rate,
                        total: u.amount,
                    })
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            let over = second && i % 5 == 2;
            if over {
                let l = &mut lines[0];
                l.minutes = Minutes(l.minutes.get() + 60);
                l.total = cost_of(l.rate, l.minutes)?;
            }
            let received_on = month.next().first() + Duration::days(2 + (i % 4) as i64);
            let inv: PartnerInvoice = store
                .create(
                    ctx,
                    PartnerInvoiceFields {
                        partner_id: *partner,
                        number: format!("P{}-{}", partner.get(), month),
                        month,
                        received_on,
                        currency: Currency::USD,
                        lines,
                        notes: None,
                    },
                )
                .await?
                .made()?;
            // The latest month is left to decide; earlier ones were approved.
            if month == last_due || month.next() == last_due && second {
                continue;
            }
            let reason = over.then(|| "The extra hour was a handover agreed with the delivery lead".to_string());
            store
                .approve_partner_invoice(&ops, inv.id, None, InvoiceDecision { reason })
                .await?;
        }
    }
    Ok(())
}
