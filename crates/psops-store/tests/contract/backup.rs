//! Stories about backup and restore: the demo organisation backed up and restored into
//! an empty database of the same backend and of the other one (SQLite → PostgreSQL and
//! PostgreSQL → SQLite when `PSOPS_TEST_POSTGRES_URL` is set) reads back with
//! byte-identical reports, a clean verify, the same rows (a backup of the restored
//! database holds the same body) and ids that go on past the old ones; a backup taken
//! while writes go on is one moment; and a restore refuses a database that holds
//! records, a damaged or foreign file, and a backup of another migration — leaving the
//! database empty.

use std::sync::Arc;

use psops_core::dates::DateRange;
use psops_core::delivery::portfolio::PortfolioScope;
use psops_core::delivery::surveys::CsatBy;
use psops_core::finance::Month;
use psops_core::finance::margin::MarginBy;
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::scope::ListScope;
use psops_core::store::prelude::*;
use psops_core::timesheet::IsoWeek;
use psops_core::utilization::GroupBy;
use psops_core::{Error, Minutes};
use psops_store::backup::{Summary, Tick};
use psops_store::testing::TestDatabase;
use psops_store::{Backend, Db};
use time::macros::date;

use super::fixtures::{DEMO_END, ctx, default_demo, person};

crate::stories!(
    a_backup_restores_into_either_backend,
    a_backup_is_one_moment_while_writes_go_on,
    restore_refuses_a_database_that_holds_records,
    restore_refuses_a_damaged_or_foreign_file,
    restore_refuses_a_backup_of_another_migration,
);

/// A row with every timestamp of more than microseconds rounded to microseconds, as
/// PostgreSQL keeps them.
fn micro(line: &[u8]) -> Vec<u8> {
    use time::format_description::well_known::Rfc3339;
    let Ok(serde_json::Value::Array(values)) = serde_json::from_slice(line) else {
        return line.to_vec();
    };
    let values: Vec<serde_json::Value> = values
        .into_iter()
        .map(
            |v| match v.as_str().map(|s| (s, time::OffsetDateTime::parse(s, &Rfc3339))) {
                Some((s, Ok(t))) if s.len() > "2026-01-01T00:00:00.000000Z".len() => {
                    let rounded = t + time::Duration::nanoseconds(500);
                    let rounded = rounded.replace_nanosecond(rounded.nanosecond() / 1000 * 1000).unwrap();
                    serde_json::Value::String(rounded.format(&Rfc3339).unwrap())
                }
                _ => v,
            },
        )
        .collect();
    serde_json::to_vec(&values).unwrap()
}

fn quiet() -> Tick {
    Arc::new(|_, _| {})
}

async fn backup(db: &Db) -> (Vec<u8>, Summary) {
    db.backup(Vec::new(), quiet()).await.expect("backup")
}

async fn restore(db: &Db, file: &[u8]) -> psops_core::Result<Summary> {
    let mut input = file;
    db.restore(&mut input, quiet()).await
}

/// The lines between the header and the end line: the rows, which say nothing of when
/// or from which backend they were taken.
fn body(file: &[u8]) -> Vec<Vec<u8>> {
    let lines: Vec<&[u8]> = file.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    lines[1..lines.len() - 1].iter().map(|l| l.to_vec()).collect()
}

