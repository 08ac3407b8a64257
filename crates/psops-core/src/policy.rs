//! The one authorization policy of psops: a function of (subject, action, resource) that
//! every handler and CLI command asks. Reading something you may not see answers as if it
//! did not exist (404); acting on something you may see but not change is refused (403).
//! Lists are cut by the same rules through [`list_scope`].

use crate::auth::{Role, UserId};
use crate::partners::PartnerId;
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::scope::{ApprovalScope, ListKind, ListScope};

/// Who acts, as far as authorization cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    /// The person the user is, when the user is staffed or logs time.
    pub person_id: Option<PersonId>,
    /// The partner organisation employing that person; `None` for the company's own staff.
    pub partner_id: Option<PartnerId>,
    /// Read-only API tokens may only read.
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Create,
    Update,
    Archive,
    Delete,
    /// Approve, reject or reopen timesheet entries.
    Approve,
}

/// A project as the policy sees it, relative to the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectFacts {
    pub id: ProjectId,
    pub manager_id: Option<PersonId>,
    /// The partner organisation delivering the project, when partner-delivered.
    pub partner_id: Option<PartnerId>,
    /// Whether the subject's person holds an assignment on it.
    pub subject_assigned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Person {
        id: PersonId,
        partner_id: Option<PartnerId>,
    },
    Partner {
        id: PartnerId,
    },
    /// What a partner organisation keeps about itself — its contacts: read with the
    /// partner, kept by ops, administrators and the partner's own managers.
    PartnerOwn {
        partner_id: PartnerId,
    },
    /// A person's skills and certifications: read with the person, kept by ops,
    /// administrators and — for a partner consultant — their organisation's managers.
    Profile {
        person_id: PersonId,
        partner_id: Option<PartnerId>,
    },
    /// The company's vetting reviews of a consultant (video review, interview): read
    /// with the person, recorded only by the company's ops and administrators — a
    /// partner never grades its own people.
    Vetting {
        person_id: PersonId,
        partner_id: Option<PartnerId>,
    },
    /// An account and its contacts; `partner_delivers` tells whether the subject's partner
    /// organisation delivers any project for it.
    Account {
        partner_delivers: bool,
    },
    Project(ProjectFacts),
    /// A person's assignment: the person, their employer, and the project.
    Assignment {
        person_id: PersonId,
        person_partner_id: Option<PartnerId>,
        project: ProjectFacts,
    },
    /// A time entry: the person it belongs to and their employer, and its project if any.
    TimeEntry {
        person_id: PersonId,
        person_partner_id: Option<PartnerId>,
        project: Option<ProjectFacts>,
    },
    Settings,
    /// Users and their roles.
    Users,
    /// Webhook subscriptions and their delivery log (administrators only: a subscription
    /// sends records outside psops).
    Webhooks,
    ApiToken {
        owner: UserId,
    },
    AuditLog,
    /// A day (or part) off: whose, their employer, and their manager (who approves it).
    TimeOff {
        person_id: PersonId,
        person_partner_id: Option<PartnerId>,
        manager_id: Option<PersonId>,
    },
    /// A person's weekly timesheet as a whole: submitting, withdrawing and reading it.
    /// Approving one project's entries is also checked on that project's `TimeEntry`.
    Timesheet {
        person_id: PersonId,
        person_partner_id: Option<PartnerId>,
        manager_id: Option<PersonId>,
    },
    /// A person's capacity and utilization figures, in reports and on their own.
    Figures {
        person_id: PersonId,
        partner_id: Option<PartnerId>,
        manager_id: Option<PersonId>,
    },
    /// A person's calendar-feed secret: its owner resets it, and so does whoever may
    /// change the person.
    Feed {
        person_id: PersonId,
        partner_id: Option<PartnerId>,
    },
    /// Holiday calendars and their holidays.
    Calendars,
    /// The capacity policy and its overrides.
    CapacityRules,
    /// Periods finance closed.
    LockedPeriods,
    /// The timesheet compliance report.
    Compliance,
    /// The catalog: offering types, offerings, SKUs and their list prices, bundles.
    Catalog,
    /// A new-SKU request (with its cost basis): who drafted it and whether the subject
    /// decides any step of its chain.
    SkuRequest {
        requested_by: Option<UserId>,
        subject_approves: bool,
    },
    /// A rate card line: a bill rate, or a standard cost (`cost`).
    RateCard {
        cost: bool,
    },
    /// A project's own bill rates.
    ProjectRates(ProjectFacts),
    /// People's cost rates.
    CostRates,
    /// FX rates.
    FxRates,
    /// A project's plan (milestones, resource requests, checklist): read with the
    /// project, kept by its manager, ops and administrators.
    Plan(ProjectFacts),
    /// The delivery portfolio: read by those who oversee delivery and by project managers
    /// (their own projects' part of it); changed by nobody.
    Portfolio,
    /// Staffing across the organisation: who is free when (the master planning view),
    /// suggestions and booking. Read by those who oversee delivery and by project
    /// managers; bookings made by ops, practice managers and administrators.
    Staffing,
    /// The organisation's CSAT figures (by quarter, offering, PM, region, partner): read
    /// by the staff who run delivery, written by nobody (answers come from customers).
    CsatReport,
    /// A change (change order, description of work, new SOW, work at risk, work
    /// exception): its project, the engagement manager of its opportunity, and who raised
    /// it.
    Change {
        project: Option<ProjectFacts>,
        engagement_manager: Option<PersonId>,
        raised_by: Option<UserId>,
    },
    /// An opportunity with its scoping record, estimates and SOWs: who its engagement
    /// manager and technical architect are, and whether the subject decides a step of
    /// its SOW's approval chain.
    Opportunity {
        engagement_manager: Option<PersonId>,
        technical_architect: Option<PersonId>,
        subject_decides: bool,
    },
    /// An escalation: its project when it is on one (else it is on an account), whether
    /// the subject's partner organisation delivers for its account, and its DRI. Read
    /// with the project, or — on an account — by the company's staff and the managers of
    /// partners delivering for it; read by its DRI and by all who oversee delivery; kept
    /// by its DRI, the project's manager, ops and administrators.
    Escalation {
        project: Option<ProjectFacts>,
        partner_delivers: bool,
        dri: Option<PersonId>,
    },
    /// The organisation's money: revenue, cost and margin across projects, forecasts and
    /// the ledger behind them. Read by those who see cost; recognised, snapshotted and
    /// closed by finance and administrators.
    Finance,
    /// One project's money: burn and estimate at completion in hours and bill-rate money,
    /// and — with `cost` — its cost and margin, which only those who see cost read.
    ProjectMoney {
        project: ProjectFacts,
        cost: bool,
    },
    /// An invoice or credit note of a project: read by those who see bill rates and by
    /// the project's manager; drafted, issued and credited by finance and administrators.
    Invoice {
        project: ProjectFacts,
    },
    /// A notification in the outbox, and the project it concerns if any: administrators
    /// and ops read every one and send one again; a project's manager reads theirs.
    Notification {
        project: Option<ProjectFacts>,
    },
    /// A partner's prime SOWs and the work authorizations drawn on them (funds and the
    /// rates the partner is paid): kept by ops, finance and administrators, read by them
    /// and leadership, and by the partner's own managers — nobody else at any partner.
    PartnerFunds {
        partner_id: PartnerId,
    },
    /// A partner's monthly invoice and its reconciliation: read as the partner's funds;
    /// received (created, corrected, withdrawn) by the partner-collaboration team and by
    /// the partner's own managers; approved or rejected by the team only.
    PartnerInvoice {
        partner_id: PartnerId,
    },
    /// The course catalogue: read by everyone (a partner's trainers teach its courses),
    /// kept by ops and administrators.
    Courses,
    /// A learner and the organisation they belong to: read by the company's staff and —
    /// for a partner's consultant — their organisation's managers; kept by ops and
    /// administrators.
    Learner {
        partner_id: Option<PartnerId>,
    },
    /// A person's certification to teach a course: read with the person (a partner's
    /// consultant reads their own, its managers their organisation's), given only by the
    /// company's ops and administrators — a partner never certifies its own trainers.
    CourseTrainer {
        person_id: PersonId,
        partner_id: Option<PartnerId>,
    },
    /// A class and its registrations: read by those who oversee delivery, by its trainer
    /// and by the trainer's partner organisation; kept by ops and administrators. With
    /// `roster`, its attendance, workflow steps and roster, which its trainer keeps too.
    TrainingClass {
        trainer_id: PersonId,
        trainer_partner_id: Option<PartnerId>,
        roster: bool,
    },
}

