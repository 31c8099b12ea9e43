//! `PutUserPolicy`, `PutGroupPolicy`, `PutRolePolicy`: creates or replaces an inline policy.

use std::marker::PhantomData;

use rolegate_protocol::{Service, model};

use super::authorized_identity;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{Holder, check_identity_policy, policy_size};

pub struct PutPolicy<K> {
    name: String,
    policy_name: String,
    document: String,
    kind: PhantomData<K>,
}

impl<K: Holder> Operation for PutPolicy<K> {
    const NAME: &'static str = K::PUT_POLICY;
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            policy_name: input.required("PolicyName", &model::iam::POLICY_NAME),
            document: input.required("PolicyDocument", &model::iam::POLICY_DOCUMENT),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let action = format!("iam:{}", K::PUT_POLICY);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, true).await?;
        check_identity_policy(ctx, &self.document)?;
        ctx.store()
            .put_inline_policy(&identity, &self.policy_name, &self.document, policy_size)
            .await?;
        Ok(NoResult)
    }
}
