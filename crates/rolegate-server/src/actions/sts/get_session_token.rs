//! `GetSessionToken`: temporary credentials for an IAM user or account root, optionally
//! proving MFA. Needs no permission; session credentials cannot call it. Root sessions are
//! silently capped at one hour, as AWS does.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};

use super::{audit_credentials, check_mfa, write_credentials};
use crate::actions::Ctx;
use crate::authenticate::CallerKind;
use crate::credentials::{Session, SessionKind, mint};

const DEFAULT_DURATION: i64 = 43_200;
const ROOT_MAX_DURATION: i64 = 3_600;

pub async fn handle(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Sts);
    let duration = v
        .optional_i32(params, "DurationSeconds", &model::sts::DURATION_SECONDS)
        .map_err(|e| e.to_aws_error(Service::Sts))?;
    let serial = v.optional(params, "SerialNumber", &model::sts::SERIAL_NUMBER);
    let code = v.optional(params, "TokenCode", &model::sts::TOKEN_CODE);
    v.check()?;

    let caller = ctx.caller;
    let kind = match caller.kind {
        CallerKind::Root => SessionKind::Root,
        CallerKind::User => SessionKind::User,
        CallerKind::RoleSession | CallerKind::UserSession | CallerKind::RootSession => {
            return Err(AwsError::access_denied(
                "Cannot call GetSessionToken with session credentials",
            ));
        }
        CallerKind::Service => {
            return Err(AwsError::not_authorized(
                &caller.arn,
                "sts:GetSessionToken",
                "*",
            ));
        }
    };
    let mfa = check_mfa(ctx, serial, code).await?;
    let mut duration = duration.map_or(DEFAULT_DURATION, i64::from);
    if kind == SessionKind::Root {
        duration = duration.min(ROOT_MAX_DURATION);
    }
    let now = ctx.facts.now.unix_timestamp();
    let user = ctx.caller.user_name.clone();
    let session = Session {
        kind,
        account_id: caller.account.id.clone(),
        access_key_id: String::new(),
        secret_access_key: String::new(),
        issued_at: now,
        expires_at: now + duration,
        path: caller
            .arn
            .strip_prefix(&format!("arn:aws:iam::{}:user", caller.account.id))
            .and_then(|rest| {
                user.as_deref()
                    .and_then(|name| rest.strip_suffix(name))
                    .map(str::to_owned)
            }),
        role_name: None,
        role_id: None,
        session_name: None,
        user_name: user,
        user_id: (kind == SessionKind::User).then(|| caller.user_id.clone()),
        session_policy: None,
        session_policy_arns: Vec::new(),
        source_principal_arn: caller.arn.clone(),
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: None,
        mfa_authenticated_at: mfa.then_some(now),
        chain_depth: 0,
    };
    let (minted, _) = mint(&ctx.state.sealer, session).map_err(|e| crate::respond::internal(&e))?;
    #[derive(serde::Serialize)]
    struct Elements<'a> {
        credentials: super::AuditCredentials<'a>,
    }
    ctx.audit_response(&Elements {
        credentials: audit_credentials(&minted),
    });
    ctx.respond(|w| write_credentials(w, &minted))
}
