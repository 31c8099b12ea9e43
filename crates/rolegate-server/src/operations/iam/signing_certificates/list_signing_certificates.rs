//! `ListSigningCertificates`: each certificate whole, body included.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::SigningCertificate;

use super::write_certificate;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::access_keys::authorized_owner;
use crate::operations::iam::{Page, Paged};

pub struct ListSigningCertificates {
    user: Option<String>,
    page: Page,
}

pub struct Certificates(Paged<SigningCertificate>);

impl Shape for Certificates {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0
            .write(w, "Certificates", |w, c| write_certificate(w, c));
    }
}

impl Output for Certificates {}

impl Operation for ListSigningCertificates {
    const NAME: &'static str = "ListSigningCertificates";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Certificates;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Certificates, Error> {
        let owner = authorized_owner(ctx, "iam:ListSigningCertificates", self.user).await?;
        let certificates = ctx
            .store()
            .list_signing_certificates(ctx.account_id(), &owner)
            .await?;
        Ok(Certificates(self.page.of(certificates)))
    }
}
