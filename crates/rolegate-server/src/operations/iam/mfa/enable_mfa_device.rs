//! `EnableMFADevice`: two consecutive codes bind an unassigned device to a user.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::IdentityKind;

use super::{INVALID_CODE, consecutive_codes, device_with_seed, now_step};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct EnableMfaDevice {
    user: String,
    serial: String,
    code1: String,
    code2: String,
}

impl Operation for EnableMfaDevice {
    const NAME: &'static str = "EnableMFADevice";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::EXISTING_USER_NAME),
            serial: input.required("SerialNumber", &model::iam::SERIAL_NUMBER),
            code1: input.required("AuthenticationCode1", &model::iam::AUTHENTICATION_CODE),
            code2: input.required("AuthenticationCode2", &model::iam::AUTHENTICATION_CODE),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.user)
            .await
            .found()?;
        ctx.authorize(
            "iam:EnableMFADevice",
            &user_resource(ctx, &self.user, user.as_ref()),
        )?;
        let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &self.user))?;
        let (device, seed) = device_with_seed(ctx, &self.serial).await?;
        if device.user_name.is_some() {
            return Err(AwsError::entity_already_exists(texts::DEVICE_IN_USE).into());
        }
        let Some(step) = consecutive_codes(&seed, now_step(ctx), &self.code1, &self.code2) else {
            return Err(AwsError::invalid_authentication_code(INVALID_CODE).into());
        };
        ctx.store()
            .enable_mfa_device(
                ctx.account_id(),
                &self.serial,
                &user.name,
                step + 1,
                ctx.facts.now,
            )
            .await?;
        Ok(NoResult)
    }
}
