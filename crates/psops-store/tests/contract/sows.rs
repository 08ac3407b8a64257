//! Estimate and SOW stories: an estimate prices SKU and T&M lines into price, COGS and
//! margin and refuses what the catalog does not sell; one over the TA threshold cannot go
//! to a SOW without the TA's approval; a SOW goes through its chain in order (finance
//! when the margin is thin), moves the scoping record as approvals come, cannot be signed
//! once expired, and its signature sets up the project; a rejected SOW is revised into a
//! new revision; a standard-SKU order makes its project without a SOW.

use psops_core::auth::{Role, UserId};
use psops_core::catalog::offerings::{Effort, Maturity, OfferingFields, OfferingTypeFields};
use psops_core::catalog::requests::Verdict;
use psops_core::catalog::skus::{Bound, SkuPriceFields};
use psops_core::catalog::{Offering, OfferingType, Sku, SkuPrice, SkuStatus};
use psops_core::people::Function;
use psops_core::plan::{Booking, ChecklistItem, Milestone, PlanFilterOf, ResourceRequest};
use psops_core::projects::{BillingType, Project, ProjectStatus};
use psops_core::rates::cards::RoleRateFields;
use psops_core::rates::{RateKind, RoleRate};
use psops_core::rule::Rule;
use psops_core::scoping::ScopingSettings;
use psops_core::scoping::estimates::{Estimate, EstimateFields, EstimateStatus, TaReview};
use psops_core::scoping::opportunities::{Event, Opportunity, OpportunityPatch};
use psops_core::scoping::pricing::{LineInput, Measure};
use psops_core::scoping::sows::{BillingTerms, MilestoneTerm, Sow, SowFields, SowRole, SowStatus, SowStep, diff};
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::{Signature, TaRequest};
use psops_core::settings::SettingsPatch;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error, Minutes, Money};
use psops_store::Db;
use time::macros::date;
use time::{Date, Duration, OffsetDateTime};

use super::catalog::sku_fields;
use super::fixtures::{self, as_user, broken, ctx, new, person};
use super::scoping::{account, go, opened, usd};

crate::stories!(
    an_estimate_prices_skus_and_time_into_price_cost_and_margin,
    an_estimate_over_the_threshold_waits_for_its_technical_architect,
    a_sow_goes_through_its_chain_and_its_signature_sets_up_the_project,
    a_rejected_sow_is_revised_into_a_new_revision,
    a_standard_sku_order_makes_its_project_without_a_sow,
    the_signature_takes_over_the_project_work_at_risk_made,
);

const DAY: Date = date!(2026 - 11 - 02);

/// An offering whose unit is 10 engineer hours and 2 PM hours, a SKU of it at $5,000,
/// and the EMEA USD rate card: engineers bill $200 and cost $90, PMs cost $100.
async fn catalog(db: &Db) -> Sku {
    let ty: OfferingType = new(db
        .create(
            &ctx(),
            OfferingTypeFields {
                category: "Consulting".into(),
                name: "Migration".into(),
                description: None,
            },
        )
        .await
        .expect("type"));
    let offering: Offering = new(db
        .create(
            &ctx(),
            OfferingFields {
                type_id: ty.id,
                name: "Repository migration".into(),
                maturity: Maturity::Complete,
                description: None,
                kit_links: vec![],
                checklist: vec!["Kick-off deck".into(), "Access checklist".into()],
                effort: vec![
                    Effort {
                        role: Function::Engineer,
                        minutes: Minutes(600),
                    },
                    Effort {
                        role: Function::ProjectManager,
                        minutes: Minutes(120),
                    },
                ],
            },
        )
        .await
        .expect("offering"));
    let mut f = sku_fields(&offering, "PS-MIG");
    f.bounds = vec![Bound {
        measure: "repositories".into(),
        max: 25,
    }];
    let sku: Sku = new(db.create(&ctx(), f).await.expect("sku"));
    let _: SkuPrice = new(db
        .create(
            &ctx(),
            SkuPriceFields {
                sku_id: sku.id,
                effective_from: date!(2026 - 01 - 01),
                price: usd(500_000),
                note: None,
            },
        )
        .await
        .expect("price"));
    for (kind, role, minor) in [
        (RateKind::Bill, Function::Engineer, 20_000),
        (RateKind::StandardCost, Function::Engineer, 9_000),
        (RateKind::StandardCost, Function::ProjectManager, 10_000),
    ] {
        let _: RoleRate = new(db
            .create(
                &ctx(),
                RoleRateFields {
                    kind,
                    role,
                    region: "EMEA".into(),
                    rate: usd(minor),
                    effective_from: date!(2026 - 01 - 01),
                    effective_to: None,
                },
            )
            .await
            .expect("rate"));
    }
    sku
}

