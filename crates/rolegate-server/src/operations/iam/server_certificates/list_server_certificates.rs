//! `ListServerCertificates`: metadata only (no bodies, no tags).

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::ServerCertificate;
use rolegate_types::Partition;

use super::write_metadata;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Page, Paged, listing_resource};

pub struct ListServerCertificates {
    prefix: Option<String>,
    page: Page,
}

pub struct Certificates {
    certificates: Paged<ServerCertificate>,
    partition: Partition,
}

impl Shape for Certificates {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.certificates
            .write(w, "ServerCertificateMetadataList", |w, c| {
                write_metadata(w, c, self.partition);
            });
    }
}

impl Output for Certificates {}

impl Operation for ListServerCertificates {
    const NAME: &'static str = "ListServerCertificates";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Certificates;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            prefix: input.optional("PathPrefix", &model::iam::PATH_PREFIX),
            page: Page::parse(input)?,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Certificates, Error> {
        ctx.authorize(
            "iam:ListServerCertificates",
            &listing_resource(ctx, "server-certificate", self.prefix.as_deref()),
        )?;
        let certificates = ctx
            .store()
            .list_server_certificates(ctx.account_id(), self.prefix.as_deref())
            .await?;
        Ok(Certificates {
            certificates: self.page.of(certificates),
            partition: ctx.facts.partition,
        })
    }
}
