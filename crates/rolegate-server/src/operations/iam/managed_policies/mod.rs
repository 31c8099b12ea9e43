//! Managed policies, one file per action: the account's own (customer managed, in the store)
//! and AWS's (`arn:aws:iam::aws:policy/…`, from the catalogue, readable by anyone allowed to,
//! modifiable by no one: such a change names a resource of the account `aws`, which no
//! identity policy of another account can open).

pub mod create_policy;
pub mod create_policy_version;
pub mod delete_policy;
pub mod delete_policy_version;
pub mod get_policy;
pub mod get_policy_version;
pub mod list_entities_for_policy;
pub mod list_policies;
pub mod list_policy_versions;
pub mod set_default_policy_version;

use rolegate_catalog::ManagedPolicy as AwsPolicy;
use rolegate_protocol::ShapeWriter;
use rolegate_store::{EntityKind, ManagedPolicy, PolicyVersion, Tag};
use time::OffsetDateTime;

use super::write_tags;
use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::Ctx;

/// A managed policy as IAM shows it, whoever manages it.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub path: String,
    pub default_version_id: String,
    pub attachment_count: i64,
    pub boundary_usage_count: i64,
    pub attachable: bool,
    pub description: Option<String>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub tags: Vec<Tag>,
    /// The default version's document of an AWS-managed policy (the catalogue keeps only it).
    pub aws_document: Option<String>,
}

impl PolicyView {
    pub fn customer(policy: ManagedPolicy) -> Self {
        Self {
            name: policy.name,
            id: policy.policy_id,
            arn: policy.arn,
            path: policy.path,
            default_version_id: policy.default_version_id,
            attachment_count: policy.attachment_count,
            boundary_usage_count: policy.boundary_usage_count,
            attachable: true,
            description: policy.description,
            created: policy.created_at,
            updated: policy.updated_at,
            tags: policy.tags,
            aws_document: None,
        }
    }

    /// An AWS-managed policy with its use in one account.
    pub fn aws(policy: &AwsPolicy, arn: String, (attachments, boundaries): (i64, i64)) -> Self {
        Self {
            name: policy.name.to_owned(),
            id: policy.policy_id(),
            arn,
            path: policy.path.to_owned(),
            default_version_id: policy.default_version_id.to_owned(),
            attachment_count: attachments,
            boundary_usage_count: boundaries,
            attachable: policy.is_attachable(),
            description: None,
            created: policy.created,
            updated: policy.updated,
            tags: Vec::new(),
            aws_document: Some(policy.document.clone()),
        }
    }

    /// The resource a permission on the policy is checked against (`policy <arn>` in denials).
    pub fn resource(&self) -> Resource {
        Resource::existing(self.arn.clone(), format!("policy {}", self.arn), &self.tags)
    }

    /// Its default version, as `PolicyVersion` (AWS-managed policies only).
    fn aws_version(&self) -> Option<PolicyVersion> {
        Some(PolicyVersion {
            policy_arn: self.arn.clone(),
            version_id: self.default_version_id.clone(),
            document: self.aws_document.clone()?,
            is_default: true,
            created_at: self.updated,
        })
    }
}

/// Which members a `Policy` carries: CreatePolicy echoes tags and no description, GetPolicy
/// has both, ListPolicies neither.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PolicyShape {
    Create,
    Get,
    List,
}

pub fn write_policy(w: &mut impl ShapeWriter, policy: &PolicyView, shape: PolicyShape) {
    w.string("PolicyName", &policy.name);
    w.string("PolicyId", &policy.id);
    w.string("Arn", &policy.arn);
    w.string("Path", &policy.path);
    w.string("DefaultVersionId", &policy.default_version_id);
    w.number("AttachmentCount", policy.attachment_count);
    w.number("PermissionsBoundaryUsageCount", policy.boundary_usage_count);
    w.boolean("IsAttachable", policy.attachable);
    if shape == PolicyShape::Get {
        w.optional("Description", policy.description.as_deref());
    }
    w.timestamp("CreateDate", policy.created);
    w.timestamp("UpdateDate", policy.updated);
    if shape != PolicyShape::List && !policy.tags.is_empty() {
        write_tags(w, &policy.tags);
    }
}

/// The `PolicyVersion` members, with its `Document` where AWS sends it.
pub fn write_version(w: &mut impl ShapeWriter, version: &PolicyVersion, with_document: bool) {
    if with_document {
        w.policy_document("Document", &version.document);
    }
    w.string("VersionId", &version.version_id);
    w.boolean("IsDefaultVersion", version.is_default);
    w.timestamp("CreateDate", version.created_at);
}

/// The policy `arn` as the caller's account sees it: one of its own, or AWS's; `None` for a
/// policy of another account, or none at all.
pub async fn find_policy(ctx: &Ctx<'_>, arn: &str) -> Result<Option<PolicyView>, Error> {
    if let Some(policy) = rolegate_catalog::managed_policy_by_arn(arn) {
        let usage = ctx.store().policy_usage(ctx.account_id(), arn).await?;
        return Ok(Some(PolicyView::aws(policy, arn.to_owned(), usage)));
    }
    Ok(ctx
        .store()
        .get_policy(arn)
        .await
        .found()?
        .filter(|p| p.account_id == ctx.account_id())
        .map(PolicyView::customer))
}

/// The resource a permission on `arn` is checked against, whether the policy exists or not.
pub fn policy_resource(arn: &str, policy: Option<&PolicyView>) -> Resource {
    policy.map_or_else(|| Resource::arn(arn), PolicyView::resource)
}

/// `NoSuchEntity` `Policy <arn> was not found.`
pub fn policy_missing(arn: &str) -> Error {
    rolegate_store::StoreError::NotFound {
        kind: EntityKind::ManagedPolicy,
        name: arn.to_owned(),
    }
    .into()
}

/// The versions of `policy`, newest first.
pub async fn versions(ctx: &Ctx<'_>, policy: &PolicyView) -> Result<Vec<PolicyVersion>, Error> {
    match policy.aws_version() {
        Some(version) => Ok(vec![version]),
        None => Ok(ctx.store().list_policy_versions(&policy.arn).await?),
    }
}
