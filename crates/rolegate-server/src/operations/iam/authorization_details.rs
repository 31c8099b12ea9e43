//! `GetAccountAuthorizationDetails`: a snapshot of the caller's account (users, groups, roles
//! with their instance profiles, managed policies with their versions, each with its inline
//! and attached policies) for inventory tools such as `aws iam get-account-authorization-details`
//! and `rolegate lint --endpoint`.
//!
//! As on AWS, `MaxItems` bounds the entities of a page across all four lists together (users,
//! then groups, then roles, then policies) and `Marker` resumes after the last one returned. The
//! AWS-managed policies listed are those the account uses.

use rolegate_protocol::{Service, Shape, ShapeWriter};
use rolegate_store::{Group, Identity, PolicyScope, PolicyVersion, Role, RoleUse, User};
use rolegate_types::Partition;

use super::groups::write_group;
use super::identity_policies::list_attached_policies::write_attached;
use super::instance_profiles::{ProfileView, write_profile};
use super::managed_policies::{PolicyShape, PolicyView, write_policy, write_version};
use super::roles::write_role_last_used;
use super::{Page, Paged, write_boundary, write_tags};
use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

/// `EntityType`, in botocore's order.
const ENTITY_TYPES: [&str; 5] = [
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

/// Which lists the `Filter` asks for (all when it is empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Filter {
    users: bool,
    groups: bool,
    roles: bool,
    local_policies: bool,
    aws_policies: bool,
}

impl Filter {
    fn parse(input: &mut Input<'_>) -> Self {
        let values = input.params.string_list("Filter");
        if values.iter().any(|f| !ENTITY_TYPES.contains(&f.as_str())) {
            // A list of enums is reported for the whole list, as IAM does for `tagKeys`.
            let path = input.params.field_path("Filter");
            input.v.push(format!(
                "Value at '{path}' failed to satisfy constraint: Member must satisfy constraint: \
                 [Member must satisfy enum value set: [{}], Member must not be null]",
                ENTITY_TYPES.join(", ")
            ));
        }
        let wants = |name: &str| values.is_empty() || values.iter().any(|f| f == name);
        Self {
            users: wants("User"),
            groups: wants("Group"),
            roles: wants("Role"),
            local_policies: wants("LocalManagedPolicy"),
            aws_policies: wants("AWSManagedPolicy"),
        }
    }
}

/// One entity of the snapshot, before its details are read.
enum Entity {
    User(User),
    Group(Group),
    Role(Role),
    Policy(PolicyView),
}

/// An inline policy: name and document.
type Inline = (String, String);

/// An entity with its details.
enum Detail {
    User {
        user: User,
        inline: Vec<Inline>,
        attached: Vec<String>,
        groups: Vec<String>,
    },
    Group {
        group: Group,
        inline: Vec<Inline>,
        attached: Vec<String>,
    },
    Role {
        role: Role,
        inline: Vec<Inline>,
        attached: Vec<String>,
        profiles: Vec<ProfileView>,
        last_used: Option<RoleUse>,
    },
    Policy {
        policy: PolicyView,
        versions: Vec<PolicyVersion>,
    },
}

pub struct GetAccountAuthorizationDetails {
    filter: Filter,
    page: Page,
}

pub struct Details {
    details: Paged<Detail>,
    partition: Partition,
}

fn write_inline(w: &mut impl ShapeWriter, name: &str, inline: &[Inline]) {
    w.list(name, inline, |w, (policy_name, document)| {
        w.string("PolicyName", policy_name);
        w.policy_document("PolicyDocument", document);
    });
}

fn write_attached_list(w: &mut impl ShapeWriter, attached: &[String]) {
    w.list("AttachedManagedPolicies", attached, |w, arn| {
        write_attached(w, arn)
    });
}

impl Shape for Details {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        let partition = self.partition;
        let items = &self.details.items;
        w.list(
            "UserDetailList",
            items.iter().filter(|d| matches!(d, Detail::User { .. })),
            |w, detail| {
                if let Detail::User {
                    user,
                    inline,
                    attached,
                    groups,
                } = detail
                {
                    w.string("Path", &user.path);
                    w.string("UserName", &user.name);
                    w.string("UserId", &user.user_id);
                    w.string("Arn", &user.arn(partition.as_str()));
                    w.timestamp("CreateDate", user.created_at);
                    write_inline(w, "UserPolicyList", inline);
                    w.strings("GroupList", groups);
                    write_attached_list(w, attached);
                    write_boundary(w, user.permissions_boundary.as_deref());
                    if !user.tags.is_empty() {
                        write_tags(w, &user.tags);
                    }
                }
            },
        );
        w.list(
            "GroupDetailList",
            items.iter().filter(|d| matches!(d, Detail::Group { .. })),
            |w, detail| {
                if let Detail::Group {
                    group,
                    inline,
                    attached,
                } = detail
                {
                    write_group(w, group, partition);
                    write_inline(w, "GroupPolicyList", inline);
                    write_attached_list(w, attached);
                }
            },
        );
        w.list(
            "RoleDetailList",
            items.iter().filter(|d| matches!(d, Detail::Role { .. })),
            |w, detail| {
                if let Detail::Role {
                    role,
                    inline,
                    attached,
                    profiles,
                    last_used,
                } = detail
                {
                    w.string("Path", &role.path);
                    w.string("RoleName", &role.name);
                    w.string("RoleId", &role.role_id);
                    w.string("Arn", &role.arn(partition.as_str()));
                    w.timestamp("CreateDate", role.created_at);
                    w.policy_document("AssumeRolePolicyDocument", &role.trust_policy);
                    w.list("InstanceProfileList", profiles, |w, view| {
                        write_profile(w, view, partition, false)
                    });
                    write_inline(w, "RolePolicyList", inline);
                    write_attached_list(w, attached);
                    write_boundary(w, role.permissions_boundary.as_deref());
                    if !role.tags.is_empty() {
                        write_tags(w, &role.tags);
                    }
                    write_role_last_used(w, last_used.as_ref());
                }
            },
        );
        w.list(
            "Policies",
            items.iter().filter(|d| matches!(d, Detail::Policy { .. })),
            |w, detail| {
                if let Detail::Policy { policy, versions } = detail {
                    write_policy(w, policy, PolicyShape::Get);
                    w.list("PolicyVersionList", versions, |w, version| {
                        write_version(w, version, true)
                    });
                }
            },
        );
        self.details.write_end(w);
    }
}

