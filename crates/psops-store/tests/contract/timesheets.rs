//! Stories about weekly timesheets through the store: every transition allowed and
//! refused, finance's locked periods, and the compliance report.

use psops_core::dates::DateRange;
use psops_core::rule::Rule;
use psops_core::scope::{ApprovalScope, ListScope};
use psops_core::store::prelude::*;
use psops_core::time_entries::{EntryStatus, TimeEntryPatch};
use psops_core::timesheet::{Compliance, IsoWeek};
use psops_core::{Error, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{broken, ctx};
use super::time_fixtures::{as_person, forbidden, internal, log, managed_project, on_project, ops, rule, staff};

crate::stories!(
    a_week_goes_through_every_transition,
    nothing_changes_inside_a_locked_period,
    compliance_classifies_each_person,
    waiting_time_and_project_minutes,
    reminders_are_kept_in_the_outbox,
);

fn week(s: &str) -> IsoWeek {
    s.parse().unwrap()
}

fn statuses(entries: &[psops_core::time_entries::TimeEntry]) -> Vec<EntryStatus> {
    entries.iter().map(|e| e.status).collect()
}

async fn a_week_goes_through_every_transition(db: &Db) {
    let boss = staff(db, "boss@example.com", "EMEA", None).await;
    let pm = staff(db, "pm@example.com", "EMEA", None).await;
    let me = staff(db, "me@example.com", "EMEA", Some(boss.id)).await;
    let p = managed_project(db, "Migration", pm.id).await;
    let w10 = week("2026-W10"); // Monday 2 March to Sunday 8 March 2026
    let a = log(db, on_project(me.id, &p, date!(2026 - 03 - 02), 240)).await;
    log(db, on_project(me.id, &p, date!(2026 - 03 - 03), 480)).await;
    log(db, internal(me.id, date!(2026 - 03 - 04), 60)).await;
    log(db, on_project(me.id, &p, date!(2026 - 03 - 09), 60)).await; // next week: untouched

    let err = db.submit_week(&ctx(), as_person(&pm), me.id, w10).await.unwrap_err();
    assert!(forbidden(err).contains("owner_only"));
    let submitted = db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();
    assert_eq!(statuses(&submitted), [EntryStatus::Submitted; 3]);
    assert!(db.week_submitted_at(me.id, w10).await.unwrap().is_some());
    let again = db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap_err();
    assert_eq!(rule(again), Rule::NothingToSubmit);
    let edit = TimeEntryPatch {
        minutes: Some(Minutes(300)),
        ..Default::default()
    };
    assert_eq!(
        rule(db.update_time_entry(&ctx(), a.id, None, edit).await.unwrap_err()),
        Rule::NotDraft
    );

    let withdrawn = db.withdraw_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();
    assert_eq!(statuses(&withdrawn), [EntryStatus::Draft; 3]);
    assert!(db.week_submitted_at(me.id, w10).await.unwrap().is_none());
    assert_eq!(
        rule(db.withdraw_week(&ctx(), as_person(&me), me.id, w10).await.unwrap_err()),
        Rule::NothingToWithdraw
    );
    db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();

    // The project's PM approves its entries; the owner and the manager may not.
    for who in [&me, &boss] {
        let err = db
            .approve_week(&ctx(), as_person(who), me.id, w10, Some(p.id))
            .await
            .unwrap_err();
        assert!(forbidden(err).contains("approver_only"));
    }
    let approved = db
        .approve_week(&ctx(), as_person(&pm), me.id, w10, Some(p.id))
        .await
        .unwrap();
    assert_eq!(statuses(&approved), [EntryStatus::Approved; 2]);
    let approvals = db.list_approvals(me.id, w10).await.unwrap();
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert_eq!(approvals[0].project_id, Some(p.id));
    let again = db
        .approve_week(&ctx(), as_person(&pm), me.id, w10, Some(p.id))
        .await
        .unwrap_err();
    assert_eq!(rule(again), Rule::NothingToApprove);
    let edit = TimeEntryPatch {
        minutes: Some(Minutes(300)),
        ..Default::default()
    };
    assert_eq!(
        rule(db.update_time_entry(&ctx(), a.id, None, edit).await.unwrap_err()),
        Rule::NotDraft
    );
    assert_eq!(
        rule(db.delete_time_entry(&ctx(), a.id, None).await.unwrap_err()),
        Rule::NotDraft
    );
    // Withdrawing touches only what is still submitted (the internal entry).
    assert_eq!(
        db.withdraw_week(&ctx(), as_person(&me), me.id, w10)
            .await
            .unwrap()
            .len(),
        1
    );
    db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();

    // Internal time is approved by the person's manager.
    let err = db
        .approve_week(&ctx(), as_person(&pm), me.id, w10, None)
        .await
        .unwrap_err();
    assert!(forbidden(err).contains("approver_only"));
    assert_eq!(
        db.approve_week(&ctx(), as_person(&boss), me.id, w10, None)
            .await
            .unwrap()
            .len(),
        1
    );

    // Only the approver reopens; a reopened entry is a draft its owner edits again.
    let err = db.reopen_entries(&ctx(), as_person(&me), &[a.id]).await.unwrap_err();
    assert!(forbidden(err).contains("approver_only"));
    let reopened = db.reopen_entries(&ctx(), as_person(&pm), &[a.id, a.id]).await.unwrap();
    assert_eq!(statuses(&reopened), [EntryStatus::Draft]);
    let edit = TimeEntryPatch {
        minutes: Some(Minutes(300)),
        ..Default::default()
    };
    db.update_time_entry(&ctx(), a.id, None, edit).await.unwrap();
    let draft_again = db.reopen_entries(&ctx(), ops(), &[a.id]).await.unwrap_err();
    assert_eq!(rule(draft_again), Rule::InvalidTransition);

    // A rejection needs a reason, sends the project's entries back and is kept.
    db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();
    let err = db
        .reject_week(&ctx(), as_person(&pm), me.id, w10, Some(p.id), "  ")
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("reason".into(), Rule::Required)]);
    let r = db
        .reject_week(
            &ctx(),
            as_person(&pm),
            me.id,
            w10,
            Some(p.id),
            "split the migration work",
        )
        .await
        .unwrap();
    assert_eq!((r.entries, r.project_id, r.week), (1, Some(p.id), w10));
    assert_eq!(db.time_entry(a.id).await.unwrap().status, EntryStatus::Draft);
    assert_eq!(db.list_rejections(me.id, w10).await.unwrap(), [r]);
    // Ops may approve any timesheet.
    db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();
    assert_eq!(
        db.approve_week(&ctx(), ops(), me.id, w10, Some(p.id))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(db.verify_rollups().await.unwrap().is_empty());
}

