//! Prime partner SOWs and work authorizations: the rate ceiling, the funds a commitment
//! may take, the dates, partner time only inside an authorization (through the entry
//! API, an update and an import), the funds arithmetic to the cent, and a partner
//! consultant's cost in the ledger at the authorised rate — each change audited.

use psops_core::Currency;
use psops_core::Minutes;
use psops_core::Money;
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::audit::AuditFilter;
use psops_core::finance::ledger::{Basis, LineFilter, LineKind};
use psops_core::imports::{RowStream, TimeImportOptions};
use psops_core::interchange::{self, Format, Options};
use psops_core::page::PageRequest;
use psops_core::partner_funds::prime_sows::PrimeSowPatch;
use psops_core::partner_funds::{
    PartnerRate, PrimeSow, PrimeSowFields, PrimeSowStatus, WorkAuthorization, WorkAuthorizationFields,
};
use psops_core::partners::{Partner, PartnerFields, PartnerType};
use psops_core::people::{Function, Person};
use psops_core::projects::{BillingType, Project};
use psops_core::rates::RoleRate;
use psops_core::rates::cards::{CostRateFields, RoleRateFields};
use psops_core::rates::{CostRate, RateKind};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::time_entries::TimeEntryPatch;
use psops_core::timesheet::IsoWeek;
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person_fields};
use super::ledger::{account, project};
use super::time_fixtures::{as_person, on_project};

crate::stories!(
    a_work_authorization_is_held_to_its_prime_sow,
    partner_time_goes_only_inside_a_work_authorization,
    funds_and_partner_cost_are_exact_to_the_cent,
    consumption_goes_to_the_first_authorization_in_force_entry_by_entry,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) async fn partner(db: &Db, name: &str) -> Partner {
    new(db
        .create(
            &ctx(),
            PartnerFields {
                name: name.into(),
                partner_type: PartnerType::StaffAugmentation,
                region: Some("AMER".into()),
                notes: None,
                training_since: None,
            },
        )
        .await
        .expect("partner"))
}

/// $100,000.00 from January to December 2026; engineers at most $110/h, PMs $130/h.
pub(super) fn sow_fields(partner: &Partner, name: &str) -> PrimeSowFields {
    PrimeSowFields {
        partner_id: partner.id,
        name: name.into(),
        funds: usd(10_000_000),
        rates: vec![
            PartnerRate {
                role: Function::Engineer,
                rate: usd(11_000),
            },
            PartnerRate {
                role: Function::ProjectManager,
                rate: usd(13_000),
            },
        ],
        start_date: date!(2026 - 01 - 01),
        end_date: date!(2026 - 12 - 31),
        status: PrimeSowStatus::Active,
        notes: None,
    }
}

pub(super) fn wa_fields(sow: &PrimeSow, project: &Project, name: &str, committed: i64) -> WorkAuthorizationFields {
    WorkAuthorizationFields {
        prime_sow_id: sow.id,
        project_id: project.id,
        name: name.into(),
        scope: "Migration waves 1 to 3".into(),
        requirements: Some("Certified migration engineers".into()),
        background_checks_on: Some(date!(2026 - 02 - 20)),
        rates: vec![PartnerRate {
            role: Function::Engineer,
            rate: usd(10_333),
        }],
        billing_terms: Some("Monthly in arrears, net 30".into()),
        start_date: date!(2026 - 03 - 01),
        end_date: date!(2026 - 03 - 31),
        expenses_allowed: true,
        expenses_cap: Some(usd(200_000)),
        committed: usd(committed),
    }
}

