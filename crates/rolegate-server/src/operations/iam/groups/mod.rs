//! IAM groups and their members, one file per action. A group is no principal: its policies
//! reach its members, in every decision.

pub mod add_user_to_group;
pub mod create_group;
pub mod delete_group;
pub mod get_group;
pub mod list_groups;
pub mod list_groups_for_user;
pub mod remove_user_from_group;
pub mod update_group;

use rolegate_protocol::ShapeWriter;
use rolegate_store::Group;
use rolegate_types::Partition;

use crate::error::{Error, StoreResultExt as _};
use crate::operation::Ctx;

/// `Group`: the same five members everywhere AWS writes one.
pub fn write_group(w: &mut impl ShapeWriter, group: &Group, partition: Partition) {
    w.string("Path", &group.path);
    w.string("GroupName", &group.name);
    w.string("GroupId", &group.group_id);
    w.string("Arn", &group.arn(partition.as_str()));
    w.timestamp("CreateDate", group.created_at);
}

/// The group `name` of the caller's account, if it exists.
pub async fn find_group(ctx: &Ctx<'_>, name: &str) -> Result<Option<Group>, Error> {
    ctx.store().get_group(ctx.account_id(), name).await.found()
}
