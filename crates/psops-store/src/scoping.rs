//! The scoping actions: moves through the gates, PS values, TA requests, the idle sweep,
//! estimates' versions and reviews, and SOWs from draft to signature. Each runs in one
//! transaction: the rule from `psops_core::scoping` on the locked rows, then the write and
//! its audit entry.

use async_trait::async_trait;
use psops_core::catalog::requests::Verdict;
use psops_core::people::PersonId;
use psops_core::record::{Entity, Record};
use psops_core::rule::Rule;
use psops_core::scoping::clocks::WorkDays;
use psops_core::scoping::estimates::{self, Estimate, EstimateFields, EstimateId, EstimateStatus, TaReview};
use psops_core::scoping::opportunities::{
    Event, Opportunity, OpportunityFields, OpportunityId, OpportunityPatch, Quote,
};
use psops_core::scoping::states::{ScopingState, TaStatus, check_move, check_ta_request};
use psops_core::scoping::store::{Move, Preview, ScopingStore, TaRequest};
use psops_core::scoping::wins::WinCount;
use psops_core::store::{Created, IfVersion, WriteCtx};
use psops_core::{Error, Money, Result};
use time::{Date, OffsetDateTime};

use crate::db::{now, sql};
use crate::opportunities::{self as opp, current, facts, moved, save};
use crate::record::{Stored, create_in};
use crate::{Db, estimates as est, idempotency};

