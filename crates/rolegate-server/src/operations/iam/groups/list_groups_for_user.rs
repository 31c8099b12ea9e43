//! `ListGroupsForUser`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::list_groups::Groups;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::{Page, no_such_identity, user_resource};

pub struct ListGroupsForUser {
    user: String,
    page: Page,
}

impl Operation for ListGroupsForUser {
    const NAME: &'static str = "ListGroupsForUser";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Groups;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::EXISTING_USER_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Groups, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.user)
            .await
            .found()?;
        ctx.authorize(
            "iam:ListGroupsForUser",
            &user_resource(ctx, &self.user, user.as_ref()),
        )?;
        if user.is_none() {
            return Err(no_such_identity(IdentityKind::User, &self.user));
        }
        let groups = ctx
            .store()
            .list_groups_for_user(ctx.account_id(), &self.user)
            .await?;
        Ok(Groups {
            groups: self.page.of(groups),
            partition: ctx.facts.partition,
        })
    }
}
