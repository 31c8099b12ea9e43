//! `AddUserToGroup`: a member already is left as it is, within GroupsPerUser.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::find_group;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{group_resource, no_such_identity};

pub struct AddUserToGroup {
    group: String,
    user: String,
}

impl Operation for AddUserToGroup {
    const NAME: &'static str = "AddUserToGroup";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            group: input.required("GroupName", &model::iam::ENTITY_NAME),
            user: input.required("UserName", &model::iam::EXISTING_USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let group = find_group(ctx, &self.group).await?;
        ctx.authorize(
            "iam:AddUserToGroup",
            &group_resource(ctx, &self.group, group.as_ref()),
        )?;
        if group.is_none() {
            return Err(no_such_identity(IdentityKind::Group, &self.group));
        }
        ctx.store()
            .add_user_to_group(ctx.account_id(), &self.group, &self.user)
            .await?;
        Ok(NoResult)
    }
}
