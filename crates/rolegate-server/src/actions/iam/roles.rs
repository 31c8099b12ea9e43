//! IAM roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole.
//!
//! A trust policy is validated as AWS does (policy grammar for trust policies, then every
//! named user and role must exist: `Invalid principal in policy`), then stored twice: as
//! written (what GetRole shows) and bound, with each named user or role replaced by its unique
//! id (what is evaluated), so that a deleted and recreated principal is not trusted.

use rolegate_policy::{Policy, PolicyType};
use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{Principal, Role, RoleUpdate, StoreError};
use rolegate_types::Arn;
use serde_json::Value;

use super::{
    Page, check_duplicate_tags, iam_arn, internal, messages, path_param, policy_error, tags_param,
    to_store_tags, write_tags,
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
        if let Some(boundary) = &role.permissions_boundary {
            w.nested("PermissionsBoundary", |w| {
                w.element("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
                w.element("PermissionsBoundaryArn", boundary);
            });
        }
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
    match ctx.state.store.get_role(ctx.account_id(), name).await {
        Ok(role) => Ok(role),
        Err(StoreError::NotFound { .. }) => {
            Err(AwsError::no_such_entity(messages::no_such_role(name)))
        }
        Err(e) => Err(internal(&e)),
    }
}

/// The ARN a permission on role `name` is checked against (with its path when it exists).
pub async fn role_resource(ctx: &Ctx<'_>, name: &str) -> String {
    match ctx.state.store.get_role(ctx.account_id(), name).await {
        Ok(role) => role.arn(),
        Err(_) => iam_arn(ctx.account_id(), "role", "/", name),
    }
}

/// A permissions boundary must be an existing managed policy.
pub async fn check_boundary(ctx: &Ctx<'_>, arn: &str) -> Result<(), AwsError> {
    let parsed: Option<Arn> = arn.parse().ok();
    if !parsed.is_some_and(|a| a.service == "iam" && a.resource.starts_with("policy/")) {
        return Err(AwsError::invalid_input(messages::invalid_arn(arn)));
    }
    match ctx.state.store.get_policy(arn).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound { .. }) => {
            Err(AwsError::no_such_entity(messages::boundary_missing(arn)))
        }
        Err(e) => Err(internal(&e)),
    }
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
        "user" => match store.get_user(&arn.account, name).await {
            Ok(user) if user.arn() == value => Some(user.user_id),
            Ok(_) | Err(StoreError::NotFound { .. }) => return Err(invalid()),
            Err(e) => return Err(internal(&e)),
        },
        "role" => match store.get_role(&arn.account, name).await {
            Ok(role) if role.arn() == value => Some(role.role_id),
            Ok(_) | Err(StoreError::NotFound { .. }) => return Err(invalid()),
            Err(e) => return Err(internal(&e)),
        },
        _ => None,
    };
    Ok(found)
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
        role_id: new_unique_id(Prefix::Role, ctx.account_id())
            .map_err(|e| crate::respond::internal(&e))?,
        path: path.to_owned(),
        trust_policy: trust.to_owned(),
        trust_policy_bound: bound,
        description: description.map(str::to_owned),
        max_session_duration: max.map_or(DEFAULT_MAX_SESSION, i64::from),
        permissions_boundary: boundary.map(str::to_owned),
        created_at: ctx.facts.now,
        tags: to_store_tags(&tags),
    };
    match ctx.state.store.create_role(&role).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists { .. }) => {
            return Err(AwsError::entity_already_exists(messages::role_exists(name)));
        }
        Err(e) => return Err(internal(&e)),
    }
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
    ctx.authorize("iam:GetRole", &role_resource(ctx, &name).await)?;
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
        .map_err(|e| internal(&e))?;
    ctx.respond(|w| page.write(w, "Roles", &roles, |w, r| write_role(w, r, Shape::List)))
}

async fn apply_update(ctx: &Ctx<'_>, name: &str, update: &RoleUpdate) -> Result<(), AwsError> {
    match ctx
        .state
        .store
        .update_role(ctx.account_id(), name, update)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound { .. }) => {
            Err(AwsError::no_such_entity(messages::no_such_role(name)))
        }
        Err(e) => Err(internal(&e)),
    }
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
    ctx.authorize("iam:UpdateRole", &role_resource(ctx, &name).await)?;
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
        &role_resource(ctx, &name).await,
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
        &role_resource(ctx, &name).await,
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
    ctx.authorize("iam:DeleteRole", &role_resource(ctx, &name).await)?;
    let role = load_role(ctx, &name).await?;
    let principal = Principal::role(ctx.account_id(), &role.name);
    let store = &ctx.state.store;
    if !store
        .list_attached_policies(&principal)
        .await
        .map_err(|e| internal(&e))?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DETACH_POLICIES));
    }
    if !store
        .list_inline_policies(&principal)
        .await
        .map_err(|e| internal(&e))?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DELETE_POLICIES));
    }
    store
        .delete_role(ctx.account_id(), &role.name)
        .await
        .map_err(|e| internal(&e))?;
    ctx.respond_empty()
}
