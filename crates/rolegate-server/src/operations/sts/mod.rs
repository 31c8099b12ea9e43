//! STS actions, one file each, and what they share: the `Credentials` element and the MFA
//! code check.

pub mod assume_role;
pub mod get_access_key_info;
pub mod get_caller_identity;
pub mod get_session_token;

use rolegate_protocol::{AwsError, ShapeWriter};

use crate::credentials::{Minted, totp_step};
use crate::error::Error;
use crate::operation::Ctx;

/// AWS's texts for MFA failures in STS.
const MFA_INVALID_CODE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
const MFA_BOTH_REQUIRED: &str =
    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.";

/// `<Credentials>` as STS writes it; the audit log shows neither the secret nor the token.
fn write_credentials(w: &mut impl ShapeWriter, minted: &Minted) {
    w.structure("Credentials", |w| {
        w.string("AccessKeyId", &minted.access_key_id);
        w.secret("SecretAccessKey", &minted.secret_access_key);
        w.secret("SessionToken", &minted.session_token);
        w.timestamp("Expiration", minted.expiration);
    });
}

/// Checks `SerialNumber` + `TokenCode` against the caller's own virtual MFA device (each code
/// accepted once). Returns whether MFA was proven (`false` when neither was given).
async fn check_mfa(ctx: &Ctx<'_>, serial: Option<&str>, code: Option<&str>) -> Result<bool, Error> {
    let (serial, code) = match (serial, code) {
        (None, None) => return Ok(false),
        (Some(serial), Some(code)) => (serial, code),
        _ => return Err(AwsError::access_denied(MFA_BOTH_REQUIRED).into()),
    };
    let invalid = || AwsError::access_denied(MFA_INVALID_CODE);
    let device = match ctx.store().get_mfa_device(serial).await {
        Ok(device) => device,
        Err(rolegate_store::StoreError::NotFound { .. }) => return Err(invalid().into()),
        Err(e) => return Err(e.into()),
    };
    let owned_by_caller = device.account_id == ctx.caller.account.id
        && device.user_name.is_some()
        && device.user_name.as_deref().map(str::to_ascii_lowercase)
            == ctx.caller.user_name.as_deref().map(str::to_ascii_lowercase);
    if !owned_by_caller {
        return Err(invalid().into());
    }
    let seed = ctx
        .state
        .sealer
        .open_secret(&device.seed_sealed, &device.serial_number)
        .map_err(Error::internal)?;
    let seed = crate::credentials::decode_seed(&seed).ok_or_else(invalid)?;
    let step = totp_step(&seed, code, ctx.facts.now.unix_timestamp()).ok_or_else(invalid)?;
    if ctx.store().use_mfa_step(serial, step).await? {
        Ok(true)
    } else {
        Err(invalid().into())
    }
}
