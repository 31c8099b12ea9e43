//! `GetAccountPasswordPolicy`.

use rolegate_protocol::{Service, Shape, ShapeWriter};
use rolegate_store::{EntityKind, PasswordPolicy, StoreError};

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::login_profiles::account_policy;

pub struct GetAccountPasswordPolicy;

pub struct Policy(PasswordPolicy);

/// The model's member order. `MaxPasswordAge` and `PasswordReusePrevention` appear only when
/// set; `HardExpiry` always (as a real `get-account-password-policy` shows them).
impl Shape for Policy {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        let p = &self.0;
        w.structure("PasswordPolicy", |w| {
            w.number(
                "MinimumPasswordLength",
                i64::from(p.minimum_password_length),
            );
            w.boolean("RequireSymbols", p.require_symbols);
            w.boolean("RequireNumbers", p.require_numbers);
            w.boolean("RequireUppercaseCharacters", p.require_uppercase_characters);
            w.boolean("RequireLowercaseCharacters", p.require_lowercase_characters);
            w.boolean(
                "AllowUsersToChangePassword",
                p.allow_users_to_change_password,
            );
            w.boolean("ExpirePasswords", p.max_password_age.is_some());
            if let Some(days) = p.max_password_age {
                w.number("MaxPasswordAge", i64::from(days));
            }
            if let Some(count) = p.password_reuse_prevention {
                w.number("PasswordReusePrevention", i64::from(count));
            }
            w.boolean("HardExpiry", p.hard_expiry);
        });
    }
}

impl Output for Policy {}

impl Operation for GetAccountPasswordPolicy {
    const NAME: &'static str = "GetAccountPasswordPolicy";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Policy;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Policy, Error> {
        let policy = account_policy(ctx).await?;
        // Users allowed to change their own password may read the policy they must meet.
        let granted = ctx.caller.user_name.is_some()
            && policy
                .as_ref()
                .is_some_and(|p| p.allow_users_to_change_password);
        ctx.authorize_granted("iam:GetAccountPasswordPolicy", &Resource::arn("*"), granted)?;
        let policy = policy.ok_or_else(|| StoreError::NotFound {
            kind: EntityKind::PasswordPolicy,
            name: ctx.account_id().to_owned(),
        })?;
        Ok(Policy(policy))
    }
}
