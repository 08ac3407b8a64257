//! How the policy sees an invoice or a request for a draft: as `Resource::Invoice` of its
//! project.

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::finance::invoices::{Invoice, NewInvoice};
use psops_core::policy::{Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;

use super::{Guarded, project};
use crate::AppState;

async fn invoice_of(st: &AppState, s: &Subject, id: ProjectId) -> Result<Option<Resource>> {
    Ok(project(st, s, id).await?.map(|project| Resource::Invoice { project }))
}

impl Guarded for Invoice {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Invoice), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        invoice_of(st, s, self.project_id).await
    }
}

impl Guarded for NewInvoice {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Invoice), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        invoice_of(st, s, self.project_id).await
    }
}
