//! IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole.
//!
//! A trust policy is validated as AWS does (policy grammar for trust policies, then every
//! named user and role must exist: `Invalid principal in policy`), then stored twice: as
//! written (what GetRole shows) and bound, with each named user or role replaced by its unique
//! id (what is evaluated), so that a deleted and recreated principal is not trusted.

use rolegate_policy::{Policy, PolicyType};
use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{Principal, Role, RoleUpdate};
use rolegate_types::Arn;
use serde_json::Value;

use super::{
    OrInternal, Page, StoreResultExt, Target, check_duplicate_tags, iam_arn, messages, path_param,
    policy_error, tags_param, to_store_tags, write_boundary, write_tags,
};
use crate::actions::Ctx;
use crate::credentials::{Prefix, new_unique_id};

const DEFAULT_MAX_SESSION: i64 = 3_600;

/// Which members a role element carries: CreateRole, GetRole and ListRoles differ (AWS-recorded).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Create,
    Get,
    List,
}

fn write_role(w: &mut XmlWriter, role: &Role, shape: Shape) {
    w.element("Path", &role.path);
    w.element("RoleName", &role.name);
    w.element("RoleId", &role.role_id);
    w.element("Arn", &role.arn());
    w.timestamp("CreateDate", role.created_at);
    w.policy_document("AssumeRolePolicyDocument", &role.trust_policy);
    w.optional("Description", role.description.as_deref());
    if shape != Shape::Create {
        w.display("MaxSessionDuration", role.max_session_duration);
    }
    if shape != Shape::List {
        write_boundary(w, role.permissions_boundary.as_deref());
        if !role.tags.is_empty() {
            write_tags(w, &role.tags);
        }
    }
    if shape == Shape::Get {
        w.nested("RoleLastUsed", |_| {});
    }
}

/// The role `name` in the caller's account, or IAM's NoSuchEntity.
pub async fn load_role(ctx: &Ctx<'_>, name: &str) -> Result<Role, AwsError> {
    ctx.state
        .store
        .get_role(ctx.account_id(), name)
        .await
        .or_no_such_entity(|| messages::no_such_role(name))
}

/// A permissions boundary must be an existing managed policy of the caller's account.
pub async fn check_boundary(ctx: &Ctx<'_>, arn: &str) -> Result<(), AwsError> {
    let parsed: Option<Arn> = arn.parse().ok();
    let Some(parsed) = parsed.filter(|a| a.service == "iam" && a.resource.starts_with("policy/"))
    else {
        return Err(AwsError::invalid_input(messages::invalid_arn(arn)));
    };
    let missing = || AwsError::no_such_entity(messages::boundary_missing(arn));
    if parsed.account != ctx.account_id() {
        return Err(missing());
    }
    ctx.state
        .store
        .get_policy(arn)
        .await
        .found()?
        .map(|_| ())
        .ok_or_else(missing)
}

/// Validates a trust policy and returns its bound form.
pub async fn bind_trust_policy(ctx: &Ctx<'_>, text: &str) -> Result<String, AwsError> {
    Policy::parse(text, PolicyType::Trust).map_err(|e| policy_error(&e))?;
    let mut document: Value = serde_json::from_str(text).map_err(|_| {
        AwsError::malformed_policy_document(rolegate_policy::messages::INVALID_JSON)
    })?;
    let statements = match document.get_mut("Statement") {
        Some(Value::Array(list)) => list.iter_mut().collect::<Vec<_>>(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    for statement in statements {
        let Some(Value::Object(principal)) = statement.get_mut("Principal") else {
            continue;
        };
        let Some(aws) = principal.get_mut("AWS") else {
            continue;
        };
        let values: Vec<&mut Value> = match aws {
            Value::Array(list) => list.iter_mut().collect(),
            single => vec![single],
        };
        for value in values {
            if let Value::String(text) = value
                && let Some(id) = unique_id_of(ctx, text).await?
            {
                *text = id;
            }
        }
    }
    Ok(document.to_string())
}

/// The unique id a trust principal value binds to: users and roles must exist.
async fn unique_id_of(ctx: &Ctx<'_>, value: &str) -> Result<Option<String>, AwsError> {
    let Ok(arn) = value.parse::<Arn>() else {
        return Ok(None);
    };
    if arn.service != "iam" {
        return Ok(None);
    }
    let invalid = || {
        AwsError::malformed_policy_document(rolegate_policy::messages::invalid_principal(
            "AWS", value,
        ))
    };
    let (kind, rest) = arn.resource_type_and_name();
    let name = rest.rsplit('/').next().unwrap_or_default();
    let store = &ctx.state.store;
    let found = match kind {
        "user" => store
            .get_user(&arn.account, name)
            .await
            .found()?
            .map(|u| (u.arn(), u.user_id)),
        "role" => store
            .get_role(&arn.account, name)
            .await
            .found()?
            .map(|r| (r.arn(), r.role_id)),
        _ => return Ok(None),
    };
    match found {
        Some((found_arn, id)) if found_arn == value => Ok(Some(id)),
        _ => Err(invalid()),
    }
}

pub async fn create_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(params, "RoleName", &model::iam::ROLE_NAME)
        .unwrap_or_default();
    let trust = v
        .required(
            params,
            "AssumeRolePolicyDocument",
            &model::iam::POLICY_DOCUMENT,
        )
        .unwrap_or_default();
    let path = path_param(&mut v, params, &model::iam::PATH);
    let description = v.optional(params, "Description", &model::iam::ROLE_DESCRIPTION);
    let max = v
        .optional_i32(
            params,
            "MaxSessionDuration",
            &model::iam::ROLE_MAX_SESSION_DURATION,
        )
        .map_err(|e| e.to_aws_error(Service::Iam))?;
    let boundary = v.optional(params, "PermissionsBoundary", &model::iam::ARN);
    let tags = tags_param(&mut v, params);
    v.check()?;
    check_duplicate_tags(&tags)?;
    ctx.authorize(
        "iam:CreateRole",
        &iam_arn(ctx.account_id(), "role", path, name),
    )?;
    if let Some(arn) = boundary {
        check_boundary(ctx, arn).await?;
    }
    let bound = bind_trust_policy(ctx, trust).await?;
    let role = Role {
        account_id: ctx.account_id().to_owned(),
        name: name.to_owned(),
        role_id: new_unique_id(Prefix::Role, ctx.account_id()).or_internal()?,
        path: path.to_owned(),
        trust_policy: trust.to_owned(),
        trust_policy_bound: bound,
        description: description.map(str::to_owned),
        max_session_duration: max.map_or(DEFAULT_MAX_SESSION, i64::from),
        permissions_boundary: boundary.map(str::to_owned),
        created_at: ctx.facts.now,
        tags: to_store_tags(&tags),
    };
    ctx.state
        .store
        .create_role(&role)
        .await
        .or_entity_exists(|| messages::role_exists(name))?;
    ctx.respond(|w| w.nested("Role", |w| write_role(w, &role, Shape::Create)))
}

fn role_name(v: &mut Validator, params: &QueryMap) -> String {
    v.required(params, "RoleName", &model::iam::ROLE_NAME)
        .unwrap_or_default()
        .to_owned()
}

pub async fn get_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = role_name(&mut v, params);
    v.check()?;
    ctx.authorize("iam:GetRole", &Target::Role.resource(ctx, &name).await)?;
    let role = load_role(ctx, &name).await?;
    ctx.respond(|w| w.nested("Role", |w| write_role(w, &role, Shape::Get)))
}

