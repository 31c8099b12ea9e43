//! `GetServiceLinkedRoleDeletionStatus`: the status of a DeleteServiceLinkedRole task of the
//! caller's account. The permission is checked on the role the task id names.

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};
use rolegate_store::{DeletionStatus, EntityKind};

use super::parse_task_id;
use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::iam_arn;

pub struct GetServiceLinkedRoleDeletionStatus {
    task_id: String,
}

pub struct Status {
    status: DeletionStatus,
}

impl Shape for Status {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string("Status", self.status.as_str());
    }
}

impl Output for Status {}

impl Operation for GetServiceLinkedRoleDeletionStatus {
    const NAME: &'static str = "GetServiceLinkedRoleDeletionStatus";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Status;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            task_id: input.required("DeletionTaskId", &model::iam::DELETION_TASK_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Status, Error> {
        let (service, role) = parse_task_id(&self.task_id).ok_or_else(|| {
            Error::from(AwsError::invalid_input(texts::invalid_deletion_task(
                &self.task_id,
            )))
        })?;
        let path = format!("{}{service}/", rolegate_store::SERVICE_ROLE_PATH);
        let arn = iam_arn(ctx, "role", &path, role);
        ctx.authorize(
            "iam:GetServiceLinkedRoleDeletionStatus",
            &Resource::arn(arn),
        )?;
        let task = ctx
            .store()
            .get_deletion_task(ctx.account_id(), &self.task_id)
            .await
            .missing(EntityKind::DeletionTask, || {
                AwsError::no_such_entity(texts::no_such_deletion_task(&self.task_id))
            })?;
        // A failed task would add `Reason` (what still uses the role); tasks here finish in
        // their transaction, so there is none.
        Ok(Status {
            status: task.status,
        })
    }
}
