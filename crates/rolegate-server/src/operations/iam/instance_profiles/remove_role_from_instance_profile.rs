//! `RemoveRoleFromInstanceProfile`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::{find_profile, profile_missing};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::roles::{ensure_modifiable, find_role};
use crate::operations::iam::{no_such_identity, profile_resource};

pub struct RemoveRoleFromInstanceProfile {
    profile: String,
    role: String,
}

impl Operation for RemoveRoleFromInstanceProfile {
    const NAME: &'static str = "RemoveRoleFromInstanceProfile";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            profile: input.required("InstanceProfileName", &model::iam::ENTITY_NAME),
            role: input.required("RoleName", &model::iam::ROLE_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let profile = find_profile(ctx, &self.profile).await?;
        ctx.authorize(
            "iam:RemoveRoleFromInstanceProfile",
            &profile_resource(ctx, &self.profile, profile.as_ref()),
        )?;
        if profile.is_none() {
            return Err(profile_missing(&self.profile));
        }
        let role = find_role(ctx, &self.role)
            .await?
            .ok_or_else(|| no_such_identity(IdentityKind::Role, &self.role))?;

        ensure_modifiable(&role)?;
        ctx.store()
            .remove_role_from_instance_profile(ctx.account_id(), &self.profile, &self.role)
            .await?;
        Ok(NoResult)
    }
}
