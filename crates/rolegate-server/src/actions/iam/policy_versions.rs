//! Managed policy versions: CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
//! SetDefaultPolicyVersion, DeletePolicyVersion (at most five versions per policy).

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{PolicyVersion, StoreError};

use super::managed_policies::{load_policy, policy_arn_param};
use super::{OrInternal, Page, StoreResultExt, check_identity_policy, messages};
use crate::actions::Ctx;

const MAX_VERSIONS: usize = 5;

/// The `PolicyVersion` members, with its `Document` where AWS sends it.
pub fn write_version(w: &mut XmlWriter, version: &PolicyVersion, with_document: bool) {
    if with_document {
        w.policy_document("Document", &version.document);
    }
    w.element("VersionId", &version.version_id);
    w.display("IsDefaultVersion", version.is_default);
    w.timestamp("CreateDate", version.created_at);
}

fn version_param(v: &mut Validator, params: &QueryMap) -> String {
    v.required(params, "VersionId", &model::iam::POLICY_VERSION_ID)
        .unwrap_or_default()
        .to_owned()
}

pub async fn create_policy_version(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    let document = v
        .required(params, "PolicyDocument", &model::iam::POLICY_DOCUMENT)
        .unwrap_or_default();
    let set_default = params
        .optional_bool("SetAsDefault")
        .map_err(|e| e.to_aws_error(Service::Iam))?;
    v.check()?;
    ctx.authorize("iam:CreatePolicyVersion", &arn)?;
    load_policy(ctx, &arn).await?;
    check_identity_policy(document)?;
    let versions = ctx
        .state
        .store
        .list_policy_versions(&arn)
        .await
        .or_internal()?;
    if versions.len() >= MAX_VERSIONS {
        return Err(AwsError::limit_exceeded(messages::TOO_MANY_VERSIONS));
    }
    let version = ctx
        .state
        .store
        .create_policy_version(&arn, document, set_default.unwrap_or(false))
        .await
        .or_internal()?;
    ctx.respond(|w| w.nested("PolicyVersion", |w| write_version(w, &version, false)))
}

pub async fn get_policy_version(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    let version_id = version_param(&mut v, params);
    v.check()?;
    ctx.authorize("iam:GetPolicyVersion", &arn)?;
    load_policy(ctx, &arn).await?;
    let version = ctx
        .state
        .store
        .get_policy_version(&arn, &version_id)
        .await
        .or_no_such_entity(|| messages::no_such_version(&arn, &version_id))?;
    ctx.respond(|w| w.nested("PolicyVersion", |w| write_version(w, &version, true)))
}

pub async fn list_policy_versions(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize("iam:ListPolicyVersions", &arn)?;
    load_policy(ctx, &arn).await?;
    let versions = ctx
        .state
        .store
        .list_policy_versions(&arn)
        .await
        .or_internal()?;
    ctx.respond(|w| {
        page.write(w, "Versions", &versions, |w, version| {
            write_version(w, version, false)
        })
    })
}

pub async fn set_default_policy_version(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    let version_id = version_param(&mut v, params);
    v.check()?;
    ctx.authorize("iam:SetDefaultPolicyVersion", &arn)?;
    load_policy(ctx, &arn).await?;
    ctx.state
        .store
        .set_default_policy_version(&arn, &version_id)
        .await
        .or_no_such_entity(|| messages::no_such_version(&arn, &version_id))?;
    ctx.respond_empty()
}

pub async fn delete_policy_version(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let arn = policy_arn_param(&mut v, params);
    let version_id = version_param(&mut v, params);
    v.check()?;
    ctx.authorize("iam:DeletePolicyVersion", &arn)?;
    load_policy(ctx, &arn).await?;
    match ctx
        .state
        .store
        .delete_policy_version(&arn, &version_id)
        .await
    {
        Err(StoreError::Conflict { .. }) => {
            Err(AwsError::delete_conflict(messages::DELETE_DEFAULT_VERSION))
        }
        other => other.or_no_such_entity(|| messages::no_such_version(&arn, &version_id)),
    }?;
    ctx.respond_empty()
}