pub async fn list_roles(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let prefix = v.optional(params, "PathPrefix", &model::iam::PATH_PREFIX);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        "iam:ListRoles",
        &iam_arn(ctx.account_id(), "role", "/", "*"),
    )?;
    let roles = ctx
        .state
        .store
        .list_roles(ctx.account_id(), prefix)
        .await
        .or_internal()?;
    ctx.respond(|w| page.write(w, "Roles", &roles, |w, r| write_role(w, r, Shape::List)))
}

async fn apply_update(ctx: &Ctx<'_>, name: &str, update: &RoleUpdate) -> Result<(), AwsError> {
    ctx.state
        .store
        .update_role(ctx.account_id(), name, update)
        .await
        .or_no_such_entity(|| messages::no_such_role(name))
}

pub async fn update_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = role_name(&mut v, params);
    let description = v.optional(params, "Description", &model::iam::ROLE_DESCRIPTION);
    let max = v
        .optional_i32(
            params,
            "MaxSessionDuration",
            &model::iam::ROLE_MAX_SESSION_DURATION,
        )
        .map_err(|e| e.to_aws_error(Service::Iam))?;
    v.check()?;
    ctx.authorize("iam:UpdateRole", &Target::Role.resource(ctx, &name).await)?;
    let update = RoleUpdate {
        description: description.map(str::to_owned),
        max_session_duration: max.map(i64::from),
        ..RoleUpdate::default()
    };
    apply_update(ctx, &name, &update).await?;
    ctx.respond(|_| {})
}

pub async fn update_role_description(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = role_name(&mut v, params);
    let description = v
        .required(params, "Description", &model::iam::ROLE_DESCRIPTION)
        .unwrap_or_default();
    v.check()?;
    ctx.authorize(
        "iam:UpdateRoleDescription",
        &Target::Role.resource(ctx, &name).await,
    )?;
    let update = RoleUpdate {
        description: Some(description.to_owned()),
        ..RoleUpdate::default()
    };
    apply_update(ctx, &name, &update).await?;
    let role = load_role(ctx, &name).await?;
    ctx.respond(|w| w.nested("Role", |w| write_role(w, &role, Shape::Get)))
}

pub async fn update_assume_role_policy(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = role_name(&mut v, params);
    let trust = v
        .required(params, "PolicyDocument", &model::iam::POLICY_DOCUMENT)
        .unwrap_or_default();
    v.check()?;
    ctx.authorize(
        "iam:UpdateAssumeRolePolicy",
        &Target::Role.resource(ctx, &name).await,
    )?;
    load_role(ctx, &name).await?;
    let bound = bind_trust_policy(ctx, trust).await?;
    let update = RoleUpdate {
        trust_policy: Some((trust.to_owned(), bound)),
        ..RoleUpdate::default()
    };
    apply_update(ctx, &name, &update).await?;
    ctx.respond_empty()
}

pub async fn delete_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = role_name(&mut v, params);
    v.check()?;
    ctx.authorize("iam:DeleteRole", &Target::Role.resource(ctx, &name).await)?;
    let role = load_role(ctx, &name).await?;
    let principal = Principal::role(ctx.account_id(), &role.name);
    let store = &ctx.state.store;
    if !store
        .list_attached_policies(&principal)
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DETACH_POLICIES));
    }
    if !store
        .list_inline_policies(&principal)
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DELETE_POLICIES));
    }
    store
        .delete_role(ctx.account_id(), &role.name)
        .await
        .or_internal()?;
    ctx.respond_empty()
}
