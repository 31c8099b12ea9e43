//! `UpdateAccountPasswordPolicy`: sets the whole policy; every member left out goes back to its
//! default (no partial updates, as the model documents). New length and character rules apply
//! from the next password set; a new `MaxPasswordAge` at once.

use rolegate_protocol::{Service, model};
use rolegate_store::PasswordPolicy;

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct UpdateAccountPasswordPolicy {
    policy: PasswordPolicy,
}

/// A model-checked integer member as the policy keeps it (the ranges are all positive).
fn positive(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

impl Operation for UpdateAccountPasswordPolicy {
    const NAME: &'static str = "UpdateAccountPasswordPolicy";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        let defaults = PasswordPolicy::default();
        let length = input.optional_i32(
            "MinimumPasswordLength",
            &model::iam::MINIMUM_PASSWORD_LENGTH,
        )?;
        let require_symbols = input.optional_bool("RequireSymbols")?;
        let require_numbers = input.optional_bool("RequireNumbers")?;
        let require_uppercase = input.optional_bool("RequireUppercaseCharacters")?;
        let require_lowercase = input.optional_bool("RequireLowercaseCharacters")?;
        let allow_change = input.optional_bool("AllowUsersToChangePassword")?;
        let max_age = input.optional_i32("MaxPasswordAge", &model::iam::MAX_PASSWORD_AGE)?;
        let reuse = input.optional_i32(
            "PasswordReusePrevention",
            &model::iam::PASSWORD_REUSE_PREVENTION,
        )?;
        let hard_expiry = input.optional_bool("HardExpiry")?;
        Ok(Self {
            policy: PasswordPolicy {
                minimum_password_length: positive(length)
                    .unwrap_or(defaults.minimum_password_length),
                require_symbols: require_symbols.unwrap_or(defaults.require_symbols),
                require_numbers: require_numbers.unwrap_or(defaults.require_numbers),
                require_uppercase_characters: require_uppercase
                    .unwrap_or(defaults.require_uppercase_characters),
                require_lowercase_characters: require_lowercase
                    .unwrap_or(defaults.require_lowercase_characters),
                allow_users_to_change_password: allow_change
                    .unwrap_or(defaults.allow_users_to_change_password),
                max_password_age: positive(max_age),
                password_reuse_prevention: positive(reuse),
                hard_expiry: hard_expiry.unwrap_or(defaults.hard_expiry),
            },
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        ctx.authorize("iam:UpdateAccountPasswordPolicy", &Resource::arn("*"))?;
        ctx.store()
            .set_password_policy(ctx.account_id(), &self.policy)
            .await?;
        Ok(NoResult)
    }
}
