//! API throughput with `wrk` on loopback: creating time entries (each request a distinct,
//! valid entry) and reading a person's week. The Lua scripts are written per run with the
//! people, days and weeks to use; one request of each kind is checked first with the
//! bench's own client, so a load of errors is never mistaken for throughput.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::http::Client;
use crate::tools::{run, text};

/// wrk's threads; two on a two-core machine, sharing it with the server.
const THREADS: u32 = 2;

#[derive(Debug, Clone)]
pub struct WrkRun {
    pub requests: u64,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub failed: u64,
}

/// What the load is about: who, which days to write and which weeks to read.
pub struct Load<'a> {
    pub work: &'a Path,
    pub addr: &'a str,
    pub token: &'a str,
    pub people: &'a [i64],
    pub seconds: u32,
    pub connections: u32,
}

/// The entry each create posts, as a Lua format string: person, day, request number.
const LUA_BODY: &str =
    r#"{"person_id":%d,"category":"training","date":"%s","minutes":15,"note":"psops-bench load %d"}"#;

fn entry_body(person: i64, day: &str, n: &str) -> String {
    LUA_BODY
        .replacen("%d", &person.to_string(), 1)
        .replacen("%s", day, 1)
        .replacen("%d", n, 1)
}

/// POST /api/v1/time-entries: 15 minutes of training each, spread over `days` and the
/// people so that no person's day passes 24 hours.
pub fn creates(load: &Load<'_>, days: &[String]) -> Result<WrkRun> {
    let (Some(first), Some(day)) = (load.people.first(), days.first()) else {
        bail!("no people or days to create entries for")
    };
    let mut client = Client::with_bearer(load.addr, load.token);
    let res = client.post(
        "/api/v1/time-entries",
        "application/json",
        entry_body(*first, day, "check").as_bytes(),
    )?;
    if res.status != 201 {
        bail!("POST /api/v1/time-entries answered {}: {}", res.status, res.text());
    }
    let body = LUA_BODY;
    let script = format!(
        "{}\nwrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
         function request()\n  local g = next_number()\n  local p = people[(g % #people) + 1]\n  \
         local d = days[(math.floor(g / #people) % #days) + 1]\n  \
         return wrk.format(nil, nil, nil, string.format('{body}', p, d, g))\nend\n",
        prelude(load, "days", days)
    );
    wrk(load, "creates", "/api/v1/time-entries", &script)
}

/// GET /api/v1/timesheets/{person}/{week} over the people and the given ISO weeks.
pub fn week_reads(load: &Load<'_>, weeks: &[String]) -> Result<WrkRun> {
    let (Some(first), Some(week)) = (load.people.first(), weeks.first()) else {
        bail!("no people or weeks to read")
    };
    let mut client = Client::with_bearer(load.addr, load.token);
    let path = format!("/api/v1/timesheets/{first}/{week}");
    let res = client.get(&path)?;
    if res.status != 200 {
        bail!("GET {path} answered {}: {}", res.status, res.text());
    }
    let script = format!(
        "{}\nfunction request()\n  local g = next_number()\n  local p = people[(g % #people) + 1]\n  \
         local w = weeks[(math.floor(g / #people) % #weeks) + 1]\n  \
         return wrk.format(\"GET\", \"/api/v1/timesheets/\" .. p .. \"/\" .. w)\nend\n",
        prelude(load, "weeks", weeks)
    );
    wrk(load, "week-reads", &path, &script)
}

/// The soak's mixture: one entry create (as [`creates`]) to every four week reads (as
/// [`week_reads`]) — the ratio of their SQLite goals — each request's kind and data from
/// one counter. Failures are counted, not an error: the soak reports them. Returns the run
/// and, when a request failed, the first failure wrk's script printed.
pub fn mixed(load: &Load<'_>, days: &[String], weeks: &[String]) -> Result<(WrkRun, String)> {
    if load.people.is_empty() || days.is_empty() || weeks.is_empty() {
        bail!("no people, days or weeks for the mixed load")
    }
    let (run, stderr) = wrk_report(load, "soak", "/api/v1/time-entries", &mixed_script(load, days, weeks))?;
    let failure = if run.failed > 0 {
        crate::tools::tail(&stderr)
    } else {
        String::new()
    };
    Ok((run, failure))
}

fn mixed_script(load: &Load<'_>, days: &[String], weeks: &[String]) -> String {
    let quoted: Vec<String> = weeks.iter().map(|w| format!("\"{w}\"")).collect();
    let body = LUA_BODY;
    format!(
        "{}weeks = {{{}}}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
         function request()\n  local g = next_number()\n  local p = people[(g % #people) + 1]\n  \
         local n = math.floor(g / #people)\n  if g % 5 == 4 then\n    local d = days[(n % #days) + 1]\n    \
         return wrk.format(\"POST\", \"/api/v1/time-entries\", nil, string.format('{body}', p, d, g))\n  end\n  \
         local w = weeks[(n % #weeks) + 1]\n  \
         return wrk.format(\"GET\", \"/api/v1/timesheets/\" .. p .. \"/\" .. w)\nend\n",
        prelude(load, "days", days),
        quoted.join(",")
    )
}

/// The part both scripts share: the data, the token, a request counter unique across
/// threads, and the first failing response printed to stderr.
fn prelude(load: &Load<'_>, name: &str, values: &[String]) -> String {
    let people: Vec<String> = load.people.iter().map(i64::to_string).collect();
    let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    format!(
        "-- Written by psops-bench for one run.\npeople = {{{}}}\n{name} = {{{}}}\n\
         wrk.headers[\"Authorization\"] = \"Bearer {}\"\n\
         local threads = 0\nfunction setup(thread)\n  thread:set(\"tid\", threads)\n  threads = threads + 1\nend\n\
         function init(args)\n  tid = tid or 0\n  counter = 0\n  shown = false\nend\n\
         function next_number()\n  local g = counter * {THREADS} + tid\n  counter = counter + 1\n  return g\nend\n\
         function response(status, headers, body)\n  if status >= 300 and not shown then\n    shown = true\n    \
         io.stderr:write(\"psops-bench: a failed request: \" .. status .. \" \" .. body .. \"\\n\")\n  end\nend\n",
        people.join(","),
        quoted.join(","),
        load.token
    )
}

fn wrk(load: &Load<'_>, name: &str, path: &str, script: &str) -> Result<WrkRun> {
    let (parsed, stderr) = wrk_report(load, name, path, script)?;
    if parsed.failed > 0 {
        bail!(
            "{} of {} {name} requests failed under load: {}",
            parsed.failed,
            parsed.requests,
            crate::tools::tail(&stderr)
        );
    }
    Ok(parsed)
}

/// One wrk run of `script`: its report, failures included, and what the script printed.
fn wrk_report(load: &Load<'_>, name: &str, path: &str, script: &str) -> Result<(WrkRun, Vec<u8>)> {
    let file = load.work.join(format!("wrk-{name}.lua"));
    std::fs::write(&file, script).with_context(|| format!("cannot write {}", file.display()))?;
    let out = run(
        Command::new("wrk")
            .args(["-t", &THREADS.to_string(), "-c", &load.connections.to_string()])
            .args(["-d", &format!("{}s", load.seconds), "--latency", "-s"])
            .arg(&file)
            .arg(format!("http://{}{path}", load.addr)),
        "wrk",
    )?;
    let stdout = text(&out.stdout);
    let parsed = parse_wrk(&stdout).with_context(|| format!("cannot read wrk's report:\n{stdout}"))?;
    Ok((parsed, out.stderr))
}

fn parse_wrk(out: &str) -> Result<WrkRun> {
    let mut run = WrkRun {
        requests: 0,
        per_second: 0.0,
        p50: Duration::ZERO,
        p99: Duration::ZERO,
        failed: 0,
    };
    let (mut got_rate, mut got_p99) = (false, false);
    for line in out.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => run.p50 = wrk_duration(v)?,
            ["99%", v] => {
                run.p99 = wrk_duration(v)?;
                got_p99 = true;
            }
            [n, "requests", "in", ..] => run.requests = n.parse().context("bad request count")?,
            ["Requests/sec:", v] => {
                run.per_second = v.parse().context("bad Requests/sec")?;
                got_rate = true;
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => run.failed += n.parse::<u64>().context("bad Non-2xx count")?,
            ["Socket", "errors:", rest @ ..] => {
                // connect 0, read 0, write 0, timeout 0
                let counts = rest.iter().filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok());
                run.failed += counts.sum::<u64>();
            }
            _ => {}
        }
    }
    if !got_rate || !got_p99 {
        bail!("no Requests/sec or 99% line");
    }
    Ok(run)
}

/// wrk's `635.00us`, `2.10ms`, `1.02s`, `1.50m`.
fn wrk_duration(v: &str) -> Result<Duration> {
    let split = v
        .find(|c: char| c.is_ascii_alphabetic())
        .context("a duration without a unit")?;
    let (n, unit) = v.split_at(split);
    let n: f64 = n.parse().with_context(|| format!("bad duration {v:?}"))?;
    let secs = match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => bail!("unknown unit in {v:?}"),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 10s test @ http://127.0.0.1:4000/api/v1/time-entries
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  500.00us   9.00ms   70.00%
    Req/Sec     3.00k   100.00     3.20k    80.00%
  Latency Distribution
     50%  635.00us
     75%    1.50ms
     90%    2.00ms
     99%    3.10ms
  61234 requests in 10.00s, 12.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   6123.40
Transfer/sec:      1.20MB
";

    #[test]
    fn the_wrk_report_is_read() {
        let r = parse_wrk(REPORT).expect("parses");
        assert_eq!(r.requests, 61234);
        assert!((r.per_second - 6123.4).abs() < 1e-9);
        assert_eq!(r.p50, Duration::from_micros(635));
        assert_eq!(r.p99, Duration::from_micros(3100));
        assert_eq!(r.failed, 7);
        assert!(parse_wrk("nothing").is_err());
        assert!(wrk_duration("3parsecs").is_err());
    }

    #[test]
    fn the_scripts_carry_the_data_and_a_per_thread_counter() {
        let load = Load {
            work: Path::new("/tmp"),
            addr: "127.0.0.1:1",
            token: "secret",
            people: &[3, 5],
            seconds: 1,
            connections: 2,
        };
        let p = prelude(&load, "days", &["2027-01-04".to_string()]);
        assert!(p.contains("people = {3,5}"), "{p}");
        assert!(p.contains("days = {\"2027-01-04\"}"), "{p}");
        assert!(p.contains("\"Bearer secret\""), "{p}");
        assert!(p.contains("counter * 2 + tid"), "{p}");
        let mixed = mixed_script(&load, &["2027-01-04".to_string()], &["2026-W52".to_string()]);
        assert!(mixed.starts_with(&p), "{mixed}");
        assert!(mixed.contains("weeks = {\"2026-W52\"}"), "{mixed}");
        assert!(mixed.contains("if g % 5 == 4 then"), "one create in five: {mixed}");
        assert!(mixed.contains("\"/api/v1/timesheets/\" .. p"), "{mixed}");
        let body = entry_body(3, "2027-01-04", "9");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["minutes"], 15);
        assert_eq!(v["category"], "training");
    }
}
