//! `CreateRole`.

use rolegate_protocol::{AwsError, Service, Tag, model};
use rolegate_store::{EntityKind, Role};

use super::{
    RESERVED_PATH, RoleResult, RoleShape, SERVICE_ROLE_PATH, bind_trust_policy, boundary_missing,
    check_boundary,
};
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::{check_duplicate_tags, iam_arn, to_store_tags};

const DEFAULT_MAX_SESSION: i64 = 3_600;

pub struct CreateRole {
    name: String,
    trust: String,
    path: String,
    description: Option<String>,
    max_session: Option<i32>,
    boundary: Option<String>,
    tags: Vec<Tag>,
}

impl Operation for CreateRole {
    const NAME: &'static str = "CreateRole";
    const SERVICE: Service = Service::Iam;
    type Output = RoleResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
            trust: input.required("AssumeRolePolicyDocument", &model::iam::POLICY_DOCUMENT),
            path: input.path("Path"),
            description: input.optional("Description", &model::iam::ROLE_DESCRIPTION),
            max_session: input
                .optional_i32("MaxSessionDuration", &model::iam::ROLE_MAX_SESSION_DURATION)?,
            boundary: input.optional("PermissionsBoundary", &model::iam::ARN),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<RoleResult, Error> {
        check_duplicate_tags(&self.tags)?;
        // Service-linked roles are AWS's to create (CreateServiceLinkedRole), and so are
        // Identity Center's under `/aws-reserved/` (Rolegate's choice: AWS's text for that
        // path is not recorded, so the service-role one is used).
        if self.path.starts_with(SERVICE_ROLE_PATH) || self.path.starts_with(RESERVED_PATH) {
            return Err(AwsError::invalid_input(texts::RESERVED_PATH).into());
        }
        let arn = iam_arn(ctx, "role", &self.path, &self.name);
        ctx.authorize("iam:CreateRole", &Resource::arn(arn))?;
        if let Some(arn) = &self.boundary {
            check_boundary(ctx, arn)?;
        }
        let bound = bind_trust_policy(ctx, &self.trust).await?;
        let role = Role {
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            role_id: new_unique_id(Prefix::Role, ctx.account_id())?,
            path: self.path,
            trust_policy: self.trust,
            trust_policy_bound: bound,
            description: self.description,
            max_session_duration: self.max_session.map_or(DEFAULT_MAX_SESSION, i64::from),
            permissions_boundary: self.boundary,
            created_at: ctx.facts.now,
            tags: to_store_tags(&self.tags),
        };
        ctx.store()
            .create_role(&role)
            .await
            .missing(EntityKind::ManagedPolicy, || {
                boundary_missing(role.permissions_boundary.as_deref())
            })?;
        Ok(RoleResult {
            role,
            partition: ctx.facts.partition,
            last_used: None,
            shape: RoleShape::Create,
        })
    }
}
