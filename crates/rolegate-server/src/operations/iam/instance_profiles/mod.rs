//! EC2 instance profiles, one file per action: a container for one role, through which an
//! instance's workload gets that role's credentials.

pub mod add_role_to_instance_profile;
pub mod create_instance_profile;
pub mod delete_instance_profile;
pub mod get_instance_profile;
pub mod list_instance_profiles;
pub mod list_instance_profiles_for_role;
pub mod remove_role_from_instance_profile;

use rolegate_protocol::{Shape, ShapeWriter};
use rolegate_store::{InstanceProfile, Role};
use rolegate_types::Partition;

use super::roles::{RoleShape, write_role};
use super::write_tags;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Output};

/// A profile with its roles made whole.
pub struct ProfileView {
    pub profile: InstanceProfile,
    pub roles: Vec<Role>,
}

impl ProfileView {
    /// Reads the roles of `profile`.
    pub async fn of(ctx: &Ctx<'_>, profile: InstanceProfile) -> Result<Self, Error> {
        let mut roles = Vec::with_capacity(profile.roles.len());
        for name in &profile.roles {
            roles.push(ctx.store().get_role(ctx.account_id(), name).await?);
        }
        Ok(Self { profile, roles })
    }
}

pub fn write_profile(
    w: &mut impl ShapeWriter,
    view: &ProfileView,
    partition: Partition,
    with_tags: bool,
) {
    let profile = &view.profile;
    w.string("Path", &profile.path);
    w.string("InstanceProfileName", &profile.name);
    w.string("InstanceProfileId", &profile.profile_id);
    w.string("Arn", &profile.arn(partition.as_str()));
    w.timestamp("CreateDate", profile.created_at);
    w.list("Roles", &view.roles, |w, role| {
        write_role(w, role, partition, RoleShape::InProfile, None)
    });
    if with_tags && !profile.tags.is_empty() {
        write_tags(w, &profile.tags);
    }
}

/// `{"InstanceProfile": …}`.
pub struct ProfileResult {
    pub view: ProfileView,
    pub partition: Partition,
}

impl Shape for ProfileResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("InstanceProfile", |w| {
            write_profile(w, &self.view, self.partition, true)
        });
    }
}

impl Output for ProfileResult {}

/// The profile `name` of the caller's account, if it exists.
pub async fn find_profile(ctx: &Ctx<'_>, name: &str) -> Result<Option<InstanceProfile>, Error> {
    ctx.store()
        .get_instance_profile(ctx.account_id(), name)
        .await
        .found()
}

/// `NoSuchEntity` for a missing profile.
pub fn profile_missing(name: &str) -> Error {
    rolegate_store::StoreError::NotFound {
        kind: rolegate_store::EntityKind::InstanceProfile,
        name: name.to_owned(),
    }
    .into()
}
