//! Closure and CSAT stories: a survey link works once and not after it expires, its
//! token is stored only as a hash and reaches the contact through the outbox; CSAT % is
//! the share of 4s and 5s (no answers: no figure), the response rate answered over sent,
//! by quarter, offering, PM, region and partner; the closure checklist gates completed
//! item by item, with the hours estimated against recorded.

use psops_core::accounts::{Account, AccountFields, Contact, ContactFields, NewContact};
use psops_core::audit::AuditFilter;
use psops_core::delivery::closure::{ClosurePatch, SignoffHow};
use psops_core::delivery::surveys::{CsatBy, Opened, SentSurvey, SurveyAnswer, SurveyRequest, token_hash};
use psops_core::error::Error;
use psops_core::page::PageRequest;
use psops_core::partners::{PartnerFields, PartnerType};
use psops_core::projects::{Project, ProjectPatch};
use psops_core::rule::Rule;
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Id, Minutes};
use psops_store::Db;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use super::fixtures::{ctx, new, person, project_fields};

crate::stories!(
    a_survey_link_works_once_and_is_kept_only_as_a_hash,
    an_expired_link_is_refused_and_the_survey_may_go_again,
    csat_is_the_share_of_fours_and_fives_and_the_response_rate_answered_over_sent,
    the_closure_checklist_gates_completed_item_by_item,
);

const BASE: &str = "https://psops.example.com";

async fn customer(db: &Db, name: &str, region: &str) -> (Account, Contact) {
    let a: Account = new(db
        .create(
            &ctx(),
            AccountFields {
                name: name.into(),
                code: None,
                region: Some(region.into()),
                industry: None,
                currency: None,
            },
        )
        .await
        .expect("account"));
    let c: Contact = new(db
        .create(
            &ctx(),
            NewContact {
                account_id: a.id,
                fields: ContactFields {
                    name: format!("Dana of {name}"),
                    email: Some(format!("dana@{}.example.com", name.to_lowercase().replace(' ', ""))),
                    title: None,
                    phone: None,
                },
            },
        )
        .await
        .expect("contact"));
    (a, c)
}

async fn closing(db: &Db, name: &str, region: &str) -> (Project, Contact) {
    let (a, c) = customer(db, name, region).await;
    let p: Project = new(db
        .create(&ctx(), project_fields(a.id.get(), &format!("{name} rollout")))
        .await
        .expect("project"));
    (p, c)
}

async fn send(db: &Db, p: &Project, c: &Contact, at: OffsetDateTime) -> SentSurvey {
    db.send_survey(
        &ctx(),
        SurveyRequest {
            project_id: p.id,
            contact_id: c.id,
        },
        BASE,
        at,
    )
    .await
    .expect("send survey")
}

fn answer(score: i64) -> SurveyAnswer {
    SurveyAnswer {
        score,
        comment: Some("Great team".into()),
    }
}

