//! `GetSessionToken`: temporary credentials for an IAM user or account root, optionally
//! proving MFA. Needs no permission; session credentials cannot call it. Root sessions are
//! silently capped at one hour, as AWS does.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};

use super::{check_mfa, write_credentials};
use crate::authenticate::CallerKind;
use crate::credentials::{
    MfaContext, Minted, SecretAccessKey, SessionClaims, SessionPrincipal, mint,
};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

const DEFAULT_DURATION: i64 = 43_200;
const ROOT_MAX_DURATION: i64 = 3_600;

pub struct GetSessionToken {
    duration: Option<i32>,
    serial: Option<String>,
    code: Option<String>,
}

pub struct SessionCredentials(Minted);

impl Shape for SessionCredentials {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        write_credentials(w, &self.0);
    }
}

impl Output for SessionCredentials {}

impl Operation for GetSessionToken {
    const NAME: &'static str = "GetSessionToken";
    const SERVICE: Service = Service::Sts;
    type Output = SessionCredentials;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            duration: input.optional_i32("DurationSeconds", &model::sts::DURATION_SECONDS)?,
            serial: input.optional("SerialNumber", &model::sts::SERIAL_NUMBER),
            code: input.optional("TokenCode", &model::sts::TOKEN_CODE),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<SessionCredentials, Error> {
        let caller = ctx.caller;
        let principal = match caller.kind {
            CallerKind::Root => SessionPrincipal::Root,
            CallerKind::User => SessionPrincipal::User {
                user_arn: caller.arn.clone(),
                user_id: caller.user_id.clone(),
            },
            CallerKind::RoleSession | CallerKind::UserSession | CallerKind::RootSession => {
                return Err(AwsError::access_denied(
                    "Cannot call GetSessionToken with session credentials",
                )
                .into());
            }
            CallerKind::Service => {
                return Err(
                    AwsError::not_authorized(&caller.arn, "sts:GetSessionToken", "*").into(),
                );
            }
        };
        let mfa = check_mfa(ctx, self.serial.as_deref(), self.code.as_deref()).await?;
        let mut duration = self.duration.map_or(DEFAULT_DURATION, i64::from);
        if principal == SessionPrincipal::Root {
            duration = duration.min(ROOT_MAX_DURATION);
        }
        let now = ctx.facts.now.unix_timestamp();
        let session = SessionClaims {
            account_id: caller.account.id.clone(),
            principal,
            access_key_id: String::new(),
            secret_access_key: SecretAccessKey::new(String::new()),
            issued_at: now,
            expires_at: now + duration,
            session_policy: None,
            session_policy_arns: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            mfa: mfa.then_some(MfaContext {
                authenticated_at: now,
            }),
            chain_depth: 0,
            source_principal_arn: caller.arn.clone(),
        };
        let (minted, _) = mint(&ctx.state.sealer, session).map_err(Error::internal)?;
        Ok(SessionCredentials(minted))
    }
}
