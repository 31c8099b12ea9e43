//! `UploadSigningCertificate`: a PEM certificate valid now, with an RSA or ECDSA key; new
//! certificates are `Active`.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{KeyStatus, SigningCertificate};

use super::write_certificate;
use crate::credentials::new_signing_certificate_id;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::access_keys::authorized_owner;
use crate::pki::x509::Certificate;

pub struct UploadSigningCertificate {
    user: Option<String>,
    body: String,
}

pub struct Uploaded(SigningCertificate);

impl Shape for Uploaded {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("Certificate", |w| write_certificate(w, &self.0));
    }
}

impl Output for Uploaded {}

impl Operation for UploadSigningCertificate {
    const NAME: &'static str = "UploadSigningCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = Uploaded;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            body: input.required("CertificateBody", &model::iam::CERTIFICATE_BODY),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Uploaded, Error> {
        let owner = authorized_owner(ctx, "iam:UploadSigningCertificate", self.user).await?;
        let parsed = Certificate::parse(&self.body)?;
        parsed.check_current(ctx.facts.now)?;
        parsed.check_public_key()?;
        let certificate = SigningCertificate {
            account_id: ctx.account_id().to_owned(),
            owner,
            certificate_id: new_signing_certificate_id()?,
            body: self.body,
            fingerprint: parsed.fingerprint(),
            status: KeyStatus::Active,
            uploaded_at: ctx.facts.now,
        };
        ctx.store().upload_signing_certificate(&certificate).await?;
        Ok(Uploaded(certificate))
    }
}
