//! One backend measured end to end: the demo organisation loaded, psops served, then the
//! utilization report against its alternatives, API throughput with wrk, the pages, and
//! the server's peak memory — every figure added to the report beside its goal.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use time::Date;
use time::format_description::well_known::Iso8601;

use crate::alternatives;
use crate::args::{Args, BackendKind, Paths};
use crate::backend::Backend;
use crate::http::Client;
use crate::load::{self, Load};
use crate::pages;
use crate::report::{Report, Verdict};
use crate::server::Server;
use crate::session;
use crate::soak;
use crate::stats::{faster, median, ms, per_second, ratio, thousands};
use crate::utilization::{self, Quarter};

const MB: f64 = 1024.0 * 1024.0;

/// What the side-by-side tables need from every backend, gathered as the run goes.
#[derive(Debug, Default)]
pub struct Sides {
    pub quarter: Option<Quarter>,
    /// psops's p50 per backend, by person and by function.
    pub psops: Vec<(BackendKind, Duration, Duration)>,
    /// An alternative's engine, the data it read, and its median time.
    pub alternatives: Vec<(String, String, Duration)>,
    /// DuckDB's median, once measured (over the first backend's export).
    pub duckdb: Option<Duration>,
}

pub fn backend(
    args: &Args,
    paths: &Paths,
    b: &Backend,
    python: &Path,
    report: &mut Report,
    sides: &mut Sides,
) -> Result<()> {
    let label = b.label();
    let url = b.url();
    let shown_url = match b {
        Backend::Sqlite { .. } => "sqlite://target/bench/psops-sqlite.db".to_string(),
        Backend::Postgres { .. } => format!("postgres://…/{}", crate::backend::PG_DATABASE),
    };
    say(
        label,
        &format!(
            "loading the demo organisation ({} people, {} years)",
            args.people, args.years
        ),
    );
    let took = session::load_demo(&paths.psops, &url, args.people, args.years, args.seed)?;
    report.step(format!(
        "psops demo --people {} --years {} --seed {} --database-url {shown_url}",
        args.people, args.years, args.seed
    ));
    let entries: u64 = b.value("SELECT COUNT(*) FROM time_entries")?.parse()?;
    let people: u64 = b.value("SELECT COUNT(*) FROM people")?.parse()?;
    if entries == 0 {
        bail!("psops demo loaded no time entries into {label}");
    }
    let rate = entries as f64 / took.as_secs_f64();
    report.data.push(vec![
        label.to_string(),
        thousands(people),
        thousands(entries),
        format!("{:.1} s", took.as_secs_f64()),
        per_second(rate),
    ]);
    report.figure(
        "Demo load",
        "time entries loaded per second",
        label,
        per_second(rate),
        "",
        Verdict::Info,
    );

    let who = session::sign_up(&paths.psops, &url)?;
    report.step(format!(
        "psops user create --email {} --role admin --role project_manager --role consultant --person-id {} \
         (password on stdin)",
        who.email, who.person_id
    ));
    report.step(format!("psops token create --email {} --name psops-bench", who.email));
    let log = paths.work.join(format!("serve-{}.log", label.to_lowercase()));
    let server = Server::start(&paths.psops, &url, &log)?;
    report.step(format!("psops serve --bind 127.0.0.1:0 --database-url {shown_url}"));
    let mut api = Client::with_bearer(&server.addr, &who.token);

    // Utilization through HTTP, then the same answer by the alternatives.
    let quarter = utilization::pick_quarter(&mut api, b)?;
    say(
        label,
        &format!(
            "utilization report for {} ({} – {})",
            quarter.name, quarter.start, quarter.end
        ),
    );
    // Computed whole: a holiday added before each request changes capacity for a
    // region, so everyone's capacity and minutes are read again — what the engines
    // below are compared with. The quarter is closed (finance locks past months), so no
    // time entry can change it.
    let whole = utilization::Reading::AfterHoliday;
    let (by_person, person_report) = utilization::time_report(&mut api, &quarter, "person", args.requests, whole)?;
    let (by_function, function_report) =
        utilization::time_report(&mut api, &quarter, "function", args.requests, whole)?;
    let again = utilization::Reading::Again;
    let (person_again, _) = utilization::time_report(&mut api, &quarter, "person", args.requests, again)?;
    let (function_again, _) = utilization::time_report(&mut api, &quarter, "function", args.requests, again)?;
    // This quarter, the one people log time into, after a time entry in it: the
    // dashboard's everyday case, brought up to date from what the entry changed.
    let now = utilization::this_quarter(&mut api)?;
    let timed = utilization::Reading::AfterTime(who.person_id);
    let (person_timed, _) = utilization::time_report(&mut api, &now, "person", args.requests, timed)?;
    let (function_timed, _) = utilization::time_report(&mut api, &now, "function", args.requests, timed)?;
    let answer = utilization::per_person(&person_report)?;
    let (pt, ft) = (
        utilization::total(&person_report)?,
        utilization::total(&function_report)?,
    );
    if pt != ft {
        bail!("psops's totals differ by person {pt:?} and by function {ft:?} on {label}");
    }
    report.step(format!(
        "GET /api/v1/reports/utilization?quarter={}&group_by=person|function   ({} timed requests each, after a holiday added, then again)",
        quarter.name, args.requests
    ));
    report.step(format!(
        "GET /api/v1/reports/utilization?quarter={}&group_by=person|function   ({} timed requests each, after a time entry)",
        now.name, args.requests
    ));
    // The dashboard groups by function, so it is held to the tighter goal.
    let (closed, open) = (quarter.name.as_str(), now.name.as_str());
    for (group, s, goal, limit, how) in [
        (
            "person",
            &by_person,
            "p50 ≤ 20 ms",
            20,
            format!("{closed}, computed whole after a holiday added"),
        ),
        (
            "function",
            &by_function,
            "p50 ≤ 5 ms",
            5,
            format!("{closed}, computed whole after a holiday added"),
        ),
        (
            "person",
            &person_timed,
            "p50 ≤ 20 ms",
            20,
            format!("{open}, after a time entry"),
        ),
        (
            "function",
            &function_timed,
            "p50 ≤ 5 ms",
            5,
            format!("{open}, after a time entry"),
        ),
        (
            "person",
            &person_again,
            "p50 ≤ 20 ms",
            20,
            format!("{closed}, read again, kept"),
        ),
        (
            "function",
            &function_again,
            "p50 ≤ 5 ms",
            5,
            format!("{closed}, read again, kept"),
        ),
    ] {
        let m = format!("utilization report by {group} ({how}), p50 / p95 over {}", s.len());
        let value = format!("{} / {}", ms(s.p50()), ms(s.p95()));
        report.figure(
            "Utilization",
            &m,
            label,
            value,
            goal,
            Verdict::of(s.p50() <= Duration::from_millis(limit)),
        );
    }
    sides.psops.push((b.kind(), by_person.p50(), by_function.p50()));
    sides.quarter = Some(quarter.clone());

    say(label, "plain SQL GROUP BY over the raw entries");
    let (sql_answer, sql_times) = alternatives::plain_sql(b, &quarter, args.repeats)?;
    let client = match b.kind() {
        BackendKind::Sqlite => "sqlite3",
        BackendKind::Postgres => "psql",
    };
    alternatives::check(&format!("plain SQL on {label}"), &answer, &sql_answer)?;
    report.step(format!(
        "{client}: {}",
        alternatives::per_person_sql("time_entries", &quarter)
    ));
    let sql = median(&sql_times);
    sides.alternatives.push((
        format!("plain SQL GROUP BY ({client})"),
        format!("{label} time_entries"),
        sql,
    ));
    let value = format!("{} (psops {})", ms(sql), faster(ratio(sql, by_person.p50())));
    report.figure(
        "Utilization",
        "plain SQL GROUP BY, per person, median",
        label,
        value,
        "",
        Verdict::Info,
    );

    if sides.duckdb.is_none() {
        say(label, "DuckDB over the entries exported to Parquet");
        let parquet = paths.work.join("entries.parquet");
        let run = alternatives::duckdb(python, b, &paths.work, &parquet, &quarter, args.repeats)?;
        alternatives::check("DuckDB", &answer, &run.answer)?;
        report.step(format!(
            "export {} entries to CSV ({:.1} s); DuckDB COPY to Parquet ({:.1} s); then per Parquet: {}",
            thousands(run.rows),
            run.export.as_secs_f64(),
            run.load.as_secs_f64(),
            alternatives::per_person_sql("read_parquet('entries.parquet')", &quarter)
        ));
        let d = median(&run.times);
        sides.duckdb = Some(d);
        sides
            .alternatives
            .push(("DuckDB (Python)".to_string(), format!("Parquet export of {label}"), d));
    }
    if let Some(d) = sides.duckdb {
        let r = ratio(d, by_person.p50());
        let value = format!(
            "psops {} (DuckDB {} vs psops p50 {})",
            faster(r),
            ms(d),
            ms(by_person.p50())
        );
        report.figure(
            "Utilization",
            "psops vs DuckDB over raw entries",
            label,
            value,
            "≥ 10× faster",
            Verdict::of(r >= 10.0),
        );
    }

    let targets = Targets::of(b)?;
    throughput(args, paths, b, &targets, &server.addr, &who.token, report)?;

    say(label, "pages");
    let size = format!("{} people", thousands(people));
    pages::measure(report, &server.addr, &who, args.page_requests, label, &size)?;

    let rss = server.peak_rss()? as f64 / MB;
    let m = format!("peak RSS of psops serve (VmHWM) at {} entries", thousands(entries));
    report.figure(
        "Memory",
        &m,
        label,
        format!("{rss:.0} MB"),
        "≤ 150 MB",
        Verdict::of(rss <= 150.0),
    );

    // After the peak above is read, so the soak's writes do not change what it means.
    say(label, &format!("soak: {} s of mixed load", args.soak_seconds));
    let soak = Load {
        work: &paths.work,
        addr: &server.addr,
        token: &who.token,
        people: &targets.people,
        seconds: args.soak_seconds,
        connections: args.connections,
    };
    let pid = server.pid().context("the server was already stopped")?;
    soak::run(&soak, &targets.days, &targets.weeks, pid, b.kind(), report)?;
    server.stop()?;
    Ok(())
}

