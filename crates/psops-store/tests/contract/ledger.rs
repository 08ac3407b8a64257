//! Ledger stories with exact amounts: T&M across a bill-rate and a cost-rate change,
//! a milestone accepted passively, percent complete over two months, a training earned
//! once complete and rostered, work at risk before and after signature, a EUR project
//! converted per source, and period close (frozen month, later amounts in the next open
//! month, time refused, reopen with a reason, audited).

use psops_core::accounts::{Account, AccountFields, Contact, ContactFields, NewContact};
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::audit::AuditFilter;
use psops_core::delivery::acceptance::AcceptanceRequest;
use psops_core::finance::Month;
use psops_core::finance::ledger::{
    Basis, LedgerLine, LineFilter, LineKind, PeriodState, PeriodStatus, ProblemKind, ProjectFinanceInput,
    RevenueMethod, SourceKind,
};
use psops_core::finance::training::{Training, TrainingFields, TrainingPatch};
use psops_core::page::PageRequest;
use psops_core::people::{Function, Person};
use psops_core::plan::{Milestone, MilestoneFields, MilestoneStatus};
use psops_core::projects::{BillingType, Project};
use psops_core::rates::cards::{CostRateFields, ProjectRateFields, RoleRateFields};
use psops_core::rates::fx::{FxRate, FxRateFields, Rate};
use psops_core::rates::{CostRate, ProjectRate, RateKind, RoleRate};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::TimeEntryPatch;
use psops_core::timesheet::IsoWeek;
use psops_core::{Currency, Minutes, Money};
use psops_store::Db;
use time::Date;
use time::macros::{date, datetime};

use super::fixtures::{broken, ctx, new, person_fields, project_fields};
use super::time_fixtures::{as_person, log, on_project, ops, rule};

