//! `GetInstanceProfile`.

use rolegate_protocol::{Service, model};

use super::{ProfileResult, ProfileView, find_profile, profile_missing};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::profile_resource;

pub struct GetInstanceProfile {
    name: String,
}

impl Operation for GetInstanceProfile {
    const NAME: &'static str = "GetInstanceProfile";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = ProfileResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("InstanceProfileName", &model::iam::ENTITY_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<ProfileResult, Error> {
        let profile = find_profile(ctx, &self.name).await?;
        ctx.authorize(
            "iam:GetInstanceProfile",
            &profile_resource(ctx, &self.name, profile.as_ref()),
        )?;
        let profile = profile.ok_or_else(|| profile_missing(&self.name))?;
        Ok(ProfileResult {
            view: ProfileView::of(ctx, profile).await?,
            partition: ctx.facts.partition,
        })
    }
}