/// Whom and when the loads write and read: current people, the last 12 weeks of the
/// demo's time to read, and 240 days starting two weeks after its last to write on (so
/// reads and the report are not disturbed).
struct Targets {
    people: Vec<i64>,
    weeks: Vec<String>,
    days: Vec<String>,
}

impl Targets {
    fn of(b: &Backend) -> Result<Targets> {
        let last = b.value("SELECT MAX(entry_date) FROM time_entries")?;
        let last = Date::parse(last.trim(), &Iso8601::DATE).with_context(|| format!("not a date: {last:?}"))?;
        let people: Vec<i64> = b
            .rows(&format!(
                "SELECT id FROM people WHERE archived_at IS NULL AND employment_end IS NULL \
                 AND employment_start <= '{last}' ORDER BY id LIMIT 2000"
            ))?
            .iter()
            .filter_map(|r| r.first().and_then(|v| v.parse().ok()))
            .collect();
        let weeks: Vec<String> = (0..12)
            .filter_map(|i| last.checked_sub(time::Duration::weeks(i)))
            .map(|d| {
                let (y, w, _) = d.to_iso_week_date();
                format!("{y}-W{w:02}")
            })
            .collect();
        let days: Vec<String> = (14..14 + 240)
            .filter_map(|i| last.checked_add(time::Duration::days(i)))
            .map(|d| d.to_string())
            .collect();
        Ok(Targets { people, weeks, days })
    }
}

