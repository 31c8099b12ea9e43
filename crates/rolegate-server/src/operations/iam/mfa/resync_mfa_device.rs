//! `ResyncMFADevice`: two consecutive codes bring a user's device back in step.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::IdentityKind;

use super::{INVALID_CODE, consecutive_codes, device_with_seed, now_step};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct ResyncMfaDevice {
    user: String,
    serial: String,
    code1: String,
    code2: String,
}

impl Operation for ResyncMfaDevice {
    const NAME: &'static str = "ResyncMFADevice";
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
            "iam:ResyncMFADevice",
            &user_resource(ctx, &self.user, user.as_ref()),
        )?;
        let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &self.user))?;
        let (device, seed) = device_with_seed(ctx, &self.serial).await?;
        let assigned = device
            .user_name
            .as_deref()
            .is_some_and(|owner| owner.eq_ignore_ascii_case(&user.name));
        if !assigned {
            return Err(AwsError::no_such_entity(texts::no_such_device(&self.serial)).into());
        }
        let Some(step) = consecutive_codes(&seed, now_step(ctx), &self.code1, &self.code2) else {
            return Err(AwsError::invalid_authentication_code(INVALID_CODE).into());
        };
        // The second code's step is spent; an earlier step never becomes usable again.
        ctx.store().use_mfa_step(&self.serial, step + 1).await?;
        Ok(NoResult)
    }
}
