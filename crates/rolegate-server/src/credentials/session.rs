//! The server's view of a session: what a later request signed with the temporary
//! credentials needs, so that it is authenticated without a database read. It is sealed as
//! `rolegate_tokens::SessionClaims` (the conversion is here, in both directions).

use rolegate_tokens::{MfaContext, SecretAccessKey, SessionClaims, SessionPrincipal};
use rolegate_types::Partition;

/// Who the temporary credentials speak for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// `AssumeRole`: `arn:aws:sts::A:assumed-role/R/S`.
    AssumedRole,
    /// `GetSessionToken` by an IAM user: the user itself, with MFA state.
    User,
    /// `GetSessionToken` by an account root.
    Root,
}

/// The claims sealed into a session token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub kind: SessionKind,
    /// The partition of the session's ARNs: the one its credentials were issued in.
    pub partition: Partition,
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
    /// The inline session policy (`Policy`), as sent.
    pub session_policy: Option<String>,
    /// Managed session policies (`PolicyArns`), resolved when a request uses the session.
    pub session_policy_arns: Vec<String>,
    /// `aws:PrincipalTag/*` of the session: role tags, overridden by session tags, plus the
    /// transitive tags inherited from the calling session.
    pub tags: Vec<(String, String)>,
    /// Keys of `tags` that pass to the next session in a chain.
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    /// When MFA was proven (Unix seconds), if it was.
    pub mfa_authenticated_at: Option<i64>,
    /// 0 for a session made from long-term credentials; +1 per role-chaining step.
    pub chain_depth: u8,
    /// Who created the session (audit).
    pub source_principal_arn: String,
}

// ARNs and ids are built with `[&str]::concat`, which sizes the string once (this runs for every
// `AssumeRole` and `GetCallerIdentity`).
impl Session {
    /// `arn:aws:sts::A:assumed-role/R/S` (no role path, as AWS does), the user ARN, or root.
    pub fn arn(&self) -> String {
        match self.kind {
            SessionKind::AssumedRole => [
                "arn:",
                self.partition.as_str(),
                ":sts::",
                &self.account_id,
                ":assumed-role/",
                self.role_name.as_deref().unwrap_or_default(),
                "/",
                self.session_name.as_deref().unwrap_or_default(),
            ]
            .concat(),
            SessionKind::User => [
                "arn:",
                self.partition.as_str(),
                ":iam::",
                &self.account_id,
                ":user",
                self.path.as_deref().unwrap_or("/"),
                self.user_name.as_deref().unwrap_or_default(),
            ]
            .concat(),
            SessionKind::Root => [
                "arn:",
                self.partition.as_str(),
                ":iam::",
                &self.account_id,
                ":root",
            ]
            .concat(),
        }
    }

    /// `AROA…:session`, `AIDA…`, or the account id: GetCallerIdentity's `UserId`.
    pub fn user_id(&self) -> String {
        match self.kind {
            SessionKind::AssumedRole => [
                self.role_id.as_deref().unwrap_or_default(),
                ":",
                self.session_name.as_deref().unwrap_or_default(),
            ]
            .concat(),
            SessionKind::User => self.user_id.clone().unwrap_or_default(),
            SessionKind::Root => self.account_id.clone(),
        }
    }

    /// `arn:aws:iam::A:role/{path}{name}`, for role sessions (`aws:PrincipalArn`).
    pub fn role_arn(&self) -> String {
        [
            "arn:",
            self.partition.as_str(),
            ":iam::",
            &self.account_id,
            ":role",
            self.path.as_deref().unwrap_or("/"),
            self.role_name.as_deref().unwrap_or_default(),
        ]
        .concat()
    }
}

/// `arn:aws:iam::A:{kind}/path/name` → (`/path/`, `name`).
fn path_and_name(arn: &str, kind: &str) -> Option<(String, String)> {
    let rest = arn.split_once(&format!(":{kind}/"))?.1;
    Some(match rest.rfind('/') {
        Some(at) => (
            format!("/{}/", rest.get(..at)?),
            rest.get(at + 1..)?.to_owned(),
        ),
        None => ("/".to_owned(), rest.to_owned()),
    })
}

impl Session {
    fn principal(&self) -> SessionPrincipal {
        match self.kind {
            SessionKind::AssumedRole => SessionPrincipal::AssumedRole {
                role_arn: self.role_arn(),
                role_id: self.role_id.clone().unwrap_or_default(),
                session_name: self.session_name.clone().unwrap_or_default(),
                assumed_role_arn: self.arn(),
                identity_provider: None,
            },
            SessionKind::User => SessionPrincipal::User {
                user_arn: self.arn(),
                user_id: self.user_id.clone().unwrap_or_default(),
            },
            SessionKind::Root => SessionPrincipal::Root,
        }
    }

