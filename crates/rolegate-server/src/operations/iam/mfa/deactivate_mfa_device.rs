//! `DeactivateMFADevice`: unbinds a device from its user (the caller, without `UserName`).

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{caller_user, no_such_identity, user_resource};

pub struct DeactivateMfaDevice {
    user: Option<String>,
    serial: String,
}

impl Operation for DeactivateMfaDevice {
    const NAME: &'static str = "DeactivateMFADevice";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            serial: input.required("SerialNumber", &model::iam::SERIAL_NUMBER),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let name = caller_user(ctx, self.user)?;
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &name)
            .await
            .found()?;
        ctx.authorize(
            "iam:DeactivateMFADevice",
            &user_resource(ctx, &name, user.as_ref()),
        )?;
        let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &name))?;
        ctx.store()
            .deactivate_mfa_device(ctx.account_id(), &self.serial, &user.name)
            .await?;
        Ok(NoResult)
    }
}
