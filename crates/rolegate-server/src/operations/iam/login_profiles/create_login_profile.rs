//! `CreateLoginProfile`: gives a user a console password. One per user (the store's primary
//! key); the password must meet the policy, and is hashed before it is stored.

use rolegate_protocol::{Service, model};
use rolegate_store::{EntityKind, LoginProfile, StoreError};

use super::{
    LoginProfileResult, PASSWORD_WRITE_ATTEMPTS, PendingHash, RootProfile, account_policy,
    authorized_user, check_reuse, check_rules,
};
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation};

pub struct CreateLoginProfile {
    user: Option<String>,
    password: String,
    reset_required: bool,
}

impl Operation for CreateLoginProfile {
    const NAME: &'static str = "CreateLoginProfile";
    const SERVICE: Service = Service::Iam;
    type Output = LoginProfileResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            // Optional in the model only because an sts:AssumeRoot session must omit it; every
            // other caller must give one (Rolegate has no AssumeRoot sessions).
            password: input.required("Password", &model::iam::PASSWORD),
            reset_required: input
                .optional_bool("PasswordResetRequired")?
                .unwrap_or(false),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<LoginProfileResult, Error> {
        let user = authorized_user(
            ctx,
            "iam:CreateLoginProfile",
            self.user,
            RootProfile::MustName,
        )
        .await?;
        let account = ctx.account_id().to_owned();
        // Refused before any hashing when there already is one; the store decides for good.
        if ctx
            .store()
            .get_login_profile(&account, &user.name)
            .await
            .found()?
            .is_some()
        {
            return Err(StoreError::AlreadyExists {
                kind: EntityKind::LoginProfile,
                name: user.name,
            }
            .into());
        }
        let policy = account_policy(ctx).await?;
        check_rules(ctx, policy.as_ref(), &self.password)?;
        let mut hash = PendingHash::new(&self.password);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let guard = check_reuse(ctx, policy.as_ref(), &user.name, &self.password).await?;
            let profile = LoginProfile {
                account_id: account.clone(),
                user_name: user.name.clone(),
                password_hash: hash.get().await?,
                password_reset_required: self.reset_required,
                created_at: ctx.facts.now,
                password_changed_at: ctx.facts.now,
            };
            match ctx.store().create_login_profile(&profile, &guard).await {
                Ok(()) => return Ok(LoginProfileResult(profile)),
                Err(StoreError::Conflict { .. }) if attempt < PASSWORD_WRITE_ATTEMPTS => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}
