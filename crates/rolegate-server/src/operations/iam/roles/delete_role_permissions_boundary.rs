//! `DeleteRolePermissionsBoundary`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::{ensure_modifiable, find_role};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct DeleteRolePermissionsBoundary {
    name: String,
}

impl Operation for DeleteRolePermissionsBoundary {
    const NAME: &'static str = "DeleteRolePermissionsBoundary";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:DeleteRolePermissionsBoundary",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        ensure_modifiable(&role)?;
        ctx.store()
            .set_role_boundary(ctx.account_id(), &self.name, None)
            .await?;
        Ok(NoResult)
    }
}
