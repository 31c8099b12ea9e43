//! `ListUserTags`, `ListRoleTags`, `ListPolicyTags`, `ListInstanceProfileTags`,
//! `ListMFADeviceTags`, `ListServerCertificateTags`.

use std::marker::PhantomData;

use rolegate_protocol::{Service, Shape, ShapeWriter};

use super::{Found, TagKind, missing};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged};

pub struct ListResourceTags<K> {
    name: String,
    page: Page,
    kind: PhantomData<K>,
}

pub struct TagList(Paged<rolegate_store::Tag>);

impl Shape for TagList {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0.write(w, "Tags", |w, tag| {
            w.string("Key", &tag.key);
            w.string("Value", &tag.value);
        });
    }
}

impl Output for TagList {}

impl<K: TagKind> Operation for ListResourceTags<K> {
    const NAME: &'static str = K::LIST;
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = TagList;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::MEMBER, &K::RULE),
            page: Page::parse(input)?,
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<TagList, Error> {
        let (resource, found) = K::find(ctx, &self.name).await?;
        ctx.authorize(&format!("iam:{}", K::LIST), &resource)?;
        let tags = match found {
            Found::Stored(taggable) => ctx.store().list_tags(&taggable).await?,
            Found::Untagged => Vec::new(),
            Found::Missing => return Err(missing::<K>(&self.name)),
        };
        Ok(TagList(self.page.of(tags)))
    }
}
