//! Results of heavy reads (whole-organisation reports, a large project's sums) kept
//! until the database changes. Each is kept with the database's stamp when its reading
//! began and served again only while the stamp is unchanged, so a kept result is always
//! what reading again would give: any commit in between makes it stale.

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
        let stamp = pools.stamp().await?;
        if let Some(hit) = self.lookup::<T>(&key, &stamp) {
            return Ok(hit);
        }
        let fresh = read.await?;
        if let Ok(mut kept) = self.kept.lock() {
            // Results of an older stamp can never be served again.
            kept.retain(|_, (at, _)| *at == stamp);
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
