//! `SetDefaultPolicyVersion`.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::EntityKind;

use super::{find_policy, policy_missing, policy_resource};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct SetDefaultPolicyVersion {
    arn: String,
    version_id: String,
}

impl Operation for SetDefaultPolicyVersion {
    const NAME: &'static str = "SetDefaultPolicyVersion";
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
            "iam:SetDefaultPolicyVersion",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        if policy.is_none() {
            return Err(policy_missing(&self.arn));
        }
        ctx.store()
            .set_default_policy_version(&self.arn, &self.version_id, ctx.facts.now)
            .await
            .missing(EntityKind::PolicyVersion, || {
                AwsError::no_such_entity(texts::no_such_version(&self.arn, &self.version_id))
            })?;
        Ok(NoResult)
    }
}
