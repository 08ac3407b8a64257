//! How the policy sees money: one project's (its burn and revenue; its cost and margin
//! only for those who see cost) and the organisation's.

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::policy::{Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;

use super::{Guarded, project};
use crate::AppState;

/// A project's money; `cost` asks for its cost and margin too.
pub struct MoneyOf {
    pub project: ProjectId,
    pub cost: bool,
}

impl Guarded for MoneyOf {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Project), self.project.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(project(st, s, self.project)
            .await?
            .map(|project| Resource::ProjectMoney {
                project,
                cost: self.cost,
            }))
    }
}
