//! `DeleteInstanceProfile`: only an empty profile; the store checks that in the deleting
//! transaction.

use rolegate_protocol::{Service, model};

use super::{find_profile, profile_missing};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::profile_resource;

pub struct DeleteInstanceProfile {
    name: String,
}

impl Operation for DeleteInstanceProfile {
    const NAME: &'static str = "DeleteInstanceProfile";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("InstanceProfileName", &model::iam::ENTITY_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let profile = find_profile(ctx, &self.name).await?;
        ctx.authorize(
            "iam:DeleteInstanceProfile",
            &profile_resource(ctx, &self.name, profile.as_ref()),
        )?;
        if profile.is_none() {
            return Err(profile_missing(&self.name));
        }
        ctx.store()
            .delete_instance_profile(ctx.account_id(), &self.name)
            .await?;
        Ok(NoResult)
    }
}