crate::stories!(
    time_and_materials_across_a_bill_rate_and_a_cost_rate_change,
    a_milestone_earns_on_its_passive_acceptance,
    percent_complete_over_two_months,
    a_training_earns_once_complete_and_rostered,
    work_at_risk_earns_only_from_the_signature,
    a_eur_project_converts_each_source_at_its_day,
    closing_a_month_freezes_it_and_locks_its_time,
    closing_months_at_once_gives_the_ledger_of_closing_them_one_by_one,
    percent_complete_counts_a_closed_months_hours,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn eur(minor: i64) -> Money {
    Money::new(minor, "EUR".parse().unwrap())
}

/// Engineers bill $200 until 14 July 2026, $220 from the 15th, €180 in EUR; the person
/// costs $90 until the 14th, $100 from the 15th; EUR is 1.0842 USD from 1 July.
async fn books(db: &Db, person: &Person) {
    let card = |rate, from, to| RoleRateFields {
        kind: RateKind::Bill,
        role: Function::Engineer,
        region: "AMER".into(),
        rate,
        effective_from: from,
        effective_to: to,
    };
    for f in [
        card(usd(20_000), date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
        card(usd(22_000), date!(2026 - 07 - 15), None),
        card(eur(18_000), date!(2026 - 01 - 01), None),
    ] {
        let _: RoleRate = new(db.create(&ctx(), f).await.expect("card"));
    }
    let cost = |minor, from, to| CostRateFields {
        person_id: person.id,
        rate: usd(minor),
        effective_from: from,
        effective_to: to,
    };
    for f in [
        cost(9_000, date!(2026 - 01 - 01), Some(date!(2026 - 07 - 14))),
        cost(10_000, date!(2026 - 07 - 15), None),
    ] {
        let _: CostRate = new(db.create(&ctx(), f).await.expect("cost"));
    }
    let fx = FxRateFields {
        currency: "EUR".parse().unwrap(),
        quote: Currency::USD,
        date: date!(2026 - 07 - 01),
        rate: Rate::parse("1.0842", "rate").unwrap(),
    };
    let _: FxRate = new(db.create(&ctx(), fx).await.expect("fx"));
}

pub(super) async fn account(db: &Db, name: &str, currency: Option<&str>) -> Account {
    new(db
        .create(
            &ctx(),
            AccountFields {
                name: format!("{name} Ltd"),
                code: None,
                region: Some("AMER".into()),
                industry: None,
                currency: currency.map(|c| c.parse().unwrap()),
            },
        )
        .await
        .expect("account"))
}

pub(super) async fn project(db: &Db, account: &Account, name: &str, billing: BillingType) -> Project {
    let mut f = project_fields(account.id.get(), name);
    f.billing_type = billing;
    new(db.create(&ctx(), f).await.expect("project"))
}

pub(super) async fn engineer(db: &Db) -> Person {
    let p: Person = new(db
        .create(&ctx(), person_fields("eng@example.com"))
        .await
        .expect("person"));
    books(db, &p).await;
    p
}

/// Logs and approves time.
pub(super) async fn approved(db: &Db, p: &Person, project: &Project, date: Date, minutes: i64) -> i64 {
    let e = log(db, on_project(p.id, project, date, minutes)).await;
    let week = IsoWeek::of(date);
    db.submit_week(&ctx(), as_person(p), p.id, week).await.expect("submit");
    db.approve_week(&ctx(), ops(), p.id, week, Some(project.id))
        .await
        .expect("approve");
    e.id.get()
}

async fn lines(db: &Db, project: &Project) -> Vec<LedgerLine> {
    let f = LineFilter {
        project_id: Some(project.id),
        ..Default::default()
    };
    db.ledger_lines(&f, PageRequest::default()).await.expect("lines").items
}

/// `(month, kind, basis, amount, reporting)` of each line.
async fn summary(db: &Db, project: &Project) -> Vec<(String, LineKind, Basis, i64, i64)> {
    lines(db, project)
        .await
        .into_iter()
        .map(|l| {
            (
                l.month.to_string(),
                l.kind,
                l.basis,
                l.amount.amount_minor,
                l.reporting.amount_minor,
            )
        })
        .collect()
}

async fn time_and_materials_across_a_bill_rate_and_a_cost_rate_change(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Contoso", None).await;
    let p = project(db, &a, "Contoso rollout", BillingType::TimeAndMaterials).await;
    let first = approved(db, &me, &p, date!(2026 - 07 - 14), 450).await;
    let second = approved(db, &me, &p, date!(2026 - 07 - 15), 450).await;
    let s = db.recognise(&ctx(), date!(2026 - 07 - 31)).await.expect("recognise");
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    // 7.5 h at $200 and 7.5 h at $220; cost 7.5 h at $90 and at $100.
    assert_eq!(
        summary(db, &p).await,
        vec![
            (
                "2026-07".into(),
                LineKind::Revenue,
                Basis::TimeAndMaterials,
                315_000,
                315_000
            ),
            ("2026-07".into(), LineKind::Cost, Basis::StaffCost, 142_500, 142_500),
        ]
    );
    assert_eq!(
        (s.revenue, s.cost, s.lines, s.sources),
        (usd(315_000), usd(142_500), 2, 4)
    );
    let revenue = &lines(db, &p).await[0];
    let sources = db.ledger_sources(revenue.id).await.expect("sources");
    assert_eq!(
        sources
            .iter()
            .map(|s| (
                s.source,
                s.source_id,
                s.minutes,
                s.rate.map(|r| r.amount_minor),
                s.amount.amount_minor
            ))
            .collect::<Vec<_>>(),
        vec![
            (SourceKind::TimeEntry, first, Some(450), Some(20_000), 150_000),
            (SourceKind::TimeEntry, second, Some(450), Some(22_000), 165_000),
        ]
    );
    // Running it again gives the same ledger; an entry without a rate is a problem.
    let mut pm = person_fields("pm@example.com");
    pm.function = Function::ProjectManager;
    let pm: Person = new(db.create(&ctx(), pm).await.expect("pm"));
    // Assigned as project manager, a role the rate card has no rate for.
    let role = AssignmentFields {
        person_id: pm.id,
        project_id: p.id,
        role: Function::ProjectManager,
        start_date: date!(2026 - 02 - 01),
        end_date: Some(date!(2026 - 12 - 31)),
        minutes_per_week: Minutes(600),
    };
    let _: Assignment = new(db.create(&ctx(), role).await.expect("assign"));
    let missing = approved(db, &pm, &p, date!(2026 - 07 - 16), 60).await;
    let s = db.recognise(&ctx(), date!(2026 - 07 - 31)).await.expect("again");
    assert_eq!(s.revenue, usd(315_000));
    let kinds: Vec<_> = s
        .problems
        .iter()
        .map(|p| (p.problem, p.entry_id.map(|e| e.get())))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (ProblemKind::NoCostRate, Some(missing)),
            (ProblemKind::NoBillRate, Some(missing))
        ]
    );
    assert_eq!(s.problems[1].role, Some(Function::ProjectManager));
    let audit = AuditFilter {
        entity: Some("recognition".into()),
        ..Default::default()
    };
    assert_eq!(
        db.list_audit(&audit, PageRequest::default()).await.unwrap().items.len(),
        2
    );

    // Verify finds nothing wrong, then a line changed behind its sources' back.
    assert!(db.verify_ledger().await.unwrap().is_empty());
    let line = lines(db, &p).await[0].id.get();
    psops_store::testing::tamper_ledger_line(db, line, 1).await.unwrap();
    let found = db.verify_ledger().await.unwrap();
    assert_eq!(
        found
            .iter()
            .map(|d| (d.check.as_str(), d.expected, d.stored))
            .collect::<Vec<_>>(),
        vec![
            ("line amount = sum of its sources", 315_000, 315_001),
            ("line reporting amount = sum of its sources", 315_000, 315_001),
            ("project margin = revenue - cost", 172_500, 172_501),
        ]
    );
}

