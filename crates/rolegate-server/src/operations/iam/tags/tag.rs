//! `TagUser`, `TagRole`, `TagPolicy`, `TagInstanceProfile`, `TagMFADevice`, `TagServerCertificate`.

use std::marker::PhantomData;

use rolegate_protocol::{Service, Tag};

use super::{TagKind, stored};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::{check_duplicate_tags, to_store_tags};

pub struct TagResource<K> {
    name: String,
    tags: Vec<Tag>,
    kind: PhantomData<K>,
}

impl<K: TagKind> Operation for TagResource<K> {
    const NAME: &'static str = K::TAG;
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::MEMBER, &K::RULE),
            tags: input.required_tags(),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        check_duplicate_tags(&self.tags)?;
        let (resource, found) = K::find(ctx, &self.name).await?;
        ctx.authorize(&format!("iam:{}", K::TAG), &resource)?;
        let found = stored::<K>(found, &self.name)?;
        ctx.store().tag(&found, &to_store_tags(&self.tags)).await?;
        Ok(NoResult)
    }
}
