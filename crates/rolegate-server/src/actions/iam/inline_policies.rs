//! Inline policies of users and roles: Put/Get/List/Delete{User,Role}Policy.

use super::{OrInternal, Page, StoreResultExt, Target, check_identity_policy, messages};
use crate::actions::Ctx;
use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};

/// A role's inline policies may total 10,240 characters (whitespace not counted).
const ROLE_INLINE_AGGREGATE: usize = 10_240;

fn no_such_policy(target: Target, name: &str) -> String {
    match target {
        Target::User => messages::no_such_user_policy(name),
        Target::Role => messages::no_such_role_policy(name),
    }
}

async fn put(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let policy_name = v
        .required(params, "PolicyName", &model::iam::POLICY_NAME)
        .unwrap_or_default();
    let document = v
        .required(params, "PolicyDocument", &model::iam::POLICY_DOCUMENT)
        .unwrap_or_default();
    v.check()?;
    ctx.authorize(
        &target.action("iam:Put{}Policy"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    check_identity_policy(document)?;
    if target == Target::Role {
        let others: usize = ctx
            .state
            .store
            .list_inline_policies(&principal)
            .await
            .or_internal()?
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(policy_name))
            .map(|(_, d)| rolegate_policy::Policy::size_without_whitespace(d))
            .sum();
        if others + rolegate_policy::Policy::size_without_whitespace(document)
            > ROLE_INLINE_AGGREGATE
        {
            return Err(AwsError::limit_exceeded(format!(
                "Maximum policy size of {ROLE_INLINE_AGGREGATE} bytes exceeded for role {}",
                principal.name
            )));
        }
    }
    ctx.state
        .store
        .put_inline_policy(&principal, policy_name, document)
        .await
        .or_internal()?;
    ctx.respond_empty()
}

async fn get(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let policy_name = v
        .required(params, "PolicyName", &model::iam::POLICY_NAME)
        .unwrap_or_default()
        .to_owned();
    v.check()?;
    ctx.authorize(
        &target.action("iam:Get{}Policy"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    let document = ctx
        .state
        .store
        .get_inline_policy(&principal, &policy_name)
        .await
        .or_no_such_entity(|| no_such_policy(target, &policy_name))?;
    let name_element = target.action("{}Name");
    ctx.respond(|w| {
        w.element(&name_element, &principal.name);
        w.element("PolicyName", &policy_name);
        w.policy_document("PolicyDocument", &document);
    })
}

async fn list(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        &target.action("iam:List{}Policies"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    let names: Vec<String> = ctx
        .state
        .store
        .list_inline_policies(&principal)
        .await
        .or_internal()?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    ctx.respond(|w| page.write_strings(w, "PolicyNames", &names))
}

async fn delete(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let policy_name = v
        .required(params, "PolicyName", &model::iam::POLICY_NAME)
        .unwrap_or_default()
        .to_owned();
    v.check()?;
    ctx.authorize(
        &target.action("iam:Delete{}Policy"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    ctx.state
        .store
        .delete_inline_policy(&principal, &policy_name)
        .await
        .or_no_such_entity(|| no_such_policy(target, &policy_name))?;
    ctx.respond_empty()
}

pub async fn put_user_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    put(ctx, params, Target::User).await
}
pub async fn get_user_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    get(ctx, params, Target::User).await
}
pub async fn list_user_policies(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    list(ctx, params, Target::User).await
}
pub async fn delete_user_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    delete(ctx, params, Target::User).await
}
pub async fn put_role_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    put(ctx, params, Target::Role).await
}
pub async fn get_role_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    get(ctx, params, Target::Role).await
}
pub async fn list_role_policies(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    list(ctx, params, Target::Role).await
}
pub async fn delete_role_policy(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    delete(ctx, params, Target::Role).await
}