/// wrk on loopback: week reads, then entry creates.
fn throughput(
    args: &Args,
    paths: &Paths,
    b: &Backend,
    targets: &Targets,
    addr: &str,
    token: &str,
    report: &mut Report,
) -> Result<()> {
    let label = b.label();
    let Targets { people, weeks, days } = targets;
    let load = Load {
        work: &paths.work,
        addr,
        token,
        people,
        seconds: args.wrk_seconds,
        connections: args.connections,
    };
    let wrk = |what: &str| {
        format!(
            "wrk -t2 -c{} -d{}s --latency -s target/bench/wrk-{what}.lua   ({} people)",
            args.connections,
            args.wrk_seconds,
            people.len()
        )
    };
    let sqlite = b.kind() == BackendKind::Sqlite;
    // Each goal for the backend measured: (SQLite's, PostgreSQL's), `None` for none.
    let goal = |sqlite_goal: (&'static str, bool), pg_goal: Option<(&'static str, bool)>| match (sqlite, pg_goal) {
        (true, _) => (sqlite_goal.0, Verdict::of(sqlite_goal.1)),
        (false, Some((text, met))) => (text, Verdict::of(met)),
        (false, None) => ("", Verdict::Info),
    };

    say(label, "wrk: reading a person's week");
    let reads = load::week_reads(&load, weeks)?;
    report.step(format!(
        "{}   GET /api/v1/timesheets/{{person}}/{{week}}",
        wrk("week-reads")
    ));
    let (g, v) = goal(
        ("≥ 20,000/s (SQLite)", reads.per_second >= 20_000.0),
        Some(("≥ 8,000/s (PostgreSQL)", reads.per_second >= 8_000.0)),
    );
    report.figure(
        "API",
        "week reads (GET /api/v1/timesheets/{person}/{week})",
        label,
        per_second(reads.per_second),
        g,
        v,
    );
    report.figure(
        "API",
        "week reads, p50 / p99",
        label,
        format!("{} / {}", ms(reads.p50), ms(reads.p99)),
        "",
        Verdict::Info,
    );

    say(label, "wrk: creating time entries");
    let creates = load::creates(&load, days)?;
    report.step(format!("{}   POST /api/v1/time-entries", wrk("creates")));
    let (g, v) = goal(
        ("≥ 5,000/s (SQLite)", creates.per_second >= 5_000.0),
        Some(("≥ 2,500/s (PostgreSQL)", creates.per_second >= 2_500.0)),
    );
    report.figure(
        "API",
        "entry creates (POST /api/v1/time-entries)",
        label,
        per_second(creates.per_second),
        g,
        v,
    );
    let (g, v) = goal(("p99 ≤ 10 ms (SQLite)", creates.p99 <= Duration::from_millis(10)), None);
    report.figure(
        "API",
        "entry creates, p50 / p99",
        label,
        format!("{} / {}", ms(creates.p50), ms(creates.p99)),
        g,
        v,
    );
    Ok(())
}

pub fn say(label: &str, what: &str) {
    eprintln!("psops-bench: {label}: {what}");
}
