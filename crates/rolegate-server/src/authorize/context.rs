//! The global condition keys AWS puts in every request context, from the caller and the
//! request's own facts (time, source address, region).

use rolegate_policy::Context;
use rolegate_protocol::format_timestamp;
use rolegate_types::Partition;
use time::OffsetDateTime;

use crate::authenticate::{Caller, CallerKind};

/// Facts about the request itself, independent of the action.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub now: OffsetDateTime,
    pub source_ip: String,
    pub region: String,
    /// The region's partition: the one every ARN of the answer is in.
    pub partition: Partition,
    pub secure_transport: bool,
}

/// `aws:*` keys describing the caller and the request.
pub fn caller_context(caller: &Caller, facts: &RequestFacts) -> Context {
    // Room for the keys below and the few an action adds (AssumeRole's `sts:*`).
    let mut context = Context::with_capacity(24);
    if let Some(arn) = &caller.principal_arn {
        context.insert("aws:PrincipalArn", arn.clone());
    }
    if caller.kind == CallerKind::Service {
        context.insert("aws:PrincipalIsAWSService", "true");
        if let Some(service) = &caller.service {
            context.insert("aws:PrincipalServiceName", service.clone());
        }
        // The service acts on behalf of a resource in this account (confused-deputy keys).
        context.insert("aws:SourceAccount", caller.account.id.clone());
    } else {
        context.insert("aws:PrincipalAccount", caller.account.id.clone());
        context.insert("aws:PrincipalIsAWSService", "false");
        context.insert("aws:userid", caller.user_id.clone());
    }
    if let Some(org) = &caller.account.organization_id {
        context.insert("aws:PrincipalOrgID", org.clone());
    }
    if let Some(path) = &caller.account.ou_path {
        context.insert("aws:PrincipalOrgPaths", path.clone());
    }
    if let Some(user) = &caller.user_name {
        context.insert("aws:username", user.clone());
    }
    for (key, value) in &caller.tags {
        context.insert(format!("aws:PrincipalTag/{key}"), value.clone());
    }
    context.insert("aws:SourceIp", facts.source_ip.clone());
    context.insert(
        "aws:SecureTransport",
        if facts.secure_transport {
            "true"
        } else {
            "false"
        },
    );
    context.insert("aws:CurrentTime", format_timestamp(facts.now));
    context.insert(
        "aws:EpochTime",
        itoa::Buffer::new().format(facts.now.unix_timestamp()),
    );
    context.insert("aws:RequestedRegion", facts.region.clone());
    if let Some(session) = &caller.session {
        let issued = OffsetDateTime::from_unix_timestamp(session.issued_at).unwrap_or(facts.now);
        context.insert("aws:TokenIssueTime", format_timestamp(issued));
        match session.mfa_authenticated_at() {
            Some(at) => {
                context.insert("aws:MultiFactorAuthPresent", "true");
                let age = (facts.now.unix_timestamp() - at).max(0);
                context.insert("aws:MultiFactorAuthAge", age.to_string());
            }
            None => {
                context.insert("aws:MultiFactorAuthPresent", "false");
            }
        }
        if let Some(source) = &session.source_identity {
            context.insert("aws:SourceIdentity", source.clone());
        }
    }
    context
}
