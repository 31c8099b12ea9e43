//! The `ErrorResponse` document AWS sends for every STS and IAM failure. `RequestId` is a
//! sibling of `Error`, not inside `ResponseMetadata`; `<Message>` is omitted when AWS sends
//! none (`MalformedInput` for a non-numeric integer). Layout as live STS sends it:
//!
//! ```text
//! <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!   <Error>
//!     <Type>Sender</Type>
//!     <Code>AccessDenied</Code>
//!     <Message>…</Message>
//!   </Error>
//!   <RequestId>…</RequestId>
//! </ErrorResponse>
//! ```

use crate::error::AwsError;
use crate::service::Service;
use crate::xml::{XmlError, XmlWriter};

impl AwsError {
    /// The `ErrorResponse` body for this error when `service` answers; empty when AWS sends
    /// no body (see [`AwsError::has_body`]).
    pub fn to_xml(&self, service: Service, request_id: &str) -> Result<String, XmlError> {
        if !self.has_body() {
            return Ok(String::new());
        }
        let mut w = XmlWriter::new();
        w.start("ErrorResponse", Some(self.namespace_for(service)));
        w.nested("Error", |w| {
            w.element("Type", self.fault.as_str());
            w.element("Code", &self.code);
            w.optional("Message", self.message.as_deref());
        });
        w.element("RequestId", request_id);
        w.end("ErrorResponse");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProtocolError, Validator, model::sts};

    #[test]
    fn access_denied_exact() {
        let e = AwsError::not_authorized(
            "arn:aws:iam::111111111111:user/bob",
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/R",
        );
        assert_eq!(
            e.to_xml(Service::Sts, "c6104cbe-af31-11e0-8154-cbc7ccf896c7").unwrap(),
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/R</Message>
  </Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>
"
        );
        assert_eq!(e.status, 403);
    }

    #[test]
    fn validation_error_keeps_quotes_and_escapes_markup() {
        let r = crate::QueryRequest::parse(b"RoleSessionName=%3Cb%3E%26", "").unwrap();
        let mut v = Validator::new(Service::Sts);
        v.required(&r, "RoleSessionName", &sts::ROLE_SESSION_NAME);
        let xml = v.check().unwrap_err().to_xml(Service::Sts, "r").unwrap();
        assert!(xml.contains(
            "<Message>1 validation error detected: Value '&lt;b&gt;&amp;' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*</Message>"
        ));
    }

    #[test]
    fn malformed_input_has_no_message_element() {
        let e = ProtocolError::MalformedInteger {
            field: "durationSeconds".into(),
            value: "abc".into(),
        }
        .to_aws_error(Service::Sts);
        assert_eq!(
            e.to_xml(Service::Sts, "r").unwrap(),
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">
  <Error>
    <Type>Sender</Type>
    <Code>MalformedInput</Code>
  </Error>
  <RequestId>r</RequestId>
</ErrorResponse>
"
        );
    }

    #[test]
    fn credential_report_errors_have_no_message() {
        for (error, code, status) in [
            (AwsError::report_not_present(), "ReportNotPresent", 410),
            (AwsError::report_in_progress(), "ReportInProgress", 404),
        ] {
            assert_eq!(error.status, status);
            assert_eq!(
                error.to_xml(Service::Iam, "r").unwrap(),
                format!(
                    "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">
  <Error>
    <Type>Sender</Type>
    <Code>{code}</Code>
  </Error>
  <RequestId>r</RequestId>
</ErrorResponse>
"
                )
            );
        }
    }

    #[test]
    fn invalid_action_uses_the_fault_namespace() {
        let xml = AwsError::invalid_action("NoSuchAction", Some("2010-05-08"))
            .to_xml(Service::Iam, "r")
            .unwrap();
        assert!(xml.starts_with(
            "<ErrorResponse xmlns=\"http://webservices.amazon.com/AWSFault/2005-15-09\">"
        ));
    }

    #[test]
    fn receiver_faults_and_iam_namespace() {
        let xml = AwsError::service_failure()
            .to_xml(Service::Iam, "r")
            .unwrap();
        assert!(
            xml.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
        );
        assert!(xml.contains("<Type>Receiver</Type>"));
        assert_eq!(
            AwsError::request_entity_too_large()
                .to_xml(Service::Sts, "r")
                .unwrap(),
            ""
        );
    }
}
