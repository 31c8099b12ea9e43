//! Console passwords: what the account password policy (or, without one, AWS's default policy)
//! accepts, and Argon2id hashing. A password is kept only as a PHC string (algorithm,
//! parameters, random salt and hash); checking one against it is argon2's own verification,
//! which compares in constant time. Hashing is deliberately slow, so it runs on the blocking
//! pool, never on a worker's event loop.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use rolegate_store::{LoginProfile, PasswordPolicy};
use time::OffsetDateTime;

use crate::error::Error;

/// The characters `RequireSymbols` counts (the model's documentation of the member):
/// `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`. Other punctuation is allowed in a password but is
/// no symbol for the policy.
const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// The character classes a password contains (Latin letters and digits only, as the policy's
/// documentation defines them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Classes {
    uppercase: bool,
    lowercase: bool,
    number: bool,
    symbol: bool,
}

impl Classes {
    fn of(password: &str) -> Self {
        let mut classes = Self::default();
        for c in password.chars() {
            classes.uppercase |= c.is_ascii_uppercase();
            classes.lowercase |= c.is_ascii_lowercase();
            classes.number |= c.is_ascii_digit();
            classes.symbol |= SYMBOLS.contains(c);
        }
        classes
    }

    fn count(self) -> usize {
        [self.uppercase, self.lowercase, self.number, self.symbol]
            .into_iter()
            .filter(|&has| has)
            .count()
    }
}

/// Whether `password` meets the account's policy: its minimum length and character classes, or
/// without a policy AWS's default one (IAM User Guide, "Set an account password policy for IAM
/// users": at least 8 characters, three of the four classes, not the account's name). Reuse
/// is checked against the stored history separately ([`matches_any`]).
pub fn conforms(policy: Option<&PasswordPolicy>, password: &str, account_name: &str) -> bool {
    let length = password.chars().count();
    let classes = Classes::of(password);
    match policy {
        Some(policy) => {
            usize::try_from(policy.minimum_password_length).is_ok_and(|min| length >= min)
                && (!policy.require_uppercase_characters || classes.uppercase)
                && (!policy.require_lowercase_characters || classes.lowercase)
                && (!policy.require_numbers || classes.number)
                && (!policy.require_symbols || classes.symbol)
        }
        None => length >= 8 && classes.count() >= 3 && password != account_name,
    }
}

/// When the profile's password passes the policy's `MaxPasswordAge` (`None`: never).
pub fn expires_at(
    policy: Option<&PasswordPolicy>,
    profile: &LoginProfile,
) -> Option<OffsetDateTime> {
    policy
        .and_then(|p| p.max_password_age)
        .map(|days| profile.password_changed_at + time::Duration::days(days.into()))
}

/// Whether the profile's password is past the policy's `MaxPasswordAge` at `now`.
pub fn expired(
    policy: Option<&PasswordPolicy>,
    profile: &LoginProfile,
    now: OffsetDateTime,
) -> bool {
    expires_at(policy, profile).is_some_and(|at| at <= now)
}

/// The Argon2id PHC string of `password`, with a fresh random salt.
pub async fn hash(password: &str) -> Result<String, Error> {
    let password = password.to_owned();
    blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(Error::internal)
    })
    .await?
}

/// Whether `password` is the one `hash` was made from. A stored hash that cannot be read is a
/// server fault, not a mismatch.
pub async fn verify(password: &str, hash: &str) -> Result<bool, Error> {
    matches_any(password, vec![hash.to_owned()]).await
}

/// Whether `password` is any of the passwords `hashes` were made from (reuse prevention).
pub async fn matches_any(password: &str, hashes: Vec<String>) -> Result<bool, Error> {
    if hashes.is_empty() {
        return Ok(false);
    }
    let password = password.to_owned();
    blocking(move || {
        for hash in &hashes {
            match Argon2::default().verify_password(password.as_bytes(), hash.as_str()) {
                Ok(()) => return Ok(true),
                Err(argon2::password_hash::Error::PasswordInvalid) => {}
                Err(error) => {
                    return Err(Error::internal(format!("stored password hash: {error}")));
                }
            }
        }
        Ok(false)
    })
    .await?
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn the_policy_counts_length_and_each_required_class() {
        let six = policy();
        assert!(conforms(Some(&six), "abcdef", "acct"));
        assert!(!conforms(Some(&six), "abcde", "acct"));
        // Length is in characters, not bytes.
        assert!(conforms(Some(&six), "ééééé\u{e9}", "acct"));
        let strict = PasswordPolicy {
            minimum_password_length: 8,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            ..policy()
        };
        assert!(conforms(Some(&strict), "Abcdef1!", "acct"));
        assert!(!conforms(Some(&strict), "abcdef1!", "acct"), "no uppercase");
        assert!(!conforms(Some(&strict), "ABCDEF1!", "acct"), "no lowercase");
        assert!(!conforms(Some(&strict), "Abcdefg!", "acct"), "no number");
        assert!(!conforms(Some(&strict), "Abcdefg1", "acct"), "no symbol");
        // Only AWS's symbol set counts: `.`, `~`, a space or `é` are no symbols.
        for other in [".", "~", " ", "é", "\"", "<"] {
            assert!(
                !conforms(Some(&strict), &format!("Abcdef1{other}"), "acct"),
                "{other:?}"
            );
        }
        for symbol in SYMBOLS.chars() {
            assert!(
                conforms(Some(&strict), &format!("Abcdef1{symbol}"), "acct"),
                "{symbol}"
            );
        }
    }

    #[test]
    fn without_a_policy_aws_default_applies() {
        assert!(conforms(None, "Abcdefg1", "acct"), "three classes");
        assert!(conforms(None, "abcdef1!", "acct"));
        assert!(!conforms(None, "abcdefg1", "acct"), "two classes");
        assert!(!conforms(None, "Abcde1!", "acct"), "seven characters");
        assert!(
            !conforms(None, "Prod-acct1", "Prod-acct1"),
            "the account's name"
        );
    }

    #[test]
    fn passwords_expire_after_the_maximum_age() {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let profile = LoginProfile {
            account_id: "111122223333".into(),
            user_name: "u".into(),
            password_hash: String::new(),
            password_reset_required: false,
            created_at: at,
            password_changed_at: at,
        };
        let ninety = PasswordPolicy {
            max_password_age: Some(90),
            ..policy()
        };
        let day = time::Duration::days(1);
        assert!(!expired(Some(&ninety), &profile, at + day * 89));
        assert!(expired(Some(&ninety), &profile, at + day * 90));
        assert!(!expired(Some(&policy()), &profile, at + day * 10_000));
        assert!(!expired(None, &profile, at + day * 10_000));
    }

    #[tokio::test]
    async fn hashes_are_salted_and_verify_only_their_password() {
        let one = hash("Correct horse 1!").await.unwrap();
        let two = hash("Correct horse 1!").await.unwrap();
        assert!(one.starts_with("$argon2id$"), "{one}");
        assert_ne!(one, two, "a fresh salt each time");
        assert!(!one.contains("Correct horse"));
        assert!(verify("Correct horse 1!", &one).await.unwrap());
        assert!(!verify("Correct horse 2!", &one).await.unwrap());
        assert!(
            matches_any("Correct horse 1!", vec![two.clone(), one])
                .await
                .unwrap()
        );
        assert!(!matches_any("other", vec![two]).await.unwrap());
        assert!(!matches_any("other", vec![]).await.unwrap());
        assert!(verify("x", "not a hash").await.is_err());
    }
}
