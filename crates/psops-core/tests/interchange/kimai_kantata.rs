//! Kimai (English labels, German labels, field keys) and Kantata (CSV and JSON).

use psops_core::Minutes;
use psops_core::interchange::{self, Format, Options};
use psops_core::money::{Currency, Money};
use time::macros::{date, time};

use crate::support::{collect, people, read};

const KIMAI_EN: &[u8] = include_bytes!("../fixtures/interchange/kimai_en.csv");
const KIMAI_DE: &[u8] = include_bytes!("../fixtures/interchange/kimai_de.csv");
const KIMAI_KEYS: &[u8] = include_bytes!("../fixtures/interchange/kimai_keys.csv");
const KANTATA_CSV: &[u8] = include_bytes!("../fixtures/interchange/kantata_time_entries.csv");
const KANTATA_JSON: &[u8] = include_bytes!("../fixtures/interchange/kantata_time_entries.json");

fn eur(minor: i64) -> Option<Money> {
    Some(Money::new(minor, "EUR".parse().unwrap()))
}

#[test]
fn kimai_english_export() {
    let r = read(Format::Kimai, KIMAI_EN, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 10);
    assert_eq!(r.minutes(), 1515);
    assert_eq!(r.billable_minutes(), 1450);
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 740),
            ("lukasz@example.com", 180),
            ("priya@example.com", 295),
            ("zoe@example.com", 300),
        ])
    );
    let first = &r.rows[0];
    assert_eq!(
        first.person.name.as_deref(),
        Some("Zoë Müller"),
        "User, the display name"
    );
    assert_eq!(
        (first.account.as_deref(), first.account_code.as_deref()),
        (Some("Acme, Inc."), Some("C-001"))
    );
    assert_eq!(first.project_code.as_deref(), Some("ACME-MIG"));
    assert_eq!(first.task.as_deref(), Some("Engineering"));
    assert_eq!(
        (first.bill_amount, first.bill_rate, first.cost_amount),
        (eur(15000), eur(10000), eur(9000))
    );
    assert_eq!(first.tags, vec!["onsite", "kickoff"]);
    assert_eq!(r.rows[1].note.as_deref(), Some("Workshop:\n1) DNS\n2) TLS"));
    assert_eq!(r.rows[2].line, 6);
    assert_eq!(r.rows[4].bill_amount, eur(112_500));
    assert_eq!(r.rows[5].minutes, Minutes(90), "decimal 1.5 beside h:mm");
    let admin = &r.rows[6];
    assert_eq!((admin.project.as_deref(), admin.task.as_deref()), (None, Some("admin")));
}

#[test]
fn kimai_german_export_with_semicolons_and_decimal_commas() {
    let r = read(Format::Kimai, KIMAI_DE, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 6);
    assert_eq!(r.minutes(), 690);
    assert_eq!(r.billable_minutes(), 660);
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 30),
            ("lukasz@example.com", 135),
            ("priya@example.com", 360),
            ("zoe@example.com", 165),
        ])
    );
    let first = &r.rows[0];
    assert_eq!(first.date, date!(2026 - 03 - 02), "02.03.2026 is the 2nd of March");
    assert_eq!(first.account.as_deref(), Some("Müller & Söhne GmbH"));
    assert_eq!(first.task.as_deref(), Some("Entwicklung"));
    assert_eq!(first.note.as_deref(), Some("Umstellung; Teil 1"));
    assert_eq!(first.billable, Some(true), "Ja");
    assert_eq!(r.rows[2].billable, Some(false), "Nein");
    assert_eq!(r.rows[2].minutes, Minutes(30), "0,5");
    assert_eq!(r.rows[3].bill_amount, eur(120_000), "1.200,00");
    assert_eq!(r.rows[1].line, 3);
    assert_eq!(r.rows[2].line, 5);
}

#[test]
fn kimai_field_keys_with_timestamps_and_seconds() {
    let r = read(Format::Kimai, KIMAI_KEYS, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.iter().map(|r| r.minutes.get()).collect::<Vec<_>>(), [90, 45, 60]);
    assert_eq!(r.billable_minutes(), 135);
    let first = &r.rows[0];
    assert_eq!(
        (first.date, first.start, first.end),
        (date!(2026 - 03 - 02), Some(time!(09:00)), Some(time!(10:30)))
    );
    assert_eq!(
        (first.bill_rate, first.bill_amount, first.cost_amount),
        (eur(10000), eur(15000), eur(9000))
    );
    assert_eq!(r.rows[1].tags, vec!["pair", "remote"]);
    assert_eq!(r.rows[2].billable, Some(false));
}

#[test]
fn kantata_flat_csv() {
    let r = read(Format::Kantata, KANTATA_CSV, Options::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.rows.len(), 6);
    assert_eq!(r.minutes(), 1020);
    assert_eq!(r.billable_minutes(), 990);
    assert_eq!(
        r.per_person(),
        people(&[
            ("jose@example.com", 270),
            ("lukasz@example.com", 135),
            ("priya@example.com", 480),
            ("zoe.mueller@example.com", 135),
        ])
    );
    let keys: Vec<&str> = r.rows.iter().map(|r| r.source_key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "kantata:81",
            "kantata:82",
            "kantata:83",
            "kantata:84",
            "kantata:85",
            "kantata:86"
        ]
    );
    assert_eq!(r.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 5, 6, 7, 8]);
    assert_eq!(r.rows[0].bill_rate, Some(Money::new(15000, Currency::USD)));
    assert_eq!(r.rows[1].note.as_deref(), Some("Workshop:\nDNS, TLS"));
    assert_eq!(r.rows[2].task, None);
    assert_eq!(r.rows[5].account.as_deref(), Some("Initech"));
}

#[test]
fn kantata_api_json() {
    let (format, rows) = interchange::read_auto(KANTATA_JSON, Options::default()).unwrap();
    assert_eq!(format, Format::Kantata);
    let r = collect(rows);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let keys: Vec<&str> = r.rows.iter().map(|r| r.source_key.as_str()).collect();
    assert_eq!(
        keys,
        ["kantata:1207", "kantata:1203", "kantata:1210", "kantata:1211"],
        "the results order"
    );
    assert_eq!(r.minutes(), 495);
    assert_eq!(r.billable_minutes(), 465);
    let zoe = &r.rows[1];
    assert_eq!(zoe.person.email.as_deref(), Some("zoe.mueller@example.com"));
    assert_eq!(zoe.person.name.as_deref(), Some("Zoë Müller"));
    assert_eq!(zoe.project.as_deref(), Some("Cloud Migration"));
    assert_eq!(zoe.account.as_deref(), Some("Acme, Inc."));
    assert_eq!(zoe.task.as_deref(), Some("Engineering"));
    assert_eq!(zoe.note.as_deref(), Some("Cut-over plan, \"phase 1\""));
    assert_eq!(r.rows[0].task, None, "a null story");
    // Without its own currency an entry takes its workspace's.
    assert_eq!(r.rows[3].bill_rate, eur(20000));
    assert_eq!(r.rows[3].account.as_deref(), Some("Globex"));
    assert_eq!(r.rows[3].note, None);
    assert_eq!(r.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 3, 4]);
    // Reading it with the explicit format gives the same rows.
    let explicit = read(Format::Kantata, KANTATA_JSON, Options::default());
    assert_eq!(explicit.rows, r.rows);
}