fn sku_line(sku: &Sku, quantity: i64) -> LineInput {
    LineInput::Sku {
        sku_id: sku.id,
        quantity,
        seats: None,
        measures: vec![],
    }
}

pub fn engineer(hours: i64) -> LineInput {
    LineInput::TimeAndMaterials {
        role: Function::Engineer,
        minutes: Minutes(hours * 60),
        description: None,
    }
}

fn estimate_fields(o: &Opportunity, lines: Vec<LineInput>) -> EstimateFields {
    EstimateFields {
        opportunity_id: o.id,
        title: Some("Phase 1".into()),
        currency: Currency::USD,
        region: "EMEA".into(),
        price_date: DAY,
        lines,
        travel_and_expenses: Some(usd(100_000)),
        discount_bp: 1_000,
        notes: None,
    }
}

async fn estimate(db: &Db, o: &Opportunity, lines: Vec<LineInput>) -> Estimate {
    new(db
        .create_estimate(&ctx(), estimate_fields(o, lines))
        .await
        .expect("estimate"))
}

/// An opportunity at strawman WIP with an engagement manager.
async fn scoped(db: &Db, name: &str) -> Opportunity {
    let a = account(db, &format!("{name} Ltd")).await;
    let o = opened(db, &a, name).await;
    let em = person(db, &format!("em.{}@example.com", name.to_lowercase())).await;
    let patch = OpportunityPatch {
        engagement_manager_id: Some(Some(em.id)),
        pain_points: Some(Some("Releases take a week".into())),
        constraints: Some(Some("Must stay on-premises".into())),
        ..Default::default()
    };
    db.update_opportunity(&ctx(), o.id, None, patch).await.expect("em");
    go(db, &o, ScopingState::AwaitingDiscovery, None)
        .await
        .expect("discovery");
    go(db, &o, ScopingState::StrawmanWip, None).await.expect("strawman")
}

/// Shares and agrees an estimate, then moves to SOW WIP.
async fn agreed(db: &Db, o: &Opportunity, e: &Estimate) {
    db.set_estimate_status(&ctx(), e.id, None, EstimateStatus::Shared)
        .await
        .expect("share");
    go(db, o, ScopingState::EstimateFeedback, None).await.expect("feedback");
    db.set_estimate_status(&ctx(), e.id, None, EstimateStatus::Agreed)
        .await
        .expect("agree");
}