async fn a_work_authorization_is_held_to_its_prime_sow(db: &Db) {
    let acme = partner(db, "Acme Partners").await;
    let a = account(db, "Contoso", None).await;
    let p = project(db, &a, "Contoso rollout", BillingType::TimeAndMaterials).await;
    let sow: PrimeSow = new(db.create(&ctx(), sow_fields(&acme, "PSOW-1")).await.expect("sow"));
    // A rate above the prime SOW's for the role is refused, naming the role and ceiling.
    let mut over = wa_fields(&sow, &p, "WA-1", 6_000_000);
    over.rates[0].rate = usd(11_001);
    let err = db.create(&ctx(), over).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("engineer") && text.contains("110.00"), "{text}");
    assert_eq!(broken(err), vec![("rates[0].rate".into(), Rule::RateCeiling)]);
    let mut trainer = wa_fields(&sow, &p, "WA-1", 6_000_000);
    trainer.rates[0].role = Function::Trainer;
    assert_eq!(
        broken(db.create(&ctx(), trainer).await.unwrap_err()),
        vec![("rates[0].role".into(), Rule::RateCeiling)]
    );
    // Exactly the ceiling is fine; the commitments may take the funds to the cent.
    let mut at = wa_fields(&sow, &p, "WA-1", 6_000_000);
    at.rates[0].rate = usd(11_000);
    let first: WorkAuthorization = new(db.create(&ctx(), at).await.expect("wa 1"));
    let err = db
        .create(&ctx(), wa_fields(&sow, &p, "WA-2", 4_000_001))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("40,000.00"), "{err}");
    assert_eq!(broken(err), vec![("committed".into(), Rule::PartnerFunds)]);
    let second: WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, "WA-2", 4_000_000))
        .await
        .expect("wa 2"));
    // Raising one commitment past the funds is refused too (its own is not counted twice).
    let patch = psops_core::partner_funds::authorizations::WorkAuthorizationPatch {
        committed: Some(usd(4_000_001)),
        ..Default::default()
    };
    assert_eq!(
        broken(
            db.update(&ctx(), second.id, Some(second.meta.version), patch)
                .await
                .unwrap_err()
        ),
        vec![("committed".into(), Rule::PartnerFunds)]
    );
    let same = psops_core::partner_funds::authorizations::WorkAuthorizationPatch {
        committed: Some(usd(4_000_000)),
        scope: Some("Waves 1 to 4".into()),
        ..Default::default()
    };
    let second: WorkAuthorization = db
        .update(&ctx(), second.id, Some(second.meta.version), same)
        .await
        .expect("same commitment");
    // Dates outside the prime SOW's.
    let mut late = wa_fields(&sow, &p, "WA-3", 1);
    late.end_date = date!(2027 - 01 - 01);
    let mut other = sow_fields(&acme, "PSOW-2");
    other.start_date = date!(2026 - 06 - 01);
    let sow2: PrimeSow = new(db.create(&ctx(), other).await.expect("sow 2"));
    late.prime_sow_id = sow2.id;
    assert_eq!(
        broken(db.create(&ctx(), late).await.unwrap_err()),
        vec![
            ("start_date".into(), Rule::WithinPrimeSow),
            ("end_date".into(), Rule::WithinPrimeSow)
        ]
    );
    // The prime SOW cannot shrink under what is drawn on it, nor lower a rate paid.
    let shrink = PrimeSowPatch {
        funds: Some(usd(9_999_999)),
        ..Default::default()
    };
    assert_eq!(
        broken(
            db.update(&ctx(), sow.id, Some(sow.meta.version), shrink)
                .await
                .unwrap_err()
        ),
        vec![("funds".into(), Rule::PartnerFunds)]
    );
    let lower = PrimeSowPatch {
        rates: Some(vec![PartnerRate {
            role: Function::Engineer,
            rate: usd(10_999),
        }]),
        ..Default::default()
    };
    assert_eq!(
        broken(
            db.update(&ctx(), sow.id, Some(sow.meta.version), lower)
                .await
                .unwrap_err()
        ),
        vec![("rates".into(), Rule::RateCeiling)]
    );
    // An exhausted prime SOW takes no new authorization.
    let exhausted = PrimeSowPatch {
        status: Some(PrimeSowStatus::Exhausted),
        ..Default::default()
    };
    let sow: PrimeSow = db
        .update(&ctx(), sow.id, Some(sow.meta.version), exhausted)
        .await
        .expect("exhausted");
    let err = db.create(&ctx(), wa_fields(&sow, &p, "WA-4", 1)).await.unwrap_err();
    assert!(broken(err).contains(&("prime_sow_id".into(), Rule::Gate)));
    // The funds: $100,000.00 all committed, nothing consumed.
    let funds = db.prime_sow_funds(&[sow.id]).await.expect("funds");
    let f = &funds[0].position;
    assert_eq!(
        (
            f.funds,
            f.committed,
            f.consumed,
            f.remaining,
            f.uncommitted,
            f.remaining_bp,
            f.low
        ),
        (
            usd(10_000_000),
            usd(10_000_000),
            usd(0),
            usd(10_000_000),
            usd(0),
            10_000,
            false
        )
    );
    assert_eq!(
        funds[0].authorizations.iter().map(|w| w.id).collect::<Vec<_>>(),
        vec![first.id, second.id]
    );
    // Every change is audited.
    for (entity, n) in [("prime_sow", 3), ("work_authorization", 3)] {
        let filter = AuditFilter {
            entity: Some(entity.into()),
            ..Default::default()
        };
        let got = db
            .list_audit(&filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .len();
        assert_eq!(got, n, "{entity}");
    }
}