async fn a_milestone_earns_on_its_passive_acceptance(db: &Db) {
    let _ = engineer(db).await;
    let a = account(db, "Initech", None).await;
    let mut f = project_fields(a.id.get(), "Initech migration");
    f.billing_type = BillingType::FixedFee;
    let p: Project = new(db.create(&ctx(), f).await.expect("project"));
    let contact: Contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: a.id,
                fields: ContactFields {
                    name: "Dana Ruiz".into(),
                    email: Some("dana@initech.example".into()),
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .expect("contact"));
    let m: Milestone = new(db
        .create(
            &ctx(),
            MilestoneFields {
                project_id: p.id,
                name: "Phase 1".into(),
                due_date: Some(date!(2026 - 03 - 01)),
                amount: Some(usd(2_500_000)),
                status: MilestoneStatus::Open,
            },
        )
        .await
        .expect("milestone"));
    let request = AcceptanceRequest {
        contact_id: contact.id,
        today: date!(2026 - 03 - 05),
    };
    db.request_acceptance(&ctx(), m.id, None, request)
        .await
        .expect("request");
    db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("recognise");
    assert!(summary(db, &p).await.is_empty(), "nothing before acceptance");
    let swept = db.sweep_acceptance(&ctx(), date!(2026 - 03 - 20)).await.expect("sweep");
    assert_eq!(swept.len(), 1);
    let on = swept[0].accepted_on;
    assert_eq!(Month::of(on).to_string(), "2026-03");
    db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("recognise");
    assert_eq!(
        summary(db, &p).await,
        vec![(
            "2026-03".into(),
            LineKind::Revenue,
            Basis::Milestone,
            2_500_000,
            2_500_000
        )]
    );
    let line = &lines(db, &p).await[0];
    let sources = db.ledger_sources(line.id).await.unwrap();
    assert_eq!(
        (sources[0].source, sources[0].source_id),
        (SourceKind::Milestone, m.id.get())
    );
}