async fn nothing_changes_inside_a_locked_period(db: &Db) {
    let pm = staff(db, "pm2@example.com", "EMEA", None).await;
    let me = staff(db, "me2@example.com", "EMEA", None).await;
    let p = managed_project(db, "Locked", pm.id).await;
    let w10 = week("2026-W10");
    let approved = log(db, on_project(me.id, &p, date!(2026 - 03 - 02), 120)).await;
    db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap();
    db.approve_week(&ctx(), as_person(&pm), me.id, w10, Some(p.id))
        .await
        .unwrap();
    let draft = log(db, on_project(me.id, &p, date!(2026 - 03 - 03), 60)).await;
    let april = log(db, on_project(me.id, &p, date!(2026 - 04 - 01), 60)).await;

    let backwards = DateRange {
        start: date!(2026 - 03 - 31),
        end: date!(2026 - 03 - 01),
    };
    assert!(matches!(
        db.lock_period(&ctx(), backwards).await.unwrap_err(),
        Error::Invalid(_)
    ));
    let march = DateRange::new(date!(2026 - 03 - 01), date!(2026 - 03 - 31)).unwrap();
    let lock = db.lock_period(&ctx(), march).await.unwrap();
    assert_eq!(db.list_locked_periods().await.unwrap(), [lock]);

    let err = db
        .create_time_entry(&ctx(), on_project(me.id, &p, date!(2026 - 03 - 10), 60))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("2026-03-01 to 2026-03-31 is locked by finance"),
        "{err}"
    );
    assert_eq!(rule(err), Rule::PeriodLocked);
    let edit = || TimeEntryPatch {
        minutes: Some(Minutes(90)),
        ..Default::default()
    };
    assert_eq!(
        rule(db.update_time_entry(&ctx(), draft.id, None, edit()).await.unwrap_err()),
        Rule::PeriodLocked
    );
    assert_eq!(
        rule(db.delete_time_entry(&ctx(), draft.id, None).await.unwrap_err()),
        Rule::PeriodLocked
    );
    let into_march = TimeEntryPatch {
        date: Some(date!(2026 - 03 - 31)),
        ..Default::default()
    };
    assert_eq!(
        rule(
            db.update_time_entry(&ctx(), april.id, None, into_march)
                .await
                .unwrap_err()
        ),
        Rule::PeriodLocked
    );
    assert_eq!(
        rule(db.submit_week(&ctx(), as_person(&me), me.id, w10).await.unwrap_err()),
        Rule::PeriodLocked
    );
    assert_eq!(
        rule(db.reopen_entries(&ctx(), ops(), &[approved.id]).await.unwrap_err()),
        Rule::PeriodLocked
    );
    // A week straddling the lock moves none of its entries.
    log(db, on_project(me.id, &p, date!(2026 - 04 - 02), 60)).await;
    let w14 = week("2026-W14"); // 30 March to 5 April
    let straddle = on_project(me.id, &p, date!(2026 - 03 - 30), 60);
    assert_eq!(
        rule(db.create_time_entry(&ctx(), straddle).await.unwrap_err()),
        Rule::PeriodLocked
    );
    assert_eq!(
        db.submit_week(&ctx(), as_person(&me), me.id, w14).await.unwrap().len(),
        2
    );
    // Outside the lock everything still works, and nothing inside it moved.
    assert_eq!(
        db.withdraw_week(&ctx(), as_person(&me), me.id, w14)
            .await
            .unwrap()
            .len(),
        2
    );
    db.update_time_entry(&ctx(), april.id, None, edit()).await.unwrap();
    assert_eq!(db.time_entry(approved.id).await.unwrap().status, EntryStatus::Approved);
    assert_eq!(db.time_entry(draft.id).await.unwrap().minutes, Minutes(60));
    assert!(db.verify_rollups().await.unwrap().is_empty());
}

