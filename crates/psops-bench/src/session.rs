//! What the bench asks of the psops binary before it measures: loading the demo
//! organisation, and a user of its own (administrator and project manager, linked to the
//! demo's project manager's person) with a password for the pages and a bearer token.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::tools::{run, run_with_input, text, timed};

pub const BENCH_EMAIL: &str = "bench-runner@example.com";
/// psops's cookies: the sign-in form's pre-session, and the session.
pub const FORM_COOKIE: &str = "psops_form";
pub const SESSION_COOKIE: &str = "psops_session";

/// The bench's user: how it signs in to the pages and to the API.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub token: String,
    pub person_id: i64,
}

/// `psops demo`: the organisation, and how long loading it took.
pub fn load_demo(psops: &Path, url: &str, people: u32, years: u32, seed: u64) -> Result<Duration> {
    let (_, took) = timed(
        Command::new(psops)
            .args(["demo", "--people", &people.to_string(), "--years", &years.to_string()])
            .args(["--seed", &seed.to_string(), "--log", "warn", "--database-url", url]),
        "psops demo",
    )?;
    Ok(took)
}

/// Creates the bench's user and token. It acts as the demo's project manager's person, so
/// its week and approvals pages show what a real project manager sees.
pub fn sign_up(psops: &Path, url: &str) -> Result<Credentials> {
    let out = run(
        Command::new(psops).args([
            "user",
            "list",
            "--format",
            "json",
            "--log",
            "warn",
            "--database-url",
            url,
        ]),
        "psops user list",
    )?;
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).context("psops user list printed no JSON")?;
    let person_id = project_manager_person(&users)
        .context("the demo organisation has no project manager user linked to a person")?;
    let password = password();
    run_with_input(
        Command::new(psops)
            .args(["user", "create", "--email", BENCH_EMAIL, "--name", "Bench Runner"])
            .args(["--role", "admin", "--role", "project_manager", "--role", "consultant"])
            .args([
                "--person-id",
                &person_id.to_string(),
                "--log",
                "warn",
                "--database-url",
                url,
            ]),
        &format!("{password}\n"),
        "psops user create",
    )?;
    let out = run(
        Command::new(psops)
            .args(["token", "create", "--email", BENCH_EMAIL, "--name", "psops-bench"])
            .args(["--log", "warn", "--database-url", url]),
        "psops token create",
    )?;
    let token = text(&out.stdout).trim().to_string();
    if token.is_empty() || token.contains(char::is_whitespace) {
        bail!("psops token create printed no single token: {token:?}");
    }
    Ok(Credentials {
        email: BENCH_EMAIL.to_string(),
        password,
        token,
        person_id,
    })
}

/// The person of the first enabled user with the project manager role.
fn project_manager_person(users: &serde_json::Value) -> Option<i64> {
    users.as_array()?.iter().find_map(|u| {
        let roles = u.get("roles")?.as_array()?;
        let is_pm = roles.iter().any(|r| r.as_str() == Some("project_manager"));
        let enabled = u.get("disabled_at").is_none_or(serde_json::Value::is_null);
        if is_pm && enabled {
            u.get("person_id")?.as_i64()
        } else {
            None
        }
    })
}

/// A password unique to this run; the bench never prints it.
fn password() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("bench-{:x}-{}-passphrase", nanos, std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_manager_is_found_among_the_users() {
        let users = serde_json::json!([
            {"email": "a@x", "roles": ["admin"], "person_id": 1, "disabled_at": null},
            {"email": "p@x", "roles": ["project_manager", "consultant"], "person_id": 9, "disabled_at": "2026-01-01T00:00:00Z"},
            {"email": "q@x", "roles": ["project_manager", "consultant"], "person_id": 12, "disabled_at": null},
        ]);
        assert_eq!(project_manager_person(&users), Some(12));
        assert_eq!(project_manager_person(&serde_json::json!([])), None);
    }

    #[test]
    fn passwords_are_long_and_form_safe() {
        let p = password();
        assert!(p.len() >= 20);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
