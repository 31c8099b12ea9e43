//! Member constraints from botocore's copies of the AWS models (`sts/2011-06-15`,
//! `iam/2010-05-08`, snapshot 2026-08-07), one constant per model shape, so that actions
//! declare members the way the model does and the numbers live in one place.
//! Where live AWS disagrees with the model, the observed value wins and is marked.

/// STS shapes.
pub mod sts {
    use crate::{IntRule, Pattern, StringRule};

    /// `arnType`: 20..2048, ARN characters.
    pub const ARN: StringRule = StringRule::length(20, 2048).pattern(Pattern::ArnChars);
    /// `roleSessionNameType`: 2..64.
    pub const ROLE_SESSION_NAME: StringRule =
        StringRule::length(2, 64).pattern(Pattern::RoleSessionName);
    /// `sourceIdentityType`. The model says 2..64; live STS accepts 256 characters and rejects
    /// 257 with "less than or equal to 256" (Argmin's oracle, 2026-07-19), so 256 it is.
    pub const SOURCE_IDENTITY: StringRule =
        StringRule::length(2, 256).pattern(Pattern::RoleSessionName);
    /// `externalIdType`: 2..1224.
    pub const EXTERNAL_ID: StringRule = StringRule::length(2, 1224).pattern(Pattern::ExternalId);
    /// `serialNumberType`: 9..256.
    pub const SERIAL_NUMBER: StringRule = StringRule::length(9, 256).pattern(Pattern::SerialNumber);
    /// `tokenCodeType`: exactly 6 digits.
    pub const TOKEN_CODE: StringRule = StringRule::length(6, 6).pattern(Pattern::TokenCode);
    /// `unrestrictedSessionPolicyDocumentType` (AssumeRole `Policy`): min 1, no max.
    pub const UNRESTRICTED_SESSION_POLICY: StringRule =
        StringRule::at_least(1).pattern(Pattern::PolicyDocument);
    /// `sessionPolicyDocumentType` (SAML, WebIdentity, GetFederationToken `Policy`): 1..2048.
    pub const SESSION_POLICY: StringRule =
        StringRule::length(1, 2048).pattern(Pattern::PolicyDocument);
    /// `tagKeyType`: 1..128.
    pub const TAG_KEY: StringRule = StringRule::length(1, 128).pattern(Pattern::TagKey);
    /// `tagValueType`: 0..256.
    pub const TAG_VALUE: StringRule = StringRule::length(0, 256).pattern(Pattern::TagValue);
    /// `tagListType` / `tagKeyListType`: at most 50.
    pub const MAX_TAGS: usize = 50;
    /// `roleDurationSecondsType`: 900..43200.
    pub const ROLE_DURATION_SECONDS: IntRule = IntRule::range(900, 43200);
    /// `durationSecondsType` (GetSessionToken, GetFederationToken): 900..129600.
    pub const DURATION_SECONDS: IntRule = IntRule::range(900, 129_600);
    /// `userNameType` (GetFederationToken `Name`): 2..32.
    pub const FEDERATED_USER_NAME: StringRule =
        StringRule::length(2, 32).pattern(Pattern::RoleSessionName);
    /// `accessKeyIdType` (GetAccessKeyInfo): 16..128.
    pub const ACCESS_KEY_ID: StringRule = StringRule::length(16, 128).pattern(Pattern::Word);
    /// `encodedMessageType`: 1..10240.
    pub const ENCODED_MESSAGE: StringRule = StringRule::length(1, 10240);
    /// `clientTokenType` (WebIdentityToken): 4..20000.
    pub const WEB_IDENTITY_TOKEN: StringRule = StringRule::length(4, 20000);
    /// `SAMLAssertionType`: 4..100000.
    pub const SAML_ASSERTION: StringRule = StringRule::length(4, 100_000);
    /// `urlType` (ProviderId): 4..2048.
    pub const PROVIDER_ID: StringRule = StringRule::length(4, 2048);
}

/// IAM shapes.
pub mod iam {
    use crate::{IntRule, Pattern, StringRule};

