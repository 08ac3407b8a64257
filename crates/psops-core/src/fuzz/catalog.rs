//! The catalog file (YAML): noise and the handbook broken are read or refused with the
//! line (or `file`) named; whatever reads prints and reads back as itself.

use proptest::prelude::*;

use super::mutate::{mutated, noise};
use crate::catalog::file::{parse, print};

const HANDBOOK: &str = include_str!("../catalog/handbook.yaml");

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn catalog_files_read_or_name_their_lines(input in prop_oneof![noise(), mutated(HANDBOOK)]) {
        match parse(&String::from_utf8_lossy(&input)) {
            Ok(file) => {
                let again = parse(&print(&file));
                prop_assert_eq!(again.as_ref().ok(), Some(&file), "{:?}", again.as_ref().err());
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.field.starts_with("line ") || e.field == "file", "{e:?}");
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }
}

/// YAML aliases can multiply a small file into a huge one ("billion laughs"); the file
/// must be refused or read quickly, not expanded without end.
#[test]
fn aliases_do_not_blow_up() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 { "a".to_string() } else { format!("l{}", i - 1) };
        text.push_str(&format!(
            "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let started = std::time::Instant::now();
    assert!(parse(&text).is_err(), "not a catalog");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_handbook_prints_and_reads_back() {
    let file = parse(HANDBOOK).expect("the handbook reads");
    assert_eq!(parse(&print(&file)).ok(), Some(file));
}
