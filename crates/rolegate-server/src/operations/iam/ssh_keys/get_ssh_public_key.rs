//! `GetSSHPublicKey`: the key in SSH (`ssh-rsa …`) or PEM (`-----BEGIN PUBLIC KEY-----`)
//! encoding.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, StringRule, model};
use rolegate_store::SshPublicKey;

use super::write_key;
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_credentials::authorized_user;
use crate::pki::ssh;

pub struct GetSshPublicKey {
    user: String,
    id: String,
    encoding: String,
}

pub struct Found {
    key: SshPublicKey,
    body: String,
}

impl Shape for Found {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("SSHPublicKey", |w| write_key(w, &self.key, &self.body));
    }
}

impl Output for Found {}

impl Operation for GetSshPublicKey {
    const NAME: &'static str = "GetSSHPublicKey";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Found;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            id: input.required("SSHPublicKeyId", &model::iam::PUBLIC_KEY_ID),
            // An encoding outside the enumeration is AWS's UnrecognizedPublicKeyEncoding, not
            // a validation clause (the model lists the error for this action).
            encoding: input.required("Encoding", &StringRule::ANY),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Found, Error> {
        let user = authorized_user(ctx, "iam:GetSSHPublicKey", &self.user).await?;
        if !model::iam::ENCODING_VALUES.contains(&self.encoding.as_str()) {
            return Err(
                AwsError::unrecognized_public_key_encoding(texts::UNRECOGNIZED_ENCODING).into(),
            );
        }
        let key = ctx
            .store()
            .get_ssh_public_key(ctx.account_id(), &user, &self.id)
            .await?;
        let body = if self.encoding == "PEM" {
            ssh::SshPublicKey::parse(&key.body)
                .and_then(|k| k.to_pem())
                .map_err(Error::internal)?
        } else {
            key.body.clone()
        };
        Ok(Found { key, body })
    }
}
