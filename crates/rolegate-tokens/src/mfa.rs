//! Virtual MFA devices: TOTP as AWS uses it (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps)
//! on `totp-rs` (default features only: no QR or URL generation here; `CreateVirtualMFADevice`'s
//! PNG is the server's business). A check returns the matched time step so the caller can
//! refuse a code that was already used — AWS accepts each code once.
//!
//! Accepted window: the current step and one on either side (clock drift). AWS does not
//! publish its window; one step is the RFC 6238 recommendation.

use totp_rs::{Algorithm, Builder};

use crate::base32;
use crate::error::TokenError;

/// Seconds per TOTP step.
pub const STEP_SECONDS: u64 = 30;
/// Steps accepted on either side of the current one.
pub const SKEW_STEPS: u16 = 1;
/// Digits of an AWS MFA code.
pub const DIGITS: usize = 6;

fn totp(seed: &[u8], digits: usize) -> totp_rs::Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(u8::try_from(digits).unwrap_or(6))
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(seed.to_vec())
        .build_noncompliant()
}

/// A new 160-bit seed as base32 text (32 characters), as AWS's virtual MFA devices hand out.
pub fn new_seed() -> Result<String, TokenError> {
    let mut bytes = [0u8; 20];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| TokenError::Crypto)?;
    Ok(base32::encode(&bytes))
}

/// Decodes an MFA device seed as AWS hands it out (`Base32StringSeed`).
pub fn decode_seed(base32_seed: &str) -> Result<Vec<u8>, TokenError> {
    match base32::decode(base32_seed) {
        Some(seed) if !seed.is_empty() => Ok(seed),
        _ => Err(TokenError::InvalidSeed),
    }
}

/// The 6-digit code for `seed` at `unix_time`.
pub fn code_at(seed: &[u8], unix_time: u64) -> String {
    totp(seed, DIGITS).generate(unix_time).to_string()
}

/// The matched time step if `code` is valid for `seed` at `unix_time` (±[`SKEW_STEPS`]).
/// Only 6 ASCII digits can match.
pub fn check(seed: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(seed, DIGITS).check(code, unix_time)
}

/// [`check`], refusing reuse: the matched step must be later than `last_used_step`, the step
/// the device last accepted (persisted by the caller, who stores the returned step).
pub fn check_fresh(
    seed: &[u8],
    code: &str,
    unix_time: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    check(seed, code, unix_time).filter(|&step| last_used_step.is_none_or(|last| step > last))
}

#[cfg(test)]
#[allow(clippy::string_slice, reason = "test data is ASCII")]
mod tests {
    #[test]
    fn new_seeds_are_32_base32_characters_and_decode_to_160_bits() {
        let seed = super::new_seed().unwrap();
        assert_eq!(seed.len(), 32);
        assert_eq!(super::decode_seed(&seed).unwrap().len(), 20);
        assert_ne!(seed, super::new_seed().unwrap());
    }

    use super::*;

    const RFC_SEED: &[u8] = b"12345678901234567890";

    /// RFC 6238 Appendix B, SHA1 column (8 digits).
    #[test]
    fn rfc6238_sha1_vectors() {
        for (time, expected) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                totp(RFC_SEED, 8).generate(time).to_string(),
                expected,
                "t={time}"
            );
            // Six digits are the same truncation, mod 10^6.
            assert_eq!(code_at(RFC_SEED, time), expected[2..], "t={time}");
        }
    }

    #[test]
    fn window_and_step() {
        let now = 1_234_567_890;
        let step = now / STEP_SECONDS;
        assert_eq!(check(RFC_SEED, &code_at(RFC_SEED, now), now), Some(step));
        assert_eq!(
            check(RFC_SEED, &code_at(RFC_SEED, now - 30), now),
            Some(step - 1)
        );
        assert_eq!(
            check(RFC_SEED, &code_at(RFC_SEED, now + 30), now),
            Some(step + 1)
        );
        assert_eq!(check(RFC_SEED, &code_at(RFC_SEED, now - 90), now), None);
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(check(RFC_SEED, bad, now), None, "{bad}");
        }
    }

    #[test]
    fn reuse_is_refused() {
        let now = 1_111_111_111;
        let code = code_at(RFC_SEED, now);
        let step = check_fresh(RFC_SEED, &code, now, None).unwrap();
        assert_eq!(check_fresh(RFC_SEED, &code, now + 5, Some(step)), None);
        let next = code_at(RFC_SEED, now + 30);
        assert_eq!(
            check_fresh(RFC_SEED, &next, now + 30, Some(step)),
            Some(step + 1)
        );
    }

    #[test]
    fn seeds_are_base32() {
        assert_eq!(
            decode_seed("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap(),
            RFC_SEED
        );
        assert_eq!(decode_seed("not base32!"), Err(TokenError::InvalidSeed));
        assert_eq!(decode_seed(""), Err(TokenError::InvalidSeed));
    }
}
