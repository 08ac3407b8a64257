//! Milestone acceptance stories: day 1 of the notice is the day it is sent and the rest
//! are business days of the project's region; sending again restarts the clock; the
//! sweep accepts exactly the overdue ones, once; a sign-off names who and how and
//! completes the milestone for good; a sign-off without a request needs evidence; the
//! request goes only to a contact of the project's account with an address; evidence is
//! kept with the milestone.

use psops_core::accounts::{Account, AccountFields, Contact, ContactFields, NewContact};
use psops_core::audit::AuditFilter;
use psops_core::capacity::Holiday;
use psops_core::delivery::acceptance::{
    AcceptanceMethod, AcceptanceRequest, AcceptanceState, EVIDENCE_MAX_BYTES, NewEvidence, SignOff,
};
use psops_core::page::PageRequest;
use psops_core::plan::{Milestone, MilestoneFields, MilestonePatch, MilestoneStatus};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Error, Id};
use psops_store::Db;
use time::Date;
use time::macros::date;

use super::fixtures::{broken, ctx, new, project_fields};
use super::scoping::usd;
use super::time_fixtures::calendar;

crate::stories!(
    passive_acceptance_counts_day_one_then_business_days_of_the_region,
    the_sweep_accepts_exactly_the_overdue_ones_once,
    a_sign_off_names_who_and_how_and_completes_the_milestone_for_good,
    a_sign_off_without_a_request_needs_evidence_and_evidence_is_kept,
    a_request_goes_only_to_a_contact_of_the_account_with_an_address,
);

/// Thursday 5 March 2026.
const THURSDAY: Date = date!(2026 - 03 - 05);

struct Customer {
    project: Project,
    contact: Contact,
}

async fn customer(db: &Db, name: &str, region: &str) -> Customer {
    let account: Account = new(db
        .create(
            &ctx(),
            AccountFields {
                name: format!("{name} Ltd"),
                code: None,
                region: Some(region.into()),
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("account"));
    let project: Project = new(db
        .create(&ctx(), project_fields(account.id.get(), name))
        .await
        .expect("project"));
    let contact: Contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: account.id,
                fields: ContactFields {
                    name: "Dana Ruiz".into(),
                    email: Some(format!("dana@{}.example", name.to_lowercase())),
                    title: Some("CIO".into()),
                    phone: None,
                },
            },
        )
        .await
        .expect("contact"));
    Customer { project, contact }
}

async fn milestone(db: &Db, p: &Project, name: &str) -> Milestone {
    new(db
        .create(
            &ctx(),
            MilestoneFields {
                project_id: p.id,
                name: name.into(),
                due_date: Some(date!(2026 - 03 - 01)),
                amount: Some(usd(2_500_000)),
                status: MilestoneStatus::Open,
            },
        )
        .await
        .expect("milestone"))
}

fn request(c: &Customer, today: Date) -> AcceptanceRequest {
    AcceptanceRequest {
        contact_id: c.contact.id,
        today,
    }
}

fn sign_off(method: AcceptanceMethod, on: Date) -> SignOff {
    SignOff {
        accepted_by: "Dana Ruiz".into(),
        method,
        accepted_on: Some(on),
        note: None,
        evidence: None,
        today: date!(2026 - 03 - 20),
    }
}

