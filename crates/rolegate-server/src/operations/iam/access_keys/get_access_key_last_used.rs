//! `GetAccessKeyLastUsed`: when a key was last used, for which service and in which region (its
//! requests' signing scope), the unflushed use included. A key never used has no
//! `LastUsedDate` and `N/A` as service and region.
//!
//! The permission is checked on the key's owner (the user, or the root for a root key). Another
//! account's key is refused as every resource of another account is (AccessDenied, no
//! resource-based policy allows it), and a key that does not exist is `NoSuchEntity` with IAM's
//! access-key text: both are Rolegate's choices, AWS's answers for them being unrecorded.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};
use rolegate_store::{AccessKeyUse, KeyOwner};

use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_resource;

/// What AWS writes for the service and region of a key never used.
const NOT_USED: &str = "N/A";

pub struct GetAccessKeyLastUsed {
    access_key_id: String,
}

pub struct LastUsed {
    user_name: Option<String>,
    last_used: Option<AccessKeyUse>,
}

impl Shape for LastUsed {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.optional("UserName", self.user_name.as_deref());
        w.structure("AccessKeyLastUsed", |w| match &self.last_used {
            Some(used) => {
                w.timestamp("LastUsedDate", used.used_at);
                w.string("ServiceName", &used.service);
                w.string("Region", &used.region);
            }
            None => {
                w.string("ServiceName", NOT_USED);
                w.string("Region", NOT_USED);
            }
        });
    }
}

impl Output for LastUsed {}

impl Operation for GetAccessKeyLastUsed {
    const NAME: &'static str = "GetAccessKeyLastUsed";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = LastUsed;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            access_key_id: input.required("AccessKeyId", &model::iam::ACCESS_KEY_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<LastUsed, Error> {
        let missing = || {
            Error::from(AwsError::no_such_entity(
                crate::error::texts::not_found(
                    rolegate_store::EntityKind::AccessKey,
                    &self.access_key_id,
                )
                .unwrap_or_default(),
            ))
        };
        let key = ctx
            .store()
            .get_access_key(&self.access_key_id)
            .await
            .found()?
            .ok_or_else(missing)?;
        let partition = ctx.facts.partition.as_str();
        let (resource, user_name) = match &key.owner {
            KeyOwner::User(name) => {
                let user = ctx
                    .store()
                    .get_user(&key.account_id, name)
                    .await
                    .found()?
                    .ok_or_else(missing)?;
                let resource = if key.account_id == ctx.account_id() {
                    user_resource(ctx, name, Some(&user))
                } else {
                    Resource::arn(user.arn(partition))
                };
                (resource, Some(user.name))
            }
            KeyOwner::Root => (
                Resource::arn(format!("arn:{partition}:iam::{}:root", key.account_id)),
                None,
            ),
            // A service identity's key is Rolegate's stand-in for an AWS service, no IAM key.
            KeyOwner::Service(_) => return Err(missing()),
        };
        ctx.authorize("iam:GetAccessKeyLastUsed", &resource)?;
        let last_used = ctx
            .state
            .last_used
            .key(ctx.store(), &key.access_key_id)
            .await?;
        Ok(LastUsed {
            user_name,
            last_used,
        })
    }
}
