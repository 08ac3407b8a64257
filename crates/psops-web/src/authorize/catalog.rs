//! How the policy sees the catalog's and the rates' records: the catalog as one resource,
//! a rate card line by whether it is a cost, a project's rates as the project, a SKU
//! request by who drafted it and who decides its steps.

use psops_core::Result;
use psops_core::catalog::bundles::{Bundle, BundleFields, BundlePatch};
use psops_core::catalog::offerings::{
    Offering, OfferingFields, OfferingPatch, OfferingType, OfferingTypeFields, OfferingTypePatch,
};
use psops_core::catalog::requests::{NewSkuRequest, SkuRequest, SkuRequestPatch};
use psops_core::catalog::skus::{Sku, SkuFields, SkuPatch, SkuPrice, SkuPriceFields, SkuPricePatch};
use psops_core::error::Thing;
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::rates::cards::{
    CostRateFields, CostRatePatch, ProjectRateFields, ProjectRatePatch, RoleRateFields, RoleRatePatch,
};
use psops_core::rates::fx::{FxRateFields, FxRatePatch};
use psops_core::rates::{CostRate, FxRate, ProjectRate, RateKind, RoleRate};
use psops_core::record::Entity;

use super::{Guarded, GuardedUpdate, allow, project};
use crate::AppState;

/// Kinds whose records all guard alike: the record, its create input and its patch.
macro_rules! fixed {
    ($($record:ty, $fields:ty, $patch:ty => $entity:ident, $resource:expr;)*) => {$(
        impl Guarded for $record {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::$entity), self.id.to_string())
            }
            async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
                Ok(Some($resource))
            }
        }
        impl Guarded for $fields {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::$entity), String::new())
            }
            async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
                Ok(Some($resource))
            }
        }
        impl GuardedUpdate<$patch> for $record {
            async fn allow_update(&self, st: &AppState, s: &Subject, _: &$patch) -> Result<Grant> {
                allow(st, s, Action::Update, self).await
            }
        }
    )*};
}

fixed! {
    OfferingType, OfferingTypeFields, OfferingTypePatch => OfferingType, Resource::Catalog;
    Offering, OfferingFields, OfferingPatch => Offering, Resource::Catalog;
    Sku, SkuFields, SkuPatch => Sku, Resource::Catalog;
    SkuPrice, SkuPriceFields, SkuPricePatch => SkuPrice, Resource::Catalog;
    Bundle, BundleFields, BundlePatch => Bundle, Resource::Catalog;
    CostRate, CostRateFields, CostRatePatch => CostRate, Resource::CostRates;
    FxRate, FxRateFields, FxRatePatch => FxRate, Resource::FxRates;
}

fn card(kind: RateKind) -> Resource {
    Resource::RateCard {
        cost: kind == RateKind::StandardCost,
    }
}

impl Guarded for RoleRate {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::RoleRate), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(card(self.fields.kind)))
    }
}

impl Guarded for RoleRateFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::RoleRate), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(card(self.kind)))
    }
}

impl GuardedUpdate<RoleRatePatch> for RoleRate {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &RoleRatePatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

impl Guarded for ProjectRate {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::ProjectRate), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        self.fields.resource(st, s).await
    }
}

/// A project's rate is guarded as the project's money; a project that does not exist
/// protects nothing (the store refuses the reference).
impl Guarded for ProjectRateFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::ProjectRate), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(project(st, s, self.project_id).await?.map(Resource::ProjectRates))
    }
}

impl GuardedUpdate<ProjectRatePatch> for ProjectRate {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &ProjectRatePatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

/// Whether the subject decides any step of the request's chain.
fn approves(r: &SkuRequest, s: &Subject) -> bool {
    r.chain.iter().any(|step| step.approver == Some(s.user_id))
}

impl Guarded for SkuRequest {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::SkuRequest), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::SkuRequest {
            requested_by: self.requested_by,
            subject_approves: approves(self, s),
        }))
    }
}

impl Guarded for NewSkuRequest {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::SkuRequest), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::SkuRequest {
            requested_by: self.requested_by,
            subject_approves: false,
        }))
    }
}

impl GuardedUpdate<SkuRequestPatch> for SkuRequest {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &SkuRequestPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
