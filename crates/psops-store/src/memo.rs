//! Results of heavy reads (whole-organisation reports, a large project's sums) kept
//! until what they were read from changes. Each is kept with a stamp read before its
//! reading began and served again only while the stamp is unchanged, so a kept result
//! is always what reading again would give. The stamps: the database's, which any commit
//! moves; the count of changes to what capacity is computed from, which only those
//! changes move (by triggers, in their own transactions); and with it the counts of
//! changes to worked minutes. A followed result carries its counts and, after time
//! entries, is brought up to date from the people they changed.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use psops_core::Result;

use crate::db::Pools;
use crate::follow::{Changed, Counts};

/// The stamp of followed results, which carry their counts with them and are brought up
/// to date rather than dropped (one per key).
const FOLLOWED: &str = "followed:";

/// The stamp of results that never change: their keys name what they were read from.
const FIXED: &str = "fixed:";

/// How many results are kept at once; past it, the one used longest ago goes. A report
/// at 5,000 people is about half a megabyte.
const KEPT: usize = 64;

/// A result with its stamp and when it was last used.
type Kept = (String, u64, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub(crate) struct Memo {
    kept: Mutex<HashMap<String, Kept>>,
    /// Moves with each use: what "longest ago" is measured in.
    clock: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.kept.lock().map(|k| k.len()).unwrap_or_default();
        f.debug_struct("Memo").field("kept", &n).finish()
    }
}

impl Memo {
    /// The kept result for `key` when the database has not changed since it was read,
    /// else `read`'s, kept for next time. `key` names the read and every argument.
    pub async fn get<T, F>(&self, pools: &Pools, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let stamp = format!("db:{}", pools.stamp().await?);
        self.under(stamp, key, read).await
    }

    /// Like [`Memo::get`], kept until one of the counts of `kinds` moves rather than on
    /// any commit.
    pub async fn get_counts<T, F>(&self, pools: &Pools, kinds: crate::follow::Kinds, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        // Read before the result is computed: a commit in between moves the count and
        // the result is computed again next time, never kept under a later count.
        let counts = Counts::read(pools, kinds).await?;
        if !counts.complete() {
            return read.await;
        }
        self.under(counts.stamp(), key, read).await
    }

    /// Like [`Memo::get_counts`], but when only logged changes — time entries, time
    /// off — moved the counts since the kept result, `update` brings it up to date from
    /// the people they concerned (see [`crate::follow`]) rather than `read` reading it
    /// whole; an `update` that answers `None` has it read whole after all.
    pub async fn follow<T, R, U, UF>(
        &self,
        pools: &Pools,
        kinds: crate::follow::Kinds,
        key: String,
        read: R,
        update: U,
    ) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        R: Future<Output = Result<T>>,
        U: FnOnce(T, Vec<Changed>) -> UF,
        UF: Future<Output = Result<Option<T>>>,
    {
        let now = Counts::read(pools, kinds).await?;
        if !now.complete() {
            return read.await;
        }
        let updated = match self.lookup::<(Counts, T)>(&key, FOLLOWED) {
            Some((at, value)) if at == now => return Ok(value),
            Some((at, value)) => match crate::follow::changes(pools, &at, &now).await? {
                Some(changed) => {
                    // Taken out while it is brought up to date: a result shared through an
                    // `Arc` is then held only here and changes in place, not copied (5,000
                    // rows after each time entry).
                    self.remove(&key);
                    update(value, changed).await?
                }
                None => None,
            },
            None => None,
        };
        let fresh = match updated {
            Some(v) => v,
            None => read.await?,
        };
        self.keep(key, FOLLOWED.to_string(), (now, fresh.clone()));
        Ok(fresh)
    }

    /// The kept result for `key`, read once: for what never changes once written (a
    /// forecast snapshot's lines), whose key names every row it is read from.
    pub async fn kept<T, F>(&self, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        self.under(FIXED.to_string(), key, read).await
    }

    async fn under<T, F>(&self, stamp: String, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        if let Some(hit) = self.lookup::<T>(&key, &stamp) {
            return Ok(hit);
        }
        let fresh = read.await?;
        self.keep(key, stamp, fresh.clone());
        Ok(fresh)
    }

    fn keep<T: Send + Sync + 'static>(&self, key: String, stamp: String, value: T) {
        let kind = |s: &str| s.split(':').next().map(str::to_string);
        if let Ok(mut kept) = self.kept.lock() {
            // Results of an older stamp of the same kind can never be served again.
            kept.retain(|_, (at, _, _)| kind(at) != kind(&stamp) || *at == stamp);
            // A page reads a few dozen results: dropping all at once would read them
            // all again on its next view.
            if kept.len() >= KEPT
                && let Some(oldest) = kept.iter().min_by_key(|(_, k)| k.1).map(|(key, _)| key.clone())
            {
                kept.remove(&oldest);
            }
            kept.insert(key, (stamp, self.tick(), Arc::new(value)));
        }
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, stamp: &str) -> Option<T> {
        let mut kept = self.kept.lock().ok()?;
        let (at, used, value) = kept.get_mut(key)?;
        if at != stamp {
            return None;
        }
        *used = self.tick();
        value.downcast_ref::<T>().cloned()
    }

    fn remove(&self, key: &str) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.remove(key);
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_the_result_used_longest_ago_goes() {
        let memo = Memo::default();
        for i in 0..KEPT {
            memo.keep(format!("k{i}"), "followed:".into(), i);
        }
        // k0 is used again: k1 is now the one used longest ago.
        assert_eq!(memo.lookup::<usize>("k0", "followed:"), Some(0));
        memo.keep("new".into(), "followed:".into(), 99_usize);
        assert_eq!(memo.lookup::<usize>("k0", "followed:"), Some(0), "used lately: kept");
        assert_eq!(memo.lookup::<usize>("k1", "followed:"), None, "used longest ago: gone");
        assert_eq!(memo.lookup::<usize>("k2", "followed:"), Some(2), "only one goes");
        assert_eq!(memo.lookup::<usize>("new", "followed:"), Some(99));
        assert_eq!(memo.lookup::<usize>("k2", "db:v1"), None, "another stamp is not served");
    }
}
