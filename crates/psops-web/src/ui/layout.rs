//! The frame around every signed-in page — who is signed in, the CSRF token of the
//! sign-out form, the main navigation, cut by role so a
//! person only sees links to pages their roles open.

use psops_core::auth::Role;
use psops_core::code::Code;
use psops_core::policy::{Action, Decision, Resource, Subject, decide, list_scope};
use psops_core::scope::{ListKind, ListScope};
use serde::Serialize;

use super::session::SignedIn;

#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub name: String,
    pub email: String,
    pub roles: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub href: &'static str,
    pub label: &'static str,
    /// The section the page shown belongs to.
    pub current: bool,
}

/// Whether `path` is in the section `href` leads to: the page itself or a page under it;
/// a contact is its account's, an assignment its project's.
fn in_section(href: &str, path: &str) -> bool {
    let section = match path.split('/').nth(1).unwrap_or_default() {
        "contacts" => "/accounts",
        "assignments" => "/projects",
        _ => path,
    };
    href == section || (href != "/" && section.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
}

#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub user: UserView,
    pub csrf: String,
    pub nav: Vec<Link>,
}

/// Whether the subject may see utilization figures of others (everyone sees their own):
/// overseers all, project managers their team, partner managers their organisation.
pub fn sees_reports(s: &Subject) -> bool {
    match list_scope(s, ListKind::Figures) {
        ListScope::All => true,
        ListScope::Limited {
            managed_by, partner, ..
        } => managed_by.is_some() || partner.is_some(),
    }
}

pub fn sees_compliance(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Compliance) == Decision::Allow
}

/// Whether the subject runs psops' settings: calendars or the capacity policy.
pub fn runs_settings(s: &Subject) -> bool {
    decide(s, Action::Update, &Resource::Calendars) == Decision::Allow
        || decide(s, Action::Update, &Resource::CapacityRules) == Decision::Allow
}

/// Admins and ops decide everyone's time off (line managers their people's, on the page).
pub fn decides_all_time_off(s: &Subject) -> bool {
    !s.is_partner() && (s.has(Role::Admin) || s.has(Role::Ops))
}

pub fn sees_users(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::Users) == Decision::Allow
}

pub fn sees_audit(s: &Subject) -> bool {
    decide(s, Action::Read, &Resource::AuditLog) == Decision::Allow
}

/// The timesheet pages a subject uses: their own week and utilization when they are a
/// person, and approvals when they approve (project managers, ops, admin).
pub fn timesheet_links(s: &Subject) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    if s.person_id.is_some() {
        links.push(("/week", "My week"));
        links.push(("/me/utilization", "My utilization"));
    }
    // Whoever the policy lets approve any time, a partner's project manager included.
    if psops_core::policy::approval_scope(s) != psops_core::scope::ApprovalScope::Nothing {
        links.push(("/approvals", "Approvals"));
    }
    links
}

pub fn frame(me: &SignedIn, s: &Subject) -> Frame {
    let link = |href, label| Link {
        href,
        label,
        current: in_section(href, &me.path),
    };
    let mut nav = vec![link("/", "Home")];
    nav.extend(timesheet_links(s).into_iter().map(|(href, label)| link(href, label)));
    nav.extend([
        link("/projects", "Projects"),
        link("/people", "People"),
        link("/accounts", "Accounts"),
        link("/partners", "Partners"),
    ]);
    // Those who oversee scoping get the board; an engagement manager's own, a technical
    // architect's or an approver's items are reached from the scoping inbox.
    if s.reads_all_opportunities() {
        nav.push(link("/scoping", "Scoping"));
    } else if !s.is_partner() {
        // Anyone on staff may be a technical architect or a SOW approver.
        nav.push(link("/scoping/inbox", "Scoping inbox"));
    }
    if super::portfolio::sees_portfolio(s) {
        nav.push(link("/portfolio", "Portfolio"));
    }
    if super::staffing::sees_staffing(s) {
        nav.push(link("/staffing", "Staffing"));
    }
    if super::escalations::sees_escalations(s) {
        nav.push(link("/escalations", "Escalations"));
    }
    if decide(s, Action::Read, &Resource::Catalog) == Decision::Allow {
        nav.push(link("/catalog", "Catalog"));
    }
    nav.push(link("/classes", "Training"));
    // The periods page is one of the finance tabs; staff who do not read the
    // organisation's money still see which months are closed.
    if super::finance::sees_finance(s) {
        nav.push(link("/finance", "Finance"));
    } else if super::finance_periods::sees_periods(s) {
        nav.push(link("/finance/periods", "Periods"));
    }
    if super::rates::sees_rates(s) {
        nav.push(link("/rates", "Rates"));
    }
    if super::invoices::sees_invoices(s) {
        nav.push(link("/invoices", "Invoices"));
    }
    if super::partner_funds::sees_partner_funds(s) {
        nav.push(link("/partner-funds", "Partner funds"));
    }
    if super::partner_invoices::sees_partner_invoices(s) {
        nav.push(link("/partner-invoices", "Partner invoices"));
    }
    // Certifications: those who read learners (the company's staff, a partner's managers).
    if crate::api::certifications::learners_of(s).is_some() {
        nav.push(link("/certifications", "Certifications"));
    }
    if sees_reports(s) {
        nav.push(link("/reports/utilization", "Utilization"));
    }
    if sees_compliance(s) {
        nav.push(link("/reports/compliance", "Compliance"));
    }
    if runs_settings(s) || sees_users(s) || sees_audit(s) {
        nav.push(link("/admin", "Admin"));
    }
    nav.push(link("/tokens", "API tokens"));
    Frame {
        user: UserView {
            name: me.user.name.clone(),
            email: me.user.email.clone(),
            roles: me.user.roles.iter().map(|r| r.code()).collect(),
        },
        csrf: me.session.csrf_token.clone(),
        nav,
    }
}

#[cfg(test)]
mod tests {
    use super::in_section;

    #[test]
    fn a_page_marks_its_section() {
        assert!(in_section("/", "/"));
        assert!(!in_section("/", "/people"), "home is only home");
        assert!(in_section("/people", "/people/12/edit"));
        assert!(!in_section("/people", "/peoplex"));
        assert!(in_section("/approvals", "/approvals/3/2026-W49"));
        assert!(in_section("/admin", "/admin/capacity/overrides"));
        assert!(in_section("/accounts", "/contacts/4/edit"));
        assert!(in_section("/projects", "/assignments/new"));
        assert!(!in_section("/week", "/me/utilization"));
    }
}
