//! `DeleteUserPolicy`, `DeleteGroupPolicy`, `DeleteRolePolicy`.

use std::marker::PhantomData;

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::EntityKind;

use super::authorized_identity;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::Holder;

pub struct DeletePolicy<K> {
    name: String,
    policy_name: String,
    kind: PhantomData<K>,
}

impl<K: Holder> Operation for DeletePolicy<K> {
    const NAME: &'static str = K::DELETE_POLICY;
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            policy_name: input.required("PolicyName", &model::iam::POLICY_NAME),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let action = format!("iam:{}", K::DELETE_POLICY);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, true).await?;
        ctx.store()
            .delete_inline_policy(&identity, &self.policy_name)
            .await
            .missing(EntityKind::InlinePolicy, || {
                AwsError::no_such_entity(texts::no_such_inline_policy(K::KIND, &self.policy_name))
            })?;
        Ok(NoResult)
    }
}