async fn an_estimate_prices_skus_and_time_into_price_cost_and_margin(db: &Db) {
    let sku = catalog(db).await;
    let o = scoped(db, "Northwind").await;
    let e = estimate(db, &o, vec![sku_line(&sku, 2), engineer(10)]).await;
    let t = &e.totals;
    // 2 × 5,000 + 10 h × 200 = 12,000; 10 % off = 10,800; + 1,000 T&E = 11,800.
    assert_eq!(
        (t.subtotal, t.discount, t.price, t.total),
        (usd(1_200_000), usd(120_000), usd(1_080_000), usd(1_180_000))
    );
    // COGS: 20 h × 90 + 4 h × 100 + 10 h × 90 = 3,100; margin 7,700 = 71.30 % of 10,800.
    assert_eq!(
        (t.cogs, t.margin, t.margin_bp),
        (usd(310_000), usd(770_000), Some(7_130))
    );
    assert_eq!(t.minutes, Minutes(34 * 60));
    assert_eq!(
        (e.number, e.status, e.ta_review),
        (1, EstimateStatus::Draft, TaReview::NotNeeded)
    );
    assert_eq!(e.priced[0].code.as_deref(), Some("PS-MIG"));
    // The preview prices alike without saving; the next save is version 2.
    let p = db
        .preview_estimate(&estimate_fields(&o, vec![engineer(1)]))
        .await
        .expect("preview");
    assert_eq!(p.totals.subtotal, usd(20_000));
    assert_eq!(estimate(db, &o, vec![engineer(1)]).await.number, 2);
    // Beyond the SKU's bounds, the custom path.
    let big = LineInput::Sku {
        sku_id: sku.id,
        quantity: 1,
        seats: None,
        measures: vec![Measure {
            measure: "repositories".into(),
            value: 40,
        }],
    };
    let err = db
        .create_estimate(&ctx(), estimate_fields(&o, vec![big]))
        .await
        .unwrap_err();
    let Error::Invalid(errors) = &err else {
        panic!("{err:?}")
    };
    assert!(errors[0].message.contains("custom path"), "{}", errors[0].message);
    assert_eq!(broken(err), [("lines[0].measures".to_string(), Rule::OutsideBounds)]);
    // A role without a bill rate in the region is named.
    let pm = LineInput::TimeAndMaterials {
        role: Function::TechnicalArchitect,
        minutes: Minutes(60),
        description: None,
    };
    let err = db
        .create_estimate(&ctx(), estimate_fields(&o, vec![pm]))
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("lines[0].role".to_string(), Rule::PriceNotSet)]);
    // Only an active SKU is quoted.
    let patch = psops_core::catalog::skus::SkuPatch {
        status: Some(SkuStatus::Retired),
        ..Default::default()
    };
    let _: Sku = db.update(&ctx(), sku.id, None, patch).await.expect("retire");
    let err = db
        .create_estimate(&ctx(), estimate_fields(&o, vec![sku_line(&sku, 1)]))
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("lines[0].sku_id".to_string(), Rule::NotActive)]);
    // A saved version never changes; status moves draft → shared → agreed.
    let err = db
        .set_estimate_status(&ctx(), e.id, None, EstimateStatus::Declined)
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("status".to_string(), Rule::InvalidTransition)]);
    let shared = db
        .set_estimate_status(&ctx(), e.id, None, EstimateStatus::Shared)
        .await
        .expect("share");
    assert_eq!(shared.totals, e.totals);
    let o: Opportunity = db.get(o.id).await.expect("read");
    assert!(o.event(Event::EstimateShared).is_some());
}

async fn set_threshold(db: &Db, minor: i64) {
    let mut s = db.settings().await.expect("settings").scoping;
    s.ta_threshold = usd(minor);
    let patch = SettingsPatch {
        scoping: Some(s),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("threshold");
}

async fn an_estimate_over_the_threshold_waits_for_its_technical_architect(db: &Db) {
    let sku = catalog(db).await;
    set_threshold(db, 1_000_000).await;
    let o = scoped(db, "Contoso").await;
    let e = estimate(db, &o, vec![sku_line(&sku, 2), engineer(10)]).await;
    assert_eq!(e.ta_review, TaReview::NeedsReview, "10,800 is over 10,000");
    agreed(db, &o, &e).await;
    let err = go(db, &o, ScopingState::SowWip, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.field == "ta_review" && f.rule == Rule::Gate),
        "{err:?}"
    );
    // The review goes to the opportunity's TA, so one must be engaged first.
    let err = db.request_ta_review(&ctx(), e.id, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Conflict(f) if f.field == "technical_architect_id"),
        "{err:?}"
    );
    let ta = person(db, "ta@example.com").await;
    let days = db.work_days(None).await.expect("days");
    let needed_by = days.add_days(OffsetDateTime::now_utc().date(), 2);
    let r = TaRequest {
        technical_architect_id: ta.id,
        needed_by,
    };
    db.request_ta(&ctx(), o.id, None, r).await.expect("ta");
    let waiting = db.request_ta_review(&ctx(), e.id, None).await.expect("review");
    assert_eq!(waiting.ta_review, TaReview::Waiting);
    // Due two business days on.
    let due = waiting.ta_due_at.expect("due");
    assert_eq!(due, days.add_hours(waiting.meta.updated_at, 48));
    let err = db
        .decide_ta_review(&ctx(), e.id, None, Verdict::Reject, None)
        .await
        .unwrap_err();
    assert_eq!(broken(err), [("reason".to_string(), Rule::DependsOn)]);
    let ok = db
        .decide_ta_review(&ctx(), e.id, None, Verdict::Approve, None)
        .await
        .expect("approve");
    assert_eq!(ok.ta_review, TaReview::Approved);
    let o = go(db, &o, ScopingState::SowWip, None).await.expect("sow wip");
    assert!(o.event(Event::IntentToProceed).is_some());
}

