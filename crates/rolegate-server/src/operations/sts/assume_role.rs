//! `AssumeRole`: the trust policy decides who may wear the role, the caller's own policies
//! must agree when the trust names only an account or the caller is in another account, and
//! STS mints temporary credentials carrying everything later requests need.
//!
//! Order of checks, as AWS reports them: model validation; root callers; tag rules; session
//! policies; MFA code; role lookup and authorization (trust ∧ identity, plus `sts:TagSession`
//! and `sts:SetSourceIdentity` when used) — a missing role answers exactly like a denied one;
//! then the duration caps (role chaining, `MaxSessionDuration`); then minting.
//!
//! A source identity is sticky: once a session has one, every role assumed from it carries it
//! on, so the next role's trust must allow `sts:SetSourceIdentity` even when the request does
//! not name one, and naming a different one is refused.

use std::collections::BTreeMap;

use rolegate_policy::{Decision, Policy, PolicyType};
use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, Tag, model};
use rolegate_types::Arn;

use super::{check_mfa, write_credentials};
use crate::authorize;
use crate::credentials::{
    MfaContext, Minted, SecretAccessKey, SessionClaims, SessionPrincipal, mint,
};
use crate::directory::RoleEntry;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

const DEFAULT_DURATION: i64 = 3_600;
/// Role chaining caps sessions at one hour, whatever the role allows.
const CHAINED_MAX_DURATION: i64 = 3_600;
/// A role session EC2 assumed for an instance holds instance-profile credentials; assuming a
/// role with those is not role chaining, as AWS documents.
const INSTANCE_PROFILE_SERVICE: &str = "ec2.amazonaws.com";
/// The space session policies, policy ARNs and session tags share (our packing metric: their
/// characters, whitespace outside JSON strings not counted).
const PACKED_CAPACITY: usize = 2_048;

const ROOT_CANNOT_ASSUME: &str = "Roles may not be assumed by root accounts.";
const EXCEEDS_MAX_SESSION: &str =
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.";
const EXCEEDS_CHAINING: &str = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.";
const DUPLICATE_TAG_KEYS: &str =
    "Duplicate tag keys found. Please note that Tag keys are case insensitive.";
const TRANSITIVE_NOT_IN_TAGS: &str =
    "The specified transitive tag key must be included in the requested tags.";
const TRANSITIVE_CONFLICT: &str = "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.";

/// The typed request.
#[derive(Debug)]
pub struct AssumeRole {
    role_arn: String,
    session_name: String,
    duration: Option<i64>,
    external_id: Option<String>,
    serial_number: Option<String>,
    token_code: Option<String>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<Tag>,
    transitive_tag_keys: Vec<String>,
    source_identity: Option<String>,
}

impl AssumeRole {
    fn parse_input(input: &mut Input<'_>) -> Result<Self, Error> {
        let role_arn = input.required("RoleArn", &model::sts::ARN);
        let session_name = input.required("RoleSessionName", &model::sts::ROLE_SESSION_NAME);
        let params = input.params;
        let mut policy_arns = Vec::new();
        for member in params.list("PolicyArns", "member") {
            if let Some(arn) = input.v.required(&member, "arn", &model::sts::ARN) {
                policy_arns.push(arn.to_owned());
            }
        }
        let policy = input.optional("Policy", &model::sts::UNRESTRICTED_SESSION_POLICY);
        let duration = input.optional_i32("DurationSeconds", &model::sts::ROLE_DURATION_SECONDS)?;
        let tags = input.v.tags(
            params,
            "Tags",
            Some(model::sts::MAX_TAGS),
            &model::sts::TAG_KEY,
            &model::sts::TAG_VALUE,
        );
        let transitive_tag_keys = input.v.string_list(
            params,
            "TransitiveTagKeys",
            Some(model::sts::MAX_TAGS),
            &model::sts::TAG_KEY,
        );
        Ok(Self {
            role_arn,
            session_name,
            duration: duration.map(i64::from),
            external_id: input.optional("ExternalId", &model::sts::EXTERNAL_ID),
            serial_number: input.optional("SerialNumber", &model::sts::SERIAL_NUMBER),
            token_code: input.optional("TokenCode", &model::sts::TOKEN_CODE),
            policy,
            policy_arns,
            tags,
            transitive_tag_keys,
            source_identity: input.optional("SourceIdentity", &model::sts::SOURCE_IDENTITY),
        })
    }
}

