//! Webhook signatures: HMAC-SHA256 with the subscription's secret over
//! `<timestamp>.<body>`, sent as `Psops-Signature: t=<unix seconds>,v1=<hex>`. The
//! timestamp is signed too, so a captured delivery cannot be replayed later with a new
//! time; a receiver checks the signature and that the time is recent.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header the signature is sent in.
pub const SIGNATURE_HEADER: &str = "Psops-Signature";
/// The header naming the event kind, for receivers that route before parsing.
pub const EVENT_HEADER: &str = "Psops-Event";
/// The header carrying the event's idempotency id (also the payload's `id`).
pub const ID_HEADER: &str = "Psops-Event-Id";
/// How far a signature's time may lie from the receiver's clock, by default.
pub const TOLERANCE: time::Duration = time::Duration::minutes(5);

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The signature header's value for `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is not t=<seconds>,v1=<hex>")]
    Malformed,
    #[error("the signature's time is too far from now")]
    Stale,
    #[error("no v1 signature matches the body")]
    Mismatch,
}

/// Checks a signature header against the body received at `now` (Unix seconds): its
/// time within `tolerance` of now and one of its `v1` signatures (several are allowed,
/// for a secret being replaced) matching, compared in constant time.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance: time::Duration,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut tags = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            Some(("v1", v)) => tags.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?),
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if tags.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if now.abs_diff(timestamp) > tolerance.whole_seconds().unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, body);
    if tags.iter().any(|tag| expected.clone().verify_slice(tag).is_ok()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","event":"ping"}"#;

    #[test]
    fn webhook_signature_verifies_and_is_hmac_sha256_of_time_dot_body() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        // Known answer: HMAC-SHA256("whsec_test", "1700000000." + body), as any HMAC
        // library computes it.
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
        m.update(b"1700000000.");
        m.update(BODY);
        assert_eq!(
            header,
            format!("t=1700000000,v1={}", hex::encode(m.finalize().into_bytes()))
        );
        assert_eq!(verify(SECRET, &header, BODY, 1_700_000_030, TOLERANCE), Ok(()));
    }

    #[test]
    fn webhook_signature_refuses_other_body_secret_time_or_shape() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        let now = 1_700_000_000;
        assert_eq!(
            verify(SECRET, &header, b"{}", now, TOLERANCE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", &header, BODY, now, TOLERANCE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, &header, BODY, now + 301, TOLERANCE),
            Err(SignatureError::Stale)
        );
        // A hostile time is stale, not an overflow.
        assert_eq!(
            verify(SECRET, "t=-9223372036854775808,v1=00", BODY, now, TOLERANCE),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, "t=9223372036854775807,v1=00", BODY, -now, TOLERANCE),
            Err(SignatureError::Stale)
        );
        // The time is signed: moving it breaks the signature.
        let moved = header.replace("t=1700000000", "t=1700000100");
        assert_eq!(
            verify(SECRET, &moved, BODY, now + 100, TOLERANCE),
            Err(SignatureError::Mismatch)
        );
        for bad in [
            "",
            "v1=00",
            "t=1700000000",
            "t=x,v1=00",
            "t=1700000000,v1=zz",
            "nonsense",
        ] {
            assert_eq!(
                verify(SECRET, bad, BODY, now, TOLERANCE),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        // A second v1 (an old secret's) does not stop the right one matching.
        let both = format!("{header},v1={}", "00".repeat(32));
        assert_eq!(verify(SECRET, &both, BODY, now, TOLERANCE), Ok(()));
    }
}
