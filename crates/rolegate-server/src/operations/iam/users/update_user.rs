//! `UpdateUser`: a new name or path; everything the user owns follows it.

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::{IdentityKind, Rename, StoreError};

use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, EmptyResult, Input, Operation};
use crate::operations::iam::{no_such_identity, user_resource};

pub struct UpdateUser {
    name: String,
    new_name: Option<String>,
    new_path: Option<String>,
}

impl Operation for UpdateUser {
    const NAME: &'static str = "UpdateUser";
    const SERVICE: Service = Service::Iam;
    type Output = EmptyResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("UserName", &model::iam::EXISTING_USER_NAME),
            new_name: input.optional("NewUserName", &model::iam::USER_NAME),
            new_path: input.optional_path("NewPath"),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<EmptyResult, Error> {
        let user = ctx
            .store()
            .get_user(ctx.account_id(), &self.name)
            .await
            .found()?;
        ctx.authorize(
            "iam:UpdateUser",
            &user_resource(ctx, &self.name, user.as_ref()),
        )?;
        if user.is_none() {
            return Err(no_such_identity(IdentityKind::User, &self.name));
        }
        let update = Rename {
            new_name: self.new_name,
            new_path: self.new_path,
        };
        match ctx
            .store()
            .update_user(ctx.account_id(), &self.name, &update)
            .await
        {
            // A rename onto a taken name: the text names the taken one.
            Err(StoreError::AlreadyExists { name, .. }) => Err(AwsError::entity_already_exists(
                texts::already_exists(rolegate_store::EntityKind::User, &name).unwrap_or_default(),
            )
            .into()),
            other => other.map_err(Error::from),
        }?;
        Ok(EmptyResult)
    }
}
