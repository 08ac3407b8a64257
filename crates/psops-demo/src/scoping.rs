//! The demo's scoping: territories, the SOW approvers and the provider name in
//! settings, then every planned deal walked to where it stops through the real store
//! calls — each move through its gate, each SOW step decided by its approver's own
//! write — so the demo holds what users would have left behind, audit trail included.

use time::{Date, Duration, OffsetDateTime};

use psops_core::auth::{Role, UserId};
use psops_core::catalog::requests::Verdict;
use psops_core::scoping::estimates::{Estimate, EstimateStatus, TaReview};
use psops_core::scoping::opportunities::{Opportunity, Quote};
use psops_core::scoping::settings::Territory;
use psops_core::scoping::sows::{self, Sow, SowPatch, SowRole, SowStatus, SowStep};
use psops_core::scoping::states::{PATH, ScopingState};
use psops_core::scoping::store::{Move, Signature, TaRequest};
use psops_core::settings::SettingsPatch;
use psops_core::store::{Created, Store, WriteCtx};
use psops_core::{Money, Result};

use crate::DemoOrg;
use crate::catalog::as_user;
use crate::rng::Rng;
use crate::scoping_docs::{self as docs, Sellable};
use crate::scoping_plan::{self as plan, Deal, Goal, Review, SowEnd};

/// What the organisation signs its SOWs as.
pub const PROVIDER_NAME: &str = "psops Demo Professional Services";

/// Who decides each SOW step, by the demo user's role: the RDM the admin signs in as,
/// revenue and legal at operations' contract desk, finance, and leadership as both PS
/// director and company signatory.
const APPROVERS: [(SowRole, Role); 6] = [
    (SowRole::RegionalDeliveryManager, Role::Admin),
    (SowRole::Revenue, Role::Ops),
    (SowRole::Finance, Role::Finance),
    (SowRole::PsDirector, Role::Leadership),
    (SowRole::Legal, Role::Ops),
    (SowRole::Signatory, Role::Leadership),
];

/// The record a create made; the demo sends no idempotency key, so nothing replays.
pub(crate) fn created<T>(c: Created<T>) -> Result<T> {
    match c {
        Created::New(v) => Ok(v),
        Created::Replayed(_) => Err(psops_core::Error::internal("a demo write was replayed")),
    }
}

/// What every deal's walk needs.
struct Walk<'a> {
    store: &'a dyn Store,
    ctx: &'a WriteCtx,
    today: Date,
    /// The earliest day a TA can be asked for: the demo's today, or the clock's when the
    /// demo ends in the past (the store counts notice from the real clock).
    ask_from: Date,
    catalog: Vec<Sellable>,
    /// The demo users by role, and the ones who decide SOW steps and TA reviews.
    users: &'a [(Role, UserId)],
    em_user: Option<(i64, UserId)>,
    ta_user: Option<UserId>,
}

/// Settings, then every deal. `users` are the demo's users by role.
pub(crate) async fn add(store: &dyn Store, ctx: &WriteCtx, org: &DemoOrg, users: &[(Role, UserId)]) -> Result<()> {
    let today = org.spec().end;
    let records = org.records();
    let mut settings = store.settings().await?.scoping;
    settings.territories = plan::territories(records, today)
        .into_iter()
        .map(|(segment, em)| Territory {
            segment,
            engagement_manager_id: Some(em),
        })
        .collect();
    let user = |role: Role| users.iter().find(|(r, _)| *r == role).map(|(_, u)| *u);
    settings.sow_approvers = APPROVERS
        .iter()
        .map(|(step, role)| SowStep {
            role: *step,
            approver: user(*role),
        })
        .collect();
    settings.provider_name = PROVIDER_NAME.into();
    let patch = SettingsPatch {
        scoping: Some(settings),
        ..Default::default()
    };
    store.update_settings(ctx, patch).await?;
    let person_of = |role: Role| org.users().iter().find(|u| u.role == role).map(|u| u.person_id);
    let walk = Walk {
        store,
        ctx,
        today,
        ask_from: today.max(OffsetDateTime::now_utc().date()),
        catalog: docs::sellable(store, today).await?,
        users,
        em_user: person_of(Role::EngagementManager).zip(user(Role::EngagementManager)),
        ta_user: user(Role::PracticeManager),
    };
    for deal in plan::deals(records, today, org.spec().seed, org.spec().people) {
        walk.deal(&deal).await?;
    }
    // Changes follow the signatures: they are raised on the projects SOWs made.
    crate::scoping_changes::add(store, ctx, org, users).await
}

