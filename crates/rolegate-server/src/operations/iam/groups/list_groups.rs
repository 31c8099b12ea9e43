//! `ListGroups`.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::Group;
use rolegate_types::Partition;

use super::write_group;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListGroups {
    prefix: Option<String>,
    page: Page,
}

/// `Groups`, also ListGroupsForUser's result.
pub struct Groups {
    pub groups: Paged<Group>,
    pub partition: Partition,
}

impl Shape for Groups {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.groups.write(w, "Groups", |w, group| {
            write_group(w, group, self.partition)
        });
    }
}

impl Output for Groups {}

impl Operation for ListGroups {
    const NAME: &'static str = "ListGroups";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Groups;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Groups, Error> {
        ctx.authorize(
            "iam:ListGroups",
            &listing_resource(ctx, "group", self.prefix.as_deref()),
        )?;
        let groups = ctx
            .store()
            .list_groups(ctx.account_id(), self.prefix.as_deref())
            .await?;
        Ok(Groups {
            groups: self.page.of(groups),
            partition: ctx.facts.partition,
        })
    }
}
