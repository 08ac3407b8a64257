//! The authorization policy applied to records: what each record (or proposed record) is
//! to `psops_core::policy::decide`, and the answer turned into 404 or 403. Every API
//! handler and every UI page goes through here.

use std::future::Future;

use psops_core::accounts::{Account, AccountFields, Contact};
use psops_core::accounts::{AccountPatch, ContactPatch};
use psops_core::assignments::{Assignment, AssignmentFields, AssignmentPatch};
use psops_core::error::Thing;
use psops_core::partners::{Partner, PartnerFields, PartnerPatch};
use psops_core::people::{Person, PersonFields, PersonId, PersonPatch};
use psops_core::policy::{Action, Decision, Grant, ProjectFacts, Resource, Subject, decide, grant};
use psops_core::projects::{Project, ProjectFields, ProjectId, ProjectPatch};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::time_entries::{NewTimeEntry, TimeEntry, TimeEntryPatch};
use psops_core::{Error, Id, Result};

use crate::AppState;

mod catalog;
pub(crate) mod certifications;
mod closure_csat;
pub mod education;
mod escalations;
mod finance;
mod invoices;
mod notifications;
mod partner_funds;
pub(crate) mod partner_invoices;
pub mod partnering;
mod scoping;

pub use closure_csat::ClosureOf;
pub use finance::MoneyOf;

/// A record, or the input of one, as the policy sees it. `None` means a reference in
/// the input points nowhere: the store refuses that with a clear error of its own.
pub trait Guarded: Sync {
    /// The kind and id named in a 404, e.g. `project 12`.
    fn label(&self) -> (Thing, String);
    fn resource(&self, st: &AppState, s: &Subject) -> impl Future<Output = Result<Option<Resource>>> + Send;
}

/// Lets the action through, or answers as the policy says: hidden objects are not found,
/// a create of something the caller may not see is simply forbidden.
pub async fn allow<T: Guarded>(st: &AppState, s: &Subject, action: Action, thing: &T) -> Result<Grant> {
    let resource = thing.resource(st, s).await?;
    let (entity, id) = thing.label();
    match grant(s, action, resource.as_ref()) {
        Ok(granted) => Ok(granted),
        Err(Decision::Hidden) if action != Action::Create => Err(Error::NotFound { entity, id }),
        _ => Err(Error::Forbidden(
            resource
                .as_ref()
                .and_then(|r| psops_core::policy::refusal(s, action, r))
                .map(str::to_string)
                .unwrap_or_else(|| format!("your roles do not allow you to {} this {entity}", verb(action))),
        )),
    }
}

fn verb(a: Action) -> &'static str {
    match a {
        Action::Read => "read",
        Action::Create => "create",
        Action::Update => "change",
        Action::Archive => "archive",
        Action::Delete => "delete",
        Action::Approve => "approve",
    }
}

/// An update is checked against the record as stored; a change that moves the record
/// (a time entry to another project) is checked as if it were created there too.
pub trait GuardedUpdate<P>: Guarded {
    fn allow_update(&self, st: &AppState, s: &Subject, patch: &P) -> impl Future<Output = Result<Grant>> + Send;
}

macro_rules! plain_update {
    ($($record:ty => $patch:ty),* $(,)?) => {$(
        impl GuardedUpdate<$patch> for $record {
            async fn allow_update(&self, st: &AppState, s: &Subject, _: &$patch) -> Result<Grant> {
                allow(st, s, Action::Update, self).await
            }
        }
    )*};
}
plain_update!(
    Person => PersonPatch,
    Partner => PartnerPatch,
    Account => AccountPatch,
    Contact => ContactPatch,
    Project => ProjectPatch,
    Assignment => AssignmentPatch,
);

impl GuardedUpdate<TimeEntryPatch> for TimeEntry {
    async fn allow_update(&self, st: &AppState, s: &Subject, patch: &TimeEntryPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await?;
        let moved = patch.clone().apply(self.as_input());
        if moved.project_id == self.project_id {
            // Staying on its project: the entry's own project is no secret to its owner.
            allow(st, s, Action::Create, &SameProject(moved)).await
        } else {
            allow(st, s, Action::Create, &moved).await
        }
    }
}

/// An entry kept on the project it already has.
struct SameProject(NewTimeEntry);

impl Guarded for SameProject {
    fn label(&self) -> (Thing, String) {
        self.0.label()
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        entry(st, s, self.0.person_id, self.0.project_id).await
    }
}

