//! `RemoveUserFromGroup`: a non-member is left as it is.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::find_group;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{group_resource, no_such_identity};

pub struct RemoveUserFromGroup {
    group: String,
    user: String,
}

impl Operation for RemoveUserFromGroup {
    const NAME: &'static str = "RemoveUserFromGroup";
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
            "iam:RemoveUserFromGroup",
            &group_resource(ctx, &self.group, group.as_ref()),
        )?;
        if group.is_none() {
            return Err(no_such_identity(IdentityKind::Group, &self.group));
        }
        ctx.store()
            .remove_user_from_group(ctx.account_id(), &self.group, &self.user)
            .await?;
        Ok(NoResult)
    }
}
