//! `DeleteVirtualMFADevice`: only a device no user has enabled (the store checks that in the
//! deleting transaction).

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::EntityKind;

use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteVirtualMfaDevice {
    serial: String,
}

impl Operation for DeleteVirtualMfaDevice {
    const NAME: &'static str = "DeleteVirtualMFADevice";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            serial: input.required("SerialNumber", &model::iam::SERIAL_NUMBER),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        ctx.authorize(
            "iam:DeleteVirtualMFADevice",
            &Resource::arn(self.serial.clone()),
        )?;
        ctx.store()
            .delete_mfa_device(ctx.account_id(), &self.serial)
            .await
            .missing(EntityKind::MfaDevice, || {
                AwsError::no_such_entity(texts::no_such_device(&self.serial))
            })?;
        Ok(NoResult)
    }
}
