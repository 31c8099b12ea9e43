//! `CreatePolicy`: a customer managed policy with its first version, `v1`.

use rolegate_protocol::{Service, Shape, ShapeWriter, Tag, model};
use rolegate_store::ManagedPolicy;

use super::{PolicyShape, PolicyView, write_policy};
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{check_duplicate_tags, check_identity_policy, iam_arn, to_store_tags};

pub struct CreatePolicy {
    name: String,
    document: String,
    path: String,
    description: Option<String>,
    tags: Vec<Tag>,
}

/// `{"Policy": …}` of CreatePolicy (and GetPolicy, with its own shape).
pub struct PolicyResult {
    pub policy: PolicyView,
    pub shape: PolicyShape,
}

impl Shape for PolicyResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("Policy", |w| write_policy(w, &self.policy, self.shape));
    }
}

impl Output for PolicyResult {}

impl Operation for CreatePolicy {
    const NAME: &'static str = "CreatePolicy";
    const SERVICE: Service = Service::Iam;
    type Output = PolicyResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("PolicyName", &model::iam::POLICY_NAME),
            document: input.required("PolicyDocument", &model::iam::POLICY_DOCUMENT),
            path: input
                .optional("Path", &model::iam::POLICY_PATH)
                .unwrap_or_else(|| "/".to_owned()),
            description: input.optional("Description", &model::iam::POLICY_DESCRIPTION),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<PolicyResult, Error> {
        check_duplicate_tags(&self.tags)?;
        let arn = iam_arn(ctx, "policy", &self.path, &self.name);
        ctx.authorize("iam:CreatePolicy", &Resource::arn(arn.clone()))?;
        check_identity_policy(ctx, &self.document)?;
        let policy = ManagedPolicy {
            arn,
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            policy_id: new_unique_id(Prefix::ManagedPolicy, ctx.account_id())?,
            path: self.path,
            description: self.description,
            default_version_id: "v1".to_owned(),
            attachment_count: 0,
            boundary_usage_count: 0,
            created_at: ctx.facts.now,
            updated_at: ctx.facts.now,
            tags: to_store_tags(&self.tags),
        };
        ctx.store().create_policy(&policy, &self.document).await?;
        Ok(PolicyResult {
            policy: PolicyView::customer(policy),
            shape: PolicyShape::Create,
        })
    }
}
