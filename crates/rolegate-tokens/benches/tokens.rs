//! Cost of sealing and opening one session token with realistic claims (role session with an
//! inline session policy, one managed policy ARN, tags, source identity, MFA), and of minting
//! the temporary key id and secret that go with it.

// A bench is a test harness: a failure should abort it loudly.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use rolegate_tokens::{
    KeyRing, MfaContext, SessionClaims, SessionPrincipal, TemporaryCredentials,
    new_secret_access_key, new_temporary_access_key_id,
};
use std::hint::black_box;

fn claims() -> SessionClaims {
    let account = "123456789012";
    SessionClaims {
        account_id: account.into(),
        principal: SessionPrincipal::AssumedRole {
            role_arn: format!("arn:aws:iam::{account}:role/path/demo"),
            role_id: "AROAEXAMPLEEXAMPLE123".into(),
            session_name: "benchmark-session".into(),
            assumed_role_arn: format!("arn:aws:sts::{account}:assumed-role/demo/benchmark-session"),
            identity_provider: None,
        },
        access_key_id: new_temporary_access_key_id(account).unwrap(),
        secret_access_key: new_secret_access_key().unwrap(),
        issued_at: 1_700_000_000,
        expires_at: 1_700_003_600,
        session_policy: Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#
                .into(),
        ),
        session_policy_arns: vec![format!("arn:aws:iam::{account}:policy/ReadOnly")],
        tags: vec![("Project".into(), "Rolegate".into()), ("CostCenter".into(), "42".into())],
        transitive_tag_keys: vec!["Project".into()],
        source_identity: Some("DevUser123".into()),
        mfa: Some(MfaContext { authenticated_at: 1_699_999_990 }),
        chain_depth: 0,
        source_principal_arn: format!("arn:aws:iam::{account}:user/bob"),
    }
}

fn bench(c: &mut Criterion) {
    let ring = KeyRing::generate(0).unwrap();
    let claims = claims();
    let token = ring.seal(&claims).unwrap();
    c.bench_function("seal", |b| {
        b.iter(|| ring.seal(black_box(&claims)).unwrap())
    });
    c.bench_function("open", |b| {
        b.iter(|| {
            ring.open(
                black_box(&token),
                black_box(&claims.access_key_id),
                1_700_000_100,
            )
            .unwrap()
        })
    });
}

/// What one `AssumeRole` mints: a temporary key id and secret, then the sealed token.
fn bench_mint(c: &mut Criterion) {
    let ring = KeyRing::generate(0).unwrap();
    let mut claims = claims();
    c.bench_function("new_ids_and_secret", |b| {
        b.iter(|| {
            (
                new_temporary_access_key_id(black_box("123456789012")).unwrap(),
                new_secret_access_key().unwrap(),
            )
        })
    });
    c.bench_function("mint_and_seal", |b| {
        b.iter(|| {
            claims.access_key_id = new_temporary_access_key_id(black_box("123456789012")).unwrap();
            claims.secret_access_key = new_secret_access_key().unwrap();
            ring.seal(black_box(&claims)).unwrap()
        })
    });
    c.bench_function("temporary_credentials", |b| {
        b.iter(|| TemporaryCredentials::generate(black_box("123456789012")).unwrap())
    });
    c.bench_function("mint_and_seal_one_draw", |b| {
        b.iter(|| {
            let (access_key_id, secret_access_key, nonce) =
                TemporaryCredentials::generate(black_box("123456789012"))
                    .unwrap()
                    .into_parts();
            claims.access_key_id = access_key_id;
            claims.secret_access_key = secret_access_key;
            ring.seal_with_nonce(black_box(&claims), nonce).unwrap()
        })
    });
}

criterion_group!(benches, bench, bench_mint);
criterion_main!(benches);
