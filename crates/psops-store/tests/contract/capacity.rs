//! Stories about the capacity rules, holiday calendars and time off through the store,
//! ending in the handbook's numbers and the calendar view of one person's week.

use psops_core::audit::AuditFilter;
use psops_core::calendars::{CalendarFields, NewTimeOff, TimeOffDecision, TimeOffFilter, TimeOffStatus};
use psops_core::capacity::{
    CapacityRules, CapacityView, Holiday, OverrideScope, RulesChanges, RulesOverride, TimeOffKind,
};
use psops_core::dates::DateRange;
use psops_core::page::PageRequest;
use psops_core::people::Function;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::{Error, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{broken, ctx};
use super::time_fixtures::{calendar, id, rule, staff};

crate::stories!(
    the_policy_defaults_to_the_handbook_and_overrides_resolve,
    a_full_time_person_gets_the_handbook_hours,
    the_calendar_view_takes_regional_holidays_and_approved_time_off,
    calendars_are_one_per_region_and_holidays_one_per_date,
);

const H: i64 = 60;

async fn the_policy_defaults_to_the_handbook_and_overrides_resolve(db: &Db) {
    assert_eq!(db.capacity_rules().await.unwrap(), CapacityRules::handbook());
    let mut bad = CapacityRules::handbook();
    bad.pto_days = 400;
    let err = db.update_capacity_rules(&ctx(), bad).await.unwrap_err();
    assert_eq!(
        broken(err),
        [
            ("pto_days".into(), Rule::Range),
            ("holiday_days".into(), Rule::WithinYear)
        ]
    );
    let mut ten = CapacityRules::handbook();
    ten.holiday_days = 10;
    db.update_capacity_rules(&ctx(), ten.clone()).await.unwrap();
    assert_eq!(db.capacity_rules().await.unwrap(), ten);

    let ada = staff(db, "ada@example.com", "EMEA", None).await;
    let half_days = RulesOverride {
        scope: OverrideScope::Function(Function::Engineer),
        effective_from: date!(2026 - 07 - 01),
        effective_to: None,
        changes: RulesChanges {
            day_minutes: Some(240),
            ..Default::default()
        },
    };
    let ghost = RulesOverride {
        scope: OverrideScope::Person(id(999)),
        ..half_days.clone()
    };
    assert_eq!(
        broken(db.create_rules_override(&ctx(), ghost).await.unwrap_err()),
        [("scope.person".into(), Rule::Exists)]
    );
    let impossible = RulesOverride {
        changes: RulesChanges {
            pto_days: Some(300),
            ..Default::default()
        },
        ..half_days.clone()
    };
    assert_eq!(
        broken(db.create_rules_override(&ctx(), impossible).await.unwrap_err()),
        [("changes.holiday_days".into(), Rule::WithinYear)]
    );
    let stored = db.create_rules_override(&ctx(), half_days.clone()).await.unwrap();
    assert_eq!(stored.policy_override, half_days);
    assert_eq!(db.list_rules_overrides().await.unwrap(), std::slice::from_ref(&stored));
    assert_eq!(
        db.resolved_rules(ada.id, date!(2026 - 06 - 30))
            .await
            .unwrap()
            .day_minutes,
        480
    );
    let july = db.resolved_rules(ada.id, date!(2026 - 07 - 01)).await.unwrap();
    assert_eq!((july.day_minutes, july.holiday_days), (240, 10));
    let (base, mine) = db.policy_inputs(ada.id).await.unwrap();
    assert_eq!((base, mine), (ten, vec![half_days]));

    db.delete_rules_override(&ctx(), stored.id).await.unwrap();
    assert!(db.list_rules_overrides().await.unwrap().is_empty());
    let gone = db.delete_rules_override(&ctx(), stored.id).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }));
    let filter = AuditFilter {
        entity: Some("policy_override".into()),
        ..Default::default()
    };
    let audit = db.list_audit(&filter, PageRequest::default()).await.unwrap();
    assert_eq!(audit.items.len(), 2, "create and delete are audited");
}

