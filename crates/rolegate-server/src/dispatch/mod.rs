//! Dispatch: `Action` + `Version` + the signing service → the operation that handles it.
//!
//! STS and IAM share `POST /`; the credential scope's service (`sts` or `iam`) picks the
//! table, so an IAM action signed for STS is unknown to STS, exactly as on AWS. Adding an
//! action is one line here.

use rolegate_protocol::{AwsError, Service};

use crate::operation::{Route, route};
use crate::operations::iam::access_keys::{
    create_access_key::CreateAccessKey, delete_access_key::DeleteAccessKey,
    get_access_key_last_used::GetAccessKeyLastUsed, list_access_keys::ListAccessKeys,
    update_access_key::UpdateAccessKey,
};
use crate::operations::iam::account::{
    create_account_alias::CreateAccountAlias, delete_account_alias::DeleteAccountAlias,
    generate_credential_report::GenerateCredentialReport, get_account_summary::GetAccountSummary,
    get_credential_report::GetCredentialReport, list_account_aliases::ListAccountAliases,
};
use crate::operations::iam::account_password_policy::{
    delete_account_password_policy::DeleteAccountPasswordPolicy,
    get_account_password_policy::GetAccountPasswordPolicy,
    update_account_password_policy::UpdateAccountPasswordPolicy,
};
use crate::operations::iam::authorization_details::GetAccountAuthorizationDetails;
use crate::operations::iam::groups::{
    add_user_to_group::AddUserToGroup, create_group::CreateGroup, delete_group::DeleteGroup,
    get_group::GetGroup, list_groups::ListGroups, list_groups_for_user::ListGroupsForUser,
    remove_user_from_group::RemoveUserFromGroup, update_group::UpdateGroup,
};
use crate::operations::iam::identity_policies::{
    attach_policy::AttachPolicy, delete_policy::DeletePolicy as DeleteInlinePolicy,
    detach_policy::DetachPolicy, get_policy::GetPolicy as GetInlinePolicy,
    list_attached_policies::ListAttachedPolicies, list_policies::ListPolicies as ListInline,
    put_policy::PutPolicy,
};
use crate::operations::iam::instance_profiles::{
    add_role_to_instance_profile::AddRoleToInstanceProfile,
    create_instance_profile::CreateInstanceProfile, delete_instance_profile::DeleteInstanceProfile,
    get_instance_profile::GetInstanceProfile, list_instance_profiles::ListInstanceProfiles,
    list_instance_profiles_for_role::ListInstanceProfilesForRole,
    remove_role_from_instance_profile::RemoveRoleFromInstanceProfile,
};
use crate::operations::iam::login_profiles::{
    change_password::ChangePassword, create_login_profile::CreateLoginProfile,
    delete_login_profile::DeleteLoginProfile, get_login_profile::GetLoginProfile,
    update_login_profile::UpdateLoginProfile,
};
use crate::operations::iam::managed_policies::{
    create_policy::CreatePolicy, create_policy_version::CreatePolicyVersion,
    delete_policy::DeletePolicy, delete_policy_version::DeletePolicyVersion, get_policy::GetPolicy,
    get_policy_version::GetPolicyVersion, list_entities_for_policy::ListEntitiesForPolicy,
    list_policies::ListPolicies, list_policy_versions::ListPolicyVersions,
    set_default_policy_version::SetDefaultPolicyVersion,
};
use crate::operations::iam::mfa::{
    create_virtual_mfa_device::CreateVirtualMfaDevice, deactivate_mfa_device::DeactivateMfaDevice,
    delete_virtual_mfa_device::DeleteVirtualMfaDevice, enable_mfa_device::EnableMfaDevice,
    list_mfa_devices::ListMfaDevices, list_virtual_mfa_devices::ListVirtualMfaDevices,
    resync_mfa_device::ResyncMfaDevice,
};
use crate::operations::iam::roles::{
    create_role::CreateRole, delete_role::DeleteRole,
    delete_role_permissions_boundary::DeleteRolePermissionsBoundary, get_role::GetRole,
    list_roles::ListRoles, put_role_permissions_boundary::PutRolePermissionsBoundary,
    update_assume_role_policy::UpdateAssumeRolePolicy, update_role::UpdateRole,
    update_role_description::UpdateRoleDescription,
};
use crate::operations::iam::server_certificates::{
    delete_server_certificate::DeleteServerCertificate,
    get_server_certificate::GetServerCertificate, list_server_certificates::ListServerCertificates,
    update_server_certificate::UpdateServerCertificate,
    upload_server_certificate::UploadServerCertificate,
};
use crate::operations::iam::service_credentials::{
    create_service_specific_credential::CreateServiceSpecificCredential,
    delete_service_specific_credential::DeleteServiceSpecificCredential,
    list_service_specific_credentials::ListServiceSpecificCredentials,
    reset_service_specific_credential::ResetServiceSpecificCredential,
    update_service_specific_credential::UpdateServiceSpecificCredential,
};
use crate::operations::iam::service_linked_roles::{
    create_service_linked_role::CreateServiceLinkedRole,
    delete_service_linked_role::DeleteServiceLinkedRole,
    get_service_linked_role_deletion_status::GetServiceLinkedRoleDeletionStatus,
};
use crate::operations::iam::signing_certificates::{
    delete_signing_certificate::DeleteSigningCertificate,
    list_signing_certificates::ListSigningCertificates,
    update_signing_certificate::UpdateSigningCertificate,
    upload_signing_certificate::UploadSigningCertificate,
};
use crate::operations::iam::ssh_keys::{
    delete_ssh_public_key::DeleteSshPublicKey, get_ssh_public_key::GetSshPublicKey,
    list_ssh_public_keys::ListSshPublicKeys, update_ssh_public_key::UpdateSshPublicKey,
    upload_ssh_public_key::UploadSshPublicKey,
};
use crate::operations::iam::tags::{
    InstanceProfileTags, MfaDeviceTags, PolicyTags, RoleTags, ServerCertificateTags, UserTags,
    list_tags::ListResourceTags, tag::TagResource, untag::UntagResource,
};
use crate::operations::iam::users::{
    create_user::CreateUser, delete_user::DeleteUser,
    delete_user_permissions_boundary::DeleteUserPermissionsBoundary, get_user::GetUser,
    list_users::ListUsers, put_user_permissions_boundary::PutUserPermissionsBoundary,
    update_user::UpdateUser,
};
use crate::operations::iam::{GroupKind, RoleKind, UserKind};
use crate::operations::sts::{
    assume_role::AssumeRole, get_access_key_info::GetAccessKeyInfo,
    get_caller_identity::GetCallerIdentity, get_session_token::GetSessionToken,
};

