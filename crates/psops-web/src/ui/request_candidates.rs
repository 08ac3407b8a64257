//! The candidates section of a project's page: who could take one of its resource
//! requests (`?candidates=<request id>`), the company's own people first with their free
//! hours and skill levels, then the vetted partner consultants — suggested only when no
//! internal person can take it. The figures are the API's
//! (`/api/v1/resource-requests/{id}/candidates`).

use psops_core::Minutes;
use psops_core::code::Code;
use psops_core::partnering::candidates::Candidate;
use psops_core::policy::Subject;
use psops_core::projects::ProjectId;
use serde::Serialize;

use super::filters::{Pairs, hours, label, span};
use crate::AppState;

#[derive(Serialize)]
pub struct Line {
    name: String,
    person_id: i64,
    /// "Internal", or the partner's name.
    from: String,
    partner: bool,
    free: String,
    booked: String,
    can_take: bool,
    suggested: bool,
    /// "Kubernetes 4 (3+)" per asked skill; "—" for a skill they lack.
    skills: Vec<(String, bool)>,
}

#[derive(Serialize)]
pub struct Section {
    request_id: i64,
    role: String,
    hours: String,
    dates: String,
    summary: String,
    internal_count: usize,
    internal_shown: usize,
    lines: Vec<Line>,
}

fn line(c: &Candidate) -> Line {
    Line {
        name: c.name.clone(),
        person_id: c.person_id.get(),
        from: c.partner_name.clone().unwrap_or_else(|| "Internal".into()),
        partner: c.partner_id.is_some(),
        free: hours(Minutes(c.available_minutes)),
        booked: hours(Minutes(c.booked_minutes)),
        can_take: c.can_take,
        suggested: c.suggested,
        skills: c
            .skills
            .iter()
            .map(|s| {
                let level = s.level.map_or("—".to_string(), |l| l.to_string());
                (format!("{} {level} ({}+)", s.skill, s.min_level), s.meets)
            })
            .collect(),
    }
}

/// The section for the request the page was asked about, when it is one of this
/// project's and the reader may see it; a partner's people never get it.
pub async fn section(st: &AppState, s: &Subject, p: &Pairs, project: ProjectId) -> Option<Section> {
    if s.partner_id.is_some() {
        return None;
    }
    let id = p.get("candidates")?.parse::<i64>().ok().filter(|n| *n > 0)?;
    let c = match crate::api::candidates::read(st, s, psops_core::Id::new(id)).await {
        Ok(c) => c,
        // A request without dates says what it lacks; anything hidden shows nothing.
        Err(psops_core::Error::Invalid(errors)) => {
            let request: psops_core::plan::ResourceRequest = st.store.get(psops_core::Id::new(id)).await.ok()?;
            return (request.fields.project_id == project).then(|| Section {
                request_id: id,
                role: label(request.fields.role.code()),
                hours: hours(request.fields.minutes),
                dates: String::new(),
                summary: errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("; "),
                internal_count: 0,
                internal_shown: 0,
                lines: Vec::new(),
            });
        }
        Err(_) => return None,
    };
    if c.project_id != project {
        return None;
    }
    let mut lines: Vec<Line> = c.internal.iter().map(line).collect();
    lines.extend(c.partners.iter().map(line));
    Some(Section {
        request_id: id,
        role: label(c.role.code()),
        hours: hours(Minutes(c.minutes)),
        dates: span(Some(c.start_date), Some(c.end_date)),
        summary: c.summary,
        internal_count: c.internal_count,
        internal_shown: c.internal.len(),
        lines,
    })
}
