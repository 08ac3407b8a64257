//! Who a bearer token belongs to, remembered for at most a second, so a warm client's
//! requests cost no token, user or person query each. A second is the bound on how
//! stale the answer may be on any node: a token revoked, a user disabled or re-roled,
//! or a person moved to another partner through another `psops serve` sharing the
//! database stops counting here within that second; the node that made the change
//! forgets at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use psops_core::auth::Actor;
use psops_core::policy::Subject;
use time::OffsetDateTime;

/// How long an answer is trusted.
pub const FRESH: Duration = Duration::from_secs(1);

/// Tokens remembered at once; past it the oldest half is forgotten.
const CAPACITY: usize = 10_000;

struct Known {
    at: Instant,
    expires_at: Option<OffsetDateTime>,
    actor: Actor,
    subject: Subject,
}

/// The remembered answers, by token hash.
#[derive(Default)]
pub struct KnownTokens(Mutex<HashMap<String, Known>>);

impl KnownTokens {
    /// The actor and subject behind a token hash, when looked up less than [`FRESH`] ago
    /// and the token has not expired since.
    pub fn get(&self, hash: &str, now: OffsetDateTime) -> Option<(Actor, Subject)> {
        let map = self.0.lock().ok()?;
        let k = map.get(hash)?;
        let fresh = k.at.elapsed() < FRESH && k.expires_at.is_none_or(|e| now < e);
        fresh.then(|| (k.actor.clone(), k.subject.clone()))
    }

    pub fn put(&self, hash: &str, expires_at: Option<OffsetDateTime>, actor: &Actor, subject: &Subject) {
        let Ok(mut map) = self.0.lock() else { return };
        if map.len() >= CAPACITY {
            let mut ages: Vec<Instant> = map.values().map(|k| k.at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            map.retain(|_, k| k.at > cut);
        }
        map.insert(
            hash.to_string(),
            Known {
                at: Instant::now(),
                expires_at,
                actor: actor.clone(),
                subject: subject.clone(),
            },
        );
    }

    /// Forgets everything: after a change to users, tokens or people on this node.
    pub fn forget(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::Id;
    use psops_core::auth::{Role, TokenScope, User};

    fn actor() -> Actor {
        Actor {
            user: User {
                id: Id::new(7),
                email: "a@example.com".into(),
                name: "A".into(),
                roles: vec![Role::Consultant],
                person_id: None,
                disabled_at: None,
                created_at: OffsetDateTime::UNIX_EPOCH,
            },
            scope: TokenScope::Read,
        }
    }

    fn subject() -> Subject {
        Subject {
            user_id: Id::new(7),
            roles: vec![Role::Consultant],
            person_id: None,
            partner_id: None,
            read_only: true,
        }
    }

    #[test]
    fn answers_are_kept_a_second_and_never_past_expiry() {
        let known = KnownTokens::default();
        let now = OffsetDateTime::now_utc();
        known.put("h", None, &actor(), &subject());
        assert!(known.get("h", now).is_some());
        assert!(known.get("other", now).is_none());
        known.put(
            "soon",
            Some(now + time::Duration::milliseconds(10)),
            &actor(),
            &subject(),
        );
        assert!(known.get("soon", now + time::Duration::seconds(1)).is_none());
        known.forget();
        assert!(known.get("h", now).is_none());
    }

    #[test]
    fn stays_within_its_capacity() {
        let known = KnownTokens::default();
        for i in 0..(CAPACITY + 10) {
            known.put(&i.to_string(), None, &actor(), &subject());
        }
        assert!(known.0.lock().unwrap().len() <= CAPACITY);
        assert!(
            known
                .get(&(CAPACITY + 9).to_string(), OffsetDateTime::now_utc())
                .is_some()
        );
    }
}
