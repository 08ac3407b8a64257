//! A notification as the policy sees it: the project it concerns, if any.

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::notify::Notification;
use psops_core::policy::{Resource, Subject};
use psops_core::record::Entity;

use super::{Guarded, project};
use crate::AppState;

impl Guarded for Notification {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Notification), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        let project = match self.project_id {
            Some(id) => project(st, s, id).await?,
            None => None,
        };
        Ok(Some(Resource::Notification { project }))
    }
}
