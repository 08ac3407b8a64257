//! Durations as people and exports type them: any text is a duration or an error on the
//! field `minutes`; every duration psops writes reads back as itself.

use proptest::prelude::*;

use crate::Minutes;
use crate::error::Error;

/// Text near the grammar: digits, separators, units, signs and odd digits.
fn near_durations() -> impl Strategy<Value = String> {
    "[0-9:.,hm \\-+٣Ⅻ\u{feff}]{0,30}"
}

fn refused_on_minutes(e: &Error) -> bool {
    matches!(e, Error::Invalid(errors) if errors.iter().all(|f| f.field == "minutes" && !f.message.is_empty()))
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn any_text_is_a_duration_or_names_the_field(s in prop_oneof![any::<String>(), near_durations()]) {
        for parsed in [Minutes::parse(&s), Minutes::parse_rounded(&s)] {
            match parsed {
                Ok(m) => prop_assert!(m.get() >= 0, "{s:?} parsed as {m:?}"),
                Err(e) => prop_assert!(refused_on_minutes(&e), "{s:?}: {e:?}"),
            }
        }
    }

    #[test]
    fn written_durations_read_back(m in 0i64..1_000_000_000) {
        let m = Minutes(m);
        prop_assert_eq!(Minutes::parse(&m.clock_text()).ok(), Some(m));
        prop_assert_eq!(Minutes::parse(&m.to_string()).ok(), Some(m));
        prop_assert_eq!(Minutes::parse(&format!("{}m", m.get())).ok(), Some(m));
        // Hundredths of an hour are within 0.3 minutes, so rounding gives the minute back.
        prop_assert_eq!(Minutes::parse_rounded(&m.hours_text()).ok(), Some(m));
    }
}