/// One approver for each SOW step, in the handbook's order.
async fn approvers(db: &Db) -> Vec<(SowRole, UserId)> {
    let mut out = Vec::new();
    for role in [
        SowRole::RegionalDeliveryManager,
        SowRole::Revenue,
        SowRole::Finance,
        SowRole::PsDirector,
        SowRole::Legal,
        SowRole::Signatory,
    ] {
        out.push((
            role,
            fixtures::user(
                db,
                &format!("{}@example.com", psops_core::code::Code::code(&role)),
                vec![Role::Finance],
            )
            .await,
        ));
    }
    let mut s: ScopingSettings = db.settings().await.expect("settings").scoping;
    s.sow_approvers = out
        .iter()
        .map(|(role, u)| SowStep {
            role: *role,
            approver: Some(*u),
        })
        .collect();
    let patch = SettingsPatch {
        scoping: Some(s),
        ..Default::default()
    };
    db.update_settings(&ctx(), patch).await.expect("approvers");
    out
}

pub fn sow_fields(e: &Estimate) -> SowFields {
    let half = e.totals.price.amount_minor / 2;
    SowFields {
        estimate_id: e.id,
        title: "Repository migration".into(),
        scope: "Move 20 repositories.".into(),
        activities: vec!["Assess".into(), "Migrate".into()],
        billing_type: BillingType::FixedFee,
        billing_terms: BillingTerms::PerMilestone,
        milestones: vec![
            MilestoneTerm {
                name: "Design signed off".into(),
                due: date!(2027 - 01 - 29),
                amount: Money::new(half, Currency::USD),
            },
            MilestoneTerm {
                name: "Cut-over".into(),
                due: date!(2027 - 03 - 31),
                amount: Money::new(e.totals.price.amount_minor - half, Currency::USD),
            },
        ],
        passive_acceptance_days: 5,
        minimum_minutes_per_week: Some(Minutes(20 * 60)),
        start_date: date!(2027 - 01 - 11),
        end_date: date!(2027 - 03 - 31),
        expires_on: OffsetDateTime::now_utc().date() + Duration::days(30),
        delay_language: None,
        assumptions: vec!["Remote delivery".into()],
        out_of_scope: vec!["Licences".into()],
    }
}

/// An opportunity at SOW WIP with an agreed estimate (margin as given by its lines).
pub async fn at_sow_wip(db: &Db, name: &str, lines: Vec<LineInput>) -> (Opportunity, Estimate) {
    let o = scoped(db, name).await;
    let e = estimate(db, &o, lines).await;
    agreed(db, &o, &e).await;
    let o = go(db, &o, ScopingState::SowWip, None).await.expect("sow wip");
    (o, e)
}

async fn decide(db: &Db, s: &Sow, who: UserId, v: Verdict, reason: Option<&str>) -> psops_core::Result<Sow> {
    db.decide_sow(&as_user(who), s.id, None, v, reason.map(str::to_string))
        .await
}

