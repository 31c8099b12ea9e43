//! Console passwords (login profiles) and ChangePassword, one file per action. A new password
//! must meet the account password policy (AWS's default one when none is set) and, when the
//! policy asks, differ from the user's recent ones; it is hashed (Argon2id) before it reaches
//! the store and is never written to a response or the log. The checks take time (each
//! comparison with an old password is a hash), so they run before the store's transaction, and
//! the write is guarded: if another password was set in between, the checks run again.

pub mod change_password;
pub mod create_login_profile;
pub mod delete_login_profile;
pub mod get_login_profile;
pub mod update_login_profile;

use rolegate_protocol::{AwsError, ShapeWriter};
use rolegate_store::{IdentityKind, LoginProfile, PasswordGuard, PasswordPolicy, User};

use crate::authorize::Resource;
use crate::credentials::password;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::Ctx;
use crate::operations::iam::{no_such_identity, user_resource};

/// How often a password write is tried again when another one got in between its checks and
/// its write. Each retry means someone else's write succeeded, so this bounds only how long one
/// caller waits behind others, never whether the state stays right.
pub const PASSWORD_WRITE_ATTEMPTS: usize = 8;

/// `LoginProfile`: the same three members wherever AWS writes one.
pub fn write_login_profile(w: &mut impl ShapeWriter, profile: &LoginProfile) {
    w.string("UserName", &profile.user_name);
    w.timestamp("CreateDate", profile.created_at);
    w.boolean("PasswordResetRequired", profile.password_reset_required);
}

/// `LoginProfile` as the result member of CreateLoginProfile and GetLoginProfile.
pub struct LoginProfileResult(pub LoginProfile);

impl rolegate_protocol::Shape for LoginProfileResult {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("LoginProfile", |w| write_login_profile(w, &self.0));
    }
}

impl crate::operation::Output for LoginProfileResult {}

/// What an action without `UserName` does for an account root: the root's own console password
/// is not modelled in Rolegate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RootProfile {
    /// Read or delete: there is none (`Login Profile for User null cannot be found.`, AWS's
    /// answer to a root without a console password).
    Missing,
    /// Create: the root must name a user.
    MustName,
}

/// The user an action acts on: `given`, or the signing user; authorized for `action` on it,
/// and existing. Role sessions and other non-user callers must name one.
pub async fn authorized_user(
    ctx: &mut Ctx<'_>,
    action: &str,
    given: Option<String>,
    root: RootProfile,
) -> Result<User, Error> {
    let name = match given.or_else(|| ctx.caller.user_name.clone()) {
        Some(name) => name,
        None if ctx.caller.is_root() && root == RootProfile::Missing => {
            let arn = ctx.caller.arn.clone();
            ctx.authorize(action, &Resource::arn(arn))?;
            return Err(AwsError::no_such_entity(texts::no_such_login_profile("null")).into());
        }
        None => return Err(AwsError::validation_error(texts::NON_USER_CREDENTIALS).into()),
    };
    let user = ctx
        .store()
        .get_user(ctx.account_id(), &name)
        .await
        .found()?;
    ctx.authorize(action, &user_resource(ctx, &name, user.as_ref()))?;
    user.ok_or_else(|| no_such_identity(IdentityKind::User, &name))
}

/// The account's password policy, if one is set.
pub async fn account_policy(ctx: &Ctx<'_>) -> Result<Option<PasswordPolicy>, Error> {
    ctx.store()
        .get_password_policy(ctx.account_id())
        .await
        .found()
}

pub fn policy_violation() -> Error {
    AwsError::password_policy_violation(texts::PASSWORD_POLICY_VIOLATION).into()
}

/// Refuses a password the policy's length and character rules do not accept.
pub fn check_rules(
    ctx: &Ctx<'_>,
    policy: Option<&PasswordPolicy>,
    password: &str,
) -> Result<(), Error> {
    if password::conforms(policy, password, &ctx.caller.account.name) {
        Ok(())
    } else {
        Err(policy_violation())
    }
}

/// Refuses a password that is one of the user's last `PasswordReusePrevention` passwords, and
/// returns the guard under which that check holds: the head of the history it read (nothing to
/// guard when the policy does not ask).
pub async fn check_reuse(
    ctx: &Ctx<'_>,
    policy: Option<&PasswordPolicy>,
    user_name: &str,
    password: &str,
) -> Result<PasswordGuard, Error> {
    let Some(count) = policy.and_then(|p| p.password_reuse_prevention) else {
        return Ok(PasswordGuard::Unconditional);
    };
    let limit = usize::try_from(count).unwrap_or(usize::MAX);
    let history = ctx
        .store()
        .password_history(ctx.account_id(), user_name, limit)
        .await?;
    let latest = history.first().cloned();
    if password::matches_any(password, history).await? {
        return Err(policy_violation());
    }
    Ok(PasswordGuard::Latest(latest))
}

/// Hashes `password` once, however often its write is tried.
pub struct PendingHash<'p> {
    password: &'p str,
    hash: Option<String>,
}

impl<'p> PendingHash<'p> {
    pub fn new(password: &'p str) -> Self {
        Self {
            password,
            hash: None,
        }
    }

    pub async fn get(&mut self) -> Result<String, Error> {
        if let Some(hash) = &self.hash {
            return Ok(hash.clone());
        }
        let hash = password::hash(self.password).await?;
        self.hash = Some(hash.clone());
        Ok(hash)
    }
}
