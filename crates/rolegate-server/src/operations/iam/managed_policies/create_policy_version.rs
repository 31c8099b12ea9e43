//! `CreatePolicyVersion`: at most five versions per policy (the store's quota).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::PolicyVersion;

use super::{find_policy, policy_missing, policy_resource, write_version};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::check_identity_policy;

pub struct CreatePolicyVersion {
    arn: String,
    document: String,
    set_as_default: bool,
}

/// `{"PolicyVersion": …}`, with the document when `with_document`.
pub struct VersionResult {
    pub version: PolicyVersion,
    pub with_document: bool,
}

impl Shape for VersionResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("PolicyVersion", |w| {
            write_version(w, &self.version, self.with_document)
        });
    }
}

impl Output for VersionResult {}

impl Operation for CreatePolicyVersion {
    const NAME: &'static str = "CreatePolicyVersion";
    const SERVICE: Service = Service::Iam;
    type Output = VersionResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
            document: input.required("PolicyDocument", &model::iam::POLICY_DOCUMENT),
            set_as_default: input.optional_bool("SetAsDefault")?.unwrap_or(false),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<VersionResult, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:CreatePolicyVersion",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        if policy.is_none() {
            return Err(policy_missing(&self.arn));
        }
        check_identity_policy(ctx, &self.document)?;
        let version = ctx
            .store()
            .create_policy_version(
                &self.arn,
                &self.document,
                self.set_as_default,
                ctx.facts.now,
            )
            .await?;
        Ok(VersionResult {
            version,
            with_document: false,
        })
    }
}
