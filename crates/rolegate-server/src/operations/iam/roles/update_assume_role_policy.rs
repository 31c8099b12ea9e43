//! `UpdateAssumeRolePolicy`: a new trust policy, validated and bound as CreateRole's.

use rolegate_protocol::{Service, model};
use rolegate_store::{IdentityKind, RoleUpdate};

use super::{bind_trust_policy, ensure_modifiable, find_role};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct UpdateAssumeRolePolicy {
    name: String,
    trust: String,
}

impl Operation for UpdateAssumeRolePolicy {
    const NAME: &'static str = "UpdateAssumeRolePolicy";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
            trust: input.required("PolicyDocument", &model::iam::POLICY_DOCUMENT),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:UpdateAssumeRolePolicy",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        ensure_modifiable(&role)?;
        let bound = bind_trust_policy(ctx, &self.trust).await?;
        let update = RoleUpdate {
            trust_policy: Some((self.trust, bound)),
            ..RoleUpdate::default()
        };
        ctx.store()
            .update_role(ctx.account_id(), &self.name, &update)
            .await?;
        Ok(NoResult)
    }
}
