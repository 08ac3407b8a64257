//! The command line: every command, flag and environment variable psops accepts.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{DEFAULT_BIND, DEFAULT_DATABASE_URL};

/// psops — professional-services automation: people, projects, time, margin.
#[derive(Debug, Parser)]
#[command(name = "psops", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Which log lines to write (tracing env-filter syntax, e.g. `info,psops_web=debug`).
    #[arg(long = "log", env = "PSOPS_LOG", default_value = "info", global = true)]
    pub log: String,

    /// How log lines look on stderr.
    #[arg(
        long = "log-format",
        env = "PSOPS_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Compact,
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Compact,
    /// One JSON object per event, for log collectors.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web UI and the REST API (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and say which ran.
    Migrate(DbArgs),
    /// Manage users: create, list, set roles, disable and enable them, reset passwords.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Read the audit log: who changed what, when, under which request.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Reports: capacity (the handbook table), utilization, timesheet compliance and CSAT.
    #[command(subcommand)]
    Report(crate::report::ReportCommand),
    /// Recompute the time rollups from the raw entries; exit 1 if any row differs.
    Verify(DbArgs),
    /// Back up the whole database, one consistent moment of it, while `serve` runs (in
    /// psops's portable format, which restores into either backend).
    Backup(crate::backup::BackupArgs),
    /// Restore a backup into an empty database, SQLite or PostgreSQL: also how an
    /// organisation moves from SQLite to PostgreSQL.
    Restore(crate::backup::RestoreArgs),
    /// Holiday calendars: import a region's holidays.
    #[command(subcommand)]
    Calendar(crate::calendar::CalendarCommand),
    /// Locked periods: close one so no entry in it changes.
    #[command(subcommand)]
    Period(crate::calendar::PeriodCommand),
    /// Revenue recognition: recognise revenue and cost into the open months.
    #[command(subcommand)]
    Revenue(crate::revenue::RevenueCommand),
    /// Import time from other tools' exports, or people, accounts and projects from CSV.
    #[command(subcommand)]
    Import(crate::interchange::ImportCommand),
    /// Export time entries as psops, Kimai or Harvest CSV.
    #[command(subcommand)]
    Export(crate::interchange::ExportCommand),
    /// Load a realistic demo organisation into a fresh database and print its sign-ins once.
    Demo(DemoArgs),
    /// The catalog as one YAML file: import it (checked whole first) or export it.
    #[command(subcommand)]
    Catalog(crate::catalog::CatalogCommand),
    /// Rate cards, standard costs, cost rates and FX rates as CSV: import or export them.
    #[command(subcommand)]
    Rates(crate::rates::RatesCommand),
    /// Scoping: run the idle sweep, report win rates and overdue service levels.
    #[command(subcommand)]
    Scoping(crate::scoping::ScopingCommand),
    /// Milestones: run the passive-acceptance sweep.
    #[command(subcommand)]
    Milestones(crate::milestones::MilestonesCommand),
    /// Escalations: list (and notify the DRIs of) overdue updates.
    #[command(subcommand)]
    Escalations(crate::escalations::EscalationsCommand),
    /// Invoices: list them, or export issued ones as CSV for an accounting system.
    #[command(subcommand)]
    Invoices(crate::invoices::InvoicesCommand),
    /// Partner invoices: receive one from its CSV and see it reconciled, or list the
    /// partners late with one.
    #[command(subcommand)]
    PartnerInvoices(crate::partner_invoices::PartnerInvoicesCommand),
    /// Classes: import a class's registrations and attendance from a roster CSV.
    #[command(subcommand)]
    Classes(crate::classes::ClassesCommand),
    /// Weekly health reports: the overdue list by project manager, and their notices.
    #[command(subcommand)]
    Health(crate::health::HealthCommand),
    /// Notifications: mail what waits in the outbox now, or list the outbox.
    #[command(subcommand)]
    Notifications(crate::notifications::NotificationsCommand),
    /// Forecasts: keep a snapshot of the revenue and billable-hours forecast.
    #[command(subcommand)]
    Forecast(crate::forecast::ForecastCommand),
    /// Staffing: plan the open resource requests together and book the plan.
    #[command(subcommand)]
    Staffing(crate::staffing::StaffingCommand),
    /// Webhooks: subscribe a URL to events, send what is due now, read the delivery log.
    #[command(subcommand)]
    Webhooks(crate::webhooks::WebhooksCommand),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// People in the organisation (partner consultants included).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(12..=100_000))]
    pub people: u32,
    /// Years of time, ending today.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub years: u32,
    /// The same seed gives the same organisation.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// The database every command works on.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `sqlite://path` (created if missing) or `postgres://user@host:port/db`.
    #[arg(long, env = "PSOPS_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "PSOPS_BIND", default_value = DEFAULT_BIND)]
    pub bind: String,
    /// Mark session cookies `Secure`: set this when psops is reached over HTTPS.
    #[arg(long, env = "PSOPS_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Seconds a request may take before psops answers 503 and stops working on it
    /// (imports get ten minutes).
    #[arg(long, env = "PSOPS_REQUEST_TIMEOUT", default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout: u64,
    /// The address people outside reach psops at, e.g. `https://psops.example.com`: the
    /// links in the messages psops sends (CSAT surveys) start with it. Without it they
    /// are built from the address the sender's request came to.
    #[arg(long, env = "PSOPS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// A secret Prometheus must send as `Authorization: Bearer <token>` to read
    /// `/metrics`. Without it `/metrics` is open, like `/healthz`.
    #[arg(long, env = "PSOPS_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub smtp: crate::mail::SmtpArgs,
    #[command(flatten)]
    pub webhooks: crate::webhooks::WebhookArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password is read from stdin (one line) when stdin is not a
    /// terminal; otherwise one is generated and printed once.
    Create(UserCreateArgs),
    /// Set a user's password, from stdin or generated as for `create`.
    SetPassword(UserEmailArgs),
    /// List every user with roles and status.
    List(UserListArgs),
    /// Replace a user's roles with the ones given.
    SetRoles(UserSetRolesArgs),
    /// Disable a user: sign-in fails, sessions end and API tokens stop working at once.
    Disable(UserEmailArgs),
    /// Enable a disabled user again; tokens that were not revoked work again.
    Enable(UserEmailArgs),
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct UserSetRolesArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    /// A role code (admin, ops, finance, ...); repeat for several roles.
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON array, for scripts.
    Json,
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// A role code (admin, ops, finance, ...); repeat for several roles.
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// The person record this user is, when the user logs time or is staffed.
    #[arg(long)]
    pub person_id: Option<i64>,
}

