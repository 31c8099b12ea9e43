//! STS actions, one file each, and what they share: the `Credentials` element and the MFA
//! code check.

pub mod assume_role;
pub mod get_access_key_info;
pub mod get_caller_identity;
pub mod get_session_token;

use rolegate_protocol::{AwsError, XmlWriter};
use serde::Serialize;

use crate::actions::Ctx;
use crate::credentials::{Minted, totp_step};
use rolegate_protocol::format_timestamp;

/// AWS's texts for MFA failures in STS.
const MFA_INVALID_CODE: &str =
    "MultiFactorAuthentication failed with invalid MFA one time pass code. ";
const MFA_BOTH_REQUIRED: &str =
    "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.";

/// `<Credentials>` as STS writes it.
fn write_credentials(w: &mut XmlWriter, minted: &Minted) {
    w.nested("Credentials", |w| {
        w.element("AccessKeyId", &minted.access_key_id);
        w.element("SecretAccessKey", &minted.secret_access_key);
        w.element("SessionToken", &minted.session_token);
        w.timestamp("Expiration", minted.expiration);
    });
}

/// What the audit log shows of credentials: never the secret or the token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditCredentials<'a> {
    access_key_id: &'a str,
    expiration: String,
}

fn audit_credentials(minted: &Minted) -> AuditCredentials<'_> {
    AuditCredentials {
        access_key_id: &minted.access_key_id,
        expiration: format_timestamp(minted.expiration),
    }
}

/// Checks `SerialNumber` + `TokenCode` against the caller's own virtual MFA device (each code
/// accepted once). Returns whether MFA was proven (`false` when neither was given).
async fn check_mfa(
    ctx: &Ctx<'_>,
    serial: Option<&str>,
    code: Option<&str>,
) -> Result<bool, AwsError> {
    let (serial, code) = match (serial, code) {
        (None, None) => return Ok(false),
        (Some(serial), Some(code)) => (serial, code),
        _ => return Err(AwsError::access_denied(MFA_BOTH_REQUIRED)),
    };
    let invalid = || AwsError::access_denied(MFA_INVALID_CODE);
    let device = match ctx.state.store.get_mfa_device(serial).await {
        Ok(device) => device,
        Err(rolegate_store::StoreError::NotFound { .. }) => return Err(invalid()),
        Err(e) => return Err(crate::respond::internal(&e)),
    };
    let owned_by_caller = device.account_id == ctx.caller.account.id
        && device.user_name.is_some()
        && device.user_name.as_deref().map(str::to_ascii_lowercase)
            == ctx.caller.user_name.as_deref().map(str::to_ascii_lowercase);
    if !owned_by_caller {
        return Err(invalid());
    }
    let seed = ctx
        .state
        .sealer
        .open_secret(&device.seed_sealed, &device.serial_number)
        .map_err(|e| crate::respond::internal(&e))?;
    let seed = crate::credentials::decode_seed(&seed).ok_or_else(invalid)?;
    let step = totp_step(&seed, code, ctx.facts.now.unix_timestamp()).ok_or_else(invalid)?;
    let fresh = ctx
        .state
        .store
        .use_mfa_step(serial, step)
        .await
        .map_err(|e| crate::respond::internal(&e))?;
    if fresh { Ok(true) } else { Err(invalid()) }
}
