//! Export then import: psops, Kimai and Harvest shapes give back the same dates, minutes,
//! billable flags, notes, people and projects, and resolve to the same psops ids.

use proptest::prelude::*;
use psops_core::Id;
use psops_core::Minutes;
use psops_core::interchange::mapping::{Directory, Mapping, resolve};
use psops_core::interchange::{self, ExportRow, Format, Options, SourceRow};
use psops_core::money::{Currency, Money};
use psops_core::time_entries::InternalCategory;
use time::{Date, Duration, macros::date};

const PEOPLE: [(&str, &str); 4] = [
    ("Zoë Müller", "zoe@example.com"),
    ("Łukasz Nowak", "lukasz@example.com"),
    ("José da Silva", "jose@example.com"),
    ("Priya Raman", "priya@example.com"),
];
/// (account, account code, project, project code)
const PROJECTS: [(&str, &str, &str, &str); 3] = [
    ("Acme, Inc.", "C-001", "Cloud Migration", "ACME-MIG"),
    ("Globex", "C-002", "Data Platform \"DP\"", "GLX-DP"),
    ("Müller & Söhne; GmbH", "C-003", "Schulung", "MS-SCH"),
];
const CATEGORIES: [InternalCategory; 3] = [
    InternalCategory::Admin,
    InternalCategory::PreSales,
    InternalCategory::ToolsEnablement,
];

fn directory() -> Directory {
    let mut d = Directory::default();
    for (i, (name, email)) in PEOPLE.iter().enumerate() {
        d.add_person(Id::new(i as i64 + 1), email, name);
    }
    for (i, (account, code, project, pcode)) in PROJECTS.iter().enumerate() {
        d.add_account(Id::new(i as i64 + 10), account, Some(code));
        d.add_project(
            Id::new(i as i64 + 100),
            Some(Id::new(i as i64 + 10)),
            project,
            Some(pcode),
        );
    }
    d
}

prop_compose! {
    fn export_row()(
        day in 0i64..730,
        person in 0usize..4,
        work in 0usize..6,
        minutes in 1i64..=1440,
        billable in any::<bool>(),
        note in "[a-zA-Z0-9 ,;:\"'\\nÄéŁ€-]{0,40}",
        rate in proptest::option::of(0i64..100_000),
        cost in proptest::option::of(0i64..50_000),
    ) -> ExportRow {
        let (name, email) = PEOPLE[person];
        let project = PROJECTS.get(work);
        let note = note.trim().to_string();
        ExportRow {
            date: date!(2025 - 01 - 01) + Duration::days(day),
            person_name: name.into(),
            person_email: email.into(),
            account: project.map(|p| p.0.into()),
            account_code: project.map(|p| p.1.into()),
            project: project.map(|p| p.2.into()),
            project_code: project.map(|p| p.3.into()),
            category: if project.is_none() { Some(CATEGORIES[work - 3]) } else { None },
            task: None,
            minutes: Minutes(minutes),
            billable: billable && project.is_some(),
            note: (!note.is_empty()).then_some(note),
            bill_rate: rate.map(|r| Money::new(r, Currency::USD)),
            cost_rate: cost.map(|c| Money::new(c, Currency::USD)),
            source_key: None,
        }
    }
}

fn write(format: Format, rows: Vec<ExportRow>) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        Format::Psops => interchange::write_psops(&mut out, rows),
        Format::Kimai => interchange::write_kimai(&mut out, rows),
        Format::Harvest => interchange::write_harvest(&mut out, rows),
        other => panic!("psops does not write {other}"),
    }
    .unwrap();
    out
}

fn read_back(format: Format, bytes: &[u8]) -> Vec<SourceRow> {
    let (detected, rows) = interchange::read_auto(bytes, Options::default()).unwrap();
    assert_eq!(detected, format);
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e:?}"))).collect()
}

