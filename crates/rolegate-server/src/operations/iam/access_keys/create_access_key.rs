//! `CreateAccessKey`: the only time the secret is shown (never in the audit log).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{AccessKey, KeyStatus};

use super::{authorized_owner, owner_name};
use crate::credentials::{new_access_key_id, new_secret_access_key};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

pub struct CreateAccessKey {
    user: Option<String>,
}

pub struct Created {
    key: AccessKey,
    secret: String,
}

impl Shape for Created {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("AccessKey", |w| {
            w.optional("UserName", owner_name(&self.key.owner));
            w.string("AccessKeyId", &self.key.access_key_id);
            w.string("Status", self.key.status.as_str());
            w.secret("SecretAccessKey", &self.secret);
            w.timestamp("CreateDate", self.key.created_at);
        });
    }
}

impl Output for Created {}

impl Operation for CreateAccessKey {
    const NAME: &'static str = "CreateAccessKey";
    const SERVICE: Service = Service::Iam;
    type Output = Created;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Created, Error> {
        let owner = authorized_owner(ctx, "iam:CreateAccessKey", self.user).await?;
        let account = ctx.account_id().to_owned();
        let id = new_access_key_id(&account)?;
        let secret = new_secret_access_key()?;
        let sealed = ctx.state.sealer.seal_secret(&secret, &id)?;
        let key = AccessKey {
            access_key_id: id,
            account_id: account,
            owner,
            secret_sealed: sealed,
            status: KeyStatus::Active,
            created_at: ctx.facts.now,
        };
        ctx.store().create_access_key(&key).await?;
        Ok(Created { key, secret })
    }
}
