//! Invoice stories, with exact amounts: a T&M draft prices each approved, billable,
//! un-invoiced entry at the bill rate of its day (across a rate change); a draft never
//! locks; issuing numbers without gaps (also under concurrent issues on PostgreSQL) and
//! locks what it bills, so an invoiced entry refuses every change naming the invoice; a
//! credit note reverses the invoice and releases the work to be billed again; a
//! fixed-fee project bills its accepted milestones once, and a billed milestone keeps its
//! amount.

use psops_core::delivery::acceptance::{AcceptanceMethod, NewEvidence, SignOff};
use psops_core::finance::invoices::{
    Invoice, InvoiceFilter, InvoiceKind, InvoicePatch, InvoiceStatus, LineKind, NewInvoice,
};
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person};
use psops_core::plan::{Milestone, MilestoneFields, MilestonePatch, MilestoneStatus};
use psops_core::projects::{BillingType, Project};
use psops_core::rates::RateKind;
use psops_core::rates::RoleRate;
use psops_core::rates::cards::RoleRateFields;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::{TimeEntry, TimeEntryPatch};
use psops_core::timesheet::IsoWeek;
use psops_core::{Error, Minutes, Money};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{broken, ctx, new, project_fields};
use super::scoping::{account, usd};
use super::time_fixtures::{as_person, log, managed_project, on_project, staff};

crate::stories!(
    a_tm_draft_prices_each_entry_at_the_rate_of_its_day_and_never_locks,
    issuing_numbers_without_gaps_and_locks_what_it_bills,
    a_credit_note_reverses_the_invoice_and_releases_the_work,
    concurrent_issues_take_unique_gapless_numbers,
    a_fixed_fee_project_bills_accepted_milestones_once,
);

const TODAY: Date = date!(2026 - 03 - 31);

fn week(s: &str) -> IsoWeek {
    s.parse().unwrap()
}

/// The engineer rate card: 150.00 an hour until 15 March 2026, 165.00 from the 16th.
async fn rates(db: &Db) {
    for (minor, from, to) in [
        (15_000, date!(2026 - 01 - 01), Some(date!(2026 - 03 - 15))),
        (16_500, date!(2026 - 03 - 16), None),
    ] {
        let f = RoleRateFields {
            kind: RateKind::Bill,
            role: Function::Engineer,
            region: "AMER".into(),
            rate: usd(minor),
            effective_from: from,
            effective_to: to,
        };
        let _: RoleRate = new(db.create(&ctx(), f).await.expect("rate"));
    }
}

struct Tm {
    pm: Person,
    me: Person,
    project: Project,
    /// 7:30 on Thursday 12 March (at 150.00: 1,125.00) and 1:30 on Monday 16 March (at
    /// 165.00: 247.50), both approved.
    entries: Vec<TimeEntry>,
}

async fn approve(db: &Db, t: &Tm, w: &str) {
    db.submit_week(&ctx(), as_person(&t.me), t.me.id, week(w))
        .await
        .expect("submit");
    db.approve_week(&ctx(), as_person(&t.pm), t.me.id, week(w), Some(t.project.id))
        .await
        .expect("approve");
}

async fn tm(db: &Db, name: &str) -> Tm {
    let pm = staff(db, &format!("pm.{name}@example.com"), "AMER", None).await;
    let me = staff(db, &format!("me.{name}@example.com"), "AMER", None).await;
    let project = managed_project(db, name, pm.id).await;
    let a = log(db, on_project(me.id, &project, date!(2026 - 03 - 12), 450)).await;
    let b = log(db, on_project(me.id, &project, date!(2026 - 03 - 16), 90)).await;
    let t = Tm {
        pm,
        me,
        project,
        entries: vec![a, b],
    };
    approve(db, &t, "2026-W11").await;
    approve(db, &t, "2026-W12").await;
    t
}

async fn draft(db: &Db, p: &Project, through: Date) -> psops_core::Result<Invoice> {
    db.draft_invoice(
        &ctx(),
        NewInvoice {
            project_id: p.id,
            through,
        },
        TODAY,
    )
    .await
}

