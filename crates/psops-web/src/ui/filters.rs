//! What list and report pages share: query parameters read leniently (a bad value becomes
//! an inline error naming the field, never a bare rejection), the subject of the signed-in
//! user, htmx fragment detection, paging links and the number formats of every table.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use psops_core::Id;
use psops_core::Minutes;
use psops_core::auth::{Actor, TokenScope};
use psops_core::code::Code;
use psops_core::people::{Person, PersonId};
use psops_core::policy::Subject;
use psops_core::record::Record;
use psops_core::store::{RecordStore, Store};
use time::Date;

#[cfg(test)]
use crate::params::Params;

use super::render::UiError;
use super::session::SignedIn;
use crate::AppState;

/// Rows per page of the lists paged by cursor (the audit log, users).
pub const PAGE_SIZE: u32 = psops_core::sort::PAGE_ROWS;

/// The query string (or a form) as name/value pairs, in order; typed values come out of
/// it through [`crate::params::Params`], which names every bad one.
#[derive(Debug, Default, Clone)]
pub struct Pairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Pairs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        // A query that does not decode is treated as empty: the page shows its defaults.
        Ok(Pairs(serde_urlencoded::from_str(query).unwrap_or_default()))
    }
}

impl Pairs {
    /// The first non-blank value of a parameter, trimmed.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// A parameter as text for the sticky form field ("" when absent).
    pub fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().to_string()
    }

    /// The non-blank parameters except `skip`, encoded again (for paging and CSV links).
    pub fn encoded_without(&self, skip: &[&str]) -> String {
        let kept: Vec<(&str, &str)> = self
            .0
            .iter()
            .filter(|(k, v)| !skip.contains(&k.as_str()) && !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.trim()))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// The link to the next page of a list, keeping its filters.
pub fn next_link(path: &str, p: &Pairs, next_cursor: Option<&str>) -> Option<String> {
    let cursor = next_cursor?;
    let rest = p.encoded_without(&["cursor"]);
    let cursor = serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default();
    Some(if rest.is_empty() {
        format!("{path}?{cursor}")
    } else {
        format!("{path}?{rest}&{cursor}")
    })
}

/// The id in a page's path; anything but a positive number is the 404 page.
pub fn path_id(text: &str) -> Result<i64, UiError> {
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(super::not_found()),
    }
}

/// Whether htmx asked for the fragment rather than the whole page.
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

/// The signed-in user as the authorization policy sees them.
pub async fn subject(state: &AppState, me: &SignedIn) -> Result<Subject, UiError> {
    let actor = Actor {
        user: me.user.clone(),
        scope: TokenScope::ReadWrite,
    };
    Ok(crate::bearer::subject(state, &actor).await?)
}

/// The names of people by id, fetched once each.
pub async fn person_names(st: &AppState, ids: Vec<PersonId>) -> Result<Arc<HashMap<i64, String>>, UiError> {
    names_of::<Person>(st, ids).await
}

/// The names of records of one kind by id, in one read; a record that is gone shows as
/// `#id`. When every one is found, the store's kept map is shared rather than copied: a
/// report of 5,000 people asks for all of their names on every view.
pub async fn names_of<R: Record>(
    st: &AppState,
    ids: impl IntoIterator<Item = Id<R>>,
) -> Result<Arc<HashMap<i64, String>>, UiError>
where
    dyn Store: RecordStore<R>,
{
    let mut ids: Vec<Id<R>> = ids.into_iter().collect();
    ids.sort_by_key(|id| id.get());
    ids.dedup();
    let found = RecordStore::<R>::names(st.store.as_ref(), &ids).await?;
    if ids.iter().all(|id| found.contains_key(&id.get())) {
        return Ok(found);
    }
    Ok(Arc::new(
        ids.iter()
            .map(|id| {
                let name = found.get(&id.get()).cloned();
                (id.get(), name.unwrap_or_else(|| format!("#{id}")))
            })
            .collect(),
    ))
}

/// The names of records of the kind `entity` by id, for the kinds that have names; a
/// record that is gone is left out.
pub async fn names_by_kind(
    st: &AppState,
    entity: psops_core::record::Entity,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, String>, UiError> {
    use psops_core::record::Entity;
    async fn of<R: Record>(st: &AppState, ids: &[i64]) -> Result<HashMap<i64, String>, UiError>
    where
        dyn Store: RecordStore<R>,
    {
        let ids: Vec<Id<R>> = ids.iter().map(|i| Id::new(*i)).collect();
        Ok(RecordStore::<R>::names(st.store.as_ref(), &ids).await?.as_ref().clone())
    }
    ids.sort_unstable();
    ids.dedup();
    match entity {
        Entity::Person => of::<Person>(st, &ids).await,
        Entity::Partner => of::<psops_core::partners::Partner>(st, &ids).await,
        Entity::Account => of::<psops_core::accounts::Account>(st, &ids).await,
        Entity::Contact => of::<psops_core::accounts::Contact>(st, &ids).await,
        Entity::Project => of::<psops_core::projects::Project>(st, &ids).await,
        Entity::Assignment => of::<psops_core::assignments::Assignment>(st, &ids).await,
        Entity::OfferingType => of::<psops_core::catalog::OfferingType>(st, &ids).await,
        Entity::Offering => of::<psops_core::catalog::Offering>(st, &ids).await,
        Entity::Sku => of::<psops_core::catalog::Sku>(st, &ids).await,
        Entity::Course => of::<psops_core::education::courses::Course>(st, &ids).await,
        Entity::Learner => of::<psops_core::education::learners::Learner>(st, &ids).await,
        Entity::Certification => of::<psops_core::certifications::Certification>(st, &ids).await,
        _ => Ok(HashMap::new()),
    }
}

/// Users' names by id, each read once (a page names a few dozen at most); a user who is
/// gone shows as `user #id`.
pub async fn user_names(st: &AppState, ids: Vec<psops_core::auth::UserId>) -> Result<HashMap<i64, String>, UiError> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(id.get()) {
            let name = match st.store.user(id).await {
                Ok(u) => u.name,
                Err(psops_core::Error::NotFound { .. }) => format!("user #{id}"),
                Err(e) => return Err(e.into()),
            };
            slot.insert(name);
        }
    }
    Ok(out)
}