#[derive(Debug, Args)]
pub struct UserEmailArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for a user; only the secret goes to stdout, once.
    Create(TokenCreateArgs),
    /// List a user's tokens (never their secrets).
    List(TokenListArgs),
    /// Revoke a token by id; it stops working at once.
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    /// A label to recognise the token by, e.g. the script or machine using it.
    #[arg(long, default_value = "cli")]
    pub name: String,
    /// `read` or `read_write`.
    #[arg(long, default_value = "read_write")]
    pub scope: String,
    /// Days until the token expires; without it the token lives until revoked.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub expires_in_days: Option<u32>,
}

#[derive(Debug, Args)]
pub struct TokenListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub id: i64,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit entries, oldest first, with filters.
    List(AuditListArgs),
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The kind of object: user, api_token, person, project, assignment, time_entry, ...
    #[arg(long)]
    pub entity: Option<String>,
    /// The id of the object.
    #[arg(long)]
    pub entity_id: Option<i64>,
    /// Changes made by this user.
    #[arg(long)]
    pub user_email: Option<String>,
    /// create, update, archive, unarchive or delete.
    #[arg(long)]
    pub action: Option<String>,
    /// First day, YYYY-MM-DD (UTC).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (UTC), included.
    #[arg(long)]
    pub to: Option<String>,
    /// At most this many entries.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Aligned columns with a one-line summary of each change.
    Table,
    /// One JSON array of entries, each with the acting user's email.
    Json,
    /// A header row, then one row per entry; before and after as JSON text.
    Csv,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn roles_repeat_and_defaults_apply() {
        let cli = Cli::try_parse_from([
            "psops", "user", "create", "--email", "a@b.c", "--name", "A", "--role", "admin", "--role", "ops",
        ])
        .expect("parses");
        match cli.command {
            Command::User(UserCommand::Create(a)) => {
                assert_eq!(a.roles, ["admin", "ops"]);
                assert_eq!(a.person_id, None);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn expiry_is_bounded() {
        let parse = |days: &str| {
            Cli::try_parse_from([
                "psops",
                "token",
                "create",
                "--email",
                "a@b.c",
                "--expires-in-days",
                days,
            ])
        };
        assert!(parse("0").is_err());
        assert!(parse("30").is_ok());
    }

    #[test]
    fn audit_list_defaults_to_a_table_of_one_hundred() {
        let cli = Cli::try_parse_from(["psops", "audit", "list", "--entity", "user"]).expect("parses");
        match cli.command {
            Command::Audit(AuditCommand::List(a)) => {
                assert_eq!(a.limit, 100);
                assert_eq!(a.format, AuditFormat::Table);
                assert_eq!(a.entity.as_deref(), Some("user"));
            }
            other => panic!("parsed as {other:?}"),
        }
        assert!(Cli::try_parse_from(["psops", "audit", "list", "--limit", "0"]).is_err());
        assert!(Cli::try_parse_from(["psops", "audit", "list", "--format", "xml"]).is_err());
    }
}
