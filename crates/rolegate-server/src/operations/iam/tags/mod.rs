//! Tags on users, roles, managed policies, instance profiles, virtual MFA devices and server
//! certificates: one generic operation per verb (`TagResource<UserTags>` is TagUser). Tags are also what
//! `aws:ResourceTag/*` reads when an action on the resource is authorized.

pub mod list_tags;
pub mod tag;
pub mod untag;

use rolegate_protocol::{StringRule, model};
use rolegate_store::{EntityKind, Taggable, TaggableKind};

use super::managed_policies::{find_policy, policy_resource};
use super::server_certificates::{certificate_resource, find_certificate};
use super::{profile_resource, role_resource, user_resource};
use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::Ctx;

/// A kind of taggable resource, with its three action names and the member that names one.
pub trait TagKind: Send + Sync + 'static {
    const TAG: &'static str;
    const UNTAG: &'static str;
    const LIST: &'static str;
    const MEMBER: &'static str;
    const RULE: StringRule;
    /// What is missing when the resource does not exist.
    const ENTITY: EntityKind;

    /// The resource to authorize against, and what holds its tags.
    fn find(
        ctx: &Ctx<'_>,
        name: &str,
    ) -> impl std::future::Future<Output = Result<(Resource, Found), Error>> + Send;
}

/// What holds a resource's tags.
pub enum Found {
    /// No such resource.
    Missing,
    /// The resource, tagged in the store.
    Stored(Taggable),
    /// A resource that exists and carries no tags of its own (an AWS-managed policy).
    Untagged,
}

impl Found {
    fn from(taggable: Option<Taggable>) -> Self {
        taggable.map_or(Found::Missing, Found::Stored)
    }
}

pub struct UserTags;
pub struct RoleTags;
pub struct PolicyTags;
pub struct InstanceProfileTags;
pub struct MfaDeviceTags;
pub struct ServerCertificateTags;

impl TagKind for UserTags {
    const TAG: &'static str = "TagUser";
    const UNTAG: &'static str = "UntagUser";
    const LIST: &'static str = "ListUserTags";
    const MEMBER: &'static str = "UserName";
    const RULE: StringRule = model::iam::EXISTING_USER_NAME;
    const ENTITY: EntityKind = EntityKind::User;

    async fn find(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Found), Error> {
        let user = ctx.store().get_user(ctx.account_id(), name).await.found()?;
        let taggable = user
            .as_ref()
            .map(|u| Taggable::new(TaggableKind::User, ctx.account_id(), &u.name));
        Ok((
            user_resource(ctx, name, user.as_ref()),
            Found::from(taggable),
        ))
    }
}

impl TagKind for RoleTags {
    const TAG: &'static str = "TagRole";
    const UNTAG: &'static str = "UntagRole";
    const LIST: &'static str = "ListRoleTags";
    const MEMBER: &'static str = "RoleName";
    const RULE: StringRule = model::iam::ROLE_NAME;
    const ENTITY: EntityKind = EntityKind::Role;

    async fn find(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Found), Error> {
        let role = ctx.store().get_role(ctx.account_id(), name).await.found()?;
        let taggable = role
            .as_ref()
            .map(|r| Taggable::new(TaggableKind::Role, ctx.account_id(), &r.name));
        Ok((
            role_resource(ctx, name, role.as_ref()),
            Found::from(taggable),
        ))
    }
}

impl TagKind for PolicyTags {
    const TAG: &'static str = "TagPolicy";
    const UNTAG: &'static str = "UntagPolicy";
    const LIST: &'static str = "ListPolicyTags";
    const MEMBER: &'static str = "PolicyArn";
    const RULE: StringRule = model::iam::ARN;
    const ENTITY: EntityKind = EntityKind::ManagedPolicy;

    async fn find(ctx: &Ctx<'_>, arn: &str) -> Result<(Resource, Found), Error> {
        let policy = find_policy(ctx, arn).await?;
        let resource = policy_resource(arn, policy.as_ref());
        let found = match policy {
            None => Found::Missing,
            Some(p) if p.aws_document.is_some() => Found::Untagged,
            Some(p) => Found::Stored(Taggable::new(
                TaggableKind::Policy,
                ctx.account_id(),
                &p.name,
            )),
        };
        Ok((resource, found))
    }
}

impl TagKind for InstanceProfileTags {
    const TAG: &'static str = "TagInstanceProfile";
    const UNTAG: &'static str = "UntagInstanceProfile";
    const LIST: &'static str = "ListInstanceProfileTags";
    const MEMBER: &'static str = "InstanceProfileName";
    const RULE: StringRule = model::iam::ENTITY_NAME;
    const ENTITY: EntityKind = EntityKind::InstanceProfile;

    async fn find(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Found), Error> {
        let profile = ctx
            .store()
            .get_instance_profile(ctx.account_id(), name)
            .await
            .found()?;
        let taggable = profile
            .as_ref()
            .map(|p| Taggable::new(TaggableKind::InstanceProfile, ctx.account_id(), &p.name));
        Ok((
            profile_resource(ctx, name, profile.as_ref()),
            Found::from(taggable),
        ))
    }
}

impl TagKind for MfaDeviceTags {
    const TAG: &'static str = "TagMFADevice";
    const UNTAG: &'static str = "UntagMFADevice";
    const LIST: &'static str = "ListMFADeviceTags";
    const MEMBER: &'static str = "SerialNumber";
    const RULE: StringRule = model::iam::SERIAL_NUMBER;
    const ENTITY: EntityKind = EntityKind::MfaDevice;

    async fn find(ctx: &Ctx<'_>, serial: &str) -> Result<(Resource, Found), Error> {
        let device = ctx
            .store()
            .get_mfa_device(serial)
            .await
            .found()?
            .filter(|d| d.account_id == ctx.account_id());
        let taggable = device
            .map(|d| Taggable::new(TaggableKind::MfaDevice, ctx.account_id(), &d.serial_number));
        Ok((Resource::arn(serial), Found::from(taggable)))
    }
}

/// The store's holder of the tags of `found`, or `NoSuchEntity` (what has no tags of its own
/// cannot be tagged: only a write no one is authorized for reaches that).
fn stored<K: TagKind>(found: Found, name: &str) -> Result<Taggable, Error> {
    match found {
        Found::Stored(taggable) => Ok(taggable),
        Found::Missing | Found::Untagged => Err(missing::<K>(name)),
    }
}

impl TagKind for ServerCertificateTags {
    const TAG: &'static str = "TagServerCertificate";
    const UNTAG: &'static str = "UntagServerCertificate";
    const LIST: &'static str = "ListServerCertificateTags";
    const MEMBER: &'static str = "ServerCertificateName";
    const RULE: StringRule = model::iam::SERVER_CERTIFICATE_NAME;
    const ENTITY: EntityKind = EntityKind::ServerCertificate;

    async fn find(ctx: &Ctx<'_>, name: &str) -> Result<(Resource, Found), Error> {
        let certificate = find_certificate(ctx, name).await?;
        let taggable = certificate
            .as_ref()
            .map(|c| Taggable::new(TaggableKind::ServerCertificate, ctx.account_id(), &c.name));
        Ok((
            certificate_resource(ctx, name, certificate.as_ref()),
            Found::from(taggable),
        ))
    }
}

/// `NoSuchEntity` for a missing resource of `K`.
fn missing<K: TagKind>(name: &str) -> Error {
    rolegate_store::StoreError::NotFound {
        kind: K::ENTITY,
        name: name.to_owned(),
    }
    .into()
}
