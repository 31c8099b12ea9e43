//! The conformance suite every `Store` backend must pass (feature `testkit`). Each check starts
//! from an empty store; backends call `run_all` from their own tests.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use time::OffsetDateTime;

use crate::{
    AccessKey, Account, Entity, EntityKind, KeyOwner, KeyStatus, ManagedPolicy, MfaDevice,
    PolicyScope, Principal, Role, RoleUpdate, Store, StoreError, Tag, User, UserUpdate,
};

const ACCOUNT: &str = "111122223333";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

fn user(name: &str, id: &str) -> User {
    User {
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        user_id: id.to_owned(),
        path: "/".to_owned(),
        permissions_boundary: None,
        created_at: now(),
        tags: vec![tag("team", "blue")],
    }
}

fn role(name: &str, id: &str) -> Role {
    Role {
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        role_id: id.to_owned(),
        path: "/app/".to_owned(),
        trust_policy: "{\"trust\":1}".to_owned(),
        trust_policy_bound: "{\"bound\":1}".to_owned(),
        description: Some("d".to_owned()),
        max_session_duration: 3600,
        permissions_boundary: None,
        created_at: now(),
        tags: vec![],
    }
}

fn policy(name: &str) -> ManagedPolicy {
    ManagedPolicy {
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        policy_id: format!("ANPA{}", name.to_uppercase()),
        path: "/".to_owned(),
        description: None,
        default_version_id: "v1".to_owned(),
        attachment_count: 0,
        created_at: now(),
        updated_at: now(),
        tags: vec![],
    }
}

fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, kind: EntityKind) {
    match result {
        Err(StoreError::NotFound { kind: got, .. }) => assert_eq!(got, kind),
        other => panic!("expected NotFound({kind}), got {other:?}"),
    }
}

fn assert_exists<T: std::fmt::Debug>(result: Result<T, StoreError>, kind: EntityKind) {
    match result {
        Err(StoreError::AlreadyExists { kind: got, .. }) => assert_eq!(got, kind),
        other => panic!("expected AlreadyExists({kind}), got {other:?}"),
    }
}

const OTHER_ACCOUNT: &str = "444455556666";

async fn seed_other_account(store: &dyn Store) {
    let account = Account {
        id: OTHER_ACCOUNT.to_owned(),
        name: "other".to_owned(),
        organization_id: None,
        ou_path: None,
        created_at: now(),
    };
    store.ensure_account(&account).await.unwrap();
}

async fn seed_account(store: &dyn Store) {
    let account = Account {
        id: ACCOUNT.to_owned(),
        name: "a".to_owned(),
        organization_id: Some("o-abc".to_owned()),
        ou_path: None,
        created_at: now(),
    };
    assert!(store.ensure_account(&account).await.unwrap());
    assert!(
        !store.ensure_account(&account).await.unwrap(),
        "ensure_account is idempotent"
    );
}

/// Accounts and access keys.
pub async fn accounts_and_keys(store: &dyn Store) {
    seed_account(store).await;
    assert_eq!(
        store
            .get_account(ACCOUNT)
            .await
            .unwrap()
            .organization_id
            .as_deref(),
        Some("o-abc")
    );
    assert_not_found(store.get_account("999999999999").await, EntityKind::Account);
    assert_eq!(store.list_accounts().await.unwrap().len(), 1);

    let before = store.generation();
    let key = AccessKey {
        access_key_id: "AKIAROOT".to_owned(),
        account_id: ACCOUNT.to_owned(),
        owner: KeyOwner::Root,
        secret_sealed: vec![1, 2, 3],
        status: KeyStatus::Active,
        created_at: now(),
    };
    store.create_access_key(&key).await.unwrap();
    assert!(store.generation() > before, "writes bump the generation");
    assert_exists(store.create_access_key(&key).await, EntityKind::AccessKey);
    assert_eq!(store.get_access_key("AKIAROOT").await.unwrap(), key);
    let user_key = AccessKey {
        access_key_id: "AKIAUSER".to_owned(),
        owner: KeyOwner::User("Alice".to_owned()),
        ..key.clone()
    };
    store.create_access_key(&user_key).await.unwrap();
    assert_eq!(
        store.list_access_keys(ACCOUNT, None).await.unwrap(),
        vec![key]
    );
    let keys = store
        .list_access_keys(ACCOUNT, Some("alice"))
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "owner names compare case-insensitively");
    store
        .update_access_key_status("AKIAUSER", KeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(
        store.get_access_key("AKIAUSER").await.unwrap().status,
        KeyStatus::Inactive
    );
    store.delete_access_key("AKIAUSER").await.unwrap();
    assert_not_found(
        store.delete_access_key("AKIAUSER").await,
        EntityKind::AccessKey,
    );
    assert_not_found(
        store.get_access_key("AKIAUSER").await,
        EntityKind::AccessKey,
    );
}

