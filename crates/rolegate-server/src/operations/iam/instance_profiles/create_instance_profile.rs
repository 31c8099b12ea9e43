//! `CreateInstanceProfile`: empty, its `Roles` list written as `<Roles/>`.

use rolegate_protocol::{Service, Tag, model};
use rolegate_store::InstanceProfile;

use super::{ProfileResult, ProfileView};
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::{check_duplicate_tags, iam_arn, to_store_tags};

pub struct CreateInstanceProfile {
    name: String,
    path: String,
    tags: Vec<Tag>,
}

impl Operation for CreateInstanceProfile {
    const NAME: &'static str = "CreateInstanceProfile";
    const SERVICE: Service = Service::Iam;
    type Output = ProfileResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("InstanceProfileName", &model::iam::ENTITY_NAME),
            path: input.path("Path"),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<ProfileResult, Error> {
        check_duplicate_tags(&self.tags)?;
        let arn = iam_arn(ctx, "instance-profile", &self.path, &self.name);
        ctx.authorize("iam:CreateInstanceProfile", &Resource::arn(arn))?;
        let profile = InstanceProfile {
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            profile_id: new_unique_id(Prefix::InstanceProfile, ctx.account_id())?,
            path: self.path,
            created_at: ctx.facts.now,
            roles: Vec::new(),
            tags: to_store_tags(&self.tags),
        };
        ctx.store().create_instance_profile(&profile).await?;
        Ok(ProfileResult {
            view: ProfileView {
                profile,
                roles: Vec::new(),
            },
            partition: ctx.facts.partition,
        })
    }
}
