//! `psops demo`: generates the demo organisation and bulk-loads it into a fresh
//! database, then prints one sign-in per role — email, role, password — once, as a
//! table on stdout. Counts, timing and (on a terminal) progress go to stderr.

use std::time::Instant;

use anyhow::Context as _;
use psops_core::bulk::LoadStats;
use psops_core::code::Code;
use psops_core::store::BulkStore as _;
use psops_demo::{DemoOrg, DemoSpec, install};
use psops_store::Db;
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DemoArgs;
use crate::progress::Progress;
use crate::{config, table};

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let spec = DemoSpec {
        people: args.people as usize,
        years: args.years,
        seed: args.seed,
        end: OffsetDateTime::now_utc().date(),
    };
    spec.validate()?;
    let db = config::open_db(&args.db.database_url).await?;
    let done = load(&db, spec).await;
    db.close().await;
    done
}

async fn load(db: &Db, spec: DemoSpec) -> anyhow::Result<()> {
    if db.holds_records().await? {
        anyhow::bail!(
            "the database already holds an organisation; psops demo loads only into a fresh database \
             (give a new --database-url, e.g. sqlite://demo.db)"
        );
    }
    let started = Instant::now();
    let org = DemoOrg::generate(spec)?;
    let count = org.users().len();
    let secrets = tokio::task::spawn_blocking(move || {
        (0..count)
            .map(|_| {
                let password = psops_core::credentials::generate_password()?;
                let hash = psops_core::credentials::hash_password(&password)?;
                Ok((password, hash))
            })
            .collect::<psops_core::Result<Vec<(String, String)>>>()
    })
    .await
    .context("hashing the demo passwords")??;
    let hashes: Vec<String> = secrets.iter().map(|(_, h)| h.clone()).collect();
    let shown = Progress::count(&format!("loading {} people", spec.people), "entries");
    let bar = shown.clone();
    let progress = move |s: &LoadStats| bar.set(s.entries);
    let stats = install(db, &cli_ctx(), &org, &hashes, &progress).await?;
    let elapsed = started.elapsed().as_secs_f64();
    shown.finish();
    eprintln!("{}", summary(&stats, elapsed));
    eprintln!("demo users (the passwords are shown once; store them now):");
    let rows: Vec<Vec<String>> = org
        .users()
        .iter()
        .zip(&secrets)
        .map(|(u, (password, _))| vec![u.email.clone(), u.role.code().to_string(), password.clone()])
        .collect();
    table::print(&["EMAIL", "ROLE", "PASSWORD"], &rows)
}

fn summary(s: &LoadStats, seconds: f64) -> String {
    format!(
        "loaded {} people, {} partners, {} accounts ({} contacts), {} projects, {} assignments, {} holidays, \
         {} time entries, {} days off, {} submitted weeks ({} approvals, {} rejections) in {seconds:.1} s \
         ({:.0} entries/s)",
        s.people,
        s.partners,
        s.accounts,
        s.contacts,
        s.projects,
        s.assignments,
        s.holidays,
        s.entries,
        s.time_off,
        s.weeks,
        s.approvals,
        s.rejections,
        s.entries as f64 / seconds.max(0.001)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_every_count_and_the_rate() {
        let s = LoadStats {
            people: 60,
            entries: 30_000,
            ..LoadStats::default()
        };
        let text = summary(&s, 2.0);
        assert!(text.contains("60 people"), "{text}");
        assert!(text.contains("30000 time entries"), "{text}");
        assert!(text.contains("(15000 entries/s)"), "{text}");
    }
}
