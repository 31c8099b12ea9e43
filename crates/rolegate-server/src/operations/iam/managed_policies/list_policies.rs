//! `ListPolicies`: the account's own policies (`Scope=Local`), AWS's (`AWS`) or both (`All`, the
//! default), by name; `OnlyAttached` keeps those in use (as a boundary too, unless
//! `PolicyUsageFilter` says which use counts). Listings carry no description and no tags.

use std::collections::HashMap;

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{PolicyScope, PolicyUsage};

use super::{PolicyShape, PolicyView, write_policy};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListPolicies {
    scope: Option<String>,
    only_attached: bool,
    prefix: Option<String>,
    usage: Option<PolicyUsage>,
    page: Page,
}

pub struct Policies(Paged<PolicyView>);

impl Shape for Policies {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0.write(w, "Policies", |w, policy| {
            write_policy(w, policy, PolicyShape::List)
        });
    }
}

impl Output for Policies {}

/// `PolicyUsageFilter`, as ListPolicies and ListEntitiesForPolicy read it.
pub fn usage_filter(input: &mut Input<'_>) -> Option<PolicyUsage> {
    let value = input.optional_enum(
        "PolicyUsageFilter",
        &["PermissionsPolicy", "PermissionsBoundary"],
    )?;
    match value.as_str() {
        "PermissionsPolicy" => Some(PolicyUsage::Permissions),
        "PermissionsBoundary" => Some(PolicyUsage::Boundary),
        _ => None,
    }
}

impl Operation for ListPolicies {
    const NAME: &'static str = "ListPolicies";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Policies;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            scope: input.optional_enum("Scope", &["All", "AWS", "Local"]),
            only_attached: input.optional_bool("OnlyAttached")?.unwrap_or(false),
            prefix: input.optional("PathPrefix", &model::iam::POLICY_PATH),
            usage: usage_filter(input),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Policies, Error> {
        ctx.authorize("iam:ListPolicies", &listing_resource(ctx, "policy", None))?;
        let scope = self.scope.as_deref().unwrap_or("All");
        let prefix = self.prefix.as_deref().unwrap_or("/");
        let mut policies: Vec<PolicyView> = Vec::new();
        if scope != "AWS" {
            let local = ctx
                .store()
                .list_policies(
                    ctx.account_id(),
                    &PolicyScope {
                        path_prefix: Some(prefix.to_owned()),
                        only_attached: false,
                    },
                )
                .await?;
            policies.extend(local.into_iter().map(PolicyView::customer));
        }
        if scope != "Local" {
            let uses: HashMap<String, (i64, i64)> = ctx
                .store()
                .policy_uses(ctx.account_id())
                .await?
                .into_iter()
                .map(|u| (u.arn, (u.attachments, u.boundaries)))
                .collect();
            let partition = ctx.facts.partition.as_str();
            for policy in rolegate_catalog::managed_policies() {
                if !policy.path.starts_with(prefix) {
                    continue;
                }
                let arn = policy.arn(partition);
                let usage = uses.get(&arn).copied().unwrap_or((0, 0));
                policies.push(PolicyView::aws(policy, arn, usage));
            }
        }
        if self.only_attached {
            policies.retain(|p| match self.usage {
                Some(PolicyUsage::Permissions) => p.attachment_count > 0,
                Some(PolicyUsage::Boundary) => p.boundary_usage_count > 0,
                None => p.attachment_count > 0 || p.boundary_usage_count > 0,
            });
        }
        policies.sort_by_cached_key(|p| p.name.to_lowercase());
        Ok(Policies(self.page.of(policies)))
    }
}