async fn compliance_classifies_each_person(db: &Db) {
    // A week far enough ahead that today's submissions are before its due day.
    let w = week("2035-W10");
    let due = date!(2035 - 03 - 09);
    let boss = staff(db, "boss3@example.com", "EMEA", None).await;
    let on_time = staff(db, "a3@example.com", "EMEA", Some(boss.id)).await;
    let waiting = staff(db, "b3@example.com", "EMEA", Some(boss.id)).await;
    let silent = staff(db, "c3@example.com", "EMEA", Some(boss.id)).await;
    let empty = staff(db, "d3@example.com", "EMEA", Some(boss.id)).await;
    let day = date!(2035 - 03 - 05);
    for p in [&on_time, &waiting] {
        log(db, internal(p.id, day, 480)).await;
        db.submit_week(&ctx(), as_person(p), p.id, w).await.unwrap();
    }
    db.approve_week(&ctx(), as_person(&boss), on_time.id, w, None)
        .await
        .unwrap();
    db.submit_week(&ctx(), as_person(&empty), empty.id, w).await.unwrap();
    let gone = staff(db, "e3@example.com", "EMEA", None).await;
    db.archive(&ctx(), gone.id, None, true).await.unwrap();

    let report = db.compliance(w, date!(2035 - 03 - 12)).await.unwrap();
    assert_eq!(report.due, due);
    let status = |r: &psops_core::reporting::ComplianceReport, id| {
        r.rows.iter().find(|row| row.person_id == id).map(|row| row.status)
    };
    assert_eq!(status(&report, on_time.id), Some(Compliance::OnTime));
    assert_eq!(status(&report, waiting.id), Some(Compliance::NotApproved));
    assert_eq!(status(&report, silent.id), Some(Compliance::NotSubmitted));
    assert_eq!(status(&report, empty.id), Some(Compliance::OnTime));
    assert_eq!(status(&report, gone.id), None, "archived people are not listed");
    assert_eq!(report.rows.len(), 5);
    assert!(report.rows.iter().all(|r| !r.rejected), "nobody was sent back");
    // Sent back and not submitted again: the row says so, until the week is resubmitted.
    let back = staff(db, "f3@example.com", "EMEA", Some(boss.id)).await;
    log(db, internal(back.id, day, 480)).await;
    db.submit_week(&ctx(), as_person(&back), back.id, w).await.unwrap();
    db.reject_week(&ctx(), as_person(&boss), back.id, w, None, "wrong category")
        .await
        .unwrap();
    let row = |r: &psops_core::reporting::ComplianceReport| r.rows.iter().find(|x| x.person_id == back.id).cloned();
    let report = db.compliance(w, date!(2035 - 03 - 12)).await.unwrap();
    assert!(row(&report).is_some_and(|r| r.rejected), "rejected, not resubmitted");
    db.submit_week(&ctx(), as_person(&back), back.id, w).await.unwrap();
    let report = db.compliance(w, date!(2035 - 03 - 12)).await.unwrap();
    assert!(row(&report).is_some_and(|r| !r.rejected), "resubmitted");
    let early = db.compliance(w, date!(2035 - 03 - 08)).await.unwrap();
    assert_eq!(status(&early, silent.id), Some(Compliance::NotDue));
    assert_eq!(status(&early, on_time.id), Some(Compliance::OnTime));
}