/// Proof that [`decide`] allowed an action: the one way an HTTP handler gets the
/// [`crate::store::WriteCtx`] every store write needs, so a write cannot skip the policy.
#[derive(Debug, Clone, Copy)]
pub struct Grant(());

/// The grant for an action, or the decision that refused it. A proposed record whose
/// reference points nowhere (`None`) protects nothing: the store refuses it with an error
/// of its own, so it is let through here.
pub fn grant(s: &Subject, action: Action, r: Option<&Resource>) -> Result<Grant, Decision> {
    match r.map(|r| decide(s, action, r)) {
        None | Some(Decision::Allow) => Ok(Grant(())),
        Some(refused) => Err(refused),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The subject may see the object but not do this to it (HTTP 403).
    Forbidden,
    /// The subject may not know the object exists (HTTP 404).
    Hidden,
}

impl Subject {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// Partner roles are scoped to their organisation whatever else the user holds.
    pub fn is_partner(&self) -> bool {
        self.any(&[Role::PartnerManager, Role::PartnerConsultant])
    }

    fn is_admin(&self) -> bool {
        self.has(Role::Admin) && !self.is_partner()
    }

    /// Roles that oversee all delivery: they read every project, assignment and account.
    fn oversees(&self) -> bool {
        !self.is_partner()
            && self.any(&[
                Role::Admin,
                Role::Ops,
                Role::Finance,
                Role::PracticeManager,
                Role::EngagementManager,
                Role::Leadership,
            ])
    }

    /// Roles that see internal cost: people's cost rates, standard costs, SKU cost bases
    /// and margins.
    pub fn sees_cost(&self) -> bool {
        self.staff_in(&[Role::Admin, Role::Finance, Role::PracticeManager, Role::Leadership])
    }

    /// Roles that see every bill rate; a project manager sees their own projects' only.
    pub fn sees_bill_rates(&self) -> bool {
        self.sees_cost() || self.staff_in(&[Role::Ops, Role::EngagementManager])
    }

    /// Roles that keep rates and FX: finance and administrators.
    fn keeps_rates(&self) -> bool {
        self.staff_in(&[Role::Admin, Role::Finance])
    }

    /// Roles that read every opportunity, estimate and SOW; others read those they are
    /// the engagement manager or technical architect of, or decide a step of.
    pub fn reads_all_opportunities(&self) -> bool {
        self.staff_in(&[
            Role::Admin,
            Role::Ops,
            Role::Finance,
            Role::PracticeManager,
            Role::EngagementManager,
            Role::Leadership,
        ])
    }

    fn me(&self, person: PersonId) -> bool {
        self.person_id == Some(person)
    }

    fn my_org(&self, partner: Option<PartnerId>) -> bool {
        self.partner_id.is_some() && self.partner_id == partner
    }

    fn manages(&self, p: &ProjectFacts) -> bool {
        self.has(Role::ProjectManager) && p.manager_id.is_some() && p.manager_id == self.person_id
    }

    /// Whether the subject is the person's line manager (whatever their roles).
    fn line_manager_of(&self, manager_id: Option<PersonId>) -> bool {
        manager_id.is_some() && manager_id == self.person_id
    }

    fn staff_in(&self, roles: &[Role]) -> bool {
        !self.is_partner() && self.any(roles)
    }
}

/// Whether the subject approves every timesheet (ops and admin), as the store's
/// `TimesheetActor::approves_all` needs it; read-only tokens approve nothing.
pub fn approves_all(s: &Subject) -> bool {
    !s.read_only && s.staff_in(&[Role::Admin, Role::Ops])
}

/// Whether the subject may approve their own time and time off. Approval is a second
/// person's check, so nobody approves their own — except an administrator, who may be the
/// only person there is (a one-person firm, the first administrator).
pub fn approves_own(s: &Subject) -> bool {
    !s.read_only && s.staff_in(&[Role::Admin])
}

/// The subject as the timesheet steps see them.
pub fn timesheet_actor(s: &Subject) -> crate::reporting::TimesheetActor {
    crate::reporting::TimesheetActor {
        person_id: s.person_id,
        approves_all: approves_all(s),
        approves_own: approves_own(s),
    }
}

/// The submitted time the subject may approve, matching what [`decide`] allows for
/// [`Action::Approve`] on a time entry: approving needs reading, so a project manager's
/// queue is their projects' time cut by what they may read.
pub fn approval_scope(s: &Subject) -> ApprovalScope {
    if approves_all(s) {
        let except = if approves_own(s) { None } else { s.person_id };
        return ApprovalScope::All { except };
    }
    match s.person_id {
        Some(me) if !s.read_only && s.has(Role::ProjectManager) => ApprovalScope::Managed {
            manager: me,
            read: list_scope(s, ListKind::TimeEntries),
        },
        _ => ApprovalScope::Nothing,
    }
}

impl ApprovalScope {
    /// Whether the subject approves this time entry under this scope — the meaning the
    /// store gives the scope in SQL, stated once in plain Rust.
    pub fn admits(&self, r: &Resource) -> bool {
        match (self, r) {
            (ApprovalScope::All { except }, Resource::TimeEntry { person_id, .. }) => Some(*person_id) != *except,
            (ApprovalScope::Managed { manager, read }, Resource::TimeEntry { person_id, project, .. }) => {
                person_id != manager && project.is_some_and(|p| p.manager_id == Some(*manager)) && read.admits(r)
            }
            _ => false,
        }
    }
}

fn can_read(s: &Subject, r: &Resource) -> bool {
    match r {
        Resource::Person { id, partner_id }
        | Resource::Feed {
            person_id: id,
            partner_id,
        } => s.me(*id) || if s.is_partner() { s.my_org(*partner_id) } else { true },
        // A partner's consultant sees their own skills and vetting, not their colleagues'.
        Resource::Profile {
            person_id: id,
            partner_id,
        }
        | Resource::Vetting {
            person_id: id,
            partner_id,
        }
        | Resource::CourseTrainer {
            person_id: id,
            partner_id,
        } => {
            s.me(*id)
                || if s.is_partner() {
                    s.has(Role::PartnerManager) && s.my_org(*partner_id)
                } else {
                    true
                }
        }
        Resource::Partner { id } | Resource::PartnerOwn { partner_id: id } => {
            !s.is_partner() || s.partner_id == Some(*id)
        }
        Resource::Account { partner_delivers } => !s.is_partner() || *partner_delivers,
        Resource::Project(p) => can_read_project(s, p),
        // A partner sees its own people's assignments on its projects; the company's staff
        // on those projects stay as unknown to it as their records are.
        Resource::Assignment {
            person_id,
            person_partner_id,
            project,
        } => {
            s.me(*person_id)
                || can_read_project(s, project)
                    && (s.oversees()
                        || s.manages(project)
                        || s.has(Role::PartnerManager) && s.my_org(*person_partner_id))
        }
        Resource::TimeEntry {
            person_id,
            person_partner_id,
            project,
        } => {
            s.me(*person_id)
                || if s.is_partner() {
                    s.has(Role::PartnerManager)
                        && s.my_org(*person_partner_id)
                        && project.is_some_and(|p| s.my_org(p.partner_id))
                } else {
                    s.any(&[Role::Admin, Role::Ops, Role::Finance]) || project.is_some_and(|p| s.manages(&p))
                }
        }
        Resource::Settings => true,
        Resource::Users | Resource::Webhooks => s.is_admin(),
        Resource::ApiToken { owner } => *owner == s.user_id || s.is_admin(),
        Resource::AuditLog => !s.is_partner() && s.any(&[Role::Admin, Role::Ops]),
        Resource::TimeOff {
            person_id, manager_id, ..
        } => s.me(*person_id) || s.line_manager_of(*manager_id) || s.staff_in(&[Role::Admin, Role::Ops, Role::Finance]),
        Resource::Timesheet {
            person_id,
            person_partner_id,
            manager_id,
        } => {
            s.me(*person_id)
                || s.line_manager_of(*manager_id)
                || s.staff_in(&[Role::Admin, Role::Ops, Role::Finance, Role::ProjectManager])
                || s.has(Role::PartnerManager) && s.my_org(*person_partner_id)
        }
        Resource::Figures {
            person_id,
            partner_id,
            manager_id,
        } => {
            s.me(*person_id)
                || if s.is_partner() {
                    s.has(Role::PartnerManager) && s.my_org(*partner_id)
                } else {
                    s.oversees() || s.has(Role::ProjectManager) && s.line_manager_of(*manager_id)
                }
        }
        Resource::Calendars | Resource::CapacityRules => true,
        Resource::LockedPeriods => !s.is_partner(),
        Resource::Compliance => s.staff_in(&[Role::Admin, Role::Ops, Role::Finance, Role::ProjectManager]),
        Resource::Catalog | Resource::FxRates => !s.is_partner(),
        Resource::SkuRequest {
            requested_by,
            subject_approves,
        } => !s.is_partner() && (s.sees_cost() || *requested_by == Some(s.user_id) || *subject_approves),
        Resource::RateCard { cost: true } | Resource::CostRates => s.sees_cost(),
        Resource::RateCard { cost: false } => s.sees_bill_rates(),
        Resource::ProjectRates(p) => s.sees_bill_rates() || !s.is_partner() && s.manages(p),
        Resource::Plan(p) => can_read_project(s, p),
        Resource::Portfolio | Resource::Staffing => s.oversees() || s.staff_in(&[Role::ProjectManager]),
        Resource::CsatReport => s.staff_in(&[
            Role::Admin,
            Role::Ops,
            Role::Finance,
            Role::PracticeManager,
            Role::ProjectManager,
            Role::Leadership,
        ]),
        Resource::Change {
            project,
            engagement_manager,
            ..
        } => {
            s.reads_all_opportunities()
                || !s.is_partner()
                    && (project.is_some_and(|p| s.manages(&p)) || engagement_manager.is_some_and(|p| s.me(p)))
        }
        Resource::Opportunity {
            engagement_manager,
            technical_architect,
            subject_decides,
        } => {
            s.reads_all_opportunities()
                || !s.is_partner()
                    && (engagement_manager.is_some_and(|p| s.me(p))
                        || technical_architect.is_some_and(|p| s.me(p))
                        || *subject_decides)
        }
        Resource::Escalation {
            project,
            partner_delivers,
            dri,
        } => {
            dri.is_some_and(|d| s.me(d))
                || s.oversees()
                || match project {
                    Some(p) => can_read_project(s, p),
                    // An account's escalation tells how the whole customer relationship
                    // stands: a partner's consultants do not read it, its managers do when
                    // their organisation delivers for the account.
                    None if s.is_partner() => s.has(Role::PartnerManager) && *partner_delivers,
                    None => true,
                }
        }
        Resource::Notification { project } => {
            s.staff_in(&[Role::Admin, Role::Ops]) || project.is_some_and(|p| !s.is_partner() && s.manages(&p))
        }
        Resource::Finance | Resource::ProjectMoney { cost: true, .. } => s.sees_cost(),
        Resource::ProjectMoney { project, cost: false } | Resource::Invoice { project } => {
            s.sees_bill_rates() || !s.is_partner() && s.manages(project)
        }
        Resource::PartnerFunds { partner_id } | Resource::PartnerInvoice { partner_id } => match partner_funds_scope(s)
        {
            Some(None) => true,
            Some(Some(own)) => own == *partner_id,
            None => false,
        },
        Resource::Courses => true,
        Resource::TrainingClass {
            trainer_id,
            trainer_partner_id,
            ..
        } => {
            s.me(*trainer_id)
                || if s.is_partner() {
                    s.my_org(*trainer_partner_id)
                } else {
                    s.oversees()
                }
        }
        Resource::Learner { partner_id } => !s.is_partner() || s.has(Role::PartnerManager) && s.my_org(*partner_id),
    }
}

/// Whose prime SOWs and work authorizations the subject reads, as [`decide`] allows
/// them: everyone's (`Some(None)`), one partner's own (`Some(Some(partner))`: a partner
/// manager), or none.
pub fn partner_funds_scope(s: &Subject) -> Option<Option<PartnerId>> {
    if s.staff_in(&[Role::Admin, Role::Ops, Role::Finance, Role::Leadership]) {
        Some(None)
    } else if s.has(Role::PartnerManager) && s.partner_id.is_some() {
        Some(s.partner_id)
    } else {
        None
    }
}

/// Whose trainers the education report shows the subject: everyone's (`Some(None)`) to
/// those who run education or read its money — administrators, operations, finance,
/// practice managers and leadership; a partner's own trainers (`Some(Some(partner))`) to
/// its managers; nobody's (`None`) to others, since it carries training revenue.
pub fn education_report_scope(s: &Subject) -> Option<Option<PartnerId>> {
    if s.staff_in(&[
        Role::Admin,
        Role::Ops,
        Role::Finance,
        Role::PracticeManager,
        Role::Leadership,
    ]) {
        Some(None)
    } else if s.has(Role::PartnerManager) && s.partner_id.is_some() {
        Some(s.partner_id)
    } else {
        None
    }
}

/// Which learners a list shows the subject, matching what [`decide`] lets them read:
/// all of them to the company's staff, a partner's own consultants to its managers.
pub fn learner_scope(s: &Subject) -> ListScope {
    if !s.is_partner() {
        return ListScope::All;
    }
    ListScope::Limited {
        own: None,
        managed_by: None,
        assigned: None,
        partner: s.partner_id.filter(|_| s.has(Role::PartnerManager)),
    }
}

/// Which classes a list shows the subject, matching what [`decide`] lets them read:
/// every one to those who oversee delivery; the classes they teach to others; at a
/// partner, its trainers' classes.
pub fn class_scope(s: &Subject) -> ListScope {
    if s.oversees() {
        return ListScope::All;
    }
    ListScope::Limited {
        own: s.person_id,
        managed_by: None,
        assigned: None,
        partner: s.partner_id.filter(|_| s.is_partner()),
    }
}

/// Which course trainers a list shows the subject, matching what [`decide`] lets them
/// read: every one to the company's staff; at a partner, one's own certifications and —
/// for its managers — their organisation's.
pub fn course_trainer_scope(s: &Subject) -> ListScope {
    if !s.is_partner() {
        return ListScope::All;
    }
    ListScope::Limited {
        own: s.person_id,
        managed_by: None,
        assigned: None,
        partner: s.partner_id.filter(|_| s.has(Role::PartnerManager)),
    }
}

/// Which notifications the subject reads, matching what [`decide`] allows.
pub fn notification_scope(s: &Subject) -> crate::notify::NotificationScope {
    use crate::notify::NotificationScope;
    if s.staff_in(&[Role::Admin, Role::Ops]) {
        return NotificationScope::All;
    }
    match s.person_id {
        Some(me) if s.staff_in(&[Role::ProjectManager]) => NotificationScope::ManagedBy(me),
        _ => NotificationScope::Nothing,
    }
}

fn can_read_project(s: &Subject, p: &ProjectFacts) -> bool {
    if s.is_partner() {
        return s.my_org(p.partner_id);
    }
    s.oversees() || s.manages(p) || p.subject_assigned
}

fn can_act(s: &Subject, action: Action, r: &Resource) -> bool {
    let staff = |roles: &[Role]| !s.is_partner() && s.any(roles);
    match r {
        // Grading a learner's lab (`Approve`) is also the company's PS engineers' work.
        Resource::Learner { .. } if action == Action::Approve => staff(&[Role::Admin, Role::Ops, Role::Consultant]),
        Resource::Person { .. }
        | Resource::Partner { .. }
        | Resource::Settings
        | Resource::Vetting { .. }
        | Resource::Courses
        | Resource::Learner { .. }
        | Resource::CourseTrainer { .. } => staff(&[Role::Admin, Role::Ops]),
        Resource::PartnerOwn { partner_id } => {
            staff(&[Role::Admin, Role::Ops]) || s.has(Role::PartnerManager) && s.my_org(Some(*partner_id))
        }
        Resource::Profile { partner_id, .. } => {
            staff(&[Role::Admin, Role::Ops]) || s.has(Role::PartnerManager) && s.my_org(*partner_id)
        }
        Resource::Account { .. } => staff(&[Role::Admin, Role::Ops, Role::EngagementManager]),
        Resource::Project(p) => match action {
            Action::Create => staff(&[Role::Admin, Role::Ops, Role::EngagementManager]),
            _ => staff(&[Role::Admin, Role::Ops]) || s.manages(p),
        },
        Resource::Assignment { project, .. } => staff(&[Role::Admin, Role::Ops]) || s.manages(project),
        Resource::TimeEntry { person_id, project, .. } => match action {
            Action::Approve => {
                (!s.me(*person_id) || approves_own(s))
                    && (staff(&[Role::Admin, Role::Ops]) || project.is_some_and(|p| s.manages(&p)))
            }
            _ if s.me(*person_id) => {
                // Partner consultants log time only on their own organisation's projects.
                !s.is_partner() || project.is_some_and(|p| s.my_org(p.partner_id))
            }
            // A timesheet is its owner's statement of their work: ops reads and approves
            // everyone's, but only an administrator changes someone else's entries.
            _ => staff(&[Role::Admin]),
        },
        Resource::Feed { person_id, .. } => s.me(*person_id) || staff(&[Role::Admin, Role::Ops]),
        Resource::Users | Resource::Webhooks => s.is_admin(),
        Resource::ApiToken { owner } => *owner == s.user_id || s.is_admin(),
        Resource::TimeOff {
            person_id, manager_id, ..
        } => match action {
            Action::Approve => {
                (!s.me(*person_id) || approves_own(s))
                    && (staff(&[Role::Admin, Role::Ops]) || s.line_manager_of(*manager_id))
            }
            _ => s.me(*person_id) || staff(&[Role::Admin, Role::Ops]),
        },
        Resource::Timesheet {
            person_id, manager_id, ..
        } => match action {
            // Which project's PM approves is the project's `TimeEntry` question.
            Action::Approve => {
                (!s.me(*person_id) || approves_own(s))
                    && (staff(&[Role::Admin, Role::Ops, Role::ProjectManager]) || s.line_manager_of(*manager_id))
            }
            _ => s.me(*person_id),
        },
        Resource::Calendars => staff(&[Role::Admin, Role::Ops]),
        Resource::CapacityRules => staff(&[Role::Admin, Role::Ops, Role::Finance]),
        Resource::LockedPeriods => staff(&[Role::Admin, Role::Finance]),
        Resource::AuditLog
        | Resource::Figures { .. }
        | Resource::Compliance
        | Resource::Portfolio
        | Resource::CsatReport => false,
        Resource::Catalog => staff(&[Role::Admin, Role::PracticeManager]),
        Resource::Staffing => staff(&[Role::Admin, Role::Ops, Role::PracticeManager]),
        // Deciding a step is checked against the chain itself: its own approver, in order.
        Resource::SkuRequest { .. } if action == Action::Approve => !s.is_partner(),
        Resource::SkuRequest { .. } => staff(&[Role::Admin, Role::PracticeManager]),
        Resource::RateCard { .. }
        | Resource::ProjectRates(_)
        | Resource::CostRates
        | Resource::FxRates
        | Resource::Finance
        | Resource::ProjectMoney { .. }
        | Resource::Invoice { .. } => s.keeps_rates(),
        Resource::Plan(p) => staff(&[Role::Admin, Role::Ops]) || s.manages(p),
        Resource::TrainingClass { trainer_id, roster, .. } => {
            staff(&[Role::Admin, Role::Ops]) || *roster && s.me(*trainer_id)
        }
        Resource::Notification { .. } => staff(&[Role::Admin, Role::Ops]),
        Resource::PartnerFunds { .. } => staff(&[Role::Admin, Role::Ops, Role::Finance]),
        // A partner never approves what it bills.
        Resource::PartnerInvoice { .. } if action == Action::Approve => staff(&[Role::Admin, Role::Ops, Role::Finance]),
        Resource::PartnerInvoice { partner_id } => {
            staff(&[Role::Admin, Role::Ops, Role::Finance])
                || s.has(Role::PartnerManager) && s.my_org(Some(*partner_id))
        }
        // PS leadership decides a change, never the one who raised it.
        Resource::Change { raised_by, .. } if action == Action::Approve => {
            staff(&[Role::Leadership]) && *raised_by != Some(s.user_id)
        }
        // Raised and kept by ops, the project's manager or the opportunity's EM.
        Resource::Change {
            project,
            engagement_manager,
            ..
        } => {
            staff(&[Role::Admin, Role::Ops])
                || project.is_some_and(|p| s.manages(&p))
                || s.has(Role::EngagementManager) && !s.is_partner() && engagement_manager.is_some_and(|p| s.me(p))
        }
        // A SOW step is decided by its own approver and an estimate's review by the
        // opportunity's technical architect; the store checks which step waits.
        Resource::Opportunity {
            technical_architect,
            subject_decides,
            ..
        } if action == Action::Approve => {
            !s.is_partner() && (*subject_decides || technical_architect.is_some_and(|p| s.me(p)))
        }
        Resource::Opportunity { .. } if action == Action::Create => {
            staff(&[Role::Admin, Role::Ops, Role::EngagementManager])
        }
        Resource::Opportunity { .. } if action == Action::Archive => staff(&[Role::Admin, Role::Ops]),
        Resource::Escalation { project, dri, .. } => {
            staff(&[Role::Admin, Role::Ops]) || dri.is_some_and(|d| s.me(d)) || project.is_some_and(|p| s.manages(&p))
        }
        // Engagement managers change their own opportunities; ops rebalances any.
        Resource::Opportunity { engagement_manager, .. } => {
            staff(&[Role::Admin, Role::Ops])
                || s.has(Role::EngagementManager) && !s.is_partner() && engagement_manager.is_some_and(|p| s.me(p))
        }
    }
}

/// The decision for one action on one resource.
pub fn decide(s: &Subject, action: Action, r: &Resource) -> Decision {
    if !can_read(s, r) {
        return Decision::Hidden;
    }
    if action == Action::Read {
        return Decision::Allow;
    }
    if s.read_only || !can_act(s, action, r) {
        return Decision::Forbidden;
    }
    Decision::Allow
}

/// Why [`decide`] forbids this, when a rule rather than the subject's roles is the
/// reason: the sentence a refusal shows.
pub fn refusal(s: &Subject, action: Action, r: &Resource) -> Option<&'static str> {
    let owner = match r {
        Resource::TimeEntry { person_id, .. }
        | Resource::TimeOff { person_id, .. }
        | Resource::Timesheet { person_id, .. } => *person_id,
        _ => return None,
    };
    (action == Action::Approve && s.me(owner) && !approves_own(s)).then_some(
        "nobody approves their own time (rule: not_own): your project's manager, your line manager or operations approves it",
    )
}

