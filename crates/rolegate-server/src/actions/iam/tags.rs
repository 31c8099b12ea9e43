//! Tags on users and roles: Tag/Untag/List{User,Role}Tags.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, model};
use rolegate_store::Entity;

use super::{OrInternal, Page, Target, check_duplicate_tags, tags_param, to_store_tags};
use crate::actions::Ctx;

async fn tag(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let tags = tags_param(&mut v, params);
    if params.list("Tags", "member").is_empty() {
        v.null(&params.field_path("Tags"));
    }
    v.check()?;
    check_duplicate_tags(&tags)?;
    ctx.authorize(
        &target.action("iam:Tag{}"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    ctx.state
        .store
        .tag(&Entity::Principal(principal), &to_store_tags(&tags))
        .await
        .or_internal()?;
    ctx.respond_empty()
}

async fn untag(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let keys = v.string_list(
        params,
        "TagKeys",
        Some(model::iam::MAX_TAGS),
        &model::iam::TAG_KEY,
    );
    v.check()?;
    ctx.authorize(
        &target.action("iam:Untag{}"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    ctx.state
        .store
        .untag(&Entity::Principal(principal), &keys)
        .await
        .or_internal()?;
    ctx.respond_empty()
}

async fn list(ctx: &mut Ctx<'_>, params: &QueryMap, target: Target) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = target.name_param(&mut v, params);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        &target.action("iam:List{}Tags"),
        &target.resource(ctx, &name).await,
    )?;
    let principal = target.principal(ctx, &name).await?;
    let tags = ctx
        .state
        .store
        .list_tags(&Entity::Principal(principal))
        .await
        .or_internal()?;
    ctx.respond(|w| {
        page.write(w, "Tags", &tags, |w, tag| {
            w.element("Key", &tag.key);
            w.element("Value", &tag.value);
        });
    })
}

pub async fn tag_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    tag(ctx, params, Target::User).await
}
pub async fn untag_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    untag(ctx, params, Target::User).await
}
pub async fn list_user_tags(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    list(ctx, params, Target::User).await
}
pub async fn tag_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    tag(ctx, params, Target::Role).await
}
pub async fn untag_role(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    untag(ctx, params, Target::Role).await
}
pub async fn list_role_tags(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    list(ctx, params, Target::Role).await
}
