//! Virtual MFA devices, one file per action. Seeds are sealed at rest; STS checks codes against
//! them (`SerialNumber` + `TokenCode`), each code accepted once.

pub mod create_virtual_mfa_device;
pub mod deactivate_mfa_device;
pub mod delete_virtual_mfa_device;
pub mod enable_mfa_device;
pub mod list_mfa_devices;
pub mod list_virtual_mfa_devices;
pub mod qr_code;
pub mod resync_mfa_device;

use rolegate_protocol::AwsError;
use rolegate_store::MfaDevice;

use crate::credentials;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::Ctx;

/// `InvalidAuthenticationCode`: the text AWS gives for codes that do not prove the device.
pub const INVALID_CODE: &str = "Authentication code for device is not valid.";

/// The device `serial` of the caller's account with its seed opened; another account's device
/// does not exist for this caller.
pub async fn device_with_seed(ctx: &Ctx<'_>, serial: &str) -> Result<(MfaDevice, Vec<u8>), Error> {
    let device = ctx
        .store()
        .get_mfa_device(serial)
        .await
        .found()?
        .filter(|device| device.account_id == ctx.account_id())
        .ok_or_else(|| Error::from(AwsError::no_such_entity(texts::no_such_device(serial))))?;
    let seed = ctx
        .state
        .sealer
        .open_secret(&device.seed_sealed, &device.serial_number)
        .map_err(Error::internal)?;
    let seed = credentials::decode_seed(&seed).ok_or_else(|| Error::internal("MFA seed"))?;
    Ok((device, seed))
}

/// The step of the first of two consecutive codes among the last few steps: proof that the
/// device is in sync (EnableMFADevice, ResyncMFADevice).
pub fn consecutive_codes(seed: &[u8], now_step: u64, code1: &str, code2: &str) -> Option<u64> {
    (now_step.saturating_sub(3)..=now_step).find(|&step| {
        credentials::totp_code(seed, step) == code1
            && credentials::totp_code(seed, step + 1) == code2
    })
}

/// The current TOTP step.
pub fn now_step(ctx: &Ctx<'_>) -> u64 {
    u64::try_from(ctx.facts.now.unix_timestamp()).unwrap_or(0) / 30
}