/// Which escalations a list shows the subject, matching what [`decide`] lets them read.
pub fn escalation_scope(s: &Subject) -> crate::delivery::escalations::EscalationScope {
    use crate::delivery::escalations::EscalationScope as E;
    if s.oversees() {
        return E::All;
    }
    if s.is_partner() {
        return match s.partner_id {
            Some(partner) => E::Partner {
                person: s.person_id,
                partner,
                manager: s.has(Role::PartnerManager),
            },
            None => E::Nothing,
        };
    }
    E::Staff {
        person: s.person_id,
        manages: s.person_id.filter(|_| s.has(Role::ProjectManager)),
    }
}

/// The scope of a list for a subject, matching what [`decide`] lets them read.
pub fn list_scope(s: &Subject, kind: ListKind) -> ListScope {
    let me = s.person_id;
    let limited = |own, managed_by, assigned, partner| ListScope::Limited {
        own,
        managed_by,
        assigned,
        partner,
    };
    if s.is_partner() {
        let org = s.partner_id;
        return match kind {
            ListKind::People => limited(me, None, None, org),
            ListKind::Partners | ListKind::Accounts | ListKind::Projects => limited(None, None, None, org),
            ListKind::Assignments | ListKind::TimeEntries if s.has(Role::PartnerManager) => {
                limited(me, None, None, org)
            }
            ListKind::Assignments | ListKind::TimeEntries => limited(me, None, None, None),
            ListKind::TimeOff => limited(me, me, None, None),
            ListKind::Figures if s.has(Role::PartnerManager) => limited(me, None, None, org),
            ListKind::Figures => limited(me, None, None, None),
            ListKind::ProjectRates => limited(None, None, None, None),
        };
    }
    let pm = if s.has(Role::ProjectManager) { me } else { None };
    match kind {
        ListKind::People | ListKind::Partners | ListKind::Accounts => ListScope::All,
        ListKind::Projects | ListKind::Assignments if s.oversees() => ListScope::All,
        ListKind::TimeEntries | ListKind::TimeOff if s.any(&[Role::Admin, Role::Ops, Role::Finance]) => ListScope::All,
        ListKind::TimeOff => limited(me, me, None, None),
        ListKind::Figures if s.oversees() => ListScope::All,
        ListKind::Figures => limited(me, pm, None, None),
        ListKind::Projects => limited(None, pm, me, None),
        ListKind::Assignments | ListKind::TimeEntries => limited(me, pm, None, None),
        ListKind::ProjectRates if s.sees_bill_rates() => ListScope::All,
        ListKind::ProjectRates => limited(None, pm, None, None),
    }
}

