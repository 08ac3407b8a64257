//! How the policy sees money: one project's (its burn and revenue; its cost and margin
//! only for those who see cost), the organisation's, and a training — its project's
//! money (read by those who see bill rates and the project's manager, kept by finance and
//! administrators).

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::finance::training::{Training, TrainingFields, TrainingPatch};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;

use super::{Guarded, GuardedUpdate, allow, project};
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

impl Guarded for TrainingFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Training), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(project(st, s, self.project_id).await?.map(|p| Resource::ProjectMoney {
            project: p,
            cost: false,
        }))
    }
}

impl Guarded for Training {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Training), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        self.fields.resource(st, s).await
    }
}

impl GuardedUpdate<TrainingPatch> for Training {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &TrainingPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