/// A partner's engineer, assigned to the project, with a cost rate of their own.
pub(super) async fn partner_engineer(db: &Db, partner: &Partner, project: &Project, email: &str) -> Person {
    let mut f = person_fields(email);
    f.partner_id = Some(partner.id);
    let person: Person = new(db.create(&ctx(), f).await.expect("partner person"));
    // Vetted first: a partner consultant is staffed on customer work only then.
    super::fixtures::vet(db, person.id).await;
    let role = AssignmentFields {
        person_id: person.id,
        project_id: project.id,
        role: Function::Engineer,
        start_date: date!(2026 - 02 - 01),
        end_date: Some(date!(2026 - 12 - 31)),
        minutes_per_week: Minutes(2_400),
    };
    let _: Assignment = new(db.create(&ctx(), role).await.expect("assign"));
    let cost = CostRateFields {
        person_id: person.id,
        rate: usd(5_000),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
    };
    let _: CostRate = new(db.create(&ctx(), cost).await.expect("cost"));
    person
}

async fn partner_time_goes_only_inside_a_work_authorization(db: &Db) {
    let acme = partner(db, "Acme Partners").await;
    let globex = partner(db, "Globex Partners").await;
    let a = account(db, "Contoso", None).await;
    let p = project(db, &a, "Contoso rollout", BillingType::TimeAndMaterials).await;
    let eng = partner_engineer(db, &acme, &p, "eng@acme.example").await;
    let other = partner_engineer(db, &globex, &p, "eng@globex.example").await;
    // No authorization yet: refused, naming the project.
    let err = db
        .create_time_entry(&ctx(), on_project(eng.id, &p, date!(2026 - 03 - 02), 60))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("work authorization"), "{err}");
    assert_eq!(broken(err), vec![("project_id".into(), Rule::NoAuthorization)]);
    let sow: PrimeSow = new(db.create(&ctx(), sow_fields(&acme, "PSOW-1")).await.expect("sow"));
    let _: WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, "WA-1", 1_000_000))
        .await
        .expect("wa"));
    // Outside its dates: refused, naming the date.
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), on_project(eng.id, &p, date!(2026 - 02 - 27), 60))
                .await
                .unwrap_err()
        ),
        vec![("date".into(), Rule::NoAuthorization)]
    );
    let inside: psops_core::time_entries::TimeEntry = new(db
        .create_time_entry(&ctx(), on_project(eng.id, &p, date!(2026 - 03 - 02), 60))
        .await
        .expect("inside"));
    // Moving it out of the dates (the week grid's path) is refused as well.
    let patch = TimeEntryPatch {
        date: Some(date!(2026 - 04 - 01)),
        ..Default::default()
    };
    assert_eq!(
        broken(
            db.update_time_entry(&ctx(), inside.id, Some(inside.version), patch)
                .await
                .unwrap_err()
        ),
        vec![("date".into(), Rule::NoAuthorization)]
    );
    // Another partner's authorization covers nobody at Globex.
    assert_eq!(
        broken(
            db.create_time_entry(&ctx(), on_project(other.id, &p, date!(2026 - 03 - 02), 60))
                .await
                .unwrap_err()
        ),
        vec![("project_id".into(), Rule::NoAuthorization)]
    );
    // Staff need none.
    let staff: Person = new(db
        .create(&ctx(), person_fields("staff@example.com"))
        .await
        .expect("staff"));
    super::fixtures::assign(db, staff.id, &p).await;
    db.create_time_entry(&ctx(), on_project(staff.id, &p, date!(2026 - 02 - 27), 60))
        .await
        .expect("staff time");
    // An import is held to the same rule, row by row.
    let csv = "date,person_email,person_name,account,project,project_code,category,minutes,billable,note,source_key\n\
               2026-03-03,eng@acme.example,,Contoso Ltd,Contoso rollout,,,60,true,,k1\n\
               2026-04-01,eng@acme.example,,Contoso Ltd,Contoso rollout,,,60,true,,k2\n";
    let rows: Vec<_> = interchange::read(Format::Psops, csv.as_bytes(), Options::default())
        .expect("header")
        .collect();
    let report = db
        .import_time(
            &ctx(),
            Format::Psops,
            RowStream::from_vec(rows, 5),
            &TimeImportOptions::default(),
        )
        .await
        .expect("import runs");
    assert_eq!((report.imported, report.rows_failed, report.written), (1, 1, false));
    let e = &report.row_errors[0];
    assert_eq!((e.line, e.rule), (3, Rule::NoAuthorization), "{e:?}");
}