impl ListScope {
    /// Whether a record shows in a list under this scope — the meaning each store gives
    /// the scope in SQL, stated once in plain Rust.
    pub fn admits(&self, r: &Resource) -> bool {
        let ListScope::Limited {
            own,
            managed_by,
            assigned,
            partner,
        } = *self
        else {
            return true;
        };
        let is = |who: Option<PersonId>, p: PersonId| who == Some(p);
        let org = |x: Option<PartnerId>| partner.is_some() && partner == x;
        let managed = |p: &ProjectFacts| managed_by.is_some() && p.manager_id == managed_by;
        match r {
            Resource::Person { id, partner_id }
            | Resource::Feed {
                person_id: id,
                partner_id,
            }
            | Resource::Profile {
                person_id: id,
                partner_id,
            }
            | Resource::Vetting {
                person_id: id,
                partner_id,
            }
            | Resource::CourseTrainer {
                person_id: id,
                partner_id,
            } => is(own, *id) || org(*partner_id),
            Resource::Learner { partner_id } => org(*partner_id),
            Resource::TrainingClass {
                trainer_id,
                trainer_partner_id,
                ..
            } => is(own, *trainer_id) || org(*trainer_partner_id),
            Resource::Partner { id } | Resource::PartnerOwn { partner_id: id } => org(Some(*id)),
            Resource::Account { partner_delivers } => partner.is_some() && *partner_delivers,
            Resource::Project(p) => managed(p) || assigned.is_some() && p.subject_assigned || org(p.partner_id),
            Resource::Assignment {
                person_id,
                person_partner_id,
                project,
            } => is(own, *person_id) || managed(project) || org(project.partner_id) && org(*person_partner_id),
            Resource::TimeEntry {
                person_id,
                person_partner_id,
                project,
            } => {
                is(own, *person_id)
                    || project.is_some_and(|p| managed(&p))
                    || org(*person_partner_id) && project.is_some_and(|p| org(p.partner_id))
            }
            Resource::TimeOff {
                person_id, manager_id, ..
            } => is(own, *person_id) || managed_by.is_some() && *manager_id == managed_by,
            Resource::Figures {
                person_id,
                partner_id,
                manager_id,
            } => is(own, *person_id) || managed_by.is_some() && *manager_id == managed_by || org(*partner_id),
            Resource::ProjectRates(p)
            | Resource::Plan(p)
            | Resource::ProjectMoney { project: p, .. }
            | Resource::Invoice { project: p } => managed(p),
            Resource::Notification { project } => project.is_some_and(|p| managed(&p)),
            Resource::PartnerFunds { partner_id } | Resource::PartnerInvoice { partner_id } => org(Some(*partner_id)),
            Resource::Catalog
            | Resource::SkuRequest { .. }
            | Resource::RateCard { .. }
            | Resource::CostRates
            | Resource::FxRates
            | Resource::Opportunity { .. }
            | Resource::Change { .. }
            | Resource::Escalation { .. }
            | Resource::Finance
            | Resource::Portfolio
            | Resource::Staffing
            | Resource::Courses => false,
            Resource::Settings
            | Resource::Users
            | Resource::Webhooks
            | Resource::ApiToken { .. }
            | Resource::AuditLog
            | Resource::Timesheet { .. }
            | Resource::Calendars
            | Resource::CapacityRules
            | Resource::LockedPeriods
            | Resource::Compliance
            | Resource::CsatReport => false,
        }
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
