//! How the policy sees partner invoices: as their partner's invoice — read with the
//! partner's funds, received by the partner-collaboration team and the partner's own
//! managers, decided by the team only.

use psops_core::error::Thing;
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFields, PartnerInvoicePatch};
use psops_core::partners::PartnerId;
use psops_core::policy::{Action, Grant, Resource, Subject, partner_funds_scope};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{Error, FieldError, Result};

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
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        own_lines(st, s, self).await?;
        Ok(Some(invoice_of(self.partner_id)))
    }
}

/// Holds a partner's own managers to lines naming their organisation's people and the
/// projects it holds a live work authorization on. Any other id is refused alike whether
/// it belongs to someone else or to nothing at all, so that answers reveal no ids of
/// other organisations (the store's plain existence check would tell them apart).
async fn own_lines(st: &AppState, s: &Subject, f: &PartnerInvoiceFields) -> Result<()> {
    if partner_funds_scope(s) != Some(Some(f.partner_id)) || f.lines.is_empty() {
        return Ok(());
    }
    let facts = st.store.partner_invoice_facts(f.partner_id).await?;
    let mut errors = Vec::new();
    for (i, l) in f.lines.iter().enumerate() {
        if !facts.people.contains(&l.person_id) {
            errors.push(FieldError::new(
                format!("lines[{i}].person_id"),
                Rule::Exists,
                "not one of your organisation's people",
            ));
        }
        if !facts.projects.contains(&l.project_id) {
            errors.push(FieldError::new(
                format!("lines[{i}].project_id"),
                Rule::NoAuthorization,
                "not a project your organisation holds a live work authorization on",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

impl GuardedUpdate<PartnerInvoicePatch> for PartnerInvoice {
    async fn allow_update(&self, st: &AppState, s: &Subject, patch: &PartnerInvoicePatch) -> Result<Grant> {
        let grant = allow(st, s, Action::Update, self).await?;
        if patch.lines.is_some() {
            own_lines(st, s, &patch.clone().apply(self.fields.clone())).await?;
        }
        Ok(grant)
    }
}