async fn percent_complete_over_two_months(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Globex", None).await;
    let mut f = project_fields(a.id.get(), "Globex build");
    f.billing_type = BillingType::FixedFee;
    f.budget = Some(usd(1_000_000));
    let p: Project = new(db.create(&ctx(), f).await.expect("project"));
    let method = ProjectFinanceInput {
        revenue_method: RevenueMethod::PercentComplete,
    };
    assert_eq!(
        db.project_finance(p.id).await.unwrap().revenue_method,
        RevenueMethod::Milestones
    );
    let set = db
        .set_project_finance(&ctx(), p.id, Some(0), method)
        .await
        .expect("method");
    assert_eq!((set.revenue_method, set.version), (RevenueMethod::PercentComplete, 1));
    // Ten hours a week over July and August.
    let _: Assignment = new(db
        .create(
            &ctx(),
            AssignmentFields {
                person_id: me.id,
                project_id: p.id,
                role: Function::Engineer,
                start_date: date!(2026 - 07 - 01),
                end_date: Some(date!(2026 - 08 - 31)),
                minutes_per_week: Minutes(600),
            },
        )
        .await
        .expect("assign"));
    let a1 = approved(db, &me, &p, date!(2026 - 07 - 14), 600).await;
    let a2 = approved(db, &me, &p, date!(2026 - 07 - 15), 300).await;
    approved(db, &me, &p, date!(2026 - 08 - 04), 900).await;
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    // July: 900 minutes done, 21 weekdays of August left at 120 a day = 2,520 → 900 of
    // 3,420 = $2,631.58. August: everything done → the rest, $7,368.42.
    let revenue: Vec<_> = summary(db, &p)
        .await
        .into_iter()
        .filter(|l| l.1 == LineKind::Revenue)
        .collect();
    assert_eq!(
        revenue,
        vec![
            (
                "2026-07".into(),
                LineKind::Revenue,
                Basis::PercentComplete,
                263_158,
                263_158
            ),
            (
                "2026-08".into(),
                LineKind::Revenue,
                Basis::PercentComplete,
                736_842,
                736_842
            ),
        ]
    );
    let july = lines(db, &p)
        .await
        .into_iter()
        .find(|l| l.kind == LineKind::Revenue)
        .unwrap();
    let sources = db.ledger_sources(july.id).await.unwrap();
    assert_eq!(
        sources
            .iter()
            .map(|s| (s.source_id, s.amount.amount_minor))
            .collect::<Vec<_>>(),
        vec![(a1, 175_439), (a2, 87_719)]
    );
}

async fn a_training_earns_once_complete_and_rostered(db: &Db) {
    let _ = engineer(db).await;
    let a = account(db, "Umbrella", None).await;
    let p = project(db, &a, "Umbrella admin class", BillingType::FixedFee).await;
    let t: Training = new(db
        .create(
            &ctx(),
            TrainingFields {
                project_id: p.id,
                title: "Admin class".into(),
                amount: usd(500_000),
                completed_on: Some(date!(2026 - 07 - 10)),
                roster_received_on: None,
            },
        )
        .await
        .expect("training"));
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert!(summary(db, &p).await.is_empty(), "no roster yet");
    let patch = TrainingPatch {
        roster_received_on: Some(Some(date!(2026 - 08 - 03))),
        ..Default::default()
    };
    db.update(&ctx(), t.id, None, patch).await.expect("roster");
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert_eq!(
        summary(db, &p).await,
        vec![("2026-08".into(), LineKind::Revenue, Basis::Training, 500_000, 500_000)]
    );
}

async fn work_at_risk_earns_only_from_the_signature(db: &Db) {
    let me = engineer(db).await;
    // The estimate behind the SOW prices engineers at the EMEA card.
    let emea = RoleRateFields {
        kind: RateKind::Bill,
        role: Function::Engineer,
        region: "EMEA".into(),
        rate: usd(19_000),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
    };
    let standard_cost = RoleRateFields {
        kind: RateKind::StandardCost,
        rate: usd(9_000),
        ..emea.clone()
    };
    let _: RoleRate = new(db.create(&ctx(), emea).await.expect("emea card"));
    let _: RoleRate = new(db.create(&ctx(), standard_cost).await.expect("emea cost"));
    let (o, e) = super::sows::at_sow_wip(db, "Hooli", vec![super::sows::engineer(40)]).await;
    let sow = new(db
        .draft_sow(&ctx(), o.id, super::sows::sow_fields(&e))
        .await
        .expect("sow"));
    let a = account(db, "Pied Piper", None).await;
    let p = project(db, &a, "Hooli at risk", BillingType::TimeAndMaterials).await;
    psops_store::testing::tie_sow(db, sow.id.get(), p.id, None)
        .await
        .unwrap();
    approved(db, &me, &p, date!(2026 - 07 - 14), 60).await;
    let s = db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    let revenue: Vec<_> = summary(db, &p)
        .await
        .into_iter()
        .filter(|l| l.1 == LineKind::Revenue)
        .collect();
    assert!(revenue.is_empty());
    assert_eq!(s.at_risk.len(), 1);
    assert_eq!((s.at_risk[0].project_id, s.at_risk[0].amount), (p.id, usd(20_000)));
    // July closes with the hour's cost frozen and its revenue still at risk: later runs
    // read the entry again although its month is closed.
    let july: Month = "2026-07".parse().unwrap();
    db.close_period(&ctx(), july, date!(2026 - 08 - 05))
        .await
        .expect("close July");
    let s = db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert_eq!(s.at_risk.len(), 1);
    psops_store::testing::tie_sow(db, sow.id.get(), p.id, Some(datetime!(2026-08-03 10:00 UTC)))
        .await
        .unwrap();
    let s = db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert!(s.at_risk.is_empty());
    let revenue: Vec<_> = summary(db, &p)
        .await
        .into_iter()
        .filter(|l| l.1 == LineKind::Revenue)
        .collect();
    assert_eq!(
        revenue,
        vec![(
            "2026-08".into(),
            LineKind::Revenue,
            Basis::TimeAndMaterials,
            20_000,
            20_000
        )]
    );
    // August closes with July's hour in it, and reopens: the hour is read again, so the
    // next run earns it again rather than losing it with the thawed line.
    let august: Month = "2026-08".parse().unwrap();
    db.close_period(&ctx(), august, date!(2026 - 09 - 03))
        .await
        .expect("close August");
    db.reopen_period(&ctx(), august, "A late expense claim")
        .await
        .expect("reopen August");
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    let revenue: Vec<_> = summary(db, &p)
        .await
        .into_iter()
        .filter(|l| l.1 == LineKind::Revenue)
        .map(|l| (l.0, l.3))
        .collect();
    assert_eq!(revenue, vec![("2026-08".into(), 20_000)]);
}