/// Refuses time on a project the subject may not see exactly as time on a project that
/// does not exist, so that answers reveal no project ids.
async fn unseen_project_is_unknown(st: &AppState, s: &Subject, id: Option<ProjectId>) -> Result<()> {
    let Some(id) = id else { return Ok(()) };
    match project(st, s, id).await? {
        Some(facts) if decide(s, Action::Read, &Resource::Project(facts)) != Decision::Allow => Err(Error::invalid(
            "project_id",
            Rule::Exists,
            format!("project_id {id} does not refer to an existing project"),
        )),
        _ => Ok(()),
    }
}

/// The facts of a project for the subject; `None` when the project does not exist.
pub(crate) async fn project(st: &AppState, s: &Subject, id: ProjectId) -> Result<Option<ProjectFacts>> {
    match st.store.project_facts(id, s.person_id).await {
        Ok(f) => Ok(Some(f)),
        Err(Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn account_for(st: &AppState, s: &Subject, account: psops_core::accounts::AccountId) -> Result<Resource> {
    let partner_delivers = match s.partner_id {
        Some(p) => st.store.partner_delivers_for(p, account).await?,
        None => false,
    };
    Ok(Resource::Account { partner_delivers })
}

async fn entry(
    st: &AppState,
    s: &Subject,
    person: PersonId,
    project_id: Option<ProjectId>,
) -> Result<Option<Resource>> {
    let person_partner_id = match st.store.get(person).await {
        Ok(p) => p.fields.partner_id,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let project = match project_id {
        Some(id) => match project(st, s, id).await? {
            Some(f) => Some(f),
            None => return Ok(None),
        },
        None => None,
    };
    Ok(Some(Resource::TimeEntry {
        person_id: person,
        person_partner_id,
        project,
    }))
}

fn new_id<T>() -> Id<T> {
    Id::new(0)
}

impl Guarded for Person {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Person), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Person {
            id: self.id,
            partner_id: self.fields.partner_id,
        }))
    }
}

impl Guarded for PersonFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Person), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Person {
            id: new_id(),
            partner_id: self.partner_id,
        }))
    }
}

impl Guarded for Partner {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Partner), self.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Partner { id: self.id }))
    }
}

impl Guarded for PartnerFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Partner), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Partner { id: new_id() }))
    }
}

impl Guarded for Account {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Account), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        account_for(st, s, self.id).await.map(Some)
    }
}

impl Guarded for AccountFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Account), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Account {
            partner_delivers: false,
        }))
    }
}

impl Guarded for Contact {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Contact), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        account_for(st, s, self.account_id).await.map(Some)
    }
}

/// A new contact is guarded as its account: adding one is changing the account.
impl Guarded for psops_core::accounts::NewContact {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Account), self.account_id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        account_for(st, s, self.account_id).await.map(Some)
    }
}

impl Guarded for Project {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Project), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(project(st, s, self.id).await?.map(Resource::Project))
    }
}

impl Guarded for ProjectFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Project), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        let facts = ProjectFacts {
            id: new_id(),
            manager_id: self.project_manager_id,
            partner_id: self.partner_id,
            subject_assigned: false,
        };
        Ok(Some(Resource::Project(facts)))
    }
}

impl Guarded for Assignment {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Assignment), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        self.fields.resource(st, s).await
    }
}

impl Guarded for AssignmentFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Assignment), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        let person_partner_id = match st.store.get(self.person_id).await {
            Ok(p) => p.fields.partner_id,
            Err(Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let facts = project(st, s, self.project_id).await?;
        Ok(facts.map(|project| Resource::Assignment {
            person_id: self.person_id,
            person_partner_id,
            project,
        }))
    }
}

impl Guarded for TimeEntry {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TimeEntry), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        entry(st, s, self.person_id, self.project_id).await
    }
}

impl Guarded for NewTimeEntry {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::TimeEntry), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        unseen_project_is_unknown(st, s, self.project_id).await?;
        entry(st, s, self.person_id, self.project_id).await
    }
}

/// Resources that are not records: settings, users, tokens, the audit log.
pub struct Fixed(pub Resource, pub Thing);

/// A person's calendar-feed secret, named in answers as the person.
pub struct Feed<'a>(pub &'a Person);

impl Guarded for Feed<'_> {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Person), self.0.id.to_string())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Feed {
            person_id: self.0.id,
            partner_id: self.0.fields.partner_id,
        }))
    }
}

impl Guarded for Fixed {
    fn label(&self) -> (Thing, String) {
        (self.1, String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(self.0))
    }
}

