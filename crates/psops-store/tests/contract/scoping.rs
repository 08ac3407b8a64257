//! Scoping stories: an opportunity goes to its territory's engagement manager, a quote
//! overwrites the PS values and an investment moves out of PS value, every move passes
//! its gate or is refused naming what is missing, a TA needs pain points, constraints and
//! notice, clocks run in business hours, idle records close lost once unless kept open,
//! and win rates count what closed.

use psops_core::accounts::{Account, AccountFields};
use psops_core::calendars::CalendarFields;
use psops_core::capacity::Holiday;
use psops_core::code::Code;
use psops_core::people::Function;
use psops_core::rule::Rule;
use psops_core::scoping::ScopingSettings;
use psops_core::scoping::clocks::{ClockKind, ClockStatus, clocks};
use psops_core::scoping::opportunities::{
    EmStatus, Event, Opportunity, OpportunityFields, OpportunityPatch, Quote, Segment,
};
use psops_core::scoping::settings::Territory;
use psops_core::scoping::states::{ScopingState, TaStatus};
use psops_core::scoping::store::{Move, TaRequest};
use psops_core::scoping::wins::{WinBy, win_rates};
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Money};
use psops_store::Db;
use time::{Duration, OffsetDateTime};

use super::fixtures::{broken, ctx, new, person, person_fields};

