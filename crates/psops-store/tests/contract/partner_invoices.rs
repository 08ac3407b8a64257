//! Partner invoices: every line outcome to the cent (matched, over, under, unknown),
//! approval without and with a reason, a decided invoice that no longer changes nor is
//! withdrawn (archived), the rules a received invoice obeys (its own arithmetic, its
//! month, its currency, one live invoice per partner and month), the partners late with
//! one, and the CSV's look-ups held to the partner's own people and projects — each
//! decision audited.

use psops_core::audit::AuditFilter;
use psops_core::finance::month::Month;
use psops_core::page::PageRequest;
use psops_core::partner_funds::{PrimeSow, WorkAuthorization};
use psops_core::partner_invoices::reconcile::Outcome;
use psops_core::partner_invoices::{
    InvoiceDecision, PartnerInvoice, PartnerInvoiceFields, PartnerInvoiceFilter, PartnerInvoiceLine,
    PartnerInvoicePatch, PartnerInvoiceStatus,
};
use psops_core::people::Person;
use psops_core::projects::{BillingType, Project};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Minutes, Money};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person_fields};
use super::ledger::{account, project};
use super::partner_funds::{approve, partner, partner_engineer, sow_fields, wa_fields};
use super::time_fixtures::as_person;

crate::stories!(
    an_invoice_reconciles_line_by_line_to_the_cent,
    a_matching_invoice_approves_plainly,
    a_received_invoice_obeys_its_rules,
    partners_late_with_an_invoice_are_listed,
    an_uploaded_csv_names_only_the_partners_own,
    a_decided_invoice_is_not_withdrawn,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn march() -> Month {
    Month::parse("2026-03", "month").unwrap()
}

fn line(p: &Person, project: &Project, minutes: i64, rate: i64) -> PartnerInvoiceLine {
    let total = psops_core::rates::cost_of(usd(rate), Minutes(minutes)).unwrap();
    PartnerInvoiceLine {
        po: "WA-1".into(),
        from_date: date!(2026 - 03 - 01),
        to_date: date!(2026 - 03 - 31),
        person_id: p.id,
        project_id: project.id,
        minutes: Minutes(minutes),
        rate: usd(rate),
        total,
    }
}

fn invoice(
    partner: &psops_core::partners::Partner,
    number: &str,
    lines: Vec<PartnerInvoiceLine>,
) -> PartnerInvoiceFields {
    PartnerInvoiceFields {
        partner_id: partner.id,
        number: number.into(),
        month: march(),
        received_on: date!(2026 - 04 - 03),
        currency: Currency::USD,
        lines,
        notes: None,
    }
}

/// A partner with a March work authorization on a project at $103.33/h for engineers,
/// its project's manager and the project.
async fn setting(db: &Db, name: &str) -> (psops_core::partners::Partner, Project, Person) {
    let acme = partner(db, name).await;
    let a = account(db, &format!("{name} customer"), None).await;
    let p = project(db, &a, &format!("{name} rollout"), BillingType::TimeAndMaterials).await;
    let pm: Person = new(db
        .create(
            &ctx(),
            person_fields(&format!("pm@{}.example", name.to_lowercase().replace(' ', ""))),
        )
        .await
        .expect("pm"));
    let managed = psops_core::projects::ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        ..Default::default()
    };
    let p: Project = db.update(&ctx(), p.id, None, managed).await.expect("manager");
    let sow: PrimeSow = new(db
        .create(&ctx(), sow_fields(&acme, &format!("PSOW {name}")))
        .await
        .expect("sow"));
    let _: WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, &format!("WA {name}"), 5_000_000))
        .await
        .expect("wa"));
    (acme, p, pm)
}

async fn logged(db: &Db, who: &Person, p: &Project, pm: &Person, day: Date, minutes: i64) {
    approve(db, who, p, day, minutes, as_person(pm)).await;
}

