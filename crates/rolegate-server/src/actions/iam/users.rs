//! IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{Principal, StoreError, User, UserUpdate};

use super::{
    OrInternal, Page, StoreResultExt, Target, check_duplicate_tags, default_user, iam_arn,
    messages, path_param, tags_param, to_store_tags, write_boundary, write_tags,
};
use crate::actions::Ctx;
use crate::credentials::{Prefix, new_unique_id};

fn write_user(w: &mut XmlWriter, user: &User, with_tags: bool) {
    w.element("Path", &user.path);
    w.element("UserName", &user.name);
    w.element("UserId", &user.user_id);
    w.element("Arn", &user.arn());
    w.timestamp("CreateDate", user.created_at);
    write_boundary(w, user.permissions_boundary.as_deref());
    if with_tags && !user.tags.is_empty() {
        write_tags(w, &user.tags);
    }
}

/// The user `name` in the caller's account, or IAM's NoSuchEntity.
pub async fn load_user(ctx: &Ctx<'_>, name: &str) -> Result<User, AwsError> {
    ctx.state
        .store
        .get_user(ctx.account_id(), name)
        .await
        .or_no_such_entity(|| messages::no_such_user(name))
}

pub async fn create_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(params, "UserName", &model::iam::USER_NAME)
        .unwrap_or_default();
    let path = path_param(&mut v, params, &model::iam::PATH);
    let boundary = v.optional(params, "PermissionsBoundary", &model::iam::ARN);
    let tags = tags_param(&mut v, params);
    v.check()?;
    check_duplicate_tags(&tags)?;
    ctx.authorize(
        "iam:CreateUser",
        &iam_arn(ctx.account_id(), "user", path, name),
    )?;
    if let Some(arn) = boundary {
        super::roles::check_boundary(ctx, arn).await?;
    }
    let user = User {
        account_id: ctx.account_id().to_owned(),
        name: name.to_owned(),
        user_id: new_unique_id(Prefix::User, ctx.account_id()).or_internal()?,
        path: path.to_owned(),
        permissions_boundary: boundary.map(str::to_owned),
        created_at: ctx.facts.now,
        tags: to_store_tags(&tags),
    };
    ctx.state
        .store
        .create_user(&user)
        .await
        .or_entity_exists(|| messages::user_exists(name))?;
    ctx.respond(|w| w.nested("User", |w| write_user(w, &user, true)))
}

pub async fn get_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    v.check()?;
    let Some(name) = default_user(ctx, given) else {
        // Roots (and role sessions) asking about themselves: AWS answers with the root user.
        ctx.authorize("iam:GetUser", &ctx.caller.arn.clone())?;
        let caller = ctx.caller;
        return ctx.respond(|w| {
            w.nested("User", |w| {
                w.element("UserId", &caller.account.id);
                w.element("Arn", &caller.arn);
                w.timestamp("CreateDate", caller.account.created_at);
            });
        });
    };
    ctx.authorize("iam:GetUser", &Target::User.resource(ctx, &name).await)?;
    let user = load_user(ctx, &name).await?;
    ctx.respond(|w| w.nested("User", |w| write_user(w, &user, true)))
}

pub async fn list_users(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let prefix = v.optional(params, "PathPrefix", &model::iam::PATH_PREFIX);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    ctx.authorize(
        "iam:ListUsers",
        &iam_arn(ctx.account_id(), "user", "/", "*"),
    )?;
    let users = ctx
        .state
        .store
        .list_users(ctx.account_id(), prefix)
        .await
        .or_internal()?;
    ctx.respond(|w| page.write(w, "Users", &users, |w, u| write_user(w, u, false)))
}

pub async fn update_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(params, "UserName", &model::iam::EXISTING_USER_NAME)
        .unwrap_or_default();
    let new_name = v.optional(params, "NewUserName", &model::iam::USER_NAME);
    let new_path = v.optional(params, "NewPath", &model::iam::PATH);
    v.check()?;
    ctx.authorize("iam:UpdateUser", &Target::User.resource(ctx, name).await)?;
    let update = UserUpdate {
        new_name: new_name.map(str::to_owned),
        new_path: new_path.map(str::to_owned),
        permissions_boundary: None,
    };
    match ctx
        .state
        .store
        .update_user(ctx.account_id(), name, &update)
        .await
    {
        // A rename onto a taken name: the text names the taken one.
        Err(StoreError::AlreadyExists { name: taken, .. }) => Err(AwsError::entity_already_exists(
            messages::user_exists(&taken),
        )),
        other => other.or_no_such_entity(|| messages::no_such_user(name)),
    }?;
    ctx.respond_empty()
}

pub async fn delete_user(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let name = v
        .required(params, "UserName", &model::iam::EXISTING_USER_NAME)
        .unwrap_or_default();
    v.check()?;
    ctx.authorize("iam:DeleteUser", &Target::User.resource(ctx, name).await)?;
    let user = load_user(ctx, name).await?;
    let store = &ctx.state.store;
    let account = ctx.account_id();
    let principal = Principal::user(account, &user.name);
    if !store
        .list_access_keys(account, Some(&user.name))
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DELETE_ACCESS_KEYS));
    }
    if !store
        .list_inline_policies(&principal)
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DELETE_POLICIES));
    }
    if !store
        .list_attached_policies(&principal)
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DETACH_POLICIES));
    }
    if !store
        .list_mfa_devices(account, Some(&user.name))
        .await
        .or_internal()?
        .is_empty()
    {
        return Err(AwsError::delete_conflict(messages::MUST_DELETE_MFA));
    }
    store.delete_user(account, &user.name).await.or_internal()?;
    ctx.respond_empty()
}