fn conflict_rule(e: Error) -> Rule {
    match e {
        Error::Conflict(f) => f.rule,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_survey_link_works_once_and_is_kept_only_as_a_hash(db: &Db) {
    let (p, c) = closing(db, "Acme", "EMEA").await;
    let now = OffsetDateTime::now_utc();
    let sent = send(db, &p, &c, now).await;
    assert_eq!(sent.token.len(), 64, "256 random bits as hex");
    assert_eq!(sent.link, format!("{BASE}/survey/{}", sent.token));
    assert_eq!(sent.survey.expires_at - sent.survey.sent_at, Duration::days(30));

    let stored = psops_store::testing::survey_token_hash(db, sent.survey.id)
        .await
        .unwrap();
    assert_ne!(stored, sent.token, "the token itself is not stored");
    assert_eq!(stored, token_hash(&sent.token));
    let json = serde_json::to_string(&db.survey(sent.survey.id).await.unwrap()).unwrap();
    assert!(!json.contains(&stored) && !json.contains(&sent.token));

    let notices = psops_store::testing::notices_about(db, &format!("survey:{}", sent.survey.id)).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].0, "survey");
    assert_eq!(notices[0].1, c.fields.email.clone().unwrap());
    assert!(notices[0].3.contains(&sent.link), "the message carries the link");

    match db.open_survey(&sent.token, now).await.unwrap() {
        Opened::Open { survey, project_name } => {
            assert_eq!(survey.id, sent.survey.id);
            assert_eq!(project_name, "Acme rollout");
        }
        other => panic!("expected an open survey, got {other:?}"),
    }
    assert_eq!(db.open_survey(&"0".repeat(64), now).await.unwrap(), Opened::Unknown);
    assert_eq!(db.open_survey("not a token", now).await.unwrap(), Opened::Unknown);

    let bad = db.answer_survey(&sent.token, answer(6), None, now).await.unwrap_err();
    assert!(
        matches!(bad, Error::Invalid(ref e) if e[0].rule == Rule::Score),
        "{bad:?}"
    );

    let hook = psops_core::webhooks::NewSubscription {
        url: "https://hooks.example/csat".into(),
        description: None,
        events: vec![psops_core::webhooks::EventKind::SurveyAnswered],
        active: true,
    };
    db.create_webhook(&ctx(), &hook).await.expect("webhook");
    let done = db
        .answer_survey(&sent.token, answer(5), Some("req-1".into()), now)
        .await
        .unwrap();
    assert_eq!(done.score, Some(5));
    assert_eq!(done.comment.as_deref(), Some("Great team"));
    let again = db.answer_survey(&sent.token, answer(1), None, now).await.unwrap_err();
    assert_eq!(conflict_rule(again), Rule::SingleUse);
    let heard = db
        .webhook_deliveries(&Default::default(), psops_core::page::PageRequest::default())
        .await
        .expect("deliveries")
        .items;
    let kinds: Vec<_> = heard.iter().map(|d| d.event).collect();
    assert_eq!(
        kinds,
        [psops_core::webhooks::EventKind::SurveyAnswered],
        "answered once, heard once"
    );
    assert_eq!(
        db.survey(sent.survey.id).await.unwrap().score,
        Some(5),
        "the first answer stands"
    );
    assert_eq!(db.open_survey(&sent.token, now).await.unwrap(), Opened::Answered);

    // Answering is audited as the customer contact.
    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("survey".into()),
                entity_id: Some(sent.survey.id.get()),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 2, "sent and answered");
    let answered = log.items.iter().find(|e| e.via.is_some()).expect("the answer's entry");
    assert_eq!(
        answered.via.as_deref(),
        Some(format!("survey:contact:{}", c.id).as_str())
    );
    assert_eq!(answered.request_id.as_deref(), Some("req-1"));

    // One survey per project.
    let second = db
        .send_survey(
            &ctx(),
            SurveyRequest {
                project_id: p.id,
                contact_id: c.id,
            },
            BASE,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(conflict_rule(second), Rule::Duplicate);

    // Only a contact of the project's own account.
    let (q, _) = closing(db, "Other", "AMER").await;
    let wrong = db
        .send_survey(
            &ctx(),
            SurveyRequest {
                project_id: q.id,
                contact_id: c.id,
            },
            BASE,
            now,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, Error::Invalid(ref e) if e[0].field == "contact_id"),
        "{wrong:?}"
    );
}