async fn a_sow_goes_through_its_chain_and_its_signature_sets_up_the_project(db: &Db) {
    let sku = catalog(db).await;
    let chain = approvers(db).await;
    let who = |role: SowRole| chain.iter().find(|(r, _)| *r == role).expect("role").1;
    // A thin margin: T&M at 200 against a 90 cost, 60 % off, brings finance in.
    let (o, e) = at_sow_wip(db, "Fabrikam", vec![sku_line(&sku, 1), engineer(40)]).await;
    let mut thin = estimate_fields(&o, vec![engineer(40)]);
    thin.discount_bp = 6_000;
    let thin: Estimate = new(db.create_estimate(&ctx(), thin).await.expect("thin"));
    db.set_estimate_status(&ctx(), thin.id, None, EstimateStatus::Agreed)
        .await
        .expect("agree");
    // A SOW is built from an agreed estimate and its milestones add up to the price.
    let mut bad = sow_fields(&e);
    bad.milestones[0].amount = usd(1);
    let err = db.draft_sow(&ctx(), o.id, bad).await.unwrap_err();
    assert_eq!(broken(err), [("milestones".to_string(), Rule::Matches)]);
    let s: Sow = new(db.draft_sow(&ctx(), o.id, sow_fields(&thin)).await.expect("draft"));
    assert_eq!(
        (s.number.as_str(), s.revision, s.status),
        ("SOW-0001", 1, SowStatus::Draft)
    );
    let o2: Opportunity = db.get(o.id).await.expect("read");
    assert!(o2.event(Event::SowDrafted).is_some());
    let s = db.submit_sow(&ctx(), s.id, None).await.expect("submit");
    let roles: Vec<SowRole> = s.chain.iter().map(|st| st.role).collect();
    assert!(
        roles.contains(&SowRole::Finance),
        "margin under 30 % brings finance in: {roles:?}"
    );
    // Out of order, or by the wrong person: refused.
    let err = decide(db, &s, who(SowRole::Revenue), Verdict::Approve, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    // The RDM's approval moves the scoping record to ready for approval.
    decide(db, &s, who(SowRole::RegionalDeliveryManager), Verdict::Approve, None)
        .await
        .expect("rdm");
    let o3: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(o3.state, ScopingState::ReadyForApproval);
    for role in [SowRole::Revenue, SowRole::Finance] {
        decide(db, &s, who(role), Verdict::Approve, None)
            .await
            .expect("approve");
    }
    let o4: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(
        o4.state,
        ScopingState::ReadyForApproval,
        "approved waits for the PS director"
    );
    decide(db, &s, who(SowRole::PsDirector), Verdict::Approve, None)
        .await
        .expect("director");
    let o5: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(o5.state, ScopingState::Approved);
    assert!(o5.event(Event::FinalContent).is_some());
    // Not yet approved by all: no signature.
    let sign = |today| Signature {
        signed_by: "Pat Customer".into(),
        today,
    };
    let err = db
        .sign_sow(&ctx(), s.id, None, sign(OffsetDateTime::now_utc().date()))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "status"), "{err:?}");
    decide(db, &s, who(SowRole::Legal), Verdict::Approve, None)
        .await
        .expect("legal");
    let o6: Opportunity = db.get(o.id).await.expect("read");
    assert!(o6.event(Event::SowStamped).is_some());
    let s = decide(db, &s, who(SowRole::Signatory), Verdict::Approve, None)
        .await
        .expect("signatory");
    assert_eq!(s.status, SowStatus::Approved);
    assert_eq!(db.sow_decisions(s.id).await.expect("decisions").len(), 6);
    // An expired SOW cannot be signed.
    let err = db
        .sign_sow(&ctx(), s.id, None, sign(s.fields.expires_on + Duration::days(1)))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "expires_on"), "{err:?}");
    let hook = psops_core::webhooks::NewSubscription {
        url: "https://hooks.example/sales".into(),
        description: None,
        events: vec![psops_core::webhooks::EventKind::SowSigned],
        active: true,
    };
    db.create_webhook(&ctx(), &hook).await.expect("webhook");
    let signed = db
        .sign_sow(&ctx(), s.id, None, sign(s.fields.expires_on))
        .await
        .expect("sign");
    assert_eq!(signed.status, SowStatus::Signed);
    let won: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(won.state, ScopingState::ClosedWon);
    assert!(won.closed_quarter.is_some());
    // The project is in set-up with its budget, milestones, hard requests and checklist.
    let p: Project = db.get(signed.project_id.expect("project")).await.expect("project");
    assert_eq!(p.fields.status, ProjectStatus::InSetUp);
    assert_eq!(p.fields.code.as_deref(), Some("SOW-0001"));
    assert_eq!(p.fields.budget, Some(thin.totals.price));
    assert_eq!(p.fields.budget_minutes, Some(Minutes(40 * 60)));
    let ms = db
        .every(&PlanFilterOf::<Milestone>::of(p.id))
        .await
        .expect("milestones");
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].fields.amount.map(|a| a.currency), Some(Currency::USD));
    let rr = db
        .every(&PlanFilterOf::<ResourceRequest>::of(p.id))
        .await
        .expect("requests");
    assert_eq!(rr.len(), 1);
    assert_eq!(
        (rr[0].fields.role, rr[0].fields.minutes, rr[0].fields.booking),
        (Function::Engineer, Minutes(2_400), Booking::Hard)
    );
    // T&M only: no offering, so no checklist; signing twice is refused.
    let items = db
        .every(&PlanFilterOf::<ChecklistItem>::of(p.id))
        .await
        .expect("checklist");
    assert!(items.is_empty());
    assert!(
        db.sign_sow(&ctx(), s.id, None, sign(s.fields.expires_on))
            .await
            .is_err()
    );
    let counts = db.win_counts().await.expect("wins");
    assert_eq!(counts.iter().map(|c| c.won).sum::<i64>(), 1);
    let heard = db
        .webhook_deliveries(&Default::default(), psops_core::page::PageRequest::default())
        .await
        .expect("deliveries")
        .items;
    let kinds: Vec<_> = heard.iter().map(|d| d.event).collect();
    assert_eq!(
        kinds,
        [psops_core::webhooks::EventKind::SowSigned],
        "signed once, heard once"
    );
}

