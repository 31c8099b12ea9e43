//! Everything a later request signed with temporary credentials needs, carried inside the
//! session token itself: who the session is, its secret, its lifetime, and everything that
//! limits or describes it (session policies, tags, source identity, MFA, chain depth).
//! Times are unix seconds; the server supplies the clock.

use serde::{Deserialize, Serialize};

use crate::secret::SecretAccessKey;

/// The principal a session acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionPrincipal {
    /// A role session (`AssumeRole`, `AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity`).
    AssumedRole {
        /// `arn:aws:iam::A:role/{path}{name}`.
        role_arn: String,
        /// The role's stable unique id (`AROA…`): the server checks the role still exists with
        /// this id, so deleting and re-creating a role invalidates old sessions (as on AWS).
        role_id: String,
        session_name: String,
        /// `arn:aws:sts::A:assumed-role/{name}/{session}` (no path).
        assumed_role_arn: String,
        /// The SAML or OIDC provider for federated sessions (`aws:FederatedProvider`).
        identity_provider: Option<String>,
    },
    /// A federated user (`GetFederationToken`).
    FederatedUser {
        name: String,
        /// `arn:aws:sts::A:federated-user/{name}`.
        federated_user_arn: String,
        /// The IAM user whose long-term credentials called `GetFederationToken`.
        user_arn: String,
        user_id: String,
    },
    /// An IAM user's session (`GetSessionToken`).
    User { user_arn: String, user_id: String },
    /// The account root's session (`GetSessionToken` with root credentials).
    Root,
}

/// MFA used when the session was created (`aws:MultiFactorAuthPresent`,
/// `aws:MultiFactorAuthAge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaContext {
    /// When the MFA code was verified (unix seconds).
    pub authenticated_at: i64,
}

/// The sealed content of a session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    pub account_id: String,
    pub principal: SessionPrincipal,
    /// The temporary access key id (`ASIA…`); also the token's AEAD associated data.
    pub access_key_id: String,
    pub secret_access_key: SecretAccessKey,
    /// Unix seconds (`aws:TokenIssueTime`).
    pub issued_at: i64,
    /// Unix seconds (`Credentials.Expiration`).
    pub expires_at: i64,
    /// Inline session policy (`Policy`), as sent.
    pub session_policy: Option<String>,
    /// Managed session policies (`PolicyArns`).
    pub session_policy_arns: Vec<String>,
    /// Session tags (`aws:PrincipalTag/…`), in request order, inherited transitive tags
    /// included.
    pub tags: Vec<(String, String)>,
    /// Keys of `tags` that pass on to chained sessions.
    pub transitive_tag_keys: Vec<String>,
    /// Set once, immutable through chaining (`aws:SourceIdentity`).
    pub source_identity: Option<String>,
    pub mfa: Option<MfaContext>,
    /// 0 for a session from long-term credentials, +1 per role chaining hop (chained role
    /// sessions are capped at one hour).
    pub chain_depth: u8,
    /// The caller that created the session, for audit (a user, root, or a session ARN).
    pub source_principal_arn: String,
}

/// A role session's role and session, read from its claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRole<'a> {
    /// `arn:aws:iam::A:role/{path}{name}` (`aws:PrincipalArn`).
    pub arn: &'a str,
    pub name: &'a str,
    /// Begins and ends with `/`.
    pub path: &'a str,
    /// `AROA…`.
    pub id: &'a str,
    pub session_name: &'a str,
    /// `arn:aws:sts::A:assumed-role/{name}/{session}`.
    pub session_arn: &'a str,
}

/// The IAM user behind a `GetSessionToken` session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionUser<'a> {
    pub arn: &'a str,
    pub name: &'a str,
    pub path: &'a str,
    /// `AIDA…`.
    pub id: &'a str,
}

/// The path and name of an IAM ARN of `kind` (`arn:…:role/a/b/Name` → `/a/b/`, `Name`).
fn path_and_name<'a>(arn: &'a str, kind: &str) -> Option<(&'a str, &'a str)> {
    let (_, rest) = arn.split_once(kind)?;
    let at = rest.rfind('/')?;
    Some((rest.get(..=at)?, rest.get(at + 1..)?))
}

impl SessionClaims {
    /// The role and session of a role session.
    pub fn role(&self) -> Option<SessionRole<'_>> {
        match &self.principal {
            SessionPrincipal::AssumedRole {
                role_arn,
                role_id,
                session_name,
                assumed_role_arn,
                ..
            } => {
                let (path, name) = path_and_name(role_arn, ":role")?;
                Some(SessionRole {
                    arn: role_arn,
                    name,
                    path,
                    id: role_id,
                    session_name,
                    session_arn: assumed_role_arn,
                })
            }
            _ => None,
        }
    }

    /// The user of a user's `GetSessionToken` session.
    pub fn user(&self) -> Option<SessionUser<'_>> {
        match &self.principal {
            SessionPrincipal::User { user_arn, user_id } => {
                let (path, name) = path_and_name(user_arn, ":user")?;
                Some(SessionUser {
                    arn: user_arn,
                    name,
                    path,
                    id: user_id,
                })
            }
            _ => None,
        }
    }

    /// Whether this is a `GetSessionToken` session (a user's or the root's).
    pub fn is_token_session(&self) -> bool {
        matches!(
            self.principal,
            SessionPrincipal::User { .. } | SessionPrincipal::Root
        )
    }

    /// When MFA was proven (unix seconds), if it was.
    pub fn mfa_authenticated_at(&self) -> Option<i64> {
        self.mfa.map(|m| m.authenticated_at)
    }

    /// Whether the session is expired at `now` (unix seconds): expiry is exclusive, the
    /// credentials stop working at `expires_at`.
    pub fn is_expired_at(&self, now: i64) -> bool {
        now >= self.expires_at
    }

    /// The ARN the session acts as (`aws:PrincipalArn` is the role ARN instead, for roles);
    /// a root session's is in `partition` (its claims carry no ARN).
    pub fn session_arn(&self, partition: &str) -> String {
        match &self.principal {
            SessionPrincipal::AssumedRole {
                assumed_role_arn, ..
            } => assumed_role_arn.clone(),
            SessionPrincipal::FederatedUser {
                federated_user_arn, ..
            } => federated_user_arn.clone(),
            SessionPrincipal::User { user_arn, .. } => user_arn.clone(),
            SessionPrincipal::Root => {
                ["arn:", partition, ":iam::", &self.account_id, ":root"].concat()
            }
        }
    }

    /// `GetCallerIdentity`'s `UserId`: `AROA…:session`, `ACCOUNT:name`, the user id, or the
    /// account id for root.
    pub fn user_id(&self) -> String {
        match &self.principal {
            SessionPrincipal::AssumedRole {
                role_id,
                session_name,
                ..
            } => [role_id.as_str(), ":", session_name].concat(),
            SessionPrincipal::FederatedUser { name, .. } => format!("{}:{name}", self.account_id),
            SessionPrincipal::User { user_id, .. } => user_id.clone(),
            SessionPrincipal::Root => self.account_id.clone(),
        }
    }
}
