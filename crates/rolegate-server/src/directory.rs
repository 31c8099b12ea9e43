//! The hot-path view of the store: access keys with their decrypted secrets, users and roles
//! with their policies already parsed and compiled. Every entry is read once from the store and
//! kept until the next write (the store's generation counter moves), so a steady stream of
//! AssumeRole or GetCallerIdentity calls reads no database at all.
//!
//! The generation lives in the database: this process's own writes move it at once, and another
//! process's writes are seen at the next refresh, at most [`REFRESH_EVERY`] later (one read of
//! one row). Unknown access keys are remembered as misses only up to [`MAX_MISSES`], so a flood
//! of made-up key ids costs queries, never memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use rolegate_policy::{Policy, PolicyType};
use rolegate_store::prelude::*;
use rolegate_store::{AccessKey, Account, Identity, KeyOwner, Role, StoreError, User};

use crate::credentials::Sealer;

/// An access key with everything authentication needs.
#[derive(Debug)]
pub struct KeyEntry {
    pub key: AccessKey,
    pub secret: String,
    pub account: Arc<Account>,
    pub owner: KeyIdentity,
}

/// Who a long-term key speaks for.
#[derive(Debug)]
pub enum KeyIdentity {
    Root,
    User(Arc<UserEntry>),
    /// A service identity: the AWS service it stands in for (`ec2.amazonaws.com`).
    Service(String),
}

/// A user with its identity policies compiled.
#[derive(Debug)]
pub struct UserEntry {
    pub user: User,
    pub policies: Vec<Policy>,
    pub boundary: Option<Policy>,
}

/// A role with its trust policy (bound form) and permission policies compiled.
#[derive(Debug)]
pub struct RoleEntry {
    pub role: Role,
    pub trust: Policy,
    pub policies: Vec<Policy>,
    pub boundary: Option<Policy>,
}

/// How stale another process's write may find this cache.
pub const REFRESH_EVERY: Duration = Duration::from_millis(100);

/// Unknown access key ids remembered per generation.
pub const MAX_MISSES: usize = 4096;

#[derive(Debug, Default)]
struct Cache {
    generation: u64,
    /// Cached `None`s among `keys`.
    key_misses: usize,
    keys: HashMap<String, Option<Arc<KeyEntry>>>,
    users: HashMap<(String, String), Option<Arc<UserEntry>>>,
    roles: HashMap<(String, String), Option<Arc<RoleEntry>>>,
    accounts: HashMap<String, Option<Arc<Account>>>,
}

/// The cache over a store. Misses are cached too (`None`), so unknown keys cost no query.
#[derive(Debug)]
pub struct Directory {
    store: Arc<dyn Store>,
    cache: RwLock<Cache>,
    /// When the database's generation was last read (milliseconds since `started`).
    refreshed_at: AtomicU64,
    started: Instant,
}

/// Reads a cached value if the cache is current.
macro_rules! cached {
    ($self:ident, $field:ident, $key:expr) => {{
        let generation = $self.generation().await?;
        if let Ok(cache) = $self.cache.read() {
            if cache.generation == generation {
                if let Some(hit) = cache.$field.get($key) {
                    return Ok(hit.clone());
                }
            }
        }
        generation
    }};
}

