//! Harvest, Toggl, Clockify and psops CSV on realistic fixtures: exact totals and fields.

use psops_core::Minutes;
use psops_core::interchange::{DateOrder, Format, Options};
use psops_core::money::{Currency, Money};
use psops_core::time_entries::InternalCategory;
use time::macros::{date, time};

use crate::support::{people, read};

const HARVEST: &[u8] = include_bytes!("../fixtures/interchange/harvest_detailed.csv");
const TOGGL: &[u8] = include_bytes!("../fixtures/interchange/toggl_detailed.csv");
const CLOCKIFY: &[u8] = include_bytes!("../fixtures/interchange/clockify_detailed.csv");
const PSOPS: &[u8] = include_bytes!("../fixtures/interchange/psops_time.csv");

fn usd(minor: i64) -> Option<Money> {
    Some(Money::new(minor, Currency::USD))
}

#[test]
fn harvest_detailed_report() {
    let r = read(Format::Harvest, HARVEST, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 12);
    assert_eq!(r.minutes(), 1820);
    assert_eq!(r.billable_minutes(), 1610);
    assert_eq!(
        r.per_person(),
        people(&[
            ("José da Silva", 260),
            ("Priya Raman", 375),
            ("Zoë Müller", 285),
            ("Łukasz Nowak", 900)
        ])
    );

    let first = &r.rows[0];
    assert_eq!(
        (first.line, first.date, first.minutes),
        (2, date!(2026 - 03 - 02), Minutes(90))
    );
    assert_eq!(first.account.as_deref(), Some("Acme, Inc."));
    assert_eq!(first.project_code.as_deref(), Some("ACME-MIG"));
    assert_eq!(first.note.as_deref(), Some("Cut-over plan, \"phase 1\""));
    assert_eq!(first.person.email, None);
    assert_eq!((first.bill_rate, first.bill_amount), (usd(15000), usd(22500)));
    assert_eq!((first.cost_rate, first.cost_amount), (usd(8000), usd(12000)));
    assert_eq!(first.original.get("Hours"), Some("1.5"));

    // A note spanning three physical lines keeps its line breaks; the next record's line counts them.
    let workshop = &r.rows[1];
    assert_eq!(workshop.line, 3);
    assert_eq!(
        workshop.note.as_deref(),
        Some("Workshop notes:\n- DNS cut-over\n- certificates")
    );
    assert_eq!(r.rows[2].line, 6);
    assert_eq!(r.rows[2].minutes, Minutes(20), "0.33 h is 20 minutes, rounded");
    assert_eq!(r.rows[4].bill_rate, usd(120_000), "1,200.00 with a thousands mark");
    assert_eq!(r.rows[5].minutes, Minutes(45), "0:45");
    assert_eq!(r.rows[6].minutes, Minutes(30), "0,5 with a decimal comma");
    assert_eq!(r.rows[3].billable, Some(false));

    // Identical rows are two entries with two stable keys.
    let (a, b) = (&r.rows[10].source_key, &r.rows[11].source_key);
    assert!(a.starts_with("harvest:") && a.len() == "harvest:".len() + 32, "{a}");
    assert_eq!(b, &format!("{a}-2"));
    let again = read(Format::Harvest, HARVEST, Options::default());
    let keys: Vec<_> = r.rows.iter().map(|r| &r.source_key).collect();
    assert_eq!(keys, again.rows.iter().map(|r| &r.source_key).collect::<Vec<_>>());
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 12);
}