    /// `arnType`: 20..2048 (IAM's model has no pattern).
    pub const ARN: StringRule = StringRule::length(20, 2048);
    /// `roleNameType`: 1..64.
    pub const ROLE_NAME: StringRule = StringRule::length(1, 64).pattern(Pattern::EntityName);
    /// `userNameType`: 1..64.
    pub const USER_NAME: StringRule = StringRule::length(1, 64).pattern(Pattern::EntityName);
    /// `existingUserNameType`: 1..128.
    pub const EXISTING_USER_NAME: StringRule =
        StringRule::length(1, 128).pattern(Pattern::EntityName);
    /// `groupNameType` / `instanceProfileNameType` / `entityNameType`: 1..128.
    pub const ENTITY_NAME: StringRule = StringRule::length(1, 128).pattern(Pattern::EntityName);
    /// `policyNameType`: 1..128.
    pub const POLICY_NAME: StringRule = StringRule::length(1, 128).pattern(Pattern::EntityName);
    /// `pathType`: 1..512.
    pub const PATH: StringRule = StringRule::length(1, 512).pattern(Pattern::Path);
    /// `pathPrefixType`: 1..512.
    pub const PATH_PREFIX: StringRule = StringRule::length(1, 512).pattern(Pattern::PathPrefix);
    /// `policyPathType`: 1..512.
    pub const POLICY_PATH: StringRule = StringRule::length(1, 512).pattern(Pattern::PolicyPath);
    /// `policyDocumentType`: 1..131072.
    pub const POLICY_DOCUMENT: StringRule =
        StringRule::length(1, 131_072).pattern(Pattern::PolicyDocument);
    /// `roleDescriptionType`: 0..1000.
    pub const ROLE_DESCRIPTION: StringRule =
        StringRule::length(0, 1000).pattern(Pattern::RoleDescription);
    /// `policyDescriptionType`: 0..1000, no pattern.
    pub const POLICY_DESCRIPTION: StringRule = StringRule::length(0, 1000);
    /// `roleMaxSessionDurationType`: 3600..43200.
    pub const ROLE_MAX_SESSION_DURATION: IntRule = IntRule::range(3600, 43200);
    /// `maxItemsType`: 1..1000.
    pub const MAX_ITEMS: IntRule = IntRule::range(1, 1000);
    /// CreateServiceLinkedRole's `AWSServiceName` (`groupNameType`): 1..128, `[\w+=,.@-]+`.
    pub const AWS_SERVICE_NAME: StringRule =
        StringRule::length(1, 128).pattern(Pattern::EntityName);
    /// CreateServiceLinkedRole's `CustomSuffix` (`customSuffixType`): 1..64, `[\w+=,.@-]+`.
    pub const CUSTOM_SUFFIX: StringRule = StringRule::length(1, 64).pattern(Pattern::EntityName);
    /// `DeletionTaskIdType`: 1..1000, no pattern.
    pub const DELETION_TASK_ID: StringRule = StringRule::length(1, 1000);
    /// `markerType`: 1..320.
    pub const MARKER: StringRule = StringRule::length(1, 320).pattern(Pattern::Marker);
    /// `policyVersionIdType`: pattern only.
    pub const POLICY_VERSION_ID: StringRule = StringRule::ANY.pattern(Pattern::PolicyVersionId);
    /// `accessKeyIdType`: 16..128.
    pub const ACCESS_KEY_ID: StringRule = StringRule::length(16, 128).pattern(Pattern::Word1);
    /// `serialNumberType`: 9..256.
    pub const SERIAL_NUMBER: StringRule =
        StringRule::length(9, 256).pattern(Pattern::SerialNumber1);
    /// `authenticationCodeType`: exactly 6 digits.
    pub const AUTHENTICATION_CODE: StringRule =
        StringRule::length(6, 6).pattern(Pattern::AuthenticationCode);
    /// `virtualMFADeviceName`: min 1.
    pub const VIRTUAL_MFA_DEVICE_NAME: StringRule =
        StringRule::at_least(1).pattern(Pattern::EntityName);
    /// `tagKeyType`: 1..128.
    pub const TAG_KEY: StringRule = StringRule::length(1, 128).pattern(Pattern::TagKey);
    /// `tagValueType`: 0..256.
    pub const TAG_VALUE: StringRule = StringRule::length(0, 256).pattern(Pattern::TagValue);
    /// `tagListType` / `tagKeyListType`: at most 50.
    pub const MAX_TAGS: usize = 50;
    /// `OpenIDConnectProviderUrlType` / `clientIDType`: 1..255.
    pub const OIDC_URL: StringRule = StringRule::length(1, 255);
    /// `clientIDType`: 1..255.
    pub const CLIENT_ID: StringRule = StringRule::length(1, 255);
    /// `thumbprintType`: exactly 40.
    pub const THUMBPRINT: StringRule = StringRule::length(40, 40);
    /// `SAMLProviderNameType`: 1..128.
    pub const SAML_PROVIDER_NAME: StringRule =
        StringRule::length(1, 128).pattern(Pattern::SamlProviderName);
    /// `SAMLMetadataDocumentType`: 1000..10000000.
    pub const SAML_METADATA_DOCUMENT: StringRule = StringRule::length(1000, 10_000_000);
    /// `passwordType`: 1..128, `[\u0009\u000A\u000D\u0020-\u00FF]+` (the policy documents'
    /// character class). IAM's validation texts never quote the value, so a refused password
    /// is not echoed.
    pub const PASSWORD: StringRule = StringRule::length(1, 128).pattern(Pattern::PolicyDocument);
    /// `minimumPasswordLengthType`: 6..128.
    pub const MINIMUM_PASSWORD_LENGTH: IntRule = IntRule::range(6, 128);
    /// `maxPasswordAgeType`: 1..1095 (days).
    pub const MAX_PASSWORD_AGE: IntRule = IntRule::range(1, 1095);
    /// `passwordReusePreventionType`: 1..24.
    pub const PASSWORD_REUSE_PREVENTION: IntRule = IntRule::range(1, 24);
    /// `statusType` values.
    pub const STATUS_VALUES: &[&str] = &["Active", "Inactive", "Expired"];
    /// `publicKeyMaterialType` (`SSHPublicKeyBody`): 1..16384.
    pub const PUBLIC_KEY_MATERIAL: StringRule =
        StringRule::length(1, 16_384).pattern(Pattern::PolicyDocument);
    /// `publicKeyIdType` (`SSHPublicKeyId`): 20..128.
    pub const PUBLIC_KEY_ID: StringRule = StringRule::length(20, 128).pattern(Pattern::Word1);
    /// `certificateIdType` (signing certificates): 24..128.
    pub const CERTIFICATE_ID: StringRule = StringRule::length(24, 128).pattern(Pattern::Word1);
    /// `certificateBodyType`: 1..16384.
    pub const CERTIFICATE_BODY: StringRule =
        StringRule::length(1, 16_384).pattern(Pattern::PolicyDocument);
    /// `certificateChainType`: 1..2097152.
    pub const CERTIFICATE_CHAIN: StringRule =
        StringRule::length(1, 2_097_152).pattern(Pattern::PolicyDocument);
    /// `privateKeyType`: 1..16384.
    pub const PRIVATE_KEY: StringRule =
        StringRule::length(1, 16_384).pattern(Pattern::PolicyDocument);
    /// `serverCertificateNameType`: 1..128.
    pub const SERVER_CERTIFICATE_NAME: StringRule =
        StringRule::length(1, 128).pattern(Pattern::EntityName);
    /// `serviceSpecificCredentialId`: 20..128.
    pub const SERVICE_SPECIFIC_CREDENTIAL_ID: StringRule =
        StringRule::length(20, 128).pattern(Pattern::Word1);
    /// `credentialAgeDays`: 1..36600.
    pub const CREDENTIAL_AGE_DAYS: IntRule = IntRule::range(1, 36_600);
    /// `encodingType` values.
    pub const ENCODING_VALUES: &[&str] = &["SSH", "PEM"];
}
