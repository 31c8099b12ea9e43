//! Identifiers as AWS makes them: a four-letter type prefix and base32 (`A-Z2-7`) body, and
//! secret access keys of 40 base64 characters.
//!
//! The account travels inside the id, so `GetAccessKeyInfo` (and anyone reading logs) needs no
//! lookup. The layout is AWS's, as reverse-engineered publicly (Aidan Steele, "AWS Access Key
//! ID formats", 2020; Tal Be'ery, "A short note on AWS KEY ID", 2023) and checked here against
//! real ids (`ASIAY34FZKBOKMUTVV7A` → 609629065308; role ids of one account share it): the 16
//! characters after the prefix are base32 of 10 bytes whose bits are
//! `1 | account (40 bits) | random (39 bits)`. Pre-2019 AWS keys (flag bit 0, e.g.
//! `AKIAIOSFODNN7EXAMPLE`) carry no account. Unique ids (`AROA…`, `AIDA…`) are 21 characters:
//! the same 16 plus one random character.

use base64::Engine;
use zeroize::Zeroizing;

use crate::base32;
use crate::error::TokenError;
use crate::secret::SecretAccessKey;

/// The type prefixes of AWS unique identifiers (IAM User Guide, "Unique identifiers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdPrefix {
    /// `AKIA`: long-term access key.
    AccessKey,
    /// `ASIA`: temporary (STS) access key.
    TemporaryAccessKey,
    /// `AROA`: role.
    Role,
    /// `AIDA`: IAM user.
    User,
    /// `AGPA`: group.
    Group,
    /// `ANPA`: managed policy.
    ManagedPolicy,
    /// `ANVA`: managed policy version.
    PolicyVersion,
    /// `AIPA`: instance profile.
    InstanceProfile,
    /// `APKA`: public key.
    PublicKey,
    /// `ASCA`: certificate.
    Certificate,
    /// `ABIA`: STS service bearer token.
    BearerToken,
    /// `ACCA`: context-specific credential.
    ContextCredential,
}

impl IdPrefix {
    pub const ALL: [IdPrefix; 12] = [
        IdPrefix::AccessKey,
        IdPrefix::TemporaryAccessKey,
        IdPrefix::Role,
        IdPrefix::User,
        IdPrefix::Group,
        IdPrefix::ManagedPolicy,
        IdPrefix::PolicyVersion,
        IdPrefix::InstanceProfile,
        IdPrefix::PublicKey,
        IdPrefix::Certificate,
        IdPrefix::BearerToken,
        IdPrefix::ContextCredential,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            IdPrefix::AccessKey => "AKIA",
            IdPrefix::TemporaryAccessKey => "ASIA",
            IdPrefix::Role => "AROA",
            IdPrefix::User => "AIDA",
            IdPrefix::Group => "AGPA",
            IdPrefix::ManagedPolicy => "ANPA",
            IdPrefix::PolicyVersion => "ANVA",
            IdPrefix::InstanceProfile => "AIPA",
            IdPrefix::PublicKey => "APKA",
            IdPrefix::Certificate => "ASCA",
            IdPrefix::BearerToken => "ABIA",
            IdPrefix::ContextCredential => "ACCA",
        }
    }

    /// The prefix `id` starts with, if it is one of ours.
    pub fn of(id: &str) -> Option<IdPrefix> {
        let head = id.get(..4)?;
        IdPrefix::ALL.into_iter().find(|p| p.as_str() == head)
    }

    /// Total length of ids of this kind: 20 for keys and tokens, 21 for entity ids.
    pub const fn id_len(self) -> usize {
        match self {
            IdPrefix::AccessKey
            | IdPrefix::TemporaryAccessKey
            | IdPrefix::BearerToken
            | IdPrefix::ContextCredential => 20,
            _ => 21,
        }
    }
}

const ACCOUNT_MAX: u64 = 999_999_999_999;

pub(crate) fn parse_account(account_id: &str) -> Result<u64, TokenError> {
    if !rolegate_types::AccountId::is_valid(account_id) {
        return Err(TokenError::InvalidAccountId(account_id.to_owned()));
    }
    account_id
        .parse()
        .map_err(|_| TokenError::InvalidAccountId(account_id.to_owned()))
}