/// What every shape must keep, as psops ids after resolving.
fn same_entry(format: Format, sent: &ExportRow, got: &SourceRow, dir: &Directory) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.date, sent.date);
    prop_assert_eq!(got.minutes, sent.minutes, "{} minutes", format);
    prop_assert_eq!(got.billable, Some(sent.billable));
    prop_assert_eq!(&got.note, &sent.note);
    prop_assert_eq!(got.person.name.as_deref(), Some(sent.person_name.as_str()));
    prop_assert_eq!(&got.project, &sent.project);
    let ids = resolve(got, dir, &Mapping::default()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let person = PEOPLE.iter().position(|p| p.0 == sent.person_name).unwrap_or(99) as i64 + 1;
    prop_assert_eq!(ids.person_id, Id::new(person));
    let project = PROJECTS.iter().position(|p| Some(p.2) == sent.project.as_deref());
    prop_assert_eq!(ids.project_id, project.map(|p| Id::new(p as i64 + 100)));
    prop_assert_eq!(ids.category, sent.category);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn psops_csv_round_trips(rows in proptest::collection::vec(export_row(), 1..20)) {
        let back = read_back(Format::Psops, &write(Format::Psops, rows.clone()));
        prop_assert_eq!(back.len(), rows.len());
        let dir = directory();
        for (sent, got) in rows.iter().zip(&back) {
            same_entry(Format::Psops, sent, got, &dir)?;
            prop_assert_eq!(got.person.email.as_deref(), Some(sent.person_email.as_str()));
            prop_assert_eq!(got.category, sent.category);
        }
    }

    #[test]
    fn kimai_csv_round_trips(rows in proptest::collection::vec(export_row(), 1..20)) {
        let back = read_back(Format::Kimai, &write(Format::Kimai, rows.clone()));
        prop_assert_eq!(back.len(), rows.len());
        let dir = directory();
        for (sent, got) in rows.iter().zip(&back) {
            same_entry(Format::Kimai, sent, got, &dir)?;
            prop_assert_eq!(got.person.email.as_deref(), Some(sent.person_email.as_str()));
            prop_assert_eq!(&got.project_code, &sent.project_code);
            prop_assert_eq!(got.bill_rate, sent.bill_rate);
        }
    }

    #[test]
    fn harvest_csv_round_trips(rows in proptest::collection::vec(export_row(), 1..20)) {
        let back = read_back(Format::Harvest, &write(Format::Harvest, rows.clone()));
        prop_assert_eq!(back.len(), rows.len());
        let dir = directory();
        for (sent, got) in rows.iter().zip(&back) {
            same_entry(Format::Harvest, sent, got, &dir)?;
            prop_assert_eq!(&got.account, &sent.account);
            prop_assert_eq!((got.bill_rate, got.cost_rate), (sent.bill_rate, sent.cost_rate));
        }
    }
}

#[test]
fn exported_psops_rows_keep_their_import_keys() {
    let row = ExportRow {
        date: Date::from_calendar_date(2026, time::Month::March, 2).unwrap(),
        person_name: "Zoë Müller".into(),
        person_email: "zoe@example.com".into(),
        account: Some("Acme, Inc.".into()),
        account_code: None,
        project: Some("Cloud Migration".into()),
        project_code: Some("ACME-MIG".into()),
        category: None,
        task: Some("Engineering".into()),
        minutes: Minutes(20),
        billable: true,
        note: Some("line one\nline \"two\"".into()),
        bill_rate: Some(Money::new(10_000, Currency::USD)),
        cost_rate: None,
        source_key: Some("toggl:abc".into()),
    };
    let back = read_back(Format::Psops, &write(Format::Psops, vec![row.clone()]));
    assert_eq!(back[0].source_key, "toggl:abc");
    let harvest = String::from_utf8(write(Format::Harvest, vec![row.clone()])).unwrap();
    // 20 minutes is 0.33 h in Harvest's two decimals; 100.00/h for it is 33.33.
    assert!(harvest.contains(",0.33,Yes,"), "{harvest}");
    assert!(harvest.contains(",100.00,33.33,"), "{harvest}");
    let back = read_back(Format::Harvest, harvest.as_bytes());
    assert_eq!(
        (back[0].minutes, back[0].task.as_deref()),
        (Minutes(20), Some("Engineering"))
    );
    // Reading the same export twice gives the same keys: a re-import adds nothing.
    let again = read_back(Format::Harvest, harvest.as_bytes());
    assert_eq!(back[0].source_key, again[0].source_key);
}
