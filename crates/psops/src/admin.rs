//! `psops user` and `psops token`: the administrator's commands for accounts and API
//! tokens. Secrets (generated passwords, token secrets) go to stdout alone, once, so a
//! script can capture them; everything meant for a person goes to stderr.

use std::io::{BufRead as _, IsTerminal as _};

use psops_core::auth::{ApiToken, ApiTokenId, NewApiToken, NewUser, Role, TokenScope, User, roles_to_text};
use psops_core::code::Code;
use psops_core::people::PersonId;
use psops_core::rule::Rule;
use psops_core::store::{AccessStore as _, AuthStore, RecordStore, WriteCtx};
use psops_core::{Error, Result};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cli::{TokenCommand, UserCommand, UserCreateArgs, UserEmailArgs};
use crate::stdout_line;
use crate::{config, users};

/// Changes made from the command line are audited with no psops user — the CLI acts with
/// the authority of whoever can reach the database — but as `cli:<operating-system
/// user>`, with a request id that marks them as one run's.
pub(crate) fn cli_ctx() -> WriteCtx {
    let id = format!(
        "cli-{}-{}",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp()
    );
    let mut ctx = WriteCtx::trusted();
    ctx.via = Some(format!("cli:{}", os_user()));
    ctx.request_id = Some(id);
    ctx
}

/// The operating-system user running the command, as the environment names them.
fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

pub async fn user(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Create(args) => create_user(args).await,
        UserCommand::SetPassword(args) => set_password(args).await,
        UserCommand::List(args) => users::list(args).await,
        UserCommand::SetRoles(args) => users::set_roles(args).await,
        UserCommand::Disable(args) => users::set_disabled(args, true).await,
        UserCommand::Enable(args) => users::set_disabled(args, false).await,
    }
}

pub async fn token(cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create(args) => {
            let scope = TokenScope::from_code(args.scope.trim())?;
            let db = config::open_db(&args.db.database_url).await?;
            let done = create_token(&db, &args.email, &args.name, scope, args.expires_in_days).await;
            db.close().await;
            done
        }
        TokenCommand::List(args) => {
            let db = config::open_db(&args.db.database_url).await?;
            let done = list_tokens(&db, &args.email, args.json).await;
            db.close().await;
            done
        }
        TokenCommand::Revoke(args) => {
            let db = config::open_db(&args.db.database_url).await?;
            let done = db.revoke_api_token(&cli_ctx(), ApiTokenId::new(args.id), now()).await;
            db.close().await;
            let token = done?;
            eprintln!("revoked token {} ({:?})", token.id, token.name);
            Ok(())
        }
    }
}

async fn create_user(args: UserCreateArgs) -> anyhow::Result<()> {
    let roles = parse_roles(&args.roles)?;
    let password = Password::obtain()?;
    let password_hash = psops_core::credentials::hash_password(password.text())?;
    let new = NewUser {
        email: args.email.trim().to_string(),
        name: args.name.trim().to_string(),
        roles,
        person_id: args.person_id.map(PersonId::new),
        password_hash: Some(password_hash),
    };
    new.validate()?;
    let db = config::open_db(&args.db.database_url).await?;
    let created = insert_user(&db, new).await;
    db.close().await;
    let user = created?;
    eprintln!(
        "created user {} <{}> with roles {}",
        user.id,
        user.email,
        roles_to_text(&user.roles)
    );
    password.announce()
}

async fn insert_user<S: AuthStore + RecordStore<psops_core::people::Person>>(store: &S, new: NewUser) -> Result<User> {
    // Checked first for a clear message; the store's unique index still decides races.
    if store.user_by_email(&new.email).await?.is_some() {
        return Err(Error::conflict(
            "email",
            Rule::Unique,
            format!("a user with email {} already exists", new.email),
        ));
    }
    if let Some(person) = new.person_id {
        store.get(person).await?;
    }
    store.create_user(&cli_ctx(), new).await
}

async fn set_password(args: UserEmailArgs) -> anyhow::Result<()> {
    let password = Password::obtain()?;
    let hash = psops_core::credentials::hash_password(password.text())?;
    let db = config::open_db(&args.db.database_url).await?;
    let done = async {
        let user = find_user(&db, &args.email).await?;
        db.set_password_hash(&cli_ctx(), user.id, &hash).await?;
        // A reset password signs the user out everywhere, as a reset in the UI does.
        let ended = db.end_user_sessions(user.id, now()).await?;
        Ok::<_, Error>((user, ended))
    }
    .await;
    db.close().await;
    let (user, ended) = done?;
    eprintln!(
        "set the password of user {} <{}>; ended {ended} signed-in session(s)",
        user.id, user.email
    );
    password.announce()
}

async fn create_token(
    store: &dyn AuthStore,
    email: &str,
    name: &str,
    scope: TokenScope,
    expires_in_days: Option<u32>,
) -> anyhow::Result<()> {
    let user = find_user(store, email).await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid("name", Rule::Length, "name must be 1 to 200 characters").into());
    }
    let (secret, token_hash) = psops_core::credentials::new_api_token()?;
    let expires_at = expires_in_days.map(|d| now() + time::Duration::days(i64::from(d)));
    let token = store
        .create_api_token(
            &cli_ctx(),
            NewApiToken {
                user_id: user.id,
                name: name.to_string(),
                scope,
                token_hash,
                expires_at,
            },
        )
        .await?;
    eprintln!(
        "created token {} ({:?}, scope {}, {}) for {}; it is shown once, store it now:",
        token.id,
        token.name,
        token.scope.code(),
        expiry_text(token.expires_at),
        user.email
    );
    stdout_line(&secret)
}

