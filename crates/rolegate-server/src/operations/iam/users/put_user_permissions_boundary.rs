//! `PutUserPermissionsBoundary`.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::{EntityKind, IdentityKind};

use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::roles::{boundary_missing, check_boundary};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct PutUserPermissionsBoundary {
    name: String,
    boundary: String,
}

impl Operation for PutUserPermissionsBoundary {
    const NAME: &'static str = "PutUserPermissionsBoundary";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            // `userNameType` (1..64) here, not the 1..128 of most user actions (the model's).
            name: input.required("UserName", &model::iam::USER_NAME),
            boundary: input.required("PermissionsBoundary", &model::iam::ARN),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.name)
            .await
            .found()?;
        ctx.authorize(
            "iam:PutUserPermissionsBoundary",
            &user_resource(ctx, &self.name, user.as_ref()),
        )?;
        if user.is_none() {
            return Err(no_such_identity(IdentityKind::User, &self.name));
        }
        check_boundary(ctx, &self.boundary)?;
        ctx.store()
            .set_user_boundary(ctx.account_id(), &self.name, Some(&self.boundary))
            .await
            .missing(EntityKind::ManagedPolicy, || -> AwsError {
                boundary_missing(Some(&self.boundary))
            })?;
        Ok(NoResult)
    }
}