async fn an_invoice_reconciles_line_by_line_to_the_cent(db: &Db) {
    let (acme, p, pm) = setting(db, "Acme Partners").await;
    let (_, globex_p, _) = setting(db, "Globex Partners").await;
    let a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    let b = partner_engineer(db, &acme, &p, "b@acme.example").await;
    let c = partner_engineer(db, &acme, &p, "c@acme.example").await;
    // 7.5 h and 6 h at $103.33: $774.975 → $774.98 and $619.98, rounded per entry.
    logged(db, &a, &p, &pm, date!(2026 - 03 - 02), 450).await;
    logged(db, &a, &p, &pm, date!(2026 - 03 - 03), 360).await;
    logged(db, &b, &p, &pm, date!(2026 - 03 - 04), 480).await;
    logged(db, &c, &p, &pm, date!(2026 - 03 - 05), 240).await;
    let lines = vec![
        line(&a, &p, 810, 10_333),       // 13.5 h × $103.33 = $1,394.955 → $1,394.96: matched
        line(&b, &p, 540, 10_333),       // 9 h billed, 8 h approved: over by $103.33
        line(&c, &p, 180, 10_333),       // 3 h billed, 4 h approved: under by $103.33
        line(&a, &globex_p, 60, 10_000), // a project Acme holds no authorization on
    ];
    let inv: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "ACME-0326", lines))
        .await
        .expect("invoice"));
    assert_eq!(inv.status, PartnerInvoiceStatus::Received);
    let r = db.reconcile_partner_invoice(inv.id).await.expect("reconcile");
    let got: Vec<(Outcome, i64, i64)> = r
        .lines
        .iter()
        .map(|l| (l.outcome, l.expected_total.amount_minor, l.difference.amount_minor))
        .collect();
    assert_eq!(
        got,
        vec![
            (Outcome::Matched, 139_496, 0),
            (Outcome::Over, 82_664, 10_333),
            (Outcome::Under, 41_332, -10_333),
            (Outcome::Unknown, 0, 10_000),
        ]
    );
    assert_eq!(r.lines[0].expected_minutes, Minutes(810));
    assert_eq!(r.lines[1].authorised_rate, Some(usd(10_333)));
    assert!(r.lines[3].why.as_deref().unwrap().contains("no work authorization"));
    assert_eq!(r.variance, usd(10_000));
    assert!(!r.matched);
    // Not without a reason: 409 naming the unmatched lines and their difference.
    let err = db
        .approve_partner_invoice(&ctx(), inv.id, None, InvoiceDecision { reason: None })
        .await
        .unwrap_err();
    let Error::Conflict(f) = &err else { panic!("{err:?}") };
    assert_eq!(f.rule, Rule::VarianceReason);
    assert!(
        f.message.contains("line 2 (over)") && f.message.contains("+$100.00"),
        "{}",
        f.message
    );
    // A rejection needs its reason too.
    let err = db
        .reject_partner_invoice(
            &ctx(),
            inv.id,
            None,
            InvoiceDecision {
                reason: Some(" ".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), vec![("reason".into(), Rule::Required)]);
    let reason = Some("Extra hour on line 4 agreed with the delivery lead".to_string());
    let done = db
        .approve_partner_invoice(
            &ctx(),
            inv.id,
            Some(inv.meta.version),
            InvoiceDecision { reason: reason.clone() },
        )
        .await
        .expect("approve with reason");
    assert_eq!(done.status, PartnerInvoiceStatus::Approved);
    assert_eq!(done.accepted_variance, Some(usd(10_000)));
    assert_eq!(done.reason, reason);
    assert!(done.decided_at.is_some());
    // An approved invoice no longer changes, nor is it decided again.
    let patch = PartnerInvoicePatch {
        notes: Some(Some("late edit".into())),
        ..Default::default()
    };
    let err = db.update(&ctx(), inv.id, None, patch).await.unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.rule == Rule::InvalidTransition),
        "{err:?}"
    );
    let err = db
        .approve_partner_invoice(&ctx(), inv.id, None, InvoiceDecision { reason: reason.clone() })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.rule == Rule::InvalidTransition),
        "{err:?}"
    );
    let filter = AuditFilter {
        entity: Some("partner_invoice".into()),
        ..Default::default()
    };
    let audit = db.list_audit(&filter, PageRequest::default()).await.unwrap().items;
    assert_eq!(audit.len(), 2, "created and approved");
}

async fn a_matching_invoice_approves_plainly(db: &Db) {
    let (acme, p, pm) = setting(db, "Acme Partners").await;
    let a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    logged(db, &a, &p, &pm, date!(2026 - 03 - 09), 45).await;
    logged(db, &a, &p, &pm, date!(2026 - 03 - 10), 45).await;
    // Three 45-minute entries at $103.33: the ledger prices each $77.4975 → $77.50
    // ($232.50); the invoice's 2.25 h × $103.33 = $232.4925 → $232.49 is what is expected.
    let l = line(&a, &p, 135, 10_333);
    assert_eq!(l.total, usd(23_249));
    let inv: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "A-1", vec![l]))
        .await
        .expect("invoice"));
    // Before the third entry is approved the invoice bills more than was approved; the
    // reconciliation is kept, and the approval shows in the next one.
    let r = db.reconcile_partner_invoice(inv.id).await.unwrap();
    assert!(!r.matched, "{r:?}");
    logged(db, &a, &p, &pm, date!(2026 - 03 - 11), 45).await;
    let r = db.reconcile_partner_invoice(inv.id).await.unwrap();
    assert!(r.matched, "{r:?}");
    assert!(r.unbilled.is_empty());
    let done = db
        .approve_partner_invoice(&ctx(), inv.id, None, InvoiceDecision { reason: None })
        .await
        .expect("approve plainly");
    assert_eq!(
        (done.status, done.accepted_variance),
        (PartnerInvoiceStatus::Approved, None)
    );
}

