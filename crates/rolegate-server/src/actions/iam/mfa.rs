//! Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice (two consecutive codes),
//! ListMFADevices, DeactivateMFADevice. Seeds are sealed at rest; STS checks codes against
//! them (`SerialNumber` + `TokenCode`), each code accepted once.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};
use rolegate_store::{MfaDevice, StoreError};

use super::users::load_user;
use super::{OrInternal, Page, StoreResultExt, Target, default_user, iam_arn};
use crate::actions::Ctx;
use crate::credentials::{self, new_totp_seed, totp_code};

const DEVICE_EXISTS: &str = "MFADevice entity at the same path and name already exists.";
const DEVICE_IN_USE: &str = "MFA Device is already in use.";
const INVALID_CODE: &str = "Authentication code for device is not valid.";

fn no_such_device(serial: &str) -> String {
    format!("MFA Device with serial number {serial} does not exist.")
}

pub async fn create_virtual_mfa_device(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(
            params,
            "VirtualMFADeviceName",
            &model::iam::VIRTUAL_MFA_DEVICE_NAME,
        )
        .unwrap_or_default();
    let path = v.optional(params, "Path", &model::iam::PATH).unwrap_or("/");
    v.check()?;
    let serial = iam_arn(ctx.account_id(), "mfa", path, name);
    ctx.authorize("iam:CreateVirtualMFADevice", &serial)?;
    let seed = new_totp_seed().or_internal()?;
    let sealed = ctx.state.sealer.seal_secret(&seed, &serial).or_internal()?;
    let device = MfaDevice {
        serial_number: serial.clone(),
        account_id: ctx.account_id().to_owned(),
        seed_sealed: sealed,
        user_name: None,
        enabled_at: None,
        last_used_step: None,
        created_at: ctx.facts.now,
    };
    ctx.state
        .store
        .create_mfa_device(&device)
        .await
        .or_entity_exists(|| DEVICE_EXISTS.to_owned())?;
    ctx.audit_response(&serde_json::json!({"virtualMFADevice": {"serialNumber": serial}}));
    ctx.respond(|w| {
        w.nested("VirtualMFADevice", |w| {
            w.element("SerialNumber", &serial);
            // A blob member: the base32 seed text, base64-encoded on the wire.
            w.element("Base32StringSeed", &STANDARD.encode(seed.as_bytes()));
        });
    })
}

/// The device `serial` of the caller's account with its seed opened.
async fn device_with_seed(ctx: &Ctx<'_>, serial: &str) -> Result<(MfaDevice, Vec<u8>), AwsError> {
    let device = ctx
        .state
        .store
        .get_mfa_device(serial)
        .await
        .found()?
        .filter(|device| device.account_id == ctx.account_id())
        .ok_or_else(|| AwsError::no_such_entity(no_such_device(serial)))?;
    let seed = ctx
        .state
        .sealer
        .open_secret(&device.seed_sealed, &device.serial_number)
        .or_internal()?;
    let seed = credentials::decode_seed(&seed)
        .ok_or("stored MFA seed is not base32")
        .or_internal()?;
    Ok((device, seed))
}

pub async fn enable_mfa_device(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let user = v
        .required(params, "UserName", &model::iam::EXISTING_USER_NAME)
        .unwrap_or_default();
    let serial = v
        .required(params, "SerialNumber", &model::iam::SERIAL_NUMBER)
        .unwrap_or_default();
    let code1 = v
        .required(
            params,
            "AuthenticationCode1",
            &model::iam::AUTHENTICATION_CODE,
        )
        .unwrap_or_default();
    let code2 = v
        .required(
            params,
            "AuthenticationCode2",
            &model::iam::AUTHENTICATION_CODE,
        )
        .unwrap_or_default();
    v.check()?;
    ctx.authorize(
        "iam:EnableMFADevice",
        &Target::User.resource(ctx, user).await,
    )?;
    let user = load_user(ctx, user).await?;
    let (device, seed) = device_with_seed(ctx, serial).await?;
    if device.user_name.is_some() {
        return Err(AwsError::entity_already_exists(DEVICE_IN_USE));
    }
    // Two consecutive codes from the last few steps prove the device is in sync.
    let now_step = u64::try_from(ctx.facts.now.unix_timestamp()).unwrap_or(0) / 30;
    let matched = (now_step.saturating_sub(3)..=now_step)
        .find(|&step| totp_code(&seed, step) == code1 && totp_code(&seed, step + 1) == code2);
    let Some(step) = matched else {
        return Err(AwsError::invalid_authentication_code(INVALID_CODE));
    };
    match ctx
        .state
        .store
        .enable_mfa_device(serial, &user.name, step + 1)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(AwsError::entity_already_exists(DEVICE_IN_USE)),
        other => other.or_internal(),
    }?;
    ctx.respond_empty()
}

pub async fn list_mfa_devices(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    let user = default_user(ctx, given);
    let resource = match &user {
        Some(name) => Target::User.resource(ctx, name).await,
        None => ctx.caller.arn.clone(),
    };
    ctx.authorize("iam:ListMFADevices", &resource)?;
    let devices = match &user {
        Some(name) => {
            let user = load_user(ctx, name).await?;
            ctx.state
                .store
                .list_mfa_devices(ctx.account_id(), Some(&user.name))
                .await
                .or_internal()?
        }
        None => Vec::new(),
    };
    ctx.respond(|w| {
        page.write(w, "MFADevices", &devices, |w, device| {
            w.optional("UserName", device.user_name.as_deref());
            w.element("SerialNumber", &device.serial_number);
            if let Some(at) = device.enabled_at {
                w.timestamp("EnableDate", at);
            }
        });
    })
}

pub async fn deactivate_mfa_device(
    ctx: &mut Ctx<'_>,
    params: &QueryMap,
) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    let serial = v
        .required(params, "SerialNumber", &model::iam::SERIAL_NUMBER)
        .unwrap_or_default();
    v.check()?;
    let user_name = default_user(ctx, given).unwrap_or_default();
    ctx.authorize(
        "iam:DeactivateMFADevice",
        &Target::User.resource(ctx, &user_name).await,
    )?;
    let user = load_user(ctx, &user_name).await?;
    ctx.state
        .store
        .deactivate_mfa_device(ctx.account_id(), serial, &user.name)
        .await
        .or_no_such_entity(|| no_such_device(serial))?;
    ctx.respond_empty()
}
