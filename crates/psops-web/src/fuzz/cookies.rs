//! The `Cookie` header: any bytes a client sends are read without a panic, and among
//! well-formed cookies — in one header or several, in any order, with spaces — the
//! session cookie is found with exactly its value.

use axum::http::{HeaderMap, HeaderValue, header};
use proptest::prelude::*;

use crate::ui::session::{FORM_COOKIE, SESSION_COOKIE, cookie};

/// Cookie values as RFC 6265 allows them (no space, quote, comma, semicolon or backslash).
fn value() -> impl Strategy<Value = String> {
    "[!#-+\\--:<-\\[\\]-~]{0,40}"
}

fn other_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_]{1,16}".prop_filter("not ours", |n| n != SESSION_COOKIE && n != FORM_COOKIE)
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn any_cookie_header_reads_without_panic(raw in proptest::collection::vec(any::<u8>(), 0..300)) {
        let Ok(v) = HeaderValue::from_bytes(&raw) else {
            return Ok(());
        };
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, v);
        if let Some(found) = cookie(&headers, SESSION_COOKIE) {
            prop_assert!(!found.contains(';'));
            prop_assert!(String::from_utf8_lossy(&raw).contains(found));
        }
    }

    #[test]
    fn the_session_cookie_is_found_among_others(
        before in proptest::collection::vec((other_name(), value()), 0..5),
        after in proptest::collection::vec((other_name(), value()), 0..5),
        secret in value(),
        split in any::<bool>(),
        spaces in 0usize..3,
    ) {
        let sep = format!(";{}", " ".repeat(spaces));
        let pair = |(n, v): &(String, String)| format!("{n}={v}");
        let first: Vec<String> = before.iter().map(pair).chain([format!("{SESSION_COOKIE}={secret}")]).collect();
        let rest: Vec<String> = after.iter().map(pair).collect();
        let mut headers = HeaderMap::new();
        if split {
            headers.append(header::COOKIE, HeaderValue::from_str(&first.join(&sep)).unwrap());
            if !rest.is_empty() {
                headers.append(header::COOKIE, HeaderValue::from_str(&rest.join(&sep)).unwrap());
            }
        } else {
            let all: Vec<String> = first.into_iter().chain(rest).collect();
            headers.insert(header::COOKIE, HeaderValue::from_str(&all.join(&sep)).unwrap());
        }
        prop_assert_eq!(cookie(&headers, SESSION_COOKIE), Some(secret.as_str()));
        prop_assert_eq!(cookie(&headers, FORM_COOKIE), None);
    }
}
