//! The two Query services Rolegate answers as, and the per-service facts of their wire format:
//! XML namespace, API version, and whether validation messages echo the offending value.

/// Namespace AWS uses for protocol-level faults such as `InvalidAction`, instead of the
/// service's own (observed on live STS by Argmin's STS oracle, `crates/s3-tests/src/bin/sts_oracle.rs`).
pub const AWS_FAULT_NAMESPACE: &str = "http://webservices.amazon.com/AWSFault/2005-15-09";

/// An AWS Query-protocol service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// AWS Security Token Service, API version 2011-06-15.
    Sts,
    /// AWS Identity and Access Management, API version 2010-05-08.
    Iam,
}

impl Service {
    /// The `xmlNamespace` of botocore's service model.
    pub const fn namespace(self) -> &'static str {
        match self {
            Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
            Service::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
        }
    }

    /// The only `Version=` value the service accepts.
    pub const fn api_version(self) -> &'static str {
        match self {
            Service::Sts => "2011-06-15",
            Service::Iam => "2010-05-08",
        }
    }

    /// The SigV4 signing name.
    pub const fn signing_name(self) -> &'static str {
        match self {
            Service::Sts => "sts",
            Service::Iam => "iam",
        }
    }

    /// Whether `ValidationError` messages quote the rejected value.
    ///
    /// STS does (`Value 'bad/name' at 'roleSessionName' …`, `Value null at 'roleArn' …`);
    /// IAM never does (`Value at 'tags.1.member.key' …`, AWS-recorded in LocalStack's IAM
    /// snapshots), including for a missing member.
    pub const fn echoes_values(self) -> bool {
        matches!(self, Service::Sts)
    }
}
