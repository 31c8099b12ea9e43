//! `DeleteUserPermissionsBoundary`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct DeleteUserPermissionsBoundary {
    name: String,
}

impl Operation for DeleteUserPermissionsBoundary {
    const NAME: &'static str = "DeleteUserPermissionsBoundary";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("UserName", &model::iam::USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.name)
            .await
            .found()?;
        ctx.authorize(
            "iam:DeleteUserPermissionsBoundary",
            &user_resource(ctx, &self.name, user.as_ref()),
        )?;
        if user.is_none() {
            return Err(no_such_identity(IdentityKind::User, &self.name));
        }
        ctx.store()
            .set_user_boundary(ctx.account_id(), &self.name, None)
            .await?;
        Ok(NoResult)
    }
}
