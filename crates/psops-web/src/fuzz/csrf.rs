//! CSRF tokens: the signed-in form token is compared as a secret (equal exactly when
//! equal), and the pre-session token `issued.mac` is read from any text without a panic —
//! a time near `i64::MIN` once overflowed the age — and accepted only within its lifetime.

use proptest::prelude::*;

use crate::ui::pre_session::token_parts;
use crate::ui::session::same_secret;

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn secrets_match_exactly_when_equal(a in any::<String>(), b in any::<String>(), flip in any::<usize>()) {
        prop_assert!(same_secret(&a, &a));
        prop_assert_eq!(same_secret(&a, &b), a == b);
        // One byte changed at any place is a different secret.
        if !a.is_empty() && a.is_ascii() {
            let mut changed = a.clone().into_bytes();
            let i = flip % changed.len();
            changed[i] = if changed[i] == b'0' { b'1' } else { b'0' };
            prop_assert!(!same_secret(&a, &String::from_utf8(changed).unwrap()));
        }
    }

    #[test]
    fn any_token_reads_without_panic(given in prop_oneof![
        any::<String>(),
        "-?[0-9]{0,25}\\.[0-9a-f.]{0,70}",
    ], now in any::<i64>()) {
        if let Some((issued, mac)) = token_parts(&given, now) {
            let head = format!("{issued}.");
            prop_assert!(given.starts_with(&head));
            prop_assert!(given.ends_with(mac));
        }
    }

    #[test]
    fn a_fresh_token_reads_back(age in -60i64..=3600, now in 0i64..4_000_000_000, mac in "[0-9a-f]{64}") {
        let issued = now - age;
        let fresh = format!("{issued}.{mac}");
        prop_assert_eq!(token_parts(&fresh, now), Some((issued, mac.as_str())));
        let old = format!("{}.{mac}", now - 3601);
        prop_assert_eq!(token_parts(&old, now), None);
        let early = format!("{}.{mac}", now + 61);
        prop_assert_eq!(token_parts(&early, now), None);
    }
}

/// Found by `any_token_reads_without_panic`: the age overflowed (a panic in debug builds).
#[test]
fn a_token_from_the_start_of_time_is_expired_not_a_panic() {
    assert_eq!(token_parts("-9223372036854775808.00", 1_800_000_000), None);
    assert_eq!(token_parts("9223372036854775807.00", -1), None);
}
