//! `CreateVirtualMFADevice`: a new seed, sealed at rest and shown once, as base32 text and as a
//! QR code PNG (neither ever in the audit log).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rolegate_protocol::{Service, Shape, ShapeWriter, Tag, model};
use rolegate_store::{MfaDevice, Taggable, TaggableKind};

use super::qr_code;
use crate::authorize::Resource;
use crate::credentials::new_totp_seed;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{check_duplicate_tags, iam_arn, to_store_tags, write_tags};

pub struct CreateVirtualMfaDevice {
    name: String,
    path: String,
    tags: Vec<Tag>,
}

pub struct Created {
    serial: String,
    seed: String,
    qr_code_png: Vec<u8>,
    tags: Vec<rolegate_store::Tag>,
}

impl Shape for Created {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("VirtualMFADevice", |w| {
            w.string("SerialNumber", &self.serial);
            // A blob member: the base32 seed text, base64-encoded on the wire.
            w.secret("Base32StringSeed", &STANDARD.encode(self.seed.as_bytes()));
            // A blob too: the PNG's bytes, base64-encoded. It holds the seed.
            w.secret("QRCodePNG", &STANDARD.encode(&self.qr_code_png));
            if !self.tags.is_empty() {
                write_tags(w, &self.tags);
            }
        });
    }
}

impl Output for Created {}

impl Operation for CreateVirtualMfaDevice {
    const NAME: &'static str = "CreateVirtualMFADevice";
    const SERVICE: Service = Service::Iam;
    type Output = Created;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("VirtualMFADeviceName", &model::iam::VIRTUAL_MFA_DEVICE_NAME),
            path: input.path("Path"),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Created, Error> {
        check_duplicate_tags(&self.tags)?;
        let serial = iam_arn(ctx, "mfa", &self.path, &self.name);
        ctx.authorize("iam:CreateVirtualMFADevice", &Resource::arn(serial.clone()))?;
        let seed = new_totp_seed()?;
        let account_name = ctx
            .store()
            .list_account_aliases(ctx.account_id())
            .await?
            .into_iter()
            .next()
            .unwrap_or_else(|| ctx.account_id().to_owned());
        let qr_code_png = qr_code::png(&qr_code::otpauth_uri(&self.name, &account_name, &seed))
            .map_err(Error::internal)?;
        let sealed = ctx.state.sealer.seal_secret(&seed, &serial)?;
        let device = MfaDevice {
            serial_number: serial.clone(),
            account_id: ctx.account_id().to_owned(),
            seed_sealed: sealed,
            user_name: None,
            enabled_at: None,
            last_used_step: None,
            created_at: ctx.facts.now,
        };
        ctx.store().create_mfa_device(&device).await?;
        let tags = to_store_tags(&self.tags);
        if !tags.is_empty() {
            let resource = Taggable::new(TaggableKind::MfaDevice, ctx.account_id(), &serial);
            ctx.store().tag(&resource, &tags).await?;
        }
        Ok(Created {
            serial,
            seed,
            qr_code_png,
            tags,
        })
    }
}
