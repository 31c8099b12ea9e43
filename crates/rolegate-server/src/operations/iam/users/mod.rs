//! IAM users: the user's own actions, one file each, and the `User` shape they share.

pub mod create_user;
pub mod delete_user;
pub mod delete_user_permissions_boundary;
pub mod get_user;
pub mod list_users;
pub mod put_user_permissions_boundary;
pub mod update_user;

use rolegate_protocol::ShapeWriter;
use rolegate_store::User;
use rolegate_types::Partition;

use super::{write_boundary, write_tags};

/// Which members a `User` carries: ListUsers and GetGroup omit the boundary and tags.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum UserShape {
    Full,
    Listed,
}

pub fn write_user(w: &mut impl ShapeWriter, user: &User, partition: Partition, shape: UserShape) {
    w.string("Path", &user.path);
    w.string("UserName", &user.name);
    w.string("UserId", &user.user_id);
    w.string("Arn", &user.arn(partition.as_str()));
    w.timestamp("CreateDate", user.created_at);
    if shape == UserShape::Full {
        write_boundary(w, user.permissions_boundary.as_deref());
        if !user.tags.is_empty() {
            write_tags(w, &user.tags);
        }
    }
}

/// `{"User": …}`: CreateUser's and GetUser's result.
pub struct UserResult {
    pub user: User,
    pub partition: Partition,
}

impl rolegate_protocol::Shape for UserResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("User", |w| {
            write_user(w, &self.user, self.partition, UserShape::Full)
        });
    }
}

impl crate::operation::Output for UserResult {}
