//! The scoping records the authorization matrix acts on: opportunities of the engagement
//! manager's (with the consultant as technical architect) or of someone else's,
//! estimates and SOWs at each stage, and a project's plan — fresh for every cell.

use psops_core::catalog::offerings::{Effort, Maturity, OfferingFields, OfferingTypeFields};
use psops_core::catalog::requests::Verdict;
use psops_core::catalog::skus::{SkuFields, SkuPriceFields};
use psops_core::catalog::{Channel, SkuStatus, Unit};
use psops_core::people::Function;
use psops_core::plan::{Booking, ChecklistItemFields, MilestoneFields, MilestoneStatus, ResourceRequestFields};
use psops_core::policy::{Action, Subject, grant};
use psops_core::projects::BillingType;
use psops_core::rates::RateKind;
use psops_core::rates::cards::RoleRateFields;
use psops_core::scoping::ScopingSettings;
use psops_core::scoping::estimates::{EstimateFields, EstimateStatus};
use psops_core::scoping::opportunities::{EmStatus, OpportunityFields, Segment};
use psops_core::scoping::pricing::LineInput;
use psops_core::scoping::sows::{BillingTerms, SowFields, SowRole, SowStep};
use psops_core::scoping::states::ScopingState;
use psops_core::scoping::store::{Move, TaRequest};
use psops_core::settings::SettingsPatch;
use psops_core::store::{Created, Records as _, Store, WriteCtx};
use psops_core::{Currency, Id, Minutes, Money};
use time::macros::date;
use time::{Duration, OffsetDateTime};

use crate::matrix_fixture::{Org, next};

pub const ADMIN: usize = 0;
pub const FINANCE: usize = 2;
pub const ENGAGEMENT: usize = 4;
pub const CONSULTANT: usize = 6;
pub const LEADERSHIP: usize = 9;

fn ctx() -> WriteCtx {
    WriteCtx::trusted()
}

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

