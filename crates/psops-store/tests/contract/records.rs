//! Stories about the core records: people, partners, accounts, contacts, projects,
//! assignments, settings, users and tokens.

use psops_core::accounts::{AccountFields, AccountFilter, ContactFields, ContactFilter, ContactPatch, NewContact};
use psops_core::assignments::{AssignmentFields, AssignmentFilter, AssignmentPatch};
use psops_core::auth::{NewApiToken, NewUser, Role, TokenScope};
use psops_core::page::PageRequest;
use psops_core::partners::{PartnerFields, PartnerFilter, PartnerType};
use psops_core::people::{Function, PersonFilter, PersonId, PersonPatch};
use psops_core::projects::{ProjectFilter, ProjectPatch, ProjectStatus};
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Error, Id, Minutes};
use psops_store::Db;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person, person_fields, project, project_fields};

crate::stories!(
    migrations_are_applied_once,
    people_round_trip_with_filters_and_pages,
    emails_are_unique_without_regard_to_case,
    people_references_must_exist,
    stale_versions_are_refused,
    archiving_hides_from_lists_and_restores,
    partners_and_partner_staff,
    accounts_and_contacts,
    projects_check_references_and_filter,
    assignments_follow_project_dates,
    settings_default_and_change,
    one_fiscal_calendar_for_settings_and_policy,
    users_and_tokens,
);

async fn migrations_are_applied_once(db: &Db) {
    let applied = db.applied_migrations().await.unwrap();
    assert_eq!(
        applied,
        (1..=applied.len() as i64).collect::<Vec<_>>(),
        "versions 1..=N, all applied"
    );
    assert!(applied.len() >= 2);
    assert!(db.migrate().await.unwrap().is_empty(), "a second run applies nothing");
    db.ping().await.unwrap();
}