/// Every operation Rolegate answers.
const ROUTES: &[Route] = &[
    // STS
    route::<AssumeRole>(),
    route::<GetCallerIdentity>(),
    route::<GetSessionToken>(),
    route::<GetAccessKeyInfo>(),
    // IAM: users
    route::<CreateUser>(),
    route::<GetUser>(),
    route::<ListUsers>(),
    route::<UpdateUser>(),
    route::<DeleteUser>(),
    route::<PutUserPermissionsBoundary>(),
    route::<DeleteUserPermissionsBoundary>(),
    // console passwords
    route::<CreateLoginProfile>(),
    route::<GetLoginProfile>(),
    route::<UpdateLoginProfile>(),
    route::<DeleteLoginProfile>(),
    route::<ChangePassword>(),
    // access keys
    route::<CreateAccessKey>(),
    route::<ListAccessKeys>(),
    route::<UpdateAccessKey>(),
    route::<DeleteAccessKey>(),
    // SSH public keys
    route::<UploadSshPublicKey>(),
    route::<GetSshPublicKey>(),
    route::<ListSshPublicKeys>(),
    route::<UpdateSshPublicKey>(),
    route::<DeleteSshPublicKey>(),
    // signing certificates
    route::<UploadSigningCertificate>(),
    route::<ListSigningCertificates>(),
    route::<UpdateSigningCertificate>(),
    route::<DeleteSigningCertificate>(),
    // service-specific credentials
    route::<CreateServiceSpecificCredential>(),
    route::<ListServiceSpecificCredentials>(),
    route::<ResetServiceSpecificCredential>(),
    route::<UpdateServiceSpecificCredential>(),
    route::<DeleteServiceSpecificCredential>(),
    route::<GetAccessKeyLastUsed>(),
    // groups
    route::<CreateGroup>(),
    route::<GetGroup>(),
    route::<ListGroups>(),
    route::<UpdateGroup>(),
    route::<DeleteGroup>(),
    route::<AddUserToGroup>(),
    route::<RemoveUserFromGroup>(),
    route::<ListGroupsForUser>(),
    // roles
    route::<CreateRole>(),
    route::<GetRole>(),
    route::<ListRoles>(),
    route::<UpdateRole>(),
    route::<UpdateRoleDescription>(),
    route::<UpdateAssumeRolePolicy>(),
    route::<DeleteRole>(),
    route::<PutRolePermissionsBoundary>(),
    route::<DeleteRolePermissionsBoundary>(),
    // service-linked roles
    route::<CreateServiceLinkedRole>(),
    route::<DeleteServiceLinkedRole>(),
    route::<GetServiceLinkedRoleDeletionStatus>(),
    // instance profiles
    route::<CreateInstanceProfile>(),
    route::<GetInstanceProfile>(),
    route::<ListInstanceProfiles>(),
    route::<DeleteInstanceProfile>(),
    route::<AddRoleToInstanceProfile>(),
    route::<RemoveRoleFromInstanceProfile>(),
    route::<ListInstanceProfilesForRole>(),
    // inline policies of users, groups and roles
    route::<PutPolicy<UserKind>>(),
    route::<GetInlinePolicy<UserKind>>(),
    route::<ListInline<UserKind>>(),
    route::<DeleteInlinePolicy<UserKind>>(),
    route::<PutPolicy<GroupKind>>(),
    route::<GetInlinePolicy<GroupKind>>(),
    route::<ListInline<GroupKind>>(),
    route::<DeleteInlinePolicy<GroupKind>>(),
    route::<PutPolicy<RoleKind>>(),
    route::<GetInlinePolicy<RoleKind>>(),
    route::<ListInline<RoleKind>>(),
    route::<DeleteInlinePolicy<RoleKind>>(),
    // managed policies attached to them
    route::<AttachPolicy<UserKind>>(),
    route::<DetachPolicy<UserKind>>(),
    route::<ListAttachedPolicies<UserKind>>(),
    route::<AttachPolicy<GroupKind>>(),
    route::<DetachPolicy<GroupKind>>(),
    route::<ListAttachedPolicies<GroupKind>>(),
    route::<AttachPolicy<RoleKind>>(),
    route::<DetachPolicy<RoleKind>>(),
    route::<ListAttachedPolicies<RoleKind>>(),
    // tags
    route::<TagResource<UserTags>>(),
    route::<UntagResource<UserTags>>(),
    route::<ListResourceTags<UserTags>>(),
    route::<TagResource<RoleTags>>(),
    route::<UntagResource<RoleTags>>(),
    route::<ListResourceTags<RoleTags>>(),
    route::<TagResource<PolicyTags>>(),
    route::<UntagResource<PolicyTags>>(),
    route::<ListResourceTags<PolicyTags>>(),
    route::<TagResource<InstanceProfileTags>>(),
    route::<UntagResource<InstanceProfileTags>>(),
    route::<ListResourceTags<InstanceProfileTags>>(),
    route::<TagResource<MfaDeviceTags>>(),
    route::<UntagResource<MfaDeviceTags>>(),
    route::<ListResourceTags<MfaDeviceTags>>(),
    route::<TagResource<ServerCertificateTags>>(),
    route::<UntagResource<ServerCertificateTags>>(),
    route::<ListResourceTags<ServerCertificateTags>>(),
    // server certificates
    route::<UploadServerCertificate>(),
    route::<GetServerCertificate>(),
    route::<ListServerCertificates>(),
    route::<UpdateServerCertificate>(),
    route::<DeleteServerCertificate>(),
    // managed policies and versions
    route::<CreatePolicy>(),
    route::<GetPolicy>(),
    route::<ListPolicies>(),
    route::<DeletePolicy>(),
    route::<ListEntitiesForPolicy>(),
    route::<CreatePolicyVersion>(),
    route::<GetPolicyVersion>(),
    route::<ListPolicyVersions>(),
    route::<SetDefaultPolicyVersion>(),
    route::<DeletePolicyVersion>(),
    // virtual MFA
    route::<CreateVirtualMfaDevice>(),
    route::<EnableMfaDevice>(),
    route::<ResyncMfaDevice>(),
    route::<ListMfaDevices>(),
    route::<ListVirtualMfaDevices>(),
    route::<DeactivateMfaDevice>(),
    route::<DeleteVirtualMfaDevice>(),
    // the account
    route::<GetAccountSummary>(),
    route::<CreateAccountAlias>(),
    route::<DeleteAccountAlias>(),
    route::<ListAccountAliases>(),
    route::<GenerateCredentialReport>(),
    route::<GetCredentialReport>(),
    route::<GetAccountAuthorizationDetails>(),
    route::<GetAccountPasswordPolicy>(),
    route::<UpdateAccountPasswordPolicy>(),
    route::<DeleteAccountPasswordPolicy>(),
];

