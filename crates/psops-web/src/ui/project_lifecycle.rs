//! A project's lifecycle on its overview: its status since when, its phase, and — for
//! whoever may change the project — the moves the lifecycle allows, as buttons. A move
//! goes through the store's one update path, which checks it and dates it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use psops_core::FieldError;
use psops_core::code::Code;
use psops_core::delivery::lifecycle::{Phase, full_methodology, holds_phase, next_statuses};
use psops_core::policy::Action;
use psops_core::projects::{Project, ProjectPatch, ProjectStatus};
use psops_core::rule::Rule;
use serde::Serialize;

use super::admin::{Fields, fields, write_ctx};
use super::filters::subject;
use super::render::UiError;
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::allow;
use crate::request_id::RequestId;

/// What the overview's lifecycle card shows.
#[derive(Serialize)]
pub struct Lifecycle {
    status: &'static str,
    /// When the project reached its status: its last move, else its creation.
    since: String,
    phase: Option<&'static str>,
    /// The moves offered: (status code, label).
    statuses: Vec<(&'static str, String)>,
    phases: Vec<(&'static str, &'static str)>,
    version: i64,
    /// The full methodology applies (two months or more).
    full: bool,
    /// Earlier moves, newest first: (when, what).
    history: Vec<(String, String)>,
}

impl Lifecycle {
    pub async fn of(st: &AppState, p: &Project, edit: bool) -> psops_core::Result<Lifecycle> {
        let f = &p.fields;
        let moves = st.store.project_moves(p.id).await?;
        let since = moves
            .iter()
            .find(|m| m.from_status != Some(m.to_status))
            .map_or(p.meta.created_at, |m| m.moved_at);
        let history = moves
            .iter()
            .take(10)
            .map(|m| {
                let what = if m.from_status != Some(m.to_status) {
                    format!(
                        "{} → {}",
                        m.from_status
                            .map(|s| super::filters::label(s.code()))
                            .unwrap_or_default(),
                        super::filters::label(m.to_status.code())
                    )
                } else {
                    format!("Phase: {}", m.to_phase.map(Phase::label).unwrap_or("none"))
                };
                (super::locale::shown(m.moved_at.date()), what)
            })
            .collect();
        Ok(Lifecycle {
            status: f.status.code(),
            since: super::locale::shown(since.date()),
            phase: f.phase.map(Phase::label),
            statuses: if edit {
                next_statuses(f.status)
                    .iter()
                    .map(|s| (s.code(), super::filters::label(s.code())))
                    .collect()
            } else {
                Vec::new()
            },
            phases: match (edit && holds_phase(f.status), f.phase) {
                (false, _) => Vec::new(),
                (true, None) => vec![(Phase::SowClose.code(), Phase::SowClose.label())],
                (true, Some(ph)) => ph.next().iter().map(|n| (n.code(), n.label())).collect(),
            },
            version: p.meta.version,
            full: full_methodology(f.start_date, f.end_date, None),
            history,
        })
    }
}

/// `POST /projects/{id}/move`: to a `status`, or to a `phase`, from the `version` the page
/// was read at.
pub async fn act(
    State(st): State<AppState>,
    Extension(request): Extension<RequestId>,
    me: SignedIn,
    Path(id): Path<String>,
    form: Fields,
) -> Result<Response, UiError> {
    let id = super::project_page::project_id(&id)?;
    let p = fields(&me, form)?;
    let s = subject(&st, &me).await?;
    let project: Project = st.store.get(id).await?;
    let mut patch = ProjectPatch::default();
    let mut wrong = Vec::new();
    if let Some(to) = p.get("status") {
        match to.parse::<ProjectStatus>() {
            Ok(to) => patch.status = Some(to),
            Err(_) => wrong.push(FieldError::new(
                "status",
                Rule::InvalidValue,
                "choose a status to move to",
            )),
        }
    } else if let Some(to) = p.get("phase") {
        match to.parse::<Phase>() {
            Ok(to) => patch.phase = Some(Some(to)),
            Err(_) => wrong.push(FieldError::new(
                "phase",
                Rule::InvalidValue,
                "choose a phase to move to",
            )),
        }
    } else {
        wrong.push(FieldError::new(
            "status",
            Rule::Required,
            "choose a status or a phase to move to",
        ));
    }
    let grant = allow(&st, &s, Action::Update, &project).await?;
    if !wrong.is_empty() {
        return super::project_page::page(&st, &me, id, &p, wrong, false).await;
    }
    let v = p.get("version").and_then(|v| v.parse::<i64>().ok());
    match st.store.update(&write_ctx(&me, &request, grant), id, v, patch).await {
        Ok(_) => {
            st.changed(psops_core::record::Entity::Project);
            Ok(Redirect::to(&format!("/projects/{id}?saved=1")).into_response())
        }
        Err(e) => {
            let (refused, conflict) = super::admin::refused(e)?;
            super::project_page::page(&st, &me, id, &p, refused, conflict).await
        }
    }
}
