//! `GetUserPolicy`, `GetGroupPolicy`, `GetRolePolicy`: an inline policy's document.

use std::marker::PhantomData;

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};
use rolegate_store::EntityKind;

use super::authorized_identity;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::Holder;

pub struct GetPolicy<K> {
    name: String,
    policy_name: String,
    kind: PhantomData<K>,
}

pub struct InlinePolicy {
    /// `UserName`, `GroupName` or `RoleName`.
    member: &'static str,
    owner: String,
    policy_name: String,
    document: String,
}

impl Shape for InlinePolicy {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string(self.member, &self.owner);
        w.string("PolicyName", &self.policy_name);
        w.policy_document("PolicyDocument", &self.document);
    }
}

impl Output for InlinePolicy {}

impl<K: Holder> Operation for GetPolicy<K> {
    const NAME: &'static str = K::GET_POLICY;
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = InlinePolicy;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            policy_name: input.required("PolicyName", &model::iam::POLICY_NAME),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<InlinePolicy, Error> {
        let action = format!("iam:{}", K::GET_POLICY);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, false).await?;
        let document = ctx
            .store()
            .get_inline_policy(&identity, &self.policy_name)
            .await
            .missing(EntityKind::InlinePolicy, || {
                AwsError::no_such_entity(texts::no_such_inline_policy(K::KIND, &self.policy_name))
            })?;
        Ok(InlinePolicy {
            member: K::NAME_MEMBER,
            owner: identity.name,
            policy_name: self.policy_name,
            document,
        })
    }
}
