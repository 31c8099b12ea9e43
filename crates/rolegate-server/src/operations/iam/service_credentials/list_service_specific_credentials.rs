//! `ListServiceSpecificCredentials`: metadata only. Without `UserName`, the signing user's;
//! with `AllUsers`, every user's in the account (not together with `UserName`); `ServiceName`
//! filters by service.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, StringRule, model};
use rolegate_store::ServiceCredential;
use time::OffsetDateTime;

use super::{service_kind, write_metadata};
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::user_credentials::holder;
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListServiceSpecificCredentials {
    user: Option<String>,
    service: Option<String>,
    all_users: bool,
    page: Page,
}

pub struct Credentials {
    credentials: Paged<ServiceCredential>,
    now: OffsetDateTime,
}

impl Shape for Credentials {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.credentials
            .write(w, "ServiceSpecificCredentials", |w, c| {
                write_metadata(w, c, self.now);
            });
    }
}

impl Output for Credentials {}

impl Operation for ListServiceSpecificCredentials {
    const NAME: &'static str = "ListServiceSpecificCredentials";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Credentials;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            service: input.optional("ServiceName", &StringRule::ANY),
            all_users: input.optional_bool("AllUsers")?.unwrap_or(false),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Credentials, Error> {
        const ACTION: &str = "iam:ListServiceSpecificCredentials";
        if self.all_users && self.user.is_some() {
            return Err(AwsError::invalid_input(texts::ALL_USERS_WITH_USER_NAME).into());
        }
        // `None`: every user's (AllUsers); `Some(None)`: the account root's own, of which it
        // holds none.
        let user = if self.all_users {
            ctx.authorize(ACTION, &listing_resource(ctx, "user", None))?;
            None
        } else {
            Some(holder(ctx, ACTION, self.user).await?)
        };
        if let Some(service) = &self.service {
            service_kind(service)?;
        }
        let credentials = match user {
            Some(None) => Vec::new(),
            Some(Some(user)) => {
                ctx.store()
                    .list_service_credentials(
                        ctx.account_id(),
                        Some(&user),
                        self.service.as_deref(),
                    )
                    .await?
            }
            None => {
                ctx.store()
                    .list_service_credentials(ctx.account_id(), None, self.service.as_deref())
                    .await?
            }
        };
        Ok(Credentials {
            credentials: self.page.of(credentials),
            now: ctx.facts.now,
        })
    }
}
