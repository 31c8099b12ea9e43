//! `AttachUserPolicy`, `AttachGroupPolicy`, `AttachRolePolicy`: a customer policy of the
//! account or an AWS-managed one; AWS's service-role policies attach only to service-linked
//! roles. Attaching twice changes nothing; the quota is kept by the store.

use std::marker::PhantomData;

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::EntityKind;

use super::{authorized_identity, check_policy_arn};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::Holder;

pub struct AttachPolicy<K> {
    name: String,
    arn: String,
    kind: PhantomData<K>,
}

impl<K: Holder> Operation for AttachPolicy<K> {
    const NAME: &'static str = K::ATTACH_POLICY;
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
        let parsed = check_policy_arn(ctx, &self.arn)?;
        let action = format!("iam:{}", K::ATTACH_POLICY);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, true).await?;
        let missing = || AwsError::no_such_entity(texts::no_such_policy(&self.arn));
        if parsed.account == "aws" {
            let policy = rolegate_catalog::managed_policy_by_arn(&self.arn).ok_or_else(missing)?;
            if !policy.is_attachable() {
                return Err(AwsError::policy_not_attachable(texts::SERVICE_ROLE_POLICY).into());
            }
        } else if parsed.account != ctx.account_id() {
            // Another account's policy does not exist for this one.
            return Err(missing().into());
        }
        ctx.store()
            .attach_policy(&identity, &self.arn)
            .await
            .missing(EntityKind::ManagedPolicy, missing)?;
        Ok(NoResult)
    }
}
