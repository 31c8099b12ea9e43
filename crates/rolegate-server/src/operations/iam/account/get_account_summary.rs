//! `GetAccountSummary`: the account's counts beside IAM's quotas, in the 33 keys of the model's
//! `summaryKeyType` that Rolegate can answer (AWS's own values where it has none of its own:
//! no server certificates, no signing certificates).

use rolegate_protocol::{Service, Shape, ShapeWriter};
use rolegate_store::{AccountCounts, IdentityKind, Quota, inline_policy_limit};

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

pub struct GetAccountSummary;

pub struct Summary(Vec<(&'static str, i64)>);

impl Shape for Summary {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.number_map("SummaryMap", &self.0);
    }
}

impl Output for Summary {}

fn limit(quota: Quota) -> i64 {
    i64::try_from(quota.limit()).unwrap_or(i64::MAX)
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The summary, in AWS's key order.
fn summary(counts: &AccountCounts, root_mfa: bool) -> Vec<(&'static str, i64)> {
    let inline = |kind| i64::try_from(inline_policy_limit(kind)).unwrap_or(i64::MAX);
    vec![
        ("GroupPolicySizeQuota", inline(IdentityKind::Group)),
        (
            "InstanceProfilesQuota",
            limit(Quota::InstanceProfilesPerAccount),
        ),
        ("Policies", count(counts.policies)),
        ("GroupsPerUserQuota", limit(Quota::GroupsPerUser)),
        ("InstanceProfiles", count(counts.instance_profiles)),
        (
            "AttachedPoliciesPerUserQuota",
            limit(Quota::PoliciesPerUser),
        ),
        ("Users", count(counts.users)),
        ("PoliciesQuota", limit(Quota::PoliciesPerAccount)),
        ("Providers", 0),
        ("AccountMFAEnabled", i64::from(root_mfa)),
        ("AccessKeysPerUserQuota", limit(Quota::AccessKeysPerUser)),
        ("AssumeRolePolicySizeQuota", 2048),
        ("PolicyVersionsInUseQuota", 10_000),
        ("GlobalEndpointTokenVersion", 1),
        ("VersionsPerPolicyQuota", limit(Quota::VersionsPerPolicy)),
        (
            "AttachedPoliciesPerGroupQuota",
            limit(Quota::PoliciesPerGroup),
        ),
        ("PolicySizeQuota", 6144),
        ("Groups", count(counts.groups)),
        (
            "AccountSigningCertificatesPresent",
            i64::from(counts.root_signing_certificates > 0),
        ),
        ("UsersQuota", limit(Quota::UsersPerAccount)),
        (
            "ServerCertificatesQuota",
            limit(Quota::ServerCertificatesPerAccount),
        ),
        ("MFADevices", count(counts.mfa_devices)),
        ("UserPolicySizeQuota", inline(IdentityKind::User)),
        ("PolicyVersionsInUse", count(counts.policy_versions_in_use)),
        ("ServerCertificates", count(counts.server_certificates)),
        ("Roles", count(counts.roles)),
        ("RolesQuota", limit(Quota::RolesPerAccount)),
        (
            "SigningCertificatesPerUserQuota",
            limit(Quota::SigningCertificatesPerUser),
        ),
        ("MFADevicesInUse", count(counts.mfa_devices_in_use)),
        ("RolePolicySizeQuota", inline(IdentityKind::Role)),
        (
            "AttachedPoliciesPerRoleQuota",
            limit(Quota::PoliciesPerRole),
        ),
        (
            "AccountAccessKeysPresent",
            i64::from(counts.root_access_keys > 0),
        ),
        ("GroupsQuota", limit(Quota::GroupsPerAccount)),
    ]
}

impl Operation for GetAccountSummary {
    const NAME: &'static str = "GetAccountSummary";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Summary;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Summary, Error> {
        ctx.authorize("iam:GetAccountSummary", &Resource::arn("*"))?;
        let counts = ctx.store().account_counts(ctx.account_id()).await?;
        // The root user has no MFA device in Rolegate (virtual devices are users').
        Ok(Summary(summary(&counts, false)))
    }
}
