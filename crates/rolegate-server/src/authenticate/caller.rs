//! The caller of a request, as every later stage needs it: its ARN and ids (what
//! GetCallerIdentity answers and error messages name), the principal the policy engine
//! matches, its identity policies, boundary and session policies, and its tags.

use std::sync::Arc;

use rolegate_policy::{Policy, PolicyType};
use rolegate_protocol::AwsError;
use rolegate_store::Account;
use rolegate_types::Partition;

use crate::credentials::SessionClaims;
use crate::directory::UserEntry;
use crate::state::AppState;

/// What kind of identity signed the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerKind {
    /// An account root's long-term key.
    Root,
    /// An IAM user's long-term key.
    User,
    /// A service identity (stands in for an AWS service such as `ec2.amazonaws.com`).
    Service,
    /// Temporary credentials from AssumeRole.
    RoleSession,
    /// Temporary credentials from GetSessionToken by a user.
    UserSession,
    /// Temporary credentials from GetSessionToken by an account root.
    RootSession,
}

/// An authenticated caller.
#[derive(Debug)]
pub struct Caller {
    pub kind: CallerKind,
    /// The account the caller belongs to.
    pub account: Arc<Account>,
    pub access_key_id: String,
    /// `arn:aws:iam::A:user/u`, `arn:aws:sts::A:assumed-role/R/S`, `arn:aws:iam::A:root`, or
    /// the service name.
    pub arn: String,
    /// GetCallerIdentity's `UserId`.
    pub user_id: String,
    /// The policy engine's principal string.
    pub principal: String,
    /// The unique id the engine matches bound trust policies against.
    pub principal_id: Option<String>,
    /// `aws:PrincipalArn` (the role ARN with its path for role sessions).
    pub principal_arn: Option<String>,
    pub identity_policies: Vec<Policy>,
    pub boundary: Vec<Policy>,
    pub session_policies: Vec<Policy>,
    /// `aws:PrincipalTag/*`.
    pub tags: Vec<(String, String)>,
    /// The IAM user behind a user key or user session.
    pub user_name: Option<String>,
    /// The session, for temporary credentials.
    pub session: Option<SessionClaims>,
    /// The service name, for service identities.
    pub service: Option<String>,
}

impl Caller {
    pub fn root(account: Arc<Account>, access_key_id: &str, partition: Partition) -> Self {
        let arn = ["arn:", partition.as_str(), ":iam::", &account.id, ":root"].concat();
        Self {
            kind: CallerKind::Root,
            access_key_id: access_key_id.to_owned(),
            user_id: account.id.clone(),
            principal: arn.clone(),
            principal_id: None,
            principal_arn: Some(arn.clone()),
            arn,
            account,
            identity_policies: Vec::new(),
            boundary: Vec::new(),
            session_policies: Vec::new(),
            tags: Vec::new(),
            user_name: None,
            session: None,
            service: None,
        }
    }

    pub fn user(
        account: Arc<Account>,
        entry: &UserEntry,
        access_key_id: &str,
        partition: Partition,
    ) -> Self {
        let arn = entry.user.arn(partition.as_str());
        Self {
            kind: CallerKind::User,
            account,
            access_key_id: access_key_id.to_owned(),
            user_id: entry.user.user_id.clone(),
            principal: arn.clone(),
            principal_id: Some(entry.user.user_id.clone()),
            principal_arn: Some(arn.clone()),
            arn,
            identity_policies: entry.policies.clone(),
            boundary: entry.boundary.iter().cloned().collect(),
            session_policies: Vec::new(),
            tags: entry
                .user
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            user_name: Some(entry.user.name.clone()),
            session: None,
            service: None,
        }
    }

    pub fn service(account: Arc<Account>, name: &str, access_key_id: &str) -> Self {
        Self {
            kind: CallerKind::Service,
            account,
            access_key_id: access_key_id.to_owned(),
            arn: name.to_owned(),
            user_id: name.to_owned(),
            principal: name.to_owned(),
            principal_id: None,
            principal_arn: None,
            identity_policies: Vec::new(),
            boundary: Vec::new(),
            session_policies: Vec::new(),
            tags: Vec::new(),
            user_name: None,
            session: None,
            service: Some(name.to_owned()),
        }
    }

    /// Whether the caller is an account root (its key or its GetSessionToken session).
    pub fn is_root(&self) -> bool {
        matches!(self.kind, CallerKind::Root | CallerKind::RootSession)
    }
}

/// A session policy, or one that allows nothing when it no longer exists (a deleted managed
/// session policy must not widen the session).
fn session_policy(policy: Option<Policy>) -> Result<Policy, AwsError> {
    match policy {
        Some(policy) => Ok(policy),
        None => crate::directory::allows_nothing(PolicyType::Session)
            .map_err(|e| crate::respond::internal(&e)),
    }
}

/// The caller behind temporary credentials. The role's (or user's) current policies come
/// from the directory cache; a role deleted (or recreated under a new id) since the session
/// began grants nothing.
pub async fn from_session(
    state: &AppState,
    session: SessionClaims,
    partition: Partition,
) -> Result<Caller, AwsError> {
    let account = state
        .directory
        .account(&session.account_id)
        .await
        .map_err(|e| crate::respond::internal(&e))?
        .ok_or_else(AwsError::invalid_client_token_id)?;
    let mut session_policies = Vec::new();
    if let Some(text) = &session.session_policy {
        session_policies.push(session_policy(
            Policy::parse_unvalidated(text, PolicyType::Session).ok(),
        )?);
    }
    for arn in &session.session_policy_arns {
        let policy = state
            .directory
            .managed_document(arn, PolicyType::Session)
            .await
            .map_err(|e| crate::respond::internal(&e))?;
        session_policies.push(session_policy(policy)?);
    }
    let arn = session.session_arn(partition.as_str());
    let mut caller = Caller {
        kind: CallerKind::RootSession,
        account,
        access_key_id: session.access_key_id.clone(),
        user_id: session.user_id(),
        principal: arn.clone(),
        principal_id: None,
        principal_arn: Some(arn.clone()),
        arn,
        identity_policies: Vec::new(),
        boundary: Vec::new(),
        session_policies,
        tags: session.tags.clone(),
        user_name: None,
        session: None,
        service: None,
    };
    if let Some(role) = session.role() {
        caller.kind = CallerKind::RoleSession;
        caller.principal_id = Some(caller.user_id.clone());
        caller.principal_arn = Some(role.arn.to_owned());
        let found = state
            .directory
            .role(&session.account_id, role.name)
            .await
            .map_err(|e| crate::respond::internal(&e))?;
        if let Some(found) = found.filter(|r| r.role.role_id == role.id) {
            caller.identity_policies = found.policies.clone();
            caller.boundary = found.boundary.iter().cloned().collect();
        }
    } else if let Some(user) = session.user() {
        caller.kind = CallerKind::UserSession;
        caller.principal_id = Some(user.id.to_owned());
        caller.user_name = Some(user.name.to_owned());
        let found = state
            .directory
            .user(&session.account_id, user.name)
            .await
            .map_err(|e| crate::respond::internal(&e))?;
        if let Some(found) = found.filter(|u| u.user.user_id == user.id) {
            caller.identity_policies = found.policies.clone();
            caller.boundary = found.boundary.iter().cloned().collect();
            caller.tags = found
                .user
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
        }
    }
    caller.session = Some(session);
    Ok(caller)
}
