//! How the policy sees an escalation: its project (when it is on one), whether the
//! subject's partner organisation delivers for its account, and its DRI.

use psops_core::Result;
use psops_core::accounts::AccountId;
use psops_core::delivery::escalations::{Escalation, EscalationPatch, NewEscalation};
use psops_core::error::Thing;
use psops_core::people::PersonId;
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;

use super::{Guarded, GuardedUpdate, allow, project};
use crate::AppState;

async fn escalation_of(
    st: &AppState,
    s: &Subject,
    project_id: Option<ProjectId>,
    account: Option<AccountId>,
    dri: Option<PersonId>,
) -> Result<Option<Resource>> {
    let facts = match project_id {
        Some(p) => match project(st, s, p).await? {
            Some(f) => Some(f),
            // A project that does not exist protects nothing: the store refuses it.
            None => return Ok(None),
        },
        None => None,
    };
    let partner_delivers = match (s.partner_id, account) {
        (Some(partner), Some(a)) => st.store.partner_delivers_for(partner, a).await?,
        _ => false,
    };
    Ok(Some(Resource::Escalation {
        project: facts,
        partner_delivers,
        // A new escalation on a project defaults to its manager.
        dri: dri.or(facts.and_then(|f| f.manager_id)),
    }))
}

impl Guarded for Escalation {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Escalation), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        let f = &self.fields;
        escalation_of(st, s, f.project_id, f.account_id, f.dri_id).await
    }
}

impl Guarded for NewEscalation {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Escalation), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        let f = &self.fields;
        escalation_of(st, s, f.project_id, f.account_id, f.dri_id).await
    }
}

impl GuardedUpdate<EscalationPatch> for Escalation {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &EscalationPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