/// `arn:partition:iam::ACCOUNT:role/path/NAME` → (account, path, name); `None` if the ARN does
/// not name a role (such a role cannot exist, so it is refused like a missing one).
fn role_of(arn: &Arn) -> Option<(String, String, String)> {
    if arn.service != "iam" || !rolegate_types::AccountId::is_valid(&arn.account) {
        return None;
    }
    let rest = arn.resource.strip_prefix("role/")?;
    let (path, name) = match rest.rfind('/') {
        Some(at) => (format!("/{}/", rest.get(..at)?), rest.get(at + 1..)?),
        None => ("/".to_owned(), rest),
    };
    (!name.is_empty()).then(|| (arn.account.clone(), path, name.to_owned()))
}

/// The tag rules STS checks before authorizing.
fn check_tags(request: &AssumeRole, inherited_transitive: &[String]) -> Result<(), AwsError> {
    let mut seen = std::collections::HashSet::new();
    for tag in &request.tags {
        if !seen.insert(tag.key.to_lowercase()) {
            return Err(AwsError::invalid_parameter_value(DUPLICATE_TAG_KEYS));
        }
    }
    for key in &request.transitive_tag_keys {
        if !seen.contains(&key.to_lowercase()) {
            return Err(AwsError::invalid_parameter_value(TRANSITIVE_NOT_IN_TAGS));
        }
    }
    let inherited: Vec<String> = inherited_transitive
        .iter()
        .map(|k| k.to_lowercase())
        .collect();
    if request
        .tags
        .iter()
        .any(|t| inherited.contains(&t.key.to_lowercase()))
    {
        return Err(AwsError::invalid_parameter_value(TRANSITIVE_CONFLICT));
    }
    Ok(())
}

/// What STS answers: the credentials and who they speak for.
pub struct AssumedRole {
    minted: Minted,
    assumed_role_id: String,
    arn: String,
    packed_percent: Option<usize>,
    source_identity: Option<String>,
}

impl Shape for AssumedRole {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        write_credentials(w, &self.minted);
        w.structure("AssumedRoleUser", |w| {
            w.string("AssumedRoleId", &self.assumed_role_id);
            w.string("Arn", &self.arn);
        });
        if let Some(percent) = self.packed_percent {
            w.number(
                "PackedPolicySize",
                i64::try_from(percent).unwrap_or(i64::MAX),
            );
        }
        w.optional("SourceIdentity", self.source_identity.as_deref());
    }
}

impl Output for AssumedRole {}

impl Operation for AssumeRole {
    const NAME: &'static str = "AssumeRole";
    const SERVICE: Service = Service::Sts;
    type Output = AssumedRole;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Self::parse_input(input)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<AssumedRole, Error> {
        assume(ctx, self).await
    }
}

