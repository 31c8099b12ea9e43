//! `CreateServiceSpecificCredential`: the only time, with Reset, that the secret is shown
//! (never in the audit log).

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, StringRule, model};
use rolegate_store::{KeyStatus, ServiceCredential};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{CredentialKind, service_kind, write_credential};
use crate::credentials::{Prefix, new_service_secret, new_unique_id};
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_credentials::authorized_user;

pub struct CreateServiceSpecificCredential {
    user: String,
    service: String,
    age_days: Option<i32>,
}

/// A credential with its secret in clear, as Create and Reset return it.
pub struct Issued {
    pub credential: ServiceCredential,
    pub secret: Zeroizing<String>,
    pub now: OffsetDateTime,
}

impl Shape for Issued {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("ServiceSpecificCredential", |w| {
            write_credential(w, &self.credential, &self.secret, self.now);
        });
    }
}

impl Output for Issued {}

impl Operation for CreateServiceSpecificCredential {
    const NAME: &'static str = "CreateServiceSpecificCredential";
    const SERVICE: Service = Service::Iam;
    type Output = Issued;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            service: input.required("ServiceName", &StringRule::ANY),
            age_days: input.optional_i32("CredentialAgeDays", &model::iam::CREDENTIAL_AGE_DAYS)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Issued, Error> {
        let user = authorized_user(ctx, "iam:CreateServiceSpecificCredential", &self.user).await?;
        let kind = service_kind(&self.service)?;
        let expires_at = match (self.age_days, kind) {
            (None, _) => None,
            (Some(days), CredentialKind::ApiKey) => {
                Some(ctx.facts.now + time::Duration::days(i64::from(days)))
            }
            (Some(_), CredentialKind::Password) => {
                return Err(AwsError::invalid_input(texts::CREDENTIAL_AGE_NOT_SUPPORTED).into());
            }
        };
        let id = new_unique_id(Prefix::ContextCredential, ctx.account_id())?;
        let secret = Zeroizing::new(new_service_secret()?);
        let sealed = ctx.state.sealer.seal_secret(&secret, &id)?;
        let credential = ctx
            .store()
            .create_service_credential(&ServiceCredential {
                account_id: ctx.account_id().to_owned(),
                user_name: user,
                credential_id: id,
                service_name: self.service,
                slot: 0,
                secret_sealed: sealed,
                status: KeyStatus::Active,
                created_at: ctx.facts.now,
                expires_at,
            })
            .await?;
        Ok(Issued {
            credential,
            secret,
            now: ctx.facts.now,
        })
    }
}
