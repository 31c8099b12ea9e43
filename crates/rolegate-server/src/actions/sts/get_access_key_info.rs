//! `GetAccessKeyInfo`: the account an access key belongs to, read from the key id itself
//! (AKIA/ASIA ids encode their account), falling back to the store for keys given their own
//! ids in a bootstrap file.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};

use crate::actions::Ctx;
use crate::credentials::account_of_access_key;

pub async fn handle(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Sts);
    let key_id = v
        .required(params, "AccessKeyId", &model::sts::ACCESS_KEY_ID)
        .unwrap_or_default()
        .to_owned();
    v.check()?;
    ctx.authorize("sts:GetAccessKeyInfo", "*")?;
    let account = match account_of_access_key(&key_id) {
        Some(account) => account,
        None => match ctx.state.store.get_access_key(&key_id).await {
            Ok(key) => key.account_id,
            // AWS answers for any syntactically valid id; an id we never issued has no account.
            Err(rolegate_store::StoreError::NotFound { .. }) => {
                return Err(AwsError::invalid_parameter_value(format!(
                    "The access key ID {key_id} is not valid."
                )));
            }
            Err(e) => return Err(crate::respond::internal(&e)),
        },
    };
    ctx.respond(|w| w.element("Account", &account))
}