async fn a_eur_project_converts_each_source_at_its_day(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Siemens", Some("EUR")).await;
    let p = project(db, &a, "Siemens rollout", BillingType::TimeAndMaterials).await;
    let id = approved(db, &me, &p, date!(2026 - 07 - 14), 45).await;
    db.recognise(&ctx(), date!(2026 - 07 - 31)).await.expect("recognise");
    // €180 × 45/60 = €135.00 → $146.37; cost $90 × 45/60 = $67.50 → €62.26, reported
    // back at $67.50.
    assert_eq!(
        summary(db, &p).await,
        vec![
            (
                "2026-07".into(),
                LineKind::Revenue,
                Basis::TimeAndMaterials,
                13_500,
                14_637
            ),
            ("2026-07".into(), LineKind::Cost, Basis::StaffCost, 6_226, 6_750),
        ]
    );
    let l = lines(db, &p).await;
    assert_eq!((l[0].amount, l[0].reporting), (eur(13_500), usd(14_637)));
    let cost = db.ledger_sources(l[1].id).await.unwrap();
    // The $90 cost rate as euros that day: €83.01.
    assert_eq!((cost[0].source_id, cost[0].rate), (id, Some(eur(8_301))));
}

async fn closing_a_month_freezes_it_and_locks_its_time(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Stark", None).await;
    let p = project(db, &a, "Stark rollout", BillingType::TimeAndMaterials).await;
    approved(db, &me, &p, date!(2026 - 07 - 14), 450).await;
    let draft = log(db, on_project(me.id, &p, date!(2026 - 07 - 21), 60)).await;
    log(db, on_project(me.id, &p, date!(2026 - 07 - 28), 60)).await;
    let last_week = IsoWeek::of(date!(2026 - 07 - 28));
    db.submit_week(&ctx(), as_person(&me), me.id, last_week)
        .await
        .expect("submit");
    let july: Month = "2026-07".parse().unwrap();
    let err = db.close_period(&ctx(), july, date!(2026 - 07 - 31)).await.unwrap_err();
    assert_eq!(broken(err), [("month".to_string(), Rule::Future)]);
    let closed = db
        .close_period(&ctx(), july, date!(2026 - 08 - 05))
        .await
        .expect("close");
    assert_eq!(
        (closed.status, closed.revenue, closed.cost),
        (PeriodState::Closed, Some(usd(150_000)), Some(usd(67_500)))
    );
    assert!(closed.closed_at.is_some());
    assert_eq!(
        rule(db.close_period(&ctx(), july, date!(2026 - 08 - 05)).await.unwrap_err()),
        Rule::InvalidTransition
    );
    assert!(lines(db, &p).await.iter().all(|l| l.frozen));

    // A new project rate and a training done in July but rostered after the close.
    let rate = ProjectRateFields {
        project_id: p.id,
        role: Function::Engineer,
        rate: usd(30_000),
        effective_from: date!(2026 - 07 - 01),
        effective_to: None,
    };
    let _: ProjectRate = new(db.create(&ctx(), rate).await.expect("project rate"));
    let training = TrainingFields {
        project_id: p.id,
        title: "Admin class".into(),
        amount: usd(400_000),
        completed_on: Some(date!(2026 - 07 - 20)),
        roster_received_on: Some(date!(2026 - 07 - 25)),
    };
    let _: Training = new(db.create(&ctx(), training).await.expect("training"));
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert_eq!(
        summary(db, &p).await,
        vec![
            (
                "2026-07".into(),
                LineKind::Revenue,
                Basis::TimeAndMaterials,
                150_000,
                150_000
            ),
            ("2026-07".into(), LineKind::Cost, Basis::StaffCost, 67_500, 67_500),
            ("2026-08".into(), LineKind::Revenue, Basis::Training, 400_000, 400_000),
        ]
    );

    // Time in the closed month is refused: create, edit, approve.
    let late = on_project(me.id, &p, date!(2026 - 07 - 20), 60);
    assert_eq!(
        rule(db.create_time_entry(&ctx(), late).await.unwrap_err()),
        Rule::PeriodLocked
    );
    let edit = TimeEntryPatch {
        minutes: Some(Minutes(90)),
        ..Default::default()
    };
    assert_eq!(
        rule(db.update_time_entry(&ctx(), draft.id, None, edit).await.unwrap_err()),
        Rule::PeriodLocked
    );
    assert_eq!(
        rule(
            db.approve_week(&ctx(), ops(), me.id, last_week, Some(p.id))
                .await
                .unwrap_err()
        ),
        Rule::PeriodLocked
    );

    // Reopening needs a reason; it unlocks the month and unfreezes its lines.
    let err = db.reopen_period(&ctx(), july, "  ").await.unwrap_err();
    assert_eq!(broken(err), [("reason".to_string(), Rule::Required)]);
    let reopened = db.reopen_period(&ctx(), july, "Late timesheet").await.expect("reopen");
    assert_eq!(reopened.status, PeriodState::Reopened);
    assert_eq!(reopened.reopen_reason.as_deref(), Some("Late timesheet"));
    assert!(lines(db, &p).await.iter().all(|l| !l.frozen));
    assert!(db.list_locked_periods().await.unwrap().is_empty());
    let periods = db.periods(date!(2026 - 08 - 31)).await.unwrap();
    assert_eq!(
        periods
            .iter()
            .map(|m| (m.month.to_string(), m.status))
            .collect::<Vec<_>>(),
        vec![
            ("2026-08".into(), PeriodState::Open),
            ("2026-07".into(), PeriodState::Reopened)
        ]
    );
    let audit = AuditFilter {
        entity: Some("period_close".into()),
        ..Default::default()
    };
    let entries = db.list_audit(&audit, PageRequest::default()).await.unwrap().items;
    assert_eq!(entries.len(), 2);
    // Closed, every frozen line is in a closed month; reopened, none is frozen.
    assert!(db.verify_ledger().await.unwrap().is_empty());
    // Recognised again, July now earns at the project's own rate.
    db.recognise(&ctx(), date!(2026 - 08 - 31)).await.expect("recognise");
    assert_eq!(summary(db, &p).await[0].3, 225_000);
}