async fn assume(ctx: &mut Ctx<'_>, request: AssumeRole) -> Result<AssumedRole, Error> {
    let arn: Arn = request
        .role_arn
        .parse()
        .ok()
        .filter(|a: &Arn| !a.resource.is_empty())
        .ok_or_else(|| AwsError::validation_error(format!("{} is invalid", request.role_arn)))?;
    let caller = ctx.caller;
    if caller.is_root() {
        return Err(AwsError::access_denied(ROOT_CANNOT_ASSUME).into());
    }
    let calling_session = caller.session.as_ref().filter(|s| s.role().is_some());
    let inherited_transitive: Vec<String> = calling_session
        .map(|s| s.transitive_tag_keys.clone())
        .unwrap_or_default();
    check_tags(&request, &inherited_transitive)?;

    // Session policies: parsed as AWS parses them; managed ones must exist.
    if let Some(text) = &request.policy {
        Policy::parse(text, PolicyType::Session).map_err(|e| policy_error(&e))?;
    }
    let role_account = role_of(&arn).map(|(account, _, _)| account);
    for policy_arn in &request.policy_arns {
        session_policy_exists(ctx, policy_arn, role_account.as_deref()).await?;
    }
    let packed_chars = request
        .policy
        .as_deref()
        .map_or(0, Policy::size_without_whitespace)
        + request.policy_arns.iter().map(String::len).sum::<usize>()
        + request
            .tags
            .iter()
            .map(|t| t.key.chars().count() + t.value.chars().count())
            .sum::<usize>();
    let packed_percent = (packed_chars * 100).div_ceil(PACKED_CAPACITY);
    if packed_percent > 100 {
        return Err(AwsError::packed_policy_too_large(format!(
            "Packed policy consumes {packed_percent}% of allotted space, please use smaller policy."
        ))
        .into());
    }

    let mfa_now = check_mfa(
        ctx,
        request.serial_number.as_deref(),
        request.token_code.as_deref(),
    )
    .await?;

    // Authorization: trust policy and caller policies, through the one policy engine.
    let role = match role_of(&arn) {
        Some((account, path, name)) => ctx
            .state
            .directory
            .role(&account, &name)
            .await?
            .filter(|r| r.role.path == path),
        None => None,
    };
    let denied = |action: &str| AwsError::not_authorized(&caller.arn, action, &request.role_arn);
    let inherited_source = caller
        .session
        .as_ref()
        .and_then(|s| s.source_identity.as_deref());
    let source_identity = request.source_identity.as_deref().or(inherited_source);
    let Some(role) = role else {
        ctx.decisions.push(authorize::DecisionRecord {
            action: "sts:AssumeRole".into(),
            resource: request.role_arn.clone(),
            decision: Decision::ImplicitlyDenied,
            matched: vec!["role-not-found".into()],
        });
        return Err(denied("sts:AssumeRole").into());
    };
    let mut actions = vec!["sts:AssumeRole"];
    if !request.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    for action in actions {
        let mut engine_request =
            authorize::request_for(caller, &ctx.facts, action, &request.role_arn);
        engine_request.resource_account = Some(role.role.account_id.clone());
        add_assume_role_context(
            &mut engine_request.context,
            &request,
            source_identity,
            &role,
            calling_session,
            mfa_now,
        );
        let record = authorize::decide(caller, &engine_request, std::slice::from_ref(&role.trust));
        let allowed = record.decision == Decision::Allowed;
        ctx.decisions.push(record);
        if !allowed {
            return Err(denied(action).into());
        }
    }

    // A source identity, once set, stays for the whole chain.
    if let (Some(old), Some(new)) = (inherited_source, &request.source_identity)
        && old != new
    {
        return Err(denied("sts:SetSourceIdentity").into());
    }

    let duration = request.duration.unwrap_or(DEFAULT_DURATION);
    let chaining =
        calling_session.is_some_and(|s| s.source_principal_arn != INSTANCE_PROFILE_SERVICE);
    if chaining && duration > CHAINED_MAX_DURATION {
        return Err(AwsError::validation_error(EXCEEDS_CHAINING).into());
    }
    if duration > role.role.max_session_duration {
        return Err(AwsError::validation_error(EXCEEDS_MAX_SESSION).into());
    }

    let now = ctx.facts.now.unix_timestamp();
    let (tags, transitive_tag_keys) = session_tags(&request, &role, calling_session);
    let partition = ctx.facts.partition.as_str();
    let assumed_role_arn = [
        "arn:",
        partition,
        ":sts::",
        &role.role.account_id,
        ":assumed-role/",
        &role.role.name,
        "/",
        &request.session_name,
    ]
    .concat();
    let session = SessionClaims {
        account_id: role.role.account_id.clone(),
        principal: SessionPrincipal::AssumedRole {
            role_arn: role.role.arn(partition),
            role_id: role.role.role_id.clone(),
            session_name: request.session_name.clone(),
            // The session's ARN carries no role path, as AWS's does not.
            assumed_role_arn,
            identity_provider: None,
        },
        access_key_id: String::new(),
        secret_access_key: SecretAccessKey::new(String::new()),
        issued_at: now,
        expires_at: now + duration,
        session_policy: request.policy.clone(),
        session_policy_arns: request.policy_arns.clone(),
        source_principal_arn: caller.arn.clone(),
        tags,
        transitive_tag_keys,
        source_identity: source_identity.map(str::to_owned),
        mfa: if mfa_now {
            Some(MfaContext {
                authenticated_at: now,
            })
        } else {
            caller.session.as_ref().and_then(|s| s.mfa)
        },
        chain_depth: calling_session.map_or(0, |s| s.chain_depth + 1),
    };
    let (minted, session) = mint(&ctx.state.sealer, session).map_err(Error::internal)?;
    ctx.state
        .last_used
        .role_used(&role.role.role_id, ctx.facts.now, &ctx.facts.region);
    let report_packed =
        request.policy.is_some() || !request.policy_arns.is_empty() || !request.tags.is_empty();
    Ok(AssumedRole {
        assumed_role_id: session.user_id(),
        arn: session.session_arn(partition),
        minted,
        packed_percent: report_packed.then_some(packed_percent),
        source_identity: session.source_identity,
    })
}

