//! `UpdateLoginProfile`: an administrator sets a user's password and/or whether it must be
//! reset at the next sign-in. A new password meets the policy like any other.

use rolegate_protocol::{Service, model};
use rolegate_store::{LoginProfileUpdate, NewPassword, StoreError};

use super::{
    PASSWORD_WRITE_ATTEMPTS, PendingHash, RootProfile, account_policy, authorized_user,
    check_reuse, check_rules,
};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct UpdateLoginProfile {
    user: String,
    password: Option<String>,
    /// `booleanObjectType`: omitted leaves the flag as it is.
    reset_required: Option<bool>,
}

impl Operation for UpdateLoginProfile {
    const NAME: &'static str = "UpdateLoginProfile";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            password: input.optional("Password", &model::iam::PASSWORD),
            reset_required: input.optional_bool("PasswordResetRequired")?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = authorized_user(
            ctx,
            "iam:UpdateLoginProfile",
            Some(self.user),
            RootProfile::MustName,
        )
        .await?;
        let account = ctx.account_id().to_owned();
        let Some(password) = self.password else {
            let update = LoginProfileUpdate {
                password: None,
                password_reset_required: self.reset_required,
            };
            ctx.store()
                .update_login_profile(&account, &user.name, &update)
                .await?;
            return Ok(NoResult);
        };
        // A user without a console password is told so before its new one is judged.
        ctx.store().get_login_profile(&account, &user.name).await?;
        let policy = account_policy(ctx).await?;
        check_rules(ctx, policy.as_ref(), &password)?;
        let mut hash = PendingHash::new(&password);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let guard = check_reuse(ctx, policy.as_ref(), &user.name, &password).await?;
            let update = LoginProfileUpdate {
                password: Some(NewPassword {
                    hash: hash.get().await?,
                    at: ctx.facts.now,
                    guard,
                }),
                password_reset_required: self.reset_required,
            };
            match ctx
                .store()
                .update_login_profile(&account, &user.name, &update)
                .await
            {
                Ok(()) => return Ok(NoResult),
                Err(StoreError::Conflict { .. }) if attempt < PASSWORD_WRITE_ATTEMPTS => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}
