//! Managed policies attached to users and roles: Attach/Detach/ListAttached{User,Role}Policies.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};
use rolegate_types::Arn;

use super::{OrInternal, Page, StoreResultExt, Target, messages};
use crate::actions::Ctx;

/// Managed policies per user or role (IAM's default quota).
const ATTACHED_PER_ENTITY: usize = 10;

fn policy_arn(v: &mut Validator, params: &QueryMap) -> String {
    v.required(params, "PolicyArn", &model::iam::ARN)
        .unwrap_or_default()
        .to_owned()
}

/// `ARN x is not valid.` unless `arn` names a managed policy; returns the policy's account.
fn check_policy_arn(arn: &str) -> Result<String, AwsError> {
    let parsed: Option<Arn> = arn.parse().ok();
    match parsed {
        Some(a) if a.service == "iam" && a.resource.starts_with("policy/") => Ok(a.account),
        _ => Err(AwsError::validation_error(messages::invalid_arn(arn))),
    }
}

async fn attach(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let arn = policy_arn(&mut v, params);
    v.check()?;
    let policy_account = check_policy_arn(&arn)?;
    ctx.authorize(
        &target.action("iam:Attach{}Policy"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    // Another account's policy does not exist for this one.
    if policy_account != ctx.account_id() {
        return Err(AwsError::no_such_entity(messages::no_such_policy(&arn)));
    }
    let attached = ctx
        .state
        .store
        .list_attached_policies(&principal)
        .await
        .or_internal()?;
    if !attached.contains(&arn) && attached.len() >= ATTACHED_PER_ENTITY {
        let quota = match target {
            Target::User => "PoliciesPerUser",
            Target::Role => "PoliciesPerRole",
        };
        return Err(AwsError::limit_exceeded(messages::quota(
            quota,
            ATTACHED_PER_ENTITY,
        )));
    }
    ctx.state
        .store
        .attach_policy(&principal, &arn)
        .await
        .or_no_such_entity(|| messages::no_such_policy(&arn))?;
    ctx.respond_empty()
}

async fn detach(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let arn = policy_arn(&mut v, params);
    v.check()?;
    check_policy_arn(&arn)?;
    ctx.authorize(
        &target.action("iam:Detach{}Policy"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    ctx.state
        .store
        .detach_policy(&principal, &arn)
        .await
        .or_no_such_entity(|| messages::policy_not_attached(&arn))?;
    ctx.respond_empty()
}

async fn list(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let prefix = v
        .optional(params, "PathPrefix", &model::iam::POLICY_PATH)
        .map(str::to_owned);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        &target.action("iam:ListAttached{}Policies"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    let arns = ctx
        .state
        .store
        .list_attached_policies(&principal)
        .await
        .or_internal()?;
    let mut attached = Vec::new();
    for arn in arns {
        let policy_name = arn.rsplit('/').next().unwrap_or_default().to_owned();
        let path_ok = match &prefix {
            Some(prefix) => arn
                .split_once(":policy")
                .is_some_and(|(_, rest)| rest.starts_with(prefix.as_str())),
            None => true,
        };
        if path_ok {
            attached.push((policy_name, arn));
        }
    }
    ctx.respond(|w| {
        page.write(w, "AttachedPolicies", &attached, |w, (policy_name, arn)| {
            w.element("PolicyName", policy_name);
            w.element("PolicyArn", arn);
        });
    })
}

pub async fn attach_user_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    attach(ctx, params, Target::User).await
}
pub async fn detach_user_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    detach(ctx, params, Target::User).await
}
pub async fn list_attached_user_policies(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    list(ctx, params, Target::User).await
}
pub async fn attach_role_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    attach(ctx, params, Target::Role).await
}
pub async fn detach_role_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    detach(ctx, params, Target::Role).await
}
pub async fn list_attached_role_policies(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    list(ctx, params, Target::Role).await
}
