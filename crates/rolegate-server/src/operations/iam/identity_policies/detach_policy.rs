//! `DetachUserPolicy`, `DetachGroupPolicy`, `DetachRolePolicy`.

use std::marker::PhantomData;

use rolegate_protocol::{Service, model};

use super::{authorized_identity, check_policy_arn};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::Holder;

pub struct DetachPolicy<K> {
    name: String,
    arn: String,
    kind: PhantomData<K>,
}

impl<K: Holder> Operation for DetachPolicy<K> {
    const NAME: &'static str = K::DETACH_POLICY;
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            arn: input.required("PolicyArn", &model::iam::ARN),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        check_policy_arn(ctx, &self.arn)?;
        let action = format!("iam:{}", K::DETACH_POLICY);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, true).await?;
        // Not attached: `Policy <arn> was not found.` (the table's text for it).
        ctx.store().detach_policy(&identity, &self.arn).await?;
        Ok(NoResult)
    }
}
