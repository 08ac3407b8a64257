//! `psops classes import-roster CLASS FILE [--dry-run]`: a class's registrations and
//! attendance from a CSV (the header and columns of
//! `psops_core::education::roster_csv`). Each row finds its learner by e-mail (a new one
//! is made — a customer contact of a private class's account, or an employee), registers
//! them on the class unless they are, and sets the days they attended; a row report says
//! what each row did or why it was refused. `--dry-run` checks every row against the
//! class — its seats, its days, the learner's fields — and writes nothing.

use anyhow::Context;
use clap::{Args, Subcommand};
use psops_core::Id;
use psops_core::education::classes::{ClassAudience, TrainingClass, seat_gate};
use psops_core::education::enrolments::{Attendance, AttendanceRow, EnrolmentFields, EnrolmentStatus};
use psops_core::education::learners::{Learner, LearnerFields, LearnerFilter, LearnerOrg};
use psops_core::education::roster_csv::{self, RosterRow};
use psops_core::store::Created;
use psops_core::store::prelude::*;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::config;

#[derive(Debug, Subcommand)]
pub enum ClassesCommand {
    /// Register learners on a class and set their attendance from a roster CSV.
    ImportRoster(ImportRosterArgs),
}

#[derive(Debug, Args)]
pub struct ImportRosterArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The class's number.
    pub class: i64,
    /// The CSV: `name,email,organisation,attended` (days YYYY-MM-DD separated by `;`).
    pub file: std::path::PathBuf,
    /// Check every row and report, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(cmd: ClassesCommand) -> anyhow::Result<()> {
    match cmd {
        ClassesCommand::ImportRoster(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let done = import(&db, &a).await;
            db.close().await;
            done
        }
    }
}

fn said(e: psops_core::Error) -> String {
    match e {
        psops_core::Error::Invalid(v) => v
            .iter()
            .map(|f| format!("{} ({}): {}", f.field, f.rule.code(), f.message))
            .collect::<Vec<_>>()
            .join("; "),
        psops_core::Error::Conflict(f) => format!("{} ({}): {}", f.field, f.rule.code(), f.message),
        other => other.to_string(),
    }
}

/// The learner with this e-mail, if there is one.
async fn find(db: &psops_store::Db, email: &str) -> anyhow::Result<Option<Learner>> {
    let filter = LearnerFilter {
        q: Some(email.to_string()),
        archived: Some(false),
        ..Default::default()
    };
    let found: Vec<Learner> = db.every(&filter).await?;
    Ok(found
        .into_iter()
        .find(|l| l.fields.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email))))
}

/// A new learner for a row: an employee, or a customer contact of a private class's
/// account; a partner's consultant needs their partner, so is made beforehand.
fn new_learner(row: &RosterRow, class: &TrainingClass) -> Result<LearnerFields, String> {
    let f = LearnerFields {
        name: row.name.clone(),
        email: Some(row.email.clone()),
        organisation: row.organisation,
        person_id: None,
        partner_id: None,
        account_id: None,
        contact_id: None,
    };
    match row.organisation {
        LearnerOrg::Employee => Ok(f),
        LearnerOrg::CustomerContact if class.fields.audience == ClassAudience::Private => Ok(LearnerFields {
            account_id: class.fields.account_id,
            ..f
        }),
        LearnerOrg::CustomerContact => {
            Err("a customer contact on a public class needs a learner record naming their account first".into())
        }
        LearnerOrg::PartnerConsultant => {
            Err("a partner's consultant needs a learner record naming their partner first".into())
        }
    }
}

async fn import(db: &psops_store::Db, a: &ImportRosterArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let rows = roster_csv::read(&text).map_err(|e| anyhow::anyhow!(said(e)))?;
    let class: TrainingClass = db.get(Id::new(a.class)).await.map_err(|e| anyhow::anyhow!(said(e)))?;
    let days = class.fields.days();
    let ctx = cli_ctx();
    let roster = db.roster(class.id).await?;
    let mut taken = roster
        .iter()
        .filter(|l| l.status == EnrolmentStatus::Registered)
        .count() as i64;
    let (mut done, mut refused) = (0, 0);
    let verb = if a.dry_run { "would be" } else { "was" };
    for row in rows {
        let row = match row {
            Ok(r) => r,
            Err(why) => {
                println!("refused {why}");
                refused += 1;
                continue;
            }
        };
        let outcome: Result<String, String> = async {
            if let Some(outside) = row.attended.iter().find(|d| !days.contains(d)) {
                return Err(format!("{outside} is not a day of the class"));
            }
            let learner = find(db, &row.email).await.map_err(|e| e.to_string())?;
            let registered = learner.as_ref().is_some_and(|l| {
                roster
                    .iter()
                    .any(|r| r.learner_id == l.id && r.status == EnrolmentStatus::Registered)
            });
            // A row past the seats is refused before anything of it is written.
            if !registered {
                seat_gate(&class.fields, taken).map_err(said)?;
            }
            let mut made = "";
            let learner_id = match learner {
                Some(l) => Some(l.id),
                None => {
                    let f = new_learner(&row, &class)?;
                    f.validate().map_err(said)?;
                    made = " (new learner)";
                    if a.dry_run {
                        None
                    } else {
                        match db.create(&ctx, f).await.map_err(said)? {
                            Created::New(l) => Some(l.id),
                            Created::Replayed(_) => return Err("the learner was made twice".into()),
                        }
                    }
                }
            };
            let line = learner_id.and_then(|id| roster.iter().find(|l| l.learner_id == id));
            let enrolment = match line {
                Some(l) if l.status == EnrolmentStatus::Registered => Some(l.enrolment_id),
                _ if a.dry_run => {
                    taken += 1;
                    None
                }
                _ => {
                    let learner_id = learner_id.ok_or("no learner")?;
                    let e = db
                        .create(
                            &ctx,
                            EnrolmentFields {
                                class_id: class.id,
                                learner_id,
                                status: EnrolmentStatus::Registered,
                                project_id: None,
                            },
                        )
                        .await
                        .map_err(said)?;
                    taken += 1;
                    match e {
                        Created::New(e) => Some(e.id),
                        Created::Replayed(_) => return Err("the registration was made twice".into()),
                    }
                }
            };
            if let (Some(enrolment_id), false) = (enrolment, a.dry_run) {
                let grid = Attendance {
                    rows: vec![AttendanceRow {
                        enrolment_id,
                        days: row.attended.clone(),
                    }],
                };
                db.mark_attendance(&ctx, class.id, grid).await.map_err(said)?;
            }
            Ok(format!(
                "{} <{}>{made} {verb} registered, attended {} of {} days",
                row.name,
                row.email,
                row.attended.len(),
                days.len()
            ))
        }
        .await;
        match outcome {
            Ok(text) => {
                println!("line {}: {text}", row.line);
                done += 1;
            }
            Err(why) => {
                println!("refused line {}: {} <{}>: {why}", row.line, row.name, row.email);
                refused += 1;
            }
        }
    }
    let mode = if a.dry_run { " (dry run: nothing written)" } else { "" };
    println!("{done} rows imported, {refused} refused{mode}");
    if refused > 0 {
        anyhow::bail!("{refused} rows refused");
    }
    Ok(())
}