fn as_user(u: i64) -> WriteCtx {
    let me = Subject {
        user_id: Id::new(u),
        roles: vec![],
        person_id: None,
        partner_id: None,
        read_only: false,
    };
    WriteCtx::granted(grant(&me, Action::Read, None).expect("grant"), Id::new(u), None)
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

/// SOW approvers (leadership as RDM and PS director, finance as revenue, finance and
/// signatory, the administrator as legal), a TA threshold every estimate is over, the
/// rate card and a standard SKU.
pub async fn setup(store: &dyn Store, org: &Org) {
    let user = |i: usize| Some(Id::new(org.users[i]));
    let steps = [
        (SowRole::RegionalDeliveryManager, LEADERSHIP),
        (SowRole::Revenue, FINANCE),
        (SowRole::Finance, FINANCE),
        (SowRole::PsDirector, LEADERSHIP),
        (SowRole::Legal, ADMIN),
        (SowRole::Signatory, FINANCE),
    ];
    let scoping = ScopingSettings {
        sow_approvers: steps
            .iter()
            .map(|(role, i)| SowStep {
                role: *role,
                approver: user(*i),
            })
            .collect(),
        ta_threshold: usd(100_000),
        ..Default::default()
    };
    let patch = SettingsPatch {
        scoping: Some(scoping),
        ..Default::default()
    };
    store.update_settings(&ctx(), patch).await.expect("settings");
    for (kind, minor) in [(RateKind::Bill, 20_000), (RateKind::StandardCost, 9_000)] {
        let f = RoleRateFields {
            kind,
            role: Function::Engineer,
            region: "EMEA".into(),
            rate: usd(minor),
            effective_from: date!(2020 - 01 - 01),
            effective_to: None,
        };
        let _: psops_core::rates::RoleRate = made(store.create(&ctx(), f).await.expect("rate"));
    }
    let ty: psops_core::catalog::OfferingType = made(
        store
            .create(
                &ctx(),
                OfferingTypeFields {
                    category: "Consulting".into(),
                    name: "Scoping matrix".into(),
                    description: None,
                },
            )
            .await
            .expect("type"),
    );
    let offering: psops_core::catalog::Offering = made(
        store
            .create(
                &ctx(),
                OfferingFields {
                    type_id: ty.id,
                    name: "Health check".into(),
                    maturity: Maturity::Complete,
                    description: None,
                    kit_links: vec![],
                    checklist: vec!["Kick-off".into()],
                    effort: vec![Effort {
                        role: Function::Engineer,
                        minutes: Minutes(600),
                    }],
                },
            )
            .await
            .expect("offering"),
    );
    let sku: psops_core::catalog::Sku = made(
        store
            .create(
                &ctx(),
                SkuFields {
                    offering_id: offering.id,
                    code: "MATRIX-HC".into(),
                    name: "Health check".into(),
                    unit: Unit::FixedPackage,
                    block_minutes: None,
                    term_months: None,
                    currency: Currency::USD,
                    seat_limit: None,
                    addon_sku_id: None,
                    bounds: vec![],
                    bounds_note: None,
                    always_custom: false,
                    standard_sow: true,
                    te_separate: false,
                    channel: Channel::SalesAssisted,
                    status: SkuStatus::Active,
                },
            )
            .await
            .expect("sku"),
    );
    let price = SkuPriceFields {
        sku_id: sku.id,
        effective_from: date!(2020 - 01 - 01),
        price: usd(500_000),
        note: None,
    };
    let _: psops_core::catalog::SkuPrice = made(store.create(&ctx(), price).await.expect("price"));
}

/// The SKU `setup` made, found in this test's own database (the SQLite and PostgreSQL
/// runs share the process, so nothing of one may live in a static).
pub async fn sku(store: &dyn Store) -> i64 {
    let filter = psops_core::catalog::skus::SkuFilter {
        q: Some("MATRIX-HC".into()),
        ..Default::default()
    };
    store.every(&filter).await.expect("skus")[0].id.get()
}

pub fn opportunity_fields(org: &Org, own: bool) -> OpportunityFields {
    let em = if own { org.people[ENGAGEMENT] } else { org.people[ADMIN] };
    OpportunityFields {
        name: format!("Opportunity {}", next()),
        account_id: Id::new(org.account_x),
        crm_id: None,
        sales_owner: None,
        engagement_manager_id: Some(Id::new(em)),
        segment: Segment::EntEmea,
        public_sector: false,
        stage: None,
        close_date: None,
        currency: Currency::USD,
        amount: None,
        ps_value: Some(usd(10_000_000)),
        edu_value_override: None,
        em_confidence: None,
        em_status: EmStatus::ToDo,
        pain_points: Some("Slow".into()),
        constraints: Some("On-premises".into()),
        keep_open: false,
    }
}

async fn go(store: &dyn Store, id: i64, to: ScopingState) {
    store
        .move_opportunity(&ctx(), Id::new(id), None, Move { to, reason: None })
        .await
        .expect("move");
}

/// A fresh opportunity: the engagement manager's own (the consultant engaged as its TA)
/// or someone else's.
pub async fn opportunity(store: &dyn Store, org: &Org, own: bool) -> i64 {
    let o: psops_core::scoping::opportunities::Opportunity = made(
        store
            .open_opportunity(&ctx(), opportunity_fields(org, own))
            .await
            .expect("opportunity"),
    );
    if own {
        let r = TaRequest {
            technical_architect_id: Id::new(org.people[CONSULTANT]),
            needed_by: OffsetDateTime::now_utc().date() + Duration::days(30),
        };
        store.request_ta(&ctx(), o.id, None, r).await.expect("ta");
    }
    o.id.get()
}

pub fn estimate_fields(opportunity: i64, sku: i64) -> EstimateFields {
    EstimateFields {
        opportunity_id: Id::new(opportunity),
        title: None,
        currency: Currency::USD,
        region: "EMEA".into(),
        price_date: OffsetDateTime::now_utc().date(),
        lines: vec![LineInput::Sku {
            sku_id: Id::new(sku),
            quantity: 1,
            seats: None,
            measures: vec![],
        }],
        travel_and_expenses: None,
        discount_bp: 0,
        notes: None,
    }
}

/// Where a fresh estimate of the engagement manager's own opportunity stands.
#[derive(Clone, Copy, Debug)]
pub enum EstimateStage {
    Draft,
    /// With the TA (the consultant) for review.
    Waiting,
    /// Agreed and approved by the TA: ready for an order or a SOW; the opportunity is at
    /// SOW WIP.
    Ready,
}

pub async fn estimate(store: &dyn Store, org: &Org, stage: EstimateStage) -> i64 {
    let o = opportunity(store, org, true).await;
    go(store, o, ScopingState::AwaitingDiscovery).await;
    go(store, o, ScopingState::StrawmanWip).await;
    let fields = estimate_fields(o, sku(store).await);
    let e: psops_core::scoping::estimates::Estimate =
        made(store.create_estimate(&ctx(), fields).await.expect("estimate"));
    if matches!(stage, EstimateStage::Draft) {
        return e.id.get();
    }
    store.request_ta_review(&ctx(), e.id, None).await.expect("review");
    if matches!(stage, EstimateStage::Waiting) {
        return e.id.get();
    }
    store
        .decide_ta_review(&as_user(org.users[CONSULTANT]), e.id, None, Verdict::Approve, None)
        .await
        .expect("ta approves");
    store
        .set_estimate_status(&ctx(), e.id, None, EstimateStatus::Shared)
        .await
        .expect("share");
    go(store, o, ScopingState::EstimateFeedback).await;
    store
        .set_estimate_status(&ctx(), e.id, None, EstimateStatus::Agreed)
        .await
        .expect("agree");
    go(store, o, ScopingState::SowWip).await;
    e.id.get()
}

/// An opportunity at SOW WIP with a ready estimate.
pub async fn at_sow_wip(store: &dyn Store, org: &Org) -> i64 {
    let e = estimate(store, org, EstimateStage::Ready).await;
    let e: psops_core::scoping::estimates::Estimate = store.get(Id::new(e)).await.expect("estimate");
    e.fields.opportunity_id.get()
}

/// The agreed estimate of an opportunity at SOW WIP.
pub async fn agreed(store: &dyn Store, opportunity: i64) -> i64 {
    let filter = psops_core::scoping::estimates::EstimateFilter {
        opportunity_id: Some(Id::new(opportunity)),
        status: Some(EstimateStatus::Agreed),
        ..Default::default()
    };
    store.every(&filter).await.expect("estimates")[0].id.get()
}

pub fn sow_fields(estimate: i64) -> SowFields {
    SowFields {
        estimate_id: Id::new(estimate),
        title: "Health check".into(),
        scope: "Review the platform.".into(),
        activities: vec![],
        billing_type: BillingType::FixedFee,
        billing_terms: BillingTerms::AtCompletion,
        milestones: vec![],
        passive_acceptance_days: 5,
        minimum_minutes_per_week: None,
        start_date: date!(2027 - 01 - 04),
        end_date: date!(2027 - 02 - 26),
        expires_on: OffsetDateTime::now_utc().date() + Duration::days(60),
        delay_language: None,
        assumptions: vec![],
        out_of_scope: vec![],
    }
}

/// Where a fresh SOW of the engagement manager's own opportunity stands.
#[derive(Clone, Copy, Debug)]
pub enum SowStage {
    Draft,
    /// Submitted: the RDM (leadership) decides.
    AtRdm,
    Rejected,
    /// Every step approved: ready to sign.
    Approved,
}

pub async fn sow(store: &dyn Store, org: &Org, stage: SowStage) -> i64 {
    let o = at_sow_wip(store, org).await;
    let fields = sow_fields(agreed(store, o).await);
    let s: psops_core::scoping::sows::Sow = made(store.draft_sow(&ctx(), Id::new(o), fields).await.expect("sow"));
    if matches!(stage, SowStage::Draft) {
        return s.id.get();
    }
    let s = store.submit_sow(&ctx(), s.id, None).await.expect("submit");
    let decide = |who: usize, v: Verdict, reason: Option<&str>| {
        let reason = reason.map(str::to_string);
        async move {
            store
                .decide_sow(&as_user(org.users[who]), s.id, None, v, reason)
                .await
                .expect("decide")
        }
    };
    match stage {
        SowStage::AtRdm | SowStage::Draft => {}
        SowStage::Rejected => {
            decide(LEADERSHIP, Verdict::Reject, Some("dates")).await;
        }
        SowStage::Approved => {
            for who in s.chain.iter().map(|st| st.approver.expect("approver").get()) {
                let i = org.users.iter().position(|u| *u == who).expect("user");
                decide(i, Verdict::Approve, None).await;
            }
        }
    }
    s.id.get()
}

pub fn milestone_fields(project: i64) -> MilestoneFields {
    MilestoneFields {
        project_id: Id::new(project),
        name: format!("Milestone {}", next()),
        due_date: None,
        amount: None,
        status: MilestoneStatus::Open,
    }
}

pub fn request_fields(project: i64) -> ResourceRequestFields {
    ResourceRequestFields::new(
        Id::new(project),
        Function::Engineer,
        Minutes(600),
        None,
        None,
        Booking::Soft,
    )
}

pub fn item_fields(project: i64) -> ChecklistItemFields {
    ChecklistItemFields {
        project_id: Id::new(project),
        position: 1,
        item: "Kick-off".into(),
        done: false,
    }
}

pub async fn milestone(store: &dyn Store, project: i64) -> i64 {
    let m: psops_core::plan::Milestone = made(store.create(&ctx(), milestone_fields(project)).await.expect("m"));
    m.id.get()
}

pub async fn resource_request(store: &dyn Store, project: i64) -> i64 {
    let m: psops_core::plan::ResourceRequest = made(store.create(&ctx(), request_fields(project)).await.expect("r"));
    m.id.get()
}

/// A request with dates inside its project's (suggestions and booking need them), held
/// softly by `holder` when one is given.
pub async fn dated_request(store: &dyn Store, project: i64, holder: Option<i64>) -> i64 {
    let f = ResourceRequestFields {
        start_date: Some(date!(2026 - 11 - 02)),
        end_date: Some(date!(2026 - 11 - 27)),
        ..request_fields(project)
    };
    let m: psops_core::plan::ResourceRequest = made(store.create(&ctx(), f).await.expect("r"));
    if let Some(person) = holder {
        let b = psops_core::staffing::store::BookRequest {
            person_id: Id::new(person),
            booking: Some(psops_core::plan::Booking::Soft),
        };
        store.book(&ctx(), m.id, &b).await.expect("held");
    }
    m.id.get()
}

pub async fn checklist_item(store: &dyn Store, project: i64) -> i64 {
    let m: psops_core::plan::ChecklistItem = made(store.create(&ctx(), item_fields(project)).await.expect("c"));
    m.id.get()
}

pub fn change_fields(project: i64) -> psops_core::scoping::changes::ChangeFields {
    psops_core::scoping::changes::ChangeFields {
        kind: psops_core::scoping::changes::ChangeKind::WorkException,
        project_id: Some(Id::new(project)),
        opportunity_id: None,
        title: format!("Exception {}", next()),
        description: None,
        new_start_date: None,
        new_end_date: None,
        add_budget: None,
        add_minutes: Some(Minutes(600)),
        new_billing_type: None,
        add_milestones: vec![],
        move_milestones: vec![],
        cause: Some(psops_core::scoping::changes::Cause::Scoping),
        starts_on: None,
    }
}

/// A work exception on the project manager's project, raised by ops; submitted when asked.
pub async fn change(store: &dyn Store, org: &Org, project: i64, submitted: bool) -> i64 {
    let ops = org.users[1];
    let new = psops_core::scoping::changes::NewChange {
        raised_by: Some(Id::new(ops)),
        fields: change_fields(project),
    };
    let c: psops_core::scoping::changes::Change = made(store.create(&as_user(ops), new).await.expect("change"));
    if submitted {
        store.submit_change(&ctx(), c.id, None).await.expect("submit");
    }
    c.id.get()
}