/// Hours with two decimals.
pub fn hours(m: Minutes) -> String {
    m.hours_text()
}

/// Basis points as a percentage with one decimal; "—" when there is no divisor.
pub fn pct(bp: Option<i64>) -> String {
    match bp {
        Some(bp) => {
            let tenths = (bp.abs() + 5) / 10;
            let sign = if bp < 0 { "-" } else { "" };
            format!("{sign}{}.{} %", tenths / 10, tenths % 10)
        }
        None => "—".into(),
    }
}

/// Basis points as a percentage number for charts (0 when there is no divisor).
pub fn bp_percent(bp: Option<i64>) -> f64 {
    bp.map_or(0.0, |bp| bp as f64 / 100.0)
}

/// A date to read on a page, in the reader's style (`ui::locale`), or "—". Never for an input.
pub fn day(d: Option<Date>) -> String {
    d.map(super::locale::shown).unwrap_or_else(|| "—".into())
}

/// Dates from one day to another as read on a page: `Jan 5, 2026 – Mar 31, 2026`, or
/// `from Jan 5, 2026` with no end, `until Mar 31, 2026` with no start, "—" with neither.
pub fn span(start: Option<Date>, end: Option<Date>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{} – {}", day(Some(s)), day(Some(e))),
        (Some(s), None) => format!("from {}", day(Some(s))),
        (None, Some(e)) => format!("until {}", day(Some(e))),
        (None, None) => "—".into(),
    }
}

/// Every code of a vocabulary with a readable label, for `<select>`s.
pub fn options<C: Code>() -> Vec<(&'static str, String)> {
    C::ALL.iter().map(|c| (c.code(), label(c.code()))).collect()
}

/// A code as people read it: `time_and_materials` → `Time and materials`, `pto` → `PTO`.
pub fn label(code: &str) -> String {
    match code {
        "pto" => "PTO".into(),
        "api_token" => "API token".into(),
        "non_billable" => "Non-billable".into(),
        _ => super::charts::capitalised(&code.replace('_', " ")),
    }
}

/// A field an error names, as a form labels it: `effective_from` → `Effective from`,
/// `days[2].minutes` → `Days 3, minutes` (items counted from one).
pub fn field(name: &str) -> String {
    let parts: Vec<String> = name
        .split('.')
        .map(|part| match part.split_once('[') {
            Some((list, rest)) => {
                let n = rest
                    .trim_end_matches(']')
                    .parse::<u64>()
                    .map_or(rest.to_string(), |n| (n + 1).to_string());
                format!("{} {n}", list.replace('_', " "))
            }
            None => part.replace('_', " "),
        })
        .collect();
    label(&parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_as_labels() {
        assert_eq!(field("effective_from"), "Effective from");
        assert_eq!(field("days[2].minutes"), "Days 3, minutes");
        assert_eq!(field("reason"), "Reason");
    }

    #[test]
    fn percentages_round_half_up_to_a_tenth() {
        assert_eq!(pct(Some(7000)), "70.0 %");
        assert_eq!(pct(Some(6995)), "70.0 %");
        assert_eq!(pct(Some(6994)), "69.9 %");
        assert_eq!(pct(None), "—");
    }

    #[test]
    fn paging_links_keep_the_filters_and_drop_the_old_cursor() {
        let p = Pairs(vec![
            ("status".into(), "active".into()),
            ("q".into(), " ".into()),
            ("cursor".into(), "i3".into()),
        ]);
        assert_eq!(
            next_link("/projects", &p, Some("i9")).as_deref(),
            Some("/projects?status=active&cursor=i9")
        );
        assert_eq!(next_link("/projects", &p, None), None);
    }

    #[test]
    fn bad_filters_become_field_errors() {
        let p = Pairs(vec![("status".into(), "nope".into()), ("account".into(), "x".into())]);
        let mut e = Params::new();
        assert!(
            e.code::<psops_core::projects::ProjectStatus>("status", p.get("status"))
                .is_none()
        );
        assert!(e.id::<()>("account", p.get("account")).is_none());
        let fields: Vec<&str> = e.errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["status", "account"]);
    }
}
