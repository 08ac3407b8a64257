//! `/admin/audit`: the audit log with filters (entity, user, action, dates) and paging;
//! each change shows compactly — only the fields that changed, before → after.

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use psops_core::audit::{AuditAction, AuditEntry, AuditFilter};
use psops_core::code::Code;
use psops_core::error::Thing;
use psops_core::page::PageRequest;
use psops_core::policy::{Action, Resource};
use psops_core::record::Entity;
use serde::Serialize;
use serde_json::Value;

use super::filters::{PAGE_SIZE, Pairs, is_htmx, label, names_by_kind, next_link, options, subject, user_names};
use super::layout::{Frame, frame};
use super::render::{UiError, render};
use super::session::SignedIn;
use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::params::Params;

/// Longest value shown in a change before it is cut.
const MAX_VALUE: usize = 60;

#[derive(Serialize)]
struct Row {
    at: String,
    user: String,
    entity: String,
    entity_id: i64,
    /// The record's name, when it has one.
    name: String,
    /// Its page, when it has one.
    href: Option<String>,
    action: String,
    changes: Vec<String>,
}

/// The kind of record a field or an audit entity names: what the page names it by.
fn kind_of(key: &str) -> Option<Entity> {
    Some(match key {
        "person" | "person_id" | "manager_id" | "project_manager_id" => Entity::Person,
        "project" | "project_id" => Entity::Project,
        "account" | "account_id" => Entity::Account,
        "partner" | "partner_id" => Entity::Partner,
        "contact" => Entity::Contact,
        "assignment" => Entity::Assignment,
        _ => return None,
    })
}

/// Names of the records a page of entries mentions, by kind and id.
type Names = HashMap<(Entity, i64), String>;

async fn names(st: &AppState, entries: &[AuditEntry]) -> Result<Names, UiError> {
    let mut wanted: HashMap<Entity, Vec<i64>> = HashMap::new();
    for e in entries {
        if let Some(kind) = kind_of(&e.entity) {
            wanted.entry(kind).or_default().push(e.entity_id);
        }
        for v in [&e.before, &e.after].into_iter().flatten() {
            for (k, id) in v.as_object().into_iter().flatten() {
                if let (Some(kind), Some(id)) = (kind_of(k), id.as_i64()) {
                    wanted.entry(kind).or_default().push(id);
                }
            }
        }
    }
    let mut out = Names::new();
    for (kind, ids) in wanted {
        let found = names_by_kind(st, kind, ids).await?;
        out.extend(found.into_iter().map(|(id, name)| ((kind, id), name)));
    }
    Ok(out)
}

