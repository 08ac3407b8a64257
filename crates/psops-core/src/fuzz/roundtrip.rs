//! Export then import with hostile text: names, projects and notes that start formulas,
//! carry quotes, delimiters, line ends, BOMs and odd Unicode come back as they went out
//! (trimmed, line ends as `\n`), in each shape psops writes.

use proptest::prelude::*;
use time::{Date, Duration};

use crate::Minutes;
use crate::interchange::values::clean_note;
use crate::interchange::{self, ExportRow, Format, Options};

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[=+\\-@'\"\t ]{0,3}[a-zA-Z0-9 ,;:\"'\r\n\té€\u{feff}\u{202e}\u{1F600}=+\\-@]{0,40}",
    ]
}

prop_compose! {
    fn row()(
        day in 0i64..3000,
        minutes in 1i64..=1440,
        billable in any::<bool>(),
        name in hostile(),
        project in hostile(),
        note in hostile(),
    ) -> ExportRow {
        ExportRow {
            date: Date::from_ordinal_date(2020, 1).unwrap() + Duration::days(day),
            person_name: name,
            person_email: "zoe@example.com".into(),
            account: Some("Acme".into()),
            account_code: None,
            project: Some(project),
            project_code: None,
            category: None,
            task: None,
            minutes: Minutes(minutes),
            billable,
            note: Some(note),
            bill_rate: None,
            cost_rate: None,
            source_key: None,
        }
    }
}

fn write(format: Format, rows: Vec<ExportRow>) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        Format::Psops => interchange::write_psops(&mut out, rows),
        Format::Kimai => interchange::write_kimai(&mut out, rows),
        _ => interchange::write_harvest(&mut out, rows),
    }
    .expect("writing to memory");
    out
}

/// A cell's text as a reader sees it: trimmed, empty as none.
fn cell(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn hostile_text_reads_back(
        rows in proptest::collection::vec(row(), 1..5),
        format in prop_oneof![Just(Format::Psops), Just(Format::Kimai), Just(Format::Harvest)],
    ) {
        // Harvest names people only by name: a blank one is rightly refused on reading.
        let rows: Vec<ExportRow> = rows
            .into_iter()
            .map(|mut r| {
                if format == Format::Harvest && r.person_name.trim().is_empty() {
                    r.person_name.insert_str(0, "Zoë");
                }
                r
            })
            .collect();
        let bytes = write(format, rows.clone());
        let (detected, read) = interchange::read_auto(&bytes[..], Options::default())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(detected, format);
        let read: Vec<_> = read.collect();
        prop_assert_eq!(read.len(), rows.len());
        for (sent, got) in rows.iter().zip(read) {
            let got = got.map_err(|e| TestCaseError::fail(format!("{format}: {e:?}")))?;
            prop_assert_eq!(got.date, sent.date);
            prop_assert_eq!(got.minutes, sent.minutes);
            prop_assert_eq!(&got.note, &clean_note(sent.note.as_deref()), "{}", format);
            prop_assert_eq!(&got.project, &sent.project.as_deref().and_then(cell), "{}", format);
            if format == Format::Psops {
                prop_assert_eq!(&got.person.name, &cell(&sent.person_name));
            }
        }
    }
}

/// Found by `hostile_text_reads_back`: a name that was only a tab was written `'` + tab
/// and read back as `'`, because the reader trimmed before undoing the writer's quote.
#[test]
fn white_space_that_starts_like_a_formula_reads_back_as_nothing() {
    let mut out = Vec::new();
    let row = ExportRow {
        date: Date::from_ordinal_date(2026, 1).unwrap(),
        person_name: "\t".into(),
        person_email: "zoe@example.com".into(),
        account: None,
        account_code: None,
        project: Some("\r\n Migration ".into()),
        project_code: None,
        category: None,
        task: None,
        minutes: Minutes(30),
        billable: false,
        note: Some("\t".into()),
        bill_rate: None,
        cost_rate: None,
        source_key: None,
    };
    interchange::write_psops(&mut out, [row]).unwrap();
    let (_, mut rows) = interchange::read_auto(&out[..], Options::default()).unwrap();
    let got = rows.next().unwrap().unwrap();
    assert_eq!(got.person.name, None);
    assert_eq!(got.note, None);
    assert_eq!(got.project.as_deref(), Some("Migration"));
}
