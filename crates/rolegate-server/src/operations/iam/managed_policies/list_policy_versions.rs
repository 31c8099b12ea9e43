//! `ListPolicyVersions`, newest first.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::PolicyVersion;

use super::{find_policy, policy_missing, policy_resource, versions, write_version};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged};

pub struct ListPolicyVersions {
    arn: String,
    page: Page,
}

pub struct Versions(Paged<PolicyVersion>);

impl Shape for Versions {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0
            .write(w, "Versions", |w, version| write_version(w, version, false));
    }
}

impl Output for Versions {}

impl Operation for ListPolicyVersions {
    const NAME: &'static str = "ListPolicyVersions";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Versions;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Versions, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:ListPolicyVersions",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        let policy = policy.ok_or_else(|| policy_missing(&self.arn))?;
        Ok(Versions(self.page.of(versions(ctx, &policy).await?)))
    }
}