/// Random bytes an identifier takes: 39 bits for the body, 5 more for the 21st character.
pub(crate) const ID_RANDOM_LEN: usize = 6;
/// Random bytes a secret access key takes.
pub(crate) const SECRET_RANDOM_LEN: usize = 30;

/// The identifier of kind `prefix` for `account` (already checked to be 12 digits) built from
/// `random`.
pub(crate) fn unique_id_from(
    prefix: IdPrefix,
    account: u64,
    random: &[u8; ID_RANDOM_LEN],
) -> String {
    let [r0, r1, r2, r3, r4, r5] = *random;
    // Bits, high to low: 1 | account (40) | random (39).
    let high: u64 = (1 << 47) | (account << 7) | u64::from(r0 & 0x7F);
    let [_, _, h0, h1, h2, h3, h4, h5] = high.to_be_bytes();
    let body = [h0, h1, h2, h3, h4, h5, r1, r2, r3, r4];
    let mut id = String::with_capacity(prefix.id_len());
    id.push_str(prefix.as_str());
    base32::encode_into(&body, &mut id);
    if prefix.id_len() == 21 {
        // The top five bits of the last random byte.
        id.push(base32::symbol(u32::from(r5 >> 3)));
    }
    id
}

/// A new identifier of kind `prefix` that encodes `account_id`.
pub fn new_unique_id(prefix: IdPrefix, account_id: &str) -> Result<String, TokenError> {
    let account = parse_account(account_id)?;
    let mut random = [0u8; ID_RANDOM_LEN];
    aws_lc_rs::rand::fill(&mut random)?;
    Ok(unique_id_from(prefix, account, &random))
}

/// A new long-term access key id (`AKIA…`, 20 characters) for `account_id`.
pub fn new_access_key_id(account_id: &str) -> Result<String, TokenError> {
    new_unique_id(IdPrefix::AccessKey, account_id)
}

/// A new temporary access key id (`ASIA…`, 20 characters) for `account_id`.
pub fn new_temporary_access_key_id(account_id: &str) -> Result<String, TokenError> {
    new_unique_id(IdPrefix::TemporaryAccessKey, account_id)
}

/// The account encoded in an access key id or unique id, as `GetAccessKeyInfo` returns it:
/// `None` if the id is too short, not base32 after its 4-letter prefix, or carries no account
/// (old-format keys).
pub fn account_of_access_key(id: &str) -> Option<String> {
    let prefix = id.get(..4)?;
    if !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let body = id.get(4..20)?;
    if !id
        .bytes()
        .skip(4)
        .all(|b| base32::value(b).is_some() && !b.is_ascii_lowercase())
    {
        return None;
    }
    let bytes = base32::decode(body)?;
    let mut high = [0u8; 8];
    high.get_mut(2..)?.copy_from_slice(bytes.get(..6)?);
    let high = u64::from_be_bytes(high);
    if high >> 47 != 1 {
        return None;
    }
    let account = (high >> 7) & ((1 << 40) - 1);
    (account <= ACCOUNT_MAX).then(|| format!("{account:012}"))
}

/// A new secret access key: 30 random bytes in standard base64, 40 characters.
pub fn new_secret_access_key() -> Result<SecretAccessKey, TokenError> {
    let mut bytes = Zeroizing::new([0u8; SECRET_RANDOM_LEN]);
    aws_lc_rs::rand::fill(bytes.as_mut())?;
    Ok(secret_from(&bytes))
}

/// The secret access key spelled by `random`. `encode` sizes the string exactly and writes
/// into it directly, so no other copy of the secret text is left behind.
pub(crate) fn secret_from(random: &[u8; SECRET_RANDOM_LEN]) -> SecretAccessKey {
    SecretAccessKey::new(base64::engine::general_purpose::STANDARD.encode(random))
}

#[cfg(test)]
#[allow(clippy::string_slice, reason = "test data is ASCII")]
mod tests {
    use super::*;