async fn a_full_time_person_gets_the_handbook_hours(db: &Db) {
    let p = staff(db, "grace@example.com", "AMER", None).await;
    let q1 = DateRange::new(date!(2026 - 01 - 01), date!(2026 - 03 - 31)).unwrap();
    let c = db.capacity(p.id, q1, CapacityView::Policy).await.unwrap();
    assert_eq!(c.available_minutes, Minutes(424 * H));
    assert_eq!(c.target_minutes, Minutes(17_808)); // 296.8 h
    let year = DateRange::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap();
    let c = db.capacity(p.id, year, CapacityView::Policy).await.unwrap();
    assert_eq!(c.weekday_minutes, Minutes(2080 * H));
    assert_eq!(c.holiday_minutes, Minutes(88 * H));
    assert_eq!(c.time_off_minutes, Minutes((256 + 40) * H));
    assert_eq!(c.available_minutes, Minutes(1696 * H));
    // A changed policy changes the figure: 10 holidays give 1704 h.
    let mut p10 = CapacityRules::handbook();
    p10.holiday_days = 10;
    db.update_capacity_rules(&ctx(), p10).await.unwrap();
    let c = db.capacity(p.id, year, CapacityView::Policy).await.unwrap();
    assert_eq!(c.available_minutes, Minutes(1704 * H));
}

