//! IAM actions, one file per family (users, access keys, roles, inline policies, attachments,
//! tags, managed policies, policy versions, virtual MFA, the account's authorization details),
//! and what they share: AWS's message texts (each in exactly one place, here), resource ARNs,
//! policy checks and pagination.

pub mod access_keys;
pub mod attachments;
pub mod authorization_details;
pub mod inline_policies;
pub mod managed_policies;
pub mod mfa;
pub mod policy_versions;
pub mod roles;
pub mod tags;
pub mod users;

use rolegate_policy::{Policy, PolicyError, PolicyType};
use rolegate_protocol::{AwsError, QueryMap, Service, Tag, Validator, XmlWriter, model};
use rolegate_store::StoreError;

use crate::respond::internal;

use super::Ctx;

/// IAM's exact texts.
pub mod messages {
    pub fn no_such_role(name: &str) -> String {
        format!("The role with name {name} cannot be found.")
    }
    pub fn no_such_user(name: &str) -> String {
        format!("The user with name {name} cannot be found.")
    }
    pub fn role_exists(name: &str) -> String {
        format!("Role with name {name} already exists.")
    }
    pub fn user_exists(name: &str) -> String {
        format!("User with name {name} already exists.")
    }
    pub fn policy_exists(name: &str) -> String {
        format!("A policy called {name} already exists. Duplicate names are not allowed.")
    }
    pub fn no_such_role_policy(name: &str) -> String {
        format!("The role policy with name {name} cannot be found.")
    }
    pub fn no_such_user_policy(name: &str) -> String {
        format!("The user policy with name {name} cannot be found.")
    }
    pub fn no_such_policy(arn: &str) -> String {
        format!("Policy {arn} does not exist or is not attachable.")
    }
    pub fn policy_not_attached(arn: &str) -> String {
        format!("Policy {arn} was not found.")
    }
    pub fn no_such_version(arn: &str, version: &str) -> String {
        format!("Policy {arn} version {version} does not exist or is not attachable.")
    }
    pub fn invalid_arn(arn: &str) -> String {
        format!("ARN {arn} is not valid.")
    }
    pub fn no_such_access_key(id: &str) -> String {
        format!("The Access Key with id {id} cannot be found.")
    }
    pub fn boundary_missing(arn: &str) -> String {
        format!("Scope ARN: {arn} does not exist or is not attachable.")
    }
    pub fn quota(name: &str, limit: usize) -> String {
        format!("Cannot exceed quota for {name}: {limit}")
    }
    pub const MUST_DETACH_POLICIES: &str = "Cannot delete entity, must detach all policies first.";
    pub const MUST_DELETE_POLICIES: &str = "Cannot delete entity, must delete policies first.";
    pub const MUST_DELETE_ACCESS_KEYS: &str =
        "Cannot delete entity, must delete access keys first.";
    pub const MUST_DELETE_MFA: &str = "Cannot delete entity, must delete MFA device first.";
    pub const POLICY_ATTACHED: &str = "Cannot delete a policy attached to entities.";
    pub const POLICY_HAS_VERSIONS: &str = "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.";
    pub const TOO_MANY_VERSIONS: &str = "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.";
    pub const DELETE_DEFAULT_VERSION: &str = "Cannot delete the default version of a policy.";
    pub const DUPLICATE_TAG_KEYS: &str =
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.";
}

/// `arn:aws:iam::A:{kind}{path}{name}`.
pub fn iam_arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

/// [`internal`] as a method: a failure that is never the client's (store, tokens, sealer) as the
/// client sees it, details only in logs.
pub trait OrInternal<T> {
    fn or_internal(self) -> Result<T, AwsError>;
}

impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self) -> Result<T, AwsError> {
        self.map_err(|e| internal(&e))
    }
}

/// How an action reads a store answer: the missing (or duplicate) entity it expects becomes
/// IAM's error with the action's text; any other store failure is internal.
pub trait StoreResultExt<T> {
    /// `None` when the entity does not exist.
    fn found(self) -> Result<Option<T>, AwsError>;
    /// `NoSuchEntity` with `message` when the entity does not exist.
    fn or_no_such_entity(self, message: impl FnOnce() -> String) -> Result<T, AwsError>;
    /// `EntityAlreadyExists` with `message` when the entity exists already.
    fn or_entity_exists(self, message: impl FnOnce() -> String) -> Result<T, AwsError>;
}

impl<T> StoreResultExt<T> for Result<T, StoreError> {
    fn found(self) -> Result<Option<T>, AwsError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(internal(&e)),
        }
    }

    fn or_no_such_entity(self, message: impl FnOnce() -> String) -> Result<T, AwsError> {
        self.found()?
            .ok_or_else(|| AwsError::no_such_entity(message()))
    }

    fn or_entity_exists(self, message: impl FnOnce() -> String) -> Result<T, AwsError> {
        match self {
            Err(StoreError::AlreadyExists { .. }) => {
                Err(AwsError::entity_already_exists(message()))
            }
            other => other.or_internal(),
        }
    }
}

