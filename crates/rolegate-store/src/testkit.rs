//! The conformance suite every `Store` backend must pass (feature `testkit`). Each check starts
//! from an empty store; backends call each check from their own tests (see `tests/sqlite.rs`).
//!
//! Besides what each method does, the suite races every invariant: twenty writers at once
//! against a quota, a delete against the write that would make it wrong, a delete against
//! itself. Exactly the allowed number must succeed, the others must get the store's typed
//! refusal, and the state afterwards must be one a serial order of the winners gives.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use futures_util::future::join_all;
use time::OffsetDateTime;

use crate::prelude::*;
use crate::{
    AccessKey, AccessKeyUse, Account, Blocker, DeletionStatus, DeletionTask, EntityKind, Group,
    Identity, InstanceProfile, KeyOwner, KeyStatus, LoginProfile, LoginProfileUpdate,
    ManagedPolicy, MfaDevice, NewPassword, PASSWORD_HISTORY, PasswordGuard, PasswordPolicy,
    PolicyScope, PolicyUsage, Quota, Rename, ReportStart, Role, RoleUpdate, RoleUse,
    ServerCertificate, ServiceCredential, SigningCertificate, SshPublicKey, StoreError, Tag,
    Taggable, TaggableKind, User,
};

const ACCOUNT: &str = "111122223333";
const OTHER_ACCOUNT: &str = "444455556666";
/// Concurrent writers in each race.
const RACERS: usize = 20;

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

fn group(name: &str, id: &str) -> Group {
    Group {
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        group_id: id.to_owned(),
        path: "/".to_owned(),
        created_at: now(),
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

fn profile(name: &str, id: &str) -> InstanceProfile {
    InstanceProfile {
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        profile_id: id.to_owned(),
        path: "/".to_owned(),
        created_at: now(),
        roles: vec![],
        tags: vec![tag("k", "v")],
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
        boundary_usage_count: 0,
        created_at: now(),
        updated_at: now(),
        tags: vec![],
    }
}

fn access_key(id: &str, owner: KeyOwner) -> AccessKey {
    AccessKey {
        access_key_id: id.to_owned(),
        account_id: ACCOUNT.to_owned(),
        owner,
        secret_sealed: vec![1, 2, 3],
        status: KeyStatus::Active,
        created_at: now(),
    }
}

fn device(serial: &str) -> MfaDevice {
    MfaDevice {
        serial_number: serial.to_owned(),
        account_id: ACCOUNT.to_owned(),
        seed_sealed: vec![9; 8],
        user_name: None,
        enabled_at: None,
        last_used_step: None,
        created_at: now(),
    }
}

fn login_profile(user_name: &str, hash: &str) -> LoginProfile {
    LoginProfile {
        account_id: ACCOUNT.to_owned(),
        user_name: user_name.to_owned(),
        password_hash: hash.to_owned(),
        password_reset_required: true,
        created_at: now(),
        password_changed_at: now(),
    }
}

/// A password change guarded by the hash it was checked against.
fn new_password(hash: &str, checked: Option<&str>) -> LoginProfileUpdate {
    LoginProfileUpdate {
        password: Some(NewPassword {
            hash: hash.to_owned(),
            at: now() + time::Duration::days(1),
            guard: PasswordGuard::Latest(checked.map(str::to_owned)),
        }),
        password_reset_required: None,
    }
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, kind: EntityKind) {
    match result {
        Err(StoreError::Conflict { kind: got, .. }) => assert_eq!(got, kind),
        other => panic!("expected Conflict({kind}), got {other:?}"),
    }
}

/// The size measure the tests use: bytes.
fn bytes(text: &str) -> usize {
    text.len()
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

fn assert_quota<T: std::fmt::Debug>(result: Result<T, StoreError>, quota: Quota) {
    match result {
        Err(StoreError::LimitExceeded { quota: got }) => assert_eq!(got, quota),
        other => panic!("expected LimitExceeded({quota:?}), got {other:?}"),
    }
}

fn assert_blocked<T: std::fmt::Debug>(result: Result<T, StoreError>, blocker: Blocker) {
    match result {
        Err(StoreError::DeleteConflict { blocker: got }) => assert_eq!(got, blocker),
        other => panic!("expected DeleteConflict({blocker:?}), got {other:?}"),
    }
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

/// Accounts, aliases, counts and access keys.
pub async fn accounts_and_keys(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
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
    assert_eq!(store.list_accounts().await.unwrap().len(), 2);

    let before = store.generation();
    let root_key = access_key("AKIAROOT", KeyOwner::Root);
    store.create_access_key(&root_key).await.unwrap();
    assert!(store.generation() > before, "writes move the generation");
    assert_eq!(
        store.refresh_generation().await.unwrap(),
        store.generation()
    );
    assert_exists(
        store.create_access_key(&root_key).await,
        EntityKind::AccessKey,
    );
    assert_eq!(store.get_access_key("AKIAROOT").await.unwrap(), root_key);
    assert_not_found(
        store
            .create_access_key(&access_key("AKIANOUSER", KeyOwner::User("ghost".into())))
            .await,
        EntityKind::User,
    );
    store.create_user(&user("Alice", "AIDA1")).await.unwrap();
    let alice = KeyOwner::User("alice".to_owned());
    store
        .create_access_key(&access_key("AKIAUSER", alice.clone()))
        .await
        .unwrap();
    let stored = store.get_access_key("AKIAUSER").await.unwrap();
    assert_eq!(
        stored.owner,
        KeyOwner::User("Alice".to_owned()),
        "the owner is stored under the user's own spelling"
    );
    assert_eq!(
        store
            .list_access_keys(ACCOUNT, &KeyOwner::Root)
            .await
            .unwrap(),
        vec![root_key]
    );
    assert_eq!(
        store.list_access_keys(ACCOUNT, &alice).await.unwrap().len(),
        1,
        "owner names compare case-insensitively"
    );
    // A key is changed only by its owner's account and owner.
    assert_not_found(
        store
            .update_access_key_status(OTHER_ACCOUNT, &alice, "AKIAUSER", KeyStatus::Inactive)
            .await,
        EntityKind::AccessKey,
    );
    assert_not_found(
        store
            .delete_access_key(ACCOUNT, &KeyOwner::Root, "AKIAUSER")
            .await,
        EntityKind::AccessKey,
    );
    store
        .update_access_key_status(ACCOUNT, &alice, "AKIAUSER", KeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(
        store.get_access_key("AKIAUSER").await.unwrap().status,
        KeyStatus::Inactive
    );
    // Inactive keys count towards the quota.
    store
        .create_access_key(&access_key("AKIAUSER2", alice.clone()))
        .await
        .unwrap();
    assert_quota(
        store
            .create_access_key(&access_key("AKIAUSER3", alice.clone()))
            .await,
        Quota::AccessKeysPerUser,
    );
    store
        .delete_access_key(ACCOUNT, &alice, "AKIAUSER")
        .await
        .unwrap();
    assert_not_found(
        store.delete_access_key(ACCOUNT, &alice, "AKIAUSER").await,
        EntityKind::AccessKey,
    );

    let counts = store.account_counts(ACCOUNT).await.unwrap();
    assert_eq!((counts.users, counts.root_access_keys), (1, 1));

    store.set_account_alias(ACCOUNT, "first").await.unwrap();
    store.set_account_alias(ACCOUNT, "second").await.unwrap();
    assert_eq!(
        store.list_account_aliases(ACCOUNT).await.unwrap(),
        vec!["second".to_owned()],
        "one alias per account: a new one replaces the old"
    );
    assert_exists(
        store.set_account_alias(OTHER_ACCOUNT, "second").await,
        EntityKind::AccountAlias,
    );
    store.set_account_alias(ACCOUNT, "second").await.unwrap();
    assert_not_found(
        store.delete_account_alias(ACCOUNT, "first").await,
        EntityKind::AccountAlias,
    );
    assert_not_found(
        store.delete_account_alias(OTHER_ACCOUNT, "second").await,
        EntityKind::AccountAlias,
    );
    store.delete_account_alias(ACCOUNT, "second").await.unwrap();
    assert!(
        store
            .list_account_aliases(ACCOUNT)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Users: uniqueness ignores case, rename moves everything the user owns, and a user with
/// anything left is not deleted.
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
    assert_eq!(
        alice.arn("aws"),
        format!("arn:aws:iam::{ACCOUNT}:user/Alice")
    );

    let alice_i = Identity::user(ACCOUNT, "Alice");
    store
        .put_inline_policy(&alice_i, "p1", "{}", bytes)
        .await
        .unwrap();
    store
        .create_policy(&policy("Managed"), "{\"v\":1}")
        .await
        .unwrap();
    store
        .attach_policy(&alice_i, &policy("Managed").arn)
        .await
        .unwrap();
    store.create_group(&group("Devs", "AGPA1")).await.unwrap();
    store
        .add_user_to_group(ACCOUNT, "devs", "alice")
        .await
        .unwrap();
    store
        .create_access_key(&access_key("AKIAALICE", KeyOwner::User("Alice".into())))
        .await
        .unwrap();
    store
        .create_mfa_device(&device("arn:aws:iam::111122223333:mfa/a"))
        .await
        .unwrap();
    store
        .enable_mfa_device(
            ACCOUNT,
            "arn:aws:iam::111122223333:mfa/a",
            "alice",
            5,
            now(),
        )
        .await
        .unwrap();
    store
        .update_user(
            ACCOUNT,
            "alice",
            &Rename {
                new_name: Some("Alicia".to_owned()),
                new_path: Some("/x/".to_owned()),
            },
        )
        .await
        .unwrap();
    assert_not_found(store.get_user(ACCOUNT, "Alice").await, EntityKind::User);
    let alicia = store.get_user(ACCOUNT, "Alicia").await.unwrap();
    assert_eq!(alicia.path, "/x/");
    assert_eq!(alicia.tags.len(), 1);
    let alicia_i = Identity::user(ACCOUNT, "Alicia");
    assert_eq!(
        store.list_inline_policies(&alicia_i).await.unwrap().len(),
        1
    );
    assert_eq!(
        store.list_attached_policies(&alicia_i).await.unwrap(),
        vec![policy("Managed").arn]
    );
    let members = store.list_group_members(ACCOUNT, "Devs").await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].name, "Alicia", "memberships follow a rename");
    assert_eq!(
        store
            .list_mfa_devices(ACCOUNT, Some("alicia"))
            .await
            .unwrap()
            .len(),
        1,
        "devices follow a rename"
    );
    assert_eq!(
        store
            .list_access_keys(ACCOUNT, &KeyOwner::User("alicia".into()))
            .await
            .unwrap()
            .len(),
        1,
        "keys follow a rename"
    );
    store.create_user(&user("Bob", "AIDA3")).await.unwrap();
    assert_exists(
        store
            .update_user(
                ACCOUNT,
                "bob",
                &Rename {
                    new_name: Some("ALICIA".to_owned()),
                    new_path: None,
                },
            )
            .await,
        EntityKind::User,
    );

    // Each blocker in turn, in the order they are reported.
    let alicia_owner = KeyOwner::User("Alicia".into());
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::AccessKeys,
    );
    store
        .delete_access_key(ACCOUNT, &alicia_owner, "AKIAALICE")
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::InlinePolicies,
    );
    store.delete_inline_policy(&alicia_i, "p1").await.unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::AttachedPolicies,
    );
    store
        .detach_policy(&alicia_i, &policy("Managed").arn)
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::MfaDevices,
    );
    store
        .deactivate_mfa_device(ACCOUNT, "arn:aws:iam::111122223333:mfa/a", "alicia")
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::GroupMembers,
    );
    store
        .remove_user_from_group(ACCOUNT, "Devs", "Alicia")
        .await
        .unwrap();
    store.delete_user(ACCOUNT, "alicia").await.unwrap();
    assert_not_found(store.delete_user(ACCOUNT, "alicia").await, EntityKind::User);

    assert_eq!(store.list_users(ACCOUNT, None).await.unwrap().len(), 1);
    assert!(
        store
            .list_users(ACCOUNT, Some("/x/"))
            .await
            .unwrap()
            .is_empty()
    );
    // A recreated user is a different user, with no tags left over.
    store.delete_user(ACCOUNT, "bob").await.unwrap();
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