async fn a_received_invoice_obeys_its_rules(db: &Db) {
    let (acme, p, pm) = setting(db, "Acme Partners").await;
    let a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    logged(db, &a, &p, &pm, date!(2026 - 03 - 16), 60).await;
    // Its own arithmetic and its month.
    let mut wrong = line(&a, &p, 90, 10_001);
    wrong.total = usd(15_001);
    wrong.to_date = date!(2026 - 04 - 01);
    let err = db.create(&ctx(), invoice(&acme, "A-1", vec![wrong])).await.unwrap_err();
    let got = broken(err);
    assert!(got.contains(&("lines[0].total".into(), Rule::LineTotal)), "{got:?}");
    assert!(got.contains(&("lines[0].to_date".into(), Rule::WithinMonth)), "{got:?}");
    // The work authorization's currency.
    let mut eur = invoice(&acme, "A-1", vec![line(&a, &p, 60, 10_333)]);
    let euro: Currency = "EUR".parse().unwrap();
    eur.currency = euro;
    for l in &mut eur.lines {
        l.rate.currency = euro;
        l.total.currency = euro;
    }
    let got = broken(db.create(&ctx(), eur).await.unwrap_err());
    assert_eq!(got, vec![("lines[0].rate".into(), Rule::Currency)]);
    // One live invoice per partner and month; a rejected one frees the month.
    let first: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "A-1", vec![line(&a, &p, 60, 10_333)]))
        .await
        .expect("first"));
    let err = db
        .create(&ctx(), invoice(&acme, "A-2", vec![line(&a, &p, 60, 10_333)]))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "month"), "{err:?}");
    let err = db
        .create(&ctx(), invoice(&acme, "a-1", vec![line(&a, &p, 60, 10_333)]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.field == "number" || f.field == "month"),
        "{err:?}"
    );
    db.reject_partner_invoice(
        &ctx(),
        first.id,
        None,
        InvoiceDecision {
            reason: Some("wrong PO".into()),
        },
    )
    .await
    .expect("reject");
    let second: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "A-2", vec![line(&a, &p, 60, 10_333)]))
        .await
        .expect("after the rejection"));
    // Withdrawn (archived): the month is free again; restoring it is refused while
    // another is live.
    let second = db.archive(&ctx(), second.id, None, true).await.expect("withdraw");
    let _third: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "A-3", vec![line(&a, &p, 60, 10_333)]))
        .await
        .expect("after the withdrawal"));
    let err = db.archive(&ctx(), second.id, None, false).await.unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "month"), "{err:?}");
    let mine = PartnerInvoiceFilter {
        partner_id: Some(acme.id),
        ..Default::default()
    };
    assert_eq!(db.list(&mine, PageRequest::default()).await.unwrap().items.len(), 2);
}