/// A $10,000 fixed-fee project of `account` recognised by percent complete.
async fn percent_project(db: &Db, account: &Account, name: &str, budget_minutes: Option<Minutes>) -> Project {
    let mut f = project_fields(account.id.get(), name);
    f.billing_type = BillingType::FixedFee;
    f.budget = Some(usd(1_000_000));
    f.budget_minutes = budget_minutes;
    let p: Project = new(db.create(&ctx(), f).await.expect("project"));
    let method = ProjectFinanceInput {
        revenue_method: RevenueMethod::PercentComplete,
    };
    db.set_project_finance(&ctx(), p.id, Some(0), method)
        .await
        .expect("method");
    p
}

/// Every ledger line of a project with its frozen flag, for comparing two ledgers.
async fn frozen_summary(db: &Db, project: &Project) -> Vec<(String, LineKind, Basis, i64, bool)> {
    lines(db, project)
        .await
        .into_iter()
        .map(|l| (l.month.to_string(), l.kind, l.basis, l.amount.amount_minor, l.frozen))
        .collect()
}

async fn closing_months_at_once_gives_the_ledger_of_closing_them_one_by_one(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Initech", None).await;
    let tm = project(db, &a, "Initech support", BillingType::TimeAndMaterials).await;
    let fixed = percent_project(db, &a, "Initech build", Some(Minutes(3_000))).await;
    for (p, day, minutes) in [
        (&tm, date!(2026 - 06 - 10), 240),
        (&tm, date!(2026 - 07 - 14), 450),
        (&fixed, date!(2026 - 06 - 11), 600),
        (&fixed, date!(2026 - 07 - 15), 300),
        (&fixed, date!(2026 - 08 - 04), 900),
    ] {
        approved(db, &me, p, day, minutes).await;
    }
    let (june, july, august): (Month, Month, Month) = (
        "2026-06".parse().unwrap(),
        "2026-07".parse().unwrap(),
        "2026-08".parse().unwrap(),
    );
    let today = date!(2026 - 08 - 10);

    // One month not yet ended among them: nothing is closed.
    let err = db.close_periods(&ctx(), &[june, august], today).await.unwrap_err();
    assert_eq!(broken(err), [("month".to_string(), Rule::Future)]);
    assert!(lines(db, &tm).await.iter().all(|l| !l.frozen));

    let at_once = db
        .close_periods(&ctx(), &[july, june, july], today)
        .await
        .expect("close June and July");
    assert_eq!(
        at_once.iter().map(|s| (s.month, s.status)).collect::<Vec<_>>(),
        [(june, PeriodState::Closed), (july, PeriodState::Closed)]
    );
    let ledger = (frozen_summary(db, &tm).await, frozen_summary(db, &fixed).await);
    assert!(ledger.0.iter().all(|l| l.4) && ledger.1.iter().any(|l| l.0 == "2026-08" && !l.4));

    // Reopened and closed again one month at a time, on the same day: the same ledger
    // and the same totals.
    for m in [july, june] {
        db.reopen_period(&ctx(), m, "Closed again one by one")
            .await
            .expect("reopen");
    }
    let mut one_by_one = Vec::new();
    for m in [june, july] {
        one_by_one.push(db.close_period(&ctx(), m, today).await.expect("close"));
    }
    assert_eq!(
        (frozen_summary(db, &tm).await, frozen_summary(db, &fixed).await),
        ledger
    );
    let totals = |list: &[PeriodStatus]| list.iter().map(|s| (s.month, s.revenue, s.cost)).collect::<Vec<_>>();
    assert_eq!(totals(&one_by_one), totals(&at_once));
    assert!(at_once[1].revenue.is_some_and(|r| r.amount_minor > 0));
}