async fn funds_and_partner_cost_are_exact_to_the_cent(db: &Db) {
    let acme = partner(db, "Acme Partners").await;
    let a = account(db, "Contoso", None).await;
    let p = project(db, &a, "Contoso rollout", BillingType::TimeAndMaterials).await;
    let card = RoleRateFields {
        kind: RateKind::Bill,
        role: Function::Engineer,
        region: "AMER".into(),
        rate: usd(20_000),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
    };
    let _: RoleRate = new(db.create(&ctx(), card).await.expect("card"));
    let eng = partner_engineer(db, &acme, &p, "eng@acme.example").await;
    // The project's manager approves the partner's time, as they approve staff time.
    let pm: Person = new(db.create(&ctx(), person_fields("pm@example.com")).await.expect("pm"));
    let managed = psops_core::projects::ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        ..Default::default()
    };
    let p: Project = db.update(&ctx(), p.id, None, managed).await.expect("manager");
    // $1,500.00 of funds; the authorization commits $1,200.00 at $103.33/h.
    let mut f = sow_fields(&acme, "PSOW-1");
    f.funds = usd(150_000);
    let sow: PrimeSow = new(db.create(&ctx(), f).await.expect("sow"));
    let wa: WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, "WA-1", 120_000))
        .await
        .expect("wa"));
    // 7.5 h and 6 h approved; 1 h left in draft consumes nothing.
    approve(db, &eng, &p, date!(2026 - 03 - 02), 450, as_person(&pm)).await;
    approve(db, &eng, &p, date!(2026 - 03 - 03), 360, as_person(&pm)).await;
    db.create_time_entry(&ctx(), on_project(eng.id, &p, date!(2026 - 03 - 10), 60))
        .await
        .expect("draft");
    // 7.5 × 103.33 = 774.975 → 774.98; 6 × 103.33 = 619.98: 1,394.96 consumed.
    let funds = db.prime_sow_funds(&[sow.id]).await.expect("funds");
    let s = &funds[0];
    assert_eq!(
        (
            s.position.committed,
            s.position.consumed,
            s.position.remaining,
            s.position.uncommitted,
            s.position.remaining_bp,
            s.position.low
        ),
        (usd(120_000), usd(139_496), usd(10_504), usd(30_000), 700, true)
    );
    assert_eq!(s.low_funds_bp, 2_000);
    let w = &s.authorizations[0];
    assert_eq!(
        (w.id, w.committed, w.consumed, w.remaining),
        (wa.id, usd(120_000), usd(139_496), usd(-19_496))
    );
    // The ledger costs the partner's hours at the authorised rate, not their own $50/h;
    // revenue is the bill rate as for anyone: 13.5 h × $200.
    let run = db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("recognise");
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    let lines = db
        .ledger_lines(
            &LineFilter {
                project_id: Some(p.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .expect("lines")
        .items;
    let got: Vec<_> = lines.iter().map(|l| (l.kind, l.basis, l.amount.amount_minor)).collect();
    assert!(
        got.contains(&(LineKind::Revenue, Basis::TimeAndMaterials, 270_000)),
        "{got:?}"
    );
    assert_eq!(
        got.iter()
            .filter(|(k, ..)| *k == LineKind::Cost)
            .map(|(.., m)| *m)
            .sum::<i64>(),
        139_496,
        "{got:?}"
    );
    // Archived, the authorization no longer prices the time: the own cost rate returns
    // at the next run (13.5 h × $50).
    let _: WorkAuthorization = db
        .archive(&ctx(), wa.id, Some(wa.meta.version), true)
        .await
        .expect("archive");
    let again = db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("again");
    assert_eq!(again.cost, usd(67_500));
}

async fn consumption_goes_to_the_first_authorization_in_force_entry_by_entry(db: &Db) {
    let acme = partner(db, "Acme Partners").await;
    let a = account(db, "Contoso", None).await;
    let p = project(db, &a, "Contoso rollout", BillingType::TimeAndMaterials).await;
    let card = RoleRateFields {
        kind: RateKind::Bill,
        role: Function::Engineer,
        region: "AMER".into(),
        rate: usd(20_000),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
    };
    let _: RoleRate = new(db.create(&ctx(), card).await.expect("card"));
    let eng = partner_engineer(db, &acme, &p, "eng@acme.example").await;
    let pm: Person = new(db.create(&ctx(), person_fields("pm@example.com")).await.expect("pm"));
    let managed = psops_core::projects::ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        ..Default::default()
    };
    let p: Project = db.update(&ctx(), p.id, None, managed).await.expect("manager");
    let sow: PrimeSow = new(db.create(&ctx(), sow_fields(&acme, "PSOW-1")).await.expect("sow"));
    // March at $103.33/h for engineers; a second authorization from 10 March to April
    // prices only project managers, so an engineer's hour under it falls back as the
    // ledger's pricing does (their own $50/h).
    let first: WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, "WA-A", 100_000))
        .await
        .expect("first"));
    let mut f = wa_fields(&sow, &p, "WA-B", 100_000);
    f.start_date = date!(2026 - 03 - 10);
    f.end_date = date!(2026 - 04 - 30);
    f.rates = vec![PartnerRate {
        role: Function::ProjectManager,
        rate: usd(12_000),
    }];
    let second: WorkAuthorization = new(db.create(&ctx(), f).await.expect("second"));
    // Two equal 7.5 h entries cost 774.98 each (not 1,549.95 for the pair); 6 h on
    // 12 March is inside both and goes to the first: 619.98; 1 h in April goes to the
    // second at the engineer's own rate: 50.00.
    approve(db, &eng, &p, date!(2026 - 03 - 02), 450, as_person(&pm)).await;
    approve(db, &eng, &p, date!(2026 - 03 - 03), 450, as_person(&pm)).await;
    approve(db, &eng, &p, date!(2026 - 03 - 12), 360, as_person(&pm)).await;
    // Read (and kept) before the April hour: approving it must show.
    let before = db.prime_sow_funds(&[sow.id]).await.expect("before");
    assert_eq!(before[0].position.consumed, usd(216_994));
    approve(db, &eng, &p, date!(2026 - 04 - 02), 60, as_person(&pm)).await;
    let funds = db.prime_sow_funds(&[sow.id]).await.expect("funds");
    let by_id: Vec<_> = funds[0].authorizations.iter().map(|w| (w.id, w.consumed)).collect();
    assert_eq!(by_id, vec![(first.id, usd(216_994)), (second.id, usd(5_000))]);
    assert_eq!(funds[0].position.consumed, usd(221_994));
    // Every entry counted once, as the ledger costs them.
    let run = db.recognise(&ctx(), date!(2026 - 04 - 30)).await.expect("recognise");
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert_eq!(run.cost, usd(221_994));
    // Asked twice, a prime SOW is answered twice, in the order asked; an unknown one is
    // not found.
    let twice = db.prime_sow_funds(&[sow.id, sow.id]).await.expect("twice");
    assert_eq!(twice.len(), 2);
    // Withdrawing an authorization shows at once, though the funds were kept.
    let _: WorkAuthorization = db
        .archive(&ctx(), second.id, Some(second.meta.version), true)
        .await
        .expect("archive");
    let after = db.prime_sow_funds(&[sow.id]).await.expect("after");
    assert_eq!(after[0].authorizations.len(), 1);
    assert_eq!(after[0].position.consumed, usd(216_994));
    assert!(matches!(
        db.prime_sow_funds(&[sow.id, psops_core::Id::new(sow.id.get() + 1_000)])
            .await,
        Err(psops_core::Error::NotFound { .. })
    ));
}

