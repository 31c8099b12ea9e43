//! AWS account ids: exactly twelve ASCII digits.

use std::fmt;
use std::str::FromStr;

/// A 12-digit AWS account id, kept as text because leading zeros are significant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

/// Why a string is not an account id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a 12-digit account id")]
pub struct AccountIdError(pub String);

impl AccountId {
    /// Whether `text` has the shape of an account id.
    pub fn is_valid(text: &str) -> bool {
        text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AccountId {
    type Err = AccountIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if Self::is_valid(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err(AccountIdError(text.to_owned()))
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_twelve_digits_only() {
        assert!("000000000000".parse::<AccountId>().is_ok());
        assert!("12345678901".parse::<AccountId>().is_err());
        assert!("1234567890123".parse::<AccountId>().is_err());
        assert!("12345678901a".parse::<AccountId>().is_err());
    }
}