async fn percent_complete_counts_a_closed_months_hours(db: &Db) {
    let me = engineer(db).await;
    let a = account(db, "Umbrella", None).await;
    let p = percent_project(db, &a, "Umbrella build", None).await;
    let plan = AssignmentFields {
        person_id: me.id,
        project_id: p.id,
        role: Function::Engineer,
        start_date: date!(2026 - 07 - 01),
        end_date: Some(date!(2026 - 08 - 31)),
        minutes_per_week: Minutes(600),
    };
    let _: Assignment = new(db.create(&ctx(), plan).await.expect("assign"));
    approved(db, &me, &p, date!(2026 - 07 - 14), 600).await;
    approved(db, &me, &p, date!(2026 - 07 - 15), 300).await;
    approved(db, &me, &p, date!(2026 - 08 - 04), 900).await;
    let july: Month = "2026-07".parse().unwrap();
    db.close_period(&ctx(), july, date!(2026 - 08 - 05))
        .await
        .expect("close July");
    // July as before: 900 of 3,420 minutes. Through 14 August, the closed July's 900
    // minutes still count: 1,800 done + 11 weekdays × 120 = 3,120 → $5,769.23 earned,
    // less July's $2,631.58.
    db.recognise(&ctx(), date!(2026 - 08 - 14)).await.expect("recognise");
    let revenue: Vec<_> = summary(db, &p)
        .await
        .into_iter()
        .filter(|l| l.1 == LineKind::Revenue)
        .map(|l| (l.0, l.3))
        .collect();
    assert_eq!(revenue, vec![("2026-07".into(), 263_158), ("2026-08".into(), 313_765)]);
}
