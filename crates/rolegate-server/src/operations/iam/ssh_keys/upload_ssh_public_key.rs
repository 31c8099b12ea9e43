//! `UploadSSHPublicKey`: the key is parsed and checked, stored in its canonical SSH form (the
//! comment dropped, as AWS does), and returned that way.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{KeyStatus, SshPublicKey};

use super::write_key;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_credentials::authorized_user;
use crate::pki::ssh;

pub struct UploadSshPublicKey {
    user: String,
    body: String,
}

pub struct Uploaded(SshPublicKey);

impl Shape for Uploaded {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("SSHPublicKey", |w| write_key(w, &self.0, &self.0.body));
    }
}

impl Output for Uploaded {}

impl Operation for UploadSshPublicKey {
    const NAME: &'static str = "UploadSSHPublicKey";
    const SERVICE: Service = Service::Iam;
    type Output = Uploaded;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            body: input.required("SSHPublicKeyBody", &model::iam::PUBLIC_KEY_MATERIAL),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Uploaded, Error> {
        let user = authorized_user(ctx, "iam:UploadSSHPublicKey", &self.user).await?;
        let parsed = ssh::SshPublicKey::parse(&self.body)?;
        let key = SshPublicKey {
            account_id: ctx.account_id().to_owned(),
            user_name: user,
            key_id: new_unique_id(Prefix::PublicKey, ctx.account_id())?,
            fingerprint: parsed.fingerprint(),
            body: parsed.to_ssh(),
            status: KeyStatus::Active,
            uploaded_at: ctx.facts.now,
        };
        ctx.store().upload_ssh_public_key(&key).await?;
        Ok(Uploaded(key))
    }
}