/// Users: uniqueness ignores case, rename moves everything the user owns.
pub async fn users(store: &dyn Store) {
    seed_account(store).await;
    store.create_user(&user("Alice", "AIDA1")).await.unwrap();
    assert_exists(
        store.create_user(&user("ALICE", "AIDA2")).await,
        EntityKind::User,
    );
    let alice = store.get_user(ACCOUNT, "alice").await.unwrap();
    assert_eq!(alice.name, "Alice");
    assert_eq!(alice.tags, vec![tag("team", "blue")]);
    assert_eq!(alice.arn(), format!("arn:aws:iam::{ACCOUNT}:user/Alice"));

    let alice_p = Principal::user(ACCOUNT, "Alice");
    store.put_inline_policy(&alice_p, "p1", "{}").await.unwrap();
    store
        .create_policy(&policy("Managed"), "{\"v\":1}")
        .await
        .unwrap();
    store
        .attach_policy(&alice_p, &policy("Managed").arn)
        .await
        .unwrap();
    store
        .update_user(
            ACCOUNT,
            "alice",
            &UserUpdate {
                new_name: Some("Alicia".to_owned()),
                new_path: Some("/x/".to_owned()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_not_found(store.get_user(ACCOUNT, "Alice").await, EntityKind::User);
    let alicia = store.get_user(ACCOUNT, "Alicia").await.unwrap();
    assert_eq!(alicia.path, "/x/");
    assert_eq!(alicia.tags.len(), 1);
    let alicia_p = Principal::user(ACCOUNT, "Alicia");
    assert_eq!(
        store.list_inline_policies(&alicia_p).await.unwrap().len(),
        1
    );
    assert_eq!(
        store.list_attached_policies(&alicia_p).await.unwrap(),
        vec![policy("Managed").arn]
    );

    store.create_user(&user("Bob", "AIDA3")).await.unwrap();
    assert_eq!(store.list_users(ACCOUNT, None).await.unwrap().len(), 2);
    assert_eq!(
        store.list_users(ACCOUNT, Some("/x/")).await.unwrap().len(),
        1
    );
    store.delete_user(ACCOUNT, "bob").await.unwrap();
    assert_not_found(store.delete_user(ACCOUNT, "bob").await, EntityKind::User);
    // A recreated user is a different user, with no tags left over.
    store
        .create_user(&User {
            tags: vec![],
            ..user("Bob", "AIDA4")
        })
        .await
        .unwrap();
    let bob = store.get_user(ACCOUNT, "Bob").await.unwrap();
    assert_eq!(bob.user_id, "AIDA4");
    assert!(bob.tags.is_empty());
}

/// Roles: trust policy in both forms, partial updates, tags merge case-insensitively.
pub async fn roles(store: &dyn Store) {
    seed_account(store).await;
    store.create_role(&role("Deploy", "AROA1")).await.unwrap();
    assert_exists(
        store.create_role(&role("deploy", "AROA2")).await,
        EntityKind::Role,
    );
    let got = store.get_role(ACCOUNT, "DEPLOY").await.unwrap();
    assert_eq!(got.arn(), format!("arn:aws:iam::{ACCOUNT}:role/app/Deploy"));
    assert_eq!(got.trust_policy_bound, "{\"bound\":1}");
    store
        .update_role(
            ACCOUNT,
            "Deploy",
            &RoleUpdate {
                max_session_duration: Some(7200),
                trust_policy: Some(("t2".to_owned(), "b2".to_owned())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let got = store.get_role(ACCOUNT, "Deploy").await.unwrap();
    assert_eq!(
        (got.max_session_duration, got.description.as_deref()),
        (7200, Some("d"))
    );
    assert_eq!(
        (got.trust_policy.as_str(), got.trust_policy_bound.as_str()),
        ("t2", "b2")
    );
    assert_not_found(
        store
            .update_role(ACCOUNT, "Nope", &RoleUpdate::default())
            .await,
        EntityKind::Role,
    );

    let entity = Entity::Principal(Principal::role(ACCOUNT, "Deploy"));
    store
        .tag(&entity, &[tag("Env", "dev"), tag("Owner", "x")])
        .await
        .unwrap();
    store.tag(&entity, &[tag("env", "prod")]).await.unwrap();
    let tags = store.list_tags(&entity).await.unwrap();
    assert_eq!(tags, vec![tag("env", "prod"), tag("Owner", "x")]);
    store
        .untag(&entity, &["OWNER".to_owned(), "absent".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        store.list_tags(&entity).await.unwrap(),
        vec![tag("env", "prod")]
    );
    let missing = Entity::Principal(Principal::role(ACCOUNT, "Nope"));
    assert_not_found(
        store.tag(&missing, &[tag("a", "b")]).await,
        EntityKind::Role,
    );

    assert_eq!(
        store
            .list_roles(ACCOUNT, Some("/app/"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .list_roles(ACCOUNT, Some("/other/"))
            .await
            .unwrap()
            .is_empty()
    );
    store.delete_role(ACCOUNT, "deploy").await.unwrap();
    assert_not_found(store.get_role(ACCOUNT, "Deploy").await, EntityKind::Role);
}

/// Inline and attached policies.
pub async fn principal_policies(store: &dyn Store) {
    seed_account(store).await;
    store.create_role(&role("R", "AROA1")).await.unwrap();
    let r = Principal::role(ACCOUNT, "R");
    store
        .put_inline_policy(&r, "Read", "{\"a\":1}")
        .await
        .unwrap();
    store
        .put_inline_policy(&r, "read", "{\"a\":2}")
        .await
        .unwrap();
    assert_eq!(
        store.get_inline_policy(&r, "READ").await.unwrap(),
        "{\"a\":2}"
    );
    assert_eq!(store.list_inline_policies(&r).await.unwrap().len(), 1);
    assert_not_found(
        store.get_inline_policy(&r, "x").await,
        EntityKind::InlinePolicy,
    );
    assert_not_found(
        store
            .put_inline_policy(&Principal::role(ACCOUNT, "Nope"), "p", "{}")
            .await,
        EntityKind::Role,
    );
    store.delete_inline_policy(&r, "Read").await.unwrap();
    assert_not_found(
        store.delete_inline_policy(&r, "Read").await,
        EntityKind::InlinePolicy,
    );

    store.create_policy(&policy("P1"), "{}").await.unwrap();
    store.create_policy(&policy("P2"), "{}").await.unwrap();
    let p1 = policy("P1").arn;
    let p2 = policy("P2").arn;
    store.attach_policy(&r, &p2).await.unwrap();
    store.attach_policy(&r, &p1).await.unwrap();
    store.attach_policy(&r, &p1).await.unwrap();
    assert_eq!(
        store.list_attached_policies(&r).await.unwrap(),
        vec![p2.clone(), p1.clone()]
    );
    assert_eq!(store.get_policy(&p1).await.unwrap().attachment_count, 1);
    let attached = PolicyScope {
        only_attached: true,
        ..Default::default()
    };
    assert_eq!(
        store.list_policies(ACCOUNT, &attached).await.unwrap().len(),
        2
    );
    assert_not_found(
        store
            .attach_policy(&r, "arn:aws:iam::111122223333:policy/Nope")
            .await,
        EntityKind::ManagedPolicy,
    );
    store.detach_policy(&r, &p1).await.unwrap();
    assert_not_found(
        store.detach_policy(&r, &p1).await,
        EntityKind::AttachedPolicy,
    );
    assert_eq!(store.get_policy(&p1).await.unwrap().attachment_count, 0);
}

/// Managed policies and their versions.
pub async fn managed_policies(store: &dyn Store) {
    seed_account(store).await;
    let p = policy("Ops");
    store.create_policy(&p, "{\"v\":1}").await.unwrap();
    assert_exists(
        store.create_policy(&policy("ops"), "{}").await,
        EntityKind::ManagedPolicy,
    );
    let v2 = store
        .create_policy_version(&p.arn, "{\"v\":2}", false)
        .await
        .unwrap();
    assert_eq!(v2.version_id, "v2");
    let v3 = store
        .create_policy_version(&p.arn, "{\"v\":3}", true)
        .await
        .unwrap();
    assert!(v3.is_default);
    assert_eq!(
        store.get_policy(&p.arn).await.unwrap().default_version_id,
        "v3"
    );
    let versions = store.list_policy_versions(&p.arn).await.unwrap();
    let ids: Vec<_> = versions
        .iter()
        .map(|v| (v.version_id.as_str(), v.is_default))
        .collect();
    assert_eq!(ids, vec![("v3", true), ("v2", false), ("v1", false)]);
    assert!(matches!(
        store.delete_policy_version(&p.arn, "v3").await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .set_default_policy_version(&p.arn, "v1")
        .await
        .unwrap();
    store.delete_policy_version(&p.arn, "v3").await.unwrap();
    assert_not_found(
        store.get_policy_version(&p.arn, "v3").await,
        EntityKind::PolicyVersion,
    );
    assert_not_found(
        store.set_default_policy_version(&p.arn, "v9").await,
        EntityKind::PolicyVersion,
    );
    // Version numbers are never reused.
    let v4 = store
        .create_policy_version(&p.arn, "{}", false)
        .await
        .unwrap();
    assert_eq!(v4.version_id, "v4");
    assert_eq!(
        store
            .get_policy_version(&p.arn, "v1")
            .await
            .unwrap()
            .document,
        "{\"v\":1}"
    );

    let entity = Entity::Policy {
        account_id: ACCOUNT.to_owned(),
        name: "Ops".to_owned(),
    };
    store.tag(&entity, &[tag("k", "v")]).await.unwrap();
    assert_eq!(
        store.get_policy(&p.arn).await.unwrap().tags,
        vec![tag("k", "v")]
    );
    store.delete_policy(&p.arn).await.unwrap();
    assert_not_found(store.get_policy(&p.arn).await, EntityKind::ManagedPolicy);
    assert_not_found(
        store.list_policy_versions(&p.arn).await,
        EntityKind::ManagedPolicy,
    );
    store.create_policy(&p, "{}").await.unwrap();
    assert!(store.get_policy(&p.arn).await.unwrap().tags.is_empty());
}

/// Virtual MFA devices: enable once, steps never reused.
pub async fn mfa_devices(store: &dyn Store) {
    seed_account(store).await;
    let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/alice");
    let device = MfaDevice {
        serial_number: serial.clone(),
        account_id: ACCOUNT.to_owned(),
        seed_sealed: vec![9; 8],
        user_name: None,
        enabled_at: None,
        last_used_step: None,
        created_at: now(),
    };
    store.create_mfa_device(&device).await.unwrap();
    assert_exists(
        store.create_mfa_device(&device).await,
        EntityKind::MfaDevice,
    );
    store
        .enable_mfa_device(&serial, "alice", 100)
        .await
        .unwrap();
    assert!(matches!(
        store.enable_mfa_device(&serial, "bob", 101).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store
            .list_mfa_devices(ACCOUNT, Some("ALICE"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        !store.use_mfa_step(&serial, 100).await.unwrap(),
        "the enabling step is used"
    );
    assert!(store.use_mfa_step(&serial, 101).await.unwrap());
    assert!(
        !store.use_mfa_step(&serial, 101).await.unwrap(),
        "a step is accepted once"
    );
    assert!(
        !store.use_mfa_step(&serial, 99).await.unwrap(),
        "older steps are refused"
    );
    assert_not_found(
        store.deactivate_mfa_device(ACCOUNT, &serial, "bob").await,
        EntityKind::MfaDevice,
    );
    store
        .deactivate_mfa_device(ACCOUNT, &serial, "alice")
        .await
        .unwrap();
    let got = store.get_mfa_device(&serial).await.unwrap();
    assert_eq!((got.user_name, got.last_used_step), (None, Some(101)));
    store.delete_mfa_device(&serial).await.unwrap();
    assert_not_found(store.get_mfa_device(&serial).await, EntityKind::MfaDevice);
}

/// Nothing reaches across accounts: a policy attaches only within its account, and a device is
/// deactivated only for the user of its own account, even when another account has a user of
/// the same name.
pub async fn cross_account_writes(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_policy(&policy("Mine"), "{}").await.unwrap();
    let mut theirs = user("alice", "AIDATHEIRS");
    theirs.account_id = OTHER_ACCOUNT.to_owned();
    store.create_user(&theirs).await.unwrap();
    store.create_user(&user("alice", "AIDAMINE")).await.unwrap();
    let their_alice = Principal::user(OTHER_ACCOUNT, "alice");
    assert_not_found(
        store.attach_policy(&their_alice, &policy("Mine").arn).await,
        EntityKind::ManagedPolicy,
    );
    assert!(
        store
            .list_attached_policies(&their_alice)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_policy(&policy("Mine").arn)
            .await
            .unwrap()
            .attachment_count,
        0
    );

    let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/alice");
    let device = MfaDevice {
        serial_number: serial.clone(),
        account_id: ACCOUNT.to_owned(),
        seed_sealed: vec![1; 8],
        user_name: None,
        enabled_at: None,
        last_used_step: None,
        created_at: now(),
    };
    store.create_mfa_device(&device).await.unwrap();
    store.enable_mfa_device(&serial, "alice", 7).await.unwrap();
    assert_not_found(
        store
            .deactivate_mfa_device(OTHER_ACCOUNT, &serial, "alice")
            .await,
        EntityKind::MfaDevice,
    );
    assert_eq!(
        store
            .get_mfa_device(&serial)
            .await
            .unwrap()
            .user_name
            .as_deref(),
        Some("alice")
    );
}
