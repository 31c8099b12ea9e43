//! IAM operations, one file per action, grouped by what they act on; and what they share: the
//! entities' ARNs and authorization resources, their response shapes, paging, tags and policy
//! checks. IAM acts on the caller's own account: names resolve there, and another account's
//! resource is never reachable (see `authorize`).

pub mod access_keys;
pub mod account;
pub mod account_password_policy;
pub mod authorization_details;
pub mod groups;
pub mod identity_policies;
pub mod instance_profiles;
pub mod login_profiles;
pub mod managed_policies;
pub mod mfa;
pub mod roles;
pub mod server_certificates;
pub mod service_credentials;
pub mod service_linked_roles;
pub mod signing_certificates;
pub mod ssh_keys;
pub mod tags;
pub mod user_credentials;
pub mod users;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rolegate_policy::{Policy, PolicyType};
use rolegate_protocol::{AwsError, ShapeWriter, StringRule, Tag, model};
use rolegate_store::{Group, IdentityKind, InstanceProfile, KeyOwner, Role, User};

use crate::authorize::Resource;
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input};

/// `arn:{partition}:iam::{account}:{kind}{path}{name}` in the caller's partition.
pub fn iam_arn(ctx: &Ctx<'_>, kind: &str, path: &str, name: &str) -> String {
    rolegate_store::iam_arn(
        ctx.facts.partition.as_str(),
        ctx.account_id(),
        kind,
        path,
        name,
    )
}

/// The resource an action on user `name` is checked against: the user's own ARN and tags when
/// it exists, else the ARN it would have at path `/`.
pub fn user_resource(ctx: &Ctx<'_>, name: &str, user: Option<&User>) -> Resource {
    match user {
        Some(user) => Resource::existing(
            user.arn(ctx.facts.partition.as_str()),
            format!("user {}", user.name),
            &user.tags,
        ),
        None => Resource::arn(iam_arn(ctx, "user", "/", name)),
    }
}

/// As [`user_resource`], for roles.
pub fn role_resource(ctx: &Ctx<'_>, name: &str, role: Option<&Role>) -> Resource {
    match role {
        Some(role) => Resource::existing(
            role.arn(ctx.facts.partition.as_str()),
            format!("role {}", role.name),
            &role.tags,
        ),
        None => Resource::arn(iam_arn(ctx, "role", "/", name)),
    }
}

/// As [`user_resource`], for groups (which have no tags).
pub fn group_resource(ctx: &Ctx<'_>, name: &str, group: Option<&Group>) -> Resource {
    match group {
        Some(group) => Resource::arn(group.arn(ctx.facts.partition.as_str())),
        None => Resource::arn(iam_arn(ctx, "group", "/", name)),
    }
}

/// As [`user_resource`], for instance profiles.
pub fn profile_resource(ctx: &Ctx<'_>, name: &str, profile: Option<&InstanceProfile>) -> Resource {
    match profile {
        Some(profile) => Resource {
            tags: profile
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            ..Resource::arn(profile.arn(ctx.facts.partition.as_str()))
        },
        None => Resource::arn(iam_arn(ctx, "instance-profile", "/", name)),
    }
}

/// The resource of a listing: the ARN of the path being listed (`arn:…:role/`, as AWS's
/// `AccessDenied` for ListRoles shows it).
pub fn listing_resource(ctx: &Ctx<'_>, kind: &str, prefix: Option<&str>) -> Resource {
    Resource::arn(iam_arn(ctx, kind, prefix.unwrap_or("/"), ""))
}

/// Users, groups and roles: what holds inline and attached policies. One generic operation
/// per verb (`PutPolicy<UserKind>` is PutUserPolicy) uses this to name its action and member.
pub trait Holder: Send + Sync + 'static {
    const KIND: IdentityKind;
    /// `UserName`, `GroupName`, `RoleName`.
    const NAME_MEMBER: &'static str;
    const NAME_RULE: StringRule;
    /// The action names of the family, by verb.
    const PUT_POLICY: &'static str;
    const GET_POLICY: &'static str;
    const LIST_POLICIES: &'static str;
    const DELETE_POLICY: &'static str;
    const ATTACH_POLICY: &'static str;
    const DETACH_POLICY: &'static str;
    const LIST_ATTACHED: &'static str;

    /// The identity's resource, and its stored name when it exists.
    fn resource(
        ctx: &Ctx<'_>,
        name: &str,
    ) -> impl std::future::Future<Output = Result<(Resource, Option<String>), Error>> + Send;
}

