//! `GetCredentialReport`: the account's report, base64 CSV. None yet: `ReportNotPresent` 410;
//! being generated: `ReportInProgress` 404; both without a message, as AWS sends them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter};
use time::OffsetDateTime;

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};

pub struct GetCredentialReport;

pub struct Report {
    content: Vec<u8>,
    generated_at: OffsetDateTime,
}

impl Shape for Report {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        // A blob: base64 on the wire.
        w.string("Content", &STANDARD.encode(&self.content));
        w.string("ReportFormat", "text/csv");
        w.timestamp("GeneratedTime", self.generated_at);
    }
}

impl Output for Report {}

impl Operation for GetCredentialReport {
    const NAME: &'static str = "GetCredentialReport";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Report;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Report, Error> {
        ctx.authorize("iam:GetCredentialReport", &Resource::arn("*"))?;
        let report = ctx
            .store()
            .get_credential_report(ctx.account_id())
            .await?
            .ok_or_else(AwsError::report_not_present)?;
        let (generated_at, content) = report.generated.ok_or_else(AwsError::report_in_progress)?;
        Ok(Report {
            content,
            generated_at,
        })
    }
}
