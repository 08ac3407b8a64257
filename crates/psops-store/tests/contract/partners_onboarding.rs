//! Partner onboarding stories: a new partner is a prospect and moves only along the
//! status edges, each move dated and audited; it becomes active only with its type's
//! checklist complete (the refusal names what is open); access, buddy and training wait
//! for the paperwork; an active partner's checklist is not unticked; a direct partner
//! signs no subcontract; each tick keeps its day and who ticked it, and every tick and
//! untick is audited; a partner's contacts live under it.

use psops_core::Error;
use psops_core::audit::{AuditAction, AuditFilter};
use psops_core::auth::Role;
use psops_core::page::PageRequest;
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContactFields, PartnerContactFilter};
use psops_core::partnering::onboarding::{OnboardingItem, PartnerMove, PartnerStatus};
use psops_core::partners::{Partner, PartnerFields, PartnerType};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_store::Db;
use time::macros::date;

use super::fixtures::{as_user, broken, ctx, new, user};
use OnboardingItem::*;

crate::stories!(
    a_new_partner_is_a_prospect_and_moves_along_the_edges_dated_and_audited,
    active_needs_the_complete_checklist_and_the_refusal_names_what_is_open,
    a_direct_partner_signs_no_subcontract,
    ticks_keep_their_day_and_who_ticked_and_are_audited,
    a_partners_contacts_live_under_it,
);

pub async fn partner(db: &Db, name: &str, t: PartnerType) -> Partner {
    let f = PartnerFields {
        name: name.into(),
        partner_type: t,
        region: Some("EMEA".into()),
        notes: None,
        training_since: None,
    };
    new(db.create(&ctx(), f).await.expect("partner"))
}

fn to(s: PartnerStatus) -> PartnerMove {
    PartnerMove {
        to: s,
        on: Some(date!(2026 - 03 - 02)),
    }
}

const TODAY: time::Date = date!(2026 - 03 - 02);

/// The rule and message of a refusal that is a conflict.
fn conflict(e: Error) -> (Rule, String) {
    match e {
        Error::Conflict(f) => (f.rule, f.message),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_new_partner_is_a_prospect_and_moves_along_the_edges_dated_and_audited(db: &Db) {
    let p = partner(db, "Meridian", PartnerType::StaffAugmentation).await;
    assert_eq!(p.status, PartnerStatus::Prospect);
    assert_eq!(p.status_since, None);
    let (rule, message) = conflict(
        db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
            .await
            .unwrap_err(),
    );
    assert_eq!(rule, Rule::InvalidTransition);
    assert!(message.contains("onboarding or ended"), "{message}");
    // A stale version is refused before anything moves.
    let stale = db
        .move_partner(
            &ctx(),
            p.id,
            Some(p.meta.version + 1),
            to(PartnerStatus::Onboarding),
            TODAY,
        )
        .await;
    assert!(matches!(stale, Err(Error::PreconditionFailed { .. })), "{stale:?}");
    let moved = db
        .move_partner(&ctx(), p.id, Some(p.meta.version), to(PartnerStatus::Onboarding), TODAY)
        .await
        .unwrap();
    assert_eq!(moved.status, PartnerStatus::Onboarding);
    assert_eq!(moved.status_since, Some(date!(2026 - 03 - 02)));
    assert_eq!(moved.meta.version, p.meta.version + 1);
    let ended = db
        .move_partner(&ctx(), p.id, None, to(PartnerStatus::Ended), TODAY)
        .await
        .unwrap();
    assert_eq!(ended.status, PartnerStatus::Ended);
    // Ended: back only to onboarding.
    assert!(
        db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Suspended), TODAY)
            .await
            .is_err()
    );
    let changes = db
        .list_audit(
            &AuditFilter {
                entity: Some("partner".into()),
                entity_id: Some(p.id.get()),
                action: Some(AuditAction::Update),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let statuses: Vec<String> = changes
        .items
        .iter()
        .map(|e| e.after.as_ref().unwrap()["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["onboarding", "ended"]);
}

async fn active_needs_the_complete_checklist_and_the_refusal_names_what_is_open(db: &Db) {
    let p = partner(db, "Cascade", PartnerType::ProjectBasedSubcontract).await;
    db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Onboarding), TODAY)
        .await
        .unwrap();
    // Access waits for the paperwork, named.
    let (rule, message) = conflict(db.tick(&ctx(), p.id, SystemAccess, TODAY).await.unwrap_err());
    assert_eq!(rule, Rule::PaperworkFirst);
    assert!(
        message.contains("subcontracting_agreement") && message.contains("supplier_record"),
        "{message}"
    );
    for item in [SubcontractingAgreement, DataProcessingAgreement, SupplierRecord] {
        db.tick(&ctx(), p.id, item, TODAY).await.unwrap();
    }
    let (rule, message) = conflict(
        db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
            .await
            .unwrap_err(),
    );
    assert_eq!(rule, Rule::OnboardingIncomplete);
    assert!(
        message.contains("system_access, buddy, timesheet_training"),
        "{message}"
    );
    for item in [SystemAccess, Buddy, TimesheetTraining] {
        db.tick(&ctx(), p.id, item, TODAY).await.unwrap();
    }
    let onboarding = db.onboarding(p.id).await.unwrap();
    assert!(onboarding.complete && onboarding.open.is_empty());
    let active = db
        .move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
        .await
        .unwrap();
    assert_eq!(active.status, PartnerStatus::Active);
    // An active partner's checklist stays complete.
    let (rule, _) = conflict(db.untick(&ctx(), p.id, Buddy).await.unwrap_err());
    assert_eq!(rule, Rule::OnboardingIncomplete);
    db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Suspended), TODAY)
        .await
        .unwrap();
    let after = db.untick(&ctx(), p.id, Buddy).await.unwrap();
    assert_eq!(after.open, [Buddy]);
    let (rule, message) = conflict(
        db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
            .await
            .unwrap_err(),
    );
    assert_eq!(rule, Rule::OnboardingIncomplete);
    assert!(message.ends_with("buddy"), "{message}");
    db.tick(&ctx(), p.id, Buddy, TODAY).await.unwrap();
    db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
        .await
        .unwrap();
}

