//! psops's utilization report through HTTP: the fiscal quarter to ask for (the last
//! complete one in the data), request timings after a warm-up, and the per-person worked
//! and billable minutes of its answer, which every alternative must reproduce.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use time::Date;
use time::format_description::well_known::Iso8601;

use crate::backend::Backend;
use crate::http::Client;
use crate::stats::Samples;

/// Worked and billable minutes per person id: the answer every engine must give.
pub type Answer = BTreeMap<i64, (i64, i64)>;

/// Requests before timing starts: connection, caches and the allocator settle.
const WARM_UP: u32 = 5;

#[derive(Debug, Clone)]
pub struct Quarter {
    /// `FY2027-Q1`, as the API takes it.
    pub name: String,
    pub start: String,
    pub end: String,
}

impl Quarter {
    /// `2027-Q1`, as the report page's quarter picker writes it.
    pub fn page_code(&self) -> String {
        self.name.trim_start_matches("FY").to_string()
    }
}

/// The last fiscal quarter that lies wholly before the last day with time.
pub fn pick_quarter(client: &mut Client, backend: &Backend) -> Result<Quarter> {
    let last = backend.value("SELECT MAX(entry_date) FROM time_entries")?;
    let last = parse_date(&last).context("the database has no time entries to report on")?;
    let current = fiscal_quarter(client, last)?;
    let start = parse_date(&current.start)?;
    let before = start.previous_day().context("no day before the quarter")?;
    fiscal_quarter(client, before)
}

fn fiscal_quarter(client: &mut Client, day: Date) -> Result<Quarter> {
    let path = format!("/api/v1/fiscal/quarter?date={day}");
    let res = client.get(&path)?;
    if res.status != 200 {
        bail!("GET {path} answered {}: {}", res.status, res.text());
    }
    let v = res.json()?;
    let field = |name: &str| {
        v.get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .with_context(|| format!("GET {path} gave no {name}: {v}"))
    };
    Ok(Quarter {
        name: field("name")?,
        start: field("start")?,
        end: field("end")?,
    })
}

fn parse_date(text: &str) -> Result<Date> {
    Date::parse(text.trim(), &Iso8601::DATE).with_context(|| format!("not a date: {text:?}"))
}

/// Whether each timed request finds the answer kept from the one before (nothing
/// changed in between), must bring it up to date, or must compute it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Read again with nothing written in between: the store serves what it kept.
    Again,
    /// A quarter hour of this person's time in the quarter before each request: the
    /// report's worked minutes change and it is brought up to date.
    AfterTime(i64),
    /// A holiday added before each request: capacity changes for a whole region and the
    /// report is computed whole, from everyone's capacity and minutes.
    AfterHoliday,
}

/// Makes a write that changes the database but no utilization figure.
pub fn touch(client: &mut Client, i: u32) -> Result<()> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let body = format!("{{\"name\":\"Bench touch {i} {nanos}\"}}");
    let res = client.post("/api/v1/accounts", "application/json", body.as_bytes())?;
    if res.status != 201 {
        bail!("POST /api/v1/accounts answered {}: {}", res.status, res.text());
    }
    Ok(())
}

/// A change of worked minutes through `client`: a quarter hour of internal time for
/// `person` on a day of `quarter` that finance has not closed (from two weeks ago on),
/// a different day each call — a few hours a day at most, well inside the day's limit.
pub fn log_time(client: &mut Client, person: i64, quarter: &Quarter) -> Result<()> {
    static CALLS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let today = time::OffsetDateTime::now_utc().date();
    let start = parse_date(&quarter.start)?.max(today - time::Duration::days(14));
    let end = parse_date(&quarter.end)?;
    let days = (end - start).whole_days() + 1;
    let day = start + time::Duration::days(n % days.max(1));
    let body = format!(
        "{{\"person_id\":{person},\"category\":\"admin\",\"date\":\"{day}\",\"minutes\":15,\"billable\":false}}"
    );
    let res = client.post("/api/v1/time-entries", "application/json", body.as_bytes())?;
    if res.status != 201 {
        bail!("POST /api/v1/time-entries answered {}: {}", res.status, res.text());
    }
    Ok(())
}