#[test]
fn toggl_detailed_report() {
    let r = read(Format::Toggl, TOGGL, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 10);
    assert_eq!(r.minutes(), 1181);
    assert_eq!(r.billable_minutes(), 1131);
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 500),
            ("lukasz@example.com", 291),
            ("priya@example.com", 180),
            ("zoe.mueller@example.com", 210),
        ])
    );
    let eur = |m| Some(Money::new(m, "EUR".parse().unwrap()));
    let first = &r.rows[0];
    assert_eq!(first.person.name.as_deref(), Some("Zoë Müller"));
    assert_eq!(
        first.person.email.as_deref(),
        Some("zoe.mueller@example.com"),
        "e-mail lower-cased"
    );
    assert_eq!((first.start, first.end), (Some(time!(09:00)), Some(time!(10:30))));
    assert_eq!(first.tags, vec!["onsite", "kickoff"]);
    assert_eq!(first.bill_amount, eur(22500));
    assert_eq!(first.billable, Some(true));
    let second = &r.rows[1];
    assert_eq!(second.minutes, Minutes(45), "00:44:31 rounds to 45");
    assert_eq!(second.note.as_deref(), Some("Notes with a line\nbreak and \"quotes\""));
    assert_eq!(r.rows[2].line, 5);
    assert_eq!(r.rows[3].minutes, Minutes(30), "00:30:29 rounds down");
    assert_eq!(r.rows[4].bill_amount, eur(120_000));
    let internal = &r.rows[5];
    assert_eq!((internal.project.as_deref(), internal.bill_amount), (None, None));
    assert_eq!(
        r.rows[6].date,
        date!(2026 - 03 - 04),
        "an entry past midnight belongs to its start date"
    );
}

#[test]
fn clockify_detailed_report_with_us_dates_and_12_hour_times() {
    let r = read(Format::Clockify, CLOCKIFY, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 9);
    assert_eq!(r.minutes(), 1130);
    assert_eq!(r.billable_minutes(), 1080);
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 500),
            ("lukasz@example.com", 285),
            ("priya@example.com", 195),
            ("zoe@example.com", 150),
        ])
    );
    let second = &r.rows[1];
    assert_eq!(second.date, date!(2026 - 03 - 02));
    assert_eq!((second.start, second.end), (Some(time!(13:30)), Some(time!(14:14:31))));
    assert_eq!(second.minutes, Minutes(45));
    assert_eq!(second.note.as_deref(), Some("Follow-up:\nsend the \"runbook\" draft"));
    assert_eq!(r.rows[2].start, Some(time!(12:00)), "12:00 PM is noon");
    assert_eq!(r.rows[6].start, Some(time!(00:30)), "12:30 AM is after midnight");
    assert_eq!(r.rows[4].bill_amount, usd(120_000));
    assert_eq!(
        (r.rows[4].bill_rate, r.rows[4].currency),
        (usd(15000), Some(Currency::USD))
    );
    assert_eq!(r.rows[7].minutes, Minutes(75), "decimal duration when h:mm:ss is blank");
    assert_eq!(r.rows[5].project, None);
    assert_eq!(r.rows[0].task.as_deref(), Some("Discovery"));

    // The same file read day-first puts 03/05 in May.
    let day_first = Options {
        date_order: Some(DateOrder::DayFirst),
        ..Options::default()
    };
    let r = read(Format::Clockify, CLOCKIFY, day_first);
    assert_eq!(r.rows[0].date, date!(2026 - 02 - 03));
}

#[test]
fn psops_own_csv() {
    let r = read(Format::Psops, PSOPS, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 6);
    assert_eq!(r.minutes(), 555);
    assert_eq!(r.billable_minutes(), 225);
    assert_eq!(r.rows[0].source_key, "harvest:import-1", "a given key is kept");
    assert!(r.rows[1].source_key.starts_with("psops:"));
    assert_eq!(r.rows[1].person.email.as_deref(), Some("lukasz@example.com"));
    assert_eq!(r.rows[1].note.as_deref(), Some("Workshop:\nDNS\nTLS"));
    assert_eq!(r.rows[3].category, Some(InternalCategory::Admin));
    assert_eq!(r.rows[4].billable, None, "blank billable takes the project's default");
    assert_eq!(r.rows[5].category, Some(InternalCategory::PreSales));
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 45),
            ("lukasz@example.com", 135),
            ("priya@example.com", 225),
            ("zoe@example.com", 150),
        ])
    );
}
