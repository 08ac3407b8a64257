//! Each record kind's form: its inputs, in the order a person fills them, and where a
//! saved record is shown. The inputs name the API's JSON fields; a test holds them to
//! the API's schema, so a field added to the API without a form input fails it.

use axum::Router;
use psops_core::accounts::{Account, Contact, ContactFields, NewContact};
use psops_core::assignments::Assignment;
use psops_core::dates::format_date;
use psops_core::delivery::lifecycle::Phase;
use psops_core::partners::{Partner, PartnerType};
use psops_core::people::{Function, Person};
use psops_core::policy::{Action, Subject};
use psops_core::projects::{BillingType, Project, ProjectStatus, ProjectType};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::{Error, Id};
use time::OffsetDateTime;

use super::inputs::{Input, Kind};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    let r = add::<Person>(r);
    let r = add::<Partner>(r);
    let r = add::<Account>(r);
    let r = add::<Contact>(r);
    let r = add::<Project>(r);
    let r = add::<Assignment>(r);
    let r = super::catalog_kinds::routes(r);
    let r = super::delivery_kinds::routes(r);
    let r = super::education_kinds::routes(r);
    let r = super::partnering_kinds::routes(r);
    let r = super::partner_funds_kinds::routes(r);
    super::scoping_kinds::routes(r)
}

pub(super) fn today() -> String {
    format_date(OffsetDateTime::now_utc().date())
}

/// A positive id the link carries, e.g. `?project=12`.
pub(super) fn linked(link: &Pairs, key: &str) -> Option<i64> {
    link.get(key).and_then(|v| v.parse::<i64>().ok()).filter(|id| *id > 0)
}

const PERSON: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("email", "E-mail", Kind::Email).hint("Unique; a user signs in with it."),
    Input::new("function", "Function", Kind::Choice(options::<Function>)),
    Input::new("region", "Region", Kind::Text).hint("Decides the holiday calendar, e.g. EMEA."),
    Input::new("time_zone", "Time zone", Kind::Text).hint("An IANA name such as Europe/Berlin, or UTC."),
    Input::new("fte", "FTE", Kind::Decimal).hint("1 is full time, 0.8 four days a week."),
    Input::new("employment_start", "Employment start", Kind::Date),
    Input::new("employment_end", "Employment end", Kind::Date).optional(),
    Input::new("manager_id", "Manager", Kind::Ref(Entity::Person))
        .optional()
        .hint("Approves their time off."),
    Input::new("partner_id", "Partner employer", Kind::Ref(Entity::Partner))
        .optional()
        .hint("Empty for the company's own staff."),
];

impl Editable for Person {
    const NOUN: &'static str = "person";
    const PATH: &'static str = "/people";
    const API: &'static str = "people";
    const INPUTS: &'static [Input] = PERSON;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/people/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("time_zone", "UTC".to_string()),
            ("fte", "1".to_string()),
            ("employment_start", today()),
        ];
        if let Some(p) = linked(link, "partner") {
            v.push(("partner_id", p.to_string()));
            v.push(("function", "partner_consultant".into()));
        }
        v
    }
}

const PARTNER: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("partner_type", "Type", Kind::Choice(options::<PartnerType>)),
    Input::new("region", "Region", Kind::Text).optional(),
    Input::new("notes", "Notes", Kind::Notes).optional(),
    Input::new("training_since", "Training since", Kind::Date)
        .optional()
        .hint("The day it enrolled as a training service partner, delivering our courses; empty when it is not one."),
];

impl Editable for Partner {
    const NOUN: &'static str = "partner";
    const PATH: &'static str = "/partners";
    const API: &'static str = "partners";
    const INPUTS: &'static [Input] = PARTNER;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/partners/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
}

const ACCOUNT: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("code", "Code", Kind::Text)
        .optional()
        .hint("A short unique code, e.g. NWL."),
    Input::new("region", "Region", Kind::Text).optional(),
    Input::new("industry", "Industry", Kind::Text).optional(),
    Input::new("currency", "Currency", Kind::Currency)
        .optional()
        .hint("Three capital letters, e.g. EUR."),
];

impl Editable for Account {
    const NOUN: &'static str = "account";
    const PATH: &'static str = "/accounts";
    const API: &'static str = "accounts";
    const INPUTS: &'static [Input] = ACCOUNT;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/accounts/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
}

const CONTACT: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("email", "E-mail", Kind::Email).optional(),
    Input::new("title", "Title", Kind::Text).optional(),
    Input::new("phone", "Phone", Kind::Text).optional(),
];

impl Editable for Contact {
    const NOUN: &'static str = "contact";
    const PATH: &'static str = "/contacts";
    const API: &'static str = "accounts";
    const INPUTS: &'static [Input] = CONTACT;
    const CARRIED: &'static [&'static str] = &["account"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("account", Entity::Account));
    /// Adding a contact is changing its account, as on the API.
    const CREATE: Action = Action::Update;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/accounts/{}", self.account_id)
    }
    fn new_from(raw: &[u8], carried: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        let fields: ContactFields = parse_json(raw)?;
        let account = linked(carried, "account")
            .ok_or_else(|| Error::invalid("account", Rule::Required, "Open the form from the account's page"))?;
        Ok(NewContact {
            account_id: Id::new(account),
            fields,
        })
    }
    fn back(link: &Pairs) -> String {
        match linked(link, "account") {
            Some(a) => format!("/accounts/{a}"),
            None => "/accounts".into(),
        }
    }
}

