//! Results of heavy reads (whole-organisation reports, a large project's sums) kept
//! until what they were read from changes. Each is kept with a stamp read before its
//! reading began and served again only while the stamp is unchanged, so a kept result
//! is always what reading again would give. Two stamps: the database's, which any commit
//! moves, and the count of changes to what capacity is computed from, which only those
//! changes move (by triggers, in their own transactions).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use psops_core::Result;

use crate::db::Pools;

/// How many results are kept at once; past it, the oldest stamp's go first. A report at
/// 5,000 people is about half a megabyte.
const KEPT: usize = 64;

type Kept = (String, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub(crate) struct Memo {
    kept: Mutex<HashMap<String, Kept>>,
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

    /// Like [`Memo::get`], kept until the capacity count moves rather than on any commit.
    pub async fn get_capacity<T, F>(&self, pools: &Pools, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        let q = crate::db::sql("SELECT n FROM change_counts WHERE kind = 'capacity'");
        let n: i64 = pools.one(q).await?.get("n")?;
        self.under(format!("capacity:{n}"), key, read).await
    }

    /// Like [`Memo::get`], kept until the day rollup's or the capacity count moves: for
    /// reads of worked minutes (the week, month and day rollups all move together) and of
    /// capacity, which a commit to anything else leaves as they were.
    pub async fn get_rollups<T, F>(&self, pools: &Pools, key: String, read: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T>>,
    {
        // Read before the result is computed: a commit in between moves the count and
        // the result is computed again next time, never kept under a later count.
        let q = crate::db::sql("SELECT kind, n FROM change_counts");
        let (mut rollup, mut capacity) = (0i64, 0i64);
        for row in pools.all(q).await? {
            let kind: String = row.get("kind")?;
            let n: i64 = row.get("n")?;
            match kind.split(':').next() {
                Some("rollup") => rollup += n,
                Some("capacity") => capacity += n,
                _ => {}
            }
        }
        self.under(format!("rollups:{rollup}/{capacity}"), key, read).await
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
        let kind = |s: &str| s.split(':').next().map(str::to_string);
        if let Ok(mut kept) = self.kept.lock() {
            // Results of an older stamp of the same kind can never be served again.
            kept.retain(|_, (at, _)| kind(at) != kind(&stamp) || *at == stamp);
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(key, (stamp, Arc::new(fresh.clone())));
        }
        Ok(fresh)
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, stamp: &str) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        let (at, value) = kept.get(key)?;
        (at == stamp).then(|| value.downcast_ref::<T>().cloned()).flatten()
    }
}
