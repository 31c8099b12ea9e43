//! `ListEntitiesForPolicy`: the users, groups and roles of the account that use a managed
//! policy, as a permissions policy, as a boundary (`PolicyUsageFilter`) or either. The three
//! lists are paged together, users first.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{EntityRef, PolicyUsage};

use super::list_policies::usage_filter;
use super::{find_policy, policy_missing, policy_resource};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged};

pub struct ListEntitiesForPolicy {
    arn: String,
    filter: Option<String>,
    prefix: Option<String>,
    usage: Option<PolicyUsage>,
    page: Page,
}

/// One entity of the combined listing.
pub enum Entity {
    User(EntityRef),
    Group(EntityRef),
    Role(EntityRef),
}

pub struct Entities(Paged<Entity>);

impl Shape for Entities {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        let of = |want: fn(&Entity) -> Option<&EntityRef>| {
            self.0.items.iter().filter_map(want).collect::<Vec<_>>()
        };
        let groups = of(|e| match e {
            Entity::Group(g) => Some(g),
            _ => None,
        });
        let users = of(|e| match e {
            Entity::User(u) => Some(u),
            _ => None,
        });
        let roles = of(|e| match e {
            Entity::Role(r) => Some(r),
            _ => None,
        });
        w.list("PolicyGroups", groups, |w, g| {
            w.string("GroupName", &g.name);
            w.string("GroupId", &g.id);
        });
        w.list("PolicyUsers", users, |w, u| {
            w.string("UserName", &u.name);
            w.string("UserId", &u.id);
        });
        w.list("PolicyRoles", roles, |w, r| {
            w.string("RoleName", &r.name);
            w.string("RoleId", &r.id);
        });
        self.0.write_end(w);
    }
}

impl Output for Entities {}

impl Operation for ListEntitiesForPolicy {
    const NAME: &'static str = "ListEntitiesForPolicy";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Entities;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            arn: input.required("PolicyArn", &model::iam::ARN),
            filter: input.optional_enum(
                "EntityFilter",
                &[
                    "User",
                    "Role",
                    "Group",
                    "LocalManagedPolicy",
                    "AWSManagedPolicy",
                ],
            ),
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            usage: usage_filter(input),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Entities, Error> {
        let policy = find_policy(ctx, &self.arn).await?;
        ctx.authorize(
            "iam:ListEntitiesForPolicy",
            &policy_resource(&self.arn, policy.as_ref()),
        )?;
        if policy.is_none() {
            return Err(policy_missing(&self.arn));
        }
        let found = ctx
            .store()
            .list_entities_for_policy(ctx.account_id(), &self.arn, self.usage)
            .await?;
        let prefix = self.prefix.as_deref().unwrap_or("/");
        let wants = |kind: &str| self.filter.as_deref().is_none_or(|f| f == kind);
        let mut entities = Vec::new();
        let keep = |e: &EntityRef| e.path.starts_with(prefix);
        if wants("User") {
            entities.extend(found.users.into_iter().filter(keep).map(Entity::User));
        }
        if wants("Group") {
            entities.extend(found.groups.into_iter().filter(keep).map(Entity::Group));
        }
        if wants("Role") {
            entities.extend(found.roles.into_iter().filter(keep).map(Entity::Role));
        }
        Ok(Entities(self.page.of(entities)))
    }
}
