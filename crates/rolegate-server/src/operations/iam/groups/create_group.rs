//! `CreateGroup`.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::Group;
use rolegate_types::Partition;

use super::write_group;
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::iam_arn;

pub struct CreateGroup {
    name: String,
    path: String,
}

pub struct Created {
    group: Group,
    partition: Partition,
}

impl Shape for Created {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("Group", |w| write_group(w, &self.group, self.partition));
    }
}

impl Output for Created {}

impl Operation for CreateGroup {
    const NAME: &'static str = "CreateGroup";
    const SERVICE: Service = Service::Iam;
    type Output = Created;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("GroupName", &model::iam::ENTITY_NAME),
            path: input.path("Path"),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Created, Error> {
        let arn = iam_arn(ctx, "group", &self.path, &self.name);
        ctx.authorize("iam:CreateGroup", &Resource::arn(arn))?;
        let group = Group {
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            group_id: new_unique_id(Prefix::Group, ctx.account_id())?,
            path: self.path,
            created_at: ctx.facts.now,
        };
        ctx.store().create_group(&group).await?;
        Ok(Created {
            group,
            partition: ctx.facts.partition,
        })
    }
}
