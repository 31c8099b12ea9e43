//! `GetUser`: a user, or without `UserName` the signing user (or, for a root, the root user).

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};
use time::OffsetDateTime;

use super::UserResult;
use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_resource;

pub struct GetUser {
    name: Option<String>,
}

/// A user, or the account's root user (which has no name, path or id of its own).
pub enum Got {
    User(UserResult),
    Root {
        account_id: String,
        arn: String,
        created_at: OffsetDateTime,
    },
}

impl Shape for Got {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        match self {
            Got::User(user) => user.write(w),
            Got::Root {
                account_id,
                arn,
                created_at,
            } => w.structure("User", |w| {
                w.string("UserId", account_id);
                w.string("Arn", arn);
                w.timestamp("CreateDate", *created_at);
            }),
        }
    }
}

impl Output for Got {}

impl Operation for GetUser {
    const NAME: &'static str = "GetUser";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Got;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Got, Error> {
        let name = match self.name.or_else(|| ctx.caller.user_name.clone()) {
            Some(name) => name,
            None if ctx.caller.is_root() => {
                let arn = ctx.caller.arn.clone();
                ctx.authorize("iam:GetUser", &Resource::arn(arn.clone()))?;
                return Ok(Got::Root {
                    account_id: ctx.account_id().to_owned(),
                    arn,
                    created_at: ctx.caller.account.created_at,
                });
            }
            None => return Err(AwsError::validation_error(texts::NON_USER_CREDENTIALS).into()),
        };
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &name)
            .await
            .found()?;
        ctx.authorize("iam:GetUser", &user_resource(ctx, &name, user.as_ref()))?;
        let user = user.ok_or_else(|| {
            super::super::no_such_identity(rolegate_store::IdentityKind::User, &name)
        })?;
        Ok(Got::User(UserResult {
            user,
            partition: ctx.facts.partition,
        }))
    }
}