async fn the_calendar_view_takes_regional_holidays_and_approved_time_off(db: &Db) {
    let p = staff(db, "lin@example.com", "EMEA", None).await;
    let emea = calendar(db, "EMEA holidays", "emea").await;
    let amer = calendar(db, "US holidays", "AMER").await;
    let day = |date, name: &str| Holiday {
        date,
        minutes: None,
        name: name.into(),
    };
    db.add_holidays(&ctx(), emea.id, vec![day(date!(2026 - 11 - 25), "Regional day")])
        .await
        .unwrap();
    db.add_holidays(&ctx(), amer.id, vec![day(date!(2026 - 11 - 26), "Thanksgiving")])
        .await
        .unwrap();
    // Monday 23 to Sunday 29 November 2026.
    let week = DateRange::new(date!(2026 - 11 - 23), date!(2026 - 11 - 29)).unwrap();
    let available = |c: psops_core::capacity::Capacity| c.available_minutes.get() / H;
    assert_eq!(
        available(db.capacity(p.id, week, CapacityView::Calendar).await.unwrap()),
        32
    );

    let friday = NewTimeOff {
        person_id: p.id,
        date: date!(2026 - 11 - 27),
        minutes: Minutes(480),
        kind: TimeOffKind::Pto,
        note: Some("long weekend".into()),
    };
    let req = db.request_time_off(&ctx(), friday.clone()).await.unwrap();
    assert_eq!(req.status, TimeOffStatus::Requested);
    let c = db.capacity(p.id, week, CapacityView::Calendar).await.unwrap();
    assert_eq!(available(c), 32, "a request does not reduce capacity");
    let ok = db
        .decide_time_off(&ctx(), req.id, Some(req.version), TimeOffDecision::Approve)
        .await
        .unwrap();
    assert_eq!(ok.status, TimeOffStatus::Approved);
    assert!(ok.decided_at.is_some());
    let c = db.capacity(p.id, week, CapacityView::Calendar).await.unwrap();
    assert_eq!(
        (available(c), c.holiday_minutes.get() / H, c.time_off_minutes.get() / H),
        (24, 8, 8)
    );
    let again = db
        .decide_time_off(&ctx(), req.id, None, TimeOffDecision::Approve)
        .await
        .unwrap_err();
    assert_eq!(rule(again), Rule::AlreadyDecided);

    let thursday = NewTimeOff {
        date: date!(2026 - 11 - 26),
        minutes: Minutes(240),
        ..friday.clone()
    };
    let half = db.request_time_off(&ctx(), thursday).await.unwrap();
    let blank = TimeOffDecision::Reject { reason: " ".into() };
    assert_eq!(
        broken(db.decide_time_off(&ctx(), half.id, None, blank).await.unwrap_err()),
        [("reason".into(), Rule::Required)]
    );
    let why = TimeOffDecision::Reject {
        reason: "release week".into(),
    };
    let no = db.decide_time_off(&ctx(), half.id, None, why).await.unwrap();
    assert_eq!(
        (no.status, no.reason.as_deref()),
        (TimeOffStatus::Rejected, Some("release week"))
    );
    assert_eq!(
        available(db.capacity(p.id, week, CapacityView::Calendar).await.unwrap()),
        24
    );

    let bad = NewTimeOff {
        minutes: Minutes(20),
        date: date!(2019 - 12 - 31),
        ..friday.clone()
    };
    assert_eq!(
        broken(db.request_time_off(&ctx(), bad).await.unwrap_err()),
        [
            ("minutes".into(), Rule::RoundingStep),
            ("date".into(), Rule::Employment)
        ]
    );
    // Several days at once: all of them, or none when one breaks a rule, named by date.
    let day = |date| NewTimeOff {
        date,
        minutes: Minutes(480),
        note: None,
        ..friday.clone()
    };
    let waiting = TimeOffFilter {
        person_id: Some(p.id),
        status: Some(TimeOffStatus::Requested),
        ..Default::default()
    };
    let page = PageRequest::default();
    let before = db.list_time_off(&waiting, page).await.unwrap().items.len();
    let run = vec![
        day(date!(2026 - 12 - 07)),
        day(date!(2026 - 12 - 08)),
        day(date!(2019 - 12 - 31)),
    ];
    let refused = db.request_days(&ctx(), run).await.unwrap_err();
    let Error::Invalid(errors) = &refused else {
        panic!("{refused:?}")
    };
    assert_eq!(errors[0].rule, Rule::Employment);
    assert!(errors[0].message.starts_with("2019-12-31: "), "{}", errors[0].message);
    let after = db.list_time_off(&waiting, page).await.unwrap().items.len();
    assert_eq!(after, before, "a refused run writes none of its days");
    let week_off = vec![day(date!(2026 - 12 - 07)), day(date!(2026 - 12 - 08))];
    let made = db.request_days(&ctx(), week_off).await.unwrap();
    assert_eq!(made.len(), 2);
    assert_eq!(db.list_time_off(&waiting, page).await.unwrap().items.len(), before + 2);
    // A day already asked for is refused, and with it the whole run.
    let again = db
        .request_days(&ctx(), vec![day(date!(2026 - 12 - 09)), day(date!(2026 - 12 - 08))])
        .await;
    let Err(Error::Invalid(errors)) = again else {
        panic!("{again:?}")
    };
    assert_eq!(errors[0].rule, Rule::DuplicateDate);
    assert_eq!(
        db.list_time_off(&waiting, page).await.unwrap().items.len(),
        before + 2,
        "nothing of the run"
    );
    // A run is decided and withdrawn as a whole: a stale day refuses all of it.
    let stale = [
        (made[0].id, Some(made[0].version)),
        (made[1].id, Some(made[1].version + 7)),
    ];
    let approve = psops_core::calendars::TimeOffDecision::Approve;
    assert!(db.decide_time_off_days(&ctx(), &stale, approve.clone()).await.is_err());
    assert_eq!(
        db.time_off(made[0].id).await.unwrap().status,
        TimeOffStatus::Requested,
        "none decided"
    );
    assert!(db.delete_time_off_days(&ctx(), &stale).await.is_err());
    assert_eq!(
        db.list_time_off(&waiting, page).await.unwrap().items.len(),
        before + 2,
        "none withdrawn"
    );
    let fresh: Vec<_> = made.iter().map(|r| (r.id, Some(r.version))).collect();
    let decided = db.decide_time_off_days(&ctx(), &fresh, approve).await.unwrap();
    assert!(decided.iter().all(|r| r.status == TimeOffStatus::Approved));
    let fresh: Vec<_> = decided.iter().map(|r| (r.id, Some(r.version))).collect();
    db.delete_time_off_days(&ctx(), &fresh).await.unwrap();
    assert!(db.time_off(made[1].id).await.is_err(), "the whole run is gone");

    let filter = TimeOffFilter {
        person_id: Some(p.id),
        status: Some(TimeOffStatus::Approved),
        ..Default::default()
    };
    let approved = db.list_time_off(&filter, PageRequest::default()).await.unwrap();
    assert_eq!(approved.items, std::slice::from_ref(&ok));
    db.delete_time_off(&ctx(), ok.id, Some(ok.version)).await.unwrap();
    assert_eq!(
        available(db.capacity(p.id, week, CapacityView::Calendar).await.unwrap()),
        32
    );
}

