//! Stories about utilization week by week: every group's minutes in every ISO week of a
//! range equal the entries dated there, its capacity equals the sum of its people's
//! policy views of that week, and the weeks add up to the range's report.

use std::collections::HashMap;

use psops_core::capacity::CapacityView;
use psops_core::dates::DateRange;
use psops_core::people::Person;
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_core::utilization::GroupBy;
use psops_core::utilization_weeks::{WeekFigures, weeks_in};
use psops_core::{Error, Minutes};
use time::Date;
use time::macros::date;

use super::time_fixtures::{internal, log, managed_project, on_project, staff};

crate::stories!(
    weekly_figures_add_up_to_the_entries_and_the_capacity,
    a_weekly_series_is_cut_by_the_filter_and_bounded,
    kept_reports_follow_every_change_of_minutes,
);

async fn org(db: &psops_store::Db) -> Vec<Person> {
    let pm = staff(db, "lead@example.com", "EMEA", None).await;
    let amer = staff(db, "amer@example.com", "AMER", Some(pm.id)).await;
    let emea = staff(db, "emea@example.com", "EMEA", Some(pm.id)).await;
    let p = managed_project(db, "Weekly", pm.id).await;
    // W10 (before the range), the cut first week, a whole week, the cut last week, after.
    let days = [
        (date!(2026 - 03 - 02), 120),
        (date!(2026 - 03 - 05), 240),
        (date!(2026 - 03 - 11), 300),
        (date!(2026 - 03 - 17), 450),
        (date!(2026 - 03 - 20), 60),
    ];
    for who in [&pm, &amer, &emea] {
        for (day, minutes) in days {
            log(db, on_project(who.id, &p, day, minutes)).await;
        }
        log(db, internal(who.id, date!(2026 - 03 - 12), 90)).await;
    }
    vec![pm, amer, emea]
}

async fn weekly_figures_add_up_to_the_entries_and_the_capacity(db: &psops_store::Db) {
    let people = org(db).await;
    let range = DateRange::new(date!(2026 - 03 - 04), date!(2026 - 03 - 18)).unwrap();
    let all = UtilizationFilter::default();
    let entries = db
        .list_time_entries(&Default::default(), Default::default())
        .await
        .unwrap()
        .items;
    for by in [GroupBy::Function, GroupBy::Region, GroupBy::Person] {
        let w = db.utilization_weeks(range, by, &all).await.unwrap();
        assert_eq!(w.weeks, weeks_in(range), "{by:?}");
        assert_eq!(w.weeks.len(), 3);
        // Minutes: the entries of each week's cut.
        let mut want: HashMap<(String, usize), (i64, i64)> = HashMap::new();
        for e in &entries {
            let Some(i) = w.weeks.iter().position(|(_, cut)| cut.contains(e.date)) else {
                continue;
            };
            let who = people.iter().find(|p| p.id == e.person_id).unwrap();
            let key = match by {
                GroupBy::Function => "engineer".to_string(),
                GroupBy::Region => who.fields.region.clone(),
                _ => who.id.to_string(),
            };
            let slot = want.entry((key, i)).or_default();
            slot.0 += e.minutes.get();
            slot.1 += if e.billable { e.minutes.get() } else { 0 };
        }
        for g in &w.groups {
            for (i, f) in g.weeks.iter().enumerate() {
                let (worked, billable) = want.get(&(g.key.clone(), i)).copied().unwrap_or_default();
                assert_eq!(
                    (f.worked.get(), f.billable.get()),
                    (worked, billable),
                    "{by:?} {} week {i}",
                    g.key
                );
            }
        }
        // Capacity: each person's policy view of the week, added up.
        for (i, (_, cut)) in w.weeks.iter().enumerate() {
            let mut available = 0;
            let mut target = 0;
            for p in &people {
                let c = db.capacity(p.id, *cut, CapacityView::Policy).await.unwrap();
                available += c.available_minutes.get();
                target += c.target_minutes.get();
            }
            let total = w.total[i];
            assert_eq!(
                (total.available.get(), total.target.get()),
                (available, target),
                "{by:?} week {i}"
            );
            let sum: WeekFigures = w.groups.iter().map(|g| g.weeks[i]).sum();
            assert_eq!(sum, total);
        }
        // The weeks add up to the range's report.
        let report = db.utilization(range, by, &all).await.unwrap();
        let keys: Vec<&str> = report.rows.iter().map(|r| r.key.as_str()).collect();
        let weekly_keys: Vec<&str> = w.groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, weekly_keys, "{by:?}");
        let summed: WeekFigures = w.total.iter().copied().sum();
        assert_eq!(summed.worked, report.total.worked_minutes);
        assert_eq!(summed.billable, report.total.billable_minutes);
        assert!(summed.billable.get() > 0 && summed.billable < summed.worked);
    }
}

