//! The forms of education services: a course in the catalogue, a learner, and a person's
//! certification to teach a course (made from the course's page, `?course=3`).

use axum::Router;
use psops_core::code::Code;
use psops_core::education::classes::{ClassAudience, ClassDelivery, TrainingClass};
use psops_core::education::courses::{Course, CourseDelivery, CourseState};
use psops_core::education::enrolments::{Enrolment, EnrolmentStatus};
use psops_core::education::learners::{Learner, LearnerOrg};
use psops_core::education::trainers::{CourseTrainer, TrainerPath};
use psops_core::policy::Subject;
use psops_core::record::Entity;

use super::inputs::{Input, Kind};
use super::kinds::{linked, today};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<Course>(r);
    let r = add::<Learner>(r);
    let r = add::<TrainingClass>(r);
    let r = add::<Enrolment>(r);
    add::<CourseTrainer>(r)
}

pub(super) const COURSE: &[Input] = &[
    Input::new("sku_id", "SKU", Kind::Ref(Entity::Sku)).hint("The catalog SKU the course is sold as."),
    Input::new("name", "Name", Kind::Text),
    Input::new("delivery", "Delivery", Kind::Choice(options::<CourseDelivery>)),
    Input::new("state", "Development state", Kind::Choice(options::<CourseState>))
        .hint("Moves one step at a time; only a course in production is scheduled."),
    Input::new("course_version", "Version", Kind::Text).hint("Of the course material, e.g. 2.1."),
    Input::new("outline", "Outline", Kind::Notes)
        .optional()
        .hint("One module a line."),
    Input::new("duration_days", "Days", Kind::Whole).hint("How many days one class runs."),
];

impl Editable for Course {
    const NOUN: &'static str = "course";
    const PATH: &'static str = "/courses";
    const API: &'static str = "courses";
    const INPUTS: &'static [Input] = COURSE;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/courses/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![
            ("delivery", CourseDelivery::Remote.code().to_string()),
            ("state", CourseState::Scheduling.code().to_string()),
            ("course_version", "1.0".to_string()),
            ("duration_days", "1".to_string()),
        ]
    }
}

pub(super) const LEARNER: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("email", "E-mail", Kind::Email)
        .optional()
        .hint("Where the class's mails and its survey go."),
    Input::new("organisation", "Organisation", Kind::Choice(options::<LearnerOrg>)),
    Input::new("person_id", "Person", Kind::Ref(Entity::Person))
        .optional()
        .hint("An employee's or a partner consultant's person record."),
    Input::new("partner_id", "Partner", Kind::Ref(Entity::Partner))
        .optional()
        .hint("For a partner consultant only."),
    Input::new("account_id", "Customer account", Kind::Ref(Entity::Account))
        .optional()
        .hint("For a customer contact only."),
    Input::new("contact_id", "Contact number", Kind::Whole)
        .optional()
        .hint("The account's contact (#id), for a customer contact."),
];

impl Editable for Learner {
    const NOUN: &'static str = "learner";
    const PATH: &'static str = "/learners";
    const API: &'static str = "learners";
    const INPUTS: &'static [Input] = LEARNER;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        "/learners".to_string()
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(_: &Pairs) -> Vec<(&'static str, String)> {
        vec![("organisation", LearnerOrg::CustomerContact.code().to_string())]
    }
}

pub(super) const COURSE_TRAINER: &[Input] = &[
    Input::new("person_id", "Trainer", Kind::Ref(Entity::Person)).fixed(),
    Input::new("course_id", "Course", Kind::Ref(Entity::Course)).fixed(),
    Input::new("path", "Path", Kind::Choice(options::<TrainerPath>)),
    Input::new("certified_on", "Certified on", Kind::Date),
    Input::new("expires_on", "Expires on", Kind::Date)
        .optional()
        .hint("The last day it holds; empty when it does not expire."),
];