impl Output for Details {}

impl Operation for GetAccountAuthorizationDetails {
    const NAME: &'static str = "GetAccountAuthorizationDetails";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Details;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            filter: Filter::parse(input),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Details, Error> {
        ctx.authorize("iam:GetAccountAuthorizationDetails", &Resource::arn("*"))?;
        let store = ctx.store();
        let account = ctx.account_id();
        let filter = self.filter;
        // The entity lists are cheap; policies and versions are read only for the page's
        // entities.
        let mut entities: Vec<Entity> = Vec::new();
        if filter.users {
            entities.extend(
                store
                    .list_users(account, None)
                    .await?
                    .into_iter()
                    .map(Entity::User),
            );
        }
        if filter.groups {
            entities.extend(
                store
                    .list_groups(account, None)
                    .await?
                    .into_iter()
                    .map(Entity::Group),
            );
        }
        if filter.roles {
            entities.extend(
                store
                    .list_roles(account, None)
                    .await?
                    .into_iter()
                    .map(Entity::Role),
            );
        }
        if filter.local_policies {
            let local = store
                .list_policies(account, &PolicyScope::default())
                .await?;
            entities.extend(
                local
                    .into_iter()
                    .map(|p| Entity::Policy(PolicyView::customer(p))),
            );
        }
        if filter.aws_policies {
            let partition = ctx.facts.partition.as_str();
            for used in store.policy_uses(account).await? {
                if let Some(policy) = rolegate_catalog::managed_policy_by_arn(&used.arn) {
                    let arn = policy.arn(partition);
                    let view = PolicyView::aws(policy, arn, (used.attachments, used.boundaries));
                    entities.push(Entity::Policy(view));
                }
            }
        }
        let page = self.page.of(entities);
        let mut details = Vec::with_capacity(page.items.len());
        for entity in page.items {
            details.push(detail(ctx, entity).await?);
        }
        Ok(Details {
            details: Paged {
                items: details,
                next: page.next,
            },
            partition: ctx.facts.partition,
        })
    }
}

/// Reads what the snapshot shows of `entity`.
async fn detail(ctx: &Ctx<'_>, entity: Entity) -> Result<Detail, Error> {
    let store = ctx.store();
    let account = ctx.account_id();
    Ok(match entity {
        Entity::User(user) => {
            let identity = Identity::user(account, &user.name);
            Detail::User {
                inline: store.list_inline_policies(&identity).await?,
                attached: store.list_attached_policies(&identity).await?,
                groups: store
                    .list_groups_for_user(account, &user.name)
                    .await?
                    .into_iter()
                    .map(|g| g.name)
                    .collect(),
                user,
            }
        }
        Entity::Group(group) => {
            let identity = Identity::group(account, &group.name);
            Detail::Group {
                inline: store.list_inline_policies(&identity).await?,
                attached: store.list_attached_policies(&identity).await?,
                group,
            }
        }
        Entity::Role(role) => {
            let identity = Identity::role(account, &role.name);
            let mut profiles = Vec::new();
            for profile in store
                .list_instance_profiles_for_role(account, &role.name)
                .await?
            {
                profiles.push(ProfileView::of(ctx, profile).await?);
            }
            Detail::Role {
                inline: store.list_inline_policies(&identity).await?,
                attached: store.list_attached_policies(&identity).await?,
                profiles,
                last_used: ctx.state.last_used.role(store, &role.role_id).await?,
                role,
            }
        }
        Entity::Policy(policy) => Detail::Policy {
            versions: super::managed_policies::versions(ctx, &policy).await?,
            policy,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(body: &str) -> (Filter, Vec<String>) {
        let request = rolegate_protocol::QueryRequest::parse(body.as_bytes(), "").unwrap();
        let mut input = Input::new(request.params(), Service::Iam);
        let filter = Filter::parse(&mut input);
        (filter, input.v.clauses().to_vec())
    }

    #[test]
    fn filter_selects_lists_and_rejects_unknown_types() {
        let (all, clauses) = filter("Action=X");
        assert!(clauses.is_empty());
        assert!(all.users && all.groups && all.roles && all.local_policies && all.aws_policies);
        let (roles, clauses) = filter("Filter.member.1=Role&Filter.member.2=AWSManagedPolicy");
        assert!(clauses.is_empty());
        assert_eq!(
            roles,
            Filter {
                users: false,
                groups: false,
                roles: true,
                local_policies: false,
                aws_policies: true,
            }
        );
        let (_, clauses) = filter("Filter.member.1=Role&Filter.member.2=Bucket");
        assert_eq!(
            clauses,
            [
                "Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: \
              [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, \
              AWSManagedPolicy], Member must not be null]"
            ]
        );
    }
}
