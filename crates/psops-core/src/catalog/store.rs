//! What the store does for the catalog and rates beyond the plain record kinds.

use std::collections::HashMap;

use async_trait::async_trait;
use time::Date;

use super::bundles::Bundle;
use super::offerings::{Offering, OfferingId, OfferingType};
use super::requests::{Decision, SkuRequest, SkuRequestId, Verdict};
use super::skus::{Sku, SkuId, SkuPrice};
use crate::rates::{CostRate, FxRate, ProjectRate, RoleRate};
use crate::store::{IfVersion, RecordStore, WriteCtx};
use crate::{Money, Result};

#[async_trait]
pub trait CatalogStore:
    RecordStore<OfferingType>
    + RecordStore<Offering>
    + RecordStore<Sku>
    + RecordStore<SkuPrice>
    + RecordStore<Bundle>
    + RecordStore<SkuRequest>
    + RecordStore<RoleRate>
    + RecordStore<ProjectRate>
    + RecordStore<CostRate>
    + RecordStore<FxRate>
{
    /// Sends a draft (or a revised rejected request) into the approval chain as settings
    /// hold it now.
    async fn submit_sku_request(&self, ctx: &WriteCtx, id: SkuRequestId, v: IfVersion) -> Result<SkuRequest>;
    /// The waiting step's decision by the writing user; the last approval makes the SKU
    /// (numbered, active) and its first list price when one was proposed.
    async fn decide_sku_request(
        &self,
        ctx: &WriteCtx,
        id: SkuRequestId,
        v: IfVersion,
        verdict: Verdict,
        reason: Option<String>,
    ) -> Result<SkuRequest>;
    /// A rejected request back to a draft, to revise and submit again.
    async fn revise_sku_request(&self, ctx: &WriteCtx, id: SkuRequestId, v: IfVersion) -> Result<SkuRequest>;
    /// Every decision of every round, oldest first.
    async fn sku_request_decisions(&self, id: SkuRequestId) -> Result<Vec<Decision>>;
    /// A SKU's list prices, oldest first.
    async fn sku_prices(&self, id: SkuId) -> Result<Vec<SkuPrice>>;
    /// A SKU's price for a quote on `date`: refused unless the SKU is active and priced.
    async fn quote_sku(&self, id: SkuId, date: Date) -> Result<Money>;
    /// How many live SKUs each of these offerings has; an offering without any is left
    /// out.
    async fn sku_counts(&self, offerings: &[OfferingId]) -> Result<HashMap<i64, i64>>;
}
