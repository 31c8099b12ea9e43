//! `DeleteGroup`: only a group with no members and no policies; the store checks that in the
//! deleting transaction.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::find_group;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{group_resource, no_such_identity};

pub struct DeleteGroup {
    name: String,
}

impl Operation for DeleteGroup {
    const NAME: &'static str = "DeleteGroup";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("GroupName", &model::iam::ENTITY_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let group = find_group(ctx, &self.name).await?;
        ctx.authorize(
            "iam:DeleteGroup",
            &group_resource(ctx, &self.name, group.as_ref()),
        )?;
        if group.is_none() {
            return Err(no_such_identity(IdentityKind::Group, &self.name));
        }
        ctx.store()
            .delete_group(ctx.account_id(), &self.name)
            .await?;
        Ok(NoResult)
    }
}