impl Walk<'_> {
    /// The EM's own write for the demo EM's deals, so their board reads as their work.
    fn em(&self, o: &Opportunity) -> WriteCtx {
        match (self.em_user, o.fields.engagement_manager_id) {
            (Some((person, user)), Some(em)) if em.get() == person => as_user(user),
            _ => self.ctx.clone(),
        }
    }

    async fn go(&self, o: &Opportunity, to: ScopingState, reason: Option<&str>) -> Result<Opportunity> {
        let m = Move {
            to,
            reason: reason.map(str::to_string),
        };
        self.store.move_opportunity(&self.em(o), o.id, None, m).await
    }

    /// Engages the deal's technical architect, with notice.
    async fn ask_ta(&self, deal: &Deal, o: &Opportunity) -> Result<Opportunity> {
        let days = self.store.work_days(o.fields.engagement_manager_id).await?;
        let r = TaRequest {
            technical_architect_id: deal.architect,
            needed_by: days.add_days(self.ask_from, 3),
        };
        let o = self.store.request_ta(&self.em(o), o.id, None, r).await?;
        if deal.ta_assisted {
            return self.store.ta_assisted(&self.em(&o), o.id, None).await;
        }
        Ok(o)
    }

    async fn deal(&self, deal: &Deal) -> Result<()> {
        let store = self.store;
        let mut o = created(store.open_opportunity(self.ctx, deal.fields.clone()).await?)?;
        let reach = deal.goal.reach().step().unwrap_or(0);
        for state in &PATH[1..=reach.min(2)] {
            o = self.go(&o, *state, None).await?;
            if *state == ScopingState::AwaitingDiscovery && deal.ta_early {
                o = self.ask_ta(deal, &o).await?;
            }
        }
        if deal.goal == (Goal::Strawman { drafted: true }) {
            let f = docs::estimate(deal, &o, &self.catalog, 1, self.today);
            store.create_estimate(&self.em(&o), f).await?;
        }
        let mut agreed = None;
        if reach >= 3 {
            let (oo, last) = self.estimates(deal, o).await?;
            o = oo;
            agreed = Some(last);
        }
        if let (Goal::Sow(end), Some(e)) = (deal.goal, agreed) {
            self.sow(deal, &o, &e, end).await?;
        }
        match deal.goal {
            Goal::Hold(_) => {
                let why = [
                    "Customer budget frozen until next quarter",
                    "Customer reorganisation: sponsor left",
                ];
                self.go(&o, ScopingState::OnHold, Some(why[deal.stream as usize % 2]))
                    .await?;
            }
            Goal::Lost(_) => {
                let why = [
                    "Went with a partner's cheaper quote",
                    "No budget this fiscal year",
                    "Customer chose to do it in-house",
                    "Project cancelled after a merger",
                ];
                self.go(&o, ScopingState::ClosedLost, Some(why[deal.stream as usize % 4]))
                    .await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Versions shared, the early ones declined; the last agreed when the deal goes on to
    /// a SOW, with the TA's review where it is over the threshold.
    async fn estimates(&self, deal: &Deal, mut o: Opportunity) -> Result<(Opportunity, Estimate)> {
        let store = self.store;
        let mut last = None;
        for v in 1..=deal.versions {
            let f = docs::estimate(deal, &o, &self.catalog, v, self.today);
            let e = created(store.create_estimate(&self.em(&o), f).await?)?;
            let e = store
                .set_estimate_status(&self.em(&o), e.id, None, EstimateStatus::Shared)
                .await?;
            if v == 1 {
                o = self.go(&o, ScopingState::EstimateFeedback, None).await?;
            }
            if v < deal.versions {
                store
                    .set_estimate_status(&self.em(&o), e.id, None, EstimateStatus::Declined)
                    .await?;
            }
            last = Some(e);
        }
        let Some(mut e) = last else {
            return Err(psops_core::Error::internal(
                "a demo deal has at least one estimate version",
            ));
        };
        if deal.quote {
            // The quote in the CRM follows the shared estimate; edu value is its training.
            let edu = e
                .priced
                .iter()
                .filter(|l| l.code.as_deref().is_some_and(|c| c.starts_with("EDU")))
                .map(|l| l.amount.amount_minor)
                .sum::<i64>();
            let q = Quote {
                ps_value: e.totals.price,
                edu_value: Money::new(
                    edu.max(e.totals.price.amount_minor / 20 / 100 * 100),
                    e.totals.price.currency,
                ),
            };
            o = store.quote_opportunity(&self.em(&o), o.id, None, q).await?;
            if deal.invest {
                let part = Money::new(e.totals.price.amount_minor / 10 / 100 * 100, e.totals.price.currency);
                o = store.invest(&self.em(&o), o.id, None, part).await?;
            }
        }
        let wants_review = matches!(deal.goal, Goal::Feedback { review } if review != Review::NotSent);
        let goes_on = matches!(
            deal.goal,
            Goal::Sow(_) | Goal::Hold(ScopingState::SowWip) | Goal::Lost(ScopingState::SowWip)
        );
        if e.ta_review == TaReview::NeedsReview && (wants_review || goes_on) {
            if o.technical_architect_id.is_none() {
                o = self.ask_ta(deal, &o).await?;
            }
            e = store.request_ta_review(&self.em(&o), e.id, None).await?;
            if goes_on
                || deal.goal
                    == (Goal::Feedback {
                        review: Review::Approved,
                    })
            {
                let by = self.ta_user.map_or_else(|| self.ctx.clone(), as_user);
                e = store.decide_ta_review(&by, e.id, None, Verdict::Approve, None).await?;
            }
        }
        if goes_on {
            e = store
                .set_estimate_status(&self.em(&o), e.id, None, EstimateStatus::Agreed)
                .await?;
            o = self.go(&o, ScopingState::SowWip, None).await?;
        }
        Ok((o, e))
    }

    fn user(&self, role: Role) -> Option<UserId> {
        self.users.iter().find(|(r, _)| *r == role).map(|(_, u)| *u)
    }

    /// Decides the waiting steps of a submitted SOW in order, each by its approver,
    /// until `stop`'s step waits, or rejecting at `reject`'s step.
    async fn decide(&self, mut s: Sow, stop: Option<SowRole>, reject: Option<(SowRole, &str)>) -> Result<Sow> {
        let mut at = 0;
        while s.status == SowStatus::InReview {
            let Some(step) = s.chain.get(at).cloned() else { break };
            if stop == Some(step.role) {
                break;
            }
            let Some(by) = step.approver else { break };
            let (verdict, reason) = match reject {
                Some((role, why)) if role == step.role => (Verdict::Reject, Some(why.to_string())),
                _ => (Verdict::Approve, None),
            };
            s = self.store.decide_sow(&as_user(by), s.id, None, verdict, reason).await?;
            at += 1;
        }
        Ok(s)
    }

    async fn sow(&self, deal: &Deal, o: &Opportunity, e: &Estimate, end: SowEnd) -> Result<()> {
        if end == SowEnd::NotDrafted {
            return Ok(());
        }
        let store = self.store;
        let mut rng = Rng::derive(deal.stream, 4);
        let expires = if end == SowEnd::Expired {
            self.today - Duration::days(rng.between(4, 25))
        } else {
            self.today + Duration::days(rng.between(20, 60))
        };
        let f = docs::sow(deal, o, e, self.today, expires);
        let s = created(store.draft_sow(&self.em(o), o.id, f).await?)?;
        if end == SowEnd::Draft {
            return Ok(());
        }
        let s = store.submit_sow(&self.em(o), s.id, None).await?;
        // Finance names what it read on the estimate: the margin against the target.
        let finance_why = format!(
            "{}: re-scope or reduce the discount before resubmitting",
            sows::finance_reason(&e.totals, e.fields.discount_bp, 3_000, 1_000)
                .unwrap_or_else(|| "margin too thin".into())
        );
        let s = match end {
            SowEnd::AtRdm => return Ok(()),
            SowEnd::RejectedByRdm => {
                let why = "Start date clashes with the regional bench: move it two weeks out";
                self.decide(s, None, Some((SowRole::RegionalDeliveryManager, why)))
                    .await?
            }
            SowEnd::AtRevenue => self.decide(s, Some(SowRole::Revenue), None).await?,
            SowEnd::AtFinance => self.decide(s, Some(SowRole::Finance), None).await?,
            SowEnd::RejectedByFinance => self.decide(s, None, Some((SowRole::Finance, &finance_why))).await?,
            SowEnd::AtDirector => self.decide(s, Some(SowRole::PsDirector), None).await?,
            SowEnd::AtLegal => self.decide(s, Some(SowRole::Legal), None).await?,
            SowEnd::AtSignatory => self.decide(s, Some(SowRole::Signatory), None).await?,
            SowEnd::RevisedSigned => {
                let why = "Milestone dates too tight for the customer's change freeze";
                let rejected = self.decide(s, None, Some((SowRole::Revenue, why))).await?;
                let r2 = created(store.revise_sow(&self.em(o), rejected.id, None).await?)?;
                let later = |d: Date| d + Duration::weeks(2);
                let patch = SowPatch {
                    start_date: Some(later(r2.fields.start_date)),
                    end_date: Some(later(r2.fields.end_date)),
                    milestones: Some(
                        r2.fields
                            .milestones
                            .iter()
                            .map(|m| psops_core::scoping::sows::MilestoneTerm {
                                due: later(m.due),
                                ..m.clone()
                            })
                            .collect(),
                    ),
                    ..Default::default()
                };
                let r2 = store.update_sow(&self.em(o), r2.id, None, patch).await?;
                let r2 = store.submit_sow(&self.em(o), r2.id, None).await?;
                self.decide(r2, None, None).await?
            }
            _ => self.decide(s, None, None).await?,
        };
        if matches!(end, SowEnd::Signed | SowEnd::RevisedSigned) && s.status == SowStatus::Approved {
            let sig = Signature {
                signed_by: deal.signer.clone(),
                today: docs::working(self.today),
            };
            let by = self.user(Role::Leadership).map_or_else(|| self.ctx.clone(), as_user);
            store.sign_sow(&by, s.id, None, sig).await?;
        }
        Ok(())
    }
}
