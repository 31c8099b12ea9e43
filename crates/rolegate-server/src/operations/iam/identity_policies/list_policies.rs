//! `ListUserPolicies`, `ListGroupPolicies`, `ListRolePolicies`: inline policy names.

use std::marker::PhantomData;

use rolegate_protocol::{Service, Shape, ShapeWriter};

use super::authorized_identity;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Holder, Page, Paged};

pub struct ListPolicies<K> {
    name: String,
    page: Page,
    kind: PhantomData<K>,
}

pub struct PolicyNames(Paged<String>);

impl Shape for PolicyNames {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.strings("PolicyNames", &self.0.items);
        self.0.write_end(w);
    }
}

impl Output for PolicyNames {}

impl<K: Holder> Operation for ListPolicies<K> {
    const NAME: &'static str = K::LIST_POLICIES;
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = PolicyNames;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            page: Page::parse(input)?,
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<PolicyNames, Error> {
        let action = format!("iam:{}", K::LIST_POLICIES);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, false).await?;
        let names = ctx
            .store()
            .list_inline_policies(&identity)
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        Ok(PolicyNames(self.page.of(names)))
    }
}