/// The most a subject could be allowed to change among the records under an API path:
/// each kind of record at its most favourable to them (their own person, a project they
/// manage and are assigned to, of their own organisation). `None` for paths that name
/// no kind of record.
fn best_case(s: &Subject, path: &str) -> Option<(Thing, Resource)> {
    let me = s.person_id.unwrap_or_else(new_id);
    let project = ProjectFacts {
        id: new_id(),
        manager_id: s.person_id,
        partner_id: s.partner_id,
        subject_assigned: true,
    };
    let mut parts = path.strip_prefix("/api/v1/")?.split('/');
    let family = parts.next()?;
    if let Some(found) = partnering::best_case(s, family, parts.nth(1)) {
        return Some(found);
    }
    let found = match family {
        "people" => (
            Thing::Entity(Entity::Person),
            Resource::Person {
                id: me,
                partner_id: s.partner_id,
            },
        ),
        "partners" => (
            Thing::Entity(Entity::Partner),
            Resource::Partner {
                id: s.partner_id.unwrap_or_else(new_id),
            },
        ),
        "accounts" => (
            Thing::Entity(Entity::Account),
            Resource::Account { partner_delivers: true },
        ),
        "projects" => (Thing::Entity(Entity::Project), Resource::Project(project)),
        "assignments" => (
            Thing::Entity(Entity::Assignment),
            Resource::Assignment {
                person_id: me,
                person_partner_id: s.partner_id,
                project,
            },
        ),
        "time-entries" => (
            Thing::Entity(Entity::TimeEntry),
            Resource::TimeEntry {
                person_id: me,
                person_partner_id: s.partner_id,
                project: Some(project),
            },
        ),
        "time-off" => (
            Thing::Entity(Entity::TimeOff),
            Resource::TimeOff {
                person_id: me,
                person_partner_id: s.partner_id,
                manager_id: s.person_id,
            },
        ),
        "timesheets" => (
            Thing::Timesheet,
            Resource::Timesheet {
                person_id: me,
                person_partner_id: s.partner_id,
                manager_id: s.person_id,
            },
        ),
        // A partner's funds at their most favourable: the subject's own organisation's.
        "prime-sows" => (
            Thing::Entity(Entity::PrimeSow),
            Resource::PartnerFunds {
                partner_id: s.partner_id.unwrap_or_else(new_id),
            },
        ),
        "work-authorizations" => (
            Thing::Entity(Entity::WorkAuthorization),
            Resource::PartnerFunds {
                partner_id: s.partner_id.unwrap_or_else(new_id),
            },
        ),
        "settings" => (Thing::Entity(Entity::Settings), Resource::Settings),
        "users" => (Thing::Entity(Entity::User), Resource::Users),
        "webhooks" => (Thing::Entity(Entity::WebhookSubscription), Resource::Webhooks),
        "webhook-deliveries" => (Thing::Entity(Entity::WebhookDelivery), Resource::Webhooks),
        "tokens" => (Thing::Entity(Entity::ApiToken), Resource::ApiToken { owner: s.user_id }),
        "calendars" => (Thing::Calendar, Resource::Calendars),
        "capacity" => (Thing::Entity(Entity::CapacityRules), Resource::CapacityRules),
        "locked-periods" => (Thing::Entity(Entity::LockedPeriod), Resource::LockedPeriods),
        "offering-types" => (Thing::Entity(Entity::OfferingType), Resource::Catalog),
        "offerings" => (Thing::Entity(Entity::Offering), Resource::Catalog),
        "skus" => (Thing::Entity(Entity::Sku), Resource::Catalog),
        "sku-prices" => (Thing::Entity(Entity::SkuPrice), Resource::Catalog),
        "bundles" => (Thing::Entity(Entity::Bundle), Resource::Catalog),
        "sku-requests" => (
            Thing::Entity(Entity::SkuRequest),
            Resource::SkuRequest {
                requested_by: Some(s.user_id),
                subject_approves: true,
            },
        ),
        "role-rates" => (Thing::Entity(Entity::RoleRate), Resource::RateCard { cost: false }),
        "project-rates" => (Thing::Entity(Entity::ProjectRate), Resource::ProjectRates(project)),
        "cost-rates" => (Thing::Entity(Entity::CostRate), Resource::CostRates),
        "fx-rates" => (Thing::Entity(Entity::FxRate), Resource::FxRates),
        "changes" => (
            Thing::Entity(Entity::Change),
            Resource::Change {
                project: Some(project),
                engagement_manager: Some(me),
                raised_by: None,
            },
        ),
        "opportunities" | "estimates" | "sows" | "scoping" => (
            Thing::Entity(Entity::Opportunity),
            Resource::Opportunity {
                engagement_manager: Some(me),
                technical_architect: Some(me),
                subject_decides: true,
            },
        ),
        "milestones" => (Thing::Entity(Entity::Milestone), Resource::Plan(project)),
        "resource-requests" => (Thing::Entity(Entity::ResourceRequest), Resource::Plan(project)),
        "checklist-items" => (Thing::Entity(Entity::ChecklistItem), Resource::Plan(project)),
        "escalations" => (
            Thing::Entity(Entity::Escalation),
            Resource::Escalation {
                project: Some(project),
                partner_delivers: true,
                dri: Some(me),
            },
        ),
        "health-reports" => (Thing::Entity(Entity::HealthReport), Resource::Plan(project)),
        "raid-items" => (Thing::Entity(Entity::RaidItem), Resource::Plan(project)),
        "surveys" => (Thing::Entity(Entity::Survey), Resource::Plan(project)),
        "closures" => (Thing::Entity(Entity::Closure), Resource::Plan(project)),
        "trainings" => (
            Thing::Entity(Entity::Training),
            Resource::ProjectMoney { project, cost: false },
        ),
        "forecast" => (Thing::Finance, Resource::Finance),
        "courses" => (Thing::Entity(Entity::Course), Resource::Courses),
        // A trainer keeps their class's roster but makes no class: "New" is for ops.
        "classes" => (
            Thing::Entity(Entity::TrainingClass),
            Resource::TrainingClass {
                trainer_id: me,
                trainer_partner_id: s.partner_id,
                roster: false,
            },
        ),
        "enrolments" => (
            Thing::Entity(Entity::Enrolment),
            Resource::TrainingClass {
                trainer_id: me,
                trainer_partner_id: s.partner_id,
                roster: false,
            },
        ),
        "learners" => (
            Thing::Entity(Entity::Learner),
            Resource::Learner {
                partner_id: s.partner_id,
            },
        ),
        "certifications" => (Thing::Entity(Entity::Certification), Resource::Courses),
        "certification-attempts" | "certificates" => (
            Thing::Entity(if family == "certificates" {
                Entity::Certificate
            } else {
                Entity::CertificationAttempt
            }),
            Resource::Learner {
                partner_id: s.partner_id,
            },
        ),
        "course-trainers" => (
            Thing::Entity(Entity::CourseTrainer),
            Resource::CourseTrainer {
                person_id: me,
                partner_id: s.partner_id,
            },
        ),
        "trainer-paths" => (
            Thing::Entity(Entity::TrainerCandidacy),
            Resource::CourseTrainer {
                person_id: me,
                partner_id: s.partner_id,
            },
        ),
        "partner-invoices" => (
            Thing::Entity(Entity::PartnerInvoice),
            Resource::PartnerInvoice {
                partner_id: s.partner_id.unwrap_or_else(new_id),
            },
        ),
        _ => return None,
    };
    Some(found)
}