    fn is_base32(s: &str) -> bool {
        s.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    }

    #[test]
    fn decodes_real_aws_ids() {
        assert_eq!(
            account_of_access_key("ASIAY34FZKBOKMUTVV7A").as_deref(),
            Some("609629065308")
        );
        assert_eq!(
            account_of_access_key("AROAYPXUTY366A64RGEM4").as_deref(),
            Some("583554811645")
        );
        assert_eq!(
            account_of_access_key("AKIAIOSFODNN7EXAMPLE"),
            None,
            "old format"
        );
        assert_eq!(account_of_access_key("AKIA"), None);
        assert_eq!(account_of_access_key("AKIAY34FZKBOKMUTVV7"), None);
        assert_eq!(account_of_access_key("akiaY34FZKBOKMUTVV7A"), None);
        assert_eq!(account_of_access_key("AKIAY34FZKBOKMUTVV71"), None);
        assert_eq!(account_of_access_key("AKIAÉ34FZKBOKMUTVV7A"), None);
    }

    #[test]
    fn ids_have_aws_shape_and_carry_the_account() {
        for prefix in IdPrefix::ALL {
            for account in [
                "000000000000",
                "123456789012",
                "999999999999",
                "609629065308",
            ] {
                let id = new_unique_id(prefix, account).unwrap();
                assert!(id.starts_with(prefix.as_str()), "{id}");
                assert_eq!(id.len(), prefix.id_len(), "{id}");
                assert!(is_base32(&id[4..]), "{id}");
                assert_eq!(IdPrefix::of(&id), Some(prefix));
                assert_eq!(account_of_access_key(&id).as_deref(), Some(account), "{id}");
            }
        }
        assert_eq!(new_access_key_id("123456789012").unwrap().len(), 20);
        assert!(
            new_temporary_access_key_id("123456789012")
                .unwrap()
                .starts_with("ASIA")
        );
        assert_ne!(
            new_access_key_id("123456789012").unwrap(),
            new_access_key_id("123456789012").unwrap()
        );
    }

    /// `unique_id_from` spells ids exactly as the first implementation did (which formatted the
    /// body and the 21st character through separate base32 strings).
    #[test]
    fn ids_are_spelled_as_before() {
        fn reference(prefix: IdPrefix, account: u64, r: [u8; 6]) -> String {
            let high: u64 = (1 << 47) | (account << 7) | u64::from(r[0] & 0x7F);
            let mut body = [0u8; 10];
            body[..6].copy_from_slice(&high.to_be_bytes()[2..]);
            body[6..].copy_from_slice(&r[1..5]);
            let mut id = format!("{}{}", prefix.as_str(), base32::encode(&body));
            if prefix.id_len() == 21 {
                id.push_str(&base32::encode(&[r[5]])[..1]);
            }
            id
        }
        let mut random = [0u8; ID_RANDOM_LEN];
        for round in 0..200u32 {
            aws_lc_rs::rand::fill(&mut random).unwrap();
            if round == 0 {
                random = [0xFF; ID_RANDOM_LEN];
            }
            for prefix in IdPrefix::ALL {
                for account in [0, 123_456_789_012, ACCOUNT_MAX] {
                    assert_eq!(
                        unique_id_from(prefix, account, &random),
                        reference(prefix, account, random)
                    );
                }
            }
        }
    }

    #[test]
    fn secret_from_is_base64_of_its_bytes() {
        let bytes = [0xA5u8; SECRET_RANDOM_LEN];
        assert_eq!(
            secret_from(&bytes).expose(),
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
    }

    #[test]
    fn rejects_bad_accounts() {
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "+12345678901",
        ] {
            assert_eq!(
                new_access_key_id(bad),
                Err(TokenError::InvalidAccountId(bad.into()))
            );
        }
    }

    #[test]
    fn secrets_look_like_aws_secrets() {
        let a = new_secret_access_key().unwrap();
        let b = new_secret_access_key().unwrap();
        assert_eq!(a.expose().len(), 40);
        assert!(
            a.expose()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
        );
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "SecretAccessKey(<redacted>)");
    }
}