pub(super) async fn approve(
    db: &Db,
    p: &Person,
    project: &Project,
    date: Date,
    minutes: i64,
    approver: psops_core::reporting::TimesheetActor,
) {
    db.create_time_entry(&ctx(), on_project(p.id, project, date, minutes))
        .await
        .expect("log");
    let week = IsoWeek::of(date);
    db.submit_week(&ctx(), as_person(p), p.id, week).await.expect("submit");
    db.approve_week(&ctx(), approver, p.id, week, Some(project.id))
        .await
        .expect("approve");
}

/// Gives a partner a work authorization on a project for all of 2026 (under a prime SOW
/// of its own), so its people's time there goes in — for stories about something else.
pub async fn authorize(db: &Db, partner: psops_core::partners::PartnerId, project: psops_core::projects::ProjectId) {
    authorize_between(db, partner, project, date!(2026 - 01 - 01), date!(2026 - 12 - 31)).await;
}

/// The same between two days.
pub async fn authorize_between(
    db: &Db,
    partner: psops_core::partners::PartnerId,
    project: psops_core::projects::ProjectId,
    from: Date,
    to: Date,
) {
    let name = format!("Cover {}-{}-{from}", partner.get(), project.get());
    let f = PrimeSowFields {
        partner_id: partner,
        name: format!("PSOW {name}"),
        funds: usd(100_000_000),
        rates: vec![PartnerRate {
            role: Function::PartnerConsultant,
            rate: usd(10_000),
        }],
        start_date: from,
        end_date: to,
        status: PrimeSowStatus::Active,
        notes: None,
    };
    let sow: PrimeSow = new(db.create(&ctx(), f).await.expect("cover sow"));
    let w = WorkAuthorizationFields {
        prime_sow_id: sow.id,
        project_id: project,
        name: format!("WA {name}"),
        scope: "Delivery".into(),
        requirements: None,
        background_checks_on: None,
        rates: vec![PartnerRate {
            role: Function::PartnerConsultant,
            rate: usd(10_000),
        }],
        billing_terms: None,
        start_date: from,
        end_date: to,
        expenses_allowed: false,
        expenses_cap: None,
        committed: usd(100),
    };
    let _: WorkAuthorization = new(db.create(&ctx(), w).await.expect("cover wa"));
}
