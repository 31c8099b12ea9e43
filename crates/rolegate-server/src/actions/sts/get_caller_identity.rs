//! `GetCallerIdentity`: who signed the request. Needs no permission and cannot be denied.

use rolegate_protocol::{AwsError, QueryMap};

use crate::actions::Ctx;

pub async fn handle(ctx: &mut Ctx<'_>, _params: &QueryMap) -> Result<String, AwsError> {
    let caller = ctx.caller;
    ctx.respond(|w| {
        w.element("UserId", &caller.user_id);
        w.element("Account", &caller.account.id);
        w.element("Arn", &caller.arn);
    })
}
