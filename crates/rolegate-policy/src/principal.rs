//! Who is asking: the caller read from the request's principal string, the condition keys AWS
//! derives from it (`aws:PrincipalArn`, `aws:PrincipalType`, ...), and whether a policy's
//! `Principal` element names it.
//!
//! Role sessions: `aws:PrincipalArn` of `arn:aws:sts::A:assumed-role/R/S` is the role ARN
//! `arn:aws:iam::A:role/R`. The session ARN carries no role path, so the derived role ARN has
//! none either; callers that know the path pass `aws:PrincipalArn` in the context.

use crate::ast::{Effect, Principal, PrincipalBlock, PrincipalKind};

/// What kind of caller a request principal names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallerKind {
    /// `anonymous`: an unsigned request.
    Anonymous,
    /// `arn:aws:iam::A:root`.
    Account,
    /// `arn:aws:iam::A:user/...`.
    User,
    /// `arn:aws:iam::A:role/...` (a role named directly rather than one of its sessions).
    Role,
    /// `arn:aws:sts::A:assumed-role/R/S`.
    AssumedRole,
    /// `arn:aws:sts::A:federated-user/N`.
    FederatedUser,
    /// A service principal, `x.amazonaws.com`.
    Service,
    /// A web identity or SAML provider (`Federated` principals).
    FederatedProvider,
    /// Anything else: matched only by `*` or by its exact text.
    Other,
}

/// The caller of a request, read once per authorization. Borrowed, no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'a> {
    pub(crate) kind: CallerKind,
    pub(crate) principal: &'a str,
    pub(crate) partition: &'a str,
    pub(crate) account: Option<&'a str>,
    /// The role's name (last path element) for roles and role sessions.
    pub(crate) role_name: Option<&'a str>,
    /// The session name for role sessions, the user name for users and federated users.
    pub(crate) name: Option<&'a str>,
    /// `AIDA…` / `AROA…` without any `:session` suffix.
    pub(crate) unique_id: Option<&'a str>,
}

/// How a `Principal` element matched the caller; decides which limits a resource-based policy
/// grant is subject to (see `authorize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalMatch {
    /// `"*"` or `{"AWS": "*"}`.
    Wildcard,
    /// The caller's account (`123456789012` or `arn:aws:iam::123456789012:root`).
    Account,
    /// The role whose session the caller is.
    Role,
    /// The caller itself: its user, role, session or federated-user ARN, unique id, service or
    /// provider name.
    Exact,
    /// `NotPrincipal` that does not name the caller.
    NotPrincipal,
}

pub(crate) use rolegate_types::{ArnParts, is_service_principal, is_unique_id, split_colon};

pub(crate) fn split_arn(text: &str) -> Option<ArnParts<'_>> {
    ArnParts::split(text)
}

pub(crate) fn is_account_id(text: &str) -> bool {
    rolegate_types::AccountId::is_valid(text)
}

