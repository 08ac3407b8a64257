//! A stored SOW as the document shows it: names looked up, dates and money written out.

use psops_core::Result;
use psops_core::accounts::Account;
use psops_core::code::Code;
use psops_core::dates::format_date;
use psops_core::people::Person;
use psops_core::projects::BillingType;
use psops_core::scoping::opportunities::Opportunity;
use psops_core::scoping::sows::{Sow, SowRole};
use psops_core::store::RecordStore;
use time::Date;

use crate::AppState;
use crate::sow_doc::{DocApproval, DocLine, DocMilestone, DocResource, DocTotals, SowDocument};

fn written(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

fn hours(m: psops_core::Minutes) -> String {
    m.hours_text()
}

/// The document of one revision.
pub async fn document(st: &AppState, sow: &Sow) -> Result<SowDocument> {
    let o = RecordStore::<Opportunity>::get(&*st.store, sow.opportunity_id).await?;
    let account = RecordStore::<Account>::get(&*st.store, o.fields.account_id).await?;
    let em = match o.fields.engagement_manager_id {
        Some(p) => RecordStore::<Person>::get(&*st.store, p).await?.fields.name,
        None => String::new(),
    };
    let settings = st.store.settings().await?.scoping;
    let e = st
        .store
        .get(sow.fields.estimate_id)
        .await
        .map(|e: psops_core::scoping::estimates::Estimate| e)?;
    let f = &sow.fields;
    let t = &sow.totals;
    let mut approvals = Vec::new();
    for d in st
        .store
        .sow_decisions(sow.id)
        .await?
        .into_iter()
        .filter(|d| d.round == sow.round)
    {
        let by = st.store.user(d.decided_by).await.map(|u| u.name).unwrap_or_default();
        let step = SowRole::from_code(&d.step_name).map_or(d.step_name.clone(), |r| r.label().to_string());
        approvals.push(DocApproval {
            step,
            by,
            at: format_date(d.decided_at.date()),
            decision: d.decision.code().replace('_', " "),
        });
    }
    Ok(SowDocument {
        number: sow.number.clone(),
        version: sow.revision.max(0) as u32,
        title: f.title.clone(),
        status: sow.status.code().replace('_', " "),
        customer: account.fields.name.clone(),
        provider: settings.provider_name.clone(),
        prepared_by: em,
        date: written(sow.meta.updated_at.date()),
        expires: written(f.expires_on),
        currency: t.price.currency.to_string(),
        billing_type: match f.billing_type {
            BillingType::FixedFee => "Fixed fee".into(),
            BillingType::TimeAndMaterials => "Time and materials".into(),
            BillingType::NonBillable => "Non-billable".into(),
        },
        billing_terms: f.billing_terms.label().into(),
        passive_acceptance_days: f.passive_acceptance_days.max(0) as u32,
        minimum_hours_per_week: f.minimum_minutes_per_week.map(|m| format!("{} h", hours(m))),
        start: written(f.start_date),
        end: written(f.end_date),
        scope: f.scope.clone(),
        activities: f.activities.clone(),
        lines: e
            .priced
            .iter()
            .map(|l| DocLine {
                description: match &l.code {
                    Some(c) => format!("{} ({c})", l.description),
                    None => l.description.clone(),
                },
                quantity: if l.code.is_some() {
                    l.quantity.to_string()
                } else {
                    format!("{} h", hours(l.minutes))
                },
                unit_price: l.unit_price.written(),
                amount: l.amount.written(),
            })
            .collect(),
        milestones: f
            .milestones
            .iter()
            .map(|m| DocMilestone {
                name: m.name.clone(),
                due: written(m.due),
                amount: m.amount.written(),
            })
            .collect(),
        resources: sow
            .resources
            .iter()
            .map(|r| DocResource {
                role: r.role.code().replace('_', " "),
                hours: hours(r.minutes),
            })
            .collect(),
        totals: DocTotals {
            subtotal: t.subtotal.written(),
            discount: (t.discount.amount_minor != 0).then(|| {
                format!(
                    "-{} ({})",
                    t.discount.written(),
                    psops_core::ratio::percent_text(e.fields.discount_bp)
                )
            }),
            travel_and_expenses: (t.travel_and_expenses.amount_minor != 0).then(|| t.travel_and_expenses.written()),
            total: t.total.written(),
        },
        assumptions: f.assumptions.clone(),
        out_of_scope: f.out_of_scope.clone(),
        delay_language: f.delay_language.clone(),
        approvals,
        signatures: vec![
            format!("For {}", account.fields.name),
            format!("For {}", settings.provider_name),
        ],
    })
}
