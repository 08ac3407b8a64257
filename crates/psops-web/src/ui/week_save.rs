//! Writing one cell of the week grid: blank deletes the cell's entry, a duration creates or
//! changes it. Only ever the signed-in person's own entries; every write goes through the
//! authorization policy and the store's entry rules, whose refusals come back as words for
//! the cell ("non-billable time on a customer project needs a note that explains it").

use psops_core::policy::{Action, Grant, Subject};
use psops_core::store::WriteCtx;
use psops_core::time_entries::{NewTimeEntry, TimeEntryPatch};
use psops_core::timesheet::ensure_draft;
use psops_core::{Error, Minutes};

use super::render::UiError;
use super::session::SignedIn;
use super::week_grid::{Grid, RowKey, Work, parse_cell};
use crate::AppState;
use crate::authorize::{GuardedUpdate, allow};
use crate::request_id::RequestId;

/// What the person sent for one cell.
pub struct CellInput<'a> {
    pub key: RowKey,
    pub day: usize,
    pub value: &'a str,
    pub note: &'a str,
}

/// Whether a cell's input differs from what is stored, so a whole-form save writes only
/// the cells that changed.
pub fn changed(grid: &Grid, input: &CellInput<'_>) -> bool {
    let entries = grid.entries(input.key, input.day);
    let stored_minutes: i64 = entries.iter().map(|e| e.minutes.get()).sum();
    let stored_note = entries.first().and_then(|e| e.note.as_deref()).unwrap_or("");
    match parse_cell(input.value) {
        Ok(None) => !entries.is_empty(),
        Ok(Some(m)) => m.get() != stored_minutes || input.note.trim() != stored_note.trim(),
        Err(_) => true,
    }
}

/// Who saves the cells, for the audit log; each write's context is made once the policy
/// allowed that write.
pub struct Author<'a>(pub &'a SignedIn, pub &'a RequestId);

impl Author<'_> {
    fn ctx(&self, grant: Grant) -> WriteCtx {
        super::admin::write_ctx(self.0, self.1, grant)
    }
}

/// The reason a cell was not saved, in words for the person; `Err` only for failures that
/// are not theirs (the database), which become the error page.
pub async fn save(
    state: &AppState,
    subject: &Subject,
    author: &Author<'_>,
    grid: &Grid,
    input: &CellInput<'_>,
) -> Result<Option<String>, UiError> {
    let Some(person_id) = subject.person_id else {
        return Ok(Some(
            "your user is not linked to a person, so it has no timesheet".into(),
        ));
    };
    if input.day > 6 {
        return Ok(Some("the day must be one of Monday to Sunday of this week".into()));
    }
    let minutes = match parse_cell(input.value) {
        Ok(m) => m,
        Err(message) => return Ok(Some(message)),
    };
    let entries = grid.entries(input.key, input.day);
    if entries.len() > 1 {
        return Ok(Some(
            "this cell holds several entries; change them one by one through the API or CLI".into(),
        ));
    }
    let current = entries.first();
    // Asked before the policy, so a read-only cell says why rather than who may not.
    if let Some(Err(e)) = current.map(|e| ensure_draft(e.status)) {
        return Ok(Some(words(e)));
    }
    let note = Some(input.note.trim().to_string()).filter(|n| !n.is_empty());
    let result = match (current, minutes) {
        (None, None) => Ok(()),
        (Some(e), None) => match allow(state, subject, Action::Delete, e).await {
            Ok(grant) => {
                state
                    .store
                    .delete_time_entry(&author.ctx(grant), e.id, Some(e.version))
                    .await
            }
            Err(err) => Err(err),
        },
        (Some(e), Some(m)) => {
            let patch = TimeEntryPatch {
                minutes: Some(m),
                note: Some(note),
                ..Default::default()
            };
            match e.allow_update(state, subject, &patch).await {
                Ok(grant) => state
                    .store
                    .update_time_entry(&author.ctx(grant), e.id, Some(e.version), patch)
                    .await
                    .map(drop),
                Err(err) => Err(err),
            }
        }
        (None, Some(m)) => create(state, subject, author, person_id, grid, input, m, note).await,
    };
    match result {
        Ok(()) => Ok(None),
        Err(Error::Internal(cause)) => Err(UiError::internal(cause)),
        Err(e) => Ok(Some(words(e))),
    }
}

#[allow(clippy::too_many_arguments)]
async fn create(
    state: &AppState,
    subject: &Subject,
    author: &Author<'_>,
    person_id: psops_core::people::PersonId,
    grid: &Grid,
    input: &CellInput<'_>,
    minutes: Minutes,
    note: Option<String>,
) -> psops_core::Result<()> {
    let (project_id, category) = match input.key.work {
        Work::Project(p) => (Some(p), None),
        Work::Category(c) => (None, Some(c)),
    };
    let new = NewTimeEntry {
        person_id,
        project_id,
        category,
        date: grid.date(input.day),
        minutes,
        billable: Some(input.key.billable),
        note,
    };
    let grant = allow(state, subject, Action::Create, &new).await?;
    state.store.create_time_entry(&author.ctx(grant), new).await.map(drop)
}

/// A refusal as one sentence: the rules' own messages, joined.
pub fn words(e: Error) -> String {
    match e {
        Error::Invalid(errors) => errors.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; "),
        Error::Conflict(f) => f.message,
        Error::NotFound { entity, .. } => format!("the {entity} of this row does not exist or is not yours"),
        Error::PreconditionFailed { .. } => "someone changed this entry meanwhile; reload the week".into(),
        Error::Forbidden(why) => why,
        Error::Unauthorized => "sign in again to save".into(),
        Error::Internal(_) => "psops could not save this; try again".into(),
    }
}
