//! `ChangePassword`: an IAM user changes its own console password, proving the old one. Only
//! IAM users may (roots, role sessions and services get `InvalidUserType`). With the policy's
//! `AllowUsersToChangePassword`, IAM grants it to every user on itself without an identity
//! policy. A new password clears `PasswordResetRequired`; under `HardExpiry` an expired one can
//! only be reset by an administrator (UpdateLoginProfile).

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::{
    EntityKind, IdentityKind, LoginProfileUpdate, NewPassword, PasswordGuard, StoreError,
};

use super::{
    PASSWORD_WRITE_ATTEMPTS, PendingHash, account_policy, check_reuse, check_rules,
    policy_violation,
};
use crate::authenticate::CallerKind;
use crate::credentials::password;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct ChangePassword {
    old: String,
    new: String,
}

impl Operation for ChangePassword {
    const NAME: &'static str = "ChangePassword";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            old: input.required("OldPassword", &model::iam::PASSWORD),
            new: input.required("NewPassword", &model::iam::PASSWORD),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        // An IAM user's own key, or its GetSessionToken session: the caller is the user.
        let name = match (ctx.caller.kind, &ctx.caller.user_name) {
            (CallerKind::User | CallerKind::UserSession, Some(name)) => name.clone(),
            _ => return Err(AwsError::invalid_user_type(texts::NOT_AN_IAM_USER).into()),
        };
        let account = ctx.account_id().to_owned();
        let user = ctx.store().get_user(&account, &name).await.found()?;
        let policy = account_policy(ctx).await?;
        let granted = policy
            .as_ref()
            .is_some_and(|p| p.allow_users_to_change_password);
        ctx.authorize_granted(
            "iam:ChangePassword",
            &user_resource(ctx, &name, user.as_ref()),
            granted,
        )?;
        let user = user.ok_or_else(|| no_such_identity(IdentityKind::User, &name))?;
        let mut hash = PendingHash::new(&self.new);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let profile = ctx.store().get_login_profile(&account, &user.name).await?;
            if !password::verify(&self.old, &profile.password_hash).await? {
                return Err(AwsError::access_denied(texts::WRONG_OLD_PASSWORD).into());
            }
            if policy.as_ref().is_some_and(|p| p.hard_expiry)
                && password::expired(policy.as_ref(), &profile, ctx.facts.now)
            {
                return Err(policy_violation());
            }
            check_rules(ctx, policy.as_ref(), &self.new)?;
            // Written only while the password just verified is still the current one (which
            // also keeps the reuse check, made against the same history, true).
            let guard = check_reuse(ctx, policy.as_ref(), &user.name, &self.new).await?;
            if let PasswordGuard::Latest(latest) = guard
                && latest.as_ref() != Some(&profile.password_hash)
            {
                if attempt < PASSWORD_WRITE_ATTEMPTS {
                    continue;
                }
                return Err(StoreError::Conflict {
                    kind: EntityKind::LoginProfile,
                    name: user.name,
                    reason: "the password changed while it was being checked",
                }
                .into());
            }
            let update = LoginProfileUpdate {
                password: Some(NewPassword {
                    hash: hash.get().await?,
                    at: ctx.facts.now,
                    guard: PasswordGuard::Latest(Some(profile.password_hash)),
                }),
                password_reset_required: Some(false),
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
