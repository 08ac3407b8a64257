//! The partner report to the minor unit: a partner's approved hours and their share of
//! all, the ledger's revenue on their hours and its share of all revenue, their cost at
//! the authorised rate and the margin left, the CSAT of the projects they delivered on,
//! the funds left on their prime SOW and their vetting pipeline — and the totals.

use psops_core::accounts::{Contact, ContactFields, NewContact};
use psops_core::delivery::surveys::{SentSurvey, SurveyAnswer, SurveyRequest};
use psops_core::finance::Month;
use psops_core::partners::{Partner, PartnerPatch};
use psops_core::people::{Function, Person, PersonPatch};
use psops_core::projects::{BillingType, Project, ProjectPatch};
use psops_core::rates::cards::{CostRateFields, RoleRateFields};
use psops_core::rates::{CostRate, RateKind, RoleRate};
use psops_core::skills::{NewPersonSkill, PersonSkill, PersonSkillFields};
use psops_core::store::prelude::*;
use psops_core::{Currency, Money};
use psops_store::Db;
use time::macros::{date, datetime};

use super::fixtures::{assign, ctx, new, person_fields};
use super::ledger::{account, project};
use super::partner_funds::{approve, partner, partner_engineer, sow_fields, wa_fields};
use super::time_fixtures::as_person;

crate::stories!(the_partner_report_is_exact);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