/// A change of capacity through `client` that no kept report can follow person by
/// person: a holiday added to the first calendar, a different day each call, two years
/// out. Every report computes everyone's capacity and minutes again after it.
pub fn add_holiday(client: &mut Client) -> Result<()> {
    static CALLS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let res = client.get("/api/v1/calendars")?;
    if res.status != 200 {
        bail!("GET /api/v1/calendars answered {}: {}", res.status, res.text());
    }
    let calendars = res.json()?;
    let id = calendars
        .get("items")
        .unwrap_or(&calendars)
        .get(0)
        .and_then(|c| c.get("id"))
        .and_then(serde_json::Value::as_i64)
        .context("the demo has no holiday calendar")?;
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(731 + n);
    let body = format!("{{\"date\":\"{day}\",\"name\":\"Bench day {n}\"}}");
    let path = format!("/api/v1/calendars/{id}/holidays");
    let res = client.post(&path, "application/json", body.as_bytes())?;
    if res.status != 201 {
        bail!("POST {path} answered {}: {}", res.status, res.text());
    }
    Ok(())
}

/// The fiscal quarter holding today: what the home page and a person's own utilization
/// show.
pub fn this_quarter(client: &mut Client) -> Result<Quarter> {
    fiscal_quarter(client, time::OffsetDateTime::now_utc().date())
}

/// `n` timed requests of the quarter's report grouped by `group_by`, after a warm-up;
/// the timings and the last answer.
pub fn time_report(
    client: &mut Client,
    quarter: &Quarter,
    group_by: &str,
    n: u32,
    reading: Reading,
) -> Result<(Samples, serde_json::Value)> {
    let path = format!(
        "/api/v1/reports/utilization?quarter={}&group_by={group_by}",
        quarter.name
    );
    let mut times = Vec::with_capacity(n as usize);
    let mut last = None;
    for i in 0..WARM_UP + n {
        match reading {
            Reading::Again => {}
            Reading::AfterTime(person) => log_time(client, person, quarter)?,
            Reading::AfterHoliday => add_holiday(client)?,
        }
        let (res, took) = client.timed_get(&path)?;
        if res.status != 200 {
            bail!("GET {path} answered {}: {}", res.status, res.text());
        }
        if i >= WARM_UP {
            times.push(took);
        }
        if i + 1 == WARM_UP + n {
            last = Some(res.json()?);
        }
    }
    Ok((Samples::new(times), last.context("no request was made")?))
}

/// Per-person minutes from a `group_by=person` report; people without time are left out,
/// as a `GROUP BY` over entries leaves them out.
pub fn per_person(report: &serde_json::Value) -> Result<Answer> {
    let rows = report
        .get("rows")
        .and_then(serde_json::Value::as_array)
        .context("the utilization report has no rows")?;
    let mut out = Answer::new();
    for r in rows {
        let key = r
            .get("key")
            .and_then(serde_json::Value::as_str)
            .context("a row without a key")?;
        let id: i64 = key.parse().with_context(|| format!("a person row keyed {key:?}"))?;
        let (worked, billable) = minutes(r)?;
        if worked != 0 || billable != 0 {
            out.insert(id, (worked, billable));
        }
    }
    Ok(out)
}

/// Worked and billable minutes of the report's total line.
pub fn total(report: &serde_json::Value) -> Result<(i64, i64)> {
    minutes(report.get("total").context("the utilization report has no total")?)
}

fn minutes(row: &serde_json::Value) -> Result<(i64, i64)> {
    let get = |name: &str| {
        row.get(name)
            .and_then(serde_json::Value::as_i64)
            .with_context(|| format!("a report row without {name}: {row}"))
    };
    Ok((get("worked_minutes")?, get("billable_minutes")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_answer_keeps_people_with_time() {
        let report = json!({
            "rows": [
                {"key": "3", "worked_minutes": 600, "billable_minutes": 450},
                {"key": "4", "worked_minutes": 0, "billable_minutes": 0},
            ],
            "total": {"key": "total", "worked_minutes": 600, "billable_minutes": 450},
        });
        let answer = per_person(&report).expect("reads");
        assert_eq!(answer, Answer::from([(3, (600, 450))]));
        assert_eq!(total(&report).expect("total"), (600, 450));
        assert!(per_person(&json!({"rows": [{"key": "x", "worked_minutes": 1, "billable_minutes": 0}]})).is_err());
        assert!(per_person(&json!({})).is_err());
    }

    #[test]
    fn the_page_writes_quarters_without_the_fy() {
        let q = Quarter {
            name: "FY2027-Q1".into(),
            start: "2026-02-01".into(),
            end: "2026-04-30".into(),
        };
        assert_eq!(q.page_code(), "2027-Q1");
    }
}
