//! `psops user list`, `set-roles`, `disable` and `enable`: the administrator's view of
//! accounts. Every change goes through the store with the CLI's write context, so it is
//! audited like a change made in the API.

use psops_core::auth::{Role, User, UserPatch, roles_to_text};
use psops_core::page::{MAX_LIMIT, PageRequest};
use psops_core::store::{AccessStore as _, AuthStore};
use psops_core::{Error, Result};

use crate::admin::{cli_ctx, find_user, now, parse_roles, stamp};
use crate::cli::{ListFormat, UserEmailArgs, UserListArgs, UserSetRolesArgs};
use crate::{config, stdout_line, table};

pub async fn list(args: UserListArgs) -> anyhow::Result<()> {
    let db = config::open_db(&args.db.database_url).await?;
    let users = all_users(&db).await;
    db.close().await;
    let users = users?;
    match args.format {
        ListFormat::Json => stdout_line(serde_json::to_string_pretty(&users)?),
        ListFormat::Table if users.is_empty() => {
            eprintln!("no users yet; create the first with `psops user create --role admin`");
            Ok(())
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.email.clone(),
                        status(u).to_string(),
                        roles_to_text(&u.roles),
                        u.person_id.map_or_else(|| "-".to_string(), |p| p.to_string()),
                        stamp(Some(u.created_at)),
                        u.name.clone(),
                    ]
                })
                .collect();
            table::print(&["ID", "EMAIL", "STATUS", "ROLES", "PERSON", "CREATED", "NAME"], &rows)
        }
    }
}

pub async fn set_roles(args: UserSetRolesArgs) -> anyhow::Result<()> {
    // Checked before touching the database: a typo names the valid roles at once.
    let roles = parse_roles(&args.roles)?;
    let db = config::open_db(&args.db.database_url).await?;
    let done = async {
        let user = find_user(&db, &args.email).await?;
        let patch = UserPatch {
            roles: Some(roles),
            ..UserPatch::default()
        };
        let after = db.update_user(&cli_ctx(), user.id, patch).await?;
        let admins_left = enabled_admins(&db).await?;
        Ok::<_, Error>((user, after, admins_left))
    }
    .await;
    db.close().await;
    let (before, after, admins_left) = done?;
    eprintln!(
        "set the roles of user {} <{}>: {} -> {}",
        after.id,
        after.email,
        roles_to_text(&before.roles),
        roles_to_text(&after.roles)
    );
    warn_without_admin(admins_left);
    Ok(())
}

/// `disable` (`disabled = true`) or `enable`. Disabling also ends the user's sessions;
/// API tokens need no touching, as authentication refuses a disabled user's tokens.
pub async fn set_disabled(args: UserEmailArgs, disabled: bool) -> anyhow::Result<()> {
    let db = config::open_db(&args.db.database_url).await?;
    let done = async {
        let user = find_user(&db, &args.email).await?;
        // Nothing to change is not worth an audit entry; ending sessions is harmless.
        let changed = user.disabled_at.is_some() != disabled;
        let user = if changed {
            let patch = UserPatch {
                disabled: Some(disabled),
                ..UserPatch::default()
            };
            db.update_user(&cli_ctx(), user.id, patch).await?
        } else {
            user
        };
        let ended = if disabled {
            db.end_user_sessions(user.id, now()).await?
        } else {
            0
        };
        let admins_left = enabled_admins(&db).await?;
        Ok::<_, Error>((user, changed, ended, admins_left))
    }
    .await;
    db.close().await;
    let (user, changed, ended, admins_left) = done?;
    let who = format!("user {} <{}>", user.id, user.email);
    match (disabled, changed) {
        (true, true) => {
            eprintln!("disabled {who}; ended {ended} signed-in session(s); their API tokens no longer work")
        }
        (true, false) => eprintln!("{who} was already disabled; ended {ended} signed-in session(s)"),
        (false, true) => eprintln!("enabled {who}; their unrevoked API tokens work again"),
        (false, false) => eprintln!("{who} is not disabled; nothing to do"),
    }
    if disabled {
        warn_without_admin(admins_left);
    }
    Ok(())
}

fn status(user: &User) -> &'static str {
    if user.disabled_at.is_some() {
        "disabled"
    } else {
        "active"
    }
}

/// Every user, page by page.
async fn all_users(store: &dyn AuthStore) -> Result<Vec<User>> {
    let mut users = Vec::new();
    let mut page = PageRequest {
        after: None,
        limit: MAX_LIMIT,
    };
    loop {
        let got = store.list_users(page).await?;
        users.extend(got.items);
        match got.next_cursor {
            Some(cursor) => page = PageRequest::parse(Some(&cursor), Some(MAX_LIMIT))?,
            None => return Ok(users),
        }
    }
}

async fn enabled_admins(store: &dyn AuthStore) -> Result<usize> {
    let users = all_users(store).await?;
    Ok(users
        .iter()
        .filter(|u| u.disabled_at.is_none() && u.roles.contains(&Role::Admin))
        .count())
}

/// The change is allowed — the CLI can always repair it — but the web UI and API have no
/// administrator until someone runs `user set-roles` or `user enable` again.
fn warn_without_admin(admins_left: usize) {
    if admins_left == 0 {
        eprintln!(
            "warning: no enabled user has the admin role now; grant it with `psops user set-roles --email ... --role admin`"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::Id;

    #[test]
    fn status_follows_disabled_at() {
        let mut user = User {
            id: Id::new(1),
            email: "a@example.com".into(),
            name: "A".into(),
            roles: vec![Role::Admin],
            person_id: None,
            created_at: time::macros::datetime!(2026-06-01 12:00 UTC),
            disabled_at: None,
        };
        assert_eq!(status(&user), "active");
        user.disabled_at = Some(user.created_at);
        assert_eq!(status(&user), "disabled");
    }
}