/// Reports of the whole organisation, each serialised: what must read the same after a
/// restore, to the byte.
async fn reports(db: &Db) -> Vec<(String, String)> {
    let year = DateRange::new(date!(2025 - 06 - 18), DEMO_END).unwrap();
    let all = UtilizationFilter::default();
    let json = |v: &dyn erased::Json| v.text();
    let mut out = Vec::new();
    for by in [GroupBy::Person, GroupBy::Function, GroupBy::Region] {
        let r = db.utilization(year, by, &all).await.expect("utilization");
        out.push((format!("utilization by {by:?}"), json(&r)));
    }
    let compliance = db
        .compliance(IsoWeek::of(date!(2026 - 06 - 08)), DEMO_END)
        .await
        .expect("compliance");
    out.push(("compliance".into(), json(&compliance)));
    let scope = PortfolioScope {
        projects: ListScope::All,
        escalations: psops_core::delivery::escalations::EscalationScope::All,
    };
    let at = time::macros::datetime!(2026-06-17 12:00 UTC);
    out.push((
        "portfolio".into(),
        json(&db.portfolio(&scope, at).await.expect("portfolio")),
    ));
    let (from, to) = (Month::of(date!(2025 - 07 - 01)), Month::of(DEMO_END));
    for by in [MarginBy::Project, MarginBy::Account] {
        let r = db.margin_report(from, to, by).await.expect("margin");
        out.push((format!("margin by {by:?}"), json(&r)));
    }
    out.push((
        "csat".into(),
        json(&db.csat_report(CsatBy::Quarter).await.expect("csat")),
    ));
    out.push((
        "partners".into(),
        json(&db.partner_report(from, to, DEMO_END).await.expect("partner report")),
    ));
    out
}

mod erased {
    /// Any report as its JSON text.
    pub trait Json {
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn text(&self) -> String {
            serde_json::to_string(self).expect("a report serialises")
        }
    }
}

async fn fresh(backend: Backend) -> Option<TestDatabase> {
    match backend {
        Backend::Sqlite => Some(TestDatabase::sqlite()),
        Backend::Postgres => TestDatabase::postgres().await,
    }
}

