//! The last use of long-term access keys and of roles, recorded without a database write per
//! request: each authenticated request with a long-term key, and each AssumeRole, updates a
//! small map in memory; a background task writes the map to the store in one transaction every
//! [`FLUSH_EVERY`], and once more at shutdown. Readers see the newer of the stored and the
//! unflushed use.
//!
//! An entry leaves the map only once the store has it, and only if no newer use came in while
//! it was being written, so a reader never falls between the two.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rolegate_store::prelude::*;
use rolegate_store::{AccessKeyUse, RoleUse, StoreError};
use time::OffsetDateTime;
use tokio::sync::watch;

/// How often the unflushed uses are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(3);

#[derive(Debug, Default)]
struct Pending {
    keys: HashMap<String, AccessKeyUse>,
    roles: HashMap<String, RoleUse>,
}

/// The uses not yet written to the store.
#[derive(Debug, Default)]
pub struct Tracker {
    pending: Mutex<Pending>,
}

/// The newer of two uses.
pub fn newest<T>(a: Option<T>, b: Option<T>, at: impl Fn(&T) -> OffsetDateTime) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if at(&b) > at(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl Tracker {
    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        // The map holds plain values: a panic elsewhere cannot leave it half-written.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a use of `access_key_id` (the request path: no allocation when the key was used
    /// the same way before).
    pub fn key_used(&self, access_key_id: &str, at: OffsetDateTime, service: &str, region: &str) {
        let mut pending = self.pending();
        match pending.keys.get_mut(access_key_id) {
            Some(entry) => {
                if at >= entry.used_at {
                    entry.used_at = at;
                    if entry.service != service {
                        service.clone_into(&mut entry.service);
                    }
                    if entry.region != region {
                        region.clone_into(&mut entry.region);
                    }
                }
            }
            None => {
                pending.keys.insert(
                    access_key_id.to_owned(),
                    AccessKeyUse {
                        access_key_id: access_key_id.to_owned(),
                        used_at: at,
                        service: service.to_owned(),
                        region: region.to_owned(),
                    },
                );
            }
        }
    }

    /// Records that a session of the role `role_id` was created.
    pub fn role_used(&self, role_id: &str, at: OffsetDateTime, region: &str) {
        let mut pending = self.pending();
        match pending.roles.get_mut(role_id) {
            Some(entry) => {
                if at >= entry.used_at {
                    entry.used_at = at;
                    if entry.region != region {
                        region.clone_into(&mut entry.region);
                    }
                }
            }
            None => {
                pending.roles.insert(
                    role_id.to_owned(),
                    RoleUse {
                        role_id: role_id.to_owned(),
                        used_at: at,
                        region: region.to_owned(),
                    },
                );
            }
        }
    }

    /// The newest use of the key: the stored one or the unflushed one.
    pub async fn key(
        &self,
        store: &dyn Store,
        access_key_id: &str,
    ) -> Result<Option<AccessKeyUse>, StoreError> {
        let stored = store.access_key_last_used(access_key_id).await?;
        let unflushed = self.pending().keys.get(access_key_id).cloned();
        Ok(newest(stored, unflushed, |u| u.used_at))
    }

    /// The newest use of the role.
    pub async fn role(
        &self,
        store: &dyn Store,
        role_id: &str,
    ) -> Result<Option<RoleUse>, StoreError> {
        let stored = store.role_last_used(role_id).await?;
        let unflushed = self.pending().roles.get(role_id).cloned();
        Ok(newest(stored, unflushed, |u| u.used_at))
    }

    /// The newest use of every key of the account that has one, by key id (the map may also hold
    /// other accounts' unflushed uses, which a caller looking up its own keys never meets).
    pub async fn account_keys(
        &self,
        store: &dyn Store,
        account_id: &str,
    ) -> Result<HashMap<String, AccessKeyUse>, StoreError> {
        let mut uses: HashMap<String, AccessKeyUse> = store
            .access_key_uses(account_id)
            .await?
            .into_iter()
            .map(|u| (u.access_key_id.clone(), u))
            .collect();
        let pending = self.pending();
        for (id, unflushed) in &pending.keys {
            let stored = uses.remove(id);
            if let Some(use_) = newest(stored, Some(unflushed.clone()), |u| u.used_at) {
                uses.insert(id.clone(), use_);
            }
        }
        Ok(uses)
    }

    /// The newest use of every role of the account that has one, by role id (as for keys).
    pub async fn account_roles(
        &self,
        store: &dyn Store,
        account_id: &str,
    ) -> Result<HashMap<String, RoleUse>, StoreError> {
        let mut uses: HashMap<String, RoleUse> = store
            .role_uses(account_id)
            .await?
            .into_iter()
            .map(|u| (u.role_id.clone(), u))
            .collect();
        let pending = self.pending();
        for (id, unflushed) in &pending.roles {
            let stored = uses.remove(id);
            if let Some(use_) = newest(stored, Some(unflushed.clone()), |u| u.used_at) {
                uses.insert(id.clone(), use_);
            }
        }
        Ok(uses)
    }

    /// Writes the unflushed uses in one transaction. Entries that took a newer use while they
    /// were written stay for the next flush; on failure, all stay.
    pub async fn flush(&self, store: &dyn Store) -> Result<(), StoreError> {
        let (keys, roles): (Vec<AccessKeyUse>, Vec<RoleUse>) = {
            let pending = self.pending();
            (
                pending.keys.values().cloned().collect(),
                pending.roles.values().cloned().collect(),
            )
        };
        if keys.is_empty() && roles.is_empty() {
            return Ok(());
        }
        store.record_last_used(&keys, &roles).await?;
        let mut pending = self.pending();
        for written in keys {
            if pending.keys.get(&written.access_key_id) == Some(&written) {
                pending.keys.remove(&written.access_key_id);
            }
        }
        for written in roles {
            if pending.roles.get(&written.role_id) == Some(&written) {
                pending.roles.remove(&written.role_id);
            }
        }
        Ok(())
    }
}

/// The background task that flushes a [`Tracker`].
#[derive(Debug)]
pub struct Flusher {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Flusher {
    /// Starts flushing `tracker` into `store` every [`FLUSH_EVERY`] on the current runtime.
    pub fn start(tracker: Arc<Tracker>, store: Arc<dyn Store>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(FLUSH_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = stopped.changed() => break,
                }
                if let Err(e) = tracker.flush(store.as_ref()).await {
                    tracing::warn!(error = %e, "last-used records not written; kept for the next flush");
                }
            }
            if let Err(e) = tracker.flush(store.as_ref()).await {
                tracing::error!(error = %e, "last-used records lost at shutdown");
            }
        });
        Self { stop, task }
    }

    /// Stops the task after one last flush.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn the_newest_use_wins_in_memory() {
        let tracker = Tracker::default();
        tracker.key_used("AKIA1", at(10), "iam", "us-east-1");
        tracker.key_used("AKIA1", at(5), "sts", "eu-west-1");
        tracker.key_used("AKIA1", at(20), "sts", "eu-west-1");
        let pending = tracker.pending();
        let entry = pending.keys.get("AKIA1").unwrap();
        assert_eq!(
            (entry.used_at, entry.service.as_str(), entry.region.as_str()),
            (at(20), "sts", "eu-west-1")
        );
    }

    #[test]
    fn newest_picks_the_later_of_two() {
        let pick = |a: Option<i64>, b: Option<i64>| newest(a, b, |&s| at(s));
        assert_eq!(pick(Some(1), Some(2)), Some(2));
        assert_eq!(pick(Some(3), Some(2)), Some(3));
        assert_eq!(pick(None, Some(2)), Some(2));
        assert_eq!(pick(None, None), None);
    }
}
