//! `GetLoginProfile`: whether a user has a console password, and since when (never the
//! password or its hash).

use rolegate_protocol::{Service, model};

use super::{LoginProfileResult, RootProfile, authorized_user};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};

pub struct GetLoginProfile {
    user: Option<String>,
}

impl Operation for GetLoginProfile {
    const NAME: &'static str = "GetLoginProfile";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = LoginProfileResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<LoginProfileResult, Error> {
        let user =
            authorized_user(ctx, "iam:GetLoginProfile", self.user, RootProfile::Missing).await?;
        let profile = ctx
            .store()
            .get_login_profile(ctx.account_id(), &user.name)
            .await?;
        Ok(LoginProfileResult(profile))
    }
}
