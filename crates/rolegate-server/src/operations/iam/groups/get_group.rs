//! `GetGroup`: the group and its members, paginated by member.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{Group, IdentityKind, User};
use rolegate_types::Partition;

use super::{find_group, write_group};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::users::{UserShape, write_user};
use crate::operations::iam::{Page, Paged, group_resource, no_such_identity};

pub struct GetGroup {
    name: String,
    page: Page,
}

pub struct GroupWithMembers {
    group: Group,
    members: Paged<User>,
    partition: Partition,
}

impl Shape for GroupWithMembers {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("Group", |w| write_group(w, &self.group, self.partition));
        self.members.write(w, "Users", |w, user| {
            write_user(w, user, self.partition, UserShape::Listed)
        });
    }
}

impl Output for GroupWithMembers {}

impl Operation for GetGroup {
    const NAME: &'static str = "GetGroup";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = GroupWithMembers;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("GroupName", &model::iam::ENTITY_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<GroupWithMembers, Error> {
        let group = find_group(ctx, &self.name).await?;
        ctx.authorize(
            "iam:GetGroup",
            &group_resource(ctx, &self.name, group.as_ref()),
        )?;
        let group = group.ok_or_else(|| no_such_identity(IdentityKind::Group, &self.name))?;
        let members = ctx
            .store()
            .list_group_members(ctx.account_id(), &group.name)
            .await?;
        Ok(GroupWithMembers {
            group,
            members: self.page.of(members),
            partition: ctx.facts.partition,
        })
    }
}