impl Directory {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            cache: RwLock::new(Cache::default()),
            refreshed_at: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// The store's generation, read from the database when the last read is older than
    /// [`REFRESH_EVERY`].
    async fn generation(&self) -> Result<u64, StoreError> {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.refreshed_at.load(Ordering::Relaxed);
        let due = u64::try_from(REFRESH_EVERY.as_millis()).unwrap_or(u64::MAX);
        if now.saturating_sub(last) >= due
            && self
                .refreshed_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            return self.store.refresh_generation().await;
        }
        Ok(self.store.generation())
    }

    /// Stores a value loaded while the store was at `generation`, unless a write happened since.
    fn remember(&self, generation: u64, fill: impl FnOnce(&mut Cache)) {
        if let Ok(mut cache) = self.cache.write() {
            if cache.generation != generation {
                if self.store.generation() != generation {
                    return;
                }
                *cache = Cache {
                    generation,
                    ..Cache::default()
                };
            }
            fill(&mut cache);
        }
    }

    pub async fn account(&self, id: &str) -> Result<Option<Arc<Account>>, StoreError> {
        let generation = cached!(self, accounts, id);
        let account = match self.store.get_account(id).await {
            Ok(account) => Some(Arc::new(account)),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.remember(generation, |c| {
            c.accounts.insert(id.to_owned(), account.clone());
        });
        Ok(account)
    }

    /// The long-term key `access_key_id` with its secret decrypted, or `None` if unknown.
    pub async fn key(
        &self,
        access_key_id: &str,
        sealer: &Sealer,
    ) -> Result<Option<Arc<KeyEntry>>, StoreError> {
        let generation = cached!(self, keys, access_key_id);
        let entry = match self.store.get_access_key(access_key_id).await {
            Ok(key) => self.key_entry(key, sealer).await?,
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.remember(generation, |c| {
            if entry.is_some() {
                c.keys.insert(access_key_id.to_owned(), entry.clone());
            } else if c.key_misses < MAX_MISSES {
                c.key_misses += 1;
                c.keys.insert(access_key_id.to_owned(), None);
            }
        });
        Ok(entry)
    }

    async fn key_entry(
        &self,
        key: AccessKey,
        sealer: &Sealer,
    ) -> Result<Option<Arc<KeyEntry>>, StoreError> {
        let Some(account) = self.account(&key.account_id).await? else {
            return Ok(None);
        };
        let secret = sealer
            .open_secret(&key.secret_sealed, &key.access_key_id)
            .map_err(|e| StoreError::Corrupt(format!("access key secret: {e}")))?;
        let owner = match &key.owner {
            KeyOwner::Root => KeyIdentity::Root,
            KeyOwner::Service(name) => KeyIdentity::Service(name.clone()),
            KeyOwner::User(name) => match self.user(&key.account_id, name).await? {
                Some(user) => KeyIdentity::User(user),
                None => return Ok(None),
            },
        };
        Ok(Some(Arc::new(KeyEntry {
            key,
            secret,
            account,
            owner,
        })))
    }

    pub async fn user(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Arc<UserEntry>>, StoreError> {
        let key = (account_id.to_owned(), name.to_ascii_lowercase());
        let generation = cached!(self, users, &key);
        let entry = match self.store.get_user(account_id, name).await {
            Ok(user) => {
                let identity = Identity::user(account_id, &user.name);
                let mut policies = self.identity_policies(&identity).await?;
                // A member's groups' policies are its identity policies too.
                for group in self
                    .store
                    .list_groups_for_user(account_id, &user.name)
                    .await?
                {
                    let group = Identity::group(account_id, &group.name);
                    policies.extend(self.identity_policies(&group).await?);
                }
                let boundary = self.boundary(user.permissions_boundary.as_deref()).await?;
                Some(Arc::new(UserEntry {
                    user,
                    policies,
                    boundary,
                }))
            }
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.remember(generation, |c| {
            c.users.insert(key, entry.clone());
        });
        Ok(entry)
    }

    pub async fn role(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Arc<RoleEntry>>, StoreError> {
        let key = (account_id.to_owned(), name.to_ascii_lowercase());
        let generation = cached!(self, roles, &key);
        let entry = match self.store.get_role(account_id, name).await {
            Ok(role) => {
                let trust = Policy::parse_unvalidated(&role.trust_policy_bound, PolicyType::Trust)
                    .map_err(|e| {
                        StoreError::Corrupt(format!("trust policy of {}: {e}", role.name))
                    })?;
                let identity = Identity::role(account_id, &role.name);
                let policies = self.identity_policies(&identity).await?;
                let boundary = self.boundary(role.permissions_boundary.as_deref()).await?;
                Some(Arc::new(RoleEntry {
                    role,
                    trust,
                    policies,
                    boundary,
                }))
            }
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.remember(generation, |c| {
            c.roles.insert(key, entry.clone());
        });
        Ok(entry)
    }

    /// Inline and attached managed (default version) policies of a user, group or role.
    async fn identity_policies(&self, identity: &Identity) -> Result<Vec<Policy>, StoreError> {
        let mut policies = Vec::new();
        for (name, document) in self.store.list_inline_policies(identity).await? {
            policies.push(compile(&document, PolicyType::Identity, &name)?);
        }
        for arn in self.store.list_attached_policies(identity).await? {
            if let Some(policy) = self.managed_document(&arn, PolicyType::Identity).await? {
                policies.push(policy);
            }
        }
        Ok(policies)
    }

    /// The permissions boundary; one that no longer exists allows nothing (a boundary must
    /// never widen by disappearing).
    async fn boundary(&self, arn: Option<&str>) -> Result<Option<Policy>, StoreError> {
        let Some(arn) = arn else {
            return Ok(None);
        };
        match self
            .managed_document(arn, PolicyType::PermissionsBoundary)
            .await?
        {
            Some(policy) => Ok(Some(policy)),
            None => allows_nothing(PolicyType::PermissionsBoundary).map(Some),
        }
    }

    /// The default version of a managed policy (the account's, or AWS's from the catalogue),
    /// compiled as `ty`; `None` if it is gone.
    pub async fn managed_document(
        &self,
        arn: &str,
        ty: PolicyType,
    ) -> Result<Option<Policy>, StoreError> {
        if let Some(policy) = rolegate_catalog::managed_policy_by_arn(arn) {
            return compile(&policy.document, ty, arn).map(Some);
        }
        let policy = match self.store.get_policy(arn).await {
            Ok(policy) => policy,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let version = self
            .store
            .get_policy_version(arn, &policy.default_version_id)
            .await?;
        compile(&version.document, ty, arn).map(Some)
    }
}

/// A policy that allows nothing: what a boundary or session policy that no longer exists
/// stands for.
pub fn allows_nothing(ty: PolicyType) -> Result<Policy, StoreError> {
    const NOTHING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"none:none","Resource":"*"}]}"#;
    compile(NOTHING, ty, "allows-nothing")
}

/// Stored documents were validated when written; they are compiled without re-validation so a
/// stricter validator can never lock a principal out of its own policies.
fn compile(document: &str, ty: PolicyType, name: &str) -> Result<Policy, StoreError> {
    Policy::parse_unvalidated(document, ty)
        .map_err(|e| StoreError::Corrupt(format!("policy {name}: {e}")))
}
