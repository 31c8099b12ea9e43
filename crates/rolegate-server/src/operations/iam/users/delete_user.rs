//! `DeleteUser`: only a user with nothing left (console password, keys, policies, devices,
//! groups); the store checks that in the deleting transaction.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct DeleteUser {
    name: String,
}

impl Operation for DeleteUser {
    const NAME: &'static str = "DeleteUser";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("UserName", &model::iam::EXISTING_USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.name)
            .await
            .found()?;
        ctx.authorize(
            "iam:DeleteUser",
            &user_resource(ctx, &self.name, user.as_ref()),
        )?;
        if user.is_none() {
            return Err(no_such_identity(IdentityKind::User, &self.name));
        }
        ctx.store()
            .delete_user(ctx.account_id(), &self.name)
            .await?;
        Ok(NoResult)
    }
}