crate::stories!(
    an_opportunity_goes_to_its_territorys_engagement_manager,
    a_quote_overwrites_and_an_investment_moves_out_of_ps_value,
    every_move_passes_its_gate_or_names_what_is_missing,
    a_technical_architect_needs_the_facts_and_notice,
    clocks_run_in_business_hours_of_the_managers_calendar,
    idle_records_close_lost_once_unless_kept_open,
    a_scheduled_job_runs_once_across_nodes,
    a_crm_export_imports_once_with_its_mapping,
);

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub async fn account(db: &Db, name: &str) -> Account {
    new(db
        .create(
            &ctx(),
            AccountFields {
                name: name.into(),
                code: None,
                region: Some("EMEA".into()),
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("account"))
}

pub fn opportunity_fields(account: &Account, name: &str) -> OpportunityFields {
    OpportunityFields {
        name: name.into(),
        account_id: account.id,
        crm_id: None,
        sales_owner: Some("Sam Seller".into()),
        engagement_manager_id: None,
        segment: Segment::EntEmea,
        public_sector: false,
        stage: Some("Qualify".into()),
        close_date: None,
        currency: Currency::USD,
        amount: Some(usd(10_000_000)),
        ps_value: Some(usd(6_000_000)),
        edu_value_override: Some(usd(500_000)),
        em_confidence: None,
        em_status: EmStatus::ToDo,
        pain_points: None,
        constraints: None,
        keep_open: false,
    }
}

/// An engagement manager covering Ent_EMEA.
pub async fn territory(db: &Db) -> psops_core::people::Person {
    let mut f = person_fields("em@example.com");
    f.function = Function::EngagementManager;
    let em = new(db.create(&ctx(), f).await.expect("em"));
    let scoping = ScopingSettings {
        territories: vec![Territory {
            segment: Segment::EntEmea,
            engagement_manager_id: Some(em.id),
        }],
        ..Default::default()
    };
    let patch = SettingsPatch {
        scoping: Some(scoping),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("territory");
    em
}

pub async fn opened(db: &Db, account: &Account, name: &str) -> Opportunity {
    new(db
        .open_opportunity(&ctx(), opportunity_fields(account, name))
        .await
        .expect("opportunity"))
}

pub async fn go(db: &Db, o: &Opportunity, to: ScopingState, reason: Option<&str>) -> psops_core::Result<Opportunity> {
    let m = Move {
        to,
        reason: reason.map(str::to_string),
    };
    db.move_opportunity(&ctx(), o.id, None, m).await
}

fn gate(e: Error) -> (String, Rule) {
    match e {
        Error::Conflict(f) => (f.field, f.rule),
        other => panic!("expected a refused gate, got {other:?}"),
    }
}

async fn an_opportunity_goes_to_its_territorys_engagement_manager(db: &Db) {
    let em = territory(db).await;
    let a = account(db, "Northwind").await;
    let o = opened(db, &a, "Cloud migration").await;
    assert_eq!(o.fields.engagement_manager_id, Some(em.id));
    assert_eq!((o.state, o.ta_status), (ScopingState::Open, TaStatus::None));
    assert!(o.event(Event::Created).is_some());
    // Another segment has nobody yet; rebalancing reassigns it.
    let mut f = opportunity_fields(&a, "Training");
    f.segment = Segment::Smb;
    let smb: Opportunity = new(db.open_opportunity(&ctx(), f).await.expect("smb"));
    assert_eq!(smb.fields.engagement_manager_id, None);
    let other = person(db, "other@example.com").await;
    let patch = OpportunityPatch {
        engagement_manager_id: Some(Some(other.id)),
        ..Default::default()
    };
    let moved = db
        .update_opportunity(&ctx(), smb.id, Some(1), patch)
        .await
        .expect("reassign");
    assert_eq!(moved.fields.engagement_manager_id, Some(other.id));
    // Every amount is in the opportunity's currency.
    let mut f = opportunity_fields(&a, "Mixed");
    f.amount = Some(Money::new(100, "EUR".parse().unwrap()));
    let err = db.open_opportunity(&ctx(), f).await.unwrap_err();
    assert_eq!(broken(err), [("amount".to_string(), Rule::Currency)]);
    // The CRM id is unique.
    let mut f = opportunity_fields(&a, "First");
    f.crm_id = Some("0061x00000ABC".into());
    let _: Opportunity = new(db.open_opportunity(&ctx(), f.clone()).await.expect("crm"));
    f.name = "Second".into();
    assert!(matches!(db.open_opportunity(&ctx(), f).await, Err(Error::Conflict(_))));
}

async fn a_quote_overwrites_and_an_investment_moves_out_of_ps_value(db: &Db) {
    let a = account(db, "Contoso").await;
    let o = opened(db, &a, "Upgrade").await;
    let q = Quote {
        ps_value: usd(4_500_000),
        edu_value: usd(300_000),
    };
    let quoted = db.quote_opportunity(&ctx(), o.id, Some(1), q).await.expect("quote");
    assert_eq!(quoted.fields.ps_value, Some(usd(4_500_000)));
    assert_eq!(quoted.edu_value, Some(usd(300_000)));
    assert_eq!(quoted.fields.edu_value_override, None, "a quote discards the override");
    let invested = db.invest(&ctx(), o.id, None, usd(1_000_000)).await.expect("invest");
    assert_eq!(invested.fields.ps_value, Some(usd(3_500_000)));
    assert_eq!(invested.investment_value, Some(usd(1_000_000)));
    let err = db.invest(&ctx(), o.id, None, usd(3_500_001)).await.unwrap_err();
    assert_eq!(broken(err), [("amount".to_string(), Rule::Exceeds)]);
    // A stale version is refused, and the values survive a read.
    assert!(matches!(
        db.invest(&ctx(), o.id, Some(1), usd(1)).await,
        Err(Error::PreconditionFailed { .. })
    ));
    let read: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(read.values(), invested.values());
}

async fn every_move_passes_its_gate_or_names_what_is_missing(db: &Db) {
    let a = account(db, "Fabrikam").await;
    let o = opened(db, &a, "Assessment").await;
    // No engagement manager: discovery waits for one.
    let e = go(db, &o, ScopingState::AwaitingDiscovery, None).await.unwrap_err();
    assert_eq!(gate(e), ("engagement_manager_id".to_string(), Rule::Gate));
    let em = person(db, "em2@example.com").await;
    let patch = OpportunityPatch {
        engagement_manager_id: Some(Some(em.id)),
        ..Default::default()
    };
    db.update_opportunity(&ctx(), o.id, None, patch).await.expect("em");
    // One state at a time.
    let e = go(db, &o, ScopingState::StrawmanWip, None).await.unwrap_err();
    assert_eq!(broken(e), [("state".to_string(), Rule::InvalidTransition)]);
    go(db, &o, ScopingState::AwaitingDiscovery, None)
        .await
        .expect("discovery");
    let o2 = go(db, &o, ScopingState::StrawmanWip, None).await.expect("strawman");
    assert!(o2.event(Event::ScopingCall).is_some());
    // Estimate feedback needs an estimate shared with the customer.
    let e = go(db, &o, ScopingState::EstimateFeedback, None).await.unwrap_err();
    assert_eq!(gate(e), ("estimate".to_string(), Rule::Gate));
    // Closed won only comes from a signature; closing lost and holding need a reason.
    let e = go(db, &o, ScopingState::ClosedWon, None).await.unwrap_err();
    assert_eq!(gate(e), ("sow".to_string(), Rule::Gate));
    let e = go(db, &o, ScopingState::OnHold, None).await.unwrap_err();
    assert_eq!(broken(e), [("reason".to_string(), Rule::DependsOn)]);
    let held = go(db, &o, ScopingState::OnHold, Some("budget freeze"))
        .await
        .expect("hold");
    assert_eq!(held.held_from, Some(ScopingState::StrawmanWip));
    // A held record resumes where it was, nowhere else.
    let e = go(db, &o, ScopingState::AwaitingDiscovery, None).await.unwrap_err();
    assert_eq!(broken(e), [("state".to_string(), Rule::InvalidTransition)]);
    let back = go(db, &o, ScopingState::StrawmanWip, None).await.expect("resume");
    assert_eq!((back.state, back.held_from), (ScopingState::StrawmanWip, None));
    // Going back a step is rework, allowed.
    go(db, &o, ScopingState::AwaitingDiscovery, None).await.expect("back");
    let lost = go(db, &o, ScopingState::ClosedLost, Some("went with a partner"))
        .await
        .expect("lost");
    assert!(lost.closed_quarter.as_deref().is_some_and(|q| q.starts_with("FY")));
    // Closed lost only reopens, with a reason.
    let e = go(db, &o, ScopingState::AwaitingDiscovery, None).await.unwrap_err();
    assert_eq!(broken(e), [("state".to_string(), Rule::InvalidTransition)]);
    let reopened = go(db, &o, ScopingState::Open, Some("customer came back"))
        .await
        .expect("reopen");
    assert_eq!((reopened.state, reopened.closed_quarter), (ScopingState::Open, None));
}

async fn a_technical_architect_needs_the_facts_and_notice(db: &Db) {
    let em = territory(db).await;
    let a = account(db, "Tailspin").await;
    let o = opened(db, &a, "Platform").await;
    let ta = person(db, "ta@example.com").await;
    let today = OffsetDateTime::now_utc().date();
    let ask = |needed_by| TaRequest {
        technical_architect_id: ta.id,
        needed_by,
    };
    let e = db
        .request_ta(&ctx(), o.id, None, ask(today + Duration::days(14)))
        .await
        .unwrap_err();
    assert_eq!(
        broken(e),
        [
            ("pain_points".to_string(), Rule::Gate),
            ("constraints".to_string(), Rule::Gate)
        ]
    );
    let patch = OpportunityPatch {
        pain_points: Some(Some("Slow releases".into())),
        constraints: Some(Some("On-premises only".into())),
        ..Default::default()
    };
    db.update_opportunity(&ctx(), o.id, None, patch).await.expect("facts");
    // Today is less than a business day of notice.
    let e = db.request_ta(&ctx(), o.id, None, ask(today)).await.unwrap_err();
    assert_eq!(broken(e), [("needed_by".to_string(), Rule::Notice)]);
    let days = db.work_days(Some(em.id)).await.expect("days");
    let earliest = days.add_days(today, 1);
    let asked = db.request_ta(&ctx(), o.id, None, ask(earliest)).await.expect("ta");
    assert_eq!(
        (asked.ta_status, asked.technical_architect_id),
        (TaStatus::NeedsAssistance, Some(ta.id))
    );
    assert!(
        asked.event(Event::FirstAction).is_some(),
        "a TA request is the EM's action"
    );
    let helped = db.ta_assisted(&ctx(), o.id, None).await.expect("assisted");
    assert_eq!(helped.ta_status, TaStatus::Assisted);
    let e = db.ta_assisted(&ctx(), o.id, None).await.unwrap_err();
    assert_eq!(broken(e), [("ta_status".to_string(), Rule::InvalidTransition)]);
}

async fn clocks_run_in_business_hours_of_the_managers_calendar(db: &Db) {
    let em = territory(db).await;
    // The EM's region (EMEA) has a holiday a week from now.
    let cal = db
        .create_calendar(
            &ctx(),
            CalendarFields {
                name: "EMEA".into(),
                region: "EMEA".into(),
            },
        )
        .await
        .expect("calendar");
    let holiday = OffsetDateTime::now_utc().date() + Duration::days(7);
    let h = Holiday {
        date: holiday,
        minutes: None,
        name: "Founders' day".into(),
    };
    db.add_holidays(&ctx(), cal.id, vec![h]).await.expect("holiday");
    let days = db.work_days(Some(em.id)).await.expect("days");
    assert!(!days.works(holiday));
    let settings = db.settings().await.expect("settings").scoping;
    let a = account(db, "Litware").await;
    let o = opened(db, &a, "Data platform").await;
    let now = OffsetDateTime::now_utc();
    let first = |o: &Opportunity, at| clocks(o, &settings, &days, at)[0].clone();
    assert_eq!(first(&o, now).kind, ClockKind::FirstAction);
    assert_eq!(first(&o, now).status, ClockStatus::Running);
    assert_eq!(first(&o, now + Duration::days(10)).status, ClockStatus::Overdue);
    let due = first(&o, now).due_at.expect("due").0;
    assert_eq!(due, days.add_hours(o.event(Event::Created).expect("created"), 24));
    // The first move stops it in time; the estimate clock starts at the scoping call.
    go(db, &o, ScopingState::AwaitingDiscovery, None)
        .await
        .expect("discovery");
    let o = go(db, &o, ScopingState::StrawmanWip, None).await.expect("strawman");
    let all = clocks(&o, &settings, &days, now);
    assert_eq!(all[0].status, ClockStatus::Met);
    assert_eq!(all[1].status, ClockStatus::Running);
    assert_eq!(all[2].status, ClockStatus::NotStarted);
    assert_eq!(
        clocks(&o, &settings, &days, now + Duration::days(30))[1].status,
        ClockStatus::Overdue
    );
    // Closing stops the running clocks.
    let o = go(db, &o, ScopingState::ClosedLost, Some("no budget"))
        .await
        .expect("lost");
    assert_eq!(
        clocks(&o, &settings, &days, now + Duration::days(30))[1].status,
        ClockStatus::Closed
    );
}

async fn idle_records_close_lost_once_unless_kept_open(db: &Db) {
    let a = account(db, "Adventure Works").await;
    let idle = opened(db, &a, "Idle").await;
    let kept = opened(db, &a, "Kept").await;
    let patch = OpportunityPatch {
        keep_open: Some(true),
        ..Default::default()
    };
    db.update_opportunity(&ctx(), kept.id, None, patch).await.expect("keep");
    let now = OffsetDateTime::now_utc();
    // Nothing is idle today.
    assert!(db.sweep_idle(&ctx(), now).await.expect("sweep").is_empty());
    // Two months and a day on, the idle one closes lost, the kept one stays open.
    let later = now + Duration::days(63);
    assert_eq!(db.sweep_idle(&ctx(), later).await.expect("sweep"), [idle.id]);
    let closed: Opportunity = db.get(idle.id).await.expect("read");
    assert_eq!(closed.state, ScopingState::ClosedLost);
    assert!(closed.reason.as_deref().is_some_and(|r| r.contains("idle")));
    assert!(closed.closed_quarter.is_some());
    let open: Opportunity = db.get(kept.id).await.expect("read");
    assert_eq!(open.state, ScopingState::Open);
    // A second sweep finds nothing more to close.
    assert!(db.sweep_idle(&ctx(), later).await.expect("again").is_empty());
    // What closed counts in the win rates.
    let counts = db.win_counts().await.expect("wins");
    let total = win_rates(&counts, WinBy::Segment);
    let emea = total
        .iter()
        .find(|r| r.key == Segment::EntEmea.code())
        .expect("segment");
    assert_eq!((emea.won, emea.lost, emea.rate_bp), (0, 1, Some(0)));
}

async fn a_scheduled_job_runs_once_across_nodes(db: &Db) {
    let now = OffsetDateTime::now_utc();
    let hour = Duration::hours(1);
    let a = db.claim_run("scoping_sweep", "node-a", hour, now).await.expect("a");
    let b = db.claim_run("scoping_sweep", "node-b", hour, now).await.expect("b");
    assert!(a && !b, "one node of two claims the run");
    assert!(
        !db.claim_run("scoping_sweep", "node-b", hour, now + Duration::minutes(30))
            .await
            .expect("soon")
    );
    assert!(
        db.claim_run("scoping_sweep", "node-b", hour, now + hour)
            .await
            .expect("next period")
    );
    // Another job has its own ledger line.
    assert!(db.claim_run("other", "node-a", hour, now).await.expect("other"));
}

async fn a_crm_export_imports_once_with_its_mapping(db: &Db) {
    use psops_core::imports::records::RecordBatch;
    use psops_core::scoping::crm::{Mapping, read_opportunities};
    use psops_core::scoping::opportunities::OpportunityFilter;
    let em = territory(db).await;
    let a = account(db, "Northwind").await;
    let mapping = Mapping::parse([
        ("crm_id", "Opportunity ID"),
        ("name", "Opportunity Name"),
        ("account", "Account Name"),
        ("segment", "Territory"),
        ("ps_value", "PS Value"),
        ("edu_value", "Edu Value"),
    ])
    .expect("mapping");
    let export = "Opportunity ID,Opportunity Name,Account Name,Territory,PS Value,Edu Value,Stage\n\
        006A,Cloud migration,Northwind,Ent_EMEA,60000,5000,Negotiation\n\
        006B,Upgrade,northwind,Ent_EMEA,,,Qualify\n";
    let rows = || read_opportunities(export.as_bytes(), &mapping, Currency::USD).expect("rows");
    // A dry run reports and writes nothing.
    let dry = db
        .import_records(&ctx(), RecordBatch::Opportunities(rows()), true)
        .await
        .expect("dry");
    assert_eq!((dry.imported, dry.written), (2, false));
    let none = db.every(&OpportunityFilter::default()).await.expect("list");
    assert!(none.is_empty());
    let first = db
        .import_records(&ctx(), RecordBatch::Opportunities(rows()), false)
        .await
        .expect("import");
    assert_eq!(
        (first.imported, first.updated, first.skipped, first.written),
        (2, 0, 0, true)
    );
    let all = db.every(&OpportunityFilter::default()).await.expect("list");
    let cloud = all
        .iter()
        .find(|o| o.fields.crm_id.as_deref() == Some("006A"))
        .expect("006A");
    assert_eq!(
        cloud.fields.engagement_manager_id,
        Some(em.id),
        "the territory assigns the EM"
    );
    assert_eq!(cloud.edu_value, Some(usd(500_000)), "a quote from the CRM");
    assert_eq!(cloud.fields.account_id, a.id);
    // The EM keeps an override; importing the same export again changes nothing.
    let patch = OpportunityPatch {
        edu_value_override: Some(Some(usd(700_000))),
        pain_points: Some(Some("Slow releases".into())),
        ..Default::default()
    };
    db.update_opportunity(&ctx(), cloud.id, None, patch)
        .await
        .expect("override");
    let again = db
        .import_records(&ctx(), RecordBatch::Opportunities(rows()), false)
        .await
        .expect("again");
    assert_eq!((again.imported, again.updated, again.skipped), (0, 1, 1));
    let read: Opportunity = db.get(cloud.id).await.expect("read");
    assert_eq!(
        read.fields.edu_value_override, None,
        "a new quote discards the override"
    );
    assert_eq!(
        read.fields.pain_points.as_deref(),
        Some("Slow releases"),
        "what psops keeps survives"
    );
    let third = db
        .import_records(&ctx(), RecordBatch::Opportunities(rows()), false)
        .await
        .expect("third");
    assert_eq!((third.imported, third.updated, third.skipped), (0, 0, 2));
    // An unknown account is a row error, and nothing of the file is written.
    let bad = "Opportunity ID,Opportunity Name,Account Name,Territory\n006C,New,Nobody,SMB\n006D,Fine,Northwind,SMB\n";
    let rows = read_opportunities(bad.as_bytes(), &mapping, Currency::USD).expect("rows");
    let r = db
        .import_records(&ctx(), RecordBatch::Opportunities(rows), false)
        .await
        .expect("bad");
    assert_eq!((r.rows_failed, r.written), (1, false));
    assert_eq!(r.row_errors[0].rule, Rule::UnmatchedAccount);
    assert_eq!(db.every(&OpportunityFilter::default()).await.expect("list").len(), 2);
}
