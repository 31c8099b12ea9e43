//! `GetSessionToken`: temporary credentials for an IAM user or account root, optionally
//! proving MFA. Needs no permission; session credentials cannot call it. Root sessions are
//! silently capped at one hour, as AWS does.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};

use super::{check_mfa, write_credentials};
use crate::authenticate::CallerKind;
use crate::credentials::{Minted, Session, SessionKind, mint};
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
        let kind = match caller.kind {
            CallerKind::Root => SessionKind::Root,
            CallerKind::User => SessionKind::User,
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
        if kind == SessionKind::Root {
            duration = duration.min(ROOT_MAX_DURATION);
        }
        let now = ctx.facts.now.unix_timestamp();
        let user = caller.user_name.clone();
        let session = Session {
            kind,
            partition: ctx.facts.partition,
            account_id: caller.account.id.clone(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
            issued_at: now,
            expires_at: now + duration,
            path: caller.user_path.clone(),
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
        let (minted, _) = mint(&ctx.state.sealer, session).map_err(Error::internal)?;
        Ok(SessionCredentials(minted))
    }
}
