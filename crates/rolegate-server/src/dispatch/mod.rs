//! Dispatch: `Action` + `Version` + the signing service → the operation that handles it.
//!
//! STS and IAM share `POST /`; the credential scope's service (`sts` or `iam`) picks the
//! table, so an IAM action signed for STS is unknown to STS, exactly as on AWS.

use rolegate_protocol::{AwsError, QueryMap, Service};

use crate::actions::{Ctx, iam, sts};

macro_rules! operations {
    ($($service:ident $name:literal => $variant:ident => $handler:path,)*) => {
        /// Every operation Rolegate answers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Operation { $($variant,)* }

        impl Operation {
            /// The operation `name` of `service`, if there is one.
            pub fn find(service: Service, name: &str) -> Option<Self> {
                match (service, name) {
                    $((Service::$service, $name) => Some(Self::$variant),)*
                    _ => None,
                }
            }

            /// The action name (`AssumeRole`).
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// Runs the operation's handler.
            pub async fn run(self, ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
                match self { $(Self::$variant => $handler(ctx, params).await,)* }
            }
        }
    };
}

operations! {
    Sts "AssumeRole" => AssumeRole => sts::assume_role::handle,
    Sts "GetCallerIdentity" => GetCallerIdentity => sts::get_caller_identity::handle,
    Sts "GetSessionToken" => GetSessionToken => sts::get_session_token::handle,
    Sts "GetAccessKeyInfo" => GetAccessKeyInfo => sts::get_access_key_info::handle,
    Iam "CreateUser" => CreateUser => iam::users::create_user,
    Iam "GetUser" => GetUser => iam::users::get_user,
    Iam "ListUsers" => ListUsers => iam::users::list_users,
    Iam "UpdateUser" => UpdateUser => iam::users::update_user,
    Iam "DeleteUser" => DeleteUser => iam::users::delete_user,
    Iam "CreateAccessKey" => CreateAccessKey => iam::access_keys::create_access_key,
    Iam "ListAccessKeys" => ListAccessKeys => iam::access_keys::list_access_keys,
    Iam "UpdateAccessKey" => UpdateAccessKey => iam::access_keys::update_access_key,
    Iam "DeleteAccessKey" => DeleteAccessKey => iam::access_keys::delete_access_key,
    Iam "CreateRole" => CreateRole => iam::roles::create_role,
    Iam "GetRole" => GetRole => iam::roles::get_role,
    Iam "ListRoles" => ListRoles => iam::roles::list_roles,
    Iam "UpdateRole" => UpdateRole => iam::roles::update_role,
    Iam "UpdateRoleDescription" => UpdateRoleDescription => iam::roles::update_role_description,
    Iam "UpdateAssumeRolePolicy" => UpdateAssumeRolePolicy => iam::roles::update_assume_role_policy,
    Iam "DeleteRole" => DeleteRole => iam::roles::delete_role,
    Iam "PutUserPolicy" => PutUserPolicy => iam::inline_policies::put_user_policy,
    Iam "GetUserPolicy" => GetUserPolicy => iam::inline_policies::get_user_policy,
    Iam "ListUserPolicies" => ListUserPolicies => iam::inline_policies::list_user_policies,
    Iam "DeleteUserPolicy" => DeleteUserPolicy => iam::inline_policies::delete_user_policy,
    Iam "PutRolePolicy" => PutRolePolicy => iam::inline_policies::put_role_policy,
    Iam "GetRolePolicy" => GetRolePolicy => iam::inline_policies::get_role_policy,
    Iam "ListRolePolicies" => ListRolePolicies => iam::inline_policies::list_role_policies,
    Iam "DeleteRolePolicy" => DeleteRolePolicy => iam::inline_policies::delete_role_policy,
    Iam "AttachUserPolicy" => AttachUserPolicy => iam::attachments::attach_user_policy,
    Iam "DetachUserPolicy" => DetachUserPolicy => iam::attachments::detach_user_policy,
    Iam "ListAttachedUserPolicies" => ListAttachedUserPolicies => iam::attachments::list_attached_user_policies,
    Iam "AttachRolePolicy" => AttachRolePolicy => iam::attachments::attach_role_policy,
    Iam "DetachRolePolicy" => DetachRolePolicy => iam::attachments::detach_role_policy,
    Iam "ListAttachedRolePolicies" => ListAttachedRolePolicies => iam::attachments::list_attached_role_policies,
    Iam "TagUser" => TagUser => iam::tags::tag_user,
    Iam "UntagUser" => UntagUser => iam::tags::untag_user,
    Iam "ListUserTags" => ListUserTags => iam::tags::list_user_tags,
    Iam "TagRole" => TagRole => iam::tags::tag_role,
    Iam "UntagRole" => UntagRole => iam::tags::untag_role,
    Iam "ListRoleTags" => ListRoleTags => iam::tags::list_role_tags,
    Iam "CreatePolicy" => CreatePolicy => iam::managed_policies::create_policy,
    Iam "GetPolicy" => GetPolicy => iam::managed_policies::get_policy,
    Iam "ListPolicies" => ListPolicies => iam::managed_policies::list_policies,
    Iam "DeletePolicy" => DeletePolicy => iam::managed_policies::delete_policy,
    Iam "CreatePolicyVersion" => CreatePolicyVersion => iam::policy_versions::create_policy_version,
    Iam "GetPolicyVersion" => GetPolicyVersion => iam::policy_versions::get_policy_version,
    Iam "ListPolicyVersions" => ListPolicyVersions => iam::policy_versions::list_policy_versions,
    Iam "SetDefaultPolicyVersion" => SetDefaultPolicyVersion => iam::policy_versions::set_default_policy_version,
    Iam "DeletePolicyVersion" => DeletePolicyVersion => iam::policy_versions::delete_policy_version,
    Iam "CreateVirtualMFADevice" => CreateVirtualMFADevice => iam::mfa::create_virtual_mfa_device,
    Iam "EnableMFADevice" => EnableMFADevice => iam::mfa::enable_mfa_device,
    Iam "ListMFADevices" => ListMFADevices => iam::mfa::list_mfa_devices,
    Iam "DeactivateMFADevice" => DeactivateMFADevice => iam::mfa::deactivate_mfa_device,
    Iam "GetAccountAuthorizationDetails" => GetAccountAuthorizationDetails => iam::authorization_details::get_account_authorization_details,
}

