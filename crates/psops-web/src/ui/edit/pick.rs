//! Choosing another record in a form — a manager, an account, a project — by typing part
//! of its name: suggestions come as the user types (`/pick/{kind}`), and what was typed
//! is resolved when the form is saved. A choice is written `Name (#id)`; a bare id or a
//! name that matches exactly one record works too, so the form needs no script.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use psops_core::FieldError;
use psops_core::accounts::{Account, AccountFilter};
use psops_core::catalog::offerings::{Offering, OfferingFilter, OfferingType, OfferingTypeFilter};
use psops_core::catalog::skus::{Sku, SkuFilter};
use psops_core::page::PageRequest;
use psops_core::partners::{Partner, PartnerFilter};
use psops_core::people::{Person, PersonFilter};
use psops_core::policy::{Subject, list_scope};
use psops_core::projects::{Project, ProjectFilter};
use psops_core::record::{Entity, Record};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::store::{RecordStore, Records as _, Store};

use crate::AppState;
use crate::ui::filters::{Pairs, subject};
use crate::ui::render::UiError;
use crate::ui::session::SignedIn;

/// Suggestions shown for what was typed.
const SUGGESTIONS: u32 = 20;

/// A record as a choice: its id, its name and what tells it apart from a namesake.
pub struct Choice {
    pub id: i64,
    pub name: String,
    pub detail: String,
}

impl Choice {
    /// How a choice is written in its input.
    pub fn written(&self) -> String {
        written(&self.name, self.id)
    }
}

pub fn written(name: &str, id: i64) -> String {
    format!("{name} (#{id})")
}

/// The id at the end of `Name (#12)`, or a bare `12`.
pub fn id_in(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(id) = text.parse::<i64>() {
        return Some(id);
    }
    let inner = text.strip_suffix(')')?;
    let start = inner.rfind("(#")?;
    inner[start + 2..].parse().ok()
}

async fn first<R: Record>(st: &AppState, filter: &R::Filter, limit: u32) -> psops_core::Result<Vec<R>>
where
    dyn Store: RecordStore<R>,
{
    Ok(st.store.list(filter, PageRequest { after: None, limit }).await?.items)
}

/// Live records of `entity` the subject may see whose name (or e-mail) holds `q`.
pub async fn search(st: &AppState, s: &Subject, entity: Entity, q: &str, limit: u32) -> Result<Vec<Choice>, UiError> {
    let q = Some(q.trim().to_string()).filter(|q| !q.is_empty());
    let live = Some(false);
    let choices = match entity {
        Entity::Person => {
            let filter = PersonFilter {
                q,
                archived: live,
                scope: list_scope(s, ListKind::People),
                ..Default::default()
            };
            first::<Person>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|p| Choice {
                    id: p.id.get(),
                    detail: p.fields.email,
                    name: p.fields.name,
                })
                .collect()
        }
        Entity::Partner => {
            let filter = PartnerFilter {
                status: None,
                q,
                archived: live,
                scope: list_scope(s, ListKind::Partners),
            };
            first::<Partner>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|p| Choice {
                    id: p.id.get(),
                    detail: p.fields.region.unwrap_or_default(),
                    name: p.fields.name,
                })
                .collect()
        }
        Entity::Account => {
            let filter = AccountFilter {
                q,
                archived: live,
                scope: list_scope(s, ListKind::Accounts),
            };
            first::<Account>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|a| Choice {
                    id: a.id.get(),
                    detail: a.fields.code.unwrap_or_default(),
                    name: a.fields.name,
                })
                .collect()
        }
        Entity::Project => {
            let filter = ProjectFilter {
                q,
                archived: live,
                scope: list_scope(s, ListKind::Projects),
                ..Default::default()
            };
            first::<Project>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|p| Choice {
                    id: p.id.get(),
                    detail: p.fields.code.unwrap_or_default(),
                    name: p.fields.name,
                })
                .collect()
        }
        Entity::OfferingType | Entity::Offering | Entity::Sku if s.is_partner() => Vec::new(),
        Entity::OfferingType => {
            let filter = OfferingTypeFilter {
                q,
                archived: live,
                ..Default::default()
            };
            first::<OfferingType>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|t| Choice {
                    id: t.id.get(),
                    detail: t.fields.category,
                    name: t.fields.name,
                })
                .collect()
        }
        Entity::Offering => {
            let filter = OfferingFilter {
                q,
                archived: live,
                ..Default::default()
            };
            first::<Offering>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|o| Choice {
                    id: o.id.get(),
                    detail: crate::ui::filters::label(psops_core::code::Code::code(&o.fields.maturity)),
                    name: o.fields.name,
                })
                .collect()
        }
        Entity::Sku => {
            let filter = SkuFilter {
                q,
                archived: live,
                ..Default::default()
            };
            first::<Sku>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|k| Choice {
                    id: k.id.get(),
                    detail: k.fields.name,
                    name: k.fields.code,
                })
                .collect()
        }
        Entity::Course => {
            let filter = psops_core::education::courses::CourseFilter {
                q,
                archived: live,
                ..Default::default()
            };
            first::<psops_core::education::courses::Course>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|c| Choice {
                    id: c.id.get(),
                    detail: format!("version {}", c.fields.course_version),
                    name: c.fields.name,
                })
                .collect()
        }
        // Only the learners the subject reads: a partner's managers their own consultants.
        Entity::Learner => {
            let filter = psops_core::education::learners::LearnerFilter {
                q,
                archived: live,
                scope: psops_core::policy::learner_scope(s),
                ..Default::default()
            };
            first::<psops_core::education::learners::Learner>(st, &filter, limit)
                .await?
                .into_iter()
                .map(|l| Choice {
                    id: l.id.get(),
                    detail: l.fields.email.unwrap_or_default(),
                    name: l.fields.name,
                })
                .collect()
        }
        other => {
            return Err(UiError::internal(format!("{other} is not chosen by name")));
        }
    };
    Ok(choices)
}