/// Whether the subject may read some record under an API path, at its most favourable to
/// them: a form of a kind they may not even see is a page that is not there for them.
pub fn may_read_at_best(s: &Subject, path: &str) -> bool {
    best_case(s, path).is_none_or(|(_, resource)| decide(s, Action::Read, &resource) == Decision::Allow)
}

/// Whether the subject may do `action` to some record under an API path, at its most
/// favourable to them (see [`best_case`]): what decides whether a page offers the button.
pub fn may_at_best(s: &Subject, path: &str, action: Action) -> bool {
    best_case(s, path).is_some_and(|(_, resource)| decide(s, action, &resource) == Decision::Allow)
}

/// Refuses a write whose body did not parse when the subject may change nothing of its
/// kind at all, before the body's errors are told: a caller without the right learns
/// nothing from validation (403 before 422). The answer is what the handler would give —
/// 404 for what they may not even see, except on creates — without reading any record.
pub fn may_write_some(s: &Subject, path: &str, create: bool) -> Result<()> {
    let Some((entity, resource)) = best_case(s, path) else {
        return Ok(());
    };
    let writes = [
        Action::Create,
        Action::Update,
        Action::Archive,
        Action::Delete,
        Action::Approve,
    ];
    let decisions: Vec<Decision> = writes.iter().map(|a| decide(s, *a, &resource)).collect();
    if decisions.contains(&Decision::Allow) {
        Ok(())
    } else if decisions.contains(&Decision::Forbidden) || create {
        Err(Error::Forbidden(format!(
            "your roles do not allow you to change any {entity}"
        )))
    } else {
        Err(Error::NotFound {
            entity,
            id: String::new(),
        })
    }
}
