//! Reading a person's week for the grid: the week asked for, their own entries of it, the
//! names of its rows and the projects (their assignments) and categories a row can add.

use psops_core::store::Records as _;
use std::collections::HashMap;

use axum::http::StatusCode;
use psops_core::assignments::AssignmentFilter;
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::policy::{Subject, list_scope};
use psops_core::scope::ListKind;
use psops_core::time_entries::{InternalCategory, TimeEntry, TimeEntryFilter};
use psops_core::timesheet::IsoWeek;
use serde::Serialize;
use time::OffsetDateTime;

use super::filters::label;
use super::render::UiError;
use super::week_grid::{Grid, RowKey, Work};
use crate::AppState;

#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// Whether time on it is billable unless said otherwise (the project's default).
    pub billable: bool,
}

/// A person's week as stored, with the names of its rows.
pub struct Loaded {
    pub week: IsoWeek,
    pub grid: Grid,
    pub labels: HashMap<String, String>,
    pub choices: Vec<Choice>,
}

pub fn parse_week(text: Option<&str>) -> Result<IsoWeek, UiError> {
    match text.filter(|t| !t.trim().is_empty()) {
        None => Ok(IsoWeek::of(OffsetDateTime::now_utc().date())),
        Some(t) => Ok(t.parse::<IsoWeek>()?),
    }
}

pub fn person(subject: &Subject) -> Result<psops_core::people::PersonId, UiError> {
    subject.person_id.ok_or_else(|| {
        UiError::new(
            StatusCode::NOT_FOUND,
            "No timesheet",
            "Your user is not linked to a person, so it has no timesheet. An administrator can link it.",
        )
    })
}

/// Every entry of the person in a date range (the store pages by id).
pub async fn own_entries(
    state: &AppState,
    subject: &Subject,
    range: psops_core::dates::DateRange,
) -> Result<Vec<TimeEntry>, UiError> {
    entries_of(state, subject, person(subject)?, range).await
}

/// Every entry of a person in a date range that the subject may read.
pub async fn entries_of(
    state: &AppState,
    subject: &Subject,
    person: psops_core::people::PersonId,
    range: psops_core::dates::DateRange,
) -> Result<Vec<TimeEntry>, UiError> {
    let scope = list_scope(subject, ListKind::TimeEntries);
    entries_in(state, person, range, scope).await
}

/// Every entry of a person in a date range within a scope.
pub async fn entries_in(
    state: &AppState,
    person: psops_core::people::PersonId,
    range: psops_core::dates::DateRange,
    scope: psops_core::scope::ListScope,
) -> Result<Vec<TimeEntry>, UiError> {
    let filter = TimeEntryFilter {
        person_id: Some(person),
        from: Some(range.start),
        to: Some(range.end),
        scope,
        ..Default::default()
    };
    let mut all = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: 500,
    };
    loop {
        let got = state.store.list_time_entries(&filter, page).await?;
        let last = got.items.last().map(|e| e.id.get());
        all.extend(got.items);
        match (got.next_cursor, last) {
            (Some(_), Some(id)) => page.after = Some(id),
            _ => return Ok(all),
        }
    }
}

pub async fn load(state: &AppState, subject: &Subject, week: IsoWeek, extra: &[RowKey]) -> Result<Loaded, UiError> {
    let person_id = person(subject)?;
    let range = week.range();
    let entries = own_entries(state, subject, range).await?;
    let grid = Grid::new(range.start, entries, extra);
    let assignments = state
        .store
        .list(
            &AssignmentFilter {
                person_id: Some(person_id),
                from: Some(range.start),
                to: Some(range.end),
                archived: Some(false),
                scope: list_scope(subject, ListKind::Assignments),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await?;
    let mut projects: Vec<_> = grid
        .rows()
        .iter()
        .filter_map(|k| match k.work {
            Work::Project(p) => Some(p),
            Work::Category(_) => None,
        })
        .chain(assignments.items.iter().map(|a| a.fields.project_id))
        .collect();
    projects.sort();
    projects.dedup();
    let mut names = HashMap::new();
    let mut billable = HashMap::new();
    for id in projects {
        let name = match state.store.get(id).await {
            Ok(p) => {
                billable.insert(id, p.fields.default_billable());
                match p.fields.code {
                    Some(code) => format!("{} ({code})", p.fields.name),
                    None => p.fields.name,
                }
            }
            Err(psops_core::Error::NotFound { .. }) => format!("project {id}"),
            Err(e) => return Err(e.into()),
        };
        names.insert(id, name);
    }
    let work_label = |w: Work| match w {
        Work::Project(p) => names.get(&p).cloned().unwrap_or_else(|| format!("project {p}")),
        Work::Category(c) => format!("{} (internal)", label(c.code())),
    };
    let labels = grid.rows().iter().map(|k| (k.key(), work_label(k.work))).collect();
    let mut choices: Vec<Choice> = assignments
        .items
        .iter()
        .map(|a| a.fields.project_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|p| Choice {
            value: format!("p{p}"),
            label: work_label(Work::Project(p)),
            billable: billable.get(&p).copied().unwrap_or(false),
        })
        .collect();
    choices.extend(InternalCategory::ALL.iter().map(|c| Choice {
        value: format!("c-{}", c.code()),
        label: work_label(Work::Category(*c)),
        billable: false,
    }));
    Ok(Loaded {
        week,
        grid,
        labels,
        choices,
    })
}
