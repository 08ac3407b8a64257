//! Escalation stories: the DRI defaults to the project's manager and the account to the
//! project's; statuses move only as the sequence allows, each move dated and on the
//! timeline; the next update is due a severity's cadence after the last; an escalation
//! closes only resolved, with the customer's written agreement and, when the product was
//! at fault, a root-cause analysis; the DRI is told of an overdue update once per cadence
//! period and of changes others make; lists show what the policy lets the reader see.

use psops_core::auth::{NewUser, Role, UserId};
use psops_core::delivery::escalations::{
    Escalation, EscalationClose, EscalationFields, EscalationFilter, EscalationMove, EscalationNote, EscalationPatch,
    EscalationScope, EscalationStatus, EscalationStore, NewEscalation, Sentiment, Severity,
};
use psops_core::page::PageRequest;
use psops_core::people::PersonId;
use psops_core::policy::{ProjectFacts, Resource};
use psops_core::projects::{Project, ProjectPatch};
use psops_core::rule::Rule;
use psops_core::store::WriteCtx;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use psops_store::testing::queued_notices;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use super::fixtures::{as_user, assign, broken, ctx, new, person, project};

crate::stories!(
    the_dri_and_account_come_from_the_project_and_refusals_name_the_field,
    statuses_move_in_sequence_dated_and_on_the_timeline,
    the_next_update_is_due_a_cadence_after_the_last,
    closing_needs_the_customers_agreement_and_an_rca_when_the_product_was_at_fault,
    an_overdue_update_tells_the_dri_once_per_period,
    changes_by_others_tell_the_dri,
    lists_show_what_the_reader_may_see_and_the_portfolio_counts_them,
);

const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

fn fields(project: Option<&Project>, severity: Severity) -> EscalationFields {
    EscalationFields {
        account_id: None,
        project_id: project.map(|p| p.id),
        severity,
        title: "Go-live blocked by data migration".into(),
        description: Some("Orders from the legacy system fail validation.".into()),
        dri_id: None,
        exit_criteria: "Orders load end to end for a full business day".into(),
        standup_cadence: None,
        product_at_fault: false,
    }
}

/// A project with a manager (who is a person with a user).
async fn managed(db: &Db, name: &str) -> (Project, PersonId) {
    let p = project(db, name).await;
    let pm = person(db, &format!("pm.{}@example.com", name.to_lowercase())).await;
    let patch = ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        ..Default::default()
    };
    let p = db.update(&ctx(), p.id, None, patch).await.expect("set the manager");
    (p, pm.id)
}

async fn raise(db: &Db, c: &WriteCtx, f: EscalationFields, at: OffsetDateTime) -> Escalation {
    new(db
        .raise_escalation(
            c,
            NewEscalation {
                raised_by: None,
                fields: f,
            },
            at,
        )
        .await
        .expect("raise"))
}

fn cli() -> WriteCtx {
    let mut c = ctx();
    c.via = Some("cli:test".into());
    c
}

fn agreement() -> EscalationClose {
    EscalationClose {
        agreed_by: "Dana Ortiz, CIO".into(),
        agreed_on: Some(date!(2026 - 11 - 10)),
        agreement: "E-mail 'Re: orders back to normal' of 10 Nov".into(),
        rca: None,
        outcome: "Migration rerun with the corrected mapping; orders flow.".into(),
        sentiment: Some(Sentiment::Engaged),
    }
}

async fn resolved(db: &Db, e: &Escalation, at: OffsetDateTime) -> Escalation {
    let m = EscalationMove {
        to: EscalationStatus::Resolved,
        text: "Fix deployed".into(),
    };
    db.move_escalation(&ctx(), e.id, None, m, at).await.expect("resolve")
}