async fn list_tokens(store: &dyn AuthStore, email: &str, json: bool) -> anyhow::Result<()> {
    let user = find_user(store, email).await?;
    let tokens = store.list_api_tokens(user.id).await?;
    if json {
        stdout_line(serde_json::to_string_pretty(&tokens)?)?;
        return Ok(());
    }
    if tokens.is_empty() {
        eprintln!("{} has no tokens", user.email);
        return Ok(());
    }
    stdout_line(format_args!(
        "{:>6}  {:<10}  {:<10}  {:<20}  {:<20}  {:<20}  NAME",
        "ID", "STATUS", "SCOPE", "CREATED", "EXPIRES", "LAST USED"
    ))?;
    let now = now();
    for t in &tokens {
        stdout_line(format_args!(
            "{:>6}  {:<10}  {:<10}  {:<20}  {:<20}  {:<20}  {}",
            t.id,
            status(t, now),
            t.scope.code(),
            stamp(Some(t.created_at)),
            stamp(t.expires_at),
            stamp(t.last_used_at),
            t.name
        ))?;
    }
    Ok(())
}

pub(crate) async fn find_user(store: &dyn AuthStore, email: &str) -> Result<User> {
    store
        .user_by_email(email.trim())
        .await?
        .ok_or_else(|| Error::invalid("email", Rule::Exists, format!("no user with email {}", email.trim())))
}

/// Parses `--role` values, naming every valid role when one is unknown.
pub(crate) fn parse_roles(codes: &[String]) -> Result<Vec<Role>> {
    let mut roles = Vec::with_capacity(codes.len());
    for code in codes {
        let role = Role::from_code(code.trim()).map_err(|_| Error::invalid("role", Rule::OneOf, role_message(code)))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

fn role_message(code: &str) -> String {
    let valid: Vec<&str> = Role::ALL.iter().map(Role::code).collect();
    format!("unknown role {:?}; valid roles: {}", code.trim(), valid.join(", "))
}

fn status(t: &ApiToken, now: OffsetDateTime) -> &'static str {
    if t.revoked_at.is_some() {
        "revoked"
    } else if t.is_live(now) {
        "live"
    } else {
        "expired"
    }
}

pub(crate) fn stamp(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.replace_nanosecond(0).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "-".to_string())
}

fn expiry_text(t: Option<OffsetDateTime>) -> String {
    match t {
        Some(_) => format!("expires {}", stamp(t)),
        None => "no expiry".to_string(),
    }
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// A password given on stdin, or generated because none was.
struct Password {
    text: String,
    generated: bool,
}

impl Password {
    /// Reads one line from stdin when stdin is not a terminal (a pipe or a file);
    /// an empty line, an empty stdin or a terminal means: generate one.
    fn obtain() -> Result<Self> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            let mut line = String::new();
            stdin
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::invalid("password", Rule::Stdin, format!("cannot read stdin: {e}")))?;
            let text = line.trim();
            if !text.is_empty() {
                return Ok(Self {
                    text: text.to_string(),
                    generated: false,
                });
            }
        }
        Ok(Self {
            text: psops_core::credentials::generate_password()?,
            generated: true,
        })
    }

    fn text(&self) -> &str {
        &self.text
    }

    /// Prints a generated password, once; a password the caller gave stays unechoed.
    fn announce(&self) -> anyhow::Result<()> {
        if self.generated {
            eprintln!("generated password (shown once):");
            stdout_line(&self.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_deduplicate() {
        let codes = ["admin".to_string(), " ops ".to_string(), "admin".to_string()];
        assert_eq!(parse_roles(&codes).unwrap(), vec![Role::Admin, Role::Ops]);
    }

    #[test]
    fn an_unknown_role_names_the_valid_ones() {
        let err = parse_roles(&["root".to_string()]).unwrap_err();
        let Error::Invalid(fields) = err else {
            panic!("expected invalid input, got {err:?}");
        };
        assert_eq!(fields[0].field, "role");
        assert!(fields[0].message.contains("\"root\""));
        for role in Role::ALL {
            assert!(fields[0].message.contains(role.code()), "{}", role.code());
        }
    }

    #[test]
    fn token_status_follows_revocation_and_expiry() {
        let at = time::macros::datetime!(2026-06-01 12:00 UTC);
        let mut t = ApiToken {
            id: ApiTokenId::new(1),
            user_id: psops_core::Id::new(1),
            name: "ci".into(),
            scope: TokenScope::Read,
            created_at: at,
            expires_at: Some(at + time::Duration::days(1)),
            last_used_at: None,
            revoked_at: None,
        };
        assert_eq!(status(&t, at), "live");
        assert_eq!(status(&t, at + time::Duration::days(2)), "expired");
        t.revoked_at = Some(at);
        assert_eq!(status(&t, at), "revoked");
        assert_eq!(stamp(None), "-");
        assert_eq!(stamp(Some(at)), "2026-06-01T12:00:00Z");
    }
}
