//! `GetAccessKeyInfo`: the account an access key belongs to, read from the key id itself
//! (AKIA/ASIA ids encode their account), falling back to the store for keys given their own
//! ids in a bootstrap file.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};

use crate::authorize::Resource;
use crate::credentials::account_of_access_key;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation, Output};

pub struct GetAccessKeyInfo {
    key_id: String,
}

pub struct KeyAccount(String);

impl Shape for KeyAccount {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string("Account", &self.0);
    }
}

impl Output for KeyAccount {}

impl Operation for GetAccessKeyInfo {
    const NAME: &'static str = "GetAccessKeyInfo";
    const SERVICE: Service = Service::Sts;
    const READ_ONLY: bool = true;
    type Output = KeyAccount;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            key_id: input.required("AccessKeyId", &model::sts::ACCESS_KEY_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<KeyAccount, Error> {
        ctx.authorize("sts:GetAccessKeyInfo", &Resource::arn("*"))?;
        let account = match account_of_access_key(&self.key_id) {
            Some(account) => account,
            // AWS answers for any syntactically valid id; an id never issued has no account.
            None => ctx
                .store()
                .get_access_key(&self.key_id)
                .await
                .found()?
                .map(|key| key.account_id)
                .ok_or_else(|| {
                    AwsError::invalid_parameter_value(format!(
                        "The access key ID {} is not valid.",
                        self.key_id
                    ))
                })?,
        };
        Ok(KeyAccount(account))
    }
}
