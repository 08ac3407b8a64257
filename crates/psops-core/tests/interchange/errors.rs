//! Bad input: every bad record is reported with line, column, value and rule, and reading
//! goes on; a header without a required column is one error naming it.

use psops_core::interchange::{self, Format, Options, RowError};
use psops_core::rule::Rule;

use crate::support::{read, where_what};

const BAD: &[u8] = include_bytes!("../fixtures/interchange/toggl_bad_rows.csv");

fn owned(rows: &[(u64, &str, Rule)]) -> Vec<(u64, String, Rule)> {
    rows.iter().map(|(l, c, r)| (*l, c.to_string(), *r)).collect()
}

#[test]
fn bad_rows_are_reported_exactly_and_good_rows_still_read() {
    let r = read(Format::Toggl, BAD, Options::default());
    assert_eq!(r.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 7]);
    assert_eq!(r.minutes(), 90);
    assert_eq!(
        where_what(&r.errors),
        owned(&[
            (3, "Start date", Rule::Date),
            (4, "User", Rule::Required),
            (5, "Duration", Rule::Duration),
            (5, "Start time", Rule::Time),
            (5, "Billable", Rule::Boolean),
            (5, "Amount (USD)", Rule::Decimal),
            (8, "Duration", Rule::Required),
        ])
    );
    let values: Vec<&str> = r.errors.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(values, ["2026-02-30", "", "1:5", "25:99", "Maybe", "12.345", ""]);
    assert_eq!(r.errors[0].message, "Start date must be a date from 1900 to 2200");
    assert_eq!(
        r.errors[2].to_string(),
        "line 5, column 'Duration', value '1:5': Duration must be a duration like 01:30:00 (duration)"
    );
}

#[test]
fn a_missing_required_column_is_one_error_naming_it() {
    let header_only = "User,Email,Project,Start date,Billable\nZoë,zoe@example.com,X,2026-03-02,Yes\n";
    let Err(e) = interchange::read(Format::Toggl, header_only.as_bytes(), Options::default()) else {
        panic!("a Toggl file without Duration must be refused");
    };
    assert_eq!(
        e,
        RowError::new(
            1,
            "Duration",
            "",
            Rule::MissingColumn,
            "the header has no 'Duration' column"
        )
    );
    let Err(e) = interchange::read(Format::Psops, "date,minutes\n".as_bytes(), Options::default()) else {
        panic!("psops CSV needs person_email");
    };
    assert_eq!((e.column.as_str(), e.rule), ("person_email", Rule::MissingColumn));
}

#[test]
fn unknown_headers_are_refused_by_auto_detection() {
    let Err(e) = interchange::read_auto("foo,bar\n1,2\n".as_bytes(), Options::default()) else {
        panic!("no format has foo,bar");
    };
    assert_eq!((e.line, e.rule), (1, Rule::UnknownFormat));
}

#[test]
fn invalid_utf8_and_broken_quotes_skip_only_their_record() {
    let mut bytes =
        b"date,person_email,minutes\n2026-03-02,a@example.com,30\n2026-03-02,b\xff@example.com,30\n".to_vec();
    bytes.extend_from_slice(b"2026-03-03,c@example.com,45\n");
    let r = read(Format::Psops, &bytes, Options::default());
    assert_eq!(r.rows.len(), 2);
    assert_eq!(where_what(&r.errors), owned(&[(3, "", Rule::Utf8)]));
}

#[test]
fn psops_csv_rules() {
    let text = "date,person_email,person_name,project,category,minutes,billable\n\
                03/02/2026,a@example.com,,P,,30,true\n\
                2026-03-02,,,P,,1:30,yes\n\
                2026-03-02,a@example.com,,,lunch,30,\n";
    let r = read(Format::Psops, text.as_bytes(), Options::default());
    assert!(r.rows.is_empty());
    assert_eq!(
        where_what(&r.errors),
        owned(&[
            (2, "date", Rule::Date),
            (3, "minutes", Rule::Minutes),
            (3, "person_email", Rule::Required),
            (4, "category", Rule::OneOf),
        ])
    );
}

#[test]
fn kantata_json_errors_name_the_entry_and_field() {
    let json = r#"{"time_entries": {
        "1": {"id": "1", "date_performed": "2026-03-02", "time_in_minutes": "ninety", "user_id": "5"},
        "2": {"id": "2", "date_performed": "2026-03-02", "time_in_minutes": 30, "rate_in_cents": 100, "user_id": "5"}
    }, "users": {"5": {"full_name": "Zoë Müller"}}}"#;
    let r = read(Format::Kantata, json.as_bytes(), Options::default());
    assert!(r.rows.is_empty());
    assert_eq!(
        where_what(&r.errors),
        owned(&[
            (1, "time_in_minutes", Rule::Minutes),
            (2, "rate_in_cents", Rule::Currency)
        ])
    );
    let Err(e) = interchange::read(Format::Kantata, "{\"users\": {}}".as_bytes(), Options::default()) else {
        panic!("JSON without time entries must be refused");
    };
    assert_eq!((e.column.as_str(), e.rule), ("time_entries", Rule::MissingColumn));
    let Err(e) = interchange::read(Format::Kantata, "{\"time_entries\": ".as_bytes(), Options::default()) else {
        panic!("truncated JSON must be refused");
    };
    assert_eq!(e.rule, Rule::Json);
}