impl<'a> Caller<'a> {
    pub(crate) fn new(principal: &'a str, principal_id: Option<&'a str>) -> Self {
        let unique_id = principal_id.map(|id| id.split_once(':').map_or(id, |(id, _)| id));
        let mut caller = Caller {
            kind: CallerKind::Other,
            principal,
            partition: "aws",
            account: None,
            role_name: None,
            name: None,
            unique_id,
        };
        if principal.eq_ignore_ascii_case("anonymous") {
            caller.kind = CallerKind::Anonymous;
            return caller;
        }
        if rolegate_types::is_web_identity_provider(principal) {
            caller.kind = CallerKind::FederatedProvider;
            return caller;
        }
        if is_service_principal(principal) {
            caller.kind = CallerKind::Service;
            return caller;
        }
        let Some(arn) = split_arn(principal) else {
            return caller;
        };
        caller.partition = arn.partition;
        caller.account = Some(arn.account);
        let last = |path: &'a str| path.rsplit('/').next();
        caller.kind = match (arn.service, arn.resource) {
            ("iam", "root") => CallerKind::Account,
            ("iam", r) if r.starts_with("user/") => {
                caller.name = last(r);
                CallerKind::User
            }
            ("iam", r) if r.starts_with("role/") => {
                caller.role_name = last(r);
                CallerKind::Role
            }
            ("iam", r) if r.starts_with("oidc-provider/") || r.starts_with("saml-provider/") => {
                caller.account = None;
                CallerKind::FederatedProvider
            }
            ("sts", r) if r.starts_with("assumed-role/") => {
                let mut parts = r.splitn(3, '/').skip(1);
                caller.role_name = parts.next();
                caller.name = parts.next();
                CallerKind::AssumedRole
            }
            ("sts", r) if r.starts_with("federated-user/") => {
                caller.name = r.strip_prefix("federated-user/");
                CallerKind::FederatedUser
            }
            _ => {
                caller.account = None;
                CallerKind::Other
            }
        };
        caller
    }

    /// Whether the caller is an AWS principal (an account's root, user, role or session): the
    /// principals `{"AWS": ...}` can name.
    pub(crate) fn is_aws_principal(&self) -> bool {
        matches!(
            self.kind,
            CallerKind::Account
                | CallerKind::User
                | CallerKind::Role
                | CallerKind::AssumedRole
                | CallerKind::FederatedUser
        )
    }

    /// Whether the caller is a principal that only resource-based policies can grant to (it has
    /// no identity-based policies): anonymous callers, services and federation providers.
    pub(crate) fn has_identity_policies(&self) -> bool {
        self.is_aws_principal()
    }

    /// `aws:PrincipalArn`.
    pub(crate) fn principal_arn(&self) -> Option<String> {
        match self.kind {
            CallerKind::Account
            | CallerKind::User
            | CallerKind::Role
            | CallerKind::FederatedUser => Some(self.principal.to_owned()),
            CallerKind::AssumedRole => Some(format!(
                "arn:{}:iam::{}:role/{}",
                self.partition,
                self.account.unwrap_or_default(),
                self.role_name.unwrap_or_default()
            )),
            _ => None,
        }
    }

