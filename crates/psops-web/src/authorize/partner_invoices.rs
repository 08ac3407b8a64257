//! How the policy sees partner invoices: as their partner's invoice — read with the
//! partner's funds, received by the partner-collaboration team and the partner's own
//! managers, decided by the team only.

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFields, PartnerInvoicePatch};
use psops_core::partners::PartnerId;
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::record::Entity;

use super::{Guarded, GuardedUpdate, allow};
use crate::AppState;

/// What a partner's invoice is to the policy.
pub fn invoice_of(partner_id: PartnerId) -> Resource {
    Resource::PartnerInvoice { partner_id }
}

impl Guarded for PartnerInvoice {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::PartnerInvoice), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(invoice_of(self.fields.partner_id)))
    }
}

impl Guarded for PartnerInvoiceFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::PartnerInvoice), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(invoice_of(self.partner_id)))
    }
}

impl GuardedUpdate<PartnerInvoicePatch> for PartnerInvoice {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &PartnerInvoicePatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