async fn a_weekly_series_is_cut_by_the_filter_and_bounded(db: &psops_store::Db) {
    let people = org(db).await;
    let range = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    let amer = UtilizationFilter {
        region: Some("AMER".into()),
        ..Default::default()
    };
    let w = db.utilization_weeks(range, GroupBy::Region, &amer).await.unwrap();
    assert_eq!(w.groups.len(), 1);
    assert_eq!(w.groups[0].key, "AMER");
    let worked: i64 = w.total.iter().map(|f| f.worked.get()).sum();
    assert_eq!(worked, 120 + 240 + 300 + 450 + 60 + 90, "one person's month");
    let whole_week = w.weeks.iter().position(|(wk, _)| wk.week == 11).unwrap();
    let c = db
        .capacity(people[1].id, w.weeks[whole_week].1, CapacityView::Policy)
        .await
        .unwrap();
    assert_eq!(w.total[whole_week].available, c.available_minutes);
    assert!(c.available_minutes > Minutes(0));

    // Nobody in the filter: no groups, zero totals, still every week.
    let nobody = UtilizationFilter {
        region: Some("APAC".into()),
        ..Default::default()
    };
    let w = db.utilization_weeks(range, GroupBy::Function, &nobody).await.unwrap();
    assert!(w.groups.is_empty() && w.total.iter().all(|f| *f == WeekFigures::default()));
    assert_eq!(w.total.len(), w.weeks.len());

    // Decades of weeks are refused, naming the field.
    let long = DateRange::new(
        date!(2000 - 01 - 01),
        Date::from_calendar_date(2026, time::Month::March, 31).unwrap(),
    );
    match db.utilization_weeks(long.unwrap(), GroupBy::Function, &nobody).await {
        Err(Error::Invalid(errors)) => assert_eq!((errors[0].field.as_str(), errors[0].rule), ("to", Rule::DateBounds)),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Reports are kept until the minutes or the capacity they read change, not until any
/// commit: after a change of minutes they show it — also a move from one day to the next
/// in the same week across a month's end, which leaves the week's rollup row as it was —
/// and a write to anything else leaves them as they were.
async fn kept_reports_follow_every_change_of_minutes(db: &psops_store::Db) {
    use psops_core::accounts::AccountFields;
    use psops_core::time_entries::TimeEntryPatch;
    let people = org(db).await;
    let amer = &people[1];
    let march = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    let all = UtilizationFilter::default();
    let worked = |r: &psops_core::utilization::UtilizationReport| r.total.worked_minutes.get();
    let weekly =
        |w: &psops_core::utilization_weeks::WeeklyUtilization| w.total.iter().map(|f| f.worked.get()).sum::<i64>();
    let before = db.utilization(march, GroupBy::Person, &all).await.unwrap();
    let before_weeks = db.utilization_weeks(march, GroupBy::Function, &all).await.unwrap();
    // Tuesday 31 March, then moved to Wednesday 1 April: the same ISO week.
    let p = managed_project(db, "Month end", people[0].id).await;
    let e = log(db, on_project(amer.id, &p, date!(2026 - 03 - 31), 60)).await;
    let logged = db.utilization(march, GroupBy::Person, &all).await.unwrap();
    assert_eq!(worked(&logged), worked(&before) + 60);
    let logged_weeks = db.utilization_weeks(march, GroupBy::Function, &all).await.unwrap();
    assert_eq!(weekly(&logged_weeks), weekly(&before_weeks) + 60);
    let moved = TimeEntryPatch {
        date: Some(date!(2026 - 04 - 01)),
        ..Default::default()
    };
    db.update_time_entry(&super::fixtures::ctx(), e.id, None, moved)
        .await
        .unwrap();
    let after = db.utilization(march, GroupBy::Person, &all).await.unwrap();
    assert_eq!(worked(&after), worked(&before), "the move leaves March");
    let after_weeks = db.utilization_weeks(march, GroupBy::Function, &all).await.unwrap();
    assert_eq!(weekly(&after_weeks), weekly(&before_weeks));
    // Billable follows too.
    let unbilled = TimeEntryPatch {
        billable: Some(false),
        note: Some(Some("rework".into())),
        ..Default::default()
    };
    let first = db
        .list_time_entries(&Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|t| t.person_id == amer.id && t.billable && march.contains(t.date))
        .expect("a billable entry in March");
    db.update_time_entry(&super::fixtures::ctx(), first.id, None, unbilled)
        .await
        .unwrap();
    let billed = db.utilization(march, GroupBy::Person, &all).await.unwrap();
    assert_eq!(
        billed.total.billable_minutes.get(),
        after.total.billable_minutes.get() - first.minutes.get()
    );
    // An account is no change of minutes: the same figures.
    let account = AccountFields {
        name: "Unrelated".into(),
        code: None,
        region: None,
        industry: None,
        currency: None,
    };
    db.create(&super::fixtures::ctx(), account).await.unwrap();
    let again = db.utilization(march, GroupBy::Person, &all).await.unwrap();
    assert_eq!(again, billed);
}