/// The operation a request names, or AWS's `InvalidAction`.
pub fn route(
    service: Service,
    action: Option<&str>,
    version: Option<&str>,
) -> Result<Operation, AwsError> {
    let name = action.unwrap_or_default();
    if version != Some(service.api_version()) {
        return Err(AwsError::invalid_action(name, version));
    }
    Operation::find(service, name).ok_or_else(|| AwsError::invalid_action(name, version))
}

/// The service an unauthenticated request most likely meant, for the error's namespace.
pub fn guess_service(action: Option<&str>, version: Option<&str>) -> Service {
    if version == Some(Service::Iam.api_version()) {
        return Service::Iam;
    }
    match action {
        Some(name) if Operation::find(Service::Iam, name).is_some() => Service::Iam,
        _ => Service::Sts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_service_action_and_version() {
        assert_eq!(
            route(Service::Sts, Some("AssumeRole"), Some("2011-06-15")).unwrap(),
            Operation::AssumeRole
        );
        assert_eq!(
            route(Service::Iam, Some("CreateRole"), Some("2010-05-08")).unwrap(),
            Operation::CreateRole
        );
        let wrong_service =
            route(Service::Sts, Some("CreateRole"), Some("2011-06-15")).unwrap_err();
        assert_eq!(
            wrong_service.message.as_deref(),
            Some("Could not find operation CreateRole for version 2011-06-15")
        );
        let no_version = route(Service::Sts, Some("AssumeRole"), None).unwrap_err();
        assert_eq!(no_version.code, "InvalidAction");
        assert_eq!(no_version.status, 400);
    }
}
