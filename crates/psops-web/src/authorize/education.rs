//! How the policy sees education's records: the course catalogue as one resource read by
//! everyone; a learner by the partner they belong to; a course trainer's certification by
//! the person and their employer (given by the company alone); a class, its roster and
//! its registrations by its trainer and the trainer's employer.

use psops_core::education::classes::{ClassId, TrainingClass, TrainingClassFields, TrainingClassPatch};
use psops_core::education::courses::{Course, CourseFields, CoursePatch};
use psops_core::education::enrolments::{Enrolment, EnrolmentFields, EnrolmentPatch};
use psops_core::education::learners::{Learner, LearnerFields, LearnerPatch};
use psops_core::education::trainers::{CourseTrainer, CourseTrainerFields, CourseTrainerPatch};
use psops_core::error::Thing;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::record::Entity;
use psops_core::store::RecordStore;
use psops_core::{Error, Result};

use super::{Guarded, GuardedUpdate, allow};
use crate::AppState;

impl Guarded for Course {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Course), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Courses))
    }
}

impl Guarded for CourseFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Course), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Courses))
    }
}

impl GuardedUpdate<CoursePatch> for Course {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &CoursePatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

impl Guarded for LearnerFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Learner), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Learner {
            partner_id: self.partner_id,
        }))
    }
}

impl Guarded for Learner {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Learner), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        self.fields.resource(st, s).await
    }
}

impl GuardedUpdate<LearnerPatch> for Learner {
    async fn allow_update(&self, st: &AppState, s: &Subject, patch: &LearnerPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await?;
        // Moving a learner to another partner is a change there too.
        let moved = LearnerPatch {
            partner_id: patch.partner_id,
            ..Default::default()
        }
        .apply(self.fields.clone());
        allow(st, s, Action::Update, &moved).await
    }
}

/// A person's certification as a resource: their employer decides who sees it. A person
/// who is not there protects nothing (the store refuses the reference itself).
async fn certified(st: &AppState, person: PersonId) -> Result<Option<Resource>> {
    match RecordStore::<Person>::get(&*st.store, person).await {
        Ok(p) => Ok(Some(Resource::CourseTrainer {
            person_id: p.id,
            partner_id: p.fields.partner_id,
        })),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for CourseTrainerFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::CourseTrainer), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        certified(st, self.person_id).await
    }
}

impl Guarded for CourseTrainer {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::CourseTrainer), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        certified(st, self.fields.person_id).await
    }
}

impl GuardedUpdate<CourseTrainerPatch> for CourseTrainer {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &CourseTrainerPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

/// A class as a resource: its trainer and their employer decide who sees it; `roster`
/// asks for its attendance, workflow and roster, which its trainer keeps too. A trainer
/// who is not there protects nothing (the store refuses the reference itself).
async fn class_of(st: &AppState, trainer: PersonId, roster: bool) -> Result<Option<Resource>> {
    match RecordStore::<Person>::get(&*st.store, trainer).await {
        Ok(p) => Ok(Some(Resource::TrainingClass {
            trainer_id: p.id,
            trainer_partner_id: p.fields.partner_id,
            roster,
        })),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for TrainingClassFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TrainingClass), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        class_of(st, self.trainer_id, false).await
    }
}

impl Guarded for TrainingClass {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TrainingClass), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        class_of(st, self.fields.trainer_id, false).await
    }
}

impl GuardedUpdate<TrainingClassPatch> for TrainingClass {
    async fn allow_update(&self, st: &AppState, s: &Subject, patch: &TrainingClassPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await?;
        // Handing the class to another trainer is a change of theirs too.
        let moved = TrainingClassPatch {
            trainer_id: patch.trainer_id,
            ..Default::default()
        }
        .apply(self.fields.clone());
        allow(st, s, Action::Update, &moved).await
    }
}

/// A class's roster, attendance and workflow steps: kept by its trainer as well.
pub struct RosterOf<'a>(pub &'a TrainingClass);

impl Guarded for RosterOf<'_> {
    fn label(&self) -> (Thing, String) {
        self.0.label()
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        class_of(st, self.0.fields.trainer_id, true).await
    }
}

/// A registration is its class's: seen with it, kept by ops and administrators.
async fn enrolment_of(st: &AppState, class: ClassId) -> Result<Option<Resource>> {
    match RecordStore::<TrainingClass>::get(&*st.store, class).await {
        Ok(c) => class_of(st, c.fields.trainer_id, false).await,
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for EnrolmentFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Enrolment), String::new())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        enrolment_of(st, self.class_id).await
    }
}

impl Guarded for Enrolment {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Enrolment), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
        enrolment_of(st, self.fields.class_id).await
    }
}

impl GuardedUpdate<EnrolmentPatch> for Enrolment {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &EnrolmentPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
