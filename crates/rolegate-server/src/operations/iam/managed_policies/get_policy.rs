//! `GetPolicy`.

use rolegate_protocol::{Service, model};

use super::create_policy::PolicyResult;
use super::{PolicyShape, find_policy, policy_missing, policy_resource};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};

pub struct GetPolicy {
    arn: String,
}

impl Operation for GetPolicy {
    const NAME: &'static str = "GetPolicy";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = PolicyResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<PolicyResult, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:GetPolicy",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        let policy = policy.ok_or_else(|| policy_missing(&self.arn))?;
        Ok(PolicyResult {
            policy,
            shape: PolicyShape::Get,
        })
    }
}
