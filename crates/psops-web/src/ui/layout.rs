//! The frame around every signed-in page — who is signed in, the CSRF token of the
//! sign-out form, the main navigation — and the home page's cards, both cut by role so a
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
}

#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub user: UserView,
    pub csrf: String,
    pub nav: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: &'static str,
    pub text: &'static str,
    pub href: &'static str,
    pub action: &'static str,
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
    if !s.is_partner() && (s.has(Role::ProjectManager) || psops_core::policy::approves_all(s)) {
        links.push(("/approvals", "Approvals"));
    }
    links
}

pub fn frame(me: &SignedIn, s: &Subject) -> Frame {
    let link = |href, label| Link { href, label };
    let mut nav = vec![link("/", "Home")];
    nav.extend(timesheet_links(s).into_iter().map(|(href, label)| link(href, label)));
    nav.extend([link("/projects", "Projects"), link("/people", "People")]);
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

/// The home page's cards for what this subject's roles use.
pub fn cards(s: &Subject) -> Vec<Card> {
    let mut cards = timesheet_cards(s);
    cards.extend(other_cards(s));
    cards
}

/// Cards for the timesheet pages, first on a consultant's or an approver's home page.
fn timesheet_cards(s: &Subject) -> Vec<Card> {
    let card = |href, title, text, action| Card {
        title,
        text,
        href,
        action,
    };
    timesheet_links(s)
        .into_iter()
        .map(|(href, _)| match href {
            "/week" => card(
                href,
                "My week",
                "Log this week's hours, add notes, and submit.",
                "Open my week",
            ),
            "/me/utilization" => card(
                href,
                "My utilization",
                "Worked and billable hours this quarter against your target.",
                "Open my utilization",
            ),
            _ => card(
                href,
                "Approvals",
                "Submitted weeks waiting for you to approve or reject.",
                "Open approvals",
            ),
        })
        .collect()
}

fn other_cards(s: &Subject) -> Vec<Card> {
    let mut cards = vec![Card {
        title: "Projects",
        text: "Your engagements: team, budget burn, and time by person and week.",
        href: "/projects",
        action: "Open projects",
    }];
    cards.push(Card {
        title: "People",
        text: "Who works here, their capacity this quarter, time off and utilization.",
        href: "/people",
        action: "Open people",
    });
    if sees_reports(s) {
        cards.push(Card {
            title: "Utilization",
            text: "Billable utilization against target by person, function or region.",
            href: "/reports/utilization",
            action: "Open the report",
        });
    }
    if sees_compliance(s) {
        cards.push(Card {
            title: "Timesheet compliance",
            text: "Who has not submitted, or not been approved, by the due day.",
            href: "/reports/compliance",
            action: "Open the report",
        });
    }
    if decides_all_time_off(s) {
        cards.push(Card {
            title: "Time off to decide",
            text: "Approve or reject requested time off.",
            href: "/admin/time-off",
            action: "Decide time off",
        });
    }
    if runs_settings(s) {
        cards.push(Card {
            title: "Capacity policy",
            text: "Day length, allowances, targets and the handbook table.",
            href: "/admin/capacity",
            action: "Open the policy",
        });
    }
    if sees_users(s) {
        cards.push(Card {
            title: "Users and roles",
            text: "Who may sign in, with which roles.",
            href: "/admin/users",
            action: "Manage users",
        });
    }
    if sees_audit(s) {
        cards.push(Card {
            title: "Audit log",
            text: "Who changed what, when, before and after.",
            href: "/admin/audit",
            action: "Open the audit log",
        });
    }
    cards.push(Card {
        title: "API tokens",
        text: "Tokens for the REST API and scripts; the secret is shown once.",
        href: "/tokens",
        action: "Manage tokens",
    });
    cards
}
