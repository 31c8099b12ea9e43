//! `UpdateGroup`: a new name or path; members and policies follow.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::{EntityKind, IdentityKind, Rename, StoreError};

use super::find_group;
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{group_resource, no_such_identity};

pub struct UpdateGroup {
    name: String,
    new_name: Option<String>,
    new_path: Option<String>,
}

impl Operation for UpdateGroup {
    const NAME: &'static str = "UpdateGroup";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("GroupName", &model::iam::ENTITY_NAME),
            new_path: input.optional_path("NewPath"),
            new_name: input.optional("NewGroupName", &model::iam::ENTITY_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let group = find_group(ctx, &self.name).await?;
        ctx.authorize(
            "iam:UpdateGroup",
            &group_resource(ctx, &self.name, group.as_ref()),
        )?;
        if group.is_none() {
            return Err(no_such_identity(IdentityKind::Group, &self.name));
        }
        let update = Rename {
            new_name: self.new_name,
            new_path: self.new_path,
        };
        match ctx
            .store()
            .update_group(ctx.account_id(), &self.name, &update)
            .await
        {
            Err(StoreError::AlreadyExists { name, .. }) => Err(AwsError::entity_already_exists(
                texts::already_exists(EntityKind::Group, &name).unwrap_or_default(),
            )
            .into()),
            other => other.map_err(Error::from),
        }?;
        Ok(NoResult)
    }
}
