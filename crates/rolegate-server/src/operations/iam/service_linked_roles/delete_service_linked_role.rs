//! `DeleteServiceLinkedRole`: deletes a service-linked role with its policy and records the
//! deletion task, in one store transaction; the task has succeeded when the call returns, so a
//! second call finds no role (AWS returns an unfinished task's id again; none is unfinished
//! here).

use rolegate_protocol::{AwsError, Service, Shape, ShapeWriter, model};
use rolegate_store::{DeletionStatus, DeletionTask, EntityKind, IdentityKind, StoreError};

use super::{service_of, task_id};
use crate::error::{Error, texts};
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::roles::find_role;
use crate::operations::iam::{no_such_identity, role_resource};

pub struct DeleteServiceLinkedRole {
    name: String,
}

pub struct Deletion {
    task_id: String,
}

impl Shape for Deletion {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.string("DeletionTaskId", &self.task_id);
    }
}

impl Output for Deletion {}

impl Operation for DeleteServiceLinkedRole {
    const NAME: &'static str = "DeleteServiceLinkedRole";
    const SERVICE: Service = Service::Iam;
    type Output = Deletion;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required("RoleName", &model::iam::ROLE_NAME),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Deletion, Error> {
        let role = find_role(ctx, &self.name).await?;
        ctx.authorize(
            "iam:DeleteServiceLinkedRole",
            &role_resource(ctx, &self.name, role.as_ref()),
        )?;
        let role = role.ok_or_else(|| no_such_identity(IdentityKind::Role, &self.name))?;
        let not_linked = || {
            Error::from(AwsError::no_such_entity(texts::not_service_linked(
                &role.name,
            )))
        };
        let service = service_of(&role.path).ok_or_else(not_linked)?;
        let task = DeletionTask {
            task_id: task_id(service, &role.name, &uuid::Uuid::new_v4().to_string()),
            account_id: ctx.account_id().to_owned(),
            role_name: role.name.clone(),
            status: DeletionStatus::Succeeded,
            created_at: ctx.facts.now,
        };
        match ctx
            .store()
            .delete_service_linked_role(ctx.account_id(), &role.name, &task)
            .await
        {
            Ok(()) => Ok(Deletion {
                task_id: task.task_id,
            }),
            // Replaced by a customer role of the same name since it was read.
            Err(StoreError::Conflict {
                kind: EntityKind::Role,
                ..
            }) => Err(not_linked()),
            Err(e) => Err(e.into()),
        }
    }
}
