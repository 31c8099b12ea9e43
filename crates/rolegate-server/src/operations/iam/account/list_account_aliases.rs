//! `ListAccountAliases`.

use rolegate_protocol::{Service, Shape, ShapeWriter};

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged};

pub struct ListAccountAliases {
    page: Page,
}

pub struct Aliases(Paged<String>);

impl Shape for Aliases {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.strings("AccountAliases", &self.0.items);
        self.0.write_end(w);
    }
}

impl Output for Aliases {}

impl Operation for ListAccountAliases {
    const NAME: &'static str = "ListAccountAliases";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Aliases;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Aliases, Error> {
        ctx.authorize("iam:ListAccountAliases", &Resource::arn("*"))?;
        let aliases = ctx.store().list_account_aliases(ctx.account_id()).await?;
        Ok(Aliases(self.page.of(aliases)))
    }
}
