//! The request path in-process, without TCP: the axum router driven with requests signed as
//! boto3 signs them (POST, form body, SigV4 `Authorization` header). `GET /health` is the floor
//! (routing and layers only); GetCallerIdentity adds receive, SigV4, audit and respond;
//! AssumeRole adds the trust and identity decisions and minting sealed credentials.
//!
//! `cargo bench -p rolegate-server --bench pipeline`; `scripts/load.sh` measures the same calls
//! over loopback HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use rolegate_server::{ServerConfig, Service};
use tower::ServiceExt as _;

// The allocator the `rolegate` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Account B's vendor user (tests/blackbox/bootstrap.yaml), trusted by account A's VendorAccess.
const VENDOR_KEY: (&str, &str) = ("AKIAVENDOR0000000001", "vendor-secret");
const HOST: &str = "127.0.0.1:4599";

/// A request as boto3 sends it, signed now (valid for the 15 minutes a bench run takes).
struct Signed {
    body: &'static str,
    headers: Vec<(String, String)>,
}

fn signed(body: &'static str) -> Signed {
    let mut headers = vec![
        ("host".to_owned(), HOST.to_owned()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
        ("user-agent".to_owned(), "rolegate-bench".to_owned()),
    ];
    let identity = Credentials::new(VENDOR_KEY.0, VENDOR_KEY.1, None, None, "bench").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        format!("http://{HOST}/"),
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    for (name, value) in instructions.headers() {
        headers.push((name.to_owned(), value.to_owned()));
    }
    Signed { body, headers }
}

fn request(signed: &Signed) -> Request<Body> {
    let mut builder = Request::post("/");
    for (name, value) in &signed.headers {
        builder = builder.header(name, value);
    }
    from_peer(builder.body(Body::from(signed.body)).unwrap())
}

fn health() -> Request<Body> {
    from_peer(Request::get("/health").body(Body::empty()).unwrap())
}

/// The peer address axum's `ConnectInfo` would carry for a loopback connection.
fn from_peer(mut request: Request<Body>) -> Request<Body> {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50_000))));
    request
}

fn pipeline(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let bootstrap =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/blackbox/bootstrap.yaml");
    let config = ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: data.path().to_path_buf(),
        bootstrap: Some(bootstrap),
        dev: false,
        keyring: None,
        clock_offset_seconds: 0,
        workers: 1,
        limits: rolegate_server::ConnectionLimits::default(),
    };
    let service = runtime.block_on(Service::open(&config)).unwrap();
    let router = service.router();

    let identity = signed("Action=GetCallerIdentity&Version=2011-06-15");
    let assume = signed(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FVendorAccess&RoleSessionName=bench",
    );
    for signed in [&identity, &assume] {
        let response = runtime
            .block_on(router.clone().oneshot(request(signed)))
            .unwrap();
        assert_eq!(response.status(), 200, "{}", signed.body);
    }

    let mut group = c.benchmark_group("pipeline");
    group.bench_function("GET /health", |b| {
        b.iter(|| runtime.block_on(router.clone().oneshot(health())).unwrap());
    });
    group.bench_function("GetCallerIdentity", |b| {
        b.iter(|| {
            runtime
                .block_on(router.clone().oneshot(request(&identity)))
                .unwrap()
        });
    });
    group.bench_function("AssumeRole", |b| {
        b.iter(|| {
            runtime
                .block_on(router.clone().oneshot(request(&assume)))
                .unwrap()
        });
    });
    group.finish();
    drop(router);
    runtime.block_on(service.close());
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
