//! `psops audit list`: the audit log, oldest first, as a table, JSON or CSV. Read-only:
//! nothing in psops changes or deletes audit entries.

use std::collections::HashMap;

use psops_core::audit::{AuditAction, AuditEntry, AuditFilter};
use psops_core::auth::UserId;
use psops_core::code::Code as _;
use psops_core::csv_writer::{CsvWriter, LineEnd};
use psops_core::page::{MAX_LIMIT, PageRequest};
use psops_core::rule::Rule;
use psops_core::store::{AuditStore, AuthStore};
use psops_core::{Error, FieldError, Result};
use serde_json::Value;

use crate::admin::stamp;
use crate::cli::{AuditCommand, AuditFormat, AuditListArgs};
use crate::{config, stdout_line, table};

/// Bookkeeping fields (the id and AT columns show the rest); summaries leave them out.
const BOOKKEEPING: &[&str] = &["id", "version", "created_at", "updated_at"];
/// Longest value a one-line summary shows before cutting it short.
const MAX_VALUE_CHARS: usize = 60;

pub async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::List(args) => list(args).await,
    }
}

async fn list(args: AuditListArgs) -> anyhow::Result<()> {
    let mut filter = filter(&args)?;
    let db = config::open_db(&args.db.database_url).await?;
    let done = async {
        if let Some(email) = &args.user_email {
            let user = db.user_by_email(email.trim()).await?.ok_or_else(|| {
                Error::invalid(
                    "user_email",
                    Rule::Exists,
                    format!("no user with email {}", email.trim()),
                )
            })?;
            filter.user_id = Some(user.id);
        }
        let (entries, more) = fetch(&db, &filter, args.limit).await?;
        let emails = emails(&db, &entries).await?;
        Ok::<_, Error>((entries, more, emails))
    }
    .await;
    db.close().await;
    let (entries, more, emails) = done?;
    if more {
        eprintln!(
            "showing the first {} matching entries, oldest first; more match: raise --limit or narrow with --from",
            entries.len()
        );
    }
    match args.format {
        AuditFormat::Json => stdout_line(serde_json::to_string_pretty(&as_json(&entries, &emails)?)?),
        AuditFormat::Csv => write_csv(&entries, &emails),
        AuditFormat::Table if entries.is_empty() => {
            eprintln!("no audit entries match");
            Ok(())
        }
        AuditFormat::Table => {
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        stamp(Some(e.at)),
                        user_label(e, &emails),
                        e.request_id.clone().unwrap_or_else(|| "-".to_string()),
                        e.entity.clone(),
                        e.entity_id.to_string(),
                        e.action.code().to_string(),
                        changes(e.before.as_ref(), e.after.as_ref()),
                    ]
                })
                .collect();
            table::print(&["AT", "USER", "REQUEST", "ENTITY", "ID", "ACTION", "CHANGES"], &rows)
        }
    }
}

/// The filter the flags describe (all but `--user-email`, which needs the database);
/// every bad flag is reported, not just the first.
fn filter(args: &AuditListArgs) -> Result<AuditFilter> {
    let mut errors: Vec<FieldError> = Vec::new();
    let entity = match args.entity.as_deref().map(str::trim) {
        Some("") => keep(
            &mut errors,
            Err(Error::invalid("entity", Rule::Required, "entity must not be empty")),
        ),
        other => other.map(str::to_string),
    };
    let action = args
        .action
        .as_deref()
        .and_then(|a| keep(&mut errors, AuditAction::from_code(a.trim())));
    let from = args
        .from
        .as_deref()
        .and_then(|d| keep(&mut errors, psops_core::dates::parse_date("from", d)));
    let to = args
        .to
        .as_deref()
        .and_then(|d| keep(&mut errors, psops_core::dates::parse_date("to", d)));
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.push(FieldError::new("to", Rule::Range, "to must not be before from"));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(AuditFilter {
        entity,
        entity_id: args.entity_id,
        user_id: None,
        action,
        from,
        to,
        newest_first: false,
    })
}

/// The value, or `None` with its field errors added to `errors`.
fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(Error::Invalid(fields)) => {
            errors.extend(fields);
            None
        }
        Err(other) => {
            errors.push(FieldError::new("", Rule::Internal, other.to_string()));
            None
        }
    }
}

