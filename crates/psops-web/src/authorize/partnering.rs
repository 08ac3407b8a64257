//! How the policy sees partnering's records: a partner's contacts are what the partner
//! keeps about itself (`PartnerOwn`); a person's skills and certifications are their
//! profile (`Profile`), kept by ops and their partner's managers; the company's reviews
//! of a consultant are `Vetting`, recorded by the company alone.

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContact, PartnerContactPatch};
use psops_core::partnering::vetting::{NewVettingReview, VettingReview, VettingReviewPatch};
use psops_core::partners::PartnerId;
use psops_core::people::{Person, PersonId};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::record::Entity;
use psops_core::skills::{
    NewPersonCertification, NewPersonSkill, PersonCertification, PersonCertificationPatch, PersonSkill,
    PersonSkillPatch,
};
use psops_core::store::RecordStore;

use super::{Guarded, GuardedUpdate, allow};
use crate::AppState;

/// A person's profile or vetting as a resource: the person's employer decides who may
/// see and keep it.
pub async fn person_part(
    st: &AppState,
    person: PersonId,
    make: fn(PersonId, Option<PartnerId>) -> Resource,
) -> Result<Resource> {
    let p = RecordStore::<Person>::get(&*st.store, person).await?;
    Ok(make(p.id, p.fields.partner_id))
}

pub fn profile(person_id: PersonId, partner_id: Option<PartnerId>) -> Resource {
    Resource::Profile { person_id, partner_id }
}

pub fn vetting(person_id: PersonId, partner_id: Option<PartnerId>) -> Resource {
    Resource::Vetting { person_id, partner_id }
}

macro_rules! under_person {
    ($($record:ty, $new:ty, $patch:ty, $entity:ident, $make:ident;)*) => {$(
        impl Guarded for $record {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::$entity), self.id.to_string())
            }
            async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
                person_part(st, self.person_id, $make).await.map(Some)
            }
        }

        /// A new one is guarded as the person's: it comes from the path.
        impl Guarded for $new {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::Person), self.person_id.to_string())
            }
            async fn resource(&self, st: &AppState, _: &Subject) -> Result<Option<Resource>> {
                person_part(st, self.person_id, $make).await.map(Some)
            }
        }

        impl GuardedUpdate<$patch> for $record {
            async fn allow_update(&self, st: &AppState, s: &Subject, _: &$patch) -> Result<Grant> {
                allow(st, s, Action::Update, self).await
            }
        }
    )*};
}

under_person! {
    PersonSkill, NewPersonSkill, PersonSkillPatch, PersonSkill, profile;
    PersonCertification, NewPersonCertification, PersonCertificationPatch, PersonCertification, profile;
    VettingReview, NewVettingReview, VettingReviewPatch, VettingReview, vetting;
}

impl Guarded for PartnerContact {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::PartnerContact), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::PartnerOwn {
            partner_id: self.partner_id,
        }))
    }
}

/// A new contact is guarded as its partner's own record: it comes from the path.
impl Guarded for NewPartnerContact {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Partner), self.partner_id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::PartnerOwn {
            partner_id: self.partner_id,
        }))
    }
}

impl GuardedUpdate<PartnerContactPatch> for PartnerContact {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &PartnerContactPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

/// What a list or action under a parent is guarded as, when no record stands for it.
pub struct Guard {
    pub resource: Resource,
    pub label: (Thing, String),
}

impl Guarded for Guard {
    fn label(&self) -> (Thing, String) {
        self.label.clone()
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(self.resource))
    }
}

/// A partner's contacts as a whole.
pub async fn contacts_of(_: &AppState, partner_id: PartnerId) -> Result<Guard> {
    Ok(Guard {
        resource: Resource::PartnerOwn { partner_id },
        label: (Thing::Entity(Entity::Partner), partner_id.to_string()),
    })
}

/// A person's skills or certifications as a whole.
pub async fn profile_of(st: &AppState, person: PersonId) -> Result<Guard> {
    Ok(Guard {
        resource: person_part(st, person, profile).await?,
        label: (Thing::Entity(Entity::Person), person.to_string()),
    })
}

/// A person's vetting (reviews, state) as a whole.
pub async fn vetting_of(st: &AppState, person: PersonId) -> Result<Guard> {
    Ok(Guard {
        resource: person_part(st, person, vetting).await?,
        label: (Thing::Entity(Entity::Person), person.to_string()),
    })
}

/// The most favourable record of partnering's kinds under an API path (`family` is its
/// first segment, `under` the segment after a parent's id), as `best_case` asks.
pub(super) fn best_case(s: &Subject, family: &str, under: Option<&str>) -> Option<(Thing, Resource)> {
    let me = s.person_id.unwrap_or_else(|| PersonId::new(0));
    let org = s.partner_id.unwrap_or_else(|| PartnerId::new(0));
    let own = (
        Thing::Entity(Entity::PartnerContact),
        Resource::PartnerOwn { partner_id: org },
    );
    let profile = |e| (Thing::Entity(e), profile(me, s.partner_id));
    let vetting = (Thing::Entity(Entity::VettingReview), vetting(me, s.partner_id));
    Some(match (family, under) {
        ("partners", Some("contacts")) | ("partner-contacts", _) => own,
        ("people", Some("skills")) | ("person-skills", _) => profile(Entity::PersonSkill),
        ("people", Some("certifications")) | ("person-certifications", _) => profile(Entity::PersonCertification),
        ("people", Some("vetting-reviews" | "vetting")) | ("vetting-reviews", _) => vetting,
        _ => return None,
    })
}

/// A consultant of a known partner as `make` guards them, without reading the person
/// again (a pipeline lists hundreds).
pub fn consultant(person: PersonId, partner: PartnerId, make: fn(PersonId, Option<PartnerId>) -> Resource) -> Guard {
    Guard {
        resource: make(person, Some(partner)),
        label: (Thing::Entity(Entity::Person), person.to_string()),
    }
}
