//! How webhook deliveries are retried, and when a subscription that keeps failing is
//! disabled. The retry schedule is the notification outbox's [`RetryPolicy`].

use crate::notify::RetryPolicy;

/// Retries of one delivery, and the failures in a row after which its subscription is
/// disabled (a receiver that is gone should not be called for ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookPolicy {
    pub retry: RetryPolicy,
    /// Failed tries in a row, over all of a subscription's deliveries, that disable it.
    pub disable_after: i64,
}

impl Default for WebhookPolicy {
    /// Eight tries over about four hours (1, 2, 4 … 64 minutes apart); disabled after 20
    /// failed tries in a row.
    fn default() -> Self {
        Self {
            retry: RetryPolicy {
                max_attempts: 8,
                first_wait: time::Duration::minutes(1),
                longest_wait: time::Duration::hours(6),
            },
            disable_after: 20,
        }
    }
}

impl WebhookPolicy {
    /// Whether a subscription with `failures` failed tries in a row is disabled.
    pub fn disables(&self, failures: i64) -> bool {
        failures >= self.disable_after
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_retries_back_off_then_disable() {
        let p = WebhookPolicy::default();
        let mins: Vec<_> = (1..=8)
            .map(|n| p.retry.wait_after(n).map(|d| d.whole_minutes()))
            .collect();
        assert_eq!(
            mins,
            [Some(1), Some(2), Some(4), Some(8), Some(16), Some(32), Some(64), None]
        );
        assert!(!p.disables(19));
        assert!(p.disables(20));
    }
}
