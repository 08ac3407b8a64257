//! `/projects/{id}/raid`: a project's RAID log — risks, actions, issues and decisions —
//! 50 a page, sortable by due date, priority, kind, title, status or last change, and
//! filtered by kind, status and escalated. The project's manager, ops and administrators
//! add and edit items through the RAID item form (`/raid-items/new?project=…`); everyone
//! who reads the project reads its log. Only the page's rows are read.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use psops_core::Id;
use psops_core::code::Code;
use psops_core::delivery::raid::{RaidItemFilter, RaidKind, RaidSort, RaidStatus};
use psops_core::people::Person;
use psops_core::policy::{Action, Subject};
use psops_core::projects::{Project, ProjectId};
use psops_core::store::Records as _;

use super::filters::{Pairs, day, label, names_of, options, path_id, subject};
use super::layout::frame;
use super::listing::{Cell, Filter, view};
use super::project_tabs::project_tabs;
use super::render::UiError;
use super::session::SignedIn;
use super::table::{self, Col, col};
use crate::AppState;
use crate::authorize::allow;
use crate::params::Params;

/// The project, once the subject may read it.
pub async fn readable(st: &AppState, s: &Subject, id: &str) -> Result<Project, UiError> {
    let id: ProjectId = Id::new(path_id(id)?);
    let project: Project = st.store.get(id).await?;
    allow(st, s, Action::Read, &project).await?;
    Ok(project)
}

/// `GET /projects/{id}/raid`.
pub async fn show(
    State(st): State<AppState>,
    me: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    let project = readable(&st, &s, &id).await?;
    let pid = project.id;
    let mut e = Params::new();
    let escalated = match p.get("escalated") {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some("") | None => None,
        Some(_) => {
            e.add(
                "escalated",
                psops_core::rule::Rule::OneOf,
                "escalated must be yes or no",
            );
            None
        }
    };
    let filter = RaidItemFilter {
        project_id: Some(pid),
        kind: e.code::<RaidKind>("kind", p.get("kind")),
        status: e.code::<RaidStatus>("status", p.get("status")),
        escalated,
        archived: Some(false),
    };
    let at = table::read::<RaidSort>(&mut e, &p);
    let found = st.store.sorted(&filter, at).await?;
    let owners = names_of::<Person>(&st, found.items.iter().filter_map(|r| r.fields.owner_id)).await?;
    let stub = psops_core::delivery::raid::RaidItemFields {
        project_id: pid,
        kind: RaidKind::Risk,
        title: String::new(),
        description: None,
        priority: psops_core::delivery::raid::RaidPriority::Medium,
        impacts: Vec::new(),
        owner_id: None,
        mitigation: None,
        due_date: None,
        status: RaidStatus::Open,
        escalated: false,
    };
    let keeper = allow(&st, &s, Action::Create, &stub).await.is_ok();
    let path = format!("/projects/{pid}/raid");
    let mut v = view(
        frame(&me, &s),
        format!("RAID log: {}", project.fields.name),
        path.clone(),
        table::pager(&path, &p, &at, found.total),
    );
    v.section = "Project pages";
    v.tabs = project_tabs(pid, "/raid");
    if keeper {
        v.actions
            .push((format!("/raid-items/new?project={pid}"), "Add an item"));
    }
    v.intro = Some(
        "Risks, actions, issues and decisions of the project. An escalated item shows in PS leadership's portfolio."
            .into(),
    );
    v.filters = vec![
        Filter::select(
            "kind",
            "Kind",
            p.text("kind"),
            options::<RaidKind>()
                .into_iter()
                .map(|(c, l)| (c.to_string(), l))
                .collect(),
        ),
        Filter::select(
            "status",
            "Status",
            p.text("status"),
            options::<RaidStatus>()
                .into_iter()
                .map(|(c, l)| (c.to_string(), l))
                .collect(),
        ),
        Filter::select(
            "escalated",
            "Escalated",
            p.text("escalated"),
            vec![
                ("yes".into(), "Escalated".into()),
                ("no".into(), "Not escalated".into()),
            ],
        ),
    ];
    v.hidden.extend(
        ["sort", "dir"]
            .into_iter()
            .filter_map(|k| p.get(k).map(|x| (k, x.to_string()))),
    );
    v.table_id = "raid-table";
    let plain = |label: &'static str| Col {
        label,
        key: None,
        num: false,
        extra: false,
    };
    let mut cols = vec![
        col("Title", RaidSort::Title),
        col("Kind", RaidSort::Kind),
        col("Priority", RaidSort::Priority),
        plain("Impact on"),
        plain("Owner"),
        col("Due", RaidSort::Due),
        col("Status", RaidSort::Status),
        plain("Escalated"),
    ];
    if keeper {
        cols.push(plain("Change"));
    }
    v.columns = table::head(&path, &p, &at, cols);
    v.rows = found
        .items
        .iter()
        .map(|r| {
            let f = &r.fields;
            let impacts: Vec<String> = f.impacts.iter().map(|i| label(i.code())).collect();
            let mut row = vec![
                Cell::text(f.title.clone()),
                Cell::text(label(f.kind.code())),
                Cell::pill(label(f.priority.code()), &format!("priority-{}", f.priority.code())),
                Cell::text(if impacts.is_empty() {
                    "—".into()
                } else {
                    impacts.join(", ")
                }),
                Cell::text(
                    f.owner_id
                        .and_then(|o| owners.get(&o.get()).cloned())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::text(day(f.due_date)),
                Cell::pill(label(f.status.code()), f.status.code()),
                if f.escalated {
                    Cell::pill("Escalated", "escalated")
                } else {
                    Cell::text("No")
                },
            ];
            if keeper {
                row.push(Cell::edit(Some(format!("/raid-items/{}/edit", r.id)), &f.title));
            }
            row
        })
        .collect();
    v.saved = p.get("saved").is_some();
    v.errors = e.into_errors();
    v.empty = if keeper {
        "No items match. Add the project's first risk, action, issue or decision.".into()
    } else {
        "No items match.".into()
    };
    v.respond(&headers)
}
