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
use serde::Serialize;
use serde_json::Value;

use super::filters::{PAGE_SIZE, Pairs, is_htmx, next_link, options, subject};
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
    action: &'static str,
    changes: Vec<String>,
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
    users: Vec<(String, String)>,
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => "∅".into(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE {
        let cut: String = text.chars().take(MAX_VALUE).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The fields that differ between before and after, as `field: before → after`; a create
/// lists what was set and a delete what was there.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_else(|| empty.clone());
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "version" | "updated_at" | "created_at"))
        .filter_map(|k| match (b.get(k), a.get(k)) {
            (Some(x), Some(y)) if x == y => None,
            (Some(x), Some(y)) => Some(format!("{k}: {} → {}", short(x), short(y))),
            (None, Some(y)) if !y.is_null() => Some(format!("{k}: {}", short(y))),
            (Some(x), None) if !x.is_null() => Some(format!("{k}: {} → ∅", short(x))),
            _ => None,
        })
        .collect()
}

fn row(e: &AuditEntry, users: &HashMap<i64, String>) -> Row {
    Row {
        at: e
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        user: e
            .user_id
            .map(|u| users.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")))
            .or_else(|| e.via.as_deref().map(|v| format!("command line ({v})")))
            .unwrap_or_else(|| "system".into()),
        entity: e.entity.clone(),
        entity_id: e.entity_id,
        action: e.action.code(),
        changes: changes(e.before.as_ref(), e.after.as_ref()),
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
    let names: HashMap<i64, String> = all_users.items.iter().map(|u| (u.id.get(), u.name.clone())).collect();
    let ctx = AuditPage {
        frame: frame(&me, &s),
        rows: found.items.iter().map(|a| row(a, &names)).collect(),
        errors: e.into_errors(),
        next: next_link("/admin/audit", &p, found.next_cursor.as_deref()),
        f: ["entity", "user", "action", "from", "to"]
            .into_iter()
            .map(|k| (k, p.text(k)))
            .collect(),
        actions: options::<AuditAction>(),
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
        assert_eq!(changes(Some(&before), Some(&after)), ["region: EMEA → APAC"]);
        assert_eq!(
            changes(None, Some(&json!({"name": "Ada", "code": null}))),
            ["name: Ada"]
        );
        let long = "x".repeat(100);
        let shown = changes(None, Some(&json!({ "note": long })));
        assert!(shown[0].ends_with('…') && shown[0].chars().count() < 70);
    }
}
