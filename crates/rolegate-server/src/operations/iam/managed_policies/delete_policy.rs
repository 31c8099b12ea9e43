//! `DeletePolicy`: only a policy attached to nothing, used as no boundary, with no versions but
//! its default; the store checks that in the deleting transaction.

use rolegate_protocol::{Service, model};

use super::{find_policy, policy_missing, policy_resource};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeletePolicy {
    arn: String,
}

impl Operation for DeletePolicy {
    const NAME: &'static str = "DeletePolicy";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:DeletePolicy",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        if policy.is_none() {
            return Err(policy_missing(&self.arn));
        }
        ctx.store().delete_policy(&self.arn).await?;
        Ok(NoResult)
    }
}
