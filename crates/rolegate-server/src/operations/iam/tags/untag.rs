//! `UntagUser`, `UntagRole`, `UntagPolicy`, `UntagInstanceProfile`, `UntagMFADevice`, `UntagServerCertificate`.

use std::marker::PhantomData;

use rolegate_protocol::Service;

use super::{TagKind, stored};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct UntagResource<K> {
    name: String,
    keys: Vec<String>,
    kind: PhantomData<K>,
}

impl<K: TagKind> Operation for UntagResource<K> {
    const NAME: &'static str = K::UNTAG;
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::MEMBER, &K::RULE),
            keys: input.tag_keys(),
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let (resource, found) = K::find(ctx, &self.name).await?;
        ctx.authorize(&format!("iam:{}", K::UNTAG), &resource)?;
        let found = stored::<K>(found, &self.name)?;
        ctx.store().untag(&found, &self.keys).await?;
        Ok(NoResult)
    }
}