fn conflict(e: Error) -> (Rule, String) {
    match e {
        Error::Conflict(f) => (f.rule, f.message),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_tm_draft_prices_each_entry_at_the_rate_of_its_day_and_never_locks(db: &Db) {
    rates(db).await;
    let t = tm(db, "Contoso").await;
    // Time not yet approved is not billed (a draft entry of the week after).
    log(db, on_project(t.me.id, &t.project, date!(2026 - 03 - 23), 60)).await;
    let d = draft(db, &t.project, date!(2026 - 03 - 31)).await.expect("draft");
    assert_eq!(
        (d.status, d.number.as_deref(), d.kind),
        (InvoiceStatus::Draft, None, InvoiceKind::Invoice)
    );
    let amounts: Vec<(LineKind, i64, Option<i64>)> = d
        .lines
        .iter()
        .map(|l| (l.kind, l.amount.amount_minor, l.rate_minor))
        .collect();
    assert_eq!(
        amounts,
        [
            (LineKind::Time, 112_500, Some(15_000)),
            (LineKind::Time, 24_750, Some(16_500))
        ]
    );
    assert_eq!(d.total, usd(137_250));
    assert_eq!(
        (d.period_from, d.period_to),
        (Some(date!(2026 - 03 - 12)), date!(2026 - 03 - 31))
    );
    assert_eq!(d.due_date, date!(2026 - 04 - 30));
    // Through the 13th only the first entry is due.
    let early = draft(db, &t.project, date!(2026 - 03 - 13)).await.expect("early");
    assert_eq!(early.total, usd(112_500));
    // A draft locks nothing: the PM can still reopen an entry on it …
    let reopened = db
        .reopen_entries(&ctx(), as_person(&t.pm), &[t.entries[1].id])
        .await
        .expect("a draft does not lock");
    assert_eq!(reopened.len(), 1);
    // … and then the draft no longer matches its time: issuing it is refused, nothing written.
    let (rule, message) = conflict(db.issue_invoice(&ctx(), d.id, None, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::Gate);
    assert!(
        message.contains(&format!("time entry {}", t.entries[1].id)),
        "{message}"
    );
    let still = db.invoice(d.id).await.expect("read");
    assert_eq!((still.status, still.number), (InvoiceStatus::Draft, None));
    // A draft is edited (drop a line, a note) and discarded; an unknown line is named.
    let bad = InvoicePatch {
        drop_lines: vec![9],
        ..InvoicePatch::default()
    };
    let err = db.change_invoice(&ctx(), d.id, None, bad).await.unwrap_err();
    assert_eq!(broken(err), [("drop_lines".to_string(), Rule::Exists)]);
    let edited = db
        .change_invoice(
            &ctx(),
            d.id,
            Some(d.version),
            InvoicePatch {
                drop_lines: vec![2],
                note: Some("March work".into()),
                ..InvoicePatch::default()
            },
        )
        .await
        .expect("edit");
    assert_eq!(
        (edited.lines.len(), edited.total, edited.note.as_deref()),
        (1, usd(112_500), Some("March work"))
    );
    db.discard_invoice(&ctx(), d.id, Some(edited.version))
        .await
        .expect("discard");
    assert!(matches!(db.invoice(d.id).await, Err(Error::NotFound { .. })));
    // A project with no approved time has nothing to bill.
    let idle = managed_project(db, "Idle", t.pm.id).await;
    let (rule, _) = conflict(draft(db, &idle, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::NothingToBill);
    // An entry whose role has no bill rate refuses the draft, naming the entry and role.
    let mut f = project_fields(account(db, "Ratless").await.id.get(), "Ratless");
    f.project_manager_id = Some(t.pm.id);
    f.start_date = Some(date!(2025 - 01 - 01));
    let ratless: Project = new(db.create(&ctx(), f).await.expect("project"));
    let old = log(db, on_project(t.me.id, &ratless, date!(2025 - 12 - 01), 60)).await;
    let r = Tm {
        pm: t.pm.clone(),
        me: t.me.clone(),
        project: ratless.clone(),
        entries: vec![old.clone()],
    };
    approve(db, &r, "2025-W49").await;
    let err = draft(db, &ratless, TODAY).await.unwrap_err();
    let Error::Invalid(errs) = err else {
        panic!("expected invalid")
    };
    assert_eq!(errs[0].rule, Rule::NoRate);
    assert!(
        errs[0].message.contains(&format!("time entry {}", old.id)),
        "{}",
        errs[0].message
    );
    assert!(errs[0].message.contains("engineer"), "{}", errs[0].message);
}

async fn issuing_numbers_without_gaps_and_locks_what_it_bills(db: &Db) {
    rates(db).await;
    let t = tm(db, "Northwind").await;
    let d = draft(db, &t.project, TODAY).await.expect("draft");
    // Two drafts may hold the same time; the first issued wins it.
    let rival = draft(db, &t.project, TODAY).await.expect("rival");
    let issued = db
        .issue_invoice(&ctx(), d.id, Some(d.version), TODAY)
        .await
        .expect("issue");
    assert_eq!(issued.number.as_deref(), Some("INV-000001"));
    assert_eq!((issued.status, issued.total), (InvoiceStatus::Issued, usd(137_250)));
    let (rule, message) = conflict(db.issue_invoice(&ctx(), rival.id, None, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::Invoiced);
    assert!(message.contains("INV-000001"), "{message}");
    assert_eq!(
        db.invoice(rival.id).await.expect("rival").number,
        None,
        "a refused issue writes nothing"
    );
    // An issued invoice never changes and is never discarded.
    let (rule, _) = conflict(
        db.change_invoice(&ctx(), d.id, None, InvoicePatch::default())
            .await
            .unwrap_err(),
    );
    assert_eq!(rule, Rule::InvalidTransition);
    assert!(db.discard_invoice(&ctx(), d.id, None).await.is_err());
    // The invoiced entry refuses edit, delete and reopen, naming the invoice.
    let e = &t.entries[0];
    let patch = TimeEntryPatch {
        minutes: Some(Minutes(60)),
        ..TimeEntryPatch::default()
    };
    for err in [
        db.update_time_entry(&ctx(), e.id, None, patch).await.unwrap_err(),
        db.delete_time_entry(&ctx(), e.id, None).await.unwrap_err(),
        db.reopen_entries(&ctx(), as_person(&t.pm), &[e.id]).await.unwrap_err(),
    ] {
        let (rule, message) = conflict(err);
        assert_eq!(rule, Rule::Invoiced);
        assert!(message.contains("INV-000001"), "{message}");
    }
    // Nothing is left to bill; the refused rival took no number: the next is 2.
    let (rule, _) = conflict(draft(db, &t.project, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::NothingToBill);
    db.discard_invoice(&ctx(), rival.id, None).await.expect("discard rival");
    let other = tm(db, "Adventure").await;
    let next = draft(db, &other.project, TODAY).await.expect("draft");
    let next = db.issue_invoice(&ctx(), next.id, None, TODAY).await.expect("issue");
    assert_eq!(next.number.as_deref(), Some("INV-000002"));
    // The list filters by status and project.
    let issued_only = InvoiceFilter {
        status: Some(InvoiceStatus::Issued),
        project_id: Some(t.project.id),
        ..InvoiceFilter::default()
    };
    let page = db
        .list_invoices(&issued_only, PageRequest::default())
        .await
        .expect("list");
    assert_eq!(page.items.iter().map(|i| i.id).collect::<Vec<_>>(), [issued.id]);
}

async fn a_credit_note_reverses_the_invoice_and_releases_the_work(db: &Db) {
    rates(db).await;
    let t = tm(db, "Tailspin").await;
    let d = draft(db, &t.project, TODAY).await.expect("draft");
    let issued = db.issue_invoice(&ctx(), d.id, None, TODAY).await.expect("issue");
    // A draft is not credited, and a credit needs a reason.
    let other = draft(db, &tm(db, "Wingtip").await.project, TODAY).await.expect("draft");
    assert!(db.credit_invoice(&ctx(), other.id, "wrong", TODAY).await.is_err());
    let err = db.credit_invoice(&ctx(), issued.id, "  ", TODAY).await.unwrap_err();
    assert_eq!(broken(err), [("reason".to_string(), Rule::Required)]);
    let cn = db
        .credit_invoice(&ctx(), issued.id, "Billed at the wrong rate", TODAY)
        .await
        .expect("credit");
    assert_eq!(cn.number.as_deref(), Some("CN-000001"));
    assert_eq!((cn.kind, cn.status), (InvoiceKind::CreditNote, InvoiceStatus::Issued));
    assert_eq!(cn.credits_invoice_id, Some(issued.id));
    assert_eq!(cn.total, usd(-137_250));
    let amounts: Vec<i64> = cn.lines.iter().map(|l| l.amount.amount_minor).collect();
    assert_eq!(amounts, [-112_500, -24_750]);
    assert_eq!(cn.reason.as_deref(), Some("Billed at the wrong rate"));
    // The invoice stays as issued, now marked credited; it is not credited twice.
    let again = db.invoice(issued.id).await.expect("read");
    assert_eq!((again.total, again.credited_by_id), (usd(137_250), Some(cn.id)));
    assert!(db.credit_invoice(&ctx(), issued.id, "twice", TODAY).await.is_err());
    // The work is released: it can be billed again, on the next number.
    let redraft = draft(db, &t.project, TODAY).await.expect("redraft");
    assert_eq!(redraft.total, usd(137_250));
    let reissued = db
        .issue_invoice(&ctx(), redraft.id, None, TODAY)
        .await
        .expect("reissue");
    assert_eq!(reissued.number.as_deref(), Some("INV-000002"));
    // The export carries the invoices and the credit note dated in the range.
    let out = db
        .invoices_for_export(date!(2026 - 03 - 01), TODAY)
        .await
        .expect("export");
    let numbers: Vec<&str> = out.iter().filter_map(|i| i.number.as_deref()).collect();
    assert_eq!(numbers, ["INV-000001", "INV-000002", "CN-000001"]);
    assert_eq!(out[2].lines.len(), 2);

    // `psops verify` finds every invoice equal to its lines and no number missing, then
    // finds a line changed behind its total's back and a number no invoice holds.
    assert!(db.verify_ledger().await.expect("verify").is_empty());
    psops_store::testing::tamper_invoice(db, reissued.id.get(), 1, "credit_note")
        .await
        .expect("tamper");
    let found: Vec<(String, String, i64, i64)> = db
        .verify_ledger()
        .await
        .expect("verify")
        .into_iter()
        .map(|d| (d.check, d.subject, d.expected, d.stored))
        .collect();
    assert_eq!(
        found,
        [
            (
                "invoice total = sum of its lines".to_string(),
                format!("invoice {}", reissued.id.get()),
                137_251,
                137_250
            ),
            (
                "invoice numbers have no gaps".to_string(),
                "credit_note".to_string(),
                1,
                2
            ),
        ]
    );
}

async fn concurrent_issues_take_unique_gapless_numbers(db: &Db) {
    rates(db).await;
    let mut drafts = Vec::new();
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"] {
        let t = tm(db, name).await;
        drafts.push(draft(db, &t.project, TODAY).await.expect("draft"));
    }
    let issue = |i: usize| {
        let id = drafts[i].id;
        async move { db.issue_invoice(&ctx(), id, None, TODAY).await }
    };
    let (a, b, c, d, e, f) = tokio::join!(issue(0), issue(1), issue(2), issue(3), issue(4), issue(5));
    let mut numbers: Vec<String> = [a, b, c, d, e, f]
        .into_iter()
        .map(|r| r.expect("issue").number.expect("number"))
        .collect();
    numbers.sort();
    let want: Vec<String> = (1..=6).map(|n| format!("INV-{n:06}")).collect();
    assert_eq!(numbers, want);
}

async fn a_fixed_fee_project_bills_accepted_milestones_once(db: &Db) {
    // A webhook hears of each acceptance and of the issued invoice.
    let hook = psops_core::webhooks::NewSubscription {
        url: "https://hooks.example/finance".into(),
        description: None,
        events: vec![
            psops_core::webhooks::EventKind::MilestoneAccepted,
            psops_core::webhooks::EventKind::InvoiceIssued,
        ],
        active: true,
    };
    db.create_webhook(&ctx(), &hook).await.expect("webhook");
    let pm = staff(db, "pm@example.com", "AMER", None).await;
    let mut f = project_fields(account(db, "Fabrikam").await.id.get(), "Fabrikam rollout");
    f.billing_type = BillingType::FixedFee;
    f.project_manager_id = Some(pm.id);
    f.budget = Some(usd(5_000_000));
    let p: Project = new(db.create(&ctx(), f).await.expect("project"));
    let mut ms = Vec::new();
    for (name, amount) in [("Design", 2_000_000), ("Build", 3_000_000)] {
        let m: Milestone = new(db
            .create(
                &ctx(),
                MilestoneFields {
                    project_id: p.id,
                    name: name.into(),
                    due_date: Some(date!(2026 - 03 - 01)),
                    amount: Some(usd(amount)),
                    status: MilestoneStatus::Open,
                },
            )
            .await
            .expect("milestone"));
        ms.push(m);
    }
    // Nothing accepted: nothing to bill.
    let (rule, _) = conflict(draft(db, &p, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::NothingToBill);
    let sign_off = SignOff {
        accepted_by: "Dana Ruiz".into(),
        method: AcceptanceMethod::EmailReply,
        accepted_on: Some(date!(2026 - 03 - 10)),
        note: None,
        evidence: Some(NewEvidence::Link {
            url: "https://mail.example/accepted".into(),
            note: None,
        }),
        today: TODAY,
    };
    db.record_acceptance(&ctx(), ms[0].id, None, sign_off.clone())
        .await
        .expect("accept");
    let d = draft(db, &p, TODAY).await.expect("draft");
    assert_eq!(d.lines.len(), 1);
    assert_eq!(
        (d.lines[0].kind, d.lines[0].milestone_id),
        (LineKind::Milestone, Some(ms[0].id))
    );
    assert_eq!(d.total, usd(2_000_000));
    let issued = db.issue_invoice(&ctx(), d.id, None, TODAY).await.expect("issue");
    // The billed milestone keeps its amount and name; the other one still changes.
    let err = db
        .update(
            &ctx(),
            ms[0].id,
            None,
            MilestonePatch {
                amount: Some(Some(usd(1))),
                ..MilestonePatch::default()
            },
        )
        .await
        .unwrap_err();
    let (rule, message) = conflict(err);
    assert_eq!(rule, Rule::Invoiced);
    assert!(message.contains(issued.number.as_deref().unwrap()), "{message}");
    let _: Milestone = db
        .update(
            &ctx(),
            ms[1].id,
            None,
            MilestonePatch {
                name: Some("Build and cut-over".into()),
                ..MilestonePatch::default()
            },
        )
        .await
        .expect("an unbilled milestone changes");
    // Once the second is accepted only it is drafted: the first is never billed twice.
    db.record_acceptance(&ctx(), ms[1].id, None, sign_off)
        .await
        .expect("accept");
    let d2 = draft(db, &p, TODAY).await.expect("draft");
    let billed: Vec<(Option<psops_core::plan::MilestoneId>, Money)> =
        d2.lines.iter().map(|l| (l.milestone_id, l.amount)).collect();
    assert_eq!(billed, [(Some(ms[1].id), usd(3_000_000))]);
    let page = PageRequest { after: None, limit: 50 };
    let filter = psops_core::webhooks::DeliveryFilter::default();
    let mut heard: Vec<_> = db.webhook_deliveries(&filter, page).await.expect("deliveries").items;
    heard.reverse();
    let kinds: Vec<&str> = heard.iter().map(|d| d.event.into()).collect();
    assert_eq!(kinds, ["milestone_accepted", "invoice_issued", "milestone_accepted"]);
}