fn other(backend: Backend) -> Backend {
    match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

async fn a_backup_restores_into_either_backend(db: &Db) {
    default_demo(db).await;
    // A record made and deleted: its id is never handed out again after a restore.
    let gone = super::time_fixtures::calendar(db, "Short-lived", "Antarctica").await;
    db.delete_calendar(&ctx(), gone.id).await.expect("delete a calendar");
    let before = reports(db).await;
    let (file, summary) = backup(db).await;
    assert_eq!(summary.header.migration, Db::backup_migration());
    assert_eq!(summary.bytes, file.len() as u64);
    let people = summary
        .header
        .tables
        .iter()
        .find(|t| t.name == "people")
        .expect("people");
    assert!(people.rows >= 60, "the demo's people: {}", people.rows);
    assert!(
        summary
            .header
            .tables
            .iter()
            .all(|t| t.name != "schema_migrations" && t.name != "change_counts")
    );
    let entries = summary
        .header
        .tables
        .iter()
        .find(|t| t.name == "time_entries")
        .expect("time");
    assert!(entries.rows > 10_000, "a year of time: {}", entries.rows);

    for backend in [db.kind(), other(db.kind())] {
        let Some(t) = fresh(backend).await else {
            eprintln!("skipped {backend:?}: set PSOPS_TEST_POSTGRES_URL to restore into PostgreSQL");
            continue;
        };
        let target = t.open().await;
        let restored = restore(&target, &file).await.expect("restore");
        assert_eq!(restored.header, summary.header);
        assert_eq!(restored.sha256, summary.sha256);
        let after = reports(&target).await;
        for ((what, a), (_, b)) in before.iter().zip(&after) {
            assert!(a == b, "{what} differs after a restore into {backend:?}");
        }
        assert_eq!(target.verify_rollups().await.unwrap(), vec![], "{backend:?}");
        assert_eq!(target.verify_ledger().await.unwrap(), vec![], "{backend:?}");
        // The same rows, value for value: a backup of the restored database holds
        // the same body whichever backend it was taken from.
        let (again, _) = backup(&target).await;
        let (a, b) = (body(&file), body(&again));
        // PostgreSQL keeps microseconds; SQLite keeps the text it was given, and a few
        // timestamps psops writes carry nanoseconds (the outbox's next try).
        let (a, b) = if backend == db.kind() {
            (a, b)
        } else {
            (
                a.iter().map(|l| micro(l)).collect(),
                b.iter().map(|l| micro(l)).collect::<Vec<_>>(),
            )
        };
        let first = a.iter().zip(&b).position(|(x, y)| x != y);
        assert!(
            a.len() == b.len() && first.is_none(),
            "{backend:?}: the rows differ after a round trip, first at {first:?}: {:?} / {:?}",
            first.map(|i| String::from_utf8_lossy(&a[i]).into_owned()),
            first.map(|i| String::from_utf8_lossy(&b[i]).into_owned()),
        );
        // New records get new ids, past the deleted one's.
        let next = super::time_fixtures::calendar(&target, "After the restore", "Atlantis").await;
        assert!(next.id.get() > gone.id.get(), "{backend:?}: id {} reused", next.id);
        let someone = person(&target, "after-restore@example.com").await;
        assert!(
            someone.id.get() > people.rows as i64,
            "{backend:?}: new people get new ids"
        );
        target.close().await;
        t.destroy().await;
    }
}

async fn a_backup_is_one_moment_while_writes_go_on(db: &Db) {
    let first = person(db, "first@example.com").await;
    let project = super::fixtures::project(db, "Moment").await;
    super::fixtures::assign(db, first.id, &project).await;
    for day in 1..=5u8 {
        let on = time::Date::from_calendar_date(2026, time::Month::June, day).unwrap();
        db.create_time_entry(
            &ctx(),
            psops_core::time_entries::NewTimeEntry {
                person_id: first.id,
                project_id: Some(project.id),
                category: None,
                date: on,
                minutes: Minutes(60),
                billable: Some(true),
                note: None,
            },
        )
        .await
        .expect("entry");
    }
    // A writer that goes on while the backup reads: every write is a person and an
    // entry in one transaction each, so a consistent moment has as many of each.
    let writer = db.clone();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let writes = tokio::spawn(async move {
        let mut n = 0;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) && n < 400 {
            writer
                .create(&ctx(), super::fixtures::person_fields(&format!("w{n}@example.com")))
                .await
                .expect("a write during the backup");
            n += 1;
        }
        n
    });
    let mut files = Vec::new();
    for _ in 0..3 {
        files.push(backup(db).await);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writes.await.unwrap();
    for (file, summary) in &files {
        let target = fresh(db.kind()).await.unwrap();
        let into = target.open().await;
        restore(&into, file)
            .await
            .expect("restore a backup taken during writes");
        let people = summary.header.tables.iter().find(|t| t.name == "people").unwrap().rows;
        // Each person's creation is audited in its own transaction: one moment holds
        // both or neither.
        let audited_people = audit_of(&into, "person").await;
        assert_eq!(audited_people, people, "every person with its audit row");
        assert_eq!(into.verify_rollups().await.unwrap(), vec![]);
        into.close().await;
        target.destroy().await;
    }
    assert!(written > 0);
}

async fn audit_of(db: &Db, entity: &str) -> u64 {
    let filter = psops_core::audit::AuditFilter {
        entity: Some(entity.into()),
        action: Some(psops_core::audit::AuditAction::Create),
        ..Default::default()
    };
    let mut page = psops_core::page::PageRequest {
        after: None,
        limit: 500,
    };
    let mut n = 0u64;
    loop {
        let got = db.list_audit(&filter, page).await.expect("audit").items;
        n += got.len() as u64;
        match got.last() {
            Some(e) if got.len() == 500 => page.after = Some(e.id.get()),
            _ => return n,
        }
    }
}

async fn restore_refuses_a_database_that_holds_records(db: &Db) {
    let source = fresh(db.kind()).await.unwrap();
    let from = source.open().await;
    person(&from, "someone@example.com").await;
    let (file, _) = backup(&from).await;
    from.close().await;
    source.destroy().await;
    person(db, "already@example.com").await;
    let err = restore(db, &file).await.expect_err("a database with records");
    match &err {
        Error::Conflict(f) => {
            assert_eq!(f.rule, Rule::NotEmpty);
            assert!(
                f.message.contains("not empty (table ") && f.message.contains("people"),
                "{}",
                f.message
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(people_in(db).await, 1, "nothing restored");
}

async fn restore_refuses_a_damaged_or_foreign_file(db: &Db) {
    let source = fresh(db.kind()).await.unwrap();
    let from = source.open().await;
    default_demo_small(&from).await;
    let (file, _) = backup(&from).await;
    from.close().await;
    source.destroy().await;
    let text = String::from_utf8(file.clone()).unwrap();

    let rule = |e: Error| match e {
        Error::Invalid(f) => (f[0].rule, f[0].message.clone()),
        other => panic!("{other:?}"),
    };
    let (r, m) = rule(restore(db, b"").await.unwrap_err());
    assert_eq!(r, Rule::Header);
    assert!(m.contains("not a psops backup"), "{m}");
    let (r, m) = rule(restore(db, b"id,name\n1,Ada\n").await.unwrap_err());
    assert_eq!(r, Rule::Header, "{m}");
    assert!(m.contains("not a psops backup"), "{m}");

    // A value changed in a row: the checksum finds it, and nothing stays behind.
    let person_line = text
        .lines()
        .position(|l| l.contains("@"))
        .expect("a line with an address");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[person_line] = lines[person_line].replacen('@', "#", 1);
    let tampered = lines.join("\n") + "\n";
    let (r, m) = rule(restore(db, tampered.as_bytes()).await.unwrap_err());
    assert_eq!(r, Rule::Matches, "{m}");
    assert!(m.contains("checksum"), "{m}");
    assert_empty(db).await;

    // Cut short: no end line.
    let cut = &file[..file.len() * 2 / 3];
    let cut = &cut[..cut.iter().rposition(|b| *b == b'\n').unwrap() + 1];
    let (r, m) = rule(restore(db, cut).await.unwrap_err());
    assert!(matches!(r, Rule::Readable | Rule::Json), "{m}");
    assert_empty(db).await;

    // A row that is not JSON.
    let mut broken = lines.clone();
    broken[person_line] = "[1, \"unfinished".into();
    let broken = broken.join("\n") + "\n";
    let (r, m) = rule(restore(db, broken.as_bytes()).await.unwrap_err());
    assert_eq!(r, Rule::Json, "{m}");
    assert!(m.contains(&format!("line {}", person_line + 1)), "{m}");
    assert_empty(db).await;

    // And the untouched file restores into the same database afterwards.
    restore(db, &file).await.expect("the whole file restores");
}

async fn restore_refuses_a_backup_of_another_migration(db: &Db) {
    let source = fresh(db.kind()).await.unwrap();
    let from = source.open().await;
    person(&from, "someone@example.com").await;
    let (file, summary) = backup(&from).await;
    from.close().await;
    source.destroy().await;
    let text = String::from_utf8(file).unwrap();
    let ours = summary.header.migration;
    let older = text.replacen(
        &format!("\"migration\":{ours},"),
        &format!("\"migration\":{},", ours - 1),
        1,
    );
    assert_ne!(older, text);
    let err = restore(db, older.as_bytes()).await.unwrap_err();
    let Error::Invalid(f) = err else { panic!("{err:?}") };
    assert_eq!(f[0].rule, Rule::Matches);
    assert!(
        f[0].message.contains(&format!("migration {}", ours - 1))
            && f[0].message.contains(&format!("migration {ours}")),
        "{}",
        f[0].message
    );
    assert_empty(db).await;
}

/// The handbook's catalog and one person with time: a small database of every kind of
/// value, quicker than the demo.
async fn default_demo_small(db: &Db) {
    super::fixtures::apply_handbook(db).await;
    let p = person(db, "small@example.com").await;
    let project = super::fixtures::project(db, "Small").await;
    super::fixtures::assign(db, p.id, &project).await;
}

async fn people_in(db: &Db) -> usize {
    let filter = psops_core::people::PersonFilter::default();
    let page = psops_core::page::PageRequest {
        after: None,
        limit: 500,
    };
    db.list(&filter, page).await.expect("people").items.len()
}

async fn assert_empty(db: &Db) {
    assert_eq!(people_in(db).await, 0, "a failed restore leaves nothing behind");
}
