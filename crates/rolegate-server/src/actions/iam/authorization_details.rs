//! GetAccountAuthorizationDetails: a snapshot of the caller's account (users, groups, roles,
//! managed policies, with their inline and attached policies and documents) for inventory tools
//! such as `aws iam get-account-authorization-details` and `rolegate lint --endpoint`.
//!
//! As on AWS, `MaxItems` bounds the entities of a page across all four lists together (users,
//! then groups, then roles, then policies) and `Marker` resumes after the last one returned.
//! Rolegate has no groups and no AWS managed policies: those lists are always empty.

use rolegate_protocol::{AwsError, QueryMap, Service, ToXml, Validator, XmlWriter};
use rolegate_store::{ManagedPolicy, PolicyScope, PolicyVersion, Principal, Role, Store, User};

use super::managed_policies::write_policy;
use super::policy_versions::write_version;
use super::{OrInternal, Page, write_boundary, write_tags};
use crate::actions::Ctx;

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
    roles: bool,
    local_policies: bool,
}

impl Filter {
    fn parse(v: &mut Validator, params: &QueryMap) -> Self {
        let values = params.string_list("Filter");
        if values.iter().any(|f| !ENTITY_TYPES.contains(&f.as_str())) {
            // A list of enums is reported for the whole list, as IAM does for `tagKeys`.
            v.push(format!(
                "Value at '{}' failed to satisfy constraint: Member must satisfy constraint: \
                 [Member must satisfy enum value set: [{}], Member must not be null]",
                params.field_path("Filter"),
                ENTITY_TYPES.join(", ")
            ));
        }
        let wants = |name: &str| values.is_empty() || values.iter().any(|f| f == name);
        Self {
            users: wants("User"),
            roles: wants("Role"),
            local_policies: wants("LocalManagedPolicy"),
        }
    }
}

/// The part of `items` that falls in the page `[start, end)` of the combined sequence, where
/// `items` begins at position `offset`.
fn window<T>(items: &[T], offset: usize, start: usize, end: usize) -> &[T] {
    let from = start.saturating_sub(offset).min(items.len());
    let to = end.saturating_sub(offset).min(items.len());
    items.get(from..to.max(from)).unwrap_or_default()
}

/// `PolicyDetail`: an inline policy.
struct InlinePolicy {
    name: String,
    document: String,
}

impl ToXml for InlinePolicy {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.element("PolicyName", &self.name);
        w.policy_document("PolicyDocument", &self.document);
    }
}

/// `AttachedPolicy`: a managed policy attached to a user or role.
struct AttachedPolicy {
    arn: String,
}

impl ToXml for AttachedPolicy {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.element(
            "PolicyName",
            self.arn.rsplit('/').next().unwrap_or_default(),
        );
        w.element("PolicyArn", &self.arn);
    }
}

/// A user's or role's policies.
struct Policies {
    inline: Vec<InlinePolicy>,
    attached: Vec<AttachedPolicy>,
}

impl Policies {
    async fn of(store: &dyn Store, principal: &Principal) -> Result<Self, AwsError> {
        let inline = store
            .list_inline_policies(principal)
            .await
            .or_internal()?
            .into_iter()
            .map(|(name, document)| InlinePolicy { name, document })
            .collect();
        let attached = store
            .list_attached_policies(principal)
            .await
            .or_internal()?
            .into_iter()
            .map(|arn| AttachedPolicy { arn })
            .collect();
        Ok(Self { inline, attached })
    }
}

/// `UserDetail`.
struct UserDetail<'a> {
    user: &'a User,
    policies: Policies,
}

impl ToXml for UserDetail<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        let user = self.user;
        w.element("Path", &user.path);
        w.element("UserName", &user.name);
        w.element("UserId", &user.user_id);
        w.element("Arn", &user.arn());
        w.timestamp("CreateDate", user.created_at);
        w.members("UserPolicyList", &self.policies.inline);
        w.string_members::<&str>("GroupList", &[]);
        w.members("AttachedManagedPolicies", &self.policies.attached);
        write_boundary(w, user.permissions_boundary.as_deref());
        if !user.tags.is_empty() {
            write_tags(w, &user.tags);
        }
    }
}

/// `InstanceProfile`: Rolegate has none; the type exists for the empty list.
struct InstanceProfile;

impl ToXml for InstanceProfile {
    fn write_xml(&self, _: &mut XmlWriter) {}
}

/// `RoleDetail`.
struct RoleDetail<'a> {
    role: &'a Role,
    policies: Policies,
}

impl ToXml for RoleDetail<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        let role = self.role;
        w.element("Path", &role.path);
        w.element("RoleName", &role.name);
        w.element("RoleId", &role.role_id);
        w.element("Arn", &role.arn());
        w.timestamp("CreateDate", role.created_at);
        w.policy_document("AssumeRolePolicyDocument", &role.trust_policy);
        w.members::<InstanceProfile>("InstanceProfileList", &[]);
        w.members("RolePolicyList", &self.policies.inline);
        w.members("AttachedManagedPolicies", &self.policies.attached);
        write_boundary(w, role.permissions_boundary.as_deref());
        if !role.tags.is_empty() {
            write_tags(w, &role.tags);
        }
        w.nested("RoleLastUsed", |_| {});
    }
}