#[derive(Serialize)]
struct AuditPage {
    #[serde(flatten)]
    frame: Frame,
    rows: Vec<Row>,
    errors: Vec<FieldError>,
    next: Option<String>,
    f: BTreeMap<&'static str, String>,
    actions: Vec<(&'static str, String)>,
    entities: Vec<(&'static str, String)>,
    users: Vec<(String, String)>,
}

/// Fields whose values are codes from a fixed list, shown as words.
const CODED: [&str; 8] = [
    "roles",
    "status",
    "function",
    "billing_type",
    "category",
    "kind",
    "partner_type",
    "action",
];

fn short(v: &Value, coded: bool) -> String {
    let text = match v {
        Value::String(s) if coded => label(s),
        Value::String(s) => s.clone(),
        Value::Null => "∅".into(),
        // A list of codes (roles) reads as words.
        Value::Array(items) => items.iter().map(|i| short(i, coded)).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE {
        let cut: String = text.chars().take(MAX_VALUE).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The fields that differ between before and after, as `Field: before → after`; a create
/// lists what was set and a delete what was there. References show the record's name.
pub fn changes(before: Option<&Value>, after: Option<&Value>, names: &Names) -> Vec<String> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_else(|| empty.clone());
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "id" | "version" | "updated_at" | "created_at"))
        .filter_map(|k| {
            let coded = CODED.contains(&k.as_str());
            let shown = |v: &Value| match (kind_of(k), v.as_i64()) {
                (Some(kind), Some(id)) => names.get(&(kind, id)).cloned().unwrap_or_else(|| short(v, coded)),
                _ => short(v, coded),
            };
            let field = label(k.strip_suffix("_id").unwrap_or(k));
            match (b.get(k), a.get(k)) {
                (Some(x), Some(y)) if x == y => None,
                (Some(x), Some(y)) => Some(format!("{field}: {} → {}", shown(x), shown(y))),
                (None, Some(y)) if !y.is_null() => Some(format!("{field}: {}", shown(y))),
                (Some(x), None) if !x.is_null() => Some(format!("{field}: {} → ∅", shown(x))),
                _ => None,
            }
        })
        .collect()
}

/// Where a kind's records are shown.
fn page_of(kind: Entity, id: i64, after: Option<&Value>) -> Option<String> {
    match kind {
        Entity::Person => Some(format!("/people/{id}")),
        Entity::Project => Some(format!("/projects/{id}")),
        Entity::Account => Some(format!("/accounts/{id}")),
        Entity::Partner => Some(format!("/partners/{id}")),
        Entity::Assignment => after
            .and_then(|a| a.get("project_id"))
            .and_then(Value::as_i64)
            .map(|p| format!("/projects/{p}")),
        _ => None,
    }
}

fn row(e: &AuditEntry, users: &HashMap<i64, String>, names: &Names) -> Row {
    let kind = kind_of(&e.entity);
    Row {
        at: format!(
            "{} {:02}:{:02} UTC",
            super::locale::shown(e.at.date()),
            e.at.hour(),
            e.at.minute()
        ),
        name: kind
            .and_then(|k| names.get(&(k, e.entity_id)).cloned())
            .unwrap_or_default(),
        href: kind.and_then(|k| page_of(k, e.entity_id, e.after.as_ref().or(e.before.as_ref()))),
        user: e
            .user_id
            .map(|u| users.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")))
            .or_else(|| e.via.as_deref().map(|v| format!("command line ({v})")))
            .unwrap_or_else(|| "system".into()),
        entity: label(&e.entity),
        entity_id: e.entity_id,
        action: label(e.action.code()),
        changes: changes(e.before.as_ref(), e.after.as_ref(), names),
    }
}

pub async fn show(State(st): State<AppState>, me: SignedIn, headers: HeaderMap, p: Pairs) -> Result<Response, UiError> {
    let s = subject(&st, &me).await?;
    allow(&st, &s, Action::Read, &Fixed(Resource::AuditLog, Thing::AuditLog)).await?;
    let mut e = Params::new();
    let filter = AuditFilter {
        entity: p.get("entity").map(str::to_string),
        user_id: e.id("user", p.get("user")),
        action: e.code::<AuditAction>("action", p.get("action")),
        from: e.date("from", p.get("from")),
        to: e.date("to", p.get("to")),
        newest_first: true,
        ..Default::default()
    };
    let page = e.page_of(p.get("cursor"), PAGE_SIZE);
    let found = st.store.list_audit(&filter, page).await?;
    let all_users = st
        .store
        .list_users(PageRequest {
            after: None,
            limit: 500,
        })
        .await?;
    let users = user_names(&st, found.items.iter().filter_map(|a| a.user_id).collect()).await?;
    let named = names(&st, &found.items).await?;
    let ctx = AuditPage {
        frame: frame(&me, &s),
        rows: found.items.iter().map(|a| row(a, &users, &named)).collect(),
        errors: e.into_errors(),
        next: next_link("/admin/audit", &p, found.next_cursor.as_deref()),
        f: ["entity", "user", "action", "from", "to"]
            .into_iter()
            .map(|k| (k, p.text(k)))
            .collect(),
        actions: options::<AuditAction>(),
        entities: {
            let mut all: Vec<_> = Entity::all().iter().map(|k| (k.name(), label(k.name()))).collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            all
        },
        users: all_users
            .items
            .into_iter()
            .map(|u| (u.id.to_string(), u.name))
            .collect(),
    };
    let template = if is_htmx(&headers) {
        "admin_audit_results.html"
    } else {
        "admin_audit.html"
    };
    Ok(render(template, ctx)?.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_show() {
        let before = json!({"name": "Ada", "region": "EMEA", "version": 1});
        let after = json!({"name": "Ada", "region": "APAC", "version": 2});
        let none = Names::new();
        assert_eq!(changes(Some(&before), Some(&after), &none), ["Region: EMEA → APAC"]);
        assert_eq!(
            changes(None, Some(&json!({"name": "Ada", "code": null})), &none),
            ["Name: Ada"]
        );
        let names = Names::from([((Entity::Person, 7), "Pat Manager".to_string())]);
        assert_eq!(
            changes(None, Some(&json!({"manager_id": 7, "partner_id": 3})), &names),
            ["Manager: Pat Manager", "Partner: 3"],
            "references by name when known"
        );
        assert_eq!(
            changes(
                Some(&json!({"roles": ["consultant"]})),
                Some(&json!({"roles": ["project_manager", "pto"]})),
                &none
            ),
            ["Roles: Consultant → Project manager, PTO"],
            "codes read as words"
        );
        let long = "x".repeat(100);
        let shown = changes(None, Some(&json!({ "note": long })), &none);
        assert!(shown[0].ends_with('…') && shown[0].chars().count() < 70);
    }
}