pub struct UserKind;
pub struct GroupKind;
pub struct RoleKind;

impl Holder for UserKind {
    const KIND: IdentityKind = IdentityKind::User;
    const NAME_MEMBER: &'static str = "UserName";
    const NAME_RULE: StringRule = model::iam::EXISTING_USER_NAME;
    const PUT_POLICY: &'static str = "PutUserPolicy";
    const GET_POLICY: &'static str = "GetUserPolicy";
    const LIST_POLICIES: &'static str = "ListUserPolicies";
    const DELETE_POLICY: &'static str = "DeleteUserPolicy";
    const ATTACH_POLICY: &'static str = "AttachUserPolicy";
    const DETACH_POLICY: &'static str = "DetachUserPolicy";
    const LIST_ATTACHED: &'static str = "ListAttachedUserPolicies";

    async fn resource(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Option<String>), Error> {
        use crate::error::StoreResultExt as _;
        let user = ctx.store().get_user(ctx.account_id(), name).await.found()?;
        Ok((
            user_resource(ctx, name, user.as_ref()),
            user.map(|u| u.name),
        ))
    }
}

impl Holder for GroupKind {
    const KIND: IdentityKind = IdentityKind::Group;
    const NAME_MEMBER: &'static str = "GroupName";
    const NAME_RULE: StringRule = model::iam::ENTITY_NAME;
    const PUT_POLICY: &'static str = "PutGroupPolicy";
    const GET_POLICY: &'static str = "GetGroupPolicy";
    const LIST_POLICIES: &'static str = "ListGroupPolicies";
    const DELETE_POLICY: &'static str = "DeleteGroupPolicy";
    const ATTACH_POLICY: &'static str = "AttachGroupPolicy";
    const DETACH_POLICY: &'static str = "DetachGroupPolicy";
    const LIST_ATTACHED: &'static str = "ListAttachedGroupPolicies";

    async fn resource(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Option<String>), Error> {
        use crate::error::StoreResultExt as _;
        let group = ctx
            .store()
            .get_group(ctx.account_id(), name)
            .await
            .found()?;
        Ok((
            group_resource(ctx, name, group.as_ref()),
            group.map(|g| g.name),
        ))
    }
}

impl Holder for RoleKind {
    const KIND: IdentityKind = IdentityKind::Role;
    const NAME_MEMBER: &'static str = "RoleName";
    const NAME_RULE: StringRule = model::iam::ROLE_NAME;
    const PUT_POLICY: &'static str = "PutRolePolicy";
    const GET_POLICY: &'static str = "GetRolePolicy";
    const LIST_POLICIES: &'static str = "ListRolePolicies";
    const DELETE_POLICY: &'static str = "DeleteRolePolicy";
    const ATTACH_POLICY: &'static str = "AttachRolePolicy";
    const DETACH_POLICY: &'static str = "DetachRolePolicy";
    const LIST_ATTACHED: &'static str = "ListAttachedRolePolicies";

    async fn resource(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Option<String>), Error> {
        use crate::error::StoreResultExt as _;
        let role = ctx.store().get_role(ctx.account_id(), name).await.found()?;
        Ok((
            role_resource(ctx, name, role.as_ref()),
            role.map(|r| r.name),
        ))
    }
}

/// `NoSuchEntity` for identity `name` of `kind` (the table's default text).
pub fn no_such_identity(kind: IdentityKind, name: &str) -> Error {
    let kind = match kind {
        IdentityKind::User => rolegate_store::EntityKind::User,
        IdentityKind::Group => rolegate_store::EntityKind::Group,
        IdentityKind::Role => rolegate_store::EntityKind::Role,
    };
    Error::Store(rolegate_store::StoreError::NotFound {
        kind,
        name: name.to_owned(),
    })
}

/// Validates an identity-based policy document (inline, managed, version) as IAM does in the
/// caller's partition.
pub fn check_identity_policy(ctx: &Ctx<'_>, document: &str) -> Result<(), Error> {
    Policy::parse_in(document, PolicyType::Identity, ctx.facts.partition)?;
    Ok(())
}

/// The size IAM's quotas count: characters, whitespace outside strings not counted.
pub fn policy_size(document: &str) -> usize {
    Policy::size_without_whitespace(document)
}