    /// The claims sealed into the token.
    pub fn to_claims(&self) -> SessionClaims {
        SessionClaims {
            account_id: self.account_id.clone(),
            principal: self.principal(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretAccessKey::new(self.secret_access_key.clone()),
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            session_policy: self.session_policy.clone(),
            session_policy_arns: self.session_policy_arns.clone(),
            tags: self.tags.clone(),
            transitive_tag_keys: self.transitive_tag_keys.clone(),
            source_identity: self.source_identity.clone(),
            mfa: self
                .mfa_authenticated_at
                .map(|authenticated_at| MfaContext { authenticated_at }),
            chain_depth: self.chain_depth,
            source_principal_arn: self.source_principal_arn.clone(),
        }
    }

    /// The session a token's claims describe; `None` for principals this server does not issue.
    pub fn from_claims(claims: SessionClaims) -> Option<Self> {
        let partition = match &claims.principal {
            SessionPrincipal::AssumedRole { role_arn: arn, .. }
            | SessionPrincipal::User { user_arn: arn, .. } => arn
                .split(':')
                .nth(1)
                .and_then(Partition::from_id)
                .unwrap_or_default(),
            _ => Partition::Aws,
        };
        let mut session = Session {
            kind: SessionKind::Root,
            partition,
            account_id: claims.account_id,
            access_key_id: claims.access_key_id,
            secret_access_key: claims.secret_access_key.expose().to_owned(),
            issued_at: claims.issued_at,
            expires_at: claims.expires_at,
            path: None,
            role_name: None,
            role_id: None,
            session_name: None,
            user_name: None,
            user_id: None,
            session_policy: claims.session_policy,
            session_policy_arns: claims.session_policy_arns,
            tags: claims.tags,
            transitive_tag_keys: claims.transitive_tag_keys,
            source_identity: claims.source_identity,
            mfa_authenticated_at: claims.mfa.map(|m| m.authenticated_at),
            chain_depth: claims.chain_depth,
            source_principal_arn: claims.source_principal_arn,
        };
        match claims.principal {
            SessionPrincipal::AssumedRole {
                role_arn,
                role_id,
                session_name,
                ..
            } => {
                let (path, name) = path_and_name(&role_arn, "role")?;
                session.kind = SessionKind::AssumedRole;
                session.path = Some(path);
                session.role_name = Some(name);
                session.role_id = Some(role_id);
                session.session_name = Some(session_name);
            }
            SessionPrincipal::User { user_arn, user_id } => {
                let (path, name) = path_and_name(&user_arn, "user")?;
                session.kind = SessionKind::User;
                session.path = Some(path);
                session.user_name = Some(name);
                session.user_id = Some(user_id);
            }
            SessionPrincipal::Root => {}
            SessionPrincipal::FederatedUser { .. } => return None,
        }
        Some(session)
    }
}

#[cfg(test)]
impl Session {
    /// A chained role session with every optional part set (for tests here and in `mint`).
    pub(super) fn example_role_session() -> Session {
        Session {
            kind: SessionKind::AssumedRole,
            partition: Partition::Aws,
            account_id: "111122223333".into(),
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "s".into(),
            issued_at: 1,
            expires_at: 2,
            path: Some("/team/app/".into()),
            role_name: Some("Deploy".into()),
            role_id: Some("AROAEXAMPLE".into()),
            session_name: Some("s1".into()),
            user_name: None,
            user_id: None,
            session_policy: Some("{}".into()),
            session_policy_arns: vec!["arn:aws:iam::111122223333:policy/p".into()],
            tags: vec![("k".into(), "v".into())],
            transitive_tag_keys: vec!["k".into()],
            source_identity: Some("me".into()),
            mfa_authenticated_at: Some(1),
            chain_depth: 1,
            source_principal_arn: "arn:aws:iam::444455556666:user/vendor".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_session() -> Session {
        Session {
            kind: SessionKind::User,
            path: Some("/ops/".into()),
            role_name: None,
            role_id: None,
            session_name: None,
            user_name: Some("alice".into()),
            user_id: Some("AIDAEXAMPLE".into()),
            ..Session::example_role_session()
        }
    }

    #[test]
    fn claims_round_trip() {
        let session = Session::example_role_session();
        assert_eq!(
            Session::from_claims(session.to_claims()),
            Some(session.clone())
        );
        assert_eq!(
            session.arn(),
            "arn:aws:sts::111122223333:assumed-role/Deploy/s1"
        );
        let user = Session {
            path: Some("/".into()),
            ..user_session()
        };
        assert_eq!(Session::from_claims(user.to_claims()), Some(user));
    }

    #[test]
    fn arns_and_ids_are_spelled_as_aws_does() {
        let role = Session::example_role_session();
        assert_eq!(role.user_id(), "AROAEXAMPLE:s1");
        let SessionPrincipal::AssumedRole {
            role_arn,
            role_id,
            session_name,
            assumed_role_arn,
            identity_provider,
        } = role.to_claims().principal
        else {
            panic!("not a role session")
        };
        assert_eq!(role_arn, "arn:aws:iam::111122223333:role/team/app/Deploy");
        assert_eq!(role_id, "AROAEXAMPLE");
        assert_eq!(session_name, "s1");
        assert_eq!(
            assumed_role_arn,
            "arn:aws:sts::111122223333:assumed-role/Deploy/s1"
        );
        assert_eq!(identity_provider, None);
        let no_path = Session {
            path: None,
            ..Session::example_role_session()
        };
        assert!(matches!(
            no_path.to_claims().principal,
            SessionPrincipal::AssumedRole { role_arn, .. }
                if role_arn == "arn:aws:iam::111122223333:role/Deploy"
        ));

        let user = user_session();
        assert_eq!(user.arn(), "arn:aws:iam::111122223333:user/ops/alice");
        assert_eq!(user.user_id(), "AIDAEXAMPLE");
        assert_eq!(
            user.to_claims().principal,
            SessionPrincipal::User {
                user_arn: "arn:aws:iam::111122223333:user/ops/alice".into(),
                user_id: "AIDAEXAMPLE".into(),
            }
        );

        let root = Session {
            kind: SessionKind::Root,
            ..user_session()
        };
        assert_eq!(root.arn(), "arn:aws:iam::111122223333:root");
        assert_eq!(root.user_id(), "111122223333");
        assert_eq!(root.to_claims().principal, SessionPrincipal::Root);
    }
}
