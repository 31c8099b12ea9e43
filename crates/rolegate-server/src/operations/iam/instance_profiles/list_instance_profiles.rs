//! `ListInstanceProfiles` (without tags, as AWS lists them).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_types::Partition;

use super::{ProfileView, write_profile};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListInstanceProfiles {
    prefix: Option<String>,
    page: Page,
}

/// `InstanceProfiles`, also ListInstanceProfilesForRole's result.
pub struct Profiles {
    pub profiles: Paged<ProfileView>,
    pub partition: Partition,
}

impl Shape for Profiles {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.profiles.write(w, "InstanceProfiles", |w, view| {
            write_profile(w, view, self.partition, false)
        });
    }
}

impl Output for Profiles {}

impl Operation for ListInstanceProfiles {
    const NAME: &'static str = "ListInstanceProfiles";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Profiles;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Profiles, Error> {
        ctx.authorize(
            "iam:ListInstanceProfiles",
            &listing_resource(ctx, "instance-profile", self.prefix.as_deref()),
        )?;
        let profiles = ctx
            .store()
            .list_instance_profiles(ctx.account_id(), self.prefix.as_deref())
            .await?;
        let paged = self.page.of(profiles);
        let mut views = Vec::with_capacity(paged.items.len());
        for profile in paged.items {
            views.push(ProfileView::of(ctx, profile).await?);
        }
        Ok(Profiles {
            profiles: Paged {
                items: views,
                next: paged.next,
            },
            partition: ctx.facts.partition,
        })
    }
}