/// `at` less `months` calendar months (the day clamped to the shorter month's last).
pub(crate) fn months_before(at: OffsetDateTime, months: i64) -> OffsetDateTime {
    let d = at.date();
    let index = i64::from(d.year()) * 12 + i64::from(u8::from(d.month())) - 1 - months;
    let (year, month) = (index.div_euclid(12) as i32, (index.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day)
        .map(|nd| nd.with_time(at.time()).assume_offset(at.offset()))
        .unwrap_or(at)
}

#[async_trait]
impl ScopingStore for Db {
    async fn open_opportunity(&self, ctx: &WriteCtx, mut fields: OpportunityFields) -> Result<Created<Opportunity>> {
        Opportunity::validate(&fields)?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, Entity::Opportunity).await? {
            return Ok(Created::Replayed(previous));
        }
        if fields.engagement_manager_id.is_none() {
            let settings = crate::org::load(&mut tx).await?;
            fields.engagement_manager_id = settings.scoping.manager_of(fields.segment);
        }
        let created = create_in::<Opportunity>(&mut tx, ctx, &fields).await?;
        idempotency::commit(&self.pools, tx, ctx, Entity::Opportunity, created).await
    }

    async fn update_opportunity(
        &self,
        ctx: &WriteCtx,
        id: OpportunityId,
        v: IfVersion,
        patch: OpportunityPatch,
    ) -> Result<Opportunity> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let mut after = before.clone();
        after.fields = patch.apply(before.fields.clone());
        Opportunity::validate(&after.fields)?;
        Opportunity::check(&mut tx, &after.fields, Some(id)).await?;
        after.last_activity_at = now();
        let done = save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn move_opportunity(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, m: Move) -> Result<Opportunity> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let f = facts(&mut tx, id).await?;
        check_move(&before, m.to, &f, m.reason.as_deref())?;
        let after = moved(&mut tx, &before, m.to, m.reason, now()).await?;
        let done = save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn quote_opportunity(
        &self,
        ctx: &WriteCtx,
        id: OpportunityId,
        v: IfVersion,
        q: Quote,
    ) -> Result<Opportunity> {
        self.values(ctx, id, v, |o| o.values().quoted(q, o.fields.currency))
            .await
    }

    async fn invest(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, amount: Money) -> Result<Opportunity> {
        self.values(ctx, id, v, |o| o.values().invested(amount)).await
    }

    async fn request_ta(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion, r: TaRequest) -> Result<Opportunity> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        check_ta_request(&before)?;
        opp::person(&mut tx, r.technical_architect_id, "technical_architect_id").await?;
        let settings = crate::org::load(&mut tx).await?;
        let days = opp::work_days(&self.pools, before.fields.engagement_manager_id).await?;
        let at = now();
        let earliest = days.add_days(at.date(), settings.scoping.ta_notice_days);
        if r.needed_by < earliest {
            return Err(Error::invalid(
                "needed_by",
                Rule::Notice,
                format!(
                    "a technical architect needs {} business day(s) of notice: the earliest needed_by is {}",
                    settings.scoping.ta_notice_days,
                    psops_core::dates::format_date(earliest)
                ),
            ));
        }
        let mut after = before.clone();
        after.technical_architect_id = Some(r.technical_architect_id);
        after.ta_status = TaStatus::NeedsAssistance;
        after.ta_needed_by = Some(r.needed_by);
        after.stamp(Event::FirstAction, at);
        let done = save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn ta_assisted(&self, ctx: &WriteCtx, id: OpportunityId, v: IfVersion) -> Result<Opportunity> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        if before.ta_status != TaStatus::NeedsAssistance {
            return Err(Error::invalid(
                "ta_status",
                Rule::InvalidTransition,
                "only a request that needs assistance becomes assisted: request a technical architect first",
            ));
        }
        let mut after = before.clone();
        after.ta_status = TaStatus::Assisted;
        after.last_activity_at = now();
        let done = save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn sweep_idle(&self, ctx: &WriteCtx, at: OffsetDateTime) -> Result<Vec<OpportunityId>> {
        let settings = self.settings_now().await?;
        let months = settings.scoping.idle_months;
        let cutoff = months_before(at, months);
        let rows = self
            .pools
            .all(
                sql(
                    "SELECT id FROM opportunities WHERE archived_at IS NULL AND keep_open = $1 \
                     AND state NOT IN ('closed_won', 'closed_lost') AND last_activity_at < $2 ORDER BY id",
                )
                .bind(false)
                .bind(cutoff),
            )
            .await?;
        let mut closed = Vec::new();
        for r in rows {
            let id: OpportunityId = r.id("id")?;
            let mut tx = self.pools.begin().await?;
            let before = current(&mut tx, id, None).await?;
            // Someone may have touched it since the list was read.
            if before.state.is_closed() || before.fields.keep_open || before.last_activity_at >= cutoff {
                continue;
            }
            let reason = format!("no activity for {months} months: closed by the idle sweep");
            let after = moved(&mut tx, &before, ScopingState::ClosedLost, Some(reason), at).await?;
            save(&mut tx, ctx, &before, &after).await?;
            tx.commit().await?;
            closed.push(id);
        }
        Ok(closed)
    }

    async fn win_counts(&self) -> Result<Vec<WinCount>> {
        opp::win_counts(&self.pools).await
    }

    async fn overdue(
        &self,
        filter: &psops_core::scoping::opportunities::OpportunityFilter,
        at: OffsetDateTime,
    ) -> Result<Vec<psops_core::scoping::clocks::Overdue>> {
        use psops_core::store::Records as _;
        let filter = psops_core::scoping::opportunities::OpportunityFilter {
            open: Some(true),
            ..filter.clone()
        };
        let open = self.every(&filter).await?;
        let settings = self.settings_now().await?.scoping;
        let ems: Vec<Option<PersonId>> = open.iter().map(|o| o.fields.engagement_manager_id).collect();
        let days = opp::work_days_of(&self.pools, &ems).await?;
        Ok(psops_core::scoping::clocks::overdue(&open, &settings, &days, at))
    }

    async fn work_days(&self, person: Option<PersonId>) -> Result<WorkDays> {
        opp::work_days(&self.pools, person).await
    }

    async fn work_days_of(
        &self,
        people: &[Option<PersonId>],
    ) -> Result<std::collections::HashMap<Option<PersonId>, WorkDays>> {
        opp::work_days_of(&self.pools, people).await
    }

    async fn preview_estimate(&self, fields: &EstimateFields) -> Result<Preview> {
        est::priced(&mut &self.pools, fields).await
    }

    async fn create_estimate(&self, ctx: &WriteCtx, fields: EstimateFields) -> Result<Created<Estimate>> {
        fields.validate()?;
        let mut tx = self.pools.begin().await?;
        if let Some(previous) = idempotency::replay(&mut tx, ctx, Entity::Estimate).await? {
            return Ok(Created::Replayed(previous));
        }
        let before = current(&mut tx, fields.opportunity_id, None).await?;
        if before.state.is_closed() {
            return Err(Error::conflict(
                "opportunity_id",
                Rule::Gate,
                format!(
                    "the opportunity is {}: a closed scoping record takes no estimate",
                    before.state.label()
                ),
            ));
        }
        let priced = est::priced(&mut tx, &fields).await?;
        let number = est::next_number(&mut tx, &before).await?;
        let created = create_in::<Estimate>(&mut tx, ctx, &est::new_estimate(fields, number, priced)).await?;
        let mut after = before.clone();
        after.stamp(Event::FirstAction, now());
        save(&mut tx, ctx, &before, &after).await?;
        idempotency::commit(&self.pools, tx, ctx, Entity::Estimate, created).await
    }

    async fn set_estimate_status(
        &self,
        ctx: &WriteCtx,
        id: EstimateId,
        v: IfVersion,
        to: EstimateStatus,
    ) -> Result<Estimate> {
        let mut tx = self.pools.begin().await?;
        let before = est::current(&mut tx, id, v).await?;
        estimates::check_status(&before, to)?;
        let mut after = before.clone();
        after.status = to;
        let done = est::save(&mut tx, ctx, &before, &after).await?;
        let o = current(&mut tx, before.fields.opportunity_id, None).await?;
        let mut touched = o.clone();
        let at = now();
        touched.last_activity_at = at;
        if to == EstimateStatus::Shared {
            touched.stamp(Event::EstimateShared, at);
        }
        save(&mut tx, ctx, &o, &touched).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn request_ta_review(&self, ctx: &WriteCtx, id: EstimateId, v: IfVersion) -> Result<Estimate> {
        let mut tx = self.pools.begin().await?;
        let before = est::current(&mut tx, id, v).await?;
        if !matches!(before.ta_review, TaReview::NeedsReview | TaReview::Rejected) {
            return Err(Error::invalid(
                "ta_review",
                Rule::InvalidTransition,
                format!(
                    "estimate v{}'s TA review is {}: only one over the threshold that is not yet with the TA is sent",
                    before.number,
                    psops_core::code::Code::code(&before.ta_review)
                ),
            ));
        }
        let o = current(&mut tx, before.fields.opportunity_id, None).await?;
        let Some(ta) = o.technical_architect_id else {
            return Err(Error::conflict(
                "technical_architect_id",
                Rule::Gate,
                "the opportunity has no technical architect: request one first",
            ));
        };
        let settings = crate::org::load(&mut tx).await?;
        let days = opp::work_days(&self.pools, Some(ta)).await?;
        let at = now();
        let mut after = before.clone();
        after.ta_review = TaReview::Waiting;
        after.ta_due_at = Some(days.add_hours(at, settings.scoping.ta_review_days * 24));
        after.ta_decided_by = None;
        after.ta_reason = None;
        let done = est::save_at(&mut tx, ctx, &before, &after, at).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn decide_ta_review(
        &self,
        ctx: &WriteCtx,
        id: EstimateId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<Estimate> {
        let mut tx = self.pools.begin().await?;
        let before = est::current(&mut tx, id, v).await?;
        if before.ta_review != TaReview::Waiting {
            return Err(Error::invalid(
                "ta_review",
                Rule::InvalidTransition,
                format!(
                    "estimate v{} is not waiting for its technical architect's review",
                    before.number
                ),
            ));
        }
        if verdict == Verdict::Reject && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(Error::invalid("reason", Rule::DependsOn, "a rejection needs a reason"));
        }
        let mut after = before.clone();
        after.ta_review = match verdict {
            Verdict::Approve => TaReview::Approved,
            Verdict::Reject => TaReview::Rejected,
        };
        after.ta_decided_by = ctx.user_id;
        after.ta_reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        let done = est::save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }
}

impl Db {
    async fn settings_now(&self) -> Result<psops_core::settings::Settings> {
        crate::org::load(&mut &self.pools).await
    }

    /// Changes PS values by `change` on the locked record.
    async fn values(
        &self,
        ctx: &WriteCtx,
        id: OpportunityId,
        v: IfVersion,
        change: impl FnOnce(&Opportunity) -> Result<psops_core::scoping::opportunities::PsValues> + Send,
    ) -> Result<Opportunity> {
        let mut tx = self.pools.begin().await?;
        let before = current(&mut tx, id, v).await?;
        let values = change(&before)?;
        let mut after = before.clone();
        after.set_values(values);
        after.last_activity_at = now();
        let done = save(&mut tx, ctx, &before, &after).await?;
        tx.commit().await?;
        Ok(done)
    }
}