async fn contact(db: &Db, account: psops_core::accounts::AccountId) -> Contact {
    new(db
        .create(
            &ctx(),
            NewContact {
                account_id: account,
                fields: ContactFields {
                    name: "Dana".into(),
                    email: Some(format!("dana{}@example.com", account.get())),
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .expect("contact"))
}

/// A survey on the project answered with `score` on 21 March 2026.
async fn answered(db: &Db, p: &Project, c: &Contact, score: i64) {
    let sent: SentSurvey = db
        .send_survey(
            &ctx(),
            SurveyRequest {
                project_id: p.id,
                contact_id: c.id,
            },
            "https://psops.example.com",
            datetime!(2026 - 03 - 20 09:00 UTC),
        )
        .await
        .expect("send");
    db.answer_survey(
        &sent.token,
        SurveyAnswer { score, comment: None },
        None,
        datetime!(2026 - 03 - 21 09:00 UTC),
    )
    .await
    .expect("answer");
}

async fn the_partner_report_is_exact(db: &Db) {
    let today = time::OffsetDateTime::now_utc().date();
    let acme = partner(db, "Acme Partners").await;
    let bolt = partner(db, "Bolt Partners").await;
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
    // A second consultant of Acme, nothing recorded yet: not started.
    let mut f = person_fields("new@acme.example");
    f.partner_id = Some(acme.id);
    let candidate: Person = new(db.create(&ctx(), f).await.expect("candidate"));
    let pm: Person = new(db.create(&ctx(), person_fields("pm@example.com")).await.expect("pm"));
    let managed = ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        ..Default::default()
    };
    let p: Project = db.update(&ctx(), p.id, None, managed).await.expect("manager");
    let staff: Person = new(db
        .create(&ctx(), person_fields("staff@example.com"))
        .await
        .expect("staff"));
    assign(db, staff.id, &p).await;
    let cost = CostRateFields {
        person_id: staff.id,
        rate: usd(6_000),
        effective_from: date!(2026 - 01 - 01),
        effective_to: None,
    };
    let _: CostRate = new(db.create(&ctx(), cost).await.expect("cost"));
    // $1,500.00 of funds; the authorization pays $103.33/h.
    let mut sow = sow_fields(&acme, "PSOW-1");
    sow.funds = usd(150_000);
    let sow = new(db.create(&ctx(), sow).await.expect("sow"));
    let _: psops_core::partner_funds::WorkAuthorization = new(db
        .create(&ctx(), wa_fields(&sow, &p, "WA-1", 120_000))
        .await
        .expect("wa"));
    // Acme: 7.5 h + 6 h approved; the company's own engineer 10 h.
    approve(db, &eng, &p, date!(2026 - 03 - 02), 450, as_person(&pm)).await;
    approve(db, &eng, &p, date!(2026 - 03 - 03), 360, as_person(&pm)).await;
    approve(db, &staff, &p, date!(2026 - 03 - 04), 600, as_person(&pm)).await;
    db.recognise(&ctx(), date!(2026 - 03 - 31)).await.expect("recognise");
    // Read before any survey is answered: the report is kept, and the answers below
    // show in the next read all the same.
    let march = Month::parse("2026-03", "from").unwrap();
    let r = db
        .partner_report(march, march, today)
        .await
        .expect("before the surveys");
    assert_eq!(r.rows[0].csat_answered, 0);
    // A 4 on the project Acme delivered on; a 1 on another project, not theirs.
    let c = contact(db, a.id).await;
    answered(db, &p, &c, 4).await;
    let b = account(db, "Fabrikam", None).await;
    let q = project(db, &b, "Fabrikam upgrade", BillingType::TimeAndMaterials).await;
    let c2 = contact(db, b.id).await;
    answered(db, &q, &c2, 1).await;

    let r = db.partner_report(march, march, today).await.expect("report");
    assert_eq!(r.currency, Currency::USD);
    assert_eq!(
        (r.all_approved_minutes, r.all_revenue_minor),
        (Some(1_410), Some(470_000))
    );
    let names: Vec<&str> = r.rows.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, vec!["Acme Partners", "Bolt Partners"]);
    let acme_row = &r.rows[0];
    assert_eq!(acme_row.partner_id, Some(acme.id));
    // 810 of 1,410 minutes; $2,700.00 of $4,700.00 revenue (13.5 h × $200).
    assert_eq!((acme_row.approved_minutes, acme_row.hours_share_bp), (810, Some(5_745)));
    assert_eq!(
        (acme_row.revenue_minor, acme_row.revenue_share_bp),
        (Some(270_000), Some(5_745))
    );
    // 7.5 × 103.33 → 774.98 and 6 × 103.33 = 619.98: $1,394.96; margin $1,305.04, 48.33 %.
    assert_eq!(acme_row.cost_minor, 139_496);
    assert_eq!(
        (acme_row.margin_minor, acme_row.margin_bp),
        (Some(130_504), Some(4_833))
    );
    assert_eq!((acme_row.csat_answered, acme_row.csat_average_x100), (1, Some(400)));
    assert_eq!(acme_row.funds_remaining, vec![usd(10_504)]);
    assert_eq!(
        acme_row.funds_link.as_deref(),
        Some(format!("/partner-funds?partner_id={}", acme.id).as_str())
    );
    assert_eq!((acme_row.vetting.vetted, acme_row.vetting.not_started), (1, 1));
    let bolt_row = &r.rows[1];
    assert_eq!(
        (bolt_row.approved_minutes, bolt_row.cost_minor, bolt_row.revenue_minor),
        (0, 0, Some(0))
    );
    assert_eq!((bolt_row.margin_bp, bolt_row.csat_average_x100), (None, None));
    let t = &r.total;
    assert_eq!(
        (t.approved_minutes, t.revenue_minor, t.cost_minor),
        (810, Some(270_000), 139_496)
    );
    assert_eq!((t.margin_minor, t.hours_share_bp), (Some(130_504), Some(5_745)));
    // February: nothing delivered, nothing recognised.
    let feb = Month::parse("2026-02", "from").unwrap();
    let r = db.partner_report(feb, feb, today).await.expect("february");
    assert_eq!((r.total.approved_minutes, r.all_revenue_minor), (0, Some(0)));

    // The report is kept between reads, and each change to what it reads shows at once.
    let kept = db.partner_report(march, march, today).await.expect("again");
    // The company's own time concerns no partner: the same report.
    approve(db, &staff, &p, date!(2026 - 03 - 05), 60, as_person(&pm)).await;
    assert_eq!(db.partner_report(march, march, today).await.expect("staff time"), kept);
    // The candidate's first skill starts their vetting.
    let s = NewPersonSkill {
        person_id: candidate.id,
        fields: PersonSkillFields {
            skill: "GitLab CI".into(),
            level: 4,
            growth: false,
        },
    };
    let _: PersonSkill = new(db.create(&ctx(), s).await.expect("skill"));
    let r = db.partner_report(march, march, today).await.expect("after a skill");
    assert_eq!(r.rows[0].vetting.not_started, 0);
    // A partner renamed sorts anew.
    let renamed = PartnerPatch {
        name: Some("Aardvark Partners".into()),
        ..Default::default()
    };
    let _: Partner = db.update(&ctx(), bolt.id, None, renamed).await.expect("rename");
    let r = db.partner_report(march, march, today).await.expect("after a rename");
    let names: Vec<&str> = r.rows.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, vec!["Aardvark Partners", "Acme Partners"]);
    // A partner consultant's hour, once recognised, counts.
    approve(db, &eng, &p, date!(2026 - 03 - 06), 60, as_person(&pm)).await;
    db.recognise(&ctx(), date!(2026 - 03 - 31))
        .await
        .expect("recognise again");
    let r = db
        .partner_report(march, march, today)
        .await
        .expect("after partner time");
    assert_eq!(r.rows[1].approved_minutes, 870);
    // Someone who joins a partner brings their recognised time with them.
    let moved = PersonPatch {
        partner_id: Some(Some(bolt.id)),
        ..Default::default()
    };
    let _: Person = db.update(&ctx(), staff.id, None, moved).await.expect("join");
    let r = db.partner_report(march, march, today).await.expect("after joining");
    assert_eq!((r.rows[0].approved_minutes, r.rows[1].approved_minutes), (660, 870));
}