/// `PolicyVersion` with its document.
struct VersionDetail(PolicyVersion);

impl ToXml for VersionDetail {
    fn write_xml(&self, w: &mut XmlWriter) {
        write_version(w, &self.0, true);
    }
}

/// `ManagedPolicyDetail`.
struct PolicyDetail<'a> {
    policy: &'a ManagedPolicy,
    versions: Vec<VersionDetail>,
}

impl ToXml for PolicyDetail<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        write_policy(w, self.policy, true);
        w.members("PolicyVersionList", &self.versions);
    }
}

/// `GroupDetail`: Rolegate has no groups; the type exists for the empty list.
struct GroupDetail;

impl ToXml for GroupDetail {
    fn write_xml(&self, _: &mut XmlWriter) {}
}

pub async fn get_account_authorization_details(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let filter = Filter::parse(&mut v, params);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize("iam:GetAccountAuthorizationDetails", "*")?;
    let store = ctx.state.store.as_ref();
    let account = ctx.account_id();
    // The entity lists are cheap; policies and versions are read only for the page's entities.
    let users = if filter.users {
        store.list_users(account, None).await.or_internal()?
    } else {
        Vec::new()
    };
    let roles = if filter.roles {
        store.list_roles(account, None).await.or_internal()?
    } else {
        Vec::new()
    };
    let policies = if filter.local_policies {
        store
            .list_policies(account, &PolicyScope::default())
            .await
            .or_internal()?
    } else {
        Vec::new()
    };
    let total = users.len() + roles.len() + policies.len();
    let start = page.start.min(total);
    let end = start.saturating_add(page.max).min(total);

    let mut user_details = Vec::new();
    for user in window(&users, 0, start, end) {
        let principal = Principal::user(account, &user.name);
        let policies = Policies::of(store, &principal).await?;
        user_details.push(UserDetail { user, policies });
    }
    let mut role_details = Vec::new();
    for role in window(&roles, users.len(), start, end) {
        let principal = Principal::role(account, &role.name);
        let policies = Policies::of(store, &principal).await?;
        role_details.push(RoleDetail { role, policies });
    }
    let mut policy_details = Vec::new();
    for policy in window(&policies, users.len() + roles.len(), start, end) {
        let versions = store
            .list_policy_versions(&policy.arn)
            .await
            .or_internal()?
            .into_iter()
            .map(VersionDetail)
            .collect();
        policy_details.push(PolicyDetail { policy, versions });
    }
    ctx.respond(|w| {
        w.members("UserDetailList", &user_details);
        w.members::<GroupDetail>("GroupDetailList", &[]);
        w.members("RoleDetailList", &role_details);
        w.members("Policies", &policy_details);
        let truncated = end < total;
        w.display("IsTruncated", truncated);
        if truncated {
            w.element("Marker", &end.to_string());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_split_one_page_across_the_lists() {
        let users = [1, 2];
        let roles = [3, 4, 5];
        let policies = [6];
        // Page [1, 4): the second user and the first two roles.
        assert_eq!(window(&users, 0, 1, 4), &[2]);
        assert_eq!(window(&roles, 2, 1, 4), &[3, 4]);
        assert_eq!(window(&policies, 5, 1, 4), &[] as &[i32]);
        // Page [4, 6): the last role and the policy.
        assert_eq!(window(&users, 0, 4, 6), &[] as &[i32]);
        assert_eq!(window(&roles, 2, 4, 6), &[5]);
        assert_eq!(window(&policies, 5, 4, 6), &[6]);
        // Beyond the end: nothing, never a panic.
        assert_eq!(window(&policies, 5, 9, 12), &[] as &[i32]);
    }

    fn query(body: &str) -> QueryMap {
        rolegate_protocol::QueryRequest::parse(body.as_bytes(), "")
            .unwrap()
            .params()
            .clone()
    }

    #[test]
    fn filter_selects_lists_and_rejects_unknown_types() {
        let mut v = Validator::new(Service::Iam);
        let all = Filter::parse(&mut v, &query("Action=X"));
        assert!(v.is_ok());
        assert_eq!(
            all,
            Filter {
                users: true,
                roles: true,
                local_policies: true
            }
        );

        let mut v = Validator::new(Service::Iam);
        let roles = Filter::parse(
            &mut v,
            &query("Filter.member.1=Role&Filter.member.2=AWSManagedPolicy"),
        );
        assert!(v.is_ok());
        assert_eq!(
            roles,
            Filter {
                users: false,
                roles: true,
                local_policies: false
            }
        );

        let mut v = Validator::new(Service::Iam);
        Filter::parse(
            &mut v,
            &query("Filter.member.1=Role&Filter.member.2=Bucket"),
        );
        assert_eq!(
            v.clauses(),
            [
                "Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: \
              [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, \
              AWSManagedPolicy], Member must not be null]"
            ]
        );
    }
}
