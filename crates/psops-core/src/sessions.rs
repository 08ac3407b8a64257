//! Web sessions, one-time setup links and sign-in throttling. Sessions live in the
//! database so several `psops serve` nodes share them; only hashes of the secrets are
//! stored.

use time::{Duration, OffsetDateTime};

use crate::auth::UserId;

/// How long a session lives without use, and at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::hours(8),
            absolute: Duration::days(7),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the cookie's secret, hex.
    pub id_hash: String,
    pub user_id: UserId,
    /// The token every state-changing form must echo.
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The absolute end of the session.
    pub expires_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

impl Session {
    /// A session works until it is ended, idles out, or reaches its absolute end.
    pub fn is_live(&self, now: OffsetDateTime, limits: SessionLimits) -> bool {
        self.ended_at.is_none() && now < self.expires_at && now - self.last_seen_at < limits.idle
    }
}

/// How failed sign-ins are throttled, so that guessing is slow and nobody can lock
/// someone else out from another address: `max_failures` within the window block an
/// account from the one address that failed them; an address that fails four times as
/// often, across accounts, is blocked whatever it tries; and an account failing from
/// anywhere only slows down — each try waits a little after its latest failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub max_failures: i64,
    pub window: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
        }
    }
}

/// The longest an account's next try waits after its latest failure.
pub const MAX_ACCOUNT_BACKOFF: Duration = Duration::seconds(30);

impl Throttle {
    /// Failures within the window, across accounts, that block an address.
    pub fn max_address_failures(&self) -> i64 {
        self.max_failures * 4
    }

    /// How long after an account's latest failure its next try must wait, when it has
    /// `failures` within the window: nothing below `max_failures`, then 1 s, doubling
    /// with each further failure, never more than [`MAX_ACCOUNT_BACKOFF`].
    pub fn account_backoff(&self, failures: i64) -> Duration {
        let over = failures - self.max_failures;
        if over < 0 {
            return Duration::ZERO;
        }
        let seconds = 1i64 << over.min(16);
        Duration::seconds(seconds).min(MAX_ACCOUNT_BACKOFF)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Id;
    use time::macros::datetime;

    #[test]
    fn an_account_only_slows_down_while_a_pair_and_an_address_stop() {
        let t = Throttle::default();
        assert_eq!(t.account_backoff(4), Duration::ZERO);
        assert_eq!(t.account_backoff(5), Duration::seconds(1));
        assert_eq!(t.account_backoff(7), Duration::seconds(4));
        assert_eq!(t.account_backoff(500), MAX_ACCOUNT_BACKOFF);
        assert_eq!(t.max_address_failures(), 20);
    }

    #[test]
    fn sessions_end_by_idling_expiry_or_sign_out() {
        let t0 = datetime!(2026-11-25 9:00 UTC);
        let limits = SessionLimits::default();
        let mut s = Session {
            id_hash: "h".into(),
            user_id: Id::new(1),
            csrf_token: "c".into(),
            created_at: t0,
            last_seen_at: t0,
            expires_at: t0 + limits.absolute,
            ended_at: None,
        };
        assert!(s.is_live(t0 + Duration::hours(1), limits));
        assert!(!s.is_live(t0 + Duration::hours(9), limits), "idle too long");
        s.last_seen_at = t0 + Duration::days(7) - Duration::minutes(1);
        assert!(!s.is_live(t0 + Duration::days(7), limits), "past the absolute end");
        s.last_seen_at = t0;
        s.ended_at = Some(t0);
        assert!(!s.is_live(t0, limits), "signed out");
    }
}