async fn an_expired_link_is_refused_and_the_survey_may_go_again(db: &Db) {
    db.update_settings(
        &ctx(),
        SettingsPatch {
            surveys: Some(psops_core::delivery::surveys::SurveySettings { link_days: 10 }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (p, c) = closing(db, "Globex", "AMER").await;
    let now = OffsetDateTime::now_utc();
    let old = send(db, &p, &c, now - Duration::days(11)).await;
    assert_eq!(old.survey.expires_at - old.survey.sent_at, Duration::days(10));
    assert_eq!(db.open_survey(&old.token, now).await.unwrap(), Opened::Expired);
    let late = db.answer_survey(&old.token, answer(4), None, now).await.unwrap_err();
    assert_eq!(conflict_rule(late), Rule::Expired);
    assert_eq!(db.survey(old.survey.id).await.unwrap().score, None);
    // Expired unanswered: another may go.
    let fresh = send(db, &p, &c, now).await;
    assert_ne!(fresh.token, old.token);
    db.answer_survey(&fresh.token, answer(4), None, now).await.unwrap();
    let t = db.project_csat(p.id).await.unwrap();
    assert_eq!((t.sent, t.answered, t.satisfied), (2, 1, 1));
    assert_eq!(t.response_rate_bp(), Some(5000));
}

async fn csat_is_the_share_of_fours_and_fives_and_the_response_rate_answered_over_sent(db: &Db) {
    let pm = person(db, "pm.one@example.com").await;
    let partner: psops_core::partners::Partner = new(db
        .create(
            &ctx(),
            PartnerFields {
                name: "Delivery Partners Ltd".into(),
                partner_type: PartnerType::ProjectBasedSubcontract,
                region: None,
                notes: None,
                training_since: None,
            },
        )
        .await
        .unwrap());
    let now = OffsetDateTime::now_utc();
    let mut projects = Vec::new();
    for (i, region) in ["EMEA", "EMEA", "AMER", "AMER"].into_iter().enumerate() {
        let (p, c) = closing(db, &format!("Customer {i}"), region).await;
        let mut patch = ProjectPatch {
            project_manager_id: Some(Some(pm.id)),
            ..Default::default()
        };
        if i == 0 {
            patch.partner_delivered = Some(true);
            patch.partner_id = Some(Some(partner.id));
        }
        let p: Project = db.update(&ctx(), p.id, None, patch).await.unwrap();
        projects.push((p, c));
    }
    // An empty organisation has no figure.
    let none = db.quarter_csat(now.date()).await.unwrap();
    assert_eq!(none.csat_bp(), None);
    assert_eq!(none.response_rate_bp(), None);

    let mut tokens = Vec::new();
    for (p, c) in &projects {
        tokens.push(send(db, p, c, now).await.token);
    }
    // Sent, none answered: a response rate of 0, still no CSAT figure (not 0 %).
    let unanswered = db.quarter_csat(now.date()).await.unwrap();
    assert_eq!(unanswered.csat_bp(), None);
    assert_eq!(unanswered.response_rate_bp(), Some(0));

    for (token, score) in tokens.iter().zip([5, 4, 3]) {
        db.answer_survey(token, answer(score), None, now).await.unwrap();
    }
    let q = db.quarter_csat(now.date()).await.unwrap();
    assert_eq!((q.sent, q.answered, q.satisfied), (4, 3, 2));
    assert_eq!(q.csat_bp(), Some(6667), "2 of 3, rounded half up");
    assert_eq!(q.response_rate_bp(), Some(7500));
    let last = db.quarter_csat(now.date() - Duration::days(100)).await.unwrap();
    assert_eq!(last.sent, 0);

    let one = db.project_csat(projects[0].0.id).await.unwrap();
    assert_eq!(one.csat_bp(), Some(10_000));
    let unanswered = db.project_csat(projects[3].0.id).await.unwrap();
    assert_eq!(unanswered.csat_bp(), None);

    let by_region = db.csat_report(CsatBy::Region).await.unwrap();
    let emea = by_region.iter().find(|r| r.group == "EMEA").unwrap();
    assert_eq!(emea.csat_bp, Some(10_000));
    let amer = by_region.iter().find(|r| r.group == "AMER").unwrap();
    assert_eq!((amer.tally.sent, amer.tally.answered, amer.csat_bp), (2, 1, Some(0)));
    assert_eq!(amer.response_rate_bp, Some(5000));

    let by_pm = db.csat_report(CsatBy::Pm).await.unwrap();
    assert_eq!(by_pm.len(), 1);
    assert_eq!(by_pm[0].group, pm.fields.name);
    assert_eq!(by_pm[0].csat_bp, Some(6667));

    let by_partner = db.csat_report(CsatBy::Partner).await.unwrap();
    assert_eq!(by_partner.len(), 1, "partner-delivered projects only");
    assert_eq!(by_partner[0].group, "Delivery Partners Ltd");

    let by_quarter = db.csat_report(CsatBy::Quarter).await.unwrap();
    assert_eq!(by_quarter.len(), 1);
    assert!(by_quarter[0].group.starts_with("FY"));

    let by_offering = db.csat_report(CsatBy::Offering).await.unwrap();
    assert_eq!(by_offering[0].group, "Consulting (no SOW)", "no SOW: the project type");
}

async fn the_closure_checklist_gates_completed_item_by_item(db: &Db) {
    let (mut p, c) = closing(db, "Initech", "EMEA").await;
    p = db
        .update(
            &ctx(),
            p.id,
            None,
            ProjectPatch {
                budget_minutes: Some(Some(Minutes(40 * 60))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let rm = person(db, "rm@example.com").await;

    let missing = psops_store::testing::closure_missing(db, p.id).await.unwrap();
    assert_eq!(missing.len(), 4, "{missing:?}");
    assert!(missing[0].contains("CSAT survey"));
    let empty = db.closure(p.id).await.unwrap();
    assert_eq!(empty.version, 0);
    assert_eq!(empty.estimated_minutes, Some(Minutes(2400)));
    assert_eq!(empty.actual_minutes, Minutes(0));

    let meeting = date!(2026 - 11 - 20);
    let filled = db
        .update_closure(
            &ctx(),
            p.id,
            Some(0),
            ClosurePatch {
                meeting_on: Some(Some(meeting)),
                signoff_how: Some(Some(SignoffHow::RepliedAccepted)),
                signoff_by: Some(Some("Dana".into())),
                signoff_on: Some(Some(date!(2026 - 11 - 18))),
                retro_on: Some(Some(date!(2026 - 11 - 21))),
                retro_notes: Some(Some("Kick-off slipped a week".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(filled.version, 1);
    assert_eq!(filled.missing.len(), 2, "{:?}", filled.missing);
    // A stale version is refused.
    let stale = db
        .update_closure(&ctx(), p.id, Some(0), ClosurePatch::default())
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed { current: 1 }), "{stale:?}");
    // An unknown author is refused, naming the field.
    let nobody = db
        .update_closure(
            &ctx(),
            p.id,
            None,
            ClosurePatch {
                closeout_by: Some(Some(Id::new(99_999))),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(nobody, Error::Invalid(ref e) if e[0].field == "closeout_by"));
    let closed = db
        .update_closure(
            &ctx(),
            p.id,
            Some(1),
            ClosurePatch {
                deliverables: Some(Some("Runbook, HA cluster".into())),
                lessons_learned: Some(Some("Scope the data volume first".into())),
                closeout_by: Some(Some(rm.id)),
                closeout_on: Some(Some(date!(2026 - 11 - 24))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.missing, vec!["the CSAT survey has not been sent".to_string()]);

    // A survey sent after the meeting does not count as before it.
    send(db, &p, &c, datetime!(2026 - 11 - 22 10:00 UTC)).await;
    let late = psops_store::testing::closure_missing(db, p.id).await.unwrap();
    assert_eq!(late.len(), 1);
    assert!(late[0].contains("after the closure meeting"), "{late:?}");
    // Moving the meeting after the survey satisfies the gate.
    db.update_closure(
        &ctx(),
        p.id,
        None,
        ClosurePatch {
            meeting_on: Some(Some(date!(2026 - 11 - 23))),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        psops_store::testing::closure_missing(db, p.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db.closure(p.id).await.unwrap().missing.is_empty());

    let log = db
        .list_audit(
            &AuditFilter {
                entity: Some("closure".into()),
                entity_id: Some(p.id.get()),
                ..Default::default()
            },
            PageRequest { after: None, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(log.items.len(), 3, "every change audited");

    let unknown = db.closure(Id::new(99_999)).await.unwrap_err();
    assert!(matches!(unknown, Error::NotFound { .. }));
}
