//! A project's pages as tabs: its overview, then the delivery records kept on it.

use psops_core::projects::ProjectId;

use super::listing::Tab;

/// The tabs of a project's pages, `here` (its path after `/projects/{id}`, `""` for the
/// overview) marked current.
pub fn project_tabs(id: ProjectId, here: &str) -> Vec<Tab> {
    const ALL: [(&str, &str); 7] = [
        ("", "Overview"),
        ("/milestones", "Milestones"),
        ("/health", "Health"),
        ("/raid", "RAID"),
        ("/escalations", "Escalations"),
        ("/closure", "Closure"),
        ("/money", "Money"),
    ];
    ALL.into_iter()
        .map(|(tail, label)| Tab {
            href: format!("/projects/{id}{tail}"),
            label,
            current: tail == here,
        })
        .collect()
}