/// IAM refuses duplicate tag keys (case-insensitively) after model validation.
pub fn check_duplicate_tags(tags: &[Tag]) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    if tags.iter().all(|t| seen.insert(t.key.to_lowercase())) {
        Ok(())
    } else {
        Err(AwsError::invalid_input(texts::DUPLICATE_TAG_KEYS).into())
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

/// `PermissionsBoundary` of a user or role, when it has one (`Policy` on the wire, as AWS
/// sends it, although the model's enum says `PermissionsBoundaryPolicy`).
pub fn write_boundary(w: &mut impl ShapeWriter, boundary: Option<&str>) {
    if let Some(arn) = boundary {
        w.structure("PermissionsBoundary", |w| {
            w.string("PermissionsBoundaryType", "Policy");
            w.string("PermissionsBoundaryArn", arn);
        });
    }
}

/// `<Tags><member><Key/><Value/></member>…</Tags>`.
pub fn write_tags(w: &mut impl ShapeWriter, tags: &[rolegate_store::Tag]) {
    w.list("Tags", tags, |w, tag| {
        w.string("Key", &tag.key);
        w.string("Value", &tag.value);
    });
}

/// The user an action without `UserName` acts on: the signing IAM user. Other callers must
/// name one (AWS's `ValidationError` for non-user credentials).
pub fn caller_user(ctx: &Ctx<'_>, given: Option<String>) -> Result<String, Error> {
    given
        .or_else(|| ctx.caller.user_name.clone())
        .ok_or_else(|| AwsError::validation_error(texts::NON_USER_CREDENTIALS).into())
}

/// Whose long-term credentials an action without `UserName` acts on: the signing user's, or the
/// account root's own.
pub fn key_owner(ctx: &Ctx<'_>, given: Option<String>) -> Option<KeyOwner> {
    match given.or_else(|| ctx.caller.user_name.clone()) {
        Some(name) => Some(KeyOwner::User(name)),
        None if ctx.caller.is_root() => Some(KeyOwner::Root),
        None => None,
    }
}

/// `MaxItems` and `Marker` of a listing. The marker is opaque to clients: the position of the
/// next item, encoded; one this server did not issue is refused (`ValidationError`), never read
/// as a restart.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    start: usize,
    max: usize,
}

/// A page of a listing: its items, and the marker of the next page when there is one.
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

const MARKER_PREFIX: &str = "rg1:";

impl Page {
    pub fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        let max = input.optional_i32("MaxItems", &model::iam::MAX_ITEMS)?;
        let marker = input.optional("Marker", &model::iam::MARKER);
        let start = match marker {
            None => 0,
            Some(marker) => decode_marker(&marker)
                .ok_or_else(|| Error::from(AwsError::validation_error(texts::INVALID_MARKER)))?,
        };
        Ok(Self {
            start,
            max: max.map_or(100, |m| usize::try_from(m).unwrap_or(100)),
        })
    }

    /// The page of `items`.
    pub fn of<T>(self, items: Vec<T>) -> Paged<T> {
        let total = items.len();
        let items: Vec<T> = items.into_iter().skip(self.start).take(self.max).collect();
        let end = self.start.saturating_add(items.len());
        Paged {
            next: (end < total).then(|| encode_marker(end)),
            items,
        }
    }
}

fn encode_marker(position: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{MARKER_PREFIX}{position}"))
}

fn decode_marker(marker: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(marker).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix(MARKER_PREFIX)?
        .parse()
        .ok()
}

impl<T> Paged<T> {
    /// `IsTruncated`, and `Marker` when truncated, after the list itself.
    pub fn write_end(&self, w: &mut impl ShapeWriter) {
        w.boolean("IsTruncated", self.next.is_some());
        w.optional("Marker", self.next.as_deref());
    }

    /// `<name><member>…</member></name>` then the paging members.
    pub fn write<W: ShapeWriter>(&self, w: &mut W, name: &str, item: impl FnMut(&mut W, &T)) {
        w.list(name, &self.items, item);
        self.write_end(w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_foreign_ones_are_refused() {
        for position in [0, 1, 99, 100_000] {
            assert_eq!(decode_marker(&encode_marker(position)), Some(position));
        }
        for foreign in ["", "5", "garbage", "cmcxOmFi", "cmcyOjU"] {
            assert_eq!(decode_marker(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn pages_cover_the_whole_listing_once() {
        let all: Vec<u32> = (0..23).collect();
        let mut seen = Vec::new();
        let mut page = Page { start: 0, max: 5 };
        loop {
            let paged = page.of(all.clone());
            seen.extend(paged.items);
            match paged.next {
                Some(marker) => {
                    page = Page {
                        start: decode_marker(&marker).unwrap(),
                        max: 5,
                    };
                }
                None => break,
            }
        }
        assert_eq!(seen, all);
    }
}