async fn calendars_are_one_per_region_and_holidays_one_per_date(db: &Db) {
    let uk = db
        .create_calendar(
            &ctx(),
            CalendarFields {
                name: "UK".into(),
                region: "UK".into(),
            },
        )
        .await
        .unwrap();
    let dup = db
        .create_calendar(
            &ctx(),
            CalendarFields {
                name: "Again".into(),
                region: " uk ".into(),
            },
        )
        .await;
    assert_eq!(rule(dup.unwrap_err()), Rule::Unique);
    let blank = db
        .create_calendar(
            &ctx(),
            CalendarFields {
                name: "".into(),
                region: "X".into(),
            },
        )
        .await;
    assert_eq!(broken(blank.unwrap_err()), [("name".into(), Rule::Required)]);

    let csv =
        "date,name,hours\n2026-12-24,Christmas Eve,4\n2026-12-25,Christmas Day\n2026-12-28,Boxing Day (substitute)\n";
    let parsed = psops_core::interchange::holidays::parse_csv(csv).unwrap();
    let added = db.add_holidays(&ctx(), uk.id, parsed).await.unwrap();
    assert_eq!(added.len(), 3);
    assert_eq!(added[0].holiday.minutes, Some(Minutes(240)));

    // All or nothing: one clash and nothing of the batch lands.
    let clash = vec![
        Holiday {
            date: date!(2026 - 12 - 31),
            minutes: None,
            name: "New Year's Eve".into(),
        },
        Holiday {
            date: date!(2026 - 12 - 25),
            minutes: None,
            name: "Again".into(),
        },
    ];
    assert_eq!(
        rule(db.add_holidays(&ctx(), uk.id, clash).await.unwrap_err()),
        Rule::Unique
    );
    let invalid = vec![Holiday {
        date: date!(2027 - 01 - 01),
        minutes: Some(Minutes(0)),
        name: " ".into(),
    }];
    assert_eq!(
        broken(db.add_holidays(&ctx(), uk.id, invalid).await.unwrap_err()),
        [
            ("holidays[0].name".into(), Rule::Required),
            ("holidays[0].minutes".into(), Rule::Range)
        ]
    );
    assert_eq!(db.list_holidays(uk.id, None).await.unwrap().len(), 3);

    let moved = Holiday {
        date: date!(2026 - 12 - 29),
        minutes: None,
        name: "Boxing Day (moved)".into(),
    };
    let updated = db.update_holiday(&ctx(), added[2].id, moved).await.unwrap();
    assert_eq!(updated.holiday.date, date!(2026 - 12 - 29));
    db.delete_holiday(&ctx(), added[0].id).await.unwrap();
    let christmas = DateRange::new(date!(2026 - 12 - 25), date!(2026 - 12 - 25)).unwrap();
    assert_eq!(db.list_holidays(uk.id, Some(christmas)).await.unwrap().len(), 1);
    assert_eq!(db.list_holidays(uk.id, None).await.unwrap().len(), 2);

    let renamed = db
        .update_calendar(
            &ctx(),
            uk.id,
            Some(uk.version),
            CalendarFields {
                name: "United Kingdom".into(),
                region: "UK".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.version, uk.version + 1);
    let stale = db
        .update_calendar(
            &ctx(),
            uk.id,
            Some(uk.version),
            CalendarFields {
                name: "x".into(),
                region: "UK".into(),
            },
        )
        .await;
    assert!(matches!(stale.unwrap_err(), Error::PreconditionFailed { .. }));
    assert_eq!(db.list_calendars().await.unwrap(), [renamed]);
    db.delete_calendar(&ctx(), uk.id).await.unwrap();
    assert!(matches!(db.calendar(uk.id).await.unwrap_err(), Error::NotFound { .. }));
    assert!(db.list_calendars().await.unwrap().is_empty());
}
