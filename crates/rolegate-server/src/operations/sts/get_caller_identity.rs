//! `GetCallerIdentity`: who signed the request. Needs no permission and cannot be denied.

use rolegate_protocol::{Service, Shape, ShapeWriter};

use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

pub struct GetCallerIdentity;

pub struct Identity {
    user_id: String,
    account: String,
    arn: String,
}

impl Shape for Identity {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string("UserId", &self.user_id);
        w.string("Account", &self.account);
        w.string("Arn", &self.arn);
    }
}

impl Output for Identity {}

impl Operation for GetCallerIdentity {
    const NAME: &'static str = "GetCallerIdentity";
    const SERVICE: Service = Service::Sts;
    const READ_ONLY: bool = true;
    type Output = Identity;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Identity, Error> {
        let caller = ctx.caller;
        Ok(Identity {
            user_id: caller.user_id.clone(),
            account: caller.account.id.clone(),
            arn: caller.arn.clone(),
        })
    }
}
