//! `PutRolePermissionsBoundary`.

use rolegate_protocol::{Service, model};
use rolegate_store::{EntityKind, IdentityKind};

use super::{boundary_missing, check_boundary, ensure_modifiable, find_role};
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct PutRolePermissionsBoundary {
    name: String,
    boundary: String,
}

impl Operation for PutRolePermissionsBoundary {
    const NAME: &'static str = "PutRolePermissionsBoundary";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
            boundary: input.required("PermissionsBoundary", &model::iam::ARN),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:PutRolePermissionsBoundary",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        ensure_modifiable(&role)?;
        check_boundary(ctx, &self.boundary)?;
        ctx.store()
            .set_role_boundary(ctx.account_id(), &self.name, Some(&self.boundary))
            .await
            .missing(EntityKind::ManagedPolicy, || {
                boundary_missing(Some(&self.boundary))
            })?;
        Ok(NoResult)
    }
}
