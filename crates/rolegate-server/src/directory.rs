//! The hot-path view of the store: access keys with their decrypted secrets, users and roles
//! with their policies already parsed and compiled. Every entry is read once from the store and
//! kept until the next write (the store's generation counter moves), so a steady stream of
//! AssumeRole or GetCallerIdentity calls reads no database at all.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rolegate_policy::{Policy, PolicyType};
use rolegate_store::{AccessKey, Account, KeyOwner, Principal, Role, Store, StoreError, User};

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

#[derive(Debug, Default)]
struct Cache {
    generation: u64,
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
}

/// Reads a cached value if the cache is current.
macro_rules! cached {
    ($self:ident, $field:ident, $key:expr) => {{
        let generation = $self.store.generation();
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
        }
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
            c.keys.insert(access_key_id.to_owned(), entry.clone());
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
                let principal = Principal::user(account_id, &user.name);
                let policies = self.identity_policies(&principal).await?;
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
                let principal = Principal::role(account_id, &role.name);
                let policies = self.identity_policies(&principal).await?;
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

    /// Inline and attached managed (default version) policies of a user or role.
    async fn identity_policies(&self, principal: &Principal) -> Result<Vec<Policy>, StoreError> {
        let mut policies = Vec::new();
        for (name, document) in self.store.list_inline_policies(principal).await? {
            policies.push(compile(&document, PolicyType::Identity, &name)?);
        }
        for arn in self.store.list_attached_policies(principal).await? {
            if let Some(policy) = self.managed_document(&arn, PolicyType::Identity).await? {
                policies.push(policy);
            }
        }
        Ok(policies)
    }

    async fn boundary(&self, arn: Option<&str>) -> Result<Option<Policy>, StoreError> {
        match arn {
            Some(arn) => {
                self.managed_document(arn, PolicyType::PermissionsBoundary)
                    .await
            }
            None => Ok(None),
        }
    }

    /// The default version of a managed policy, compiled as `ty`; `None` if it is gone.
    pub async fn managed_document(
        &self,
        arn: &str,
        ty: PolicyType,
    ) -> Result<Option<Policy>, StoreError> {
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

/// Stored documents were validated when written; they are compiled without re-validation so a
/// stricter validator can never lock a principal out of its own policies.
fn compile(document: &str, ty: PolicyType, name: &str) -> Result<Policy, StoreError> {
    Policy::parse_unvalidated(document, ty)
        .map_err(|e| StoreError::Corrupt(format!("policy {name}: {e}")))
}
