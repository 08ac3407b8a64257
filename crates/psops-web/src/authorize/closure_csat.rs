//! How the policy sees CSAT surveys and closure checklists: as their project's plan (read
//! with the project, kept by its manager, ops and administrators; partners only their
//! organisation's projects).

use psops_core::Result;
use psops_core::delivery::surveys::{Survey, SurveyRequest};
use psops_core::error::Thing;
use psops_core::policy::{Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;

use super::{Guarded, project};
use crate::AppState;

async fn plan_of(st: &AppState, s: &Subject, id: Option<ProjectId>) -> Result<Option<Resource>> {
    match id {
        Some(id) => Ok(project(st, s, id).await?.map(Resource::Plan)),
        None => Ok(None),
    }
}

impl Guarded for Survey {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Survey), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        plan_of(st, s, self.project_id).await
    }
}

impl Guarded for SurveyRequest {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Survey), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        plan_of(st, s, Some(self.project_id)).await
    }
}

/// A project's closure checklist (or its list of surveys), named by the project.
pub struct ClosureOf(pub ProjectId);

impl Guarded for ClosureOf {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Project), self.0.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        plan_of(st, s, Some(self.0)).await
    }
}