/// The engine's `MalformedPolicyDocument` / `LimitExceeded` as IAM sends it.
pub fn policy_error(error: &PolicyError) -> AwsError {
    match error {
        PolicyError::LimitExceeded { message, .. } => AwsError::limit_exceeded(message.clone()),
        PolicyError::MalformedPolicyDocument { message, .. } => {
            AwsError::malformed_policy_document(message.clone())
        }
    }
}

/// Validates an identity-based policy document (inline, managed, version).
pub fn check_identity_policy(document: &str) -> Result<(), AwsError> {
    Policy::parse(document, PolicyType::Identity)
        .map(|_| ())
        .map_err(|e| policy_error(&e))
}

/// The `Path` parameter (default `/`).
pub fn path_param<'a>(
    v: &mut Validator,
    params: &'a QueryMap,
    rule: &rolegate_protocol::StringRule,
) -> &'a str {
    v.optional(params, "Path", rule).unwrap_or("/")
}

/// `Tags` with IAM's rules: model limits, then duplicate keys (case-insensitive).
pub fn tags_param(v: &mut Validator, params: &QueryMap) -> Vec<Tag> {
    v.tags(
        params,
        "Tags",
        Some(model::iam::MAX_TAGS),
        &model::iam::TAG_KEY,
        &model::iam::TAG_VALUE,
    )
}

pub fn check_duplicate_tags(tags: &[Tag]) -> Result<(), AwsError> {
    let mut seen = std::collections::HashSet::new();
    if tags.iter().all(|t| seen.insert(t.key.to_lowercase())) {
        Ok(())
    } else {
        Err(AwsError::invalid_input(messages::DUPLICATE_TAG_KEYS))
    }
}

pub fn to_store_tags(tags: &[Tag]) -> Vec<rolegate_store::Tag> {
    tags.iter()
        .map(|t| rolegate_store::Tag {
            key: t.key.clone(),
            value: t.value.clone(),
        })
        .collect()
}

/// `PermissionsBoundary` of a user or role, when it has one.
pub fn write_boundary(w: &mut XmlWriter, boundary: Option<&str>) {
    if let Some(arn) = boundary {
        w.nested("PermissionsBoundary", |w| {
            w.element("PermissionsBoundaryType", "PermissionsBoundaryPolicy");
            w.element("PermissionsBoundaryArn", arn);
        });
    }
}

/// `<Tags><member><Key/><Value/></member>…</Tags>`.
pub fn write_tags(w: &mut XmlWriter, tags: &[rolegate_store::Tag]) {
    w.nested("Tags", |w| {
        for tag in tags {
            w.nested("member", |w| {
                w.element("Key", &tag.key);
                w.element("Value", &tag.value);
            });
        }
    });
}

/// `Marker`/`MaxItems` paging over a full list: the marker is the next item's position.
pub struct Page {
    pub start: usize,
    pub max: usize,
}

impl Page {
    pub fn parse(v: &mut Validator, params: &QueryMap) -> Result<Self, AwsError> {
        let max = v
            .optional_i32(params, "MaxItems", &model::iam::MAX_ITEMS)
            .map_err(|e| e.to_aws_error(Service::Iam))?;
        let marker = v.optional(params, "Marker", &model::iam::MARKER);
        let start = marker.and_then(|m| m.parse().ok()).unwrap_or(0);
        Ok(Self {
            start,
            max: max.map_or(100, |m| usize::try_from(m).unwrap_or(100)),
        })
    }

    /// The items of this page, and writes `IsTruncated`/`Marker` after `write_items`.
    pub fn write<T>(
        &self,
        w: &mut XmlWriter,
        list: &str,
        items: &[T],
        mut write_item: impl FnMut(&mut XmlWriter, &T),
    ) {
        let page: Vec<&T> = items.iter().skip(self.start).take(self.max).collect();
        let end = self.start + page.len();
        w.nested(list, |w| {
            for item in &page {
                w.nested("member", |w| write_item(w, item));
            }
        });
        self.finish(w, end, items.len());
    }

    /// A page of a list of strings (`<PolicyNames><member>…`).
    pub fn write_strings(&self, w: &mut XmlWriter, list: &str, items: &[String]) {
        let page: Vec<&String> = items.iter().skip(self.start).take(self.max).collect();
        let end = self.start + page.len();
        w.string_members(list, &page);
        self.finish(w, end, items.len());
    }