async fn people_round_trip_with_filters_and_pages(db: &Db) {
    let ada = person(db, "ada@example.com").await;
    assert_eq!(db.get(ada.id).await.unwrap(), ada);
    assert_eq!(ada.meta.version, 1);
    for i in 0..5 {
        let mut f = person_fields(&format!("p{i}@example.com"));
        f.function = if i % 2 == 0 {
            Function::Trainer
        } else {
            Function::Engineer
        };
        f.manager_id = Some(ada.id);
        db.create(&ctx(), f).await.unwrap();
    }
    let trainers = db
        .list(
            &PersonFilter {
                function: Some(Function::Trainer),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(trainers.items.len(), 3);
    let team = db
        .list(
            &PersonFilter {
                manager_id: Some(ada.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(team.items.len(), 5);
    let found = db
        .list(
            &PersonFilter {
                q: Some("ADA@".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);

    // Walk every page of two.
    let mut seen = Vec::new();
    let mut page = PageRequest { after: None, limit: 2 };
    loop {
        let p = db.list(&PersonFilter::default(), page).await.unwrap();
        seen.extend(p.items.iter().map(|x| x.id));
        match p.next_cursor {
            Some(c) => page = PageRequest::parse(Some(c.as_str()), Some(2)).unwrap(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    let patch: PersonPatch = serde_json::from_value(serde_json::json!({"name": "Ada King", "fte": 0.8})).unwrap();
    let updated = db.update(&ctx(), ada.id, Some(1), patch).await.unwrap();
    assert_eq!(updated.fields.name, "Ada King");
    assert_eq!(updated.fields.fte.basis_points(), 8000);
    assert_eq!(updated.meta.version, 2);
    assert_eq!(db.get(ada.id).await.unwrap(), updated);
}

async fn emails_are_unique_without_regard_to_case(db: &Db) {
    person(db, "grace@example.com").await;
    let err = db.create(&ctx(), person_fields("GRACE@Example.com")).await.unwrap_err();
    let Error::Conflict(f) = err else {
        panic!("expected conflict, got {err:?}")
    };
    assert_eq!((f.field.as_str(), f.rule), ("email", Rule::Unique));
    let other = person(db, "other@example.com").await;
    let patch = PersonPatch {
        email: Some("Grace@example.com".into()),
        ..Default::default()
    };
    assert!(matches!(
        db.update(&ctx(), other.id, None, patch).await,
        Err(Error::Conflict(_))
    ));
    let count = db
        .list(&PersonFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(count, 2, "the refused writes left nothing behind");
}

async fn people_references_must_exist(db: &Db) {
    let mut f = person_fields("x@example.com");
    f.manager_id = Some(Id::new(999));
    f.partner_id = Some(Id::new(998));
    assert_eq!(
        broken(db.create(&ctx(), f).await.unwrap_err()),
        [("manager_id".into(), Rule::Exists)]
    );
    let p = person(db, "y@example.com").await;
    let patch = PersonPatch {
        manager_id: Some(Some(p.id)),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update(&ctx(), p.id, None, patch).await.unwrap_err()),
        [("manager_id".into(), Rule::NotSelf)]
    );
    assert!(matches!(
        db.get(PersonId::new(12345)).await,
        Err(Error::NotFound { .. })
    ));
    let patch = PersonPatch::default();
    assert!(matches!(
        db.update(&ctx(), PersonId::new(12345), None, patch).await,
        Err(Error::NotFound { .. })
    ));
}

async fn stale_versions_are_refused(db: &Db) {
    let p = person(db, "v@example.com").await;
    let patch = || PersonPatch {
        region: Some("AMER".into()),
        ..Default::default()
    };
    db.update(&ctx(), p.id, Some(1), patch()).await.unwrap();
    let err = db.update(&ctx(), p.id, Some(1), patch()).await.unwrap_err();
    assert_eq!(err, Error::PreconditionFailed { current: 2 });
    assert!(matches!(
        db.archive(&ctx(), p.id, Some(1), true).await,
        Err(Error::PreconditionFailed { .. })
    ));
    assert_eq!(db.get(p.id).await.unwrap().meta.version, 2);
}

async fn archiving_hides_from_lists_and_restores(db: &Db) {
    let p = person(db, "arch@example.com").await;
    let archived = db.archive(&ctx(), p.id, Some(1), true).await.unwrap();
    assert!(archived.meta.archived_at.is_some());
    assert_eq!(archived.meta.version, 2);
    let active = db.list(&PersonFilter::default(), PageRequest::default()).await.unwrap();
    assert!(active.items.is_empty());
    let only_archived = PersonFilter {
        archived: Some(true),
        ..Default::default()
    };
    assert_eq!(
        db.list(&only_archived, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    // Archiving twice changes nothing.
    assert_eq!(db.archive(&ctx(), p.id, None, true).await.unwrap().meta.version, 2);
    let restored = db.archive(&ctx(), p.id, None, false).await.unwrap();
    assert!(restored.meta.archived_at.is_none());
    assert_eq!(
        db.list(&PersonFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

async fn partners_and_partner_staff(db: &Db) {
    let fields = PartnerFields {
        name: "Northwind Consulting".into(),
        partner_type: PartnerType::ProjectBasedSubcontract,
        region: Some("EMEA".into()),
        notes: None,
        training_since: None,
    };
    let partner = new(db.create(&ctx(), fields.clone()).await.unwrap());
    let mut dup = fields;
    dup.name = "NORTHWIND consulting".into();
    assert!(matches!(db.create(&ctx(), dup).await, Err(Error::Conflict(_))));
    let mut f = person_fields("pc@northwind.example");
    f.function = Function::PartnerConsultant;
    f.partner_id = Some(partner.id);
    let pc = new(db.create(&ctx(), f).await.unwrap());
    let staff = db
        .list(
            &PersonFilter {
                partner_id: Some(partner.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(staff.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![pc.id]);
    let listed = db
        .list(
            &PartnerFilter {
                q: Some("north".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let archived = db.archive(&ctx(), partner.id, None, true).await.unwrap();
    assert!(archived.meta.is_archived());
}

async fn accounts_and_contacts(db: &Db) {
    let acme = AccountFields {
        name: "Acme".into(),
        code: Some("ACME".into()),
        region: Some("AMER".into()),
        industry: Some("Manufacturing".into()),
        currency: Some("EUR".parse().unwrap()),
    };
    let account = new(db.create(&ctx(), acme.clone()).await.unwrap());
    assert_eq!(db.get(account.id).await.unwrap(), account);
    let mut other = acme.clone();
    other.name = "Acme Two".into();
    other.code = Some("acme".into());
    let Err(Error::Conflict(f)) = db.create(&ctx(), other).await else {
        panic!("code must be unique")
    };
    assert_eq!(f.field, "code");
    let contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: account.id,
                fields: ContactFields {
                    name: "Wile E.".into(),
                    email: Some("wile@acme.example".into()),
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .unwrap());
    assert_eq!(contact.account_id, account.id);
    let patch = ContactPatch {
        title: Some(Some("CTO".into())),
        ..Default::default()
    };
    assert_eq!(
        db.update(&ctx(), contact.id, Some(1), patch)
            .await
            .unwrap()
            .fields
            .title
            .as_deref(),
        Some("CTO")
    );
    let filter = ContactFilter {
        account_id: account.id,
        archived: None,
    };
    let contacts = db.list(&filter, PageRequest::default()).await.unwrap();
    assert_eq!(contacts.items.len(), 1);
    let missing = ContactFields {
        name: "Nobody".into(),
        email: None,
        title: None,
        phone: None,
    };
    assert!(matches!(
        db.create(
            &ctx(),
            NewContact {
                account_id: Id::new(999),
                fields: missing
            }
        )
        .await,
        Err(Error::NotFound { .. })
    ));
    let bad_email = ContactFields {
        name: "X".into(),
        email: Some("not-an-email".into()),
        title: None,
        phone: None,
    };
    assert_eq!(
        broken(
            db.create(
                &ctx(),
                NewContact {
                    account_id: account.id,
                    fields: bad_email
                }
            )
            .await
            .unwrap_err()
        ),
        [("email".into(), Rule::Email)]
    );
    let found = db
        .list(
            &AccountFilter {
                q: Some("acm".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
}

async fn projects_check_references_and_filter(db: &Db) {
    assert_eq!(
        broken(db.create(&ctx(), project_fields(999, "Ghost")).await.unwrap_err()),
        [("account_id".into(), Rule::Exists)]
    );
    let p = project(db, "Migration").await;
    let pm = person(db, "pm@example.com").await;
    let patch = ProjectPatch {
        project_manager_id: Some(Some(pm.id)),
        budget_minutes: Some(Some(Minutes(400 * 60))),
        budget: Some(Some(
            psops_core::Money::parse("125000.50", "USD".parse().unwrap()).unwrap(),
        )),
        status: Some(ProjectStatus::OnHold),
        ..Default::default()
    };
    let p2 = db.update(&ctx(), p.id, Some(1), patch).await.unwrap();
    assert_eq!(p2.fields.budget.unwrap().amount_minor, 12_500_050);
    assert_eq!(p2.fields.project_manager_id, Some(pm.id));
    assert_eq!(db.get(p.id).await.unwrap(), p2);
    let on_hold = ProjectFilter {
        status: Some(ProjectStatus::OnHold),
        ..Default::default()
    };
    assert_eq!(db.list(&on_hold, PageRequest::default()).await.unwrap().items.len(), 1);
    let by_pm = ProjectFilter {
        project_manager_id: Some(pm.id),
        ..Default::default()
    };
    assert_eq!(db.list(&by_pm, PageRequest::default()).await.unwrap().items.len(), 1);
    let in_2025 = ProjectFilter {
        from: Some(date!(2025 - 01 - 01)),
        to: Some(date!(2025 - 12 - 31)),
        ..Default::default()
    };
    assert!(
        db.list(&in_2025, PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let in_march = ProjectFilter {
        from: Some(date!(2026 - 03 - 01)),
        to: Some(date!(2026 - 03 - 31)),
        ..Default::default()
    };
    assert_eq!(db.list(&in_march, PageRequest::default()).await.unwrap().items.len(), 1);
    let bad = ProjectPatch {
        partner_delivered: Some(true),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update(&ctx(), p.id, None, bad).await.unwrap_err()),
        [("partner_id".into(), Rule::DependsOn)]
    );
    let archived = db.archive(&ctx(), p.id, None, true).await.unwrap();
    assert!(archived.meta.is_archived());
}

async fn assignments_follow_project_dates(db: &Db) {
    let p = project(db, "Rollout").await;
    let who = person(db, "eng@example.com").await;
    let fields = AssignmentFields {
        person_id: who.id,
        project_id: p.id,
        role: Function::Engineer,
        start_date: date!(2026 - 03 - 01),
        end_date: Some(date!(2026 - 06 - 30)),
        minutes_per_week: Minutes(20 * 60),
    };
    let a = new(db.create(&ctx(), fields.clone()).await.unwrap());
    assert_eq!(db.get(a.id).await.unwrap(), a);
    let mut early = fields.clone();
    early.start_date = date!(2026 - 01 - 01);
    assert_eq!(
        broken(db.create(&ctx(), early).await.unwrap_err()),
        [("start_date".into(), Rule::ProjectDates)]
    );
    let mut ghost = fields.clone();
    ghost.person_id = Id::new(999);
    assert_eq!(
        broken(db.create(&ctx(), ghost).await.unwrap_err()),
        [("person_id".into(), Rule::Exists)]
    );
    let mut zero = fields;
    zero.minutes_per_week = Minutes(0);
    assert_eq!(
        broken(db.create(&ctx(), zero).await.unwrap_err()),
        [("minutes_per_week".into(), Rule::Range)]
    );
    let patch = AssignmentPatch {
        minutes_per_week: Some(Minutes(30 * 60)),
        ..Default::default()
    };
    assert_eq!(
        db.update(&ctx(), a.id, Some(1), patch)
            .await
            .unwrap()
            .fields
            .minutes_per_week,
        Minutes(1800)
    );
    let mine = AssignmentFilter {
        person_id: Some(who.id),
        ..Default::default()
    };
    assert_eq!(db.list(&mine, PageRequest::default()).await.unwrap().items.len(), 1);
    let later = AssignmentFilter {
        from: Some(date!(2026 - 07 - 01)),
        ..Default::default()
    };
    assert!(db.list(&later, PageRequest::default()).await.unwrap().items.is_empty());
    assert!(
        db.archive(&ctx(), a.id, Some(2), true)
            .await
            .unwrap()
            .meta
            .is_archived()
    );
}

async fn settings_default_and_change(db: &Db) {
    let s = db.settings().await.unwrap();
    assert_eq!(s.rounding_step_minutes, 15);
    let changed = db
        .update_settings(
            &ctx(),
            SettingsPatch {
                rounding_step_minutes: Some(30),
                fiscal_year_start_month: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(db.settings().await.unwrap(), changed);
    assert_eq!(
        changed.fiscal_calendar().quarter_of(date!(2026 - 02 - 01)).to_string(),
        "FY2027-Q1"
    );
    let bad = SettingsPatch {
        rounding_step_minutes: Some(7),
        ..Default::default()
    };
    assert_eq!(
        broken(db.update_settings(&ctx(), bad).await.unwrap_err()),
        [("rounding_step_minutes".into(), Rule::DividesHour)]
    );
    assert_eq!(db.settings().await.unwrap().rounding_step_minutes, 30);
}

async fn users_and_tokens(db: &Db) {
    assert_eq!(db.count_users().await.unwrap(), 0);
    let user = db
        .create_user(
            &ctx(),
            NewUser {
                email: "Admin@Example.com".into(),
                name: "Admin".into(),
                roles: vec![Role::Admin, Role::Ops],
                person_id: None,
                password_hash: Some("$argon2id$stub-not-checked-here".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(user.roles, vec![Role::Admin, Role::Ops]);
    assert_eq!(
        db.user_by_email("admin@example.com").await.unwrap().unwrap().id,
        user.id
    );
    assert!(db.password_hash(user.id).await.unwrap().is_some());
    let dup = NewUser {
        email: "admin@EXAMPLE.com".into(),
        name: "Again".into(),
        roles: vec![Role::Admin],
        person_id: None,
        password_hash: None,
    };
    assert!(matches!(db.create_user(&ctx(), dup).await, Err(Error::Conflict(_))));
    // Found by part of the name or the e-mail, in any case; a LIKE wildcard is only text.
    let page = PageRequest { after: None, limit: 10 };
    for text in ["adm", "EXAMPLE.COM", "Admin"] {
        let found = db.find_users(text, page).await.unwrap().items;
        assert_eq!(found.iter().map(|u| u.id).collect::<Vec<_>>(), [user.id], "{text}");
    }
    assert!(db.find_users("%", page).await.unwrap().items.is_empty());
    assert!(db.find_users("nobody", page).await.unwrap().items.is_empty());
    // Expiry lies ahead of the real clock: the store refuses a token already expired.
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let token = db
        .create_api_token(
            &ctx(),
            NewApiToken {
                user_id: user.id,
                name: "ci".into(),
                scope: TokenScope::ReadWrite,
                token_hash: "a".repeat(64),
                expires_at: Some(now + time::Duration::days(6)),
            },
        )
        .await
        .unwrap();
    let (who, t) = db.authenticate_token(&"a".repeat(64), now).await.unwrap().unwrap();
    assert_eq!((who.id, t.id), (user.id, token.id));
    assert_eq!(db.list_api_tokens(user.id).await.unwrap()[0].last_used_at, Some(now));
    assert!(db.authenticate_token(&"b".repeat(64), now).await.unwrap().is_none());
    assert!(
        db.authenticate_token(&"a".repeat(64), now + time::Duration::days(7))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    db.revoke_api_token(&ctx(), token.id, now).await.unwrap();
    assert!(
        db.authenticate_token(&"a".repeat(64), now).await.unwrap().is_none(),
        "revoked"
    );
    assert_eq!(db.count_users().await.unwrap(), 1);
}

async fn one_fiscal_calendar_for_settings_and_policy(db: &Db) {
    db.update_settings(
        &ctx(),
        SettingsPatch {
            fiscal_year_start_month: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut policy = db.capacity_rules().await.unwrap();
    assert_eq!(
        policy.fiscal_year_start_month, 2,
        "the policy reads the organisation's fiscal year"
    );
    policy.fiscal_year_start_month = 11;
    db.update_capacity_rules(&ctx(), policy).await.unwrap();
    assert_eq!(
        db.settings().await.unwrap().fiscal_year_start_month,
        11,
        "and moves it when changed there"
    );
    assert_eq!(db.capacity_rules().await.unwrap().fiscal_year_start_month, 11);
}