/// The operation `name` of `service`, if there is one.
pub fn find(service: Service, name: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.service == service && r.name == name)
}

/// The operation a request names, or AWS's `InvalidAction`.
pub fn route_for(
    service: Service,
    action: Option<&str>,
    version: Option<&str>,
) -> Result<&'static Route, AwsError> {
    let name = action.unwrap_or_default();
    if version != Some(service.api_version()) {
        return Err(AwsError::invalid_action(name, version));
    }
    find(service, name).ok_or_else(|| AwsError::invalid_action(name, version))
}

/// The service an unauthenticated request most likely meant, for the error's namespace.
pub fn guess_service(action: Option<&str>, version: Option<&str>) -> Service {
    if version == Some(Service::Iam.api_version()) {
        return Service::Iam;
    }
    match action {
        Some(name) if find(Service::Iam, name).is_some() => Service::Iam,
        _ => Service::Sts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_service_action_and_version() {
        assert_eq!(
            route_for(Service::Sts, Some("AssumeRole"), Some("2011-06-15"))
                .unwrap()
                .name,
            "AssumeRole"
        );
        assert_eq!(
            route_for(Service::Iam, Some("CreateRole"), Some("2010-05-08"))
                .unwrap()
                .name,
            "CreateRole"
        );
        let wrong_service =
            route_for(Service::Sts, Some("CreateRole"), Some("2011-06-15")).unwrap_err();
        assert_eq!(
            wrong_service.message.as_deref(),
            Some("Could not find operation CreateRole for version 2011-06-15")
        );
        let no_version = route_for(Service::Sts, Some("AssumeRole"), None).unwrap_err();
        assert_eq!(no_version.code, "InvalidAction");
        assert_eq!(no_version.status, 400);
    }

    #[test]
    fn every_action_is_routed_once() {
        let mut seen = std::collections::HashSet::new();
        for route in ROUTES {
            assert!(
                seen.insert((route.service, route.name)),
                "{} twice",
                route.name
            );
        }
        assert!(find(Service::Iam, "PutGroupPolicy").is_some());
        assert!(find(Service::Iam, "ListAttachedGroupPolicies").is_some());
    }
}