/// Up to `limit` entries, following the store's cursor; `true` when more match.
async fn fetch(store: &dyn AuditStore, filter: &AuditFilter, limit: u32) -> Result<(Vec<AuditEntry>, bool)> {
    let mut entries: Vec<AuditEntry> = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: limit.min(MAX_LIMIT),
    };
    loop {
        let got = store.list_audit(filter, page).await?;
        entries.extend(got.items);
        let remaining = limit.saturating_sub(u32::try_from(entries.len()).unwrap_or(u32::MAX));
        match got.next_cursor {
            None => return Ok((entries, false)),
            Some(_) if remaining == 0 => return Ok((entries, true)),
            Some(cursor) => page = PageRequest::parse(Some(&cursor), Some(remaining.min(MAX_LIMIT)))?,
        }
    }
}

/// The email of every user who appears in `entries`, each looked up once.
async fn emails(store: &dyn AuthStore, entries: &[AuditEntry]) -> Result<HashMap<UserId, String>> {
    let mut emails = HashMap::new();
    for id in entries.iter().filter_map(|e| e.user_id) {
        if emails.contains_key(&id) {
            continue;
        }
        match store.user(id).await {
            Ok(user) => {
                emails.insert(id, user.email);
            }
            // The entry outlives nothing in practice, but a missing user is no reason
            // to hide the log: such entries show the bare id.
            Err(Error::NotFound { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(emails)
}

/// Who acted: the user's email, `#id` for an unknown user, else what acted without one
/// (`cli:alice`), or `-` for the system itself.
fn user_label(e: &AuditEntry, emails: &HashMap<UserId, String>) -> String {
    match e.user_id {
        Some(id) => emails.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        None => e.via.clone().unwrap_or_else(|| "-".to_string()),
    }
}

fn as_json(entries: &[AuditEntry], emails: &HashMap<UserId, String>) -> serde_json::Result<Value> {
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let mut value = serde_json::to_value(e)?;
        if let Value::Object(map) = &mut value {
            let email = e.user_id.and_then(|id| emails.get(&id).cloned());
            map.insert("user_email".to_string(), email.map_or(Value::Null, Value::String));
        }
        out.push(value);
    }
    Ok(Value::Array(out))
}

fn write_csv(entries: &[AuditEntry], emails: &HashMap<UserId, String>) -> anyhow::Result<()> {
    let mut w = CsvWriter::new(Vec::new(), LineEnd::Lf);
    w.row([
        "id",
        "at",
        "user_id",
        "user_email",
        "via",
        "request_id",
        "entity",
        "entity_id",
        "action",
        "changes",
        "before",
        "after",
    ])?;
    let json = |v: Option<&Value>| v.map_or_else(String::new, Value::to_string);
    for e in entries {
        w.row([
            e.id.to_string(),
            stamp(Some(e.at)),
            e.user_id.map_or_else(String::new, |id| id.to_string()),
            e.user_id.and_then(|id| emails.get(&id).cloned()).unwrap_or_default(),
            e.via.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            e.entity.clone(),
            e.entity_id.to_string(),
            e.action.code().to_string(),
            changes(e.before.as_ref(), e.after.as_ref()),
            json(e.before.as_ref()),
            json(e.after.as_ref()),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("cannot write CSV: {e}"))?;
    let text = String::from_utf8(bytes)?;
    stdout_line(text.trim_end_matches('\n'))
}

/// A one-line summary of a change: `field: old -> new` for each field that differs
/// (bookkeeping fields aside), or `field=value` for the set fields of an object that was
/// created (or of one that was deleted).
fn changes(before: Option<&Value>, after: Option<&Value>) -> String {
    let parts: Vec<String> = match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.retain(|k| !BOOKKEEPING.contains(&k.as_str()));
            keys.into_iter()
                .filter_map(|k| {
                    let (old, new) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
                    (old != new).then(|| format!("{k}: {} -> {}", show(old), show(new)))
                })
                .collect()
        }
        (None, Some(Value::Object(only))) | (Some(Value::Object(only)), None) => only
            .iter()
            .filter(|(k, v)| !v.is_null() && !BOOKKEEPING.contains(&k.as_str()))
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect(),
        (None, None) => Vec::new(),
        (b, a) => vec![format!(
            "{} -> {}",
            b.map_or_else(|| "-".to_string(), show),
            a.map_or_else(|| "-".to_string(), show)
        )],
    };
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join("; ")
    }
}

/// A value as compact JSON (strings quoted), cut short when long.
fn show(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;
    use psops_core::Id;
    use serde_json::json;

    fn args(extra: &[&str]) -> AuditListArgs {
        let argv = ["psops", "audit", "list"].iter().chain(extra);
        match crate::cli::Cli::try_parse_from(argv).expect("parses").command {
            crate::cli::Command::Audit(AuditCommand::List(a)) => a,
            other => panic!("parsed as {other:?}"),
        }
    }

    fn fields(err: Error) -> Vec<(String, String)> {
        let Error::Invalid(fields) = err else {
            panic!("expected invalid input, got {err:?}");
        };
        fields.into_iter().map(|f| (f.field, f.message)).collect()
    }

    #[test]
    fn flags_become_a_filter() {
        let f = filter(&args(&[
            "--entity",
            " user ",
            "--entity-id",
            "7",
            "--action",
            "update",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ]))
        .expect("valid");
        assert_eq!(f.entity.as_deref(), Some("user"));
        assert_eq!(f.entity_id, Some(7));
        assert_eq!(f.action, Some(AuditAction::Update));
        assert_eq!(f.from, Some(time::macros::date!(2026 - 01 - 01)));
        assert_eq!(f.to, Some(time::macros::date!(2026 - 01 - 31)));
    }

    #[test]
    fn every_bad_flag_is_named() {
        let got = fields(filter(&args(&["--action", "erase", "--from", "yesterday", "--entity", " "])).unwrap_err());
        let named: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(named, ["entity", "action", "from"]);
        assert!(
            got[1].1.contains("create, update, archive, unarchive, delete"),
            "{}",
            got[1].1
        );
        assert!(got[2].1.contains("YYYY-MM-DD"), "{}", got[2].1);

        let backwards = fields(filter(&args(&["--from", "2026-02-01", "--to", "2026-01-01"])).unwrap_err());
        assert_eq!(backwards[0].0, "to");
    }

    #[test]
    fn an_update_shows_what_changed() {
        let before = json!({"id": 3, "name": "Ada", "roles": ["admin"], "version": 1, "disabled_at": null});
        let after =
            json!({"id": 3, "name": "Ada", "roles": ["ops"], "version": 2, "disabled_at": "2026-06-01T12:00:00Z"});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            r#"disabled_at: null -> "2026-06-01T12:00:00Z"; roles: ["admin"] -> ["ops"]"#
        );
        assert_eq!(changes(Some(&before), Some(&before)), "-");
    }

    #[test]
    fn a_create_or_delete_shows_the_set_fields() {
        let user = json!({"id": 3, "email": "a@example.com", "person_id": null});
        assert_eq!(changes(None, Some(&user)), r#"email="a@example.com""#);
        assert_eq!(changes(Some(&user), None), r#"email="a@example.com""#);
        let password = json!({"password": "changed"});
        assert_eq!(changes(None, Some(&password)), r#"password="changed""#);
        assert_eq!(changes(None, Some(&json!(5))), "- -> 5");
    }

    #[test]
    fn long_values_are_cut_short() {
        let long = Value::String("x".repeat(200));
        let shown = show(&long);
        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn json_entries_carry_the_users_email() {
        let entry = AuditEntry {
            id: Id::new(1),
            at: time::macros::datetime!(2026-06-01 12:00 UTC),
            user_id: Some(Id::new(9)),
            via: None,
            request_id: Some("req-1".into()),
            entity: "person".into(),
            entity_id: 4,
            action: AuditAction::Create,
            before: None,
            after: Some(json!({"name": "Bo"})),
        };
        let system = AuditEntry {
            user_id: None,
            ..entry.clone()
        };
        let cli = AuditEntry {
            user_id: None,
            via: Some("cli:alice".into()),
            ..entry.clone()
        };
        let unknown = AuditEntry {
            user_id: Some(Id::new(2)),
            ..entry.clone()
        };
        let emails = HashMap::from([(Id::new(9), "ops@example.com".to_string())]);
        assert_eq!(user_label(&system, &emails), "-");
        assert_eq!(user_label(&cli, &emails), "cli:alice");
        assert_eq!(user_label(&unknown, &emails), "#2");
        assert_eq!(user_label(&entry, &emails), "ops@example.com");
        let value = as_json(&[entry, system], &emails).expect("serialises");
        assert_eq!(value[0]["user_email"], "ops@example.com");
        assert_eq!(value[0]["request_id"], "req-1");
        assert_eq!(value[1]["user_email"], Value::Null);
    }
}
