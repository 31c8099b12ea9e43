//! The policies of users, groups and roles: inline policies (Put/Get/List/Delete) and managed
//! policies attached to them (Attach/Detach/ListAttached). One generic operation per verb
//! serves the three kinds (`PutPolicy<UserKind>` is PutUserPolicy); the store keeps the
//! inline-size and attachment quotas in the writing transaction.

pub mod attach_policy;
pub mod delete_policy;
pub mod detach_policy;
pub mod get_policy;
pub mod list_attached_policies;
pub mod list_policies;
pub mod put_policy;

use rolegate_protocol::AwsError;
use rolegate_store::{Identity, IdentityKind};
use rolegate_types::Arn;

use super::Holder;
use crate::authorize::Resource;
use crate::error::{Error, texts};
use crate::operation::Ctx;
use crate::operations::iam::{no_such_identity, roles};

/// Authorizes `action` on identity `name` of kind `K`, then requires it to exist; with
/// `modifies`, AWS's own roles are refused whatever the caller may do.
pub async fn authorized_identity<K: Holder>(
    ctx: &mut Ctx<'_>,
    action: &str,
    name: &str,
    modifies: bool,
) -> Result<Identity, Error> {
    let (resource, stored): (Resource, Option<String>) = K::resource(ctx, name).await?;
    ctx.authorize(action, &resource)?;
    let stored = stored.ok_or_else(|| no_such_identity(K::KIND, name))?;
    if modifies && K::KIND == IdentityKind::Role {
        let role = rolegate_store::prelude::Roles::get_role(ctx.store(), ctx.account_id(), &stored)
            .await?;
        roles::ensure_modifiable(&role)?;
    }
    Ok(Identity::new(K::KIND, ctx.account_id(), &stored))
}

/// A managed policy ARN as Attach/Detach take it: an ARN at all (`Invalid ARN:  Could not be
/// parsed!` for an `arn:` that is not one; `ARN x is not valid.` for anything else), of a
/// policy, in the caller's partition.
pub fn check_policy_arn(ctx: &Ctx<'_>, arn: &str) -> Result<Arn, Error> {
    let parsed: Arn = match arn.parse() {
        Ok(parsed) => parsed,
        Err(_) if arn.starts_with("arn:") => {
            return Err(AwsError::validation_error(texts::UNPARSEABLE_ARN).into());
        }
        Err(_) => return Err(AwsError::validation_error(texts::invalid_arn(arn)).into()),
    };
    if parsed.service != "iam" || !parsed.resource.starts_with("policy/") {
        return Err(AwsError::validation_error(texts::invalid_arn(arn)).into());
    }
    if parsed.partition != ctx.facts.partition.as_str() {
        return Err(AwsError::validation_error("Invalid ARN partition").into());
    }
    Ok(parsed)
}