impl Editable for CourseTrainer {
    const NOUN: &'static str = "course trainer";
    const PATH: &'static str = "/course-trainers";
    const API: &'static str = "course-trainers";
    const INPUTS: &'static [Input] = COURSE_TRAINER;
    const CARRIED: &'static [&'static str] = &["course"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("course", Entity::Course));

    fn name(&self) -> String {
        format!("Trainer certification {}", self.id)
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![
            (Entity::Person, self.fields.person_id.get()),
            (Entity::Course, self.fields.course_id.get()),
        ]
    }
    fn home(&self) -> String {
        format!("/courses/{}", self.fields.course_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("path", TrainerPath::Staff.code().to_string()),
            ("certified_on", today()),
        ];
        if let Some(c) = linked(link, "course") {
            v.push(("course_id", c.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "course") {
            Some(c) => format!("/courses/{c}"),
            None => "/courses".into(),
        }
    }
}

pub(super) const CLASS: &[Input] = &[
    Input::new("course_id", "Course", Kind::Ref(Entity::Course)).hint("Only a course in production is scheduled."),
    Input::new("trainer_id", "Trainer", Kind::Ref(Entity::Person))
        .hint("Certified to teach the course on every day of the class."),
    Input::new("start_date", "First day", Kind::Date),
    Input::new("end_date", "Last day", Kind::Date),
    Input::new("time_zone", "Time zone", Kind::Text).hint("IANA, e.g. Europe/Berlin."),
    Input::new("delivery", "Delivery", Kind::Choice(options::<ClassDelivery>)),
    Input::new("location", "Location", Kind::Text)
        .optional()
        .hint("Where an on-site class is taught."),
    Input::new("audience", "Audience", Kind::Choice(options::<ClassAudience>))
        .hint("A private class is for one account, under a project, with its fee."),
    Input::new("account_id", "Account", Kind::Ref(Entity::Account)).optional(),
    Input::new("project_id", "Project", Kind::Ref(Entity::Project)).optional(),
    Input::new("fee", "Fee", Kind::Money)
        .optional()
        .hint("A private class's fee: recognised once the roster is in."),
    Input::new("addon_seats", "Add-on seats", Kind::Whole).hint("Sold on the order beyond the 12 included."),
    Input::new("seat_price", "Seat price", Kind::Money)
        .optional()
        .hint("A public class's price of a seat: each seat bought under a customer's project is its revenue at close."),
];

impl Editable for TrainingClass {
    const NOUN: &'static str = "class";
    const PATH: &'static str = "/classes";
    const API: &'static str = "classes";
    const INPUTS: &'static [Input] = CLASS;

    fn name(&self) -> String {
        format!("Class of {}", self.fields.start_date)
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![(Entity::Course, self.fields.course_id.get())]
    }
    fn home(&self) -> String {
        format!("/classes/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("time_zone", "UTC".to_string()),
            ("delivery", ClassDelivery::Remote.code().to_string()),
            ("audience", ClassAudience::Public.code().to_string()),
            ("addon_seats", "0".to_string()),
        ];
        if let Some(c) = linked(link, "course") {
            v.push(("course_id", c.to_string()));
        }
        v
    }
}

pub(super) const ENROLMENT: &[Input] = &[
    Input::new("class_id", "Class", Kind::Whole).fixed(),
    Input::new("learner_id", "Learner number", Kind::Whole)
        .fixed()
        .hint("The learner's number (#id) from the learners list."),
    Input::new("status", "Status", Kind::Choice(options::<EnrolmentStatus>)).hint("Cancelled frees the seat."),
    Input::new("project_id", "Bought under project", Kind::Ref(Entity::Project))
        .optional()
        .hint("The customer's project that bought this seat of a public class; it earns the seat price at close."),
];

impl Editable for Enrolment {
    const NOUN: &'static str = "registration";
    const PATH: &'static str = "/enrolments";
    const API: &'static str = "enrolments";
    const INPUTS: &'static [Input] = ENROLMENT;
    const CARRIED: &'static [&'static str] = &["class"];

    fn name(&self) -> String {
        format!("Registration {}", self.id)
    }
    fn home(&self) -> String {
        format!("/classes/{}", self.fields.class_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("status", EnrolmentStatus::Registered.code().to_string())];
        if let Some(c) = linked(link, "class") {
            v.push(("class_id", c.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "class") {
            Some(c) => format!("/classes/{c}"),
            None => "/classes".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::tests::{check, check_patch};
    use super::*;

    #[test]
    fn the_education_forms_have_exactly_the_apis_fields() {
        use psops_core::education::courses::{CourseFields, CoursePatch};
        use psops_core::education::learners::{LearnerFields, LearnerPatch};
        use psops_core::education::trainers::{CourseTrainerFields, CourseTrainerPatch};
        check::<CourseFields>("course", COURSE);
        check_patch::<CoursePatch>("course", COURSE);
        check::<LearnerFields>("learner", LEARNER);
        check_patch::<LearnerPatch>("learner", LEARNER);
        check::<CourseTrainerFields>("course trainer", COURSE_TRAINER);
        check_patch::<CourseTrainerPatch>("course trainer", COURSE_TRAINER);
        use psops_core::education::classes::{TrainingClassFields, TrainingClassPatch};
        use psops_core::education::enrolments::{EnrolmentFields, EnrolmentPatch};
        check::<TrainingClassFields>("class", CLASS);
        check_patch::<TrainingClassPatch>("class", CLASS);
        check::<EnrolmentFields>("registration", ENROLMENT);
        check_patch::<EnrolmentPatch>("registration", ENROLMENT);
    }
}
