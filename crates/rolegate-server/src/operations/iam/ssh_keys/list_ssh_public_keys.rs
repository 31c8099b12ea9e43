//! `ListSSHPublicKeys`: metadata only (no body, no fingerprint). Without `UserName`, the
//! signing user's keys; the account root has none.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::SshPublicKey;

use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_credentials::holder;
use crate::operations::iam::{Page, Paged};

pub struct ListSshPublicKeys {
    user: Option<String>,
    page: Page,
}

pub struct Keys(Paged<SshPublicKey>);

impl Shape for Keys {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0.write(w, "SSHPublicKeys", |w, key| {
            w.string("UserName", &key.user_name);
            w.string("SSHPublicKeyId", &key.key_id);
            w.string("Status", key.status.as_str());
            w.timestamp("UploadDate", key.uploaded_at);
        });
    }
}

impl Output for Keys {}

impl Operation for ListSshPublicKeys {
    const NAME: &'static str = "ListSSHPublicKeys";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Keys;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Keys, Error> {
        let keys = match holder(ctx, "iam:ListSSHPublicKeys", self.user).await? {
            Some(user) => {
                ctx.store()
                    .list_ssh_public_keys(ctx.account_id(), &user)
                    .await?
            }
            None => Vec::new(),
        };
        Ok(Keys(self.page.of(keys)))
    }
}
