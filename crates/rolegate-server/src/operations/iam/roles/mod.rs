//! IAM roles: one file per action, and what they share: the `Role` shape, permissions
//! boundaries, trust-policy binding and the protection of AWS's reserved roles.
//!
//! A trust policy is validated as AWS does (policy grammar for trust policies, then every
//! named user and role must exist: `Invalid principal in policy`), then stored twice: as
//! written (what GetRole shows) and bound, with each named user or role replaced by its unique
//! id (what is evaluated), so that a deleted and recreated principal is not trusted.

pub mod create_role;
pub mod delete_role;
pub mod delete_role_permissions_boundary;
pub mod get_role;
pub mod list_roles;
pub mod put_role_permissions_boundary;
pub mod update_assume_role_policy;
pub mod update_role;
pub mod update_role_description;

use rolegate_policy::{Policy, PolicyType};
use rolegate_protocol::{AwsError, ShapeWriter};
use rolegate_store::{Role, RoleUse};
use rolegate_types::{Arn, Partition};
use serde_json::Value;

use super::{write_boundary, write_tags};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Output};

/// Paths under which roles belong to AWS: service-linked roles and IAM Identity Center's.
pub const SERVICE_ROLE_PATH: &str = "/aws-service-role/";
pub const RESERVED_PATH: &str = "/aws-reserved/";

/// Which members a role element carries: CreateRole, GetRole and ListRoles differ
/// (AWS-recorded).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RoleShape {
    Create,
    Get,
    List,
    /// Inside an instance profile.
    InProfile,
}

/// `RoleLastUsed`: present but empty for a role never assumed, as AWS writes it.
pub fn write_role_last_used(w: &mut impl ShapeWriter, last_used: Option<&RoleUse>) {
    w.structure("RoleLastUsed", |w| {
        if let Some(used) = last_used {
            w.timestamp("LastUsedDate", used.used_at);
            w.string("Region", &used.region);
        }
    });
}

/// A role element; `last_used` is written by GetRole only.
pub fn write_role(
    w: &mut impl ShapeWriter,
    role: &Role,
    partition: Partition,
    shape: RoleShape,
    last_used: Option<&RoleUse>,
) {
    w.string("Path", &role.path);
    w.string("RoleName", &role.name);
    w.string("RoleId", &role.role_id);
    w.string("Arn", &role.arn(partition.as_str()));
    w.timestamp("CreateDate", role.created_at);
    w.policy_document("AssumeRolePolicyDocument", &role.trust_policy);
    if shape == RoleShape::InProfile {
        return;
    }
    w.optional("Description", role.description.as_deref());
    if shape != RoleShape::Create {
        w.number("MaxSessionDuration", role.max_session_duration);
    }
    if shape != RoleShape::List {
        write_boundary(w, role.permissions_boundary.as_deref());
        if !role.tags.is_empty() {
            write_tags(w, &role.tags);
        }
    }
    if shape == RoleShape::Get {
        write_role_last_used(w, last_used);
    }
}

/// `{"Role": …}`.
pub struct RoleResult {
    pub role: Role,
    pub partition: Partition,
    pub shape: RoleShape,
    /// GetRole's `RoleLastUsed`.
    pub last_used: Option<RoleUse>,
}

impl rolegate_protocol::Shape for RoleResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("Role", |w| {
            write_role(
                w,
                &self.role,
                self.partition,
                self.shape,
                self.last_used.as_ref(),
            )
        });
    }
}

impl Output for RoleResult {}

/// The role `name` of the caller's account, if it exists.
pub async fn find_role(ctx: &Ctx<'_>, name: &str) -> Result<Option<Role>, Error> {
    ctx.store().get_role(ctx.account_id(), name).await.found()
}

/// AWS's own roles (service-linked, Identity Center) cannot be changed by anyone, whatever
/// their policies allow: `UnmodifiableEntity`.
pub fn ensure_modifiable(role: &Role) -> Result<(), Error> {
    if role.path.starts_with(SERVICE_ROLE_PATH) || role.path.starts_with(RESERVED_PATH) {
        return Err(AwsError::unmodifiable_entity(texts::protected_role(&role.name)).into());
    }
    Ok(())
}

/// A permissions boundary must be a managed policy: `ARN … is not valid.` for anything else.
/// An AWS-managed one must be in the catalogue; a customer one is the store's to find (in the
/// transaction that sets it); another account's does not exist for this caller.
pub fn check_boundary(ctx: &Ctx<'_>, arn: &str) -> Result<(), Error> {
    let parsed: Option<Arn> = arn.parse().ok();
    let Some(parsed) = parsed.filter(|a| a.service == "iam" && a.resource.starts_with("policy/"))
    else {
        return Err(AwsError::invalid_input(texts::invalid_arn(arn)).into());
    };
    let known = if parsed.account == "aws" {
        rolegate_catalog::managed_policy_by_arn(arn).is_some()
    } else {
        parsed.account == ctx.account_id()
    };
    if known {
        Ok(())
    } else {
        Err(boundary_missing(Some(arn)).into())
    }
}

/// `NoSuchEntity` for a boundary that does not exist.
pub fn boundary_missing(arn: Option<&str>) -> AwsError {
    AwsError::no_such_entity(texts::boundary_missing(arn.unwrap_or_default()))
}

/// Validates a trust policy and returns its bound form.
pub async fn bind_trust_policy(ctx: &Ctx<'_>, text: &str) -> Result<String, Error> {
    Policy::parse_in(text, PolicyType::Trust, ctx.facts.partition)?;
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
async fn unique_id_of(ctx: &Ctx<'_>, value: &str) -> Result<Option<String>, Error> {
    let Ok(arn) = value.parse::<Arn>() else {
        return Ok(None);
    };
    if arn.service != "iam" {
        return Ok(None);
    }
    let invalid = || -> Error {
        AwsError::malformed_policy_document(rolegate_policy::messages::invalid_principal(
            "AWS", value,
        ))
        .into()
    };
    let (kind, rest) = arn.resource_type_and_name();
    let name = rest.rsplit('/').next().unwrap_or_default();
    let store = ctx.store();
    let found = match kind {
        "user" => store
            .get_user(&arn.account, name)
            .await
            .found()?
            .map(|u| (u.arn(&arn.partition), u.user_id)),
        "role" => store
            .get_role(&arn.account, name)
            .await
            .found()?
            .map(|r| (r.arn(&arn.partition), r.role_id)),
        _ => return Ok(None),
    };
    match found {
        Some((found_arn, id)) if found_arn == value => Ok(Some(id)),
        _ => Err(invalid()),
    }
}
