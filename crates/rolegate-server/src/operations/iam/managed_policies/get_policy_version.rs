//! `GetPolicyVersion`: a version with its document (AWS-managed policies: their default).

use rolegate_protocol::{AwsError, Service, model};

use super::create_policy_version::VersionResult;
use super::{find_policy, policy_missing, policy_resource, versions};
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation};

pub struct GetPolicyVersion {
    arn: String,
    version_id: String,
}

impl Operation for GetPolicyVersion {
    const NAME: &'static str = "GetPolicyVersion";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = VersionResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
            version_id: input.required("VersionId", &model::iam::POLICY_VERSION_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<VersionResult, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:GetPolicyVersion",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        let policy = policy.ok_or_else(|| policy_missing(&self.arn))?;
        let version = versions(ctx, &policy)
            .await?
            .into_iter()
            .find(|v| v.version_id == self.version_id)
            .ok_or_else(|| {
                AwsError::no_such_entity(texts::no_such_version(&self.arn, &self.version_id))
            })?;
        Ok(VersionResult {
            version,
            with_document: true,
        })
    }
}
