//! The request being authorized: who asks, for which action on which resource, and the request
//! context (condition keys with their values).
//!
//! Context keys compare case-insensitively (`aws:SourceIp` = `AWS:sourceip`); values keep their
//! case. Every key may have several values (`aws:TagKeys`, `aws:PrincipalOrgPaths`).

use std::borrow::Cow;

use smallvec::SmallVec;

/// One key's values: almost always exactly one, so that one is kept inline.
type Values = SmallVec<[String; 1]>;

/// The keys a server puts in (nearly) every request context, lower-cased: a key found here is
/// borrowed instead of lower-cased into a new string. Only a saving; any other key works alike.
const WELL_KNOWN_KEYS: &[&str] = &[
    "aws:currenttime",
    "aws:epochtime",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:principaltype",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:sourceaccount",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:tagkeys",
    "aws:tokenissuetime",
    "aws:userid",
    "aws:username",
    "sts:externalid",
    "sts:rolesessionname",
    "sts:sourceidentity",
    "sts:transitivetagkeys",
];

/// Condition keys and their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// (lower-cased key, values), keys unique.
    entries: Vec<(Cow<'static, str>, Values)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context with room for `keys` keys.
    pub fn with_capacity(keys: usize) -> Self {
        Self {
            entries: Vec::with_capacity(keys),
        }
    }

    /// Adds one value to `key` (after any values it already has).
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<String>) -> &mut Self {
        self.push_values(key.as_ref(), std::iter::once(value.into()));
        self
    }

    /// Adds several values to `key`; with an empty list the key is present with no value.
    pub fn insert_all<I, S>(&mut self, key: impl AsRef<str>, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.push_values(key.as_ref(), values.into_iter().map(Into::into));
        self
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        if let Some(index) = self.position(key) {
            self.entries.remove(index);
        }
        self
    }

    /// The values of `key` (any case), if it is present.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        let (_, values) = self.entries.get(self.position(key)?)?;
        Some(values)
    }

    /// The values of a key already lower-cased (the evaluator's fast path).
    pub(crate) fn get_lower(&self, key_lower: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k == key_lower)
            .map(|(_, v)| v.as_slice())
    }

    /// Whether `key` (any case) is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// (lower-cased key, values) pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_slice()))
    }

    /// Whether the context has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` (any case) is: the one rule `get`, `remove` and inserting share. Keys are
    /// almost always ASCII, and those are compared without being lower-cased first.
    fn position(&self, key: &str) -> Option<usize> {
        if key.is_ascii() {
            self.entries
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(key))
        } else {
            let lower = key.to_lowercase();
            self.entries
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(key) || *k == lower)
        }
    }

    fn push_values(&mut self, key: &str, values: impl Iterator<Item = String>) {
        match self
            .position(key)
            .and_then(|index| self.entries.get_mut(index))
        {
            Some((_, existing)) => existing.extend(values),
            None => self.entries.push((lower_key(key), values.collect())),
        }
    }
}

/// `key` lower-cased: borrowed when it is a well-known key, else a new string.
fn lower_key(key: &str) -> Cow<'static, str> {
    if !key.is_ascii() {
        return Cow::Owned(key.to_lowercase());
    }
    match WELL_KNOWN_KEYS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(key))
    {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(key.to_ascii_lowercase()),
    }
}

/// One authorization question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// Who asks: an IAM ARN (`arn:aws:iam::A:user/u`, `arn:aws:iam::A:root`,
    /// `arn:aws:sts::A:assumed-role/R/S`, `arn:aws:sts::A:federated-user/N`, or a role ARN), the
    /// word `anonymous`, a service principal (`ec2.amazonaws.com`), or a federation provider
    /// (`arn:aws:iam::A:oidc-provider/...`, `cognito-identity.amazonaws.com`, ...).
    pub principal: String,
    /// The caller's unique id (`AIDA…`, `AROA…` or `AROA…:session`), when known; trust policies
    /// that name a unique id match on it.
    pub principal_id: Option<String>,
    /// The action, `service:Action`.
    pub action: String,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    pub resource: String,
    /// The account that owns the resource; `None` takes it from the resource ARN, and failing
    /// that treats the resource as the caller's own.
    pub resource_account: Option<String>,
    /// The request context. Keys the evaluator can derive (`aws:PrincipalArn`, ...) are derived
    /// from `principal` when absent here.
    pub context: Context,
}

impl Request {
    /// A request with an empty context.
    pub fn new(
        principal: impl Into<String>,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Request {
            principal: principal.into(),
            principal_id: None,
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            context: Context::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_collect_values() {
        let mut ctx = Context::new();
        ctx.insert("aws:TagKeys", "a")
            .insert("AWS:tagkeys", "b")
            .insert_all("aws:SourceIp", ["10.0.0.1"]);
        assert_eq!(ctx.get("aws:tagkeys").unwrap(), ["a", "b"]);
        assert_eq!(ctx.get("AWS:SOURCEIP").unwrap(), ["10.0.0.1"]);
        assert!(ctx.get("aws:username").is_none());
        ctx.insert_all("empty:Key", Vec::<String>::new());
        assert_eq!(ctx.get("empty:key").unwrap(), [] as [String; 0]);
        ctx.remove("AWS:TagKeys");
        assert!(!ctx.contains_key("aws:tagkeys"));
    }

    #[test]
    fn well_known_keys_are_lower_case_and_sorted() {
        for pair in WELL_KNOWN_KEYS.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        for key in WELL_KNOWN_KEYS {
            assert_eq!(*key, key.to_ascii_lowercase());
        }
        let mut ctx = Context::new();
        ctx.insert("AWS:SourceIP", "10.0.0.1")
            .insert("aws:PrincipalTag/Team", "Blue");
        let keys: Vec<_> = ctx.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["aws:sourceip", "aws:principaltag/team"]);
    }

    #[test]
    fn values_keep_their_case() {
        let mut ctx = Context::new();
        ctx.insert("aws:PrincipalTag/Team", "Blue");
        assert_eq!(ctx.get_lower("aws:principaltag/team").unwrap(), ["Blue"]);
    }
}
