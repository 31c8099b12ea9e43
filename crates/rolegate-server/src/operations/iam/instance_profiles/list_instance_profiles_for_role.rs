//! `ListInstanceProfilesForRole`.

use rolegate_protocol::{Service, model};
use rolegate_store::IdentityKind;

use super::ProfileView;
use super::list_instance_profiles::Profiles;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::roles::find_role;
use crate::operations::iam::{Page, Paged, no_such_identity, role_resource};

pub struct ListInstanceProfilesForRole {
    role: String,
    page: Page,
}

impl Operation for ListInstanceProfilesForRole {
    const NAME: &'static str = "ListInstanceProfilesForRole";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Profiles;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            role: input.required("RoleName", &model::iam::ROLE_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Profiles, Error> {
        let role = find_role(ctx, &self.role).await?;
        ctx.authorize(
            "iam:ListInstanceProfilesForRole",
            &role_resource(ctx, &self.role, role.as_ref()),
        )?;
        if role.is_none() {
            return Err(no_such_identity(IdentityKind::Role, &self.role));
        }
        let profiles = ctx
            .store()
            .list_instance_profiles_for_role(ctx.account_id(), &self.role)
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
