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
    /// How many records this row stands for: the days of one time-off request written
    /// together read as one row.
    records: usize,
    /// The first and last day of the records' `date`, when they have one.
    #[serde(skip)]
    days: Option<(time::Date, time::Date)>,
}

/// The change lines that name a record's date (or, once folded, its run's dates).
fn dated(line: &str) -> bool {
    line.starts_with("Date: ") || line.starts_with("Dates: ")
}

impl Row {
    /// Whether `next` (the entry before this one) is the same change to another record
    /// written together, as the days of one time-off request are: same moment, actor,
    /// kind and action, and the same changes but for the date.
    fn joins(&self, next: &Row) -> bool {
        let rest = |r: &Row| r.changes.iter().filter(|c| !dated(c)).cloned().collect::<Vec<_>>();
        (
            self.at.as_str(),
            self.user.as_str(),
            self.entity.as_str(),
            self.action.as_str(),
        ) == (
            next.at.as_str(),
            next.user.as_str(),
            next.entity.as_str(),
            next.action.as_str(),
        ) && self.entity_id != next.entity_id
            && self.name.is_empty()
            && rest(self) == rest(next)
    }

    /// Takes in another record's row; the date line becomes the run's first and last day.
    fn absorb(&mut self, other: Row) {
        self.records += 1;
        let (Some((a, b)), Some((c, d))) = (self.days, other.days) else {
            return;
        };
        let (first, last) = (a.min(c), b.max(d));
        self.days = Some((first, last));
        let line = format!(
            "Dates: {} – {}",
            super::locale::shown(first),
            super::locale::shown(last)
        );
        for c in self.changes.iter_mut().filter(|c| dated(c)) {
            c.clone_from(&line);
        }
    }
}

