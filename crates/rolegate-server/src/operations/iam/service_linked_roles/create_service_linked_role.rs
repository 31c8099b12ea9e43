//! `CreateServiceLinkedRole`: the catalogue's role for `AWSServiceName`, at
//! `/aws-service-role/<service>/`, trusted by that service alone, with its service-role policy
//! attached in the same transaction (the customer attach path refuses such policies).

use rolegate_protocol::{AwsError, Service, model};
use rolegate_store::{EntityKind, Role, StoreError};

use super::trust_policy;
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::iam_arn;
use crate::operations::iam::roles::{RoleResult, RoleShape};

/// RoleName's limit, which the suffixed name must keep.
const MAX_ROLE_NAME: usize = 64;
const MAX_SESSION_DURATION: i64 = 3_600;

pub struct CreateServiceLinkedRole {
    service: String,
    description: Option<String>,
    suffix: Option<String>,
}

impl Operation for CreateServiceLinkedRole {
    const NAME: &'static str = "CreateServiceLinkedRole";
    const SERVICE: Service = Service::Iam;
    type Output = RoleResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            service: input.required("AWSServiceName", &model::iam::AWS_SERVICE_NAME),
            description: input.optional("Description", &model::iam::ROLE_DESCRIPTION),
            suffix: input.optional("CustomSuffix", &model::iam::CUSTOM_SUFFIX),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<RoleResult, Error> {
        let invalid = |message: String| Error::from(AwsError::invalid_input(message));
        let linked = rolegate_catalog::service_linked_role(&self.service)
            .ok_or_else(|| invalid(texts::no_service_linked_role(&self.service)))?;
        let name = match &self.suffix {
            Some(_) if !linked.custom_suffix => {
                return Err(invalid(texts::custom_suffix_not_allowed(&self.service)));
            }
            Some(suffix) => format!("{}_{suffix}", linked.role_name),
            None => linked.role_name.to_owned(),
        };
        if name.chars().count() > MAX_ROLE_NAME {
            return Err(invalid(texts::service_role_name_too_long(&name)));
        }
        let path = linked.path();
        let arn = iam_arn(ctx, "role", &path, &name);
        ctx.authorize_with(
            "iam:CreateServiceLinkedRole",
            &Resource::arn(arn),
            &[("iam:AWSServiceName", &self.service)],
        )?;
        let partition = ctx.facts.partition;
        let policy = linked
            .managed_policy()
            .map(|policy| policy.arn(partition.as_str()));
        let trust = trust_policy(linked.service);
        let mut role = Role {
            account_id: ctx.account_id().to_owned(),
            name,
            role_id: new_unique_id(Prefix::Role, ctx.account_id())?,
            path,
            trust_policy_bound: trust.clone(),
            trust_policy: trust,
            description: self.description,
            max_session_duration: MAX_SESSION_DURATION,
            permissions_boundary: None,
            created_at: ctx.facts.now,
            tags: Vec::new(),
        };
        match ctx
            .store()
            .create_service_linked_role(&role, policy.as_deref())
            .await
        {
            Ok(()) => {}
            Err(StoreError::AlreadyExists {
                kind: EntityKind::Role,
                ..
            }) => return Err(invalid(texts::service_role_name_taken(&role.name))),
            Err(e) => return Err(e.into()),
        }
        // The role keeps its description (GetRole shows it), but AWS's own example of this
        // call passes one and shows none in the result (CLI:create-service-linked-role); whether
        // AWS echoes it is unconfirmed, and Rolegate follows the example.
        role.description = None;
        Ok(RoleResult {
            role,
            partition,
            shape: RoleShape::Create,
            last_used: None,
        })
    }
}
