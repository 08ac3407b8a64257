//! How the policy sees certifications: a certification's definition with the course
//! catalogue (read by everyone, kept by ops and administrators); an attempt or a
//! certificate as its learner (read by the company's staff and, for a partner's
//! consultant, their organisation's managers; recorded and revoked by ops and
//! administrators, a lab graded — `Approve` — also by the company's consultants, the PS
//! engineers); a trainer's path as the course trainer record it leads to.

use psops_core::certifications::trainer_paths::{CandidacyFields, CandidacyPatch, TrainerCandidacy};
use psops_core::certifications::{
    Certificate, Certification, CertificationAttempt, CertificationFields, CertificationPatch,
};
use psops_core::education::learners::{Learner, LearnerId};
use psops_core::error::Thing;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::record::Entity;
use psops_core::store::RecordStore;
use psops_core::{Error, Result};

use super::{Guarded, GuardedUpdate, allow};
use crate::AppState;

impl Guarded for Certification {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Certification), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Courses))
    }
}

impl Guarded for CertificationFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Certification), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Courses))
    }
}

impl GuardedUpdate<CertificationPatch> for Certification {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &CertificationPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

/// A learner as a resource: the partner they belong to decides who sees them. A learner
/// who is not there protects nothing (the store refuses the reference itself).
pub async fn learner_resource(st: &AppState, learner: LearnerId) -> Result<Option<Resource>> {
    match RecordStore::<Learner>::get(&*st.store, learner).await {
        Ok(l) => Ok(Some(Resource::Learner {
            partner_id: l.fields.partner_id,
        })),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A learner's record (a written assessment to record) guarded as the learner.
pub struct OfLearner(pub LearnerId, pub Entity);

impl Guarded for OfLearner {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(self.1), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        learner_resource(st, self.0).await
    }
}

impl Guarded for CertificationAttempt {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::CertificationAttempt), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        learner_resource(st, self.fields.learner_id).await
    }
}

impl Guarded for Certificate {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Certificate), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        learner_resource(st, self.fields.learner_id).await
    }
}

/// A trainer's path as the course trainer record it leads to: read with the person,
/// kept by ops and administrators.
async fn trainer(st: &AppState, person: PersonId) -> Result<Option<Resource>> {
    match RecordStore::<Person>::get(&*st.store, person).await {
        Ok(p) => Ok(Some(Resource::CourseTrainer {
            person_id: p.id,
            partner_id: p.fields.partner_id,
        })),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for CandidacyFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TrainerCandidacy), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        trainer(st, self.person_id).await
    }
}

impl Guarded for TrainerCandidacy {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TrainerCandidacy), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        trainer(st, self.fields.person_id).await
    }
}

impl GuardedUpdate<CandidacyPatch> for TrainerCandidacy {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &CandidacyPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