async fn the_dri_and_account_come_from_the_project_and_refusals_name_the_field(db: &Db) {
    let (p, pm) = managed(db, "Acme").await;
    let e = raise(db, &ctx(), fields(Some(&p), Severity::High), T0).await;
    assert_eq!(e.fields.dri_id, Some(pm));
    assert_eq!(e.fields.account_id, p.fields.account_id);
    assert_eq!(e.status, EscalationStatus::Open);
    assert_eq!(e.opened_at, T0);

    // On an account, the DRI is required.
    let mut on_account = fields(None, Severity::Low);
    on_account.account_id = p.fields.account_id;
    let err = db
        .raise_escalation(
            &ctx(),
            NewEscalation {
                raised_by: None,
                fields: on_account.clone(),
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("dri_id".to_string(), Rule::Required)]);
    on_account.dri_id = Some(pm);
    let a = raise(db, &ctx(), on_account, T0).await;
    assert_eq!(a.fields.project_id, None);

    // Exit criteria are required; a project of another account is refused.
    let mut f = fields(Some(&p), Severity::High);
    f.exit_criteria = " ".into();
    let err = db
        .raise_escalation(
            &ctx(),
            NewEscalation {
                raised_by: None,
                fields: f,
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("exit_criteria".to_string(), Rule::Required)]);
    let other = project(db, "Globex").await;
    let mut f = fields(Some(&p), Severity::High);
    f.account_id = other.fields.account_id;
    let err = db
        .raise_escalation(
            &ctx(),
            NewEscalation {
                raised_by: None,
                fields: f,
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("account_id".to_string(), Rule::AccountMismatch)]);
    // A project without a manager needs a DRI named.
    let err = db
        .raise_escalation(
            &ctx(),
            NewEscalation {
                raised_by: None,
                fields: fields(Some(&other), Severity::High),
            },
            T0,
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("dri_id".to_string(), Rule::Required)]);
}