async fn a_rejected_sow_is_revised_into_a_new_revision(db: &Db) {
    let sku = catalog(db).await;
    let chain = approvers(db).await;
    let (o, e) = at_sow_wip(db, "Tailspin", vec![sku_line(&sku, 2)]).await;
    let s: Sow = new(db.draft_sow(&ctx(), o.id, sow_fields(&e)).await.expect("draft"));
    // Only one SOW in flight per opportunity.
    let err = db.draft_sow(&ctx(), o.id, sow_fields(&e)).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    let s = db.submit_sow(&ctx(), s.id, None).await.expect("submit");
    // A healthy margin and no big discount: no finance step.
    assert!(!s.chain.iter().any(|st| st.role == SowRole::Finance));
    let rdm = chain[0].1;
    let err = decide(db, &s, rdm, Verdict::Reject, Some(" ")).await.unwrap_err();
    assert_eq!(broken(err), [("reason".to_string(), Rule::DependsOn)]);
    let rejected = decide(db, &s, rdm, Verdict::Reject, Some("dates too tight"))
        .await
        .expect("reject");
    assert_eq!(rejected.status, SowStatus::Rejected);
    // A rejected revision does not change; it is revised into revision 2.
    let patch = psops_core::scoping::sows::SowPatch {
        title: Some("New title".into()),
        ..Default::default()
    };
    assert!(db.update_sow(&ctx(), s.id, None, patch.clone()).await.is_err());
    let r2: Sow = new(db.revise_sow(&ctx(), s.id, None).await.expect("revise"));
    assert_eq!(
        (r2.number.as_str(), r2.revision, r2.status),
        (s.number.as_str(), 2, SowStatus::Draft)
    );
    let old: Sow = db.get(s.id).await.expect("old");
    assert_eq!(old.status, SowStatus::Superseded);
    let r2 = db.update_sow(&ctx(), r2.id, None, patch).await.expect("edit");
    let changes = diff(&old, &r2);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "title");
    // Expiry passes through a revision too: the new one is submitted afresh.
    let r2 = db.submit_sow(&ctx(), r2.id, None).await.expect("submit again");
    assert_eq!((r2.round, r2.status), (1, SowStatus::InReview));
}

