//! `CreateUser`.

use rolegate_protocol::{Service, Tag, model};
use rolegate_store::{EntityKind, User};

use super::UserResult;
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::{Error, StoreResultExt as _};
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::roles::{boundary_missing, check_boundary};
use crate::operations::iam::{check_duplicate_tags, iam_arn, to_store_tags};

pub struct CreateUser {
    name: String,
    path: String,
    boundary: Option<String>,
    tags: Vec<Tag>,
}

impl Operation for CreateUser {
    const NAME: &'static str = "CreateUser";
    const SERVICE: Service = Service::Iam;
    type Output = UserResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("UserName", &model::iam::USER_NAME),
            path: input.path("Path"),
            boundary: input.optional("PermissionsBoundary", &model::iam::ARN),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<UserResult, Error> {
        check_duplicate_tags(&self.tags)?;
        let arn = iam_arn(ctx, "user", &self.path, &self.name);
        ctx.authorize("iam:CreateUser", &Resource::arn(arn))?;
        if let Some(arn) = &self.boundary {
            check_boundary(ctx, arn)?;
        }
        let user = User {
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            user_id: new_unique_id(Prefix::User, ctx.account_id())?,
            path: self.path,
            permissions_boundary: self.boundary,
            created_at: ctx.facts.now,
            tags: to_store_tags(&self.tags),
        };
        ctx.store()
            .create_user(&user)
            .await
            .missing(EntityKind::ManagedPolicy, || {
                boundary_missing(user.permissions_boundary.as_deref())
            })?;
        Ok(UserResult {
            user,
            partition: ctx.facts.partition,
        })
    }
}
