//! The evaluation environment of one request: the request, its caller, and the condition keys
//! AWS fills in itself (derived on first use, only when the context does not give them).

use std::cell::OnceCell;

use crate::context::Request;
use crate::principal::{Caller, CallerKind, split_arn};
use crate::variables::Lookup;

pub(crate) struct Env<'a> {
    pub(crate) request: &'a Request,
    pub(crate) caller: Caller<'a>,
    /// The caller has a permissions boundary: resource-policy `Deny` + `NotPrincipal` then
    /// always applies to it (IAM User Guide, "Permissions boundaries for IAM entities").
    pub(crate) boundary_attached: bool,
    derived: OnceCell<Vec<(&'static str, Vec<String>)>>,
}

impl<'a> Env<'a> {
    pub(crate) fn new(request: &'a Request) -> Self {
        Env {
            request,
            caller: Caller::new(&request.principal, request.principal_id.as_deref()),
            boundary_attached: false,
            derived: OnceCell::new(),
        }
    }

    /// The account owning the resource: given, else from the resource ARN.
    pub(crate) fn resource_account(&self) -> Option<&'a str> {
        match &self.request.resource_account {
            Some(account) => Some(account.as_str()),
            None => split_arn(&self.request.resource)
                .map(|a| a.account)
                .filter(|a| !a.is_empty()),
        }
    }

    fn derived(&self) -> &[(&'static str, Vec<String>)] {
        self.derived.get_or_init(|| {
            let caller = &self.caller;
            let mut keys: Vec<(&'static str, Vec<String>)> = Vec::new();
            let mut add = |key: &'static str, value: Option<String>| {
                if let Some(v) = value {
                    keys.push((key, vec![v]));
                }
            };
            add("aws:principalarn", caller.principal_arn());
            add("aws:principalaccount", caller.account.map(str::to_owned));
            add(
                "aws:principaltype",
                caller.principal_type().map(str::to_owned),
            );
            add(
                "aws:userid",
                caller.user_id(self.request.principal_id.as_deref()),
            );
            add(
                "aws:username",
                (caller.kind == CallerKind::User)
                    .then(|| caller.name.unwrap_or_default().to_owned()),
            );
            match caller.kind {
                CallerKind::Service => {
                    add("aws:principalisawsservice", Some("true".to_owned()));
                    add(
                        "aws:principalservicename",
                        Some(caller.principal.to_owned()),
                    );
                }
                CallerKind::Anonymous => {}
                _ => add("aws:principalisawsservice", Some("false".to_owned())),
            }
            add(
                "aws:resourceaccount",
                self.resource_account().map(str::to_owned),
            );
            keys
        })
    }
}

impl Lookup for Env<'_> {
    fn values(&self, key_lower: &str) -> Option<&[String]> {
        self.request.context.get_lower(key_lower).or_else(|| {
            self.derived()
                .iter()
                .find(|(k, _)| *k == key_lower)
                .map(|(_, v)| v.as_slice())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_principal_keys_unless_given() {
        let mut request = Request::new(
            "arn:aws:iam::111122223333:user/bob",
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        );
        request.principal_id = Some("AIDAEXAMPLEID1234567".into());
        request.resource_account = Some("444455556666".into());
        request.context.insert("aws:PrincipalType", "Given");
        let env = Env::new(&request);
        assert_eq!(
            env.values("aws:principalarn").unwrap(),
            ["arn:aws:iam::111122223333:user/bob"]
        );
        assert_eq!(
            env.values("aws:principalaccount").unwrap(),
            ["111122223333"]
        );
        assert_eq!(env.values("aws:principaltype").unwrap(), ["Given"]);
        assert_eq!(env.values("aws:username").unwrap(), ["bob"]);
        assert_eq!(env.values("aws:userid").unwrap(), ["AIDAEXAMPLEID1234567"]);
        assert_eq!(env.values("aws:principalisawsservice").unwrap(), ["false"]);
        assert_eq!(env.values("aws:resourceaccount").unwrap(), ["444455556666"]);
        assert!(env.values("aws:sourceip").is_none());
    }

    #[test]
    fn services_and_anonymous() {
        let request = Request::new(
            "ec2.amazonaws.com",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/r",
        );
        let env = Env::new(&request);
        assert_eq!(env.values("aws:principalisawsservice").unwrap(), ["true"]);
        assert_eq!(
            env.values("aws:principalservicename").unwrap(),
            ["ec2.amazonaws.com"]
        );
        assert_eq!(env.values("aws:resourceaccount").unwrap(), ["111122223333"]);
        let request = Request::new("anonymous", "s3:GetObject", "arn:aws:s3:::b/k");
        let env = Env::new(&request);
        assert_eq!(env.values("aws:principaltype").unwrap(), ["Anonymous"]);
        assert!(env.values("aws:principalisawsservice").is_none());
        assert!(env.values("aws:resourceaccount").is_none());
    }
}
