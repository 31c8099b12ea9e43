//! Customer managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{ManagedPolicy, PolicyScope};

use super::{
    OrInternal, Page, StoreResultExt, check_duplicate_tags, check_identity_policy, iam_arn,
    messages, tags_param, to_store_tags, write_tags,
};
use crate::actions::Ctx;
use crate::credentials::{Prefix, new_unique_id};

/// The `Policy` members; `Description` only where AWS sends it (GetPolicy and
/// GetAccountAuthorizationDetails).
pub fn write_policy(w: &mut XmlWriter, policy: &ManagedPolicy, with_description: bool) {
    w.element("PolicyName", &policy.name);
    w.element("PolicyId", &policy.policy_id);
    w.element("Arn", &policy.arn);
    w.element("Path", &policy.path);
    w.element("DefaultVersionId", &policy.default_version_id);
    w.display("AttachmentCount", policy.attachment_count);
    w.display("PermissionsBoundaryUsageCount", 0);
    w.display("IsAttachable", true);
    if with_description {
        w.optional("Description", policy.description.as_deref());
    }
    w.timestamp("CreateDate", policy.created_at);
    w.timestamp("UpdateDate", policy.updated_at);
}

/// The managed policy `arn` of the caller's account, or NoSuchEntity (a policy of another
/// account does not exist for this caller).
pub async fn load_policy(ctx: &Ctx<'_>, arn: &str) -> Result<ManagedPolicy, AwsError> {
    ctx.state
        .store
        .get_policy(arn)
        .await
        .found()?
        .filter(|policy| policy.account_id == ctx.account_id())
        .ok_or_else(|| AwsError::no_such_entity(messages::no_such_policy(arn)))
}

pub fn policy_arn_param(v: &mut Validator, params: &QueryMap) -> String {
    v.required(params, "PolicyArn", &model::iam::ARN)
        .unwrap_or_default()
        .to_owned()
}

pub async fn create_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(params, "PolicyName", &model::iam::POLICY_NAME)
        .unwrap_or_default();
    let document = v
        .required(params, "PolicyDocument", &model::iam::POLICY_DOCUMENT)
        .unwrap_or_default();
    let path = v
        .optional(params, "Path", &model::iam::POLICY_PATH)
        .unwrap_or("/");
    let description = v.optional(params, "Description", &model::iam::POLICY_DESCRIPTION);
    let tags = tags_param(&mut v, params);
    v.check()?;
    check_duplicate_tags(&tags)?;
    let arn = iam_arn(ctx.account_id(), "policy", path, name);
    ctx.authorize("iam:CreatePolicy", &arn)?;
    check_identity_policy(document)?;
    let policy = ManagedPolicy {
        arn,
        account_id: ctx.account_id().to_owned(),
        name: name.to_owned(),
        policy_id: new_unique_id(Prefix::ManagedPolicy, ctx.account_id()).or_internal()?,
        path: path.to_owned(),
        description: description.map(str::to_owned),
        default_version_id: "v1".to_owned(),
        attachment_count: 0,
        created_at: ctx.facts.now,
        updated_at: ctx.facts.now,
        tags: to_store_tags(&tags),
    };
    ctx.state
        .store
        .create_policy(&policy, document)
        .await
        .or_entity_exists(|| messages::policy_exists(name))?;
    ctx.respond(|w| w.nested("Policy", |w| write_policy(w, &policy, false)))
}

pub async fn get_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    v.check()?;
    ctx.authorize("iam:GetPolicy", &arn)?;
    let policy = load_policy(ctx, &arn).await?;
    ctx.respond(|w| {
        w.nested("Policy", |w| {
            write_policy(w, &policy, true);
            if !policy.tags.is_empty() {
                write_tags(w, &policy.tags);
            }
        })
    })
}

pub async fn list_policies(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let scope = v.optional(params, "Scope", &rolegate_protocol::StringRule::ANY);
    if let Some(scope) = scope {
        v.enumeration(&params.field_path("Scope"), scope, &["All", "AWS", "Local"]);
    }
    let only_attached = params
        .optional_bool("OnlyAttached")
        .map_err(|e| e.to_aws_error(Service::Iam))?;
    let prefix = v.optional(params, "PathPrefix", &model::iam::POLICY_PATH);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        "iam:ListPolicies",
        &iam_arn(ctx.account_id(), "policy", "/", "*"),
    )?;
    // Rolegate has no AWS managed policies: `Scope=AWS` lists nothing.
    let policies = if scope == Some("AWS") {
        Vec::new()
    } else {
        let scope = PolicyScope {
            path_prefix: prefix.map(str::to_owned),
            only_attached: only_attached.unwrap_or(false),
        };
        ctx.state
            .store
            .list_policies(ctx.account_id(), &scope)
            .await
            .or_internal()?
    };
    ctx.respond(|w| page.write(w, "Policies", &policies, |w, p| write_policy(w, p, false)))
}

pub async fn delete_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    v.check()?;
    ctx.authorize("iam:DeletePolicy", &arn)?;
    let policy = load_policy(ctx, &arn).await?;
    if policy.attachment_count > 0 {
        return Err(AwsError::delete_conflict(messages::POLICY_ATTACHED));
    }
    let versions = ctx
        .state
        .store
        .list_policy_versions(&arn)
        .await
        .or_internal()?;
    if versions.len() > 1 {
        return Err(AwsError::delete_conflict(messages::POLICY_HAS_VERSIONS));
    }
    ctx.state.store.delete_policy(&arn).await.or_internal()?;
    ctx.respond_empty()
}
