//! `UpdateRoleDescription`: returns the updated role.

use rolegate_protocol::{Service, model};
use rolegate_store::{IdentityKind, RoleUpdate};

use super::{RoleResult, RoleShape, ensure_modifiable, find_role};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct UpdateRoleDescription {
    name: String,
    description: String,
}

impl Operation for UpdateRoleDescription {
    const NAME: &'static str = "UpdateRoleDescription";
    const SERVICE: Service = Service::Iam;
    type Output = RoleResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
            description: input.required("Description", &model::iam::ROLE_DESCRIPTION),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<RoleResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:UpdateRoleDescription",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        ensure_modifiable(&role)?;
        let update = RoleUpdate {
            description: Some(self.description),
            ..RoleUpdate::default()
        };
        ctx.store()
            .update_role(ctx.account_id(), &self.name, &update)
            .await?;
        let role = ctx.store().get_role(ctx.account_id(), &self.name).await?;
        Ok(RoleResult {
            role,
            partition: ctx.facts.partition,
            last_used: None,
            shape: RoleShape::Get,
        })
    }
}
