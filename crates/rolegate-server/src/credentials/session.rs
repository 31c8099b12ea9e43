//! What a session token carries: everything a later request signed with the temporary
//! credentials needs, so that it is authenticated without a database read.

use serde::{Deserialize, Serialize};

/// Who the temporary credentials speak for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionKind {
    /// `AssumeRole`: `arn:aws:sts::A:assumed-role/R/S`.
    AssumedRole,
    /// `GetSessionToken` by an IAM user: the user itself, with MFA state.
    User,
    /// `GetSessionToken` by an account root.
    Root,
}

/// The claims sealed into a session token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub kind: SessionKind,
    pub account_id: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Unix seconds.
    pub issued_at: i64,
    pub expires_at: i64,
    /// The path of the role or user.
    pub path: Option<String>,
    /// Role name, role id (`AROA…`) and session name, for role sessions.
    pub role_name: Option<String>,
    pub role_id: Option<String>,
    pub session_name: Option<String>,
    /// User name and id (`AIDA…`), for `GetSessionToken` by a user.
    pub user_name: Option<String>,
    pub user_id: Option<String>,
    /// Session policies (inline and the documents of `PolicyArns`), as JSON text.
    pub session_policies: Vec<String>,
    /// `aws:PrincipalTag/*` of the session: role tags, overridden by session tags, plus the
    /// transitive tags inherited from the calling session.
    pub tags: Vec<(String, String)>,
    /// Keys of `tags` that pass to the next session in a chain.
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    /// When MFA was proven (Unix seconds), if it was.
    pub mfa_authenticated_at: Option<i64>,
    /// 0 for a session made from long-term credentials; +1 per role-chaining step.
    pub chain_depth: u32,
}

impl Session {
    /// `arn:aws:sts::A:assumed-role/R/S` (no role path, as AWS does), the user ARN, or root.
    pub fn arn(&self) -> String {
        match self.kind {
            SessionKind::AssumedRole => format!(
                "arn:aws:sts::{}:assumed-role/{}/{}",
                self.account_id,
                self.role_name.as_deref().unwrap_or_default(),
                self.session_name.as_deref().unwrap_or_default()
            ),
            SessionKind::User => format!(
                "arn:aws:iam::{}:user{}{}",
                self.account_id,
                self.path.as_deref().unwrap_or("/"),
                self.user_name.as_deref().unwrap_or_default()
            ),
            SessionKind::Root => format!("arn:aws:iam::{}:root", self.account_id),
        }
    }

    /// `AROA…:session`, `AIDA…`, or the account id: GetCallerIdentity's `UserId`.
    pub fn user_id(&self) -> String {
        match self.kind {
            SessionKind::AssumedRole => format!(
                "{}:{}",
                self.role_id.as_deref().unwrap_or_default(),
                self.session_name.as_deref().unwrap_or_default()
            ),
            SessionKind::User => self.user_id.clone().unwrap_or_default(),
            SessionKind::Root => self.account_id.clone(),
        }
    }
}