/// `MalformedPolicyDocument` (or `LimitExceeded`) with the engine's AWS text.
fn policy_error(error: &rolegate_policy::PolicyError) -> AwsError {
    AwsError::new(
        error.code(),
        if error.code() == "LimitExceeded" {
            409
        } else {
            400
        },
        error.message(),
    )
}

/// A managed session policy must exist in the role's account, as AWS requires (it is resolved
/// again whenever the session is used).
async fn session_policy_exists(
    ctx: &Ctx<'_>,
    policy_arn: &str,
    role_account: Option<&str>,
) -> Result<(), Error> {
    // AWS's text for this case is not recorded; IAM's wording for a missing policy is used.
    let missing = || {
        AwsError::invalid_parameter_value(format!(
            "Policy {policy_arn} does not exist or is not attachable."
        ))
    };
    if policy_arn.starts_with("arn:")
        && rolegate_catalog::managed_policy_by_arn(policy_arn).is_some()
    {
        return Ok(());
    }
    match ctx.store().get_policy(policy_arn).await {
        Ok(policy) if Some(policy.account_id.as_str()) == role_account => Ok(()),
        Ok(_) | Err(rolegate_store::StoreError::NotFound { .. }) => Err(missing().into()),
        Err(e) => Err(e.into()),
    }
}

/// The condition keys AssumeRole adds to the caller's context; `source_identity` is the one the
/// new session will carry (named in the request or inherited from the calling session).
fn add_assume_role_context(
    context: &mut rolegate_policy::Context,
    request: &AssumeRole,
    source_identity: Option<&str>,
    role: &RoleEntry,
    calling: Option<&SessionClaims>,
    mfa_now: bool,
) {
    context.insert("sts:RoleSessionName", request.session_name.clone());
    if let Some(external_id) = &request.external_id {
        context.insert("sts:ExternalId", external_id.clone());
    }
    if let Some(source) = source_identity {
        context.insert("sts:SourceIdentity", source);
    }
    if !request.transitive_tag_keys.is_empty() {
        context.insert_all(
            "sts:TransitiveTagKeys",
            request.transitive_tag_keys.iter().cloned(),
        );
    }
    if !request.tags.is_empty() {
        context.insert_all("aws:TagKeys", request.tags.iter().map(|t| t.key.clone()));
        for tag in &request.tags {
            context.insert(format!("aws:RequestTag/{}", tag.key), tag.value.clone());
        }
    }
    for tag in &role.role.tags {
        context.insert(format!("aws:ResourceTag/{}", tag.key), tag.value.clone());
    }
    // The calling session's transitive tags replace the role's tags of the same key while its
    // trust policy is evaluated (IAM User Guide, "Chaining roles with session tags").
    for (key, value) in calling.into_iter().flat_map(transitive_tags) {
        let name = format!("aws:ResourceTag/{key}");
        context.remove(&name).insert(&name, value.clone());
    }
    if mfa_now {
        context
            .remove("aws:MultiFactorAuthPresent")
            .remove("aws:MultiFactorAuthAge");
        context.insert("aws:MultiFactorAuthPresent", "true");
        context.insert("aws:MultiFactorAuthAge", "0");
    }
}