async fn partners_late_with_an_invoice_are_listed(db: &Db) {
    let (acme, p, _) = setting(db, "Acme Partners").await;
    let (globex, _, _) = setting(db, "Globex Partners").await;
    let a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    // The authorizations run through March: its invoice is due 15 April.
    assert!(
        db.late_partner_invoices(date!(2026 - 04 - 15), None)
            .await
            .unwrap()
            .is_empty()
    );
    let late = db.late_partner_invoices(date!(2026 - 04 - 16), None).await.unwrap();
    let got: Vec<(String, String, Date)> = late
        .iter()
        .map(|l| (l.partner_name.clone(), l.month.to_string(), l.due_on))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Acme Partners".into(), "2026-03".into(), date!(2026 - 04 - 15)),
            ("Globex Partners".into(), "2026-03".into(), date!(2026 - 04 - 15)),
        ]
    );
    // Received (even late) takes a partner off; one partner's view holds only its own.
    let mut f = invoice(&acme, "A-1", vec![line(&a, &p, 60, 10_333)]);
    f.received_on = date!(2026 - 04 - 20);
    let _: PartnerInvoice = new(db.create(&ctx(), f).await.expect("invoice"));
    let late = db.late_partner_invoices(date!(2026 - 04 - 21), None).await.unwrap();
    assert_eq!(late.iter().map(|l| l.partner_id).collect::<Vec<_>>(), vec![globex.id]);
    assert!(
        db.late_partner_invoices(date!(2026 - 04 - 21), Some(acme.id))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn an_uploaded_csv_names_only_the_partners_own(db: &Db) {
    let (acme, p, _) = setting(db, "Acme Partners").await;
    let (globex, globex_p, _) = setting(db, "Globex Partners").await;
    let _a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    let _g = partner_engineer(db, &globex, &globex_p, "g@globex.example").await;
    let text = "partner,po,from,to,consultant,project,hours,rate,total\n\
                Acme Partners,WA-1,2026-03-01,2026-03-31,A@acme.example,Acme Partners rollout,1.5,103.33,155.00\n";
    let rows = psops_core::partner_invoices::csv::read(text, Currency::USD).unwrap();
    let lines = db
        .partner_invoice_lines(acme.id, &rows, Currency::USD)
        .await
        .expect("lines");
    assert_eq!((lines[0].project_id, lines[0].minutes), (p.id, Minutes(90)));
    // Another partner's consultant and project are unknown to Acme, and the partner
    // column must be the invoice's.
    let text = "partner,po,from,to,consultant,project,hours,rate,total\n\
                Globex Partners,WA-1,2026-03-01,2026-03-31,g@globex.example,Globex Partners rollout,1,100,100\n";
    let rows = psops_core::partner_invoices::csv::read(text, Currency::USD).unwrap();
    let got = broken(
        db.partner_invoice_lines(acme.id, &rows, Currency::USD)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        got,
        vec![
            ("csv".into(), Rule::InvalidValue),
            ("csv".into(), Rule::Exists),
            ("csv".into(), Rule::Exists)
        ]
    );
}

async fn a_decided_invoice_is_not_withdrawn(db: &Db) {
    let (acme, p, pm) = setting(db, "Acme Partners").await;
    let a = partner_engineer(db, &acme, &p, "a@acme.example").await;
    logged(db, &a, &p, &pm, date!(2026 - 03 - 16), 60).await;
    let inv: PartnerInvoice = new(db
        .create(&ctx(), invoice(&acme, "A-1", vec![line(&a, &p, 60, 10_333)]))
        .await
        .expect("invoice"));
    let approved = db
        .approve_partner_invoice(&ctx(), inv.id, None, InvoiceDecision { reason: None })
        .await
        .expect("approve");
    let before = audited(db).await;
    // Withdrawing an approved invoice would free its month for a second bill of the
    // same work: refused, naming the status, and nothing is written.
    let err = db
        .archive(&ctx(), approved.id, Some(approved.meta.version), true)
        .await
        .unwrap_err();
    let Error::Conflict(f) = &err else { panic!("{err:?}") };
    assert_eq!((f.field.as_str(), f.rule), ("status", Rule::InvalidTransition));
    assert!(f.message.contains("approved"), "{}", f.message);
    let now: PartnerInvoice = db.get(approved.id).await.unwrap();
    assert_eq!(now, approved);
    assert_eq!(audited(db).await, before);
    let err = db
        .create(&ctx(), invoice(&acme, "A-2", vec![line(&a, &p, 60, 10_333)]))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "month"), "{err:?}");
    // A rejected one is kept as the record of why, and a stale copy is answered as such.
    let (globex, gp, _) = setting(db, "Globex Partners").await;
    let g = partner_engineer(db, &globex, &gp, "g@globex.example").await;
    let other: PartnerInvoice = new(db
        .create(&ctx(), invoice(&globex, "G-1", vec![line(&g, &gp, 60, 10_333)]))
        .await
        .expect("globex invoice"));
    let rejected = db
        .reject_partner_invoice(
            &ctx(),
            other.id,
            None,
            InvoiceDecision {
                reason: Some("wrong PO".into()),
            },
        )
        .await
        .expect("reject");
    let err = db.archive(&ctx(), rejected.id, None, true).await.unwrap_err();
    let Error::Conflict(f) = &err else { panic!("{err:?}") };
    assert!(
        f.rule == Rule::InvalidTransition && f.message.contains("rejected"),
        "{f:?}"
    );
    let err = db
        .archive(&ctx(), rejected.id, Some(other.meta.version), true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed { .. }), "{err:?}");
    assert!(
        !db.get(rejected.id)
            .await
            .map(|i: PartnerInvoice| i.meta.is_archived())
            .unwrap()
    );
}

async fn audited(db: &Db) -> usize {
    let filter = AuditFilter {
        entity: Some("partner_invoice".into()),
        ..Default::default()
    };
    db.list_audit(&filter, PageRequest::default())
        .await
        .unwrap()
        .items
        .len()
}