/// A reminder is kept (newest first, per person or for everyone) and audited; an empty
/// message or an unknown person is refused and keeps nothing.
async fn reminders_are_kept_in_the_outbox(db: &Db) {
    use psops_core::audit::AuditFilter;
    use psops_core::page::PageRequest;
    use psops_core::reporting::Reminder;
    let w = week("2026-W48");
    let a = staff(db, "remind-a@example.com", "EMEA", None).await;
    let b = staff(db, "remind-b@example.com", "EMEA", None).await;
    let text = Reminder::message_for(w, date!(2026 - 11 - 27));
    assert_eq!(
        text,
        "Your timesheet for the week of Monday 23 November 2026 was due on Friday 27 November 2026. \
         Please fill it in and submit it."
    );
    let first = db.remind(&ctx(), &[a.id], w, &text).await.unwrap().remove(0);
    let second = db
        .remind(&ctx(), &[b.id], w, "  Submit please  ")
        .await
        .unwrap()
        .remove(0);
    assert_eq!((first.person_id, first.week, first.mailed), (a.id, w, false));
    assert_eq!(second.message, "Submit please", "kept trimmed");
    let all = db
        .reminders(None, &psops_core::scope::ListScope::All, 10)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [second.id, first.id],
        "newest first"
    );
    assert_eq!(
        db.reminders(Some(a.id), &psops_core::scope::ListScope::All, 10)
            .await
            .unwrap(),
        std::slice::from_ref(&first)
    );
    assert_eq!(
        db.reminders(None, &psops_core::scope::ListScope::All, 1)
            .await
            .unwrap()
            .len(),
        1
    );
    let only_a = psops_core::scope::ListScope::Limited {
        own: Some(a.id),
        managed_by: None,
        assigned: None,
        partner: None,
    };
    assert_eq!(
        db.reminders(None, &only_a, 10).await.unwrap(),
        std::slice::from_ref(&first),
        "a reader sees only the people their scope admits"
    );
    assert_eq!(
        broken(db.remind(&ctx(), &[a.id], w, " ").await.unwrap_err()),
        [("message".into(), Rule::Required)]
    );
    let nobody = db
        .remind(&ctx(), &[a.id, psops_core::Id::new(999_999)], w, "x")
        .await
        .unwrap_err();
    assert_eq!(broken(nobody), [("person_id".into(), Rule::UnknownPerson)]);
    assert_eq!(
        db.reminders(None, &psops_core::scope::ListScope::All, 10)
            .await
            .unwrap()
            .len(),
        2,
        "refusals keep nothing, not even the good person's of the lot"
    );
    let filter = AuditFilter {
        entity: Some("reminder".into()),
        ..Default::default()
    };
    assert_eq!(
        db.list_audit(&filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

/// What waits for approval, for everyone and for one project manager, and a project's
/// logged minutes, are sums over exactly the right entries.
async fn waiting_time_and_project_minutes(db: &Db) {
    let pm = staff(db, "pm@example.com", "EMEA", None).await;
    let other_pm = staff(db, "other@example.com", "EMEA", None).await;
    let me = staff(db, "me@example.com", "EMEA", None).await;
    let mine = managed_project(db, "Migration", pm.id).await;
    let theirs = managed_project(db, "Rollout", other_pm.id).await;
    log(db, on_project(me.id, &mine, date!(2026 - 03 - 02), 240)).await;
    log(db, on_project(me.id, &mine, date!(2026 - 03 - 02), 60)).await;
    log(db, on_project(me.id, &theirs, date!(2026 - 03 - 03), 120)).await;
    log(db, internal(me.id, date!(2026 - 03 - 04), 30)).await;
    log(db, on_project(me.id, &mine, date!(2026 - 03 - 09), 90)).await; // stays a draft
    assert!(
        db.waiting(&ApprovalScope::All { except: None })
            .await
            .unwrap()
            .is_empty(),
        "drafts wait for nobody"
    );
    db.submit_week(&ctx(), as_person(&me), me.id, week("2026-W10"))
        .await
        .unwrap();
    let mut all = db.waiting(&ApprovalScope::All { except: None }).await.unwrap();
    all.sort_by_key(|w| w.project_id.map_or(i64::MAX, |p| p.get()));
    let sums: Vec<(Option<i64>, i64)> = all.iter().map(|w| (w.project_id.map(|p| p.get()), w.minutes)).collect();
    assert_eq!(
        sums,
        [(Some(mine.id.get()), 300), (Some(theirs.id.get()), 120), (None, 30)],
        "per person, project and week"
    );
    assert!(
        all.iter().all(|w| w.week == week("2026-W10")),
        "the week of Monday to Sunday"
    );
    let managed = ApprovalScope::Managed {
        manager: pm.id,
        read: ListScope::All,
    };
    let pms = db.waiting(&managed).await.unwrap();
    assert_eq!(pms.len(), 1);
    assert_eq!((pms[0].project_id, pms[0].minutes), (Some(mine.id), 300));
    let logged = db.project_minutes(&[mine.id, theirs.id]).await.unwrap();
    assert_eq!(logged.get(&mine.id), Some(&Minutes(390)), "drafts count as logged");
    assert_eq!(logged.get(&theirs.id), Some(&Minutes(120)));
    assert!(db.project_minutes(&[]).await.unwrap().is_empty());
    // Per person and per day, under a scope: the reader's own time only.
    let all = psops_core::scope::ListScope::All;
    assert_eq!(db.project_people(mine.id, &all).await.unwrap(), [(me.id, Minutes(390))]);
    let mut days = db.project_days(mine.id, &all, Some(&[me.id]), None).await.unwrap();
    days.sort_by_key(|d| d.1);
    assert_eq!(
        days,
        [
            (Some(me.id), date!(2026 - 03 - 02), Minutes(300)),
            (Some(me.id), date!(2026 - 03 - 09), Minutes(90))
        ]
    );
    let mut together = db.project_days(mine.id, &all, None, None).await.unwrap();
    together.sort_by_key(|d| d.1);
    assert_eq!(
        together,
        [
            (None, date!(2026 - 03 - 02), Minutes(300)),
            (None, date!(2026 - 03 - 09), Minutes(90))
        ],
        "everyone's days, from the project's day rollup"
    );
    let since = Some(date!(2026 - 03 - 05));
    let later = db.project_days(mine.id, &all, Some(&[me.id]), since).await.unwrap();
    assert_eq!(later, [(Some(me.id), date!(2026 - 03 - 09), Minutes(90))]);
    let later = db.project_days(mine.id, &all, None, since).await.unwrap();
    assert_eq!(later, [(None, date!(2026 - 03 - 09), Minutes(90))]);
    let mine_only = psops_core::scope::ListScope::Limited {
        own: Some(me.id),
        managed_by: None,
        assigned: None,
        partner: None,
    };
    let scoped = db.project_days(mine.id, &mine_only, None, None).await.unwrap();
    assert_eq!(
        scoped.iter().map(|d| d.2.get()).sum::<i64>(),
        390,
        "a cut reads the entries"
    );
    assert!(
        db.verify_rollups().await.unwrap().is_empty(),
        "the project rollups agree"
    );
    let own = psops_core::scope::ListScope::Limited {
        own: Some(pm.id),
        managed_by: None,
        assigned: None,
        partner: None,
    };
    assert!(
        db.project_people(mine.id, &own).await.unwrap().is_empty(),
        "the PM logged nothing"
    );
    assert!(
        db.project_days(mine.id, &all, Some(&[]), None)
            .await
            .unwrap()
            .is_empty()
    );
}
