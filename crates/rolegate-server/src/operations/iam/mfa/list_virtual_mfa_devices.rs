//! `ListVirtualMFADevices`: the account's virtual devices, `Any` by default, `Assigned` or
//! `Unassigned`; an assigned one names its user and when it was enabled. No seeds, no tags.

use rolegate_protocol::{Service, Shape, ShapeWriter};
use rolegate_store::MfaDevice;
use rolegate_types::Partition;

use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, iam_arn, listing_resource};

pub struct ListVirtualMfaDevices {
    status: Option<String>,
    page: Page,
}

pub struct VirtualDevices {
    devices: Paged<(MfaDevice, Option<String>)>,
    partition: Partition,
}

impl Shape for VirtualDevices {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.devices
            .write(w, "VirtualMFADevices", |w, (device, user_arn)| {
                w.string("SerialNumber", &device.serial_number);
                if let (Some(user), Some(arn)) = (&device.user_name, user_arn) {
                    w.structure("User", |w| {
                        w.string("UserName", user);
                        w.string("Arn", arn);
                    });
                }
                if let Some(at) = device.enabled_at {
                    w.timestamp("EnableDate", at);
                }
            });
        let _ = self.partition;
    }
}

impl Output for VirtualDevices {}

impl Operation for ListVirtualMfaDevices {
    const NAME: &'static str = "ListVirtualMFADevices";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = VirtualDevices;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            status: input.optional_enum("AssignmentStatus", &["Assigned", "Unassigned", "Any"]),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<VirtualDevices, Error> {
        ctx.authorize(
            "iam:ListVirtualMFADevices",
            &listing_resource(ctx, "mfa", None),
        )?;
        let mut devices = ctx.store().list_mfa_devices(ctx.account_id(), None).await?;
        match self.status.as_deref() {
            Some("Assigned") => devices.retain(|d| d.user_name.is_some()),
            Some("Unassigned") => devices.retain(|d| d.user_name.is_none()),
            _ => {}
        }
        let mut listed = Vec::with_capacity(devices.len());
        for device in devices {
            let arn = match &device.user_name {
                Some(name) => Some(
                    ctx.store()
                        .get_user(ctx.account_id(), name)
                        .await
                        .map(|u| u.arn(ctx.facts.partition.as_str()))
                        .unwrap_or_else(|_| iam_arn(ctx, "user", "/", name)),
                ),
                None => None,
            };
            listed.push((device, arn));
        }
        Ok(VirtualDevices {
            devices: self.page.of(listed),
            partition: ctx.facts.partition,
        })
    }
}