    fn finish(&self, w: &mut XmlWriter, end: usize, total: usize) {
        let truncated = end < total;
        w.display("IsTruncated", truncated);
        if truncated {
            w.element("Marker", &end.to_string());
        }
    }
}

/// The caller's user name when `UserName` is omitted (IAM defaults to the signing user).
pub fn default_user(ctx: &Ctx<'_>, given: Option<&str>) -> Option<String> {
    given
        .map(str::to_owned)
        .or_else(|| ctx.caller.user_name.clone())
}

/// Users and roles, for the actions that exist for both (`PutUserPolicy`/`PutRolePolicy`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    User,
    Role,
}

impl Target {
    /// `UserName` / `RoleName`, validated.
    pub fn name_param(self, v: &mut Validator, params: &QueryMap) -> String {
        let (name, rule) = match self {
            Target::User => ("UserName", &model::iam::EXISTING_USER_NAME),
            Target::Role => ("RoleName", &model::iam::ROLE_NAME),
        };
        v.required(params, name, rule)
            .unwrap_or_default()
            .to_owned()
    }

    /// The ARN a permission on entity `name` is checked against: its own (with its path) when
    /// it exists, else the one it would have at path `/`.
    pub async fn resource(self, ctx: &Ctx<'_>, name: &str) -> String {
        let (store, account) = (&ctx.state.store, ctx.account_id());
        let (kind, found) = match self {
            Target::User => ("user", store.get_user(account, name).await.map(|u| u.arn())),
            Target::Role => ("role", store.get_role(account, name).await.map(|r| r.arn())),
        };
        found.unwrap_or_else(|_| iam_arn(account, kind, "/", name))
    }

    /// The entity as a store principal (with its stored name), or NoSuchEntity.
    pub async fn principal(
        self,
        ctx: &Ctx<'_>,
        name: &str,
    ) -> Result<rolegate_store::Principal, AwsError> {
        let account = ctx.account_id();
        Ok(match self {
            Target::User => {
                rolegate_store::Principal::user(account, &users::load_user(ctx, name).await?.name)
            }
            Target::Role => {
                rolegate_store::Principal::role(account, &roles::load_role(ctx, name).await?.name)
            }
        })
    }

    /// `iam:{verb}UserPolicy` style action names.
    pub fn action(self, template: &str) -> String {
        template.replace(
            "{}",
            match self {
                Target::User => "User",
                Target::Role => "Role",
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use rolegate_store::EntityKind;

    use super::*;

    /// The store's answer about role `r`: missing, or (`taken`) existing already.
    fn role_error(taken: bool) -> Result<(), StoreError> {
        let (kind, name) = (EntityKind::Role, "r".to_owned());
        Err(if taken {
            StoreError::AlreadyExists { kind, name }
        } else {
            StoreError::NotFound { kind, name }
        })
    }

    fn missing() -> Result<(), StoreError> {
        role_error(false)
    }

    fn taken() -> Result<(), StoreError> {
        role_error(true)
    }

    fn backend() -> Result<(), StoreError> {
        Err(StoreError::Backend("disk full".into()))
    }

    #[test]
    fn store_answers_become_iam_errors_with_the_actions_text() {
        let err = missing()
            .or_no_such_entity(|| messages::no_such_role("r"))
            .unwrap_err();
        assert_eq!((&*err.code, err.status), ("NoSuchEntity", 404));
        assert_eq!(
            err.message.as_deref(),
            Some("The role with name r cannot be found.")
        );

        let err = taken()
            .or_entity_exists(|| messages::role_exists("r"))
            .unwrap_err();
        assert_eq!((&*err.code, err.status), ("EntityAlreadyExists", 409));
        assert_eq!(
            err.message.as_deref(),
            Some("Role with name r already exists.")
        );

        assert_eq!(missing().found().unwrap(), None);
        assert_eq!(Ok::<_, StoreError>(7).found().unwrap(), Some(7));
        assert_eq!(
            Ok::<_, StoreError>(7)
                .or_no_such_entity(String::new)
                .unwrap(),
            7
        );
    }

    #[test]
    fn other_store_failures_are_internal_and_never_shown() {
        let internal = AwsError::internal_failure();
        let cases = [
            backend().or_no_such_entity(|| "no".into()),
            backend().or_entity_exists(|| "no".into()),
            backend().found().map(|_| ()),
            backend().or_internal(),
            // The other variant than the one asked for is not the client's either.
            missing().or_entity_exists(|| "no".into()),
            taken().or_no_such_entity(|| "no".into()),
        ];
        for case in cases {
            let err = case.unwrap_err();
            assert_eq!(
                (&err.code, err.status, &err.message),
                (&internal.code, 500, &internal.message)
            );
        }
    }
}
