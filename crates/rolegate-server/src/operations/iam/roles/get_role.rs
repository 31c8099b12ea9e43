//! `GetRole`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::{RoleResult, RoleShape, find_role};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct GetRole {
    name: String,
}

impl Operation for GetRole {
    const NAME: &'static str = "GetRole";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = RoleResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<RoleResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:GetRole",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        let last_used = ctx.state.last_used.role(ctx.store(), &role.role_id).await?;
        Ok(RoleResult {
            role,
            last_used,
            partition: ctx.facts.partition,
            shape: RoleShape::Get,
        })
    }
}