/// The record `text` names, or the error that says why it names none. An empty input
/// names nothing.
pub async fn resolve(
    st: &AppState,
    s: &Subject,
    entity: Entity,
    field: &'static str,
    label: &str,
    text: &str,
) -> Result<Result<Option<i64>, FieldError>, UiError> {
    if text.trim().is_empty() {
        return Ok(Ok(None));
    }
    if let Some(id) = id_in(text) {
        // The store checks the record exists and the policy that it may be used.
        return Ok(Ok(Some(id)));
    }
    let found = search(st, s, entity, text, SUGGESTIONS).await?;
    let wanted = text.trim().to_lowercase();
    let exact: Vec<i64> = found
        .iter()
        .filter(|c| c.name.to_lowercase() == wanted || c.detail.to_lowercase() == wanted)
        .map(|c| c.id)
        .collect();
    let all: Vec<i64> = found.iter().map(|c| c.id).collect();
    Ok(match (exact.as_slice(), all.as_slice()) {
        ([one], _) | ([], [one]) => Ok(Some(*one)),
        (_, []) => Err(FieldError::new(
            field,
            Rule::InvalidValue,
            format!(
                "No {entity} matches '{}'; check the spelling or choose from the list",
                text.trim()
            ),
        )),
        _ => Err(FieldError::new(
            field,
            Rule::InvalidValue,
            format!("Several match '{}' for {label}; choose one from the list", text.trim()),
        )),
    })
}

/// `GET /pick/{kind}?…`: the suggestions for what was typed, as `<option>`s for the
/// input's `<datalist>` (htmx sends the input under its own name, so any value is `q`).
pub async fn suggest(
    State(st): State<AppState>,
    me: SignedIn,
    Path(kind): Path<String>,
    p: Pairs,
) -> Result<Response, UiError> {
    let entity = match kind.as_str() {
        "person" => Entity::Person,
        "partner" => Entity::Partner,
        "account" => Entity::Account,
        "project" => Entity::Project,
        "offering_type" => Entity::OfferingType,
        "offering" => Entity::Offering,
        "sku" => Entity::Sku,
        "course" => Entity::Course,
        "learner" => Entity::Learner,
        _ => return Err(crate::ui::not_found()),
    };
    let s = subject(&st, &me).await?;
    let q =
        p.0.iter()
            .map(|(_, v)| v.as_str())
            .find(|v| !v.trim().is_empty())
            .unwrap_or("");
    let found = search(&st, &s, entity, q, SUGGESTIONS).await?;
    let mut html = String::new();
    for c in &found {
        html.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            escape(&c.written()),
            escape(&c.detail)
        ));
    }
    Ok(Html(html).into_response())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_read_back_by_its_id() {
        assert_eq!(id_in("Ada Lovelace (#12)"), Some(12));
        assert_eq!(id_in(" 7 "), Some(7));
        assert_eq!(id_in("Ada (Lovelace)"), None);
        assert_eq!(id_in("Ada"), None);
        assert_eq!(id_in(&written("Q (#3) Corp", 40)), Some(40));
    }
}