async fn a_direct_partner_signs_no_subcontract(db: &Db) {
    let p = partner(db, "Northwind Direct", PartnerType::Direct).await;
    let onboarding = db.onboarding(p.id).await.unwrap();
    let items: Vec<OnboardingItem> = onboarding.items.iter().map(|l| l.item).collect();
    assert_eq!(items, [PartnerAgreement, DataProcessingAgreement, SystemAccess, Buddy]);
    let refused = db.tick(&ctx(), p.id, SubcontractingAgreement, TODAY).await.unwrap_err();
    assert_eq!(broken(refused), [("item".to_string(), Rule::NotForKind)]);
    db.move_partner(&ctx(), p.id, None, to(PartnerStatus::Onboarding), TODAY)
        .await
        .unwrap();
    for item in items {
        db.tick(&ctx(), p.id, item, TODAY).await.unwrap();
    }
    let active = db
        .move_partner(&ctx(), p.id, None, to(PartnerStatus::Active), TODAY)
        .await
        .unwrap();
    assert_eq!(active.status, PartnerStatus::Active);
}

async fn ticks_keep_their_day_and_who_ticked_and_are_audited(db: &Db) {
    let p = partner(db, "Lakeside", PartnerType::StaffAugmentation).await;
    let ops = user(db, "ops@x.example", vec![Role::Ops]).await;
    let by = as_user(ops);
    let o = db
        .tick(&by, p.id, SubcontractingAgreement, date!(2026 - 02 - 10))
        .await
        .unwrap();
    let line = &o.items[0];
    assert_eq!(line.item, SubcontractingAgreement);
    assert_eq!(line.done_on, Some(date!(2026 - 02 - 10)));
    assert_eq!(line.ticked_by, Some(ops));
    assert_eq!(line.ticked_by_name.as_deref(), Some("ops@x.example"));
    assert_eq!(o.items[1].done_on, None);
    // Ticked again: the day moves.
    let o = db
        .tick(&by, p.id, SubcontractingAgreement, date!(2026 - 02 - 11))
        .await
        .unwrap();
    assert_eq!(o.items[0].done_on, Some(date!(2026 - 02 - 11)));
    let o = db.untick(&by, p.id, SubcontractingAgreement).await.unwrap();
    assert_eq!(o.items[0].done_on, None);
    // Unticking an open item changes nothing and audits nothing.
    db.untick(&by, p.id, SubcontractingAgreement).await.unwrap();
    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("partner_onboarding".into()),
                entity_id: Some(p.id.get()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log.items.iter().map(|e| e.action).collect();
    assert_eq!(actions, [AuditAction::Create, AuditAction::Update, AuditAction::Delete]);
    assert!(log.items.iter().all(|e| e.user_id == Some(ops)));
    assert_eq!(log.items[1].before.as_ref().unwrap()["done_on"], "2026-02-10");
}

async fn a_partners_contacts_live_under_it(db: &Db) {
    let p = partner(db, "Harbor", PartnerType::StaffAugmentation).await;
    let other = partner(db, "Other", PartnerType::Direct).await;
    let fields = PartnerContactFields {
        name: "Dana Reyes".into(),
        email: Some("dana@harbor.example".into()),
        phone: Some("+44 20 7946 0000".into()),
        role: Some("Delivery lead".into()),
    };
    let c = new(db
        .create(
            &ctx(),
            NewPartnerContact {
                partner_id: p.id,
                fields: fields.clone(),
            },
        )
        .await
        .unwrap());
    assert_eq!(c.partner_id, p.id);
    let bad = PartnerContactFields {
        email: Some("not an email".into()),
        ..fields.clone()
    };
    let refused = db
        .create(
            &ctx(),
            NewPartnerContact {
                partner_id: p.id,
                fields: bad,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(broken(refused), [("email".to_string(), Rule::Email)]);
    let missing = db
        .create(
            &ctx(),
            NewPartnerContact {
                partner_id: psops_core::Id::new(9_999),
                fields,
            },
        )
        .await;
    assert!(matches!(missing, Err(Error::NotFound { .. })), "{missing:?}");
    let list = |partner_id| PartnerContactFilter {
        partner_id,
        archived: None,
    };
    let mine = db.list(&list(p.id), PageRequest::default()).await.unwrap();
    assert_eq!(mine.items.len(), 1);
    let theirs = db.list(&list(other.id), PageRequest::default()).await.unwrap();
    assert!(theirs.items.is_empty());
    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("partner_contact".into()),
                entity_id: Some(c.id.get()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 1);
}
