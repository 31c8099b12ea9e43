//! `DeleteLoginProfile`: takes a user's console password away (its access keys are untouched;
//! the password history stays for reuse prevention).

use rolegate_protocol::{Service, model};

use super::{RootProfile, authorized_user};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteLoginProfile {
    user: Option<String>,
}

impl Operation for DeleteLoginProfile {
    const NAME: &'static str = "DeleteLoginProfile";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = authorized_user(
            ctx,
            "iam:DeleteLoginProfile",
            self.user,
            RootProfile::Missing,
        )
        .await?;
        ctx.store()
            .delete_login_profile(ctx.account_id(), &user.name)
            .await?;
        Ok(NoResult)
    }
}