    /// `aws:PrincipalType`.
    pub(crate) fn principal_type(&self) -> Option<&'static str> {
        match self.kind {
            CallerKind::Anonymous => Some("Anonymous"),
            CallerKind::Account => Some("Account"),
            CallerKind::User => Some("User"),
            CallerKind::Role | CallerKind::AssumedRole => Some("AssumedRole"),
            CallerKind::FederatedUser => Some("FederatedUser"),
            _ => None,
        }
    }

    /// `aws:userid`.
    pub(crate) fn user_id(&self, principal_id: Option<&str>) -> Option<String> {
        match self.kind {
            CallerKind::Anonymous => Some("anonymous".to_owned()),
            CallerKind::Account => self.account.map(str::to_owned),
            CallerKind::User | CallerKind::Role => principal_id.map(str::to_owned),
            CallerKind::AssumedRole => principal_id.map(|id| {
                if id.contains(':') {
                    id.to_owned()
                } else {
                    format!("{id}:{}", self.name.unwrap_or_default())
                }
            }),
            CallerKind::FederatedUser => Some(format!(
                "{}:{}",
                self.account.unwrap_or_default(),
                self.name.unwrap_or_default()
            )),
            _ => None,
        }
    }

    /// Whether a `Principal`/`NotPrincipal` element applies to this caller, and how.
    pub(crate) fn match_block(
        &self,
        block: &PrincipalBlock,
        effect: Effect,
    ) -> Option<PrincipalMatch> {
        let entries = match &block.principal {
            Principal::Any => return (!block.negated).then_some(PrincipalMatch::Wildcard),
            Principal::Specified(entries) => entries,
        };
        let values = || {
            entries
                .iter()
                .flat_map(|e| e.values.iter().map(move |v| (e.kind, v.as_str())))
        };
        if block.negated {
            return (!self.excluded_by(values(), effect)).then_some(PrincipalMatch::NotPrincipal);
        }
        values()
            .filter_map(|(kind, value)| self.match_value(kind, value))
            .max_by_key(|m| match m {
                // Prefer the most specific way of naming the caller.
                PrincipalMatch::Exact => 3,
                PrincipalMatch::Role => 2,
                PrincipalMatch::Account => 1,
                _ => 0,
            })
    }

    /// Whether `NotPrincipal` names (and so exempts) the caller. With `Deny`, AWS evaluates the
    /// statement against each identity the request carries, so a caller is exempt only when the
    /// element names all of them: the account, and the user, or the role and the session (IAM
    /// User Guide, "NotPrincipal": "you must also specify the account ARN of the not-denied
    /// principal"). `Allow` with `NotPrincipal` (which AWS discourages) exempts the caller when
    /// it is named itself. A role ARN given as the caller stands for itself alone.
    fn excluded_by<'v>(
        &self,
        values: impl Iterator<Item = (PrincipalKind, &'v str)> + Clone,
        effect: Effect,
    ) -> bool {
        let named = |wanted: PrincipalMatch| {
            values.clone().any(|(kind, value)| {
                (kind == PrincipalKind::Aws && value == "*")
                    || self.match_value(kind, value) == Some(wanted)
            })
        };
        let itself = || match self.kind {
            CallerKind::Account => named(PrincipalMatch::Account),
            CallerKind::Anonymous => named(PrincipalMatch::Wildcard),
            _ => named(PrincipalMatch::Exact),
        };
        if effect == Effect::Allow {
            return itself();
        }
        match self.kind {
            CallerKind::User | CallerKind::FederatedUser => {
                named(PrincipalMatch::Account) && itself()
            }
            CallerKind::AssumedRole => {
                named(PrincipalMatch::Account) && named(PrincipalMatch::Role) && itself()
            }
            _ => itself(),
        }
    }

    /// Whether one principal value names this caller.
    pub(crate) fn match_value(&self, kind: PrincipalKind, value: &str) -> Option<PrincipalMatch> {
        match kind {
            PrincipalKind::Aws => self.match_aws(value),
            PrincipalKind::Service => (self.kind == CallerKind::Service
                && self.principal.eq_ignore_ascii_case(value))
            .then_some(PrincipalMatch::Exact),
            PrincipalKind::Federated => (self.kind == CallerKind::FederatedProvider
                && (self.principal == value
                    || (!value.starts_with("arn:") && self.principal.eq_ignore_ascii_case(value))))
            .then_some(PrincipalMatch::Exact),
            PrincipalKind::CanonicalUser => {
                (self.principal == value).then_some(PrincipalMatch::Exact)
            }
        }
    }

    fn match_aws(&self, value: &str) -> Option<PrincipalMatch> {
        if value == "*" {
            // `{"AWS": "*"}` is every AWS principal, including anonymous callers (it is how S3
            // documents public access), but not services or federation providers.
            return (self.is_aws_principal() || self.kind == CallerKind::Anonymous)
                .then_some(PrincipalMatch::Wildcard);
        }
        if !self.is_aws_principal() {
            return None;
        }
        if is_account_id(value) {
            return (self.account == Some(value)).then_some(PrincipalMatch::Account);
        }
        if is_unique_id(value) {
            return (self.unique_id == Some(value)).then_some(PrincipalMatch::Exact);
        }
        if value == self.principal {
            return Some(if self.kind == CallerKind::Account {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::Exact
            });
        }
        let arn = split_arn(value)?;
        if arn.partition != self.partition || Some(arn.account) != self.account {
            return None;
        }
        match (arn.service, arn.resource) {
            ("iam", "root") => Some(PrincipalMatch::Account),
            ("iam", role) if role.starts_with("role/") && self.kind == CallerKind::AssumedRole => {
                (role.rsplit('/').next() == self.role_name).then_some(PrincipalMatch::Role)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::PrincipalEntry;

    fn aws(values: &[&str]) -> PrincipalBlock {
        PrincipalBlock {
            negated: false,
            principal: Principal::Specified(vec![PrincipalEntry {
                kind: PrincipalKind::Aws,
                values: values.iter().map(|v| v.to_string()).collect(),
            }]),
        }
    }

    #[test]
    fn reads_caller_kinds() {
        let c = Caller::new(
            "arn:aws:sts::111122223333:assumed-role/Admin/alice",
            Some("AROAEXAMPLEID12345678:alice"),
        );
        assert_eq!(c.kind, CallerKind::AssumedRole);
        assert_eq!(c.role_name, Some("Admin"));
        assert_eq!(c.name, Some("alice"));
        assert_eq!(c.unique_id, Some("AROAEXAMPLEID12345678"));
        assert_eq!(
            c.principal_arn().unwrap(),
            "arn:aws:iam::111122223333:role/Admin"
        );
        assert_eq!(c.principal_type(), Some("AssumedRole"));
        assert_eq!(
            c.user_id(Some("AROAEXAMPLEID12345678")).unwrap(),
            "AROAEXAMPLEID12345678:alice"
        );

        assert_eq!(
            Caller::new("arn:aws:iam::111122223333:root", None).kind,
            CallerKind::Account
        );
        assert_eq!(
            Caller::new("arn:aws:iam::111122223333:user/dev/bob", None).name,
            Some("bob")
        );
        assert_eq!(Caller::new("ANONYMOUS", None).kind, CallerKind::Anonymous);
        assert_eq!(
            Caller::new("lambda.amazonaws.com", None).kind,
            CallerKind::Service
        );
        assert_eq!(
            Caller::new("cognito-identity.amazonaws.com", None).kind,
            CallerKind::FederatedProvider
        );
        assert_eq!(
            Caller::new(
                "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                None
            )
            .kind,
            CallerKind::FederatedProvider
        );
        let fed = Caller::new("arn:aws:sts::111122223333:federated-user/carol", None);
        assert_eq!(fed.user_id(None).unwrap(), "111122223333:carol");
    }

    #[test]
    fn account_root_and_id_name_every_principal_of_the_account() {
        let c = Caller::new("arn:aws:iam::111122223333:user/bob", None);
        assert_eq!(
            c.match_block(&aws(&["111122223333"]), Effect::Deny),
            Some(PrincipalMatch::Account)
        );
        assert_eq!(
            c.match_block(&aws(&["arn:aws:iam::111122223333:root"]), Effect::Deny),
            Some(PrincipalMatch::Account)
        );
        assert_eq!(c.match_block(&aws(&["444455556666"]), Effect::Deny), None);
        assert_eq!(
            c.match_block(&aws(&["arn:aws:iam::111122223333:user/bob"]), Effect::Deny),
            Some(PrincipalMatch::Exact)
        );
        assert_eq!(
            c.match_block(&aws(&["arn:aws:iam::111122223333:user/Bob"]), Effect::Deny),
            None
        );
    }

    #[test]
    fn role_arn_names_its_sessions() {
        let s = Caller::new("arn:aws:sts::111122223333:assumed-role/Admin/alice", None);
        assert_eq!(
            s.match_block(
                &aws(&["arn:aws:iam::111122223333:role/ops/Admin"]),
                Effect::Deny
            ),
            Some(PrincipalMatch::Role)
        );
        assert_eq!(
            s.match_block(
                &aws(&["arn:aws:iam::111122223333:role/Other"]),
                Effect::Deny
            ),
            None
        );
        assert_eq!(
            s.match_block(
                &aws(&["arn:aws:sts::111122223333:assumed-role/Admin/alice"]),
                Effect::Deny
            ),
            Some(PrincipalMatch::Exact)
        );
        assert_eq!(
            s.match_block(
                &aws(&["arn:aws:sts::111122223333:assumed-role/Admin/bob"]),
                Effect::Deny
            ),
            None
        );
    }

    #[test]
    fn unique_ids_match_the_principal_id() {
        let s = Caller::new(
            "arn:aws:iam::111122223333:role/Admin",
            Some("AROAEXAMPLEID12345678"),
        );
        assert_eq!(
            s.match_block(&aws(&["AROAEXAMPLEID12345678"]), Effect::Deny),
            Some(PrincipalMatch::Exact)
        );
        assert_eq!(
            s.match_block(&aws(&["AROAOTHERID123456789"]), Effect::Deny),
            None
        );
    }

    #[test]
    fn wildcards_services_and_not_principal() {
        let anon = Caller::new("anonymous", None);
        let svc = Caller::new("ec2.amazonaws.com", None);
        let any = PrincipalBlock {
            negated: false,
            principal: Principal::Any,
        };
        assert_eq!(
            anon.match_block(&any, Effect::Deny),
            Some(PrincipalMatch::Wildcard)
        );
        assert_eq!(
            svc.match_block(&any, Effect::Deny),
            Some(PrincipalMatch::Wildcard)
        );
        assert_eq!(
            anon.match_block(&aws(&["*"]), Effect::Deny),
            Some(PrincipalMatch::Wildcard)
        );
        assert_eq!(svc.match_block(&aws(&["*"]), Effect::Deny), None);
        let service = PrincipalBlock {
            negated: false,
            principal: Principal::Specified(vec![PrincipalEntry {
                kind: PrincipalKind::Service,
                values: vec!["ec2.amazonaws.com".into()],
            }]),
        };
        assert_eq!(
            svc.match_block(&service, Effect::Deny),
            Some(PrincipalMatch::Exact)
        );
        let mut not = aws(&["arn:aws:iam::111122223333:user/bob", "111122223333"]);
        not.negated = true;
        let bob = Caller::new("arn:aws:iam::111122223333:user/bob", None);
        let eve = Caller::new("arn:aws:iam::111122223333:user/eve", None);
        assert_eq!(bob.match_block(&not, Effect::Deny), None);
        assert_eq!(
            eve.match_block(&not, Effect::Deny),
            Some(PrincipalMatch::NotPrincipal)
        );
        // Naming the user without its account does not exclude it.
        let mut user_only = aws(&["arn:aws:iam::111122223333:user/bob"]);
        user_only.negated = true;
        assert_eq!(
            bob.match_block(&user_only, Effect::Deny),
            Some(PrincipalMatch::NotPrincipal)
        );
        // With Allow (discouraged by AWS), naming the caller itself exempts it.
        assert_eq!(bob.match_block(&user_only, Effect::Allow), None);
        // A session is excluded only with its account, its role and its own ARN.
        let session = Caller::new("arn:aws:sts::111122223333:assumed-role/R/s1", None);
        let mut all_three = aws(&[
            "arn:aws:sts::111122223333:assumed-role/R/s1",
            "arn:aws:iam::111122223333:role/R",
            "arn:aws:iam::111122223333:root",
        ]);
        all_three.negated = true;
        assert_eq!(session.match_block(&all_three, Effect::Deny), None);
        let other = Caller::new("arn:aws:sts::111122223333:assumed-role/R/s2", None);
        assert_eq!(
            other.match_block(&all_three, Effect::Deny),
            Some(PrincipalMatch::NotPrincipal)
        );
        let mut everyone = aws(&["*"]);
        everyone.negated = true;
        assert_eq!(eve.match_block(&everyone, Effect::Deny), None);
        assert_eq!(
            Caller::new("anonymous", None).match_block(&everyone, Effect::Deny),
            None
        );
    }
}
