//! Partnering's forms: a partner's contact (made from the partner's page,
//! `?partner=12`), and a person's skill, certification and vetting review (made from the
//! partner's consultants, `?person=34`). Each is shown, once saved, on its partner's page.

use axum::Router;
use psops_core::partnering::contacts::{NewPartnerContact, PartnerContact, PartnerContactFields};
use psops_core::partnering::vetting::{
    NewVettingReview, ReviewOutcome, VettingReview, VettingReviewFields, VettingStep,
};
use psops_core::policy::Subject;
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::skills::{
    NewPersonCertification, NewPersonSkill, PersonCertification, PersonCertificationFields, PersonSkill,
    PersonSkillFields,
};
use psops_core::{Error, Id};

use super::inputs::{Input, Kind};
use super::kinds::{linked, today};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<PartnerContact>(r);
    let r = add::<PersonSkill>(r);
    let r = add::<PersonCertification>(r);
    add::<VettingReview>(r)
}

/// The parent a form was opened from, or the sentence that says where to open it.
fn parent(carried: &Pairs, key: &str, from: &str) -> ApiResult<i64> {
    linked(carried, key)
        .ok_or_else(|| Error::invalid(key, Rule::Required, format!("Open the form from the {from}'s page")).into())
}

/// Where a person's records are shown: their partner's page when they have one.
fn back_to_person(link: &Pairs) -> String {
    match (linked(link, "partner"), linked(link, "person")) {
        (Some(p), _) => format!("/partners/{p}"),
        (None, Some(p)) => format!("/people/{p}"),
        _ => "/partners".into(),
    }
}

pub(super) const PARTNER_CONTACT: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("role", "Role at the partner", Kind::Text)
        .optional()
        .hint("e.g. delivery lead, account manager."),
    Input::new("email", "E-mail", Kind::Email).optional(),
    Input::new("phone", "Phone", Kind::Text).optional(),
];

impl Editable for PartnerContact {
    const NOUN: &'static str = "partner contact";
    const PATH: &'static str = "/partner-contacts";
    const API: &'static str = "partner-contacts";
    const INPUTS: &'static [Input] = PARTNER_CONTACT;
    const CARRIED: &'static [&'static str] = &["partner"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("partner", Entity::Partner));

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/partners/{}", self.partner_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let fields: PartnerContactFields = parse_json(raw)?;
        Ok(NewPartnerContact {
            partner_id: Id::new(parent(carried, "partner", "partner")?),
            fields,
        })
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "partner") {
            Some(p) => format!("/partners/{p}"),
            None => "/partners".into(),
        }
    }
}

pub(super) const PERSON_SKILL: &[Input] = &[
    Input::new("skill", "Skill", Kind::Text).hint("e.g. GitLab CI, Kubernetes, migrations."),
    Input::new("level", "Level", Kind::Whole).hint("1 (aware) to 5 (expert)."),
    Input::new("growth", "Wants to grow in it", Kind::Flag).hint("Staffing prefers them for work that needs it."),
];

impl Editable for PersonSkill {
    const NOUN: &'static str = "skill";
    const PATH: &'static str = "/person-skills";
    const API: &'static str = "person-skills";
    const INPUTS: &'static [Input] = PERSON_SKILL;
    const CARRIED: &'static [&'static str] = &["person", "partner"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("person", Entity::Person));

    fn name(&self) -> String {
        self.fields.skill.clone()
    }
    fn home(&self) -> String {
        format!("/people/{}", self.person_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let fields: PersonSkillFields = parse_json(raw)?;
        Ok(NewPersonSkill {
            person_id: Id::new(parent(carried, "person", "person")?),
            fields,
        })
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![("level", "3".into())]
    }
    fn back(link: &Pairs) -> String {
        back_to_person(link)
    }
}

pub(super) const PERSON_CERTIFICATION: &[Input] = &[
    Input::new("code", "Code", Kind::Text).hint("What vetting asks for, e.g. migration, pm, pm_specialist."),
    Input::new("name", "Name", Kind::Text),
    Input::new("issued_on", "Issued on", Kind::Date),
    Input::new("expires_on", "Expires on", Kind::Date).optional(),
];

impl Editable for PersonCertification {
    const NOUN: &'static str = "certification";
    const PATH: &'static str = "/person-certifications";
    const API: &'static str = "person-certifications";
    const INPUTS: &'static [Input] = PERSON_CERTIFICATION;
    const CARRIED: &'static [&'static str] = &["person", "partner"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("person", Entity::Person));

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/people/{}", self.person_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let fields: PersonCertificationFields = parse_json(raw)?;
        Ok(NewPersonCertification {
            person_id: Id::new(parent(carried, "person", "person")?),
            fields,
        })
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![("issued_on", today())]
    }
    fn back(link: &Pairs) -> String {
        back_to_person(link)
    }
}

pub(super) const VETTING_REVIEW: &[Input] = &[
    Input::new("step", "Step", Kind::Choice(options::<VettingStep>)),
    Input::new("reviewer_id", "Reviewer", Kind::Ref(Entity::Person))
        .hint("One of the company's own people; an interview needs the function the settings name."),
    Input::new("held_on", "Held on", Kind::Date),
    Input::new("outcome", "ReviewOutcome", Kind::Choice(options::<ReviewOutcome>)),
    Input::new("notes", "Notes", Kind::Notes).optional(),
];

impl Editable for VettingReview {
    const NOUN: &'static str = "vetting review";
    const PATH: &'static str = "/vetting-reviews";
    const API: &'static str = "vetting-reviews";
    const INPUTS: &'static [Input] = VETTING_REVIEW;
    const CARRIED: &'static [&'static str] = &["person", "partner"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("person", Entity::Person));

    fn name(&self) -> String {
        format!("vetting review #{}", self.id)
    }
    fn home(&self) -> String {
        format!("/people/{}", self.person_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let fields: VettingReviewFields = parse_json(raw)?;
        Ok(NewVettingReview {
            person_id: Id::new(parent(carried, "person", "person")?),
            fields,
        })
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![("held_on", today())]
    }
    fn back(link: &Pairs) -> String {
        back_to_person(link)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::edit::kinds::tests::{check, check_patch};

    #[test]
    fn partnering_forms_have_exactly_the_apis_fields() {
        check::<PartnerContactFields>("partner contact", PARTNER_CONTACT);
        check::<PersonSkillFields>("skill", PERSON_SKILL);
        check::<PersonCertificationFields>("certification", PERSON_CERTIFICATION);
        check::<VettingReviewFields>("vetting review", VETTING_REVIEW);
        check_patch::<psops_core::partnering::contacts::PartnerContactPatch>("partner contact", PARTNER_CONTACT);
        check_patch::<psops_core::skills::PersonSkillPatch>("skill", PERSON_SKILL);
        check_patch::<psops_core::skills::PersonCertificationPatch>("certification", PERSON_CERTIFICATION);
        check_patch::<psops_core::partnering::vetting::VettingReviewPatch>("vetting review", VETTING_REVIEW);
    }
}