/// Groups: members, renames, policies and delete rules.
pub async fn groups(store: &dyn Store) {
    seed_account(store).await;
    store.create_group(&group("Devs", "AGPA1")).await.unwrap();
    assert_exists(
        store.create_group(&group("DEVS", "AGPA2")).await,
        EntityKind::Group,
    );
    let got = store.get_group(ACCOUNT, "devs").await.unwrap();
    assert_eq!(got.arn("aws"), format!("arn:aws:iam::{ACCOUNT}:group/Devs"));
    assert_not_found(
        store.add_user_to_group(ACCOUNT, "Devs", "ghost").await,
        EntityKind::User,
    );
    store.create_user(&user("u1", "AIDA1")).await.unwrap();
    assert_not_found(
        store.add_user_to_group(ACCOUNT, "Nope", "u1").await,
        EntityKind::Group,
    );
    store
        .add_user_to_group(ACCOUNT, "Devs", "u1")
        .await
        .unwrap();
    store
        .add_user_to_group(ACCOUNT, "devs", "U1")
        .await
        .unwrap();
    assert_eq!(
        store
            .list_group_members(ACCOUNT, "Devs")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.list_groups_for_user(ACCOUNT, "u1").await.unwrap()[0].name,
        "Devs"
    );
    let devs = Identity::group(ACCOUNT, "Devs");
    store
        .put_inline_policy(&devs, "g", "{}", bytes)
        .await
        .unwrap();
    store.create_policy(&policy("P"), "{}").await.unwrap();
    store.attach_policy(&devs, &policy("P").arn).await.unwrap();
    store
        .update_group(
            ACCOUNT,
            "devs",
            &Rename {
                new_name: Some("Builders".into()),
                new_path: Some("/eng/".into()),
            },
        )
        .await
        .unwrap();
    let builders = Identity::group(ACCOUNT, "Builders");
    assert_eq!(
        store
            .list_group_members(ACCOUNT, "builders")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.list_inline_policies(&builders).await.unwrap().len(),
        1
    );
    assert_eq!(
        store
            .list_groups(ACCOUNT, Some("/eng/"))
            .await
            .unwrap()
            .len(),
        1
    );
    let entities = store
        .list_entities_for_policy(ACCOUNT, &policy("P").arn, None)
        .await
        .unwrap();
    assert_eq!(
        entities
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.id.as_str(), g.path.as_str()))
            .collect::<Vec<_>>(),
        vec![("Builders", "AGPA1", "/eng/")]
    );

    assert_blocked(
        store.delete_group(ACCOUNT, "Builders").await,
        Blocker::GroupMembers,
    );
    store
        .remove_user_from_group(ACCOUNT, "Builders", "u1")
        .await
        .unwrap();
    store
        .remove_user_from_group(ACCOUNT, "Builders", "u1")
        .await
        .unwrap();
    assert_blocked(
        store.delete_group(ACCOUNT, "Builders").await,
        Blocker::InlinePolicies,
    );
    store.delete_inline_policy(&builders, "g").await.unwrap();
    assert_blocked(
        store.delete_group(ACCOUNT, "Builders").await,
        Blocker::AttachedPolicies,
    );
    store
        .detach_policy(&builders, &policy("P").arn)
        .await
        .unwrap();
    store.delete_group(ACCOUNT, "Builders").await.unwrap();
    assert_not_found(
        store.get_group(ACCOUNT, "Builders").await,
        EntityKind::Group,
    );

    // GroupsPerUser.
    for i in 0..Quota::GroupsPerUser.limit() {
        let name = format!("g{i}");
        store
            .create_group(&group(&name, &format!("AGPAX{i}")))
            .await
            .unwrap();
        store.add_user_to_group(ACCOUNT, &name, "u1").await.unwrap();
    }
    store
        .create_group(&group("one-too-many", "AGPAY"))
        .await
        .unwrap();
    assert_quota(
        store.add_user_to_group(ACCOUNT, "one-too-many", "u1").await,
        Quota::GroupsPerUser,
    );
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
    assert_eq!(
        got.arn("aws"),
        format!("arn:aws:iam::{ACCOUNT}:role/app/Deploy")
    );
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

    let entity = Taggable::new(TaggableKind::Role, ACCOUNT, "Deploy");
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
    let missing = Taggable::new(TaggableKind::Role, ACCOUNT, "Nope");
    assert_not_found(
        store.tag(&missing, &[tag("a", "b")]).await,
        EntityKind::Role,
    );
    // At most 50 tags in all: a write that would pass it changes nothing.
    let many: Vec<Tag> = (0..Quota::TagsPerResource.limit())
        .map(|i| tag(&format!("k{i}"), "v"))
        .collect();
    assert_quota(store.tag(&entity, &many).await, Quota::TagsPerResource);
    assert_eq!(store.list_tags(&entity).await.unwrap().len(), 1);

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

    // A boundary is a policy of the account (or AWS's), never another account's.
    assert_not_found(
        store
            .set_role_boundary(ACCOUNT, "Deploy", Some(&policy("Missing").arn))
            .await,
        EntityKind::ManagedPolicy,
    );
    assert_not_found(
        store
            .set_role_boundary(
                ACCOUNT,
                "Deploy",
                Some("arn:aws:iam::444455556666:policy/Theirs"),
            )
            .await,
        EntityKind::ManagedPolicy,
    );
    store
        .set_role_boundary(
            ACCOUNT,
            "Deploy",
            Some("arn:aws:iam::aws:policy/PowerUserAccess"),
        )
        .await
        .unwrap();
    store.create_policy(&policy("Bound"), "{}").await.unwrap();
    store
        .set_role_boundary(ACCOUNT, "Deploy", Some(&policy("Bound").arn))
        .await
        .unwrap();
    assert_eq!(
        store
            .get_policy(&policy("Bound").arn)
            .await
            .unwrap()
            .boundary_usage_count,
        1
    );
    assert_blocked(
        store.delete_policy(&policy("Bound").arn).await,
        Blocker::PolicyAttached,
    );
    store
        .set_role_boundary(ACCOUNT, "Deploy", None)
        .await
        .unwrap();
    assert_eq!(
        store
            .get_role(ACCOUNT, "Deploy")
            .await
            .unwrap()
            .permissions_boundary,
        None
    );
    store.delete_policy(&policy("Bound").arn).await.unwrap();

    store
        .create_instance_profile(&profile("Web", "AIPA1"))
        .await
        .unwrap();
    store
        .add_role_to_instance_profile(ACCOUNT, "web", "deploy")
        .await
        .unwrap();
    assert_blocked(
        store.delete_role(ACCOUNT, "deploy").await,
        Blocker::InstanceProfileRoles,
    );
    store
        .remove_role_from_instance_profile(ACCOUNT, "Web", "Deploy")
        .await
        .unwrap();
    store.delete_role(ACCOUNT, "deploy").await.unwrap();
    assert_not_found(store.get_role(ACCOUNT, "Deploy").await, EntityKind::Role);
    assert_not_found(store.delete_role(ACCOUNT, "Deploy").await, EntityKind::Role);
}

