//! Long-term access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey.
//! Without `UserName` they act on the signing user's keys (or the root's own). At most two
//! keys per user; secrets are sealed before they reach the store.

use rolegate_protocol::{AwsError, QueryMap, Service, Validator, XmlWriter, model};
use rolegate_store::{AccessKey, KeyOwner, KeyStatus};

use super::users::load_user;
use super::{OrInternal, Page, StoreResultExt, Target, default_user, messages};
use crate::actions::Ctx;
use crate::credentials::{new_access_key_id, new_secret_access_key};

const KEYS_PER_USER: usize = 2;

/// Whose keys a request is about, and the resource ARN the permission names.
async fn owner(ctx: &Ctx<'_>, given: Option<&str>) -> Result<(Option<String>, String), AwsError> {
    match default_user(ctx, given) {
        Some(name) => {
            let resource = Target::User.resource(ctx, &name).await;
            Ok((Some(name), resource))
        }
        None => Ok((None, ctx.caller.arn.clone())),
    }
}

fn write_metadata(w: &mut XmlWriter, key: &AccessKey, user: Option<&str>) {
    if let Some(user) = user {
        w.element("UserName", user);
    }
    w.element("AccessKeyId", &key.access_key_id);
    w.element("Status", key.status.as_str());
    w.timestamp("CreateDate", key.created_at);
}

/// The key `id` of `user` (or of the root), or NoSuchEntity.
async fn owned_key(ctx: &Ctx<'_>, user: Option<&str>, id: &str) -> Result<AccessKey, AwsError> {
    let owned = |key: &AccessKey| {
        key.account_id == ctx.account_id()
            && match (&key.owner, user) {
                (KeyOwner::User(owner), Some(user)) => owner.eq_ignore_ascii_case(user),
                (KeyOwner::Root, None) => true,
                _ => false,
            }
    };
    ctx.state
        .store
        .get_access_key(id)
        .await
        .found()?
        .filter(owned)
        .ok_or_else(|| AwsError::no_such_entity(messages::no_such_access_key(id)))
}

pub async fn create_access_key(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    v.check()?;
    let (user, resource) = owner(ctx, given).await?;
    ctx.authorize("iam:CreateAccessKey", &resource)?;
    let account = ctx.account_id().to_owned();
    let (owner, user_name) = match &user {
        Some(name) => {
            let user = load_user(ctx, name).await?;
            (KeyOwner::User(user.name.clone()), Some(user.name))
        }
        None => (KeyOwner::Root, None),
    };
    let existing = ctx
        .state
        .store
        .list_access_keys(&account, user_name.as_deref())
        .await
        .or_internal()?;
    if existing.len() >= KEYS_PER_USER {
        return Err(AwsError::limit_exceeded(messages::quota(
            "AccessKeysPerUser",
            KEYS_PER_USER,
        )));
    }
    let id = new_access_key_id(&account).or_internal()?;
    let secret = new_secret_access_key().or_internal()?;
    let sealed = ctx.state.sealer.seal_secret(&secret, &id).or_internal()?;
    let key = AccessKey {
        access_key_id: id,
        account_id: account,
        owner,
        secret_sealed: sealed,
        status: KeyStatus::Active,
        created_at: ctx.facts.now,
    };
    ctx.state
        .store
        .create_access_key(&key)
        .await
        .or_internal()?;
    ctx.audit_response(
        &serde_json::json!({"accessKey": {"accessKeyId": key.access_key_id, "userName": user_name}}),
    );
    ctx.respond(|w| {
        w.nested("AccessKey", |w| {
            if let Some(user) = &user_name {
                w.element("UserName", user);
            }
            w.element("AccessKeyId", &key.access_key_id);
            w.element("Status", key.status.as_str());
            w.element("SecretAccessKey", &secret);
            w.timestamp("CreateDate", key.created_at);
        });
    })
}

pub async fn list_access_keys(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    let page = Page::parse(&mut v, params)?;
    v.check()?;
    let (user, resource) = owner(ctx, given).await?;
    ctx.authorize("iam:ListAccessKeys", &resource)?;
    let user_name = match &user {
        Some(name) => Some(load_user(ctx, name).await?.name),
        None => None,
    };
    let keys = ctx
        .state
        .store
        .list_access_keys(ctx.account_id(), user_name.as_deref())
        .await
        .or_internal()?;
    ctx.respond(|w| {
        page.write(w, "AccessKeyMetadata", &keys, |w, key| {
            write_metadata(w, key, user_name.as_deref())
        });
        if let Some(user) = &user_name {
            w.element("UserName", user);
        }
    })
}

pub async fn update_access_key(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    let id = v
        .required(params, "AccessKeyId", &model::iam::ACCESS_KEY_ID)
        .unwrap_or_default();
    let status = v
        .required(params, "Status", &rolegate_protocol::StringRule::ANY)
        .unwrap_or_default();
    if params.contains("Status") {
        v.enumeration(
            &params.field_path("Status"),
            status,
            &["Active", "Inactive"],
        );
    }
    v.check()?;
    let (user, resource) = owner(ctx, given).await?;
    ctx.authorize("iam:UpdateAccessKey", &resource)?;
    let key = owned_key(ctx, user.as_deref(), id).await?;
    let status = KeyStatus::parse(status).unwrap_or(KeyStatus::Inactive);
    ctx.state
        .store
        .update_access_key_status(&key.access_key_id, status)
        .await
        .or_internal()?;
    ctx.respond_empty()
}

pub async fn delete_access_key(ctx: &mut Ctx<'_>, params: &QueryMap) -> Result<String, AwsError> {
    let mut v = Validator::new(Service::Iam);
    let given = v.optional(params, "UserName", &model::iam::EXISTING_USER_NAME);
    let id = v
        .required(params, "AccessKeyId", &model::iam::ACCESS_KEY_ID)
        .unwrap_or_default();
    v.check()?;
    let (user, resource) = owner(ctx, given).await?;
    ctx.authorize("iam:DeleteAccessKey", &resource)?;
    let key = owned_key(ctx, user.as_deref(), id).await?;
    ctx.state
        .store
        .delete_access_key(&key.access_key_id)
        .await
        .or_internal()?;
    ctx.respond_empty()
}