fn conflict(e: Error) -> (String, Rule) {
    match e {
        Error::Conflict(f) => (f.field, f.rule),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn passive_acceptance_counts_day_one_then_business_days_of_the_region(db: &Db) {
    let emea = calendar(db, "EMEA holidays", "EMEA").await;
    db.add_holidays(
        &ctx(),
        emea.id,
        vec![
            Holiday {
                date: date!(2026 - 03 - 09),
                minutes: None,
                name: "Regional day".into(),
            },
            // A half day does not stop the clock.
            Holiday {
                date: date!(2026 - 03 - 10),
                minutes: Some(psops_core::Minutes(240)),
                name: "Half day".into(),
            },
        ],
    )
    .await
    .unwrap();
    let plain = customer(db, "Acme", "AMER").await;
    let holiday = customer(db, "Globex", "emea").await;

    // Thursday, 5 days: Thu, Fri, Mon, Tue, Wed.
    let m = milestone(db, &plain.project, "Design signed off").await;
    let a = db
        .request_acceptance(&ctx(), m.id, Some(m.meta.version), request(&plain, THURSDAY))
        .await
        .unwrap();
    assert_eq!(a.acceptance.state, AcceptanceState::Requested);
    assert_eq!(a.acceptance.requested_on, Some(THURSDAY));
    assert_eq!(a.acceptance.passive_days, Some(5));
    assert_eq!(a.acceptance.passive_on, Some(date!(2026 - 03 - 11)));
    assert_eq!(a.acceptance.contact_id, Some(plain.contact.id));
    assert_eq!(a.milestone.fields.status, MilestoneStatus::Open);
    assert_eq!(
        a.milestone.meta.version,
        m.meta.version + 1,
        "the change bumps the version"
    );

    // The notice went to the contact, naming the milestone, its amount and the date.
    let notices = psops_store::testing::notices_about(db, &format!("milestone:{}", m.id)).await;
    assert_eq!(notices.len(), 1);
    let (kind, to, subject, body) = &notices[0];
    assert_eq!(kind, "acceptance_request");
    assert_eq!(to, "dana@acme.example");
    assert!(subject.contains("Design signed off"), "{subject}");
    assert!(body.contains("Design signed off") && body.contains("$25,000.00") && body.contains("2026-03-11"));

    // A full-day holiday of the account's region on the Monday: one day later.
    let h = milestone(db, &holiday.project, "Pilot live").await;
    let a = db
        .request_acceptance(&ctx(), h.id, None, request(&holiday, THURSDAY))
        .await
        .unwrap();
    assert_eq!(a.acceptance.passive_on, Some(date!(2026 - 03 - 12)));

    // Sent on a Saturday, day 1 is the Monday.
    let s = milestone(db, &plain.project, "Training delivered").await;
    let a = db
        .request_acceptance(&ctx(), s.id, None, request(&plain, date!(2026 - 03 - 07)))
        .await
        .unwrap();
    assert_eq!(a.acceptance.passive_on, Some(date!(2026 - 03 - 13)));

    // Sending again restarts the clock from the day it is sent again.
    let again = db
        .request_acceptance(&ctx(), h.id, None, request(&holiday, date!(2026 - 03 - 11)))
        .await
        .unwrap();
    assert_eq!(again.acceptance.requested_on, Some(date!(2026 - 03 - 11)));
    assert_eq!(again.acceptance.passive_on, Some(date!(2026 - 03 - 17)));
    assert_eq!(again.acceptance.requests_sent, 2);
    assert_eq!(
        psops_store::testing::notices_about(db, &format!("milestone:{}", h.id))
            .await
            .len(),
        2
    );

    // The setting gives the days.
    let mut scoping = db.settings().await.unwrap().scoping;
    scoping.passive_acceptance_days = 3;
    db.update_settings(
        &ctx(),
        SettingsPatch {
            scoping: Some(scoping),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let three = milestone(db, &plain.project, "Go-live").await;
    let a = db
        .request_acceptance(&ctx(), three.id, None, request(&plain, THURSDAY))
        .await
        .unwrap();
    assert_eq!(a.acceptance.passive_on, Some(date!(2026 - 03 - 09)));

    // Every change is audited as a change of the milestone.
    let audit = db
        .list_audit(
            &AuditFilter {
                entity: Some("milestone".into()),
                entity_id: Some(h.id.get()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 3, "create and two requests");
}

async fn the_sweep_accepts_exactly_the_overdue_ones_once(db: &Db) {
    let c = customer(db, "Initech", "AMER").await;
    let due = milestone(db, &c.project, "Phase 1").await;
    let later = milestone(db, &c.project, "Phase 2").await;
    let unasked = milestone(db, &c.project, "Phase 3").await;
    let signed = milestone(db, &c.project, "Phase 0").await;
    db.request_acceptance(&ctx(), due.id, None, request(&c, THURSDAY))
        .await
        .unwrap();
    db.request_acceptance(&ctx(), later.id, None, request(&c, date!(2026 - 03 - 10)))
        .await
        .unwrap();
    db.request_acceptance(&ctx(), signed.id, None, request(&c, THURSDAY))
        .await
        .unwrap();
    db.record_acceptance(
        &ctx(),
        signed.id,
        None,
        sign_off(AcceptanceMethod::Signature, date!(2026 - 03 - 06)),
    )
    .await
    .unwrap();

    // The last day (Wednesday 11th) is the customer's whole: nothing yet.
    assert!(
        db.sweep_acceptance(&ctx(), date!(2026 - 03 - 11))
            .await
            .unwrap()
            .is_empty()
    );
    let awaiting = db.awaiting_acceptance(ListScope::All).await.unwrap();
    assert_eq!(
        awaiting
            .iter()
            .map(|a| (a.milestone_id, a.passive_on))
            .collect::<Vec<_>>(),
        vec![(due.id, date!(2026 - 03 - 11)), (later.id, date!(2026 - 03 - 16))]
    );
    assert_eq!(awaiting[0].project_name, "Initech");
    assert_eq!(awaiting[0].amount, Some(usd(2_500_000)));

    let swept = db.sweep_acceptance(&ctx(), date!(2026 - 03 - 12)).await.unwrap();
    assert_eq!(swept.len(), 1);
    assert_eq!(swept[0].milestone_id, due.id);
    assert_eq!(swept[0].accepted_on, date!(2026 - 03 - 11));
    let a = db.milestone_acceptance(due.id).await.unwrap();
    assert_eq!(a.acceptance.state, AcceptanceState::Accepted);
    assert_eq!(a.acceptance.method, Some(AcceptanceMethod::Passive));
    assert!(a.acceptance.passive_used);
    assert_eq!(a.acceptance.accepted_on, Some(date!(2026 - 03 - 11)));
    assert_eq!(a.milestone.fields.status, MilestoneStatus::Completed);
    for other in [later.id, unasked.id] {
        assert_ne!(
            db.milestone_acceptance(other).await.unwrap().acceptance.state,
            AcceptanceState::Accepted
        );
    }
    let kept = db.milestone_acceptance(signed.id).await.unwrap();
    assert_eq!(kept.acceptance.method, Some(AcceptanceMethod::Signature));
    assert!(!kept.acceptance.passive_used);

    // Once: a second sweep the same day accepts nothing more.
    assert!(
        db.sweep_acceptance(&ctx(), date!(2026 - 03 - 12))
            .await
            .unwrap()
            .is_empty()
    );
    let awaiting = db.awaiting_acceptance(ListScope::All).await.unwrap();
    assert_eq!(awaiting.len(), 1);
    // A project manager of another project sees none of them.
    let stranger = Some(Id::new(999_999));
    let limited = ListScope::Limited {
        own: None,
        managed_by: stranger,
        assigned: stranger,
        partner: None,
    };
    assert!(db.awaiting_acceptance(limited).await.unwrap().is_empty());

    // The scheduled run is claimed by exactly one node.
    let now = time::OffsetDateTime::now_utc();
    let hour = time::Duration::hours(1);
    assert!(db.claim_run("milestone_acceptance", "a:1", hour, now).await.unwrap());
    assert!(!db.claim_run("milestone_acceptance", "b:2", hour, now).await.unwrap());

    // The passive acceptance is audited.
    let audit = db
        .list_audit(
            &AuditFilter {
                entity: Some("milestone".into()),
                entity_id: Some(due.id.get()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let last = audit.items.last().expect("audited");
    assert!(format!("{:?}", last.after).contains("passive"));
}

async fn a_sign_off_names_who_and_how_and_completes_the_milestone_for_good(db: &Db) {
    let c = customer(db, "Umbrella", "AMER").await;
    let m = milestone(db, &c.project, "Integration").await;
    let sent = db
        .request_acceptance(&ctx(), m.id, None, request(&c, THURSDAY))
        .await
        .unwrap();
    let v = Some(sent.milestone.meta.version);

    let refused = |s: SignOff| async move { broken(db.record_acceptance(&ctx(), m.id, None, s).await.unwrap_err()) };
    let before = sign_off(AcceptanceMethod::EmailReply, date!(2026 - 03 - 04));
    assert_eq!(refused(before).await, vec![("accepted_on".into(), Rule::BeforeRequest)]);
    let future = sign_off(AcceptanceMethod::EmailReply, date!(2026 - 03 - 21));
    assert_eq!(refused(future).await, vec![("accepted_on".into(), Rule::Future)]);
    let other = sign_off(AcceptanceMethod::Other, THURSDAY);
    assert_eq!(refused(other).await, vec![("note".into(), Rule::DependsOn)]);
    let passive = sign_off(AcceptanceMethod::Passive, THURSDAY);
    assert_eq!(refused(passive).await, vec![("method".into(), Rule::OneOf)]);
    let nobody = SignOff {
        accepted_by: " ".into(),
        ..sign_off(AcceptanceMethod::Signature, THURSDAY)
    };
    assert_eq!(refused(nobody).await, vec![("accepted_by".into(), Rule::Required)]);
    // A stale version is refused.
    let stale = db
        .record_acceptance(&ctx(), m.id, Some(1), sign_off(AcceptanceMethod::EmailReply, THURSDAY))
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed { .. }), "{stale:?}");

    let done = db
        .record_acceptance(
            &ctx(),
            m.id,
            v,
            SignOff {
                note: Some("replied \"accepted\" to the request".into()),
                ..sign_off(AcceptanceMethod::EmailReply, date!(2026 - 03 - 06))
            },
        )
        .await
        .unwrap();
    assert_eq!(done.acceptance.state, AcceptanceState::Accepted);
    assert_eq!(done.acceptance.accepted_by.as_deref(), Some("Dana Ruiz"));
    assert_eq!(done.acceptance.method, Some(AcceptanceMethod::EmailReply));
    assert_eq!(done.acceptance.accepted_on, Some(date!(2026 - 03 - 06)));
    assert_eq!(done.acceptance.requested_on, Some(THURSDAY), "the request is kept");
    assert!(!done.acceptance.passive_used);
    assert_eq!(done.milestone.fields.status, MilestoneStatus::Completed);

    // Final: not requested, accepted or reopened again.
    let again = db
        .request_acceptance(&ctx(), m.id, None, request(&c, date!(2026 - 03 - 10)))
        .await
        .unwrap_err();
    assert_eq!(conflict(again), ("acceptance_state".into(), Rule::AlreadyAccepted));
    let twice = db
        .record_acceptance(&ctx(), m.id, None, sign_off(AcceptanceMethod::Signature, THURSDAY))
        .await
        .unwrap_err();
    assert_eq!(conflict(twice), ("acceptance_state".into(), Rule::AlreadyAccepted));
    let reopen = db
        .update(
            &ctx(),
            m.id,
            None,
            MilestonePatch {
                status: Some(MilestoneStatus::Open),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(conflict(reopen), ("status".into(), Rule::AlreadyAccepted));
    // Its name can still be corrected.
    db.update(
        &ctx(),
        m.id,
        None,
        MilestonePatch {
            name: Some("Integration (phase 1)".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn a_sign_off_without_a_request_needs_evidence_and_evidence_is_kept(db: &Db) {
    let c = customer(db, "Hooli", "AMER").await;
    let m = milestone(db, &c.project, "Workshop").await;
    let bare = sign_off(AcceptanceMethod::Signature, THURSDAY);
    let e = db.record_acceptance(&ctx(), m.id, None, bare).await.unwrap_err();
    assert_eq!(broken(e), vec![("evidence".into(), Rule::EvidenceRequired)]);
    let bad_link = SignOff {
        evidence: Some(NewEvidence::Link {
            url: "ftp://files.example/signed.pdf".into(),
            note: None,
        }),
        ..sign_off(AcceptanceMethod::Signature, THURSDAY)
    };
    let e = db.record_acceptance(&ctx(), m.id, None, bad_link).await.unwrap_err();
    assert_eq!(broken(e), vec![("url".into(), Rule::Scheme)]);
    assert_eq!(
        db.milestone_acceptance(m.id).await.unwrap().acceptance.state,
        AcceptanceState::NotRequested,
        "a refused sign-off writes nothing"
    );

    let with_link = SignOff {
        evidence: Some(NewEvidence::Link {
            url: "https://docs.example/hooli/workshop-signed.pdf".into(),
            note: Some("signed in the steering meeting".into()),
        }),
        ..sign_off(AcceptanceMethod::Signature, THURSDAY)
    };
    let done = db.record_acceptance(&ctx(), m.id, None, with_link).await.unwrap();
    assert_eq!(done.acceptance.state, AcceptanceState::Accepted);
    assert_eq!(done.acceptance.requested_on, None);
    assert_eq!(done.evidence.len(), 1);
    assert_eq!(
        done.evidence[0].url.as_deref(),
        Some("https://docs.example/hooli/workshop-signed.pdf")
    );

    // Files are kept byte for byte, and may follow the acceptance.
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let file = db
        .add_evidence(
            &ctx(),
            m.id,
            NewEvidence::File {
                file_name: "sign-off.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: bytes.clone(),
                note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(file.size_bytes, Some(5000));
    let back = db.evidence_file(m.id, file.id).await.unwrap();
    assert_eq!(back.bytes, bytes);
    assert_eq!(back.file_name, "sign-off.pdf");
    assert_eq!(back.content_type, "application/pdf");
    let listed = db.project_acceptances(c.project.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].evidence.len(), 2);
    // A link has no file to download; another milestone's evidence is not found.
    let link = done.evidence[0].id;
    assert!(matches!(
        db.evidence_file(m.id, link).await,
        Err(Error::NotFound { .. })
    ));
    let other = milestone(db, &c.project, "Other").await;
    assert!(matches!(
        db.evidence_file(other.id, file.id).await,
        Err(Error::NotFound { .. })
    ));

    let too_big = NewEvidence::File {
        file_name: "scan.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: vec![1; EVIDENCE_MAX_BYTES + 1],
        note: None,
    };
    let e = db.add_evidence(&ctx(), m.id, too_big).await.unwrap_err();
    assert_eq!(broken(e), vec![("file".into(), Rule::FileTooLarge)]);
    let pathy = NewEvidence::File {
        file_name: "../etc/passwd".into(),
        content_type: "text/plain".into(),
        bytes: vec![1],
        note: None,
    };
    let e = db.add_evidence(&ctx(), m.id, pathy).await.unwrap_err();
    assert_eq!(broken(e), vec![("file_name".into(), Rule::InvalidValue)]);
    let audit = db
        .list_audit(
            &AuditFilter {
                entity: Some("milestone_evidence".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 2, "each piece of evidence is audited");
}

async fn a_request_goes_only_to_a_contact_of_the_account_with_an_address(db: &Db) {
    let c = customer(db, "Stark", "AMER").await;
    let elsewhere = customer(db, "Wayne", "AMER").await;
    let m = milestone(db, &c.project, "Phase 1").await;
    let wrong = AcceptanceRequest {
        contact_id: elsewhere.contact.id,
        today: THURSDAY,
    };
    let e = db.request_acceptance(&ctx(), m.id, None, wrong).await.unwrap_err();
    assert_eq!(broken(e), vec![("contact_id".into(), Rule::AccountMismatch)]);
    let missing = AcceptanceRequest {
        contact_id: Id::new(999_999),
        today: THURSDAY,
    };
    let e = db.request_acceptance(&ctx(), m.id, None, missing).await.unwrap_err();
    assert_eq!(broken(e), vec![("contact_id".into(), Rule::Exists)]);
    let silent: Contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: c.project.fields.account_id.unwrap(),
                fields: ContactFields {
                    name: "No Mail".into(),
                    email: None,
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .unwrap());
    let e = db
        .request_acceptance(
            &ctx(),
            m.id,
            None,
            AcceptanceRequest {
                contact_id: silent.id,
                today: THURSDAY,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(broken(e), vec![("contact_id".into(), Rule::NoEmail)]);
    assert!(
        psops_store::testing::notices_about(db, &format!("milestone:{}", m.id))
            .await
            .is_empty(),
        "a refused request queues nothing"
    );
    // An archived milestone is not requested.
    let cur: Milestone = db.get(m.id).await.unwrap();
    RecordStore::<Milestone>::archive(db, &ctx(), m.id, Some(cur.meta.version), true)
        .await
        .unwrap();
    let e = db
        .request_acceptance(&ctx(), m.id, None, request(&c, THURSDAY))
        .await
        .unwrap_err();
    assert_eq!(conflict(e), ("archived".into(), Rule::Archived));
}