/// Instance profiles hold one role.
pub async fn instance_profiles(store: &dyn Store) {
    seed_account(store).await;
    store
        .create_instance_profile(&profile("Web", "AIPA1"))
        .await
        .unwrap();
    assert_exists(
        store
            .create_instance_profile(&profile("web", "AIPA2"))
            .await,
        EntityKind::InstanceProfile,
    );
    let got = store.get_instance_profile(ACCOUNT, "WEB").await.unwrap();
    assert_eq!(
        got.arn("aws"),
        format!("arn:aws:iam::{ACCOUNT}:instance-profile/Web")
    );
    assert_eq!((got.roles.len(), got.tags.len()), (0, 1));
    store.create_role(&role("R1", "AROA1")).await.unwrap();
    store.create_role(&role("R2", "AROA2")).await.unwrap();
    assert_not_found(
        store
            .add_role_to_instance_profile(ACCOUNT, "Web", "ghost")
            .await,
        EntityKind::Role,
    );
    store
        .add_role_to_instance_profile(ACCOUNT, "Web", "R1")
        .await
        .unwrap();
    for again in ["R1", "R2"] {
        assert_quota(
            store
                .add_role_to_instance_profile(ACCOUNT, "Web", again)
                .await,
            Quota::InstanceSessionsPerInstanceProfile,
        );
    }
    assert_eq!(
        store
            .get_instance_profile(ACCOUNT, "Web")
            .await
            .unwrap()
            .roles,
        vec!["R1".to_owned()]
    );
    assert_eq!(
        store
            .list_instance_profiles_for_role(ACCOUNT, "r1")
            .await
            .unwrap()
            .len(),
        1
    );
    assert_blocked(
        store.delete_instance_profile(ACCOUNT, "Web").await,
        Blocker::InstanceProfileRoles,
    );
    assert_not_found(
        store
            .remove_role_from_instance_profile(ACCOUNT, "Web", "R2")
            .await,
        EntityKind::Role,
    );
    store
        .remove_role_from_instance_profile(ACCOUNT, "Web", "R1")
        .await
        .unwrap();
    store.delete_instance_profile(ACCOUNT, "web").await.unwrap();
    assert_not_found(
        store.get_instance_profile(ACCOUNT, "Web").await,
        EntityKind::InstanceProfile,
    );
    // A recreated profile has no tags left over.
    store
        .create_instance_profile(&InstanceProfile {
            tags: vec![],
            ..profile("Web", "AIPA3")
        })
        .await
        .unwrap();
    assert!(
        store
            .list_tags(&Taggable::new(
                TaggableKind::InstanceProfile,
                ACCOUNT,
                "Web"
            ))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Inline and attached policies, their quotas and who uses a policy.
pub async fn identity_policies(store: &dyn Store) {
    seed_account(store).await;
    store.create_role(&role("R", "AROA1")).await.unwrap();
    let r = Identity::role(ACCOUNT, "R");
    store
        .put_inline_policy(&r, "Read", "{\"a\":1}", bytes)
        .await
        .unwrap();
    store
        .put_inline_policy(&r, "read", "{\"a\":2}", bytes)
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
            .put_inline_policy(&Identity::role(ACCOUNT, "Nope"), "p", "{}", bytes)
            .await,
        EntityKind::Role,
    );
    // The total of a role's inline policies: replacing one counts only its new text.
    let limit = crate::inline_policy_limit(crate::IdentityKind::Role);
    let half = "x".repeat(limit / 2);
    store
        .put_inline_policy(&r, "a", &half, bytes)
        .await
        .unwrap();
    store
        .put_inline_policy(&r, "a", &half, bytes)
        .await
        .unwrap();
    match store.put_inline_policy(&r, "b", &half, bytes).await {
        Err(StoreError::InlinePolicySize {
            name, limit: got, ..
        }) => {
            assert_eq!((name.as_str(), got), ("R", limit));
        }
        other => panic!("expected InlinePolicySize, got {other:?}"),
    }
    assert_not_found(
        store.get_inline_policy(&r, "b").await,
        EntityKind::InlinePolicy,
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
    assert_eq!(store.policy_usage(ACCOUNT, &p1).await.unwrap(), (1, 0));
    let attached = PolicyScope {
        only_attached: true,
        ..Default::default()
    };
    assert_eq!(
        store.list_policies(ACCOUNT, &attached).await.unwrap().len(),
        2
    );
    assert_not_found(
        store.attach_policy(&r, &policy("Nope").arn).await,
        EntityKind::ManagedPolicy,
    );
    // AWS-managed policies attach (the caller checks the catalogue) and count per account.
    let aws = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    store.attach_policy(&r, aws).await.unwrap();
    assert_eq!(store.policy_usage(ACCOUNT, aws).await.unwrap(), (1, 0));
    let entities = store
        .list_entities_for_policy(ACCOUNT, aws, Some(PolicyUsage::Permissions))
        .await
        .unwrap();
    assert_eq!(entities.roles.len(), 1);
    assert_eq!(entities.roles[0].id, "AROA1");
    let uses = store.policy_uses(ACCOUNT).await.unwrap();
    let aws_use = uses.iter().find(|u| u.arn == aws).unwrap();
    assert_eq!((aws_use.attachments, aws_use.boundaries), (1, 0));
    assert!(
        store
            .list_entities_for_policy(ACCOUNT, aws, Some(PolicyUsage::Boundary))
            .await
            .unwrap()
            .roles
            .is_empty()
    );
    store.detach_policy(&r, &p1).await.unwrap();
    assert_not_found(
        store.detach_policy(&r, &p1).await,
        EntityKind::AttachedPolicy,
    );
    assert_eq!(store.get_policy(&p1).await.unwrap().attachment_count, 0);

    // PoliciesPerRole: ten attached in all.
    for i in 0..8 {
        let name = format!("Q{i}");
        store.create_policy(&policy(&name), "{}").await.unwrap();
        store.attach_policy(&r, &policy(&name).arn).await.unwrap();
    }
    assert_quota(store.attach_policy(&r, &p1).await, Quota::PoliciesPerRole);
    store.attach_policy(&r, &p2).await.unwrap();
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
        .create_policy_version(&p.arn, "{\"v\":2}", false, now())
        .await
        .unwrap();
    assert_eq!(v2.version_id, "v2");
    let v3 = store
        .create_policy_version(&p.arn, "{\"v\":3}", true, now())
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
    assert_blocked(
        store.delete_policy_version(&p.arn, "v3").await,
        Blocker::DefaultVersion,
    );
    store
        .set_default_policy_version(&p.arn, "v1", now())
        .await
        .unwrap();
    store.delete_policy_version(&p.arn, "v3").await.unwrap();
    assert_not_found(
        store.get_policy_version(&p.arn, "v3").await,
        EntityKind::PolicyVersion,
    );
    assert_not_found(
        store.set_default_policy_version(&p.arn, "v9", now()).await,
        EntityKind::PolicyVersion,
    );
    // VersionsPerPolicy: five at most.
    for _ in 0..3 {
        store
            .create_policy_version(&p.arn, "{}", false, now())
            .await
            .unwrap();
    }
    assert_quota(
        store
            .create_policy_version(&p.arn, "{}", false, now())
            .await,
        Quota::VersionsPerPolicy,
    );
    assert_eq!(store.list_policy_versions(&p.arn).await.unwrap().len(), 5);
    assert_blocked(store.delete_policy(&p.arn).await, Blocker::PolicyVersions);
    for version in ["v2", "v4", "v5", "v6"] {
        store.delete_policy_version(&p.arn, version).await.unwrap();
    }
    assert_eq!(
        store
            .get_policy_version(&p.arn, "v1")
            .await
            .unwrap()
            .document,
        "{\"v\":1}"
    );

    let entity = Taggable::new(TaggableKind::Policy, ACCOUNT, "Ops");
    store.tag(&entity, &[tag("k", "v")]).await.unwrap();
    assert_eq!(
        store.get_policy(&p.arn).await.unwrap().tags,
        vec![tag("k", "v")]
    );
    store.create_role(&role("R", "AROA1")).await.unwrap();
    store
        .attach_policy(&Identity::role(ACCOUNT, "R"), &p.arn)
        .await
        .unwrap();
    assert_blocked(store.delete_policy(&p.arn).await, Blocker::PolicyAttached);
    store
        .detach_policy(&Identity::role(ACCOUNT, "R"), &p.arn)
        .await
        .unwrap();
    store.delete_policy(&p.arn).await.unwrap();
    assert_not_found(store.get_policy(&p.arn).await, EntityKind::ManagedPolicy);
    assert_not_found(
        store.list_policy_versions(&p.arn).await,
        EntityKind::ManagedPolicy,
    );
    store.create_policy(&p, "{}").await.unwrap();
    assert!(store.get_policy(&p.arn).await.unwrap().tags.is_empty());
}

/// Virtual MFA devices: enable once, steps never reused, assigned devices not deleted.
pub async fn mfa_devices(store: &dyn Store) {
    seed_account(store).await;
    let serial = format!("arn:aws:iam::{ACCOUNT}:mfa/alice");
    store.create_mfa_device(&device(&serial)).await.unwrap();
    assert_exists(
        store.create_mfa_device(&device(&serial)).await,
        EntityKind::MfaDevice,
    );
    assert_not_found(
        store
            .enable_mfa_device(ACCOUNT, &serial, "alice", 100, now())
            .await,
        EntityKind::User,
    );
    store.create_user(&user("alice", "AIDA1")).await.unwrap();
    store
        .enable_mfa_device(ACCOUNT, &serial, "alice", 100, now())
        .await
        .unwrap();
    assert!(matches!(
        store
            .enable_mfa_device(ACCOUNT, &serial, "alice", 100, now())
            .await,
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
    assert_blocked(
        store.delete_mfa_device(ACCOUNT, &serial).await,
        Blocker::DeviceAssigned,
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
    assert_not_found(
        store.delete_mfa_device(OTHER_ACCOUNT, &serial).await,
        EntityKind::MfaDevice,
    );
    store.delete_mfa_device(ACCOUNT, &serial).await.unwrap();
    assert_not_found(store.get_mfa_device(&serial).await, EntityKind::MfaDevice);
}

/// Login profiles: one per user, guarded password writes, the history that reuse prevention
/// reads, the delete rule they put on their user, renames; and the account password policy.
pub async fn login_profiles(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    let unguarded = PasswordGuard::Unconditional;
    assert_not_found(
        store
            .create_login_profile(&login_profile("alice", "h1"), &unguarded)
            .await,
        EntityKind::User,
    );
    store.create_user(&user("Alice", "AIDA1")).await.unwrap();
    assert_not_found(
        store.get_login_profile(ACCOUNT, "alice").await,
        EntityKind::LoginProfile,
    );
    assert_not_found(
        store.delete_login_profile(ACCOUNT, "alice").await,
        EntityKind::LoginProfile,
    );
    assert_not_found(
        store
            .update_login_profile(ACCOUNT, "alice", &new_password("h0", None))
            .await,
        EntityKind::LoginProfile,
    );
    assert_not_found(
        store
            .update_login_profile(ACCOUNT, "nobody", &new_password("h0", None))
            .await,
        EntityKind::User,
    );
    // A guard that names a password the user never had fails before anything is written.
    assert_conflict(
        store
            .create_login_profile(
                &login_profile("alice", "h1"),
                &PasswordGuard::Latest(Some("h0".into())),
            )
            .await,
        EntityKind::LoginProfile,
    );
    store
        .create_login_profile(&login_profile("alice", "h1"), &PasswordGuard::Latest(None))
        .await
        .unwrap();
    assert_exists(
        store
            .create_login_profile(&login_profile("ALICE", "h9"), &unguarded)
            .await,
        EntityKind::LoginProfile,
    );
    let got = store.get_login_profile(ACCOUNT, "ALICE").await.unwrap();
    assert_eq!(got.user_name, "Alice", "the stored name");
    assert_eq!(got.password_hash, "h1");
    assert!(got.password_reset_required);
    assert!(
        !format!("{got:?}").contains("h1"),
        "Debug leaves the hash out"
    );

    // A change checked against the current password goes through once; a second one checked
    // against the same (now old) password does not.
    store
        .update_login_profile(ACCOUNT, "alice", &new_password("h2", Some("h1")))
        .await
        .unwrap();
    assert_conflict(
        store
            .update_login_profile(ACCOUNT, "alice", &new_password("h3", Some("h1")))
            .await,
        EntityKind::LoginProfile,
    );
    let got = store.get_login_profile(ACCOUNT, "alice").await.unwrap();
    assert_eq!(got.password_hash, "h2");
    assert_eq!(got.password_changed_at, now() + time::Duration::days(1));
    assert_eq!(
        got.created_at,
        now(),
        "a new password keeps the creation date"
    );
    assert!(got.password_reset_required, "the flag is left as it was");
    store
        .update_login_profile(
            ACCOUNT,
            "alice",
            &LoginProfileUpdate {
                password: None,
                password_reset_required: Some(false),
            },
        )
        .await
        .unwrap();
    let got = store.get_login_profile(ACCOUNT, "alice").await.unwrap();
    assert_eq!(
        (got.password_hash.as_str(), got.password_reset_required),
        ("h2", false)
    );
    assert_eq!(
        store.password_history(ACCOUNT, "alice", 24).await.unwrap(),
        vec!["h2", "h1"],
        "newest first"
    );
    assert_eq!(
        store.password_history(ACCOUNT, "alice", 1).await.unwrap(),
        vec!["h2"]
    );

    // The history keeps the newest PASSWORD_HISTORY hashes.
    let mut previous = "h2".to_owned();
    for n in 3..=30 {
        let hash = format!("h{n}");
        store
            .update_login_profile(ACCOUNT, "alice", &new_password(&hash, Some(&previous)))
            .await
            .unwrap();
        previous = hash;
    }
    let history = store.password_history(ACCOUNT, "alice", 100).await.unwrap();
    assert_eq!(history.len(), PASSWORD_HISTORY);
    assert_eq!(history.first().map(String::as_str), Some("h30"));
    assert_eq!(history.last().map(String::as_str), Some("h7"));

    // The login profile blocks DeleteUser, first of every blocker; a rename carries the profile
    // and the history.
    store
        .create_access_key(&access_key("AKIAALICE", KeyOwner::User("Alice".into())))
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "alice").await,
        Blocker::LoginProfile,
    );
    store
        .update_user(
            ACCOUNT,
            "alice",
            &Rename {
                new_name: Some("Alicia".to_owned()),
                new_path: None,
            },
        )
        .await
        .unwrap();
    assert_not_found(
        store.get_login_profile(ACCOUNT, "alice").await,
        EntityKind::LoginProfile,
    );
    assert_eq!(
        store
            .get_login_profile(ACCOUNT, "alicia")
            .await
            .unwrap()
            .user_name,
        "Alicia"
    );
    assert_eq!(
        store.password_history(ACCOUNT, "alicia", 1).await.unwrap(),
        vec!["h30"]
    );
    assert!(
        store
            .password_history(ACCOUNT, "alice", 24)
            .await
            .unwrap()
            .is_empty()
    );

    // Deleting the profile keeps the history (a recreated profile is checked against it);
    // deleting the user takes the history with it.
    store.delete_login_profile(ACCOUNT, "alicia").await.unwrap();
    assert_not_found(
        store.delete_login_profile(ACCOUNT, "alicia").await,
        EntityKind::LoginProfile,
    );
    assert_eq!(
        store.password_history(ACCOUNT, "alicia", 1).await.unwrap(),
        vec!["h30"]
    );
    assert_conflict(
        store
            .create_login_profile(
                &login_profile("alicia", "h31"),
                &PasswordGuard::Latest(None),
            )
            .await,
        EntityKind::LoginProfile,
    );
    assert_blocked(
        store.delete_user(ACCOUNT, "alicia").await,
        Blocker::AccessKeys,
    );
    store
        .delete_access_key(ACCOUNT, &KeyOwner::User("Alicia".into()), "AKIAALICE")
        .await
        .unwrap();
    store.delete_user(ACCOUNT, "alicia").await.unwrap();
    store.create_user(&user("Alicia", "AIDA2")).await.unwrap();
    assert!(
        store
            .password_history(ACCOUNT, "alicia", 24)
            .await
            .unwrap()
            .is_empty(),
        "a recreated user starts with no history"
    );

    // Another account's user of the same name is another user.
    let mut theirs = user("Alicia", "AIDATHEIRS");
    theirs.account_id = OTHER_ACCOUNT.to_owned();
    store.create_user(&theirs).await.unwrap();
    store
        .create_login_profile(&login_profile("Alicia", "mine"), &unguarded)
        .await
        .unwrap();
    assert_not_found(
        store.get_login_profile(OTHER_ACCOUNT, "alicia").await,
        EntityKind::LoginProfile,
    );
    assert_not_found(
        store.delete_login_profile(OTHER_ACCOUNT, "alicia").await,
        EntityKind::LoginProfile,
    );
    assert!(store.get_login_profile(ACCOUNT, "alicia").await.is_ok());

    // The password policy: none, set whole, replaced whole, deleted.
    assert_not_found(
        store.get_password_policy(ACCOUNT).await,
        EntityKind::PasswordPolicy,
    );
    assert_not_found(
        store.delete_password_policy(ACCOUNT).await,
        EntityKind::PasswordPolicy,
    );
    let strict = PasswordPolicy {
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        hard_expiry: true,
    };
    store.set_password_policy(ACCOUNT, &strict).await.unwrap();
    assert_eq!(store.get_password_policy(ACCOUNT).await.unwrap(), strict);
    assert_not_found(
        store.get_password_policy(OTHER_ACCOUNT).await,
        EntityKind::PasswordPolicy,
    );
    store
        .set_password_policy(ACCOUNT, &PasswordPolicy::default())
        .await
        .unwrap();
    assert_eq!(
        store.get_password_policy(ACCOUNT).await.unwrap(),
        PasswordPolicy::default()
    );
    assert_not_found(
        store
            .set_password_policy("999999999999", &PasswordPolicy::default())
            .await,
        EntityKind::Account,
    );
    store.delete_password_policy(ACCOUNT).await.unwrap();
    assert_not_found(
        store.get_password_policy(ACCOUNT).await,
        EntityKind::PasswordPolicy,
    );
}

/// Nothing reaches across accounts: a policy attaches only within its account, and a device is
/// enabled or deactivated only for the user of its own account, even when another account has
/// a user of the same name.
pub async fn cross_account_writes(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_policy(&policy("Mine"), "{}").await.unwrap();
    let mut theirs = user("alice", "AIDATHEIRS");
    theirs.account_id = OTHER_ACCOUNT.to_owned();
    store.create_user(&theirs).await.unwrap();
    store.create_user(&user("alice", "AIDAMINE")).await.unwrap();
    let their_alice = Identity::user(OTHER_ACCOUNT, "alice");
    assert_not_found(
        store.attach_policy(&their_alice, &policy("Mine").arn).await,
        EntityKind::ManagedPolicy,
    );
    assert_not_found(
        store
            .set_user_boundary(OTHER_ACCOUNT, "alice", Some(&policy("Mine").arn))
            .await,
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
    store.create_mfa_device(&device(&serial)).await.unwrap();
    assert_not_found(
        store
            .enable_mfa_device(OTHER_ACCOUNT, &serial, "alice", 7, now())
            .await,
        EntityKind::MfaDevice,
    );
    store
        .enable_mfa_device(ACCOUNT, &serial, "alice", 7, now())
        .await
        .unwrap();
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

/// Keys list oldest first, and keys made in the same second in the order they were made (the
/// credential report's `access_key_1` is the first), not by id.
pub async fn keys_in_creation_order(store: &dyn Store) {
    seed_account(store).await;
    store.create_user(&user("twice", "AIDAT")).await.unwrap();
    let owner = KeyOwner::User("twice".into());
    for id in ["AKIAZZZZ", "AKIAAAAA"] {
        store
            .create_access_key(&access_key(id, owner.clone()))
            .await
            .unwrap();
    }
    let ids: Vec<String> = store
        .list_access_keys(ACCOUNT, &owner)
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.access_key_id)
        .collect();
    assert_eq!(ids, ["AKIAZZZZ", "AKIAAAAA"]);
}

fn at(seconds: i64) -> OffsetDateTime {
    now() + time::Duration::seconds(seconds)
}

fn key_use(id: &str, seconds: i64, service: &str) -> AccessKeyUse {
    AccessKeyUse {
        access_key_id: id.to_owned(),
        used_at: at(seconds),
        service: service.to_owned(),
        region: "eu-west-1".to_owned(),
    }
}

fn role_use(id: &str, seconds: i64) -> RoleUse {
    RoleUse {
        role_id: id.to_owned(),
        used_at: at(seconds),
        region: "us-east-2".to_owned(),
    }
}

/// Last-used records: a batch upserts, the newest use wins whatever order batches arrive in,
/// uses of keys and roles that are gone are dropped, and a deleted key or role takes its record
/// with it (a role recreated under the same name starts unused). Recording moves no generation.
pub async fn last_used(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_user(&user("alice", "AIDAA")).await.unwrap();
    let alice = KeyOwner::User("alice".into());
    store
        .create_access_key(&access_key("AKIAUSED", alice.clone()))
        .await
        .unwrap();
    store
        .create_access_key(&access_key("AKIAROOT", KeyOwner::Root))
        .await
        .unwrap();
    let mut theirs = access_key("AKIATHEIRS", KeyOwner::Root);
    theirs.account_id = OTHER_ACCOUNT.to_owned();
    store.create_access_key(&theirs).await.unwrap();
    store.create_role(&role("Used", "AROAUSED")).await.unwrap();
    assert_eq!(store.access_key_last_used("AKIAUSED").await.unwrap(), None);
    assert_eq!(store.role_last_used("AROAUSED").await.unwrap(), None);

    let generation = store.refresh_generation().await.unwrap();
    store
        .record_last_used(
            &[
                key_use("AKIAUSED", 10, "iam"),
                key_use("AKIAROOT", 5, "sts"),
                key_use("AKIATHEIRS", 5, "sts"),
                key_use("AKIAGONE", 10, "iam"),
            ],
            &[role_use("AROAUSED", 20), role_use("AROAGONE", 20)],
        )
        .await
        .unwrap();
    assert_eq!(
        store.refresh_generation().await.unwrap(),
        generation,
        "last-used records leave the cache alone"
    );
    assert_eq!(
        store.access_key_last_used("AKIAUSED").await.unwrap(),
        Some(key_use("AKIAUSED", 10, "iam"))
    );
    assert_eq!(store.access_key_last_used("AKIAGONE").await.unwrap(), None);
    assert_eq!(store.role_last_used("AROAGONE").await.unwrap(), None);

    // An older batch arriving late changes nothing; a newer one replaces.
    store
        .record_last_used(&[key_use("AKIAUSED", 3, "sts")], &[role_use("AROAUSED", 1)])
        .await
        .unwrap();
    assert_eq!(
        store.access_key_last_used("AKIAUSED").await.unwrap(),
        Some(key_use("AKIAUSED", 10, "iam"))
    );
    assert_eq!(
        store.role_last_used("AROAUSED").await.unwrap(),
        Some(role_use("AROAUSED", 20))
    );
    store
        .record_last_used(&[key_use("AKIAUSED", 30, "sts")], &[])
        .await
        .unwrap();
    assert_eq!(
        store.access_key_last_used("AKIAUSED").await.unwrap(),
        Some(key_use("AKIAUSED", 30, "sts"))
    );

    // Per account: only its own keys and roles.
    let mut mine: Vec<String> = store
        .access_key_uses(ACCOUNT)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.access_key_id)
        .collect();
    mine.sort();
    assert_eq!(mine, ["AKIAROOT", "AKIAUSED"]);
    assert_eq!(store.role_uses(ACCOUNT).await.unwrap().len(), 1);
    assert!(store.role_uses(OTHER_ACCOUNT).await.unwrap().is_empty());

    // Deleting takes the record; a recreated role starts unused.
    store
        .delete_access_key(ACCOUNT, &alice, "AKIAUSED")
        .await
        .unwrap();
    assert_eq!(store.access_key_last_used("AKIAUSED").await.unwrap(), None);
    store.delete_role(ACCOUNT, "Used").await.unwrap();
    store.create_role(&role("Used", "AROAAGAIN")).await.unwrap();
    assert_eq!(store.role_last_used("AROAUSED").await.unwrap(), None);
    assert_eq!(store.role_last_used("AROAAGAIN").await.unwrap(), None);
    store.record_last_used(&[], &[]).await.unwrap();
}

/// The credential report: none at first; a generation is in progress between start and finish;
/// a finished report stays for `max_age`, then a new generation replaces it; an abandoned
/// generation is taken over, and its late finish is refused.
pub async fn credential_reports(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    let hours = time::Duration::hours;
    let minutes = time::Duration::minutes;
    assert_eq!(store.get_credential_report(ACCOUNT).await.unwrap(), None);
    assert_eq!(
        store
            .start_credential_report(ACCOUNT, at(0), hours(4), minutes(5))
            .await
            .unwrap(),
        ReportStart::Started { first: true }
    );
    let pending = store.get_credential_report(ACCOUNT).await.unwrap().unwrap();
    assert_eq!((pending.started_at, pending.generated), (at(0), None));
    assert_eq!(
        store
            .start_credential_report(ACCOUNT, at(1), hours(4), minutes(5))
            .await
            .unwrap(),
        ReportStart::InProgress
    );
    store
        .finish_credential_report(ACCOUNT, at(0), at(2), b"user,arn\n")
        .await
        .unwrap();
    let done = store.get_credential_report(ACCOUNT).await.unwrap().unwrap();
    assert_eq!(done.generated, Some((at(2), b"user,arn\n".to_vec())));
    assert_eq!(
        store.get_credential_report(OTHER_ACCOUNT).await.unwrap(),
        None,
        "one report per account"
    );
    assert_eq!(
        store
            .start_credential_report(ACCOUNT, at(3600), hours(4), minutes(5))
            .await
            .unwrap(),
        ReportStart::Complete
    );
    let later = 4 * 3600 + 2;
    assert_eq!(
        store
            .start_credential_report(ACCOUNT, at(later), hours(4), minutes(5))
            .await
            .unwrap(),
        ReportStart::Started { first: false }
    );
    // Abandoned: a generation that never finished is taken over after `abandoned_after`, and
    // the first one's finish no longer lands.
    let takeover = later + 600;
    assert_eq!(
        store
            .start_credential_report(ACCOUNT, at(takeover), hours(4), minutes(5))
            .await
            .unwrap(),
        ReportStart::Started { first: true }
    );
    assert_not_found(
        store
            .finish_credential_report(ACCOUNT, at(later), at(later + 1), b"old")
            .await,
        EntityKind::CredentialReport,
    );
    store
        .finish_credential_report(ACCOUNT, at(takeover), at(takeover + 1), b"new")
        .await
        .unwrap();
    let report = store.get_credential_report(ACCOUNT).await.unwrap().unwrap();
    assert_eq!(report.generated, Some((at(takeover + 1), b"new".to_vec())));
}

fn service_role(name: &str, id: &str) -> Role {
    Role {
        path: "/aws-service-role/autoscaling.amazonaws.com/".to_owned(),
        description: None,
        ..role(name, id)
    }
}

fn deletion_task(name: &str, uuid: &str) -> DeletionTask {
    DeletionTask {
        task_id: format!("task/aws-service-role/autoscaling.amazonaws.com/{name}/{uuid}"),
        account_id: ACCOUNT.to_owned(),
        role_name: name.to_owned(),
        status: DeletionStatus::Succeeded,
        created_at: now(),
    }
}

const SLR_POLICY: &str = "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy";

/// Service-linked roles: created with their policy in one transaction (a taken name changes
/// nothing), deleted with their attachment and a task record; a customer role is not deleted
/// this way; tasks are found only in their own account.
pub async fn service_linked_roles(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    let slr = service_role("AWSServiceRoleForAutoScaling", "AROASLR");
    store
        .create_service_linked_role(&slr, Some(SLR_POLICY))
        .await
        .unwrap();
    let identity = Identity::role(ACCOUNT, "AWSServiceRoleForAutoScaling");
    assert_eq!(
        store.list_attached_policies(&identity).await.unwrap(),
        [SLR_POLICY]
    );
    assert_exists(
        store
            .create_service_linked_role(
                &service_role("awsserviceroleforautoscaling", "AROASLR2"),
                Some(SLR_POLICY),
            )
            .await,
        EntityKind::Role,
    );
    assert!(
        store
            .get_role(ACCOUNT, "AWSServiceRoleForAutoScaling")
            .await
            .is_ok()
    );
    assert_eq!(store.list_roles(ACCOUNT, None).await.unwrap().len(), 1);

    store
        .create_role(&role("Customer", "AROACUST"))
        .await
        .unwrap();
    match store
        .delete_service_linked_role(ACCOUNT, "Customer", &deletion_task("Customer", "1"))
        .await
    {
        Err(StoreError::Conflict { kind, .. }) => assert_eq!(kind, EntityKind::Role),
        other => panic!("a customer role was deleted as service-linked: {other:?}"),
    }
    assert!(store.get_role(ACCOUNT, "Customer").await.is_ok());
    assert_not_found(
        store
            .delete_service_linked_role(ACCOUNT, "Nobody", &deletion_task("Nobody", "2"))
            .await,
        EntityKind::Role,
    );
    assert_not_found(
        store
            .delete_service_linked_role(
                OTHER_ACCOUNT,
                "AWSServiceRoleForAutoScaling",
                &deletion_task("AWSServiceRoleForAutoScaling", "3"),
            )
            .await,
        EntityKind::Role,
    );

    let task = deletion_task("AWSServiceRoleForAutoScaling", "4");
    store
        .delete_service_linked_role(ACCOUNT, "awsserviceroleforautoscaling", &task)
        .await
        .unwrap();
    assert_not_found(
        store
            .get_role(ACCOUNT, "AWSServiceRoleForAutoScaling")
            .await,
        EntityKind::Role,
    );
    assert!(
        store
            .list_attached_policies(&identity)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_deletion_task(ACCOUNT, &task.task_id)
            .await
            .unwrap(),
        task
    );
    assert_not_found(
        store.get_deletion_task(OTHER_ACCOUNT, &task.task_id).await,
        EntityKind::DeletionTask,
    );
    assert_not_found(
        store.get_deletion_task(ACCOUNT, "task/none").await,
        EntityKind::DeletionTask,
    );
    // The name is free again.
    store
        .create_service_linked_role(&slr, Some(SLR_POLICY))
        .await
        .unwrap();
}

/// `RACERS` calls of `call(i)` at once; returns their results in order.
async fn race<'a, F, T>(call: impl Fn(usize) -> F) -> Vec<Result<T, StoreError>>
where
    F: std::future::Future<Output = Result<T, StoreError>> + 'a,
{
    join_all((0..RACERS).map(call)).await
}

fn count_ok<T>(results: &[Result<T, StoreError>]) -> usize {
    results.iter().filter(|r| r.is_ok()).count()
}

/// Every quota and delete rule holds when writers race.
pub async fn races(store: &dyn Store) {
    seed_account(store).await;

    // Twenty CreateAccessKey for one user: exactly two keys.
    store.create_user(&user("keys", "AIDAK")).await.unwrap();
    let results = race(|i| async move {
        let key = access_key(&format!("AKIARACE{i:02}"), KeyOwner::User("keys".into()));
        store.create_access_key(&key).await
    })
    .await;
    assert_eq!(count_ok(&results), Quota::AccessKeysPerUser.limit());
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            result,
            Err(StoreError::LimitExceeded {
                quota: Quota::AccessKeysPerUser
            })
        ));
    }
    let owner = KeyOwner::User("keys".into());
    assert_eq!(
        store.list_access_keys(ACCOUNT, &owner).await.unwrap().len(),
        2
    );

    // Twenty PutRolePolicy of distinct policies: the total stays within the limit.
    store.create_role(&role("Big", "AROAB")).await.unwrap();
    let big = Identity::role(ACCOUNT, "Big");
    let limit = crate::inline_policy_limit(crate::IdentityKind::Role);
    let chunk = "y".repeat(limit / 4);
    let (big, chunk) = (&big, chunk.as_str());
    let results = race(|i| async move {
        store
            .put_inline_policy(big, &format!("p{i}"), chunk, bytes)
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 4);
    let total: usize = store
        .list_inline_policies(big)
        .await
        .unwrap()
        .iter()
        .map(|(_, d)| d.len())
        .sum();
    assert!(total <= limit, "{total} > {limit}");

    // DeleteUser racing CreateAccessKey: never a key without its user.
    for round in 0..5 {
        let name = format!("doomed{round}");
        store
            .create_user(&user(&name, &format!("AIDAD{round}")))
            .await
            .unwrap();
        let key = access_key(&format!("AKIADOOM{round}"), KeyOwner::User(name.clone()));
        let (deleted, created) = futures_util::join!(
            store.delete_user(ACCOUNT, &name),
            store.create_access_key(&key)
        );
        match (deleted, created) {
            (Ok(()), Err(StoreError::NotFound { kind, .. })) => assert_eq!(kind, EntityKind::User),
            (Err(StoreError::DeleteConflict { blocker }), Ok(())) => {
                assert_eq!(blocker, Blocker::AccessKeys);
            }
            other => panic!("delete and create both took effect or both failed: {other:?}"),
        }
        let keys = store
            .list_access_keys(ACCOUNT, &KeyOwner::User(name.clone()))
            .await
            .unwrap();
        let user_exists = store.get_user(ACCOUNT, &name).await.is_ok();
        assert!(user_exists || keys.is_empty(), "a key outlived its user");
    }

    // DeleteRole racing DeleteRole: one deletes, the others find nothing.
    store.create_role(&role("Once", "AROAO")).await.unwrap();
    let results = race(|_| store.delete_role(ACCOUNT, "Once")).await;
    assert_eq!(count_ok(&results), 1);
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            result,
            Err(StoreError::NotFound {
                kind: EntityKind::Role,
                ..
            })
        ));
    }

    // Twenty CreatePolicyVersion: five versions at most.
    store
        .create_policy(&policy("Versions"), "{}")
        .await
        .unwrap();
    let arn = policy("Versions").arn;
    let results = race(|_| store.create_policy_version(&arn, "{}", true, now())).await;
    assert_eq!(count_ok(&results), Quota::VersionsPerPolicy.limit() - 1);
    assert_eq!(store.list_policy_versions(&arn).await.unwrap().len(), 5);

    // AttachRolePolicy racing DeletePolicy: never an attachment to a deleted policy.
    store.create_role(&role("Holder", "AROAH")).await.unwrap();
    let holder = Identity::role(ACCOUNT, "Holder");
    for round in 0..5 {
        let target = policy(&format!("Target{round}"));
        store.create_policy(&target, "{}").await.unwrap();
        let (attached, deleted) = futures_util::join!(
            store.attach_policy(&holder, &target.arn),
            store.delete_policy(&target.arn)
        );
        assert!(
            attached.is_ok() != deleted.is_ok(),
            "attach and delete: {attached:?} {deleted:?}"
        );
        let still_attached = store
            .list_attached_policies(&holder)
            .await
            .unwrap()
            .contains(&target.arn);
        let policy_exists = store.get_policy(&target.arn).await.is_ok();
        assert_eq!(still_attached, policy_exists);
        if still_attached {
            store.detach_policy(&holder, &target.arn).await.unwrap();
        }
    }

    // AddUserToGroup racing DeleteUser; AddRoleToInstanceProfile racing DeleteRole.
    store.create_group(&group("G", "AGPAG")).await.unwrap();
    store
        .create_instance_profile(&profile("P", "AIPAP"))
        .await
        .unwrap();
    for round in 0..5 {
        let name = format!("member{round}");
        store
            .create_user(&user(&name, &format!("AIDAM{round}")))
            .await
            .unwrap();
        let (added, deleted) = futures_util::join!(
            store.add_user_to_group(ACCOUNT, "G", &name),
            store.delete_user(ACCOUNT, &name)
        );
        assert!(added.is_ok() != deleted.is_ok(), "{added:?} {deleted:?}");
        if added.is_ok() {
            store
                .remove_user_from_group(ACCOUNT, "G", &name)
                .await
                .unwrap();
        }
        let role_name = format!("ProfileRole{round}");
        store
            .create_role(&role(&role_name, &format!("AROAP{round}")))
            .await
            .unwrap();
        let (added, deleted) = futures_util::join!(
            store.add_role_to_instance_profile(ACCOUNT, "P", &role_name),
            store.delete_role(ACCOUNT, &role_name)
        );
        assert!(added.is_ok() != deleted.is_ok(), "{added:?} {deleted:?}");
        if added.is_ok() {
            store
                .remove_role_from_instance_profile(ACCOUNT, "P", &role_name)
                .await
                .unwrap();
        }
    }

    // Twenty DeleteServiceLinkedRole of one role: one task, the others find no role.
    store
        .create_service_linked_role(&service_role("AWSServiceRoleForRace", "AROARACE"), None)
        .await
        .unwrap();
    let results = race(|i| async move {
        let task = deletion_task("AWSServiceRoleForRace", &i.to_string());
        store
            .delete_service_linked_role(ACCOUNT, "AWSServiceRoleForRace", &task)
            .await
            .map(|()| task.task_id)
    })
    .await;
    assert_eq!(count_ok(&results), 1);
    for result in &results {
        match result {
            Ok(task_id) => assert!(store.get_deletion_task(ACCOUNT, task_id).await.is_ok()),
            Err(StoreError::NotFound { kind, .. }) => assert_eq!(*kind, EntityKind::Role),
            Err(other) => panic!("{other:?}"),
        }
    }
    let tasks = (0..RACERS)
        .map(|i| deletion_task("AWSServiceRoleForRace", &i.to_string()).task_id)
        .collect::<Vec<_>>();
    let mut recorded = 0;
    for task_id in &tasks {
        recorded += usize::from(store.get_deletion_task(ACCOUNT, task_id).await.is_ok());
    }
    assert_eq!(recorded, 1, "one deletion task");

    // Twenty CreateServiceLinkedRole of one service: one role.
    let results = race(|i| async move {
        store
            .create_service_linked_role(
                &service_role("AWSServiceRoleForOnce", &format!("AROAONCE{i:02}")),
                Some(SLR_POLICY),
            )
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);
    assert_eq!(
        store
            .list_attached_policies(&Identity::role(ACCOUNT, "AWSServiceRoleForOnce"))
            .await
            .unwrap(),
        [SLR_POLICY]
    );

    // Twenty GenerateCredentialReport at once: one generation starts.
    let results = race(|_| {
        store.start_credential_report(
            ACCOUNT,
            now(),
            time::Duration::hours(4),
            time::Duration::minutes(5),
        )
    })
    .await;
    let started = results
        .iter()
        .filter(|r| matches!(r, Ok(ReportStart::Started { .. })))
        .count();
    assert_eq!(started, 1);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(ReportStart::Started { .. } | ReportStart::InProgress)))
    );

    // Twenty CreateUser of one name: one user.
    let results = race(|i| async move {
        store
            .create_user(&user("same", &format!("AIDASAME{i:02}")))
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);

    // Twenty CreateLoginProfile for one user: one profile, the others find it there.
    store.create_user(&user("console", "AIDAC")).await.unwrap();
    let results = race(|i| async move {
        store
            .create_login_profile(
                &login_profile("console", &format!("race{i:02}")),
                &PasswordGuard::Unconditional,
            )
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(
                result,
                Err(StoreError::AlreadyExists {
                    kind: EntityKind::LoginProfile,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    let winner = store
        .get_login_profile(ACCOUNT, "console")
        .await
        .unwrap()
        .password_hash;
    assert_eq!(
        store
            .password_history(ACCOUNT, "console", 24)
            .await
            .unwrap(),
        vec![winner.clone()],
        "only the winner's password is remembered"
    );

    // Twenty password changes checked against the same current password: one is written, the
    // others find their check stale.
    let (checked, winner) = (Some(winner.as_str()), &winner);
    let results = race(|i| async move {
        store
            .update_login_profile(
                ACCOUNT,
                "console",
                &new_password(&format!("next{i:02}"), checked),
            )
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(
                result,
                Err(StoreError::Conflict {
                    kind: EntityKind::LoginProfile,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    let history = store
        .password_history(ACCOUNT, "console", 24)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history.get(1), Some(winner));

    // CreateLoginProfile racing DeleteUser: never a profile without its user.
    for round in 0..5 {
        let name = format!("console{round}");
        store
            .create_user(&user(&name, &format!("AIDACON{round}")))
            .await
            .unwrap();
        let profile = login_profile(&name, "h");
        let (created, deleted) = futures_util::join!(
            store.create_login_profile(&profile, &PasswordGuard::Unconditional),
            store.delete_user(ACCOUNT, &name)
        );
        match (created, deleted) {
            (Err(StoreError::NotFound { kind, .. }), Ok(())) => assert_eq!(kind, EntityKind::User),
            (Ok(()), Err(StoreError::DeleteConflict { blocker })) => {
                assert_eq!(blocker, Blocker::LoginProfile);
            }
            other => panic!("create and delete both took effect or both failed: {other:?}"),
        }
        let profile_exists = store.get_login_profile(ACCOUNT, &name).await.is_ok();
        let user_exists = store.get_user(ACCOUNT, &name).await.is_ok();
        assert!(
            user_exists || !profile_exists,
            "a profile outlived its user"
        );
    }
}

fn ssh_key(id: &str, user: &str, body: &str) -> SshPublicKey {
    SshPublicKey {
        account_id: ACCOUNT.to_owned(),
        user_name: user.to_owned(),
        key_id: id.to_owned(),
        fingerprint: format!("fp-{body}"),
        body: body.to_owned(),
        status: KeyStatus::Active,
        uploaded_at: now(),
    }
}

fn signing_certificate(id: &str, owner: KeyOwner, fingerprint: &str) -> SigningCertificate {
    SigningCertificate {
        account_id: ACCOUNT.to_owned(),
        owner,
        certificate_id: id.to_owned(),
        body: format!("-----BEGIN CERTIFICATE-----{fingerprint}"),
        fingerprint: fingerprint.to_owned(),
        status: KeyStatus::Active,
        uploaded_at: now(),
    }
}

fn server_certificate(name: &str, id: &str) -> ServerCertificate {
    ServerCertificate {
        account_id: ACCOUNT.to_owned(),
        name: name.to_owned(),
        certificate_id: id.to_owned(),
        path: "/web/".to_owned(),
        body: "body".to_owned(),
        chain: None,
        private_key_sealed: vec![7; 16],
        uploaded_at: now(),
        expires_at: now() + time::Duration::days(90),
        tags: vec![tag("env", "prod")],
    }
}

fn service_credential(id: &str, user: &str, service: &str) -> ServiceCredential {
    ServiceCredential {
        account_id: ACCOUNT.to_owned(),
        user_name: user.to_owned(),
        credential_id: id.to_owned(),
        service_name: service.to_owned(),
        slot: 9,
        secret_sealed: vec![5; 8],
        status: KeyStatus::Active,
        created_at: now(),
        expires_at: None,
    }
}

/// SSH public keys: per user, the same key once, five at most, by their user only.
pub async fn ssh_public_keys(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_user(&user("Dev", "AIDADEV")).await.unwrap();
    store.create_user(&user("Ops", "AIDAOPS")).await.unwrap();
    assert_not_found(
        store
            .upload_ssh_public_key(&ssh_key("APKAGHOST", "ghost", "k0"))
            .await,
        EntityKind::User,
    );
    store
        .upload_ssh_public_key(&ssh_key("APKA1", "dev", "k1"))
        .await
        .unwrap();
    let stored = store
        .get_ssh_public_key(ACCOUNT, "DEV", "APKA1")
        .await
        .unwrap();
    assert_eq!(
        stored.user_name, "Dev",
        "stored under the user's own spelling"
    );
    assert_exists(
        store
            .upload_ssh_public_key(&ssh_key("APKA2", "Dev", "k1"))
            .await,
        EntityKind::SshPublicKey,
    );
    // Another user may hold the same key.
    store
        .upload_ssh_public_key(&ssh_key("APKA3", "Ops", "k1"))
        .await
        .unwrap();
    for i in 2..=5 {
        store
            .upload_ssh_public_key(&ssh_key(&format!("APKAD{i}"), "Dev", &format!("k{i}")))
            .await
            .unwrap();
    }
    assert_quota(
        store
            .upload_ssh_public_key(&ssh_key("APKAD6", "Dev", "k6"))
            .await,
        Quota::SshPublicKeysPerUser,
    );
    let listed = store.list_ssh_public_keys(ACCOUNT, "dev").await.unwrap();
    assert_eq!(listed.len(), 5);
    assert_not_found(
        store.list_ssh_public_keys(ACCOUNT, "ghost").await,
        EntityKind::User,
    );
    // Only the key's own user (in its own account) reaches it.
    assert_not_found(
        store.get_ssh_public_key(ACCOUNT, "Ops", "APKA1").await,
        EntityKind::SshPublicKey,
    );
    assert_not_found(
        store
            .update_ssh_public_key_status(OTHER_ACCOUNT, "Dev", "APKA1", KeyStatus::Inactive)
            .await,
        EntityKind::SshPublicKey,
    );
    assert_not_found(
        store.delete_ssh_public_key(ACCOUNT, "Ops", "APKA1").await,
        EntityKind::SshPublicKey,
    );
    store
        .update_ssh_public_key_status(ACCOUNT, "dev", "APKA1", KeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(
        store
            .get_ssh_public_key(ACCOUNT, "Dev", "APKA1")
            .await
            .unwrap()
            .status,
        KeyStatus::Inactive
    );
    // A user with keys is not deleted; a rename carries them.
    assert_blocked(
        store.delete_user(ACCOUNT, "Ops").await,
        Blocker::SshPublicKeys,
    );
    store
        .update_user(
            ACCOUNT,
            "Dev",
            &Rename {
                new_name: Some("Developer".to_owned()),
                new_path: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .list_ssh_public_keys(ACCOUNT, "Developer")
            .await
            .unwrap()
            .len(),
        5
    );
    store
        .delete_ssh_public_key(ACCOUNT, "Ops", "APKA3")
        .await
        .unwrap();
    assert_not_found(
        store.delete_ssh_public_key(ACCOUNT, "Ops", "APKA3").await,
        EntityKind::SshPublicKey,
    );
    store.delete_user(ACCOUNT, "Ops").await.unwrap();
}

/// Signing certificates: a user's or the root's, two each, one certificate once per account.
pub async fn signing_certificates(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_user(&user("Signer", "AIDAS")).await.unwrap();
    store.create_user(&user("Other", "AIDAO")).await.unwrap();
    let signer = KeyOwner::User("signer".to_owned());
    assert_not_found(
        store
            .upload_signing_certificate(&signing_certificate(
                "CERTGHOST0000000000000000",
                KeyOwner::User("ghost".into()),
                "f0",
            ))
            .await,
        EntityKind::User,
    );
    store
        .upload_signing_certificate(&signing_certificate("CERT1", signer.clone(), "f1"))
        .await
        .unwrap();
    // The same certificate is refused for anyone in the account, root included...
    for owner in [KeyOwner::User("Other".into()), KeyOwner::Root] {
        assert_exists(
            store
                .upload_signing_certificate(&signing_certificate("CERTDUP", owner, "f1"))
                .await,
            EntityKind::SigningCertificate,
        );
    }
    // ...but not in another account.
    store
        .upload_signing_certificate(&SigningCertificate {
            account_id: OTHER_ACCOUNT.to_owned(),
            ..signing_certificate("CERTB", KeyOwner::Root, "f1")
        })
        .await
        .unwrap();
    store
        .upload_signing_certificate(&signing_certificate("CERT2", signer.clone(), "f2"))
        .await
        .unwrap();
    assert_quota(
        store
            .upload_signing_certificate(&signing_certificate("CERT3", signer.clone(), "f3"))
            .await,
        Quota::SigningCertificatesPerUser,
    );
    // The root's quota is its own.
    store
        .upload_signing_certificate(&signing_certificate("CERTR1", KeyOwner::Root, "r1"))
        .await
        .unwrap();
    let listed = store
        .list_signing_certificates(ACCOUNT, &signer)
        .await
        .unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|c| c.certificate_id.as_str())
            .collect::<Vec<_>>(),
        ["CERT1", "CERT2"]
    );
    assert_eq!(listed[0].owner, KeyOwner::User("Signer".into()));
    assert_eq!(
        store
            .list_signing_certificates(ACCOUNT, &KeyOwner::Root)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_not_found(
        store
            .list_signing_certificates(ACCOUNT, &KeyOwner::User("ghost".into()))
            .await,
        EntityKind::User,
    );
    // Only the owner reaches a certificate.
    assert_not_found(
        store
            .update_signing_certificate_status(
                ACCOUNT,
                &KeyOwner::Root,
                "CERT1",
                KeyStatus::Inactive,
            )
            .await,
        EntityKind::SigningCertificate,
    );
    assert_not_found(
        store
            .delete_signing_certificate(OTHER_ACCOUNT, &signer, "CERT1")
            .await,
        EntityKind::SigningCertificate,
    );
    store
        .update_signing_certificate_status(ACCOUNT, &signer, "CERT1", KeyStatus::Inactive)
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "Signer").await,
        Blocker::SigningCertificates,
    );
    store
        .update_user(
            ACCOUNT,
            "signer",
            &Rename {
                new_name: Some("Signatory".to_owned()),
                new_path: None,
            },
        )
        .await
        .unwrap();
    let renamed = KeyOwner::User("Signatory".to_owned());
    let listed = store
        .list_signing_certificates(ACCOUNT, &renamed)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].status, KeyStatus::Inactive);
    for id in ["CERT1", "CERT2"] {
        store
            .delete_signing_certificate(ACCOUNT, &renamed, id)
            .await
            .unwrap();
    }
    store.delete_user(ACCOUNT, "Signatory").await.unwrap();
}

/// Server certificates: names unique in the account, twenty at most, tags kept and moved.
pub async fn server_certificates(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store
        .upload_server_certificate(&server_certificate("Web", "ASCA1"))
        .await
        .unwrap();
    assert_exists(
        store
            .upload_server_certificate(&server_certificate("WEB", "ASCA2"))
            .await,
        EntityKind::ServerCertificate,
    );
    let web = store.get_server_certificate(ACCOUNT, "web").await.unwrap();
    assert_eq!(web, server_certificate("Web", "ASCA1"));
    assert_eq!(
        web.arn("aws"),
        format!("arn:aws:iam::{ACCOUNT}:server-certificate/web/Web")
    );
    assert_not_found(
        store.get_server_certificate(OTHER_ACCOUNT, "Web").await,
        EntityKind::ServerCertificate,
    );
    let taggable = Taggable::new(TaggableKind::ServerCertificate, ACCOUNT, "web");
    store.tag(&taggable, &[tag("team", "edge")]).await.unwrap();
    store
        .update_server_certificate(
            ACCOUNT,
            "Web",
            &Rename {
                new_name: Some("Edge".to_owned()),
                new_path: Some("/cloudfront/".to_owned()),
            },
        )
        .await
        .unwrap();
    assert_not_found(
        store.get_server_certificate(ACCOUNT, "Web").await,
        EntityKind::ServerCertificate,
    );
    let edge = store.get_server_certificate(ACCOUNT, "Edge").await.unwrap();
    assert_eq!(edge.path, "/cloudfront/");
    assert_eq!(edge.tags, vec![tag("env", "prod"), tag("team", "edge")]);
    assert_eq!(
        store
            .list_server_certificates(ACCOUNT, Some("/cloud"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .list_server_certificates(ACCOUNT, Some("/web/"))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .upload_server_certificate(&server_certificate("Second", "ASCA3"))
        .await
        .unwrap();
    assert_exists(
        store
            .update_server_certificate(
                ACCOUNT,
                "Second",
                &Rename {
                    new_name: Some("edge".to_owned()),
                    new_path: None,
                },
            )
            .await,
        EntityKind::ServerCertificate,
    );
    for i in 2..Quota::ServerCertificatesPerAccount.limit() {
        store
            .upload_server_certificate(&server_certificate(&format!("C{i}"), &format!("ASCAC{i}")))
            .await
            .unwrap();
    }
    assert_quota(
        store
            .upload_server_certificate(&server_certificate("OneTooMany", "ASCAX"))
            .await,
        Quota::ServerCertificatesPerAccount,
    );
    // Another account's quota is its own.
    store
        .upload_server_certificate(&ServerCertificate {
            account_id: OTHER_ACCOUNT.to_owned(),
            ..server_certificate("Web", "ASCAB")
        })
        .await
        .unwrap();
    store
        .delete_server_certificate(ACCOUNT, "edge")
        .await
        .unwrap();
    assert_not_found(
        store.delete_server_certificate(ACCOUNT, "Edge").await,
        EntityKind::ServerCertificate,
    );
    assert_not_found(
        store
            .list_tags(&Taggable::new(
                TaggableKind::ServerCertificate,
                ACCOUNT,
                "Edge",
            ))
            .await,
        EntityKind::ServerCertificate,
    );
    // A new certificate of the old name starts without the old one's tags.
    store
        .upload_server_certificate(&ServerCertificate {
            tags: vec![],
            ..server_certificate("Edge", "ASCAE2")
        })
        .await
        .unwrap();
    assert!(
        store
            .list_tags(&Taggable::new(
                TaggableKind::ServerCertificate,
                ACCOUNT,
                "Edge"
            ))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Service-specific credentials: two per user and service, in slots 0 and 1; reset, status,
/// delete by their user only.
pub async fn service_credentials(store: &dyn Store) {
    seed_account(store).await;
    seed_other_account(store).await;
    store.create_user(&user("Git", "AIDAG")).await.unwrap();
    store.create_user(&user("Cass", "AIDAC")).await.unwrap();
    const CODECOMMIT: &str = "codecommit.amazonaws.com";
    const KEYSPACES: &str = "cassandra.amazonaws.com";
    assert_not_found(
        store
            .create_service_credential(&service_credential("ACCAGHOST", "ghost", CODECOMMIT))
            .await,
        EntityKind::User,
    );
    let first = store
        .create_service_credential(&service_credential("ACCA1", "git", CODECOMMIT))
        .await
        .unwrap();
    assert_eq!((first.slot, first.user_name.as_str()), (0, "Git"));
    let second = store
        .create_service_credential(&service_credential("ACCA2", "Git", CODECOMMIT))
        .await
        .unwrap();
    assert_eq!(second.slot, 1);
    assert_quota(
        store
            .create_service_credential(&service_credential("ACCA3", "Git", CODECOMMIT))
            .await,
        Quota::ServiceSpecificCredentialsPerUserPerService,
    );
    // The quota is per service and per user.
    store
        .create_service_credential(&service_credential("ACCA4", "Git", KEYSPACES))
        .await
        .unwrap();
    store
        .create_service_credential(&service_credential("ACCA5", "Cass", KEYSPACES))
        .await
        .unwrap();
    // A freed slot is taken again.
    store
        .delete_service_credential(ACCOUNT, "Git", "ACCA1")
        .await
        .unwrap();
    let again = store
        .create_service_credential(&service_credential("ACCA6", "Git", CODECOMMIT))
        .await
        .unwrap();
    assert_eq!(again.slot, 0);
    let ids = |list: Vec<ServiceCredential>| {
        list.into_iter()
            .map(|c| c.credential_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store
            .list_service_credentials(ACCOUNT, Some("git"), Some(CODECOMMIT))
            .await
            .unwrap()),
        ["ACCA2", "ACCA6"],
        "in the order they were made"
    );
    assert_eq!(
        ids(store
            .list_service_credentials(ACCOUNT, None, Some(KEYSPACES))
            .await
            .unwrap()),
        ["ACCA5", "ACCA4"],
        "every user's, by user name"
    );
    assert_eq!(
        store
            .list_service_credentials(ACCOUNT, Some("Git"), None)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_not_found(
        store
            .list_service_credentials(ACCOUNT, Some("ghost"), None)
            .await,
        EntityKind::User,
    );
    assert!(
        store
            .list_service_credentials(OTHER_ACCOUNT, None, None)
            .await
            .unwrap()
            .is_empty()
    );
    let reset = store
        .reset_service_credential(ACCOUNT, "git", "ACCA2", &[6; 8])
        .await
        .unwrap();
    assert_eq!((reset.secret_sealed, reset.slot), (vec![6; 8], 1));
    for (account, user_name) in [(ACCOUNT, "Cass"), (OTHER_ACCOUNT, "Git")] {
        assert_not_found(
            store
                .reset_service_credential(account, user_name, "ACCA2", &[0])
                .await,
            EntityKind::ServiceCredential,
        );
        assert_not_found(
            store
                .update_service_credential_status(account, user_name, "ACCA2", KeyStatus::Inactive)
                .await,
            EntityKind::ServiceCredential,
        );
        assert_not_found(
            store
                .delete_service_credential(account, user_name, "ACCA2")
                .await,
            EntityKind::ServiceCredential,
        );
    }
    store
        .update_service_credential_status(ACCOUNT, "Git", "ACCA2", KeyStatus::Inactive)
        .await
        .unwrap();
    assert_blocked(
        store.delete_user(ACCOUNT, "Cass").await,
        Blocker::ServiceCredentials,
    );
    store
        .update_user(
            ACCOUNT,
            "Git",
            &Rename {
                new_name: Some("Gitter".to_owned()),
                new_path: None,
            },
        )
        .await
        .unwrap();
    let moved = store
        .list_service_credentials(ACCOUNT, Some("Gitter"), None)
        .await
        .unwrap();
    assert_eq!(moved.len(), 3);
    assert!(moved.iter().all(|c| c.user_name == "Gitter"));
}

/// Each credential quota raced by twenty writers, and DeleteUser raced by each upload.
pub async fn credential_races(store: &dyn Store) {
    seed_account(store).await;
    store.create_user(&user("racer", "AIDAR")).await.unwrap();

    let results = race(|i| async move {
        store
            .upload_ssh_public_key(&ssh_key(
                &format!("APKARACE{i:02}"),
                "racer",
                &format!("k{i}"),
            ))
            .await
    })
    .await;
    assert_eq!(count_ok(&results), Quota::SshPublicKeysPerUser.limit());
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            result,
            Err(StoreError::LimitExceeded {
                quota: Quota::SshPublicKeysPerUser
            })
        ));
    }
    assert_eq!(
        store
            .list_ssh_public_keys(ACCOUNT, "racer")
            .await
            .unwrap()
            .len(),
        5
    );

    // Twenty uploads of one key: one.
    store.create_user(&user("samekey", "AIDASK")).await.unwrap();
    let results = race(|i| async move {
        store
            .upload_ssh_public_key(&ssh_key(&format!("APKASAME{i:02}"), "samekey", "one"))
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);

    let results = race(|i| async move {
        let owner = KeyOwner::User("racer".into());
        store
            .upload_signing_certificate(&signing_certificate(
                &format!("CERTRACE{i:02}"),
                owner,
                &format!("f{i}"),
            ))
            .await
    })
    .await;
    assert_eq!(
        count_ok(&results),
        Quota::SigningCertificatesPerUser.limit()
    );
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            result,
            Err(StoreError::LimitExceeded {
                quota: Quota::SigningCertificatesPerUser
            })
        ));
    }

    // Twenty uploads of one certificate by different owners: one.
    for i in 0..RACERS {
        store
            .create_user(&user(&format!("holder{i}"), &format!("AIDAH{i:02}")))
            .await
            .unwrap();
    }
    let results = race(|i| async move {
        let owner = KeyOwner::User(format!("holder{i}"));
        store
            .upload_signing_certificate(&signing_certificate(
                &format!("CERTONE{i:02}"),
                owner,
                "the-one",
            ))
            .await
    })
    .await;
    assert_eq!(count_ok(&results), 1);

    // Twenty uploads with five certificates already there: fifteen.
    let already = 5;
    for i in 0..already {
        store
            .upload_server_certificate(&server_certificate(
                &format!("first{i}"),
                &format!("ASCAFIRST{i:02}"),
            ))
            .await
            .unwrap();
    }
    let results = race(|i| async move {
        store
            .upload_server_certificate(&server_certificate(
                &format!("race{i}"),
                &format!("ASCARACE{i:02}"),
            ))
            .await
    })
    .await;
    let limit = Quota::ServerCertificatesPerAccount.limit();
    assert_eq!(count_ok(&results), limit - already);
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(
            result,
            Err(StoreError::LimitExceeded {
                quota: Quota::ServerCertificatesPerAccount
            })
        ));
    }
    assert_eq!(
        store
            .list_server_certificates(ACCOUNT, None)
            .await
            .unwrap()
            .len(),
        limit
    );

    let results = race(|i| async move {
        store
            .create_service_credential(&service_credential(
                &format!("ACCARACE{i:02}"),
                "racer",
                "codecommit.amazonaws.com",
            ))
            .await
    })
    .await;
    let quota = Quota::ServiceSpecificCredentialsPerUserPerService;
    assert_eq!(count_ok(&results), quota.limit());
    let mut slots: Vec<u8> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|c| c.slot))
        .collect();
    slots.sort_unstable();
    assert_eq!(slots, [0, 1], "each slot once");
    for result in results.iter().filter(|r| r.is_err()) {
        assert!(matches!(result, Err(StoreError::LimitExceeded { quota: q }) if *q == quota));
    }

    // DeleteUser racing each upload: never a credential without its user.
    for round in 0..5 {
        let name = format!("doomedcred{round}");
        store
            .create_user(&user(&name, &format!("AIDADC{round}")))
            .await
            .unwrap();
        let key = ssh_key(&format!("APKADOOM{round}"), &name, "k");
        let certificate = signing_certificate(
            &format!("CERTDOOM{round}"),
            KeyOwner::User(name.clone()),
            &format!("doom{round}"),
        );
        let credential = service_credential(
            &format!("ACCADOOM{round}"),
            &name,
            "cassandra.amazonaws.com",
        );
        let (deleted, ssh, cert, cred) = futures_util::join!(
            store.delete_user(ACCOUNT, &name),
            store.upload_ssh_public_key(&key),
            store.upload_signing_certificate(&certificate),
            store.create_service_credential(&credential),
        );
        let user_exists = store.get_user(ACCOUNT, &name).await.is_ok();
        assert_eq!(deleted.is_ok(), !user_exists);
        if deleted.is_ok() {
            for created in [ssh.err(), cert.err(), cred.err()] {
                assert!(
                    matches!(
                        created,
                        Some(StoreError::NotFound {
                            kind: EntityKind::User,
                            ..
                        })
                    ),
                    "a credential outlived its user: {created:?}"
                );
            }
        } else {
            assert!(matches!(deleted, Err(StoreError::DeleteConflict { .. })));
        }
    }
}