const PROJECT: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("code", "Code", Kind::Text).optional(),
    Input::new("account_id", "Account", Kind::Ref(Entity::Account))
        .optional()
        .hint("Empty for internal projects."),
    Input::new("project_type", "Type", Kind::Choice(options::<ProjectType>)),
    Input::new("billing_type", "Billing", Kind::Choice(options::<BillingType>)),
    Input::new("status", "Status", Kind::Choice(options::<ProjectStatus>))
        .hint("Moves only along the lifecycle's edges; the overview offers them."),
    Input::new("phase", "Phase", Kind::Choice(options::<Phase>))
        .optional()
        .hint("Forward one phase at a time, or back to deliver for another iteration."),
    Input::new("start_date", "Start", Kind::Date).optional(),
    Input::new("end_date", "End", Kind::Date).optional(),
    Input::new("project_manager_id", "Project manager", Kind::Ref(Entity::Person))
        .optional()
        .hint("Approves the project's time."),
    Input::new("budget_minutes", "Budget hours", Kind::Hours).optional(),
    Input::new("budget", "Budget", Kind::Money).optional(),
    Input::new("partner_delivered", "Delivered by a partner", Kind::Flag),
    Input::new("partner_id", "Delivering partner", Kind::Ref(Entity::Partner)).optional(),
];

impl Editable for Project {
    const NOUN: &'static str = "project";
    const PATH: &'static str = "/projects";
    const API: &'static str = "projects";
    const INPUTS: &'static [Input] = PROJECT;

    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/projects/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("start_date", today())];
        if let Some(a) = linked(link, "account") {
            v.push(("account_id", a.to_string()));
        }
        v
    }
}

const ASSIGNMENT: &[Input] = &[
    Input::new("person_id", "Person", Kind::Ref(Entity::Person)),
    Input::new("project_id", "Project", Kind::Ref(Entity::Project)),
    Input::new("role", "Role", Kind::Choice(options::<Function>)),
    Input::new("start_date", "From", Kind::Date),
    Input::new("end_date", "Until", Kind::Date)
        .optional()
        .hint("Within the project's dates; empty only on a project without an end."),
    Input::new("minutes_per_week", "Hours a week", Kind::Hours).hint("Planned, e.g. 40 or 20:30."),
];

impl Editable for Assignment {
    const NOUN: &'static str = "assignment";
    const PATH: &'static str = "/assignments";
    const API: &'static str = "assignments";
    const INPUTS: &'static [Input] = ASSIGNMENT;

    fn name(&self) -> String {
        format!("assignment #{}", self.id)
    }
    fn named_by(&self) -> Vec<(Entity, i64)> {
        vec![
            (Entity::Person, self.fields.person_id.get()),
            (Entity::Project, self.fields.project_id.get()),
        ]
    }
    fn home(&self) -> String {
        format!("/projects/{}", self.fields.project_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![("start_date", today()), ("role", "engineer".to_string())];
        for (key, input) in [("project", "project_id"), ("person", "person_id")] {
            if let Some(id) = linked(link, key) {
                v.push((input, id.to_string()));
            }
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match (linked(link, "project"), linked(link, "person")) {
            (Some(p), _) => format!("/projects/{p}"),
            (_, Some(p)) => format!("/people/{p}"),
            _ => "/projects".into(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use utoipa::PartialSchema;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    /// The schema's properties: `(name, required)`.
    fn properties<T: PartialSchema>() -> Vec<(String, bool)> {
        let RefOr::T(Schema::Object(o)) = T::schema() else {
            panic!("not an object schema");
        };
        let required = o.required.clone();
        o.properties.keys().map(|k| (k.clone(), required.contains(k))).collect()
    }

    pub(in crate::ui::edit) fn check<T: PartialSchema>(kind: &str, list: &[Input]) {
        let mut want = properties::<T>();
        want.sort();
        let mut have: Vec<(String, bool)> = list.iter().map(|i| (i.name.to_string(), i.required)).collect();
        have.sort();
        let names = |v: &[(String, bool)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&have),
            names(&want),
            "{kind}: the form's inputs are the API's fields"
        );
        for ((name, form), (_, api)) in have.iter().zip(&want) {
            // A field the API defaults (time zone, FTE, status) may still be required in
            // the form, which starts it filled; a field the API requires never optional.
            assert!(
                *form || !*api,
                "{kind}.{name} is required by the API but optional in the form"
            );
        }
    }

    /// An edit form sends what the API's patch takes: every input but the fixed ones,
    /// which the patch has no field for.
    pub(in crate::ui::edit) fn check_patch<T: PartialSchema>(kind: &str, list: &[Input]) {
        let patch: Vec<String> = properties::<T>().into_iter().map(|(n, _)| n).collect();
        for i in list {
            assert_eq!(
                patch.contains(&i.name.to_string()),
                !i.fixed,
                "{kind}.{}: an input is fixed exactly when the patch has no such field",
                i.name
            );
        }
    }

    #[test]
    fn every_form_has_exactly_the_apis_fields() {
        check::<psops_core::people::PersonFields>("person", PERSON);
        check::<psops_core::partners::PartnerFields>("partner", PARTNER);
        check::<psops_core::accounts::AccountFields>("account", ACCOUNT);
        check::<ContactFields>("contact", CONTACT);
        check::<psops_core::projects::ProjectFields>("project", PROJECT);
        check::<psops_core::assignments::AssignmentFields>("assignment", ASSIGNMENT);
    }
}
