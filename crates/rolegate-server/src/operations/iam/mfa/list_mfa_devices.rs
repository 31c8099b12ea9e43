//! `ListMFADevices`: the devices enabled for a user (the caller, without `UserName`).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{IdentityKind, MfaDevice};

use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, no_such_identity, user_resource};

pub struct ListMfaDevices {
    user: Option<String>,
    page: Page,
}

pub struct Devices(Paged<MfaDevice>);

impl Shape for Devices {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0.write(w, "MFADevices", |w, device| {
            w.optional("UserName", device.user_name.as_deref());
            w.string("SerialNumber", &device.serial_number);
            if let Some(at) = device.enabled_at {
                w.timestamp("EnableDate", at);
            }
        });
    }
}

impl Output for Devices {}

impl Operation for ListMfaDevices {
    const NAME: &'static str = "ListMFADevices";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Devices;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Devices, Error> {
        let Some(name) = self.user.or_else(|| ctx.caller.user_name.clone()) else {
            // The root (or a session) asking about itself: no user's devices to list.
            let arn = ctx.caller.arn.clone();
            ctx.authorize("iam:ListMFADevices", &Resource::arn(arn))?;
            return Ok(Devices(self.page.of(Vec::new())));
        };
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &name)
            .await
            .found()?;
        ctx.authorize(
            "iam:ListMFADevices",
            &user_resource(ctx, &name, user.as_ref()),
        )?;
        let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &name))?;
        let devices = ctx
            .store()
            .list_mfa_devices(ctx.account_id(), Some(&user.name))
            .await?;
        Ok(Devices(self.page.of(devices)))
    }
}
