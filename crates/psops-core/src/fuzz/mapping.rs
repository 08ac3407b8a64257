//! The mapping file (`kind,source,target`): noise and a valid file broken are read or
//! refused line by line, never a panic.

use proptest::prelude::*;

use super::mutate::{mutated, noise};
use crate::interchange::mapping::Mapping;

const VALID: &str = "kind,source,target\r\nperson,Zoe M.,zoe@example.com\r\naccount,ACME,Acme Inc.\r\n\
project,\"Migration, phase 1\",ACME-MIG\r\nproject,Internal,admin\r\n";

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn mapping_files_read_or_name_their_lines(input in prop_oneof![noise(), mutated(VALID)]) {
        if let Err(errors) = Mapping::parse(&input[..]) {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!(e.line >= 1, "{e:?}");
                prop_assert!(!e.message.is_empty(), "{e:?}");
            }
        }
    }
}

#[test]
fn the_seed_is_valid() {
    assert_eq!(Mapping::parse(VALID.as_bytes()).map(|m| m.len()), Ok(4));
}
