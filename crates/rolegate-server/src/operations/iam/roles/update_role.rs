//! `UpdateRole`: the description and the longest session.

use rolegate_protocol::{Service, model};
use rolegate_store::{IdentityKind, RoleUpdate};

use super::{ensure_modifiable, find_role};
use crate::error::Error;
use crate::operation::{Ctx, EmptyResult, Input, Operation};
use crate::operations::iam::{no_such_identity, role_resource};

pub struct UpdateRole {
    name: String,
    description: Option<String>,
    max_session: Option<i32>,
}

impl Operation for UpdateRole {
    const NAME: &'static str = "UpdateRole";
    const SERVICE: Service = Service::Iam;
    type Output = EmptyResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
            description: input.optional("Description", &model::iam::ROLE_DESCRIPTION),
            max_session: input
                .optional_i32("MaxSessionDuration", &model::iam::ROLE_MAX_SESSION_DURATION)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<EmptyResult, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:UpdateRole",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        ensure_modifiable(&role)?;
        let update = RoleUpdate {
            description: self.description,
            max_session_duration: self.max_session.map(i64::from),
            ..RoleUpdate::default()
        };
        ctx.store()
            .update_role(ctx.account_id(), &self.name, &update)
            .await?;
        Ok(EmptyResult)
    }
}
