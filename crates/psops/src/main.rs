//! psops: the one binary. Parses the command line, sets up logging, runs the command
//! and turns any failure into `error: ...` lines on stderr and exit code 1.
#![forbid(unsafe_code)]

mod admin;
mod audit;
mod backup;
mod calendar;
mod catalog;
mod certification_report;
mod classes;
mod cli;
mod config;
mod csat;
mod demo;
mod education_report;
mod escalations;
mod forecast;
mod health;
mod interchange;
mod invoices;
mod jobs;
mod logging;
mod mail;
mod milestones;
mod money;
mod notifications;
mod partner_invoices;
mod partner_report;
mod progress;
mod rates;
mod report;
mod revenue;
mod scoping;
mod serve;
mod staffing;
mod table;
mod tsp_report;
mod users;
mod webhooks;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command, DbArgs};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            for line in error_lines(&err) {
                eprintln!("{line}");
            }
            tracing::debug!(error = ?err, "command failed");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // The database driver's slow-statement warnings are for operators reading a
    // server's logs; a person running a command sees its progress instead.
    let quiet_driver = !matches!(cli.command, Command::Serve(_)) && !cli.log.contains("sqlx");
    let filter = if quiet_driver {
        format!("{},sqlx::query=error", cli.log)
    } else {
        cli.log.clone()
    };
    logging::init(&filter, cli.log_format)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Migrate(args) => migrate(args).await,
            Command::User(cmd) => admin::user(cmd).await,
            Command::Token(cmd) => admin::token(cmd).await,
            Command::Audit(cmd) => audit::run(cmd).await,
            Command::Report(cmd) => report::run(cmd).await,
            Command::Verify(args) => report::verify(args).await,
            Command::Backup(args) => backup::backup(args).await,
            Command::Restore(args) => backup::restore(args).await,
            Command::Calendar(cmd) => calendar::calendar(cmd).await,
            Command::Period(cmd) => revenue::period(cmd).await,
            Command::Revenue(cmd) => revenue::run(cmd).await,
            Command::Import(cmd) => interchange::import(cmd).await,
            Command::Export(cmd) => interchange::export(cmd).await,
            Command::Demo(args) => demo::run(args).await,
            Command::Catalog(cmd) => catalog::run(cmd).await,
            Command::Rates(cmd) => rates::run(cmd).await,
            Command::Scoping(cmd) => scoping::run(cmd).await,
            Command::Milestones(cmd) => milestones::run(cmd).await,
            Command::Escalations(cmd) => escalations::run(cmd).await,
            Command::Invoices(cmd) => invoices::run(cmd).await,
            Command::PartnerInvoices(cmd) => partner_invoices::run(cmd).await,
            Command::Classes(cmd) => classes::run(cmd).await,
            Command::Health(cmd) => health::run(cmd).await,
            Command::Notifications(cmd) => notifications::run(cmd).await,
            Command::Webhooks(cmd) => webhooks::run(cmd).await,
            Command::Forecast(cmd) => forecast::run(cmd).await,
            Command::Staffing(cmd) => staffing::run(cmd).await,
        }
    })
}

/// `psops migrate`: applies what is pending and says what it did.
async fn migrate(args: DbArgs) -> anyhow::Result<()> {
    let db = config::connect(&args.database_url).await?;
    let applied = config::migrate(&db, &args.database_url).await;
    let all = db.applied_migrations().await;
    db.close().await;
    let (applied, all) = (applied?, all?);
    let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    if applied.is_empty() {
        let latest = all.iter().max().map_or("none".to_string(), i64::to_string);
        stdout_line(format_args!("database is up to date (latest migration: {latest})"))?;
    } else {
        stdout_line(format_args!("applied migrations: {}", list(&applied)))?;
    }
    Ok(())
}

/// Writes one line to stdout, which carries only what scripts capture; unlike
/// `println!` a closed pipe is an error to report, not a panic.
pub(crate) fn stdout_line(text: impl std::fmt::Display) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| anyhow::anyhow!("cannot write to stdout: {e}"))
}

/// The lines a failure prints. A domain error names the field it is about, one line per
/// broken rule (`error: email: ...`); anything else prints its chain of causes.
fn error_lines(err: &anyhow::Error) -> Vec<String> {
    let domain = err.chain().find_map(|e| e.downcast_ref::<psops_core::Error>());
    let fields = match domain {
        Some(psops_core::Error::Invalid(fields)) => fields.clone(),
        Some(psops_core::Error::Conflict(field)) => vec![field.clone()],
        _ => Vec::new(),
    };
    if !fields.is_empty() {
        return fields
            .iter()
            .map(|f| match f.field.as_str() {
                "" => format!("error: {}", f.message),
                field => format!("error: {field}: {}", f.message),
            })
            .collect();
    }
    let causes: Vec<String> = err
        .chain()
        .map(|e| match e.downcast_ref::<psops_core::Error>() {
            Some(psops_core::Error::Internal(msg)) => msg.clone(),
            _ => e.to_string(),
        })
        .collect();
    vec![format!("error: {}", causes.join(": "))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context as _;
    use psops_core::rule::Rule;

    #[test]
    fn domain_errors_name_their_fields() {
        let err = anyhow::Error::new(psops_core::Error::Invalid(vec![
            psops_core::FieldError::new("email", Rule::Email, "email is not an address"),
            psops_core::FieldError::new("name", Rule::Required, "name is required"),
        ]));
        assert_eq!(
            error_lines(&err),
            ["error: email: email is not an address", "error: name: name is required"]
        );
    }

    #[test]
    fn other_errors_print_their_causes_on_one_line() {
        let err = Err::<(), _>(psops_core::Error::internal("connection refused"))
            .context("database postgres://db/psops")
            .unwrap_err();
        assert_eq!(
            error_lines(&err),
            ["error: database postgres://db/psops: connection refused"]
        );
    }
}
