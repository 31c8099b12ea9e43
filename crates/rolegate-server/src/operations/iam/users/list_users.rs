//! `ListUsers` (without boundaries or tags, as AWS lists them).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::User;
use rolegate_types::Partition;

use super::{UserShape, write_user};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListUsers {
    prefix: Option<String>,
    page: Page,
}

pub struct Users {
    users: Paged<User>,
    partition: Partition,
}

impl Shape for Users {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.users.write(w, "Users", |w, user| {
            write_user(w, user, self.partition, UserShape::Listed)
        });
    }
}

impl Output for Users {}

impl Operation for ListUsers {
    const NAME: &'static str = "ListUsers";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Users;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Users, Error> {
        ctx.authorize(
            "iam:ListUsers",
            &listing_resource(ctx, "user", self.prefix.as_deref()),
        )?;
        let users = ctx
            .store()
            .list_users(ctx.account_id(), self.prefix.as_deref())
            .await?;
        Ok(Users {
            users: self.page.of(users),
            partition: ctx.facts.partition,
        })
    }
}
