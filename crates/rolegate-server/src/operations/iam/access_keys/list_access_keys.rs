//! `ListAccessKeys`.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{AccessKey, KeyOwner};

use super::{authorized_owner, owner_name, write_metadata};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged};

pub struct ListAccessKeys {
    user: Option<String>,
    page: Page,
}

pub struct Keys {
    keys: Paged<AccessKey>,
    owner: KeyOwner,
}

impl Shape for Keys {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.keys
            .write(w, "AccessKeyMetadata", |w, key| write_metadata(w, key));
        w.optional("UserName", owner_name(&self.owner));
    }
}

impl Output for Keys {}

impl Operation for ListAccessKeys {
    const NAME: &'static str = "ListAccessKeys";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Keys;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Keys, Error> {
        let owner = authorized_owner(ctx, "iam:ListAccessKeys", self.user).await?;
        let keys = ctx
            .store()
            .list_access_keys(ctx.account_id(), &owner)
            .await?;
        Ok(Keys {
            keys: self.page.of(keys),
            owner,
        })
    }
}