/// Rows newest first, with consecutive changes to the days of one run folded into one.
fn fold(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for r in rows {
        match out.last_mut() {
            Some(last) if last.joins(&r) => last.absorb(r),
            _ => out.push(r),
        }
    }
    out
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

/// The users a page of entries names: who acted, and who decided or sent what changed.
fn mentioned_users(entries: &[AuditEntry]) -> Vec<psops_core::auth::UserId> {
    let mut ids: Vec<psops_core::auth::UserId> = entries.iter().filter_map(|a| a.user_id).collect();
    for e in entries {
        for v in [&e.before, &e.after].into_iter().flatten() {
            for (k, id) in v.as_object().into_iter().flatten() {
                if let (true, Some(id)) = (is_user(k), id.as_i64()) {
                    ids.push(psops_core::auth::UserId::new(id));
                }
            }
        }
    }
    ids
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

/// Fields holding a user's id (who decided, sent, locked): shown by the user's name.
fn is_user(key: &str) -> bool {
    key.ends_with("_by") || key == "user_id"
}

/// How one value of field `key` reads: codes as words, minutes as hours, dates and times
/// in the reader's style, long text cut.
fn short(key: &str, v: &Value) -> String {
    let text = match v {
        Value::String(s) if CODED.contains(&key) => label(s),
        Value::String(s) => when(s).unwrap_or_else(|| s.clone()),
        Value::Number(n) if key.contains("minutes") => match n.as_i64() {
            Some(m) => psops_core::Minutes(m).clock_text(),
            None => n.to_string(),
        },
        Value::Null => "∅".into(),
        // A list of codes (roles) reads as words.
        Value::Array(items) => items.iter().map(|i| short(key, i)).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE {
        let cut: String = text.chars().take(MAX_VALUE).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// A stored date (`2026-12-07`) or time (RFC 3339) as the reader writes it.
fn when(s: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    if let Some(d) = (s.len() == 10)
        .then(|| psops_core::dates::parse_date("date", s).ok())
        .flatten()
    {
        return Some(super::locale::shown(d));
    }
    let at = time::OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some(moment(at))
}

/// A moment in the log: its day in the reader's style and its UTC time.
fn moment(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{} {:02}:{:02} UTC",
        super::locale::shown(at.date()),
        at.hour(),
        at.minute()
    )
}

/// The fields that differ between before and after, as `Field: before → after`; a create
/// lists what was set and a delete what was there. References show the record's name.
pub fn changes(
    before: Option<&Value>,
    after: Option<&Value>,
    names: &Names,
    users: &HashMap<i64, String>,
) -> Vec<String> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_else(|| empty.clone());
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "id" | "version" | "updated_at" | "created_at"))
        .filter_map(|k| {
            let shown = |v: &Value| match (kind_of(k), v.as_i64()) {
                (Some(kind), Some(id)) => names.get(&(kind, id)).cloned().unwrap_or_else(|| short(k, v)),
                (None, Some(id)) if is_user(k) => users.get(&id).cloned().unwrap_or_else(|| format!("user #{id}")),
                _ => short(k, v),
            };
            // Minutes are shown as hours, and the field says so.
            let field = label(&k.strip_suffix("_id").unwrap_or(k).replace("minutes", "hours"));
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
        Entity::Course => Some(format!("/courses/{id}")),
        Entity::CourseTrainer => after
            .and_then(|a| a.get("course_id"))
            .and_then(Value::as_i64)
            .map(|c| format!("/courses/{c}")),
        Entity::Certification => Some(format!("/certifications/{id}")),
        Entity::CertificationAttempt | Entity::Certificate => after
            .and_then(|a| a.get("learner_id"))
            .and_then(Value::as_i64)
            .map(|l| format!("/learners/{l}/certifications")),
        Entity::TrainerCandidacy => Some(format!("/trainer-paths/{id}")),
        Entity::Assignment => after
            .and_then(|a| a.get("project_id"))
            .and_then(Value::as_i64)
            .map(|p| format!("/projects/{p}")),
        _ => None,
    }
}

/// Who made a change without signing in: `cli:alice` → "Command line (as alice)".
fn actor(via: &str) -> String {
    match via.strip_prefix("cli:") {
        Some("unknown") | Some("") => "Command line".into(),
        Some(who) => format!("Command line (as {who})"),
        None => via.to_string(),
    }
}

fn row(e: &AuditEntry, users: &HashMap<i64, String>, names: &Names) -> Row {
    let kind = kind_of(&e.entity);
    Row {
        at: moment(e.at),
        name: kind
            .and_then(|k| names.get(&(k, e.entity_id)).cloned())
            .unwrap_or_default(),
        href: kind.and_then(|k| page_of(k, e.entity_id, e.after.as_ref().or(e.before.as_ref()))),
        user: e
            .user_id
            .map(|u| users.get(&u.get()).cloned().unwrap_or_else(|| format!("user #{u}")))
            .or_else(|| e.via.as_deref().map(actor))
            .unwrap_or_else(|| "system".into()),
        entity: label(&e.entity),
        entity_id: e.entity_id,
        action: label(e.action.code()),
        changes: changes(e.before.as_ref(), e.after.as_ref(), names, users),
        records: 1,
        days: e
            .after
            .as_ref()
            .or(e.before.as_ref())
            .and_then(|v| v.get("date"))
            .and_then(Value::as_str)
            .and_then(|d| psops_core::dates::parse_date("date", d).ok())
            .map(|d| (d, d)),
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
    let users = user_names(&st, mentioned_users(&found.items)).await?;
    let named = names(&st, &found.items).await?;
    let ctx = AuditPage {
        frame: frame(&me, &s),
        rows: fold(found.items.iter().map(|a| row(a, &users, &named)).collect()),
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
        let users = HashMap::from([(2, "Olive Ops".to_string())]);
        assert_eq!(
            changes(Some(&before), Some(&after), &none, &users),
            ["Region: EMEA → APAC"]
        );
        assert_eq!(
            changes(None, Some(&json!({"name": "Ada", "code": null})), &none, &users),
            ["Name: Ada"]
        );
        let names = Names::from([((Entity::Person, 7), "Pat Manager".to_string())]);
        assert_eq!(
            changes(None, Some(&json!({"manager_id": 7, "partner_id": 3})), &names, &users),
            ["Manager: Pat Manager", "Partner: 3"],
            "references by name when known"
        );
        assert_eq!(
            changes(
                Some(&json!({"roles": ["consultant"]})),
                Some(&json!({"roles": ["project_manager", "pto"]})),
                &none,
                &users
            ),
            ["Roles: Consultant → Project manager, PTO"],
            "codes read as words"
        );
        assert_eq!(
            changes(
                Some(&json!({"status": "requested", "decided_by": null, "decided_at": null})),
                Some(&json!({"status": "approved", "decided_by": 2, "decided_at": "2026-12-04T09:30:00Z"})),
                &none,
                &users
            ),
            [
                "Decided at: ∅ → 2026-12-04 09:30 UTC",
                "Decided by: ∅ → Olive Ops",
                "Status: Requested → Approved"
            ],
            "users by name, times in words"
        );
        assert_eq!(
            changes(
                None,
                Some(&json!({"date": "2026-12-07", "minutes": 480})),
                &none,
                &users
            ),
            ["Date: 2026-12-07", "Hours: 8:00"],
            "minutes as hours"
        );
        let long = "x".repeat(100);
        let shown = changes(None, Some(&json!({ "note": long })), &none, &users);
        assert!(shown[0].ends_with('…') && shown[0].chars().count() < 70);
    }

    fn day_row(id: i64, date: &str) -> Row {
        let day = psops_core::dates::parse_date("date", date).ok();
        Row {
            at: "2026-12-04 09:30 UTC".into(),
            user: "Olive Ops".into(),
            entity: "Time off".into(),
            entity_id: id,
            name: String::new(),
            href: None,
            action: "Create".into(),
            changes: vec![format!("Date: {date}"), "Kind: PTO".into()],
            records: 1,
            days: day.map(|d| (d, d)),
        }
    }

    #[test]
    fn the_days_of_one_request_fold_into_one_row() {
        // Newest first: the run's last day comes first.
        let mut other = day_row(9, "2026-12-01");
        other.changes[1] = "Kind: Sick".into();
        let rows = fold(vec![
            day_row(12, "2026-12-10"),
            day_row(13, "2026-12-11"),
            day_row(11, "2026-12-09"),
            other,
        ]);
        assert_eq!(rows.len(), 2, "a different change stays its own row");
        assert_eq!(rows[0].records, 3);
        assert_eq!(rows[0].changes, ["Dates: 2026-12-09 – 2026-12-11", "Kind: PTO"]);
        assert_eq!(rows[1].records, 1);
    }

    #[test]
    fn a_command_line_change_names_who_ran_it() {
        assert_eq!(actor("cli:alice"), "Command line (as alice)");
        assert_eq!(actor("cli:unknown"), "Command line");
    }
}