async fn statuses_move_in_sequence_dated_and_on_the_timeline(db: &Db) {
    let (p, _) = managed(db, "Acme").await;
    let e = raise(db, &ctx(), fields(Some(&p), Severity::High), T0).await;
    let at = T0 + Duration::hours(3);
    let m = EscalationMove {
        to: EscalationStatus::Investigating,
        text: "Engineering engaged".into(),
    };
    let e = db
        .move_escalation(&ctx(), e.id, Some(e.meta.version), m, at)
        .await
        .unwrap();
    assert_eq!(e.status, EscalationStatus::Investigating);
    assert_eq!(e.dates.investigating_at, Some(at));
    assert_eq!(e.last_update_at, at);

    // Closed is reached only by the close; resolved does not go back to mitigated.
    let to_closed = EscalationMove {
        to: EscalationStatus::Closed,
        text: "done".into(),
    };
    let err = db.move_escalation(&ctx(), e.id, None, to_closed, at).await.unwrap_err();
    assert_eq!(broken(err), [("status".to_string(), Rule::InvalidTransition)]);
    let e = resolved(db, &e, at + Duration::hours(1)).await;
    let back = EscalationMove {
        to: EscalationStatus::Mitigated,
        text: "regressed".into(),
    };
    match db.move_escalation(&ctx(), e.id, None, back, at).await {
        Err(Error::Conflict(f)) => assert_eq!((f.field.as_str(), f.rule), ("status", Rule::InvalidTransition)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // A stale version is refused.
    let stale = EscalationNote { text: "late".into() };
    assert!(
        db.add_escalation_update(&ctx(), e.id, Some(1), stale, at)
            .await
            .is_err()
    );

    let timeline = db.escalation_timeline(e.id).await.unwrap();
    let moves: Vec<_> = timeline.iter().map(|u| (u.from_status, u.to_status)).collect();
    assert_eq!(
        moves,
        [
            (None, None),
            (Some(EscalationStatus::Open), Some(EscalationStatus::Investigating)),
            (Some(EscalationStatus::Investigating), Some(EscalationStatus::Resolved)),
        ]
    );
    assert_eq!(timeline[1].text, "Engineering engaged");
    assert_eq!(timeline[1].at, at);
}

async fn the_next_update_is_due_a_cadence_after_the_last(db: &Db) {
    let (p, _) = managed(db, "Acme").await;
    let e = raise(db, &ctx(), fields(Some(&p), Severity::Critical), T0).await;
    assert_eq!(e.next_update_due, T0 + Duration::hours(24));
    assert!(!e.is_overdue(T0 + Duration::hours(24)));
    assert!(e.is_overdue(T0 + Duration::hours(25)));

    let overdue = |at| EscalationFilter {
        overdue_at: Some(at),
        ..Default::default()
    };
    let page = PageRequest { after: None, limit: 50 };
    assert!(
        db.list(&overdue(T0 + Duration::hours(23)), page)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(
        db.list(&overdue(T0 + Duration::hours(25)), page)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // An update moves the due time a cadence on.
    let at = T0 + Duration::hours(25);
    let note = EscalationNote {
        text: "Call with the customer's CIO".into(),
    };
    let e = db.add_escalation_update(&ctx(), e.id, None, note, at).await.unwrap();
    assert_eq!(e.next_update_due, at + Duration::hours(24));
    assert!(
        db.list(&overdue(at + Duration::hours(1)), page)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A new severity counts from the last update; the stand-up cadence is dated once set.
    let patch = EscalationPatch {
        severity: Some(Severity::Medium),
        standup_cadence: Some(Some("Daily 09:30 CET".into())),
        ..Default::default()
    };
    let later = at + Duration::hours(2);
    let e = db.change_escalation(&ctx(), e.id, None, patch, later).await.unwrap();
    assert_eq!(e.next_update_due, at + Duration::days(7));
    assert_eq!(e.standup_set_at, Some(later));
    assert!(!e.standup_late(later));

    // The cadences are settings.
    let mut s = db.settings().await.unwrap().escalations;
    s.medium_hours = 10 * 24;
    let patch = psops_core::settings::SettingsPatch {
        escalations: Some(s),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.unwrap();
    let note = EscalationNote { text: "Weekly".into() };
    let e = db.add_escalation_update(&ctx(), e.id, None, note, later).await.unwrap();
    assert_eq!(e.next_update_due, later + Duration::days(10));

    // Without a stand-up cadence a day after opening, it shows as late.
    let f = raise(db, &ctx(), fields(Some(&p), Severity::Low), T0).await;
    assert!(!f.standup_late(T0 + Duration::hours(23)));
    assert!(f.standup_late(T0 + Duration::hours(25)));
}

async fn closing_needs_the_customers_agreement_and_an_rca_when_the_product_was_at_fault(db: &Db) {
    let (p, _) = managed(db, "Acme").await;
    let mut f = fields(Some(&p), Severity::High);
    f.product_at_fault = true;
    let e = raise(db, &ctx(), f, T0).await;
    let at = T0 + Duration::days(8);

    // Only a resolved escalation closes.
    match db.close_escalation(&ctx(), e.id, None, agreement(), at).await {
        Err(Error::Conflict(f)) => assert_eq!((f.field.as_str(), f.rule), ("status", Rule::InvalidTransition)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let e = resolved(db, &e, at).await;
    let empty = EscalationClose {
        agreed_by: String::new(),
        agreed_on: None,
        agreement: String::new(),
        rca: None,
        outcome: String::new(),
        sentiment: None,
    };
    let err = db.close_escalation(&ctx(), e.id, None, empty, at).await.unwrap_err();
    let fields: Vec<String> = broken(err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["agreed_by", "agreed_on", "agreement", "outcome", "sentiment", "rca"]
    );
    // The product was at fault: the agreement alone is not enough.
    let err = db
        .close_escalation(&ctx(), e.id, None, agreement(), at)
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("rca".to_string(), Rule::Required)]);
    assert_eq!(
        db.get(e.id).await.unwrap().status,
        EscalationStatus::Resolved,
        "a refused close writes nothing"
    );
    let with_rca = EscalationClose {
        rca: Some("https://wiki.example.com/rca/4711".into()),
        ..agreement()
    };
    let e = db.close_escalation(&ctx(), e.id, None, with_rca, at).await.unwrap();
    assert_eq!(e.status, EscalationStatus::Closed);
    assert_eq!(e.dates.closed_at, Some(at));
    let c = e.closure.clone().expect("closure");
    assert_eq!(c.agreed_by, "Dana Ortiz, CIO");
    assert_eq!(c.sentiment, Sentiment::Engaged);
    assert_eq!(c.rca.as_deref(), Some("https://wiki.example.com/rca/4711"));
    assert!(
        !e.is_overdue(at + Duration::days(60)),
        "a closed escalation is never overdue"
    );
    // Closed changes no more.
    let note = EscalationNote { text: "more".into() };
    assert!(db.add_escalation_update(&ctx(), e.id, None, note, at).await.is_err());
}

async fn an_overdue_update_tells_the_dri_once_per_period(db: &Db) {
    let (p, pm) = managed(db, "Acme").await;
    let e = raise(db, &ctx(), fields(Some(&p), Severity::Critical), T0).await;
    let scope = EscalationScope::All;
    let notices = |all: Vec<(String, String, Option<String>)>| {
        all.into_iter()
            .filter(|n| n.0 == "escalation_overdue")
            .collect::<Vec<_>>()
    };
    let job = cli();
    // Not yet overdue: nothing.
    let found = db
        .overdue_escalations(&job, scope, T0 + Duration::hours(23), true)
        .await
        .unwrap();
    assert!(found.is_empty());
    // Overdue: one notice to the DRI; again within the same period: none.
    let found = db
        .overdue_escalations(&job, scope, T0 + Duration::hours(25), true)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].notified);
    let sent = notices(queued_notices(db).await);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, "pm.acme@example.com");
    assert_eq!(sent[0].2, Some(format!("escalation:{}", e.id)));
    let found = db
        .overdue_escalations(&job, scope, T0 + Duration::hours(40), true)
        .await
        .unwrap();
    assert!(!found[0].notified);
    // Listing without notifying tells nobody.
    db.overdue_escalations(&job, scope, T0 + Duration::hours(60), false)
        .await
        .unwrap();
    assert_eq!(notices(queued_notices(db).await).len(), 1);
    // The next period: one more.
    db.overdue_escalations(&job, scope, T0 + Duration::hours(49), true)
        .await
        .unwrap();
    db.overdue_escalations(&job, scope, T0 + Duration::hours(50), true)
        .await
        .unwrap();
    assert_eq!(notices(queued_notices(db).await).len(), 2);
    // An update ends it; the next due time starts a new count.
    let at = T0 + Duration::hours(51);
    let note = EscalationNote {
        text: "Daily update".into(),
    };
    let e = db.add_escalation_update(&ctx(), e.id, None, note, at).await.unwrap();
    assert_eq!(e.overdue_notice_until, None);
    db.overdue_escalations(&job, scope, at + Duration::hours(23), true)
        .await
        .unwrap();
    assert_eq!(notices(queued_notices(db).await).len(), 2);
    db.overdue_escalations(&job, scope, at + Duration::hours(25), true)
        .await
        .unwrap();
    assert_eq!(notices(queued_notices(db).await).len(), 3);
    // Another DRI's view of the list: only the scope's.
    let stranger = EscalationScope::Staff {
        person: Some(Id::new(9_999)),
        manages: Some(Id::new(9_999)),
    };
    let mine = EscalationScope::Staff {
        person: Some(pm),
        manages: None,
    };
    // (The escalation is on a project: a staff member not on it does not see it.)
    assert!(
        db.overdue_escalations(&job, stranger, at + Duration::hours(30), false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.overdue_escalations(&job, mine, at + Duration::hours(30), false)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn user_of(db: &Db, email: &str, person: Option<PersonId>) -> UserId {
    let u = NewUser {
        email: email.into(),
        name: email.into(),
        roles: vec![Role::Ops],
        person_id: person,
        password_hash: None,
    };
    db.create_user(&ctx(), u).await.expect("user").id
}

async fn changes_by_others_tell_the_dri(db: &Db) {
    let (p, pm) = managed(db, "Acme").await;
    let pm_user = user_of(db, "pm-user@example.com", Some(pm)).await;
    let ops = user_of(db, "ops@example.com", None).await;
    // Raised by the DRI: nobody to tell.
    let e = raise(db, &as_user(pm_user), fields(Some(&p), Severity::High), T0).await;
    let updates =
        |all: Vec<(String, String, Option<String>)>| all.into_iter().filter(|n| n.0 == "escalation_update").count();
    assert_eq!(updates(queued_notices(db).await), 0);
    let note = EscalationNote { text: "Mine".into() };
    db.add_escalation_update(&as_user(pm_user), e.id, None, note, T0)
        .await
        .unwrap();
    assert_eq!(updates(queued_notices(db).await), 0);
    // Someone else's update and move reach the DRI.
    let note = EscalationNote {
        text: "Ops spoke to the customer".into(),
    };
    db.add_escalation_update(&as_user(ops), e.id, None, note, T0)
        .await
        .unwrap();
    let m = EscalationMove {
        to: EscalationStatus::Investigating,
        text: "Engaged engineering".into(),
    };
    db.move_escalation(&as_user(ops), e.id, None, m, T0).await.unwrap();
    assert_eq!(updates(queued_notices(db).await), 2);
    let t = db.escalation_timeline(e.id).await.unwrap();
    assert_eq!(t.last().unwrap().by, "ops@example.com");
    assert_eq!(t.last().unwrap().by_user, Some(ops));
}

async fn lists_show_what_the_reader_may_see_and_the_portfolio_counts_them(db: &Db) {
    let (a, pm_a) = managed(db, "Acme").await;
    let (b, _) = managed(db, "Globex").await;
    let consultant = person(db, "consultant@example.com").await;
    assign(db, consultant.id, &a).await;
    let on_a = raise(db, &ctx(), fields(Some(&a), Severity::Critical), T0).await;
    let on_b = raise(db, &ctx(), fields(Some(&b), Severity::Medium), T0).await;
    let mut acct = fields(None, Severity::High);
    acct.account_id = b.fields.account_id;
    acct.dri_id = Some(pm_a);
    let on_account = raise(db, &ctx(), acct, T0).await;

    let ids = |scope: EscalationScope| async move {
        let f = EscalationFilter {
            scope,
            ..Default::default()
        };
        let page = PageRequest { after: None, limit: 50 };
        let mut v: Vec<i64> = db
            .list(&f, page)
            .await
            .unwrap()
            .items
            .iter()
            .map(|e| e.id.get())
            .collect();
        v.sort();
        v
    };
    let all = ids(EscalationScope::All).await;
    assert_eq!(all, [on_a.id.get(), on_b.id.get(), on_account.id.get()]);
    // A consultant on Acme: Acme's and every account escalation.
    let c = EscalationScope::Staff {
        person: Some(consultant.id),
        manages: None,
    };
    assert_eq!(ids(c).await, [on_a.id.get(), on_account.id.get()]);
    // The list agrees with the policy's read rule for each.
    for e in [&on_a, &on_b, &on_account] {
        let project = match e.fields.project_id {
            Some(p) => Some(db.project_facts(p, Some(consultant.id)).await.unwrap()),
            None => None,
        };
        let r = Resource::Escalation {
            project,
            partner_delivers: false,
            dri: e.fields.dri_id,
        };
        assert_eq!(c.admits(&r), ids(c).await.contains(&e.id.get()), "{}", e.id);
    }
    let _: Option<ProjectFacts> = None;
    // Nothing sees nothing.
    assert!(ids(EscalationScope::Nothing).await.is_empty());

    // The portfolio: open ones by severity with the overdue among them.
    let at = T0 + Duration::hours(30);
    let s = db.escalation_summary(EscalationScope::All, at).await.unwrap();
    let critical = s.by_severity.iter().find(|c| c.severity == Severity::Critical).unwrap();
    assert_eq!((critical.open, critical.overdue), (1, 1));
    let medium = s.by_severity.iter().find(|c| c.severity == Severity::Medium).unwrap();
    assert_eq!((medium.open, medium.overdue), (1, 0));
    assert_eq!(s.open.len(), 3);
    assert_eq!(s.open[0].id, on_a.id, "most severe first");
    let s = db.escalation_summary(c, at).await.unwrap();
    assert_eq!(s.open.len(), 2);
}
