//! Recognising each export from its header row.

use psops_core::interchange::{self, Format, Options};

fn header(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap().trim_start_matches('\u{feff}');
    let line = text.lines().next().unwrap();
    let sep = if line.contains(';') { ';' } else { ',' };
    line.split(sep).map(str::to_string).collect()
}

#[test]
fn each_fixture_is_recognised_from_its_header() {
    let cases: [(&[u8], Format); 8] = [
        (
            include_bytes!("../fixtures/interchange/harvest_detailed.csv"),
            Format::Harvest,
        ),
        (
            include_bytes!("../fixtures/interchange/toggl_detailed.csv"),
            Format::Toggl,
        ),
        (include_bytes!("../fixtures/interchange/kimai_en.csv"), Format::Kimai),
        (include_bytes!("../fixtures/interchange/kimai_de.csv"), Format::Kimai),
        (include_bytes!("../fixtures/interchange/kimai_keys.csv"), Format::Kimai),
        (
            include_bytes!("../fixtures/interchange/clockify_detailed.csv"),
            Format::Clockify,
        ),
        (
            include_bytes!("../fixtures/interchange/kantata_time_entries.csv"),
            Format::Kantata,
        ),
        (include_bytes!("../fixtures/interchange/psops_time.csv"), Format::Psops),
    ];
    for (bytes, want) in cases {
        assert_eq!(interchange::detect(&header(bytes)), Some(want));
        let (got, rows) = interchange::read_auto(bytes, Options::default()).unwrap();
        assert_eq!(got, want);
        assert!(rows.map(|r| r.unwrap()).all(|r| r.format == want));
    }
}

#[test]
fn headers_match_without_regard_to_case_or_spacing() {
    let shouting = ["DATE", "person_email", "MINUTES"];
    assert_eq!(interchange::detect(&shouting), Some(Format::Psops));
    let toggl = ["user", "email", "start date", "duration", "amount (GBP)"];
    assert_eq!(interchange::detect(&toggl), Some(Format::Toggl));
    assert_eq!(interchange::detect(&["name", "age"]), None);
    assert_eq!(interchange::detect::<&str>(&[]), None);
}

#[test]
fn format_codes_parse_back() {
    for f in Format::ALL {
        assert_eq!(f.code().parse::<Format>().unwrap(), f);
    }
    assert!("excel".parse::<Format>().is_err());
}