async fn a_standard_sku_order_makes_its_project_without_a_sow(db: &Db) {
    let sku = catalog(db).await;
    let o = scoped(db, "Litware").await;
    let mixed = estimate(db, &o, vec![sku_line(&sku, 1), engineer(5)]).await;
    db.set_estimate_status(&ctx(), mixed.id, None, EstimateStatus::Agreed)
        .await
        .expect("agree");
    let err = db.order(&ctx(), mixed.id, DAY).await.unwrap_err();
    assert!(matches!(&err, Error::Conflict(f) if f.field == "lines[1]"), "{err:?}");
    let plain = estimate(db, &o, vec![sku_line(&sku, 3)]).await;
    // Not agreed yet: no order.
    assert!(db.order(&ctx(), plain.id, DAY).await.is_err());
    db.set_estimate_status(&ctx(), plain.id, None, EstimateStatus::Agreed)
        .await
        .expect("agree");
    let project = db.order(&ctx(), plain.id, DAY).await.expect("order");
    let p: Project = db.get(project).await.expect("project");
    assert_eq!(
        (p.fields.status, p.fields.billing_type),
        (ProjectStatus::InSetUp, BillingType::FixedFee)
    );
    let items = db
        .every(&PlanFilterOf::<ChecklistItem>::of(p.id))
        .await
        .expect("checklist");
    let names: Vec<&str> = items.iter().map(|i| i.fields.item.as_str()).collect();
    assert_eq!(names, ["Kick-off deck", "Access checklist"]);
    let rr = db
        .every(&PlanFilterOf::<ResourceRequest>::of(p.id))
        .await
        .expect("requests");
    assert_eq!(rr.len(), 2, "engineer and PM hours");
    let won: Opportunity = db.get(o.id).await.expect("read");
    assert_eq!(won.state, ScopingState::ClosedWon);
}

async fn the_signature_takes_over_the_project_work_at_risk_made(db: &Db) {
    use psops_core::scoping::changes::{Change, ChangeFields, ChangeKind, NewChange};
    let sku = catalog(db).await;
    let chain = approvers(db).await;
    let (o, e) = at_sow_wip(db, "Adatum", vec![sku_line(&sku, 2)]).await;
    let risk = ChangeFields {
        kind: ChangeKind::WorkAtRisk,
        project_id: None,
        opportunity_id: Some(o.id),
        title: "Start before signature".into(),
        description: None,
        new_start_date: None,
        new_end_date: None,
        add_budget: None,
        add_minutes: None,
        new_billing_type: None,
        add_milestones: vec![],
        move_milestones: vec![],
        cause: None,
        starts_on: Some(date!(2027 - 01 - 04)),
    };
    let c: Change = new(db
        .create(
            &ctx(),
            NewChange {
                raised_by: None,
                fields: risk,
            },
        )
        .await
        .expect("risk"));
    db.submit_change(&ctx(), c.id, None).await.expect("submit");
    let c = db
        .decide_change(&as_user(chain[3].1), c.id, None, Verdict::Approve, None)
        .await
        .expect("approve");
    let at_risk = c.applied.expect("applied").project_id.expect("project");
    // The agreed estimate's hours are booked soft while the work is at risk.
    let soft = db
        .every(&PlanFilterOf::<ResourceRequest>::of(at_risk))
        .await
        .expect("requests");
    let soft: Vec<(Function, Booking)> = soft.iter().map(|r| (r.fields.role, r.fields.booking)).collect();
    assert_eq!(
        soft,
        [
            (Function::Engineer, Booking::Soft),
            (Function::ProjectManager, Booking::Soft)
        ]
    );
    let s: Sow = new(db.draft_sow(&ctx(), o.id, sow_fields(&e)).await.expect("draft"));
    let s = db.submit_sow(&ctx(), s.id, None).await.expect("submit");
    for step in s.chain.clone() {
        db.decide_sow(
            &as_user(step.approver.expect("approver")),
            s.id,
            None,
            Verdict::Approve,
            None,
        )
        .await
        .expect("approve");
    }
    let sign = Signature {
        signed_by: "Pat Customer".into(),
        today: OffsetDateTime::now_utc().date(),
    };
    let signed = db.sign_sow(&ctx(), s.id, None, sign).await.expect("sign");
    assert_eq!(signed.project_id, Some(at_risk), "no second project");
    let p: Project = db.get(at_risk).await.expect("project");
    assert_eq!(p.fields.status, ProjectStatus::InSetUp);
    assert_eq!(p.fields.budget, Some(e.totals.price));
    assert_eq!(
        p.fields.start_date,
        Some(date!(2027 - 01 - 04)),
        "the earlier start stays"
    );
    // The signature makes them hard, the same requests.
    let hard = db
        .every(&PlanFilterOf::<ResourceRequest>::of(at_risk))
        .await
        .expect("requests");
    assert_eq!(hard.len(), 2);
    assert!(hard.iter().all(|r| r.fields.booking == Booking::Hard), "{hard:?}");
}
