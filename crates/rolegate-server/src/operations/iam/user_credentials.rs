//! What the families of users' other credentials (SSH public keys, signing certificates,
//! service-specific credentials) share: resolving and authorizing the user a call acts on, and
//! the `Status` member.

use rolegate_protocol::{AwsError, StringRule, model};
use rolegate_store::{IdentityKind, KeyOwner, KeyStatus};

use super::{key_owner, no_such_identity, user_resource};
use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input};

/// Authorizes `action` on user `name` of the caller's account and returns its stored name
/// (`NoSuchEntity` when it does not exist, after the authorization, as for every user action).
pub async fn authorized_user(ctx: &mut Ctx<'_>, action: &str, name: &str) -> Result<String, Error> {
    let user = ctx.store().get_user(ctx.account_id(), name).await.found()?;
    ctx.authorize(action, &user_resource(ctx, name, user.as_ref()))?;
    user.map(|u| u.name)
        .ok_or_else(|| no_such_identity(IdentityKind::User, name))
}

/// The user an action whose `UserName` is optional acts on: the one named, else the signing
/// user. `None` for the account root acting on its own (it holds no SSH keys or
/// service-specific credentials), authorized against its own ARN; any other caller must name a
/// user.
pub async fn holder(
    ctx: &mut Ctx<'_>,
    action: &str,
    given: Option<String>,
) -> Result<Option<String>, Error> {
    match key_owner(ctx, given) {
        Some(KeyOwner::User(name)) => authorized_user(ctx, action, &name).await.map(Some),
        Some(KeyOwner::Root) => {
            let arn = ctx.caller.arn.clone();
            ctx.authorize(action, &Resource::arn(arn))?;
            Ok(None)
        }
        _ => Err(AwsError::validation_error(texts::NON_USER_CREDENTIALS).into()),
    }
}

/// `Status`: required, one of the model's `statusType` values.
pub fn status(input: &mut Input<'_>) -> String {
    let status = input.required("Status", &StringRule::ANY);
    if input.params.contains("Status") {
        let path = input.params.field_path("Status");
        input
            .v
            .enumeration(&path, &status, model::iam::STATUS_VALUES);
    }
    status
}

/// The status a credential can be set to: `Active` or `Inactive`; `Expired` is refused.
pub fn settable_status(status: &str) -> Result<KeyStatus, Error> {
    KeyStatus::parse(status).ok_or_else(|| AwsError::invalid_input(texts::EXPIRED_STATUS).into())
}