/// The new session's tags: role tags, overridden (case-insensitively) by the request's tags,
/// plus the transitive tags of the calling session; and the keys that stay transitive.
fn session_tags(
    request: &AssumeRole,
    role: &RoleEntry,
    calling: Option<&SessionClaims>,
) -> (Vec<(String, String)>, Vec<String>) {
    let mut tags: BTreeMap<String, (String, String)> = BTreeMap::new();
    for tag in &role.role.tags {
        tags.insert(tag.key.to_lowercase(), (tag.key.clone(), tag.value.clone()));
    }
    for tag in &request.tags {
        tags.insert(tag.key.to_lowercase(), (tag.key.clone(), tag.value.clone()));
    }
    let mut transitive: Vec<String> = request.transitive_tag_keys.clone();
    for (k, v) in calling.into_iter().flat_map(transitive_tags) {
        tags.insert(k.to_lowercase(), (k.clone(), v.clone()));
        transitive.push(k.clone());
    }
    (tags.into_values().collect(), transitive)
}

/// A session's transitive tags, each with the value it carries.
fn transitive_tags(session: &SessionClaims) -> impl Iterator<Item = &(String, String)> {
    session.transitive_tag_keys.iter().filter_map(|key| {
        session
            .tags
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(tags: &[(&str, &str)], transitive: &[&str]) -> AssumeRole {
        AssumeRole {
            role_arn: String::new(),
            session_name: "s".into(),
            duration: None,
            external_id: None,
            serial_number: None,
            token_code: None,
            policy: None,
            policy_arns: vec![],
            tags: tags
                .iter()
                .map(|(k, v)| Tag {
                    key: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
            transitive_tag_keys: transitive.iter().map(|k| (*k).to_owned()).collect(),
            source_identity: None,
        }
    }

    #[test]
    fn reads_role_arns_with_paths() {
        let arn: Arn = "arn:aws:iam::111122223333:role/a/b/Deploy".parse().unwrap();
        assert_eq!(
            role_of(&arn),
            Some(("111122223333".into(), "/a/b/".into(), "Deploy".into()))
        );
        let arn: Arn = "arn:aws:iam::111122223333:role/Deploy".parse().unwrap();
        assert_eq!(
            role_of(&arn),
            Some(("111122223333".into(), "/".into(), "Deploy".into()))
        );
        for not_a_role in [
            "arn:aws:iam::111122223333:user/Deploy",
            "arn:aws:s3:::bucket/role/x",
            "arn:aws:iam::1:role/x",
        ] {
            assert_eq!(role_of(&not_a_role.parse().unwrap()), None, "{not_a_role}");
        }
    }

    #[test]
    fn tag_rules_in_aws_order() {
        assert!(check_tags(&request(&[("a", "1"), ("b", "2")], &["A"]), &[]).is_ok());
        let dup = check_tags(&request(&[("a", "1"), ("A", "2")], &[]), &[]).unwrap_err();
        assert_eq!(dup.message.as_deref(), Some(DUPLICATE_TAG_KEYS));
        let missing = check_tags(&request(&[("a", "1")], &["b"]), &[]).unwrap_err();
        assert_eq!(missing.message.as_deref(), Some(TRANSITIVE_NOT_IN_TAGS));
        let conflict =
            check_tags(&request(&[("Project", "1")], &[]), &["project".into()]).unwrap_err();
        assert_eq!(
            (conflict.code.as_ref(), conflict.message.as_deref()),
            ("InvalidParameterValue", Some(TRANSITIVE_CONFLICT))
        );
    }
}
