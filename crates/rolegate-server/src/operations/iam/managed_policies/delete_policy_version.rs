//! `DeletePolicyVersion`: any version but the default.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::EntityKind;

use super::{find_policy, policy_missing, policy_resource};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeletePolicyVersion {
    arn: String,
    version_id: String,
}

impl Operation for DeletePolicyVersion {
    const NAME: &'static str = "DeletePolicyVersion";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
            version_id: input.required("VersionId", &model::iam::POLICY_VERSION_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:DeletePolicyVersion",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        if policy.is_none() {
            return Err(policy_missing(&self.arn));
        }
        ctx.store()
            .delete_policy_version(&self.arn, &self.version_id)
            .await
            .missing(EntityKind::PolicyVersion, || {
                AwsError::no_such_entity(texts::no_such_version(&self.arn, &self.version_id))
            })?;
        Ok(NoResult)
    }
}
