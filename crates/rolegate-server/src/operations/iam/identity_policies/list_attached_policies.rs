//! `ListAttachedUserPolicies`, `ListAttachedGroupPolicies`, `ListAttachedRolePolicies`.

use std::marker::PhantomData;

use rolegate_protocol::{Service, Shape, ShapeWriter, model};

use super::authorized_identity;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{Holder, Page, Paged};

pub struct ListAttachedPolicies<K> {
    name: String,
    prefix: Option<String>,
    page: Page,
    kind: PhantomData<K>,
}

/// `AttachedPolicies`: name and ARN of each.
pub struct AttachedPolicies(pub Paged<String>);

/// `PolicyName` and `PolicyArn` of an attached policy.
pub fn write_attached(w: &mut impl ShapeWriter, arn: &str) {
    w.string("PolicyName", arn.rsplit('/').next().unwrap_or_default());
    w.string("PolicyArn", arn);
}

impl Shape for AttachedPolicies {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        self.0
            .write(w, "AttachedPolicies", |w, arn| write_attached(w, arn));
    }
}

impl Output for AttachedPolicies {}

/// The path of a policy ARN (`arn:…:policy/a/b/Name` → `/a/b/`).
fn policy_path(arn: &str) -> &str {
    let rest = arn.split_once(":policy").map_or("", |(_, rest)| rest);
    rest.rfind('/')
        .and_then(|at| rest.get(..=at))
        .unwrap_or("/")
}

impl<K: Holder> Operation for ListAttachedPolicies<K> {
    const NAME: &'static str = K::LIST_ATTACHED;
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = AttachedPolicies;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(K::NAME_MEMBER, &K::NAME_RULE),
            prefix: input.optional("PathPrefix", &model::iam::POLICY_PATH),
            page: Page::parse(input)?,
            kind: PhantomData,
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<AttachedPolicies, Error> {
        let action = format!("iam:{}", K::LIST_ATTACHED);
        let identity = authorized_identity::<K>(ctx, &action, &self.name, false).await?;
        let mut arns = ctx.store().list_attached_policies(&identity).await?;
        if let Some(prefix) = &self.prefix {
            arns.retain(|arn| policy_path(arn).starts_with(prefix.as_str()));
        }
        Ok(AttachedPolicies(self.page.of(arns)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn policy_paths_come_from_the_arn() {
        assert_eq!(
            super::policy_path("arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
            "/service-role/"
        );
        assert_eq!(
            super::policy_path("arn:aws:iam::111122223333:policy/P"),
            "/"
        );
    }
}
