//! Long-term access keys, one file per action. Without `UserName` they act on the signing
//! user's keys, or the root's own; other callers must name a user. Secrets are sealed before
//! they reach the store, and a user (or root) has at most two keys (the store's quota).

pub mod create_access_key;
pub mod delete_access_key;
pub mod get_access_key_last_used;
pub mod list_access_keys;
pub mod update_access_key;

use rolegate_protocol::{AwsError, ShapeWriter};
use rolegate_store::{AccessKey, IdentityKind, KeyOwner};

use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::Ctx;
use crate::operations::iam::{key_owner, no_such_identity, user_resource};

/// Authorizes `action` on the keys of the user `given` (or the caller's own), and returns
/// their owner as stored.
pub async fn authorized_owner(
    ctx: &mut Ctx<'_>,
    action: &str,
    given: Option<String>,
) -> Result<KeyOwner, Error> {
    let owner = key_owner(ctx, given)
        .ok_or_else(|| Error::from(AwsError::validation_error(texts::NON_USER_CREDENTIALS)))?;
    match owner {
        KeyOwner::User(name) => {
            let user = ctx
                .store()
                .get_user(ctx.account_id(), &name)
                .await
                .found()?;
            ctx.authorize(action, &user_resource(ctx, &name, user.as_ref()))?;
            let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &name))?;
            Ok(KeyOwner::User(user.name))
        }
        other => {
            let arn = ctx.caller.arn.clone();
            ctx.authorize(action, &Resource::arn(arn))?;
            Ok(other)
        }
    }
}

/// `UserName` of a key's owner, for the shapes that name it.
pub fn owner_name(owner: &KeyOwner) -> Option<&str> {
    match owner {
        KeyOwner::User(name) => Some(name),
        _ => None,
    }
}

/// `AccessKeyMetadata`'s members.
pub fn write_metadata(w: &mut impl ShapeWriter, key: &AccessKey) {
    w.optional("UserName", owner_name(&key.owner));
    w.string("AccessKeyId", &key.access_key_id);
    w.string("Status", key.status.as_str());
    w.timestamp("CreateDate", key.created_at);
}
