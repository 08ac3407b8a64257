//! How the policy sees prime partner SOWs and work authorizations: as their partner's
//! funds — a work authorization through the prime SOW it draws on.

use psops_core::error::Thing;
use psops_core::partner_funds::authorizations::WorkAuthorizationPatch;
use psops_core::partner_funds::prime_sows::PrimeSowPatch;
use psops_core::partner_funds::{PrimeSow, PrimeSowFields, PrimeSowId, WorkAuthorization, WorkAuthorizationFields};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::record::Entity;
use psops_core::{Error, Result};

use super::{Guarded, GuardedUpdate, allow};
use crate::AppState;

fn funds_of(sow: &PrimeSowFields) -> Resource {
    Resource::PartnerFunds {
        partner_id: sow.partner_id,
    }
}

/// The partner funds a work authorization draws on; a prime SOW that does not exist
/// protects nothing (the store refuses the reference).
async fn drawn_on(st: &AppState, id: PrimeSowId) -> Result<Option<Resource>> {
    let found: Result<PrimeSow> = st.store.get(id).await;
    match found {
        Ok(sow) => Ok(Some(funds_of(&sow.fields))),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for PrimeSow {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::PrimeSow), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(funds_of(&self.fields)))
    }
}

impl Guarded for PrimeSowFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::PrimeSow), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(funds_of(self)))
    }
}

impl GuardedUpdate<PrimeSowPatch> for PrimeSow {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &PrimeSowPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

impl Guarded for WorkAuthorization {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::WorkAuthorization), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        drawn_on(st, self.fields.prime_sow_id).await
    }
}

impl Guarded for WorkAuthorizationFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::WorkAuthorization), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        drawn_on(st, self.prime_sow_id).await
    }
}

impl GuardedUpdate<WorkAuthorizationPatch> for WorkAuthorization {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &WorkAuthorizationPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
