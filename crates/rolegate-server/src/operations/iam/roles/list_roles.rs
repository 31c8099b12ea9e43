//! `ListRoles` (without boundaries, tags or last use, as AWS lists them).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::Role;
use rolegate_types::Partition;

use super::{RoleShape, write_role};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListRoles {
    prefix: Option<String>,
    page: Page,
}

pub struct Roles {
    roles: Paged<Role>,
    partition: Partition,
}

impl Shape for Roles {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.roles.write(w, "Roles", |w, role| {
            write_role(w, role, self.partition, RoleShape::List, None)
        });
    }
}

impl Output for Roles {}

impl Operation for ListRoles {
    const NAME: &'static str = "ListRoles";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Roles;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Roles, Error> {
        ctx.authorize(
            "iam:ListRoles",
            &listing_resource(ctx, "role", self.prefix.as_deref()),
        )?;
        let roles = ctx
            .store()
            .list_roles(ctx.account_id(), self.prefix.as_deref())
            .await?;
        Ok(Roles {
            roles: self.page.of(roles),
            partition: ctx.facts.partition,
        })
    }
}
